"""Panels the Settings screen and the outreach dialogs are built from: a titled card, a notice
strip, and a message line whose colour says success, progress or problem (all following the
theme)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.views import theme


class Card(QFrame):
    """A bordered panel with a bold title, an optional right-aligned status, and a body."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        t = theme.current()
        self.setStyleSheet(f"QFrame#card {{ background: {t.base}; border: 1px solid {t.border};"
                           " border-radius: 10px; }")
        self.title = QLabel(title, self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel(self)
        self.status.setObjectName("cardStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.status)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 18)
        outer.setSpacing(12)
        outer.addLayout(head)
        outer.addLayout(self.body)

    def set_status(self, text: str, tone: str = "muted") -> None:
        """``tone``: muted, success, warning or danger (a coloured dot and text)."""
        color = getattr(theme.current(), tone, theme.current().muted)
        self.status.setText(f"<span style='color:{color}'>●</span>&nbsp;{text}")
        self.status.setStyleSheet(f"color: {color}; font-weight: 600;")


class ActionCard(Card):
    """A card whose buttons start one background action at a time (test, connect, save):
    the buttons are disabled meanwhile, progress and problems go to ``message`` (a
    MessageLine the subclass makes), and ``finished`` is emitted when the action ends."""

    finished = Signal()  # a background action ended (successfully or not)

    ctx: Any  # the ViewContext, set by the subclass
    message: MessageLine

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._busy = False

    def is_busy(self) -> bool:
        return self._busy

    def action_buttons(self) -> Iterable[QWidget]:
        """The buttons disabled while an action runs."""
        return ()

    def problem_text(self, exc: EnvironmentProblem) -> str:
        return exc.message

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in self.action_buttons():
            button.setEnabled(not busy)

    def _run(self, progress: str, work: Callable[[], Awaitable[None]], name: str) -> None:
        if self._busy:
            return
        self._set_busy(True)
        self.message.say(progress, "muted")

        async def guarded() -> None:
            try:
                await work()
            except EnvironmentProblem as exc:
                self.message.say(self.problem_text(exc), "danger")
            finally:
                self._set_busy(False)
                self.finished.emit()

        self.ctx.spawn(guarded(), name)


class Notice(QFrame):
    """A full-width strip for something the user has to decide or fix (amber or grey)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(14, 10, 14, 10)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.heading)
        column.addWidget(self.text)
        self.row.addLayout(column, 1)
        self.set_tone("warning")

    def set_tone(self, tone: str) -> None:
        t = theme.current()
        color = getattr(t, tone, t.muted)
        self.setStyleSheet(f"QFrame#notice {{ border: 1px solid {color}; border-radius: 8px;"
                           f" background: {t.base}; }} QFrame#notice QLabel {{ color: {t.text}; }}")

    def say(self, heading: str, text: str, tone: str = "warning") -> None:
        self.heading.setText(heading)
        self.text.setText(text)
        self.set_tone(tone)
        self.show()


class MessageLine(QLabel):
    """One line under a form: progress (muted), success (green) or a problem (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tone = ""
        self.hide()

    def say(self, text: str, tone: str = "muted") -> None:
        self.tone = tone
        t = theme.current()
        self.setStyleSheet(f"color: {getattr(t, tone, t.muted)};")
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.say("")
