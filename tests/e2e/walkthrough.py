"""What the "done when" walkthroughs share: the app composed as app/main.py composes it in
demo mode (a small demo workspace, the event bridge, the UI state), themed like the app, and
the gestures and waits of a person at the keyboard.

The fixtures (``ctx``, ``themed_like_the_app``, ``collect_on_the_gui_thread``) are in
tests/e2e/conftest.py; a walkthrough module marks itself
``pytest.mark.usefixtures("themed_like_the_app", "collect_on_the_gui_thread")``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import text

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow

WAIT = 60_000  # ms: the machine is shared and the sync rounds run in threads
# What every walkthrough module sets as its ``pytestmark``: the app's theme, Qt objects
# collected on the GUI thread, and the offscreen platform's harmless warnings.
WALKTHROUGH_MARKS = [pytest.mark.usefixtures("themed_like_the_app", "collect_on_the_gui_thread"),
                     pytest.mark.qt_log_ignore(r"This plugin does not support "
                                               r"(propagateSizeHints|raise|grabbing the keyboard)")]


class Shots:
    """The window after each step, for a person to look at (MILO_WALKTHROUGH_SHOTS)."""

    def __init__(self, window: MainWindow) -> None:
        folder = os.environ.get("MILO_WALKTHROUGH_SHOTS")
        self.folder = Path(folder) if folder else None
        self.window = window
        self.n = 0
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, widget: QWidget | None = None) -> None:
        self.n += 1
        if self.folder is not None:
            QApplication.processEvents()
            (widget or self.window).grab().save(str(self.folder / f"{self.n:02d}-{name}.png"))


def click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_cell(qtbot: Any, view: Any, index: QModelIndex,
               modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     view.visualRect(index).center())


def run(qtbot: Any, ctx: ViewContext, coro: Any, timeout: int = WAIT) -> Any:
    task = ctx.spawn(coro, "walkthrough.step")
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def wait_for(qtbot: Any, get: Callable[[], Any], want: Any, timeout: int = WAIT) -> None:
    """Wait until ``get()`` gives ``want``; on timeout, say what it gave instead."""
    seen: list[Any] = []

    def check() -> bool:
        seen[:] = [get()]
        return bool(seen[0] == want)

    try:
        qtbot.waitUntil(check, timeout=timeout)
    except qtbot.TimeoutError:
        raise AssertionError(f"expected {want!r}, still {seen[0]!r}") from None


def sql(ws: Workspace, query: str, **params: Any) -> list[Any]:
    return ws.db.run_sync(lambda s: list(s.execute(text(query), params).all()))


def dialog_of(kind: type) -> Callable[[], Any]:
    def find() -> Any:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, kind) and w.isVisible()), None)
    return find


def top_dialog(qtbot: Any, kind: type) -> Any:
    find = dialog_of(kind)
    qtbot.waitUntil(lambda: find() is not None, timeout=WAIT)
    return find()
