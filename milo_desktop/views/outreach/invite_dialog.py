"""Invite to interviewer: choose one of the active interviewers, see how the invitation goes
out (email always, SMS when enabled) and what it says, invite, and read what happened."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import Channel
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.outreach import (
    REASONS,
    CommunicationPolicy,
    OutreachReport,
    TemplateKind,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.outreach.format import report_tone, schedule_text
from milo_desktop.views.widgets.cards import MessageLine


class InviteDialog(QDialog):
    """``invited(OutreachReport)`` once the invitations are queued. The dialog stays open to
    show the result; its button becomes Close."""

    invited = Signal(object)
    ready = Signal()  # interviewers and the preview are loaded

    def __init__(self, ctx: ViewContext, candidate_ids: Sequence[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.outreach
        self.candidate_ids = list(dict.fromkeys(candidate_ids))
        self.policy: CommunicationPolicy | None = None
        self.report: OutreachReport | None = None
        self._busy = False
        self._ready = False
        self.setWindowTitle(self.tr("Invite to interviewer"))
        self.setMinimumWidth(520)
        n = len(self.candidate_ids)
        self.intro = QLabel(self.tr("Invite {n} candidates to a screening interview.").format(
            n=f"{n:,}") if n != 1 else self.tr("Invite this candidate to a screening "
                                               "interview."), self)
        self.intro.setWordWrap(True)
        self.combo = QComboBox(self)
        self.combo.setMinimumContentsLength(24)
        self.channels = QLabel(self)
        self.channels.setWordWrap(True)
        self.channels.setProperty("muted", True)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(170)
        self.message = MessageLine(self)
        # What the chosen interviewer lacks (services/readiness.py): a missing phone number
        # blocks the invitation; a missing email account or résumés by hand are said calmly.
        self.readiness = MessageLine(self)
        self.readiness.setWordWrap(True)
        self.blocked = False
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Interviewer"), self.combo)
        form.addRow(self.tr("Sent by"), self.channels)
        form.addRow(self.tr("Preview"), self.preview)
        self.buttons = QDialogButtonBox(self)
        self.invite_button = self.buttons.addButton(self.tr("Invite"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.invite_button.setProperty("primary", True)
        self.invite_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.invite)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.readiness)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.combo.currentIndexChanged.connect(self._interviewer_changed)
        self.ctx.spawn(self._load(), "outreach.invite.load")

    # ----- loading ------------------------------------------------------------------------
    def is_ready(self) -> bool:
        return self._ready

    async def _load(self) -> None:
        try:
            self.policy = await self.service.policy()
            choices = await self.service.invitable_interviewers()
            first = (await self.ctx.workspace.candidates.rows_by_ids(self.candidate_ids[:1]))
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return
        if len(self.candidate_ids) == 1 and first:
            self.intro.setText(self.tr("Invite {name} to a screening interview.").format(
                name=first[0].full_name))
        self.combo.blockSignals(True)
        for c in choices:
            self.combo.addItem(c.name if c.name == c.position_title
                               else f"{c.name} — {c.position_title}", c.id)
        self.combo.blockSignals(False)
        self._show_channels()
        if not choices:
            self.preview.setPlainText("")
            self.message.say(self.tr("No active interviewer takes new candidates. Create one, or "
                                     "unarchive or extend one, first."), "warning")
            self._set_ready()
            return
        await self._show_preview()
        self._set_ready()

    def _set_ready(self) -> None:
        self._ready = True
        self.ready.emit()

    def choose(self, interviewer_id: int) -> None:
        i = self.combo.findData(interviewer_id)
        if i >= 0:
            self.combo.setCurrentIndex(i)

    def _interviewer_changed(self, _index: int) -> None:
        self.ctx.spawn(self._show_preview(), "outreach.invite.preview")

    def _show_channels(self) -> None:
        p = self.policy
        if p is None:
            return
        text = self.tr("Email (always)")
        if p.sms_enabled:
            text += self.tr(", and SMS to candidates with a mobile number")
        else:
            text += self.tr(". SMS invitations are off (Outreach → Communication policy).")
        text += schedule_text(p)
        self.channels.setText(text)

    async def _show_readiness(self, interviewer_id: int) -> None:
        try:
            readiness = await self.service.readiness(interviewer_id)
        except EnvironmentProblem as exc:
            self.readiness.say(exc.message, "danger")
            return
        if self.combo.currentData() != interviewer_id:
            return  # another interviewer was chosen meanwhile
        self.blocked = not readiness.ready
        if readiness.blocking:
            self.readiness.say(self.tr("This interviewer cannot take candidates yet: {why}")
                               .format(why=readiness.reason()), "danger")
        elif readiness.notices:
            self.readiness.say(" ".join(p.message for p in readiness.notices), "muted")
        else:
            self.readiness.say("", "muted")
        self.readiness.setVisible(bool(readiness.problems))
        self.fit_height()
        if self.report is None:
            self.invite_button.setEnabled(bool(self.candidate_ids) and not self.blocked
                                          and not self._busy)

    async def _show_preview(self) -> None:
        interviewer_id = self.combo.currentData()
        if interviewer_id is None:
            return
        await self._show_readiness(int(interviewer_id))
        try:
            texts = await self.service.preview(TemplateKind.INVITATION, int(interviewer_id),
                                               self.candidate_ids[0] if self.candidate_ids
                                               else None)
        except EnvironmentProblem as exc:
            self.preview.setPlainText(exc.message)
            return
        email = texts[Channel.EMAIL]
        parts = [self.tr("Subject: {subject}").format(subject=email.subject), "", email.body]
        if self.policy is not None and self.policy.sms_enabled:
            parts += ["", self.tr("SMS:"), texts[Channel.SMS].body]
        self.preview.setPlainText("\n".join(parts))

    # ----- inviting -----------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def invite(self) -> None:
        if self.report is not None:
            self.accept()
            return
        interviewer_id = self.combo.currentData()
        if interviewer_id is None or self._busy or self.blocked:
            return
        self._busy = True
        self.invite_button.setEnabled(False)
        self.combo.setEnabled(False)
        self.message.say(self.tr("Inviting…"), "muted")
        self.ctx.spawn(self._invite(int(interviewer_id)), "outreach.invite")

    async def _invite(self, interviewer_id: int) -> None:
        try:
            report = await self.service.invite(self.candidate_ids, interviewer_id)
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            self.invite_button.setEnabled(not self.blocked)
            self.combo.setEnabled(True)
            return
        finally:
            self._busy = False
        self.show_report(report)
        self.invited.emit(report)

    def show_report(self, report: OutreachReport) -> None:
        self.report = report
        lines = [report.summary() + "."]
        lines += list(report.notes)
        self.message.say("\n".join(lines), report_tone(report))
        self.message.setToolTip("\n".join(f"{len(ids)} {REASONS.get(k, k)}"
                                          for k, ids in report.skipped.items()))
        self.readiness.hide()  # the report says what happened now
        self.invite_button.setText(self.tr("Close"))
        self.invite_button.setEnabled(True)
        self.cancel_button.hide()
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to show every line said. A wrapped line's height is not part of a window's
        minimum size: without this the preview is drawn over the result's second line."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if need > self.height():
            self.resize(self.width(), need)
