"""Build the app folder from installers/milo_desktop.spec and check its size budget.

Run from anywhere with the build extra installed (``pip install -e ".[build]"``)::

    python installers/build.py            # dist/Milo Desktop/ (+ the Linux tar.gz on Linux)
    python installers/build.py --no-clean # reuse PyInstaller's analysis cache (faster rebuilds)

Steps: the icon rendered from resources/icons/milo.svg to .png/.ico/.icns (build/icons, what the
spec, Inno Setup and the macOS script use), PyInstaller (which also writes THIRD-PARTY-LICENSES
and stops on a GPL-only dependency), then on Linux the libraries stripped (binutils) and the
tar.gz with a .desktop file and the icon.
Prints one JSON object: the unpacked and compressed sizes in MB against their limits; exits 1
when either is over (the Windows and macOS installers are built from the same folder).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installers"))
from licences import project_version  # noqa: E402 - beside this script

DIST, WORK, ICONS = ROOT / "dist", ROOT / "build" / "pyinstaller", ROOT / "build" / "icons"
APP_DIR = "Milo Desktop"
UNPACKED_LIMIT_MB, COMPRESSED_LIMIT_MB = 250.0, 100.0
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)


def render_icons() -> None:
    """milo.svg → PNGs (Qt's SVG renderer, offscreen) → milo.ico and milo.icns (Pillow)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "milo.svg"))
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"milo-{size}.png"))
    del app
    big = Image.open(ICONS / "milo-1024.png")
    big.save(ICONS / "milo.ico", sizes=[(s, s) for s in ICON_SIZES if s <= 256])
    big.save(ICONS / "milo.icns")


def run_pyinstaller(clean: bool) -> Path:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK)]
    # The Python archive at zlib's best level (PyInstaller's default is 6): the tar.gz cannot
    # compress it again, and every 100 kB counts against the budget.
    env = {**os.environ, "PYINSTALLER_ZLIB_COMPRESSION_LEVEL": "9"}
    subprocess.run([*command, *(["--clean"] if clean else []),
                    str(ROOT / "installers" / "milo_desktop.spec")], check=True, env=env)
    return DIST / APP_DIR


def strip_linux(app: Path) -> None:
    """Drop debug and local symbols from the folder's shared libraries (libpython alone carries
    17 MB), except the wheels' repaired ones: a library in a ``*.libs`` folder, or one whose
    RUNPATH points into one, was rewritten by patchelf, and ``strip`` leaves it unloadable ("ELF
    load command address/offset not page-aligned"). The smoke test loads what is stripped."""
    for path in sorted(app.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or any(
                part.endswith(".libs") for part in path.relative_to(app).parts):
            continue
        dynamic = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True)
        if dynamic.returncode != 0 or ".libs" in dynamic.stdout:
            continue
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)


def desktop_entry() -> str:
    """The .desktop file; install-desktop-entry.sh in the archive fills in the Exec path."""
    return "\n".join([
        "[Desktop Entry]", "Type=Application", "Name=Milo Desktop",
        "Comment=AI screening and an inbound-call receptionist for recruiters",
        "Exec=@APPDIR@/milo-desktop %U", "Icon=@APPDIR@/milo.svg", "Terminal=false",
        "Categories=Office;", "StartupWMClass=milo-desktop", "",
    ])


def package_linux(app: Path, version: str) -> Path:
    """dist/milo-desktop-<version>-linux-x86_64.tar.gz: the app folder with the icon, the
    .desktop file and its installer script (installers/README.md, Linux)."""
    (app / "milo.svg").write_bytes((ROOT / "resources" / "icons" / "milo.svg").read_bytes())
    (app / "milo-desktop.desktop").write_text(desktop_entry(), encoding="utf-8")
    script = app / "install-desktop-entry.sh"
    script.write_bytes((ROOT / "installers" / "linux" / "install-desktop-entry.sh").read_bytes())
    script.chmod(0o755)
    archive = DIST / f"milo-desktop-{version}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.add(app, arcname="milo-desktop")
    return archive


def folder_mb(folder: Path) -> float:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-clean", action="store_true",
                        help="keep PyInstaller's cache from the last build")
    args = parser.parse_args(argv)
    version = project_version(ROOT)
    render_icons()
    app = run_pyinstaller(clean=not args.no_clean)
    if sys.platform.startswith("linux"):
        strip_linux(app)
    unpacked = folder_mb(app)
    archive = package_linux(app, version) if sys.platform.startswith("linux") else None
    compressed = archive.stat().st_size / 1e6 if archive else None
    ok = unpacked <= UNPACKED_LIMIT_MB and (compressed is None or compressed <= COMPRESSED_LIMIT_MB)
    print(json.dumps({
        "version": version, "app": str(app), "archive": str(archive) if archive else None,
        "unpacked_mb": round(unpacked, 1), "unpacked_limit_mb": UNPACKED_LIMIT_MB,
        "compressed_mb": round(compressed, 1) if compressed is not None else None,
        "compressed_limit_mb": COMPRESSED_LIMIT_MB, "ok": ok,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
