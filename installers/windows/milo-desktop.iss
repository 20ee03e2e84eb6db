; Inno Setup 6 script: the Windows installer for the folder PyInstaller built (dist\Milo Desktop).
; Build it with installers\windows\build-windows.ps1, which passes the version from pyproject
; (milo_desktop.__version__): iscc /DAppVersion=0.1.0 installers\windows\milo-desktop.iss
; Per-user install, no administrator rights: PrivilegesRequired=lowest puts {autopf} under
; %LOCALAPPDATA%\Programs and {autoprograms} in the user's Start menu; the uninstaller is
; registered under "Apps & features" for this user.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build-windows.ps1 does)
#endif
#define AppName "Milo Desktop"
#define AppExe "milo-desktop.exe"
#define AppFolder "..\..\dist\Milo Desktop"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6F0C8E52-3B7D-4A1E-9D25-8C4F1A7B2E63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Milo
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=milo-desktop-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\milo.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole app folder, THIRD-PARTY-LICENSES (in _internal) included.
Source: "{#AppFolder}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The workspace, logs and UI state live in the user's data folder (%LOCALAPPDATA%\Milo\Milo
; Desktop), not in {app}: uninstalling keeps them, as a reinstall expects.
