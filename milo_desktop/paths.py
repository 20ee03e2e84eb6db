"""Where the bundled resources (icons, sounds, role templates) are, without Qt.

Services read ``resources/templates`` and views read icons, so the lookup lives here, below
both layers. Three layouts are supported, first match wins:

* ``MILO_DESKTOP_RESOURCES`` names a folder: packagers and tests can point anywhere;
* a PyInstaller build: the spec copies ``resources/`` next to the code (``sys._MEIPASS``);
* a checkout or an editable install: ``resources/`` beside the ``milo_desktop`` package;
* a regular (non-editable) install: ``<prefix>/share/milo-desktop/resources``, where a
  wheel's data files land.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "MILO_DESKTOP_RESOURCES"
_SHARE = Path("share") / "milo-desktop" / "resources"


def resources_dir() -> Path:
    """The folder holding ``icons/``, ``sounds/`` and ``templates/``.

    Falls back to the checkout location when no layout matches, so a missing file shows up as
    a clear "file not found" naming the expected path."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    checkout = Path(__file__).resolve().parents[1] / "resources"
    if checkout.is_dir():
        return checkout
    installed = Path(sys.prefix) / _SHARE
    if installed.is_dir():
        return installed
    return checkout
