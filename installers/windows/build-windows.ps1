# Builds dist\milo-desktop-<version>-setup.exe on Windows (installers\README.md, Windows).
# Needs: Python 3.11+ with `pip install -e ".[build]"`, Inno Setup 6 (iscc.exe on PATH or in
# its default folder). Optional code signing, from the environment only (never the repo):
#   MILO_WINDOWS_CERT_FILE      a .pfx with the code-signing certificate
#   MILO_WINDOWS_CERT_PASSWORD  its password
#   MILO_WINDOWS_TIMESTAMP_URL  an RFC 3161 timestamp server (default: DigiCert's)
# Run from the repository root: powershell -ExecutionPolicy Bypass -File installers\windows\build-windows.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

$size = python installers\build.py | Select-Object -Last 1 | ConvertFrom-Json
if ($LASTEXITCODE -ne 0) { throw "build.py failed or the folder is over its size budget" }
$version = $size.version

function Sign-File([string] $path) {
    if (-not $env:MILO_WINDOWS_CERT_FILE) { return }
    $stamp = if ($env:MILO_WINDOWS_TIMESTAMP_URL) { $env:MILO_WINDOWS_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    signtool sign /fd SHA256 /td SHA256 /tr $stamp /f $env:MILO_WINDOWS_CERT_FILE /p $env:MILO_WINDOWS_CERT_PASSWORD $path
    if ($LASTEXITCODE -ne 0) { throw "signtool failed on $path" }
}

Sign-File "dist\Milo Desktop\milo-desktop.exe"
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installers\windows\milo-desktop.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Sign-File "dist\milo-desktop-$version-setup.exe"
Write-Output "dist\milo-desktop-$version-setup.exe"
