"""The interviewer page's readiness line: what stops this interviewer's screening from
progressing (a Voice or SMS stage with no number to call or text from), said in warning
colours and kept on screen until it is fixed, and what candidates wait for (an email account,
résumés attached by hand), said calmly — the decision of services/readiness.py, the one the
wizard and the Invite dialog show. A draft gets an Activate button; activating is refused
with the reason while something blocks it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from milo_desktop.enums import InterviewerStatus
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.readiness import Readiness
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext


class ReadinessLine(QWidget):
    """``activated(id)`` after a draft went live."""

    activated = Signal(int)
    shown = Signal()  # a readiness answer is on screen (tests wait for it)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.interviewer_id: int | None = None
        self.status: InterviewerStatus | None = None
        self.readiness: Readiness | None = None
        self.text = QLabel(self)
        self.text.setObjectName("readinessText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.activate_button = QPushButton(self.tr("Activate"), self)
        self.activate_button.setToolTip(self.tr("Start taking candidates"))
        self.activate_button.clicked.connect(self.activate)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.activate_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def load(self, interviewer_id: int, status: InterviewerStatus) -> None:
        self.interviewer_id, self.status = interviewer_id, status
        self.ctx.spawn(self._load(interviewer_id), "interviewers.detail.readiness")

    async def _load(self, interviewer_id: int) -> None:
        try:
            readiness = await self.ctx.workspace.outreach.readiness(interviewer_id)
        except EnvironmentProblem as exc:
            self._say([(exc.message, "danger")])
            return
        if interviewer_id != self.interviewer_id:
            return
        self.readiness = readiness
        lines: list[tuple[str, str]] = []
        draft = self.status == InterviewerStatus.DRAFT
        if readiness.blocking:
            head = (self.tr("This draft can't go live yet:") if draft
                    else self.tr("Invited candidates can't progress:"))
            lines.append((f"{head} {readiness.reason()}", "warning"))
        elif draft:
            lines.append((self.tr("This is a draft: activate it to start taking candidates."),
                          "text"))
        lines += [(p.message, "muted") for p in readiness.notices]
        self._say(lines)

    def _say(self, lines: list[tuple[str, str]]) -> None:
        t = theme.current()
        self.text.setText("<br>".join(
            f"<span style='color:{getattr(t, tone, t.text)}'>{html.escape(text, quote=False)}</span>"
            for text, tone in lines))
        self.activate_button.setVisible(self.status == InterviewerStatus.DRAFT)
        self.setVisible(bool(lines))
        self.shown.emit()

    def activate(self) -> None:
        iid = self.interviewer_id
        if iid is None:
            return

        async def go() -> None:
            try:
                done = await self.ctx.workspace.interviewers.activate(iid)
            except EnvironmentProblem as exc:
                self._say([(exc.message, "danger")] + [
                    (p.message, "muted") for p in (self.readiness.notices
                                                   if self.readiness else ())])
                return
            if done:
                self.activated.emit(iid)

        self.ctx.spawn(go(), "interviewers.activate")
