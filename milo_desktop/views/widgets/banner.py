"""A one-line message above a table, and running work whose problems it reports."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext

SUCCESS_MS = 6000  # how long "what just happened" stays (problems stay until replaced)


class Banner(QLabel):
    """A problem (red) or what just happened (grey); hidden until there is something to say.

    What just happened ("Extended the deadline of …") goes away by itself after
    ``SUCCESS_MS`` (``timer``; ``expire()`` is what it runs); a problem, and work still under
    way (a line ending in "…"), stays until the next message replaces it. Going away moves
    what is below it, so while the pointer is over the window it waits for the user's next
    click or key press (which lands where it was aimed: the layout changes after it)."""

    def __init__(self, parent: QWidget, success_ms: int = SUCCESS_MS) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(success_ms)
        self.timer.timeout.connect(self.expire)
        self._waiting = False
        self.hide()

    def say(self, text: str, problem: bool = False) -> None:
        t = theme.current()
        if problem:
            color, back = ("#fecaca", "#3b1d1d") if t.dark else ("#991b1b", "#fee2e2")
        else:
            color, back = t.text, t.hover
        self.setStyleSheet(f"QLabel#banner {{ color: {color}; background: {back};"
                           " border-radius: 4px; padding: 6px 10px; }")
        self._stop_waiting()
        self.setText(text)
        self.show()
        if problem or text.rstrip().endswith("…"):
            self.timer.stop()
        else:
            self.timer.start()

    def expire(self) -> None:
        """The success message has been read: make room again, now or at the next input."""
        self.timer.stop()
        app = QApplication.instance()
        if self.isHidden() or app is None or not self.window().underMouse():
            self.hide()
            return
        if not self._waiting:
            self._waiting = True
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._waiting and event.type() in (QEvent.Type.MouseButtonPress,
                                              QEvent.Type.KeyPress):
            self._stop_waiting()
            self.hide()
        return False

    def _stop_waiting(self) -> None:
        if self._waiting:
            self._waiting = False
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)


def run_reporting(ctx: ViewContext, banner: Banner, coro: Coroutine[Any, Any, Any],
                  name: str) -> None:
    """Spawn ``coro``; the user's environment speaking (EnvironmentProblem: offline, locked
    database, a refused value) goes to the banner, anything else is our bug and goes to the
    task registry (log + crash dialog)."""

    async def guarded() -> None:
        try:
            await coro
        except EnvironmentProblem as exc:
            banner.say(exc.message, problem=True)

    ctx.spawn(guarded(), name)
