"""Call details answer the keyboard like any window: Escape closes them, wherever the focus is
inside (the transcript, the recording player, the tabs, a button)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from milo_desktop.views.receptionists import PipelineSection
from tests.gui import test_pipeline_screen as screen

# the pipeline screen's fixtures: its workspace, calls and section
ws, data, section = screen.ws, screen.data, screen.section

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


def _focus_in(dialog: Any) -> list[QWidget]:
    return [dialog.transcript, dialog.tabs.tabBar(), dialog.player, dialog.approve_button,
            dialog.answers_area]


def test_escape_closes_call_details_wherever_the_focus_is(
        section: PipelineSection, qtbot: Any, data: dict[str, Any]) -> None:
    for where in range(5):
        dialog = section.open_call(data["star"])
        qtbot.waitUntil(lambda d=dialog: d.detail is not None and d.isActiveWindow(),
                        timeout=10_000)
        target = _focus_in(dialog)[where]
        if not target.isVisible():
            dialog.tabs.setCurrentWidget(dialog.transcript if target is dialog.transcript
                                         else dialog.answers_area)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=2000)


def test_details_reopened_from_the_list_take_the_keyboard(
        section: PipelineSection, qtbot: Any, data: dict[str, Any]) -> None:
    """The details window is reused: choosing another call's Details in the list while it is
    open behind the main window brings it forward *with* the keyboard, so Escape closes it."""
    dialog = section.open_call(data["star"])
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.isActiveWindow(),
                    timeout=10_000)
    section.window().activateWindow()  # back to the list, the details stay open behind
    qtbot.waitUntil(lambda: section.window().isActiveWindow(), timeout=2000)
    assert dialog.isVisible() and not dialog.isActiveWindow()
    again = section.open_call(data["star"])
    assert again is dialog
    qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=2000)
    QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
