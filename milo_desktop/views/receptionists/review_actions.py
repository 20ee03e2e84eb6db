"""Approve and Reject with Undo, shared by the pipeline's row menu and the call details window:
the outcome goes to a banner with an Undo button, as Shortlist / Dismiss do on the
Candidates tab; Undo puts the caller's review back as it was, unless it changed since."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from shiboken6 import isValid

from milo_desktop.enums import CallReview
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.pipeline import PipelineService, ReviewUndo
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.widgets.banner import Banner


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReviewActions", text)


class ActionBanner(Banner):
    """A Banner with one follow-up button at its right end (Undo); any other message
    takes the button away."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.action_button = QPushButton(self)
        self.action_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.action_button.hide()
        self._action: Callable[[], Any] | None = None
        self.action_button.clicked.connect(self._act)

    def say(self, text: str, problem: bool = False, action: str = "",
            on_action: Callable[[], Any] | None = None) -> None:
        self._action = on_action if action else None
        self.action_button.setText(action)
        self.action_button.setEnabled(True)
        self.action_button.setVisible(self._action is not None)
        room = self.action_button.sizeHint().width() + 12 if self._action else 0
        self.setContentsMargins(0, 0, room, 0)
        self.setMinimumHeight(self.action_button.sizeHint().height() + 6 if room else 0)
        super().say(text, problem)
        self._place()

    def action_text(self) -> str:
        """The button's text when one is offered, else ""."""
        return self.action_button.text() if self._action is not None else ""

    def trigger_action(self) -> None:
        """Press the follow-up button (keyboard users and tests alike)."""
        if self.action_button.isVisible() and self.action_button.isEnabled():
            self.action_button.click()

    def _act(self) -> None:
        action, self._action = self._action, None
        self.action_button.setEnabled(False)
        if action is not None:
            action()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        hint = self.action_button.sizeHint()
        self.action_button.resize(hint)
        self.action_button.move(self.width() - hint.width() - 6,
                                max(0, (self.height() - hint.height()) // 2))


def decide(ctx: ViewContext, service: PipelineService, call_id: int, caller: str,
           review: CallReview, banner: ActionBanner) -> None:
    """Approve or reject the call in the background; the banner says so and offers Undo."""
    who = caller or _tr("this caller")

    async def go() -> None:
        try:
            decision = await service.decide(call_id, review)
        except EnvironmentProblem as exc:
            if isValid(banner):
                banner.say(exc.message, problem=True)
            return
        if not isValid(banner):
            return
        text = (_tr("Approved {who}.") if review == CallReview.APPROVED
                else _tr("Rejected {who}.")).format(who=who)
        banner.say(text, action=_tr("Undo"),
                   on_action=lambda: undo(ctx, service, decision.undo, who, banner))

    ctx.spawn(go(), f"pipeline.{review.value}")


def undo(ctx: ViewContext, service: PipelineService, token: ReviewUndo, who: str,
         banner: ActionBanner) -> None:
    async def go() -> None:
        try:
            row = await service.undo_review(token)
        except EnvironmentProblem as exc:
            if isValid(banner):
                banner.say(exc.message, problem=True)
            return
        if isValid(banner):
            banner.say(_tr("Undone: {who} is back to “{state}”.").format(
                who=who, state=fmt.review_text(row.review)))

    ctx.spawn(go(), "pipeline.undo")
