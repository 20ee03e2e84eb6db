"""The two kinds of error reach the user differently: a message, or a crash dialog + log."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from milo_desktop.errors import DiskFull
from milo_desktop.views.widgets.errors import ErrorPresenter


def _close_box_later(seen: list[tuple[str, str, str]]) -> None:
    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.windowTitle(), box.text(), box.detailedText()))
            box.done(0)
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(20, close)


def test_environment_problem_is_a_plain_message(qtbot, caplog) -> None:
    seen: list[tuple[str, str, str]] = []
    presenter = ErrorPresenter("/tmp/milo.log")
    _close_box_later(seen)
    with caplog.at_level(logging.ERROR, logger="milo_desktop"):
        presenter.show(DiskFull("The disk holding your workspace is full."))
    assert seen == [("The disk is full", "The disk holding your workspace is full.", "")]
    assert presenter.shown == [("environment", "The disk holding your workspace is full.")]
    assert not caplog.records  # not a bug: nothing in the log as an error


@pytest.mark.expect_log_warnings
def test_our_bug_gets_the_crash_dialog_and_a_logged_traceback(qtbot, caplog) -> None:
    seen: list[tuple[str, str, str]] = []
    presenter = ErrorPresenter("/var/log/milo-desktop.log")
    try:
        raise KeyError("stage 7")
    except KeyError as exc:
        error = exc
    _close_box_later(seen)
    with caplog.at_level(logging.ERROR, logger="milo_desktop"):
        presenter.show(error, context="opening an interviewer")
    (title, text, detail) = seen[0]
    assert title == "Milo Desktop hit a problem"
    assert "/var/log/milo-desktop.log" in text
    assert "KeyError: 'stage 7'" in detail and "Traceback" in detail
    assert "unexpected error in opening an interviewer" in caplog.text
    assert caplog.records[0].exc_info is not None
