"""The "done when" walkthroughs' fixtures (their gestures and waits: walkthrough.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from milo_desktop.services.demo import build_demo
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.screen_windows import ScreenWindows


# ----- the app, as app/main.py composes it in demo mode -------------------------------------
@pytest.fixture
def ctx(qloop: Any, tmp_path: Path) -> Iterator[ViewContext]:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    build_demo(ws.db, candidates=200, now=dt.datetime.now(dt.UTC))
    ws.resumes = ResumeService(ws.db, ws.bus, tmp_path, ws.applications)
    ws.bus.bind_loop(qloop)
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    try:
        yield ViewContext(ws, bridge, settings, ScreenWindows())
    finally:
        bridge.close()
        ws.close()


@pytest.fixture
def themed_like_the_app(qapp: Any) -> Iterator[None]:
    """The light theme, as app/main.py applies it; the application put back afterwards."""
    from milo_desktop.views import theme
    from milo_desktop.views.widgets import field_policy

    before = (qapp.styleSheet(), qapp.palette(), qapp.style().name(), theme.current())
    theme.apply(qapp, False)
    yield
    sheet, palette, style, current = before
    field_policy.uninstall(qapp)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme._current = current


@pytest.fixture
def collect_on_the_gui_thread() -> Iterator[None]:
    """Free the Qt objects here, on the GUI thread (tests/gui/conftest.py says why)."""
    yield
    import gc

    gc.collect()
