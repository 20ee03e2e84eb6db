"""Finding files under resources/ (the lookup itself is Qt-free: milo_desktop.paths)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from milo_desktop.paths import resources_dir

__all__ = ["icon", "resources_dir"]


def icon(name: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"{name}.svg"))
