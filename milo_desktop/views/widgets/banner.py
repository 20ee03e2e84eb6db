"""A one-line message above a table, and running work whose problems it reports."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.views.context import ViewContext


class Banner(QLabel):
    """A problem (red) or what just happened (grey); hidden until there is something to say."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str, problem: bool = False) -> None:
        color, back = ("#991b1b", "#fee2e2") if problem else ("#374151", "#f3f4f6")
        self.setStyleSheet(f"QLabel#banner {{ color: {color}; background: {back};"
                           " border-radius: 4px; padding: 6px 10px; }")
        self.setText(text)
        self.show()


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
