"""Showing the two kinds of error: a plain message for the environment's, a crash dialog for ours."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from milo_desktop.errors import EnvironmentProblem

log = logging.getLogger("milo_desktop.crash")


class ErrorPresenter:
    """One place that decides how an exception reaches the user."""

    def __init__(self, log_path: str, parent: QWidget | None = None) -> None:
        self.log_path = log_path
        self.parent = parent
        self._showing = False
        self.shown: list[tuple[str, str]] = []  # (kind, message), for tests and the headless run

    def show(self, exc: BaseException, *, context: str = "", logged: bool = False) -> None:
        if isinstance(exc, asyncio.CancelledError):
            return
        if isinstance(exc, EnvironmentProblem):
            self.shown.append(("environment", exc.message))
            if QApplication.instance() is not None and not self._showing:
                self._showing = True
                try:
                    box = QMessageBox(
                        QMessageBox.Icon.Warning, exc.title, exc.message, parent=self.parent
                    )
                    if exc.detail:
                        box.setDetailedText(exc.detail)
                    box.exec()
                finally:
                    self._showing = False
            return
        if not logged:
            log.error("unexpected error%s", f" in {context}" if context else "", exc_info=exc)
        self.shown.append(("bug", str(exc)))
        if QApplication.instance() is None or self._showing:
            return
        self._showing = True
        try:
            box = QMessageBox(self.parent)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(box.tr("Milo Desktop hit a problem"))
            box.setText(
                box.tr(
                    "Something went wrong on our side. Your data is safe; the action may not have "
                    "finished. The details were written to the log:\n%1"
                ).replace("%1", self.log_path)
            )
            box.setDetailedText("".join(traceback.format_exception(exc)))
            box.exec()
        finally:
            self._showing = False

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Route uncaught exceptions (Qt slots, the loop) here."""

        def excepthook(
            kind: type[BaseException], value: BaseException, tb: TracebackType | None
        ) -> None:
            self.show(value, context="a Qt callback")

        def loop_handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            if exc is None:
                log.error("event loop: %s", context.get("message"))
                return
            self.show(exc, context=str(context.get("message", "")))

        sys.excepthook = excepthook
        loop.set_exception_handler(loop_handler)
