"""GUI fixtures: a ViewContext over a real SQLite workspace, with the qasync loop running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.screen_windows import ScreenWindows


@pytest.fixture
def make_ctx(qloop: Any, tmp_path: Path) -> Iterator[Any]:
    """Build a ViewContext for a workspace; the UI settings file is shared by every context of
    the test, so "remembered" state can be checked by building a second window."""
    bridges: list[EventBridge] = []

    def make(ws: Workspace) -> ViewContext:
        ws.bus.bind_loop(qloop)
        bridge = EventBridge(ws.bus)
        bridges.append(bridge)
        settings = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
        return ViewContext(ws, bridge, settings, ScreenWindows())

    yield make
    for bridge in bridges:
        bridge.close()


@pytest.fixture
def pinned_ctx(make_ctx: Any, sqlite_workspace: Workspace) -> ViewContext:
    """A ViewContext whose figures' services run on the factories' clock (``NOW``), so the
    deadlines and periods the tests build are counted from the same moment on any day."""
    from tests.factories import NOW

    ws = sqlite_workspace
    for service in (ws.interviewers, ws.analytics, ws.spend, ws.outreach):
        service.clock = lambda: NOW
    return make_ctx(ws)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """Free each test's Qt objects (qasync timers, worker threads) here, on the GUI thread,
    rather than whenever a later test's worker thread happens to run the garbage collector
    ("Timers cannot be stopped from another thread")."""
    yield
    import gc

    gc.collect()


@pytest.fixture
def apply_theme(qapp: Any) -> Iterator[Any]:
    """``apply_theme(dark)`` themes the application like the app does (style sheet, palette
    and the field policy: views/widgets/field_policy.py); the application is put back as it
    was afterwards (other tests measure widgets without an app-wide theme)."""
    from milo_desktop.views import theme
    from milo_desktop.views.widgets import field_policy

    before = (qapp.styleSheet(), qapp.palette(), qapp.style().name(), theme.current())
    yield lambda dark: theme.apply(qapp, dark)
    sheet, palette, style, current = before
    field_policy.uninstall(qapp)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme._current = current
