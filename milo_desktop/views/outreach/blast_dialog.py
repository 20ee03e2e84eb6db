"""Blast: one email and/or SMS to the selected candidates (email subject ≤ 200 and message
≤ 2,000 characters; SMS ≤ 2,000), at most one per candidate per hour, with a live preview as
the first recipient will read it and a summary that counts the rate-limited.

``BlastDialog(ctx, application_ids, parent)`` is the stable entry point (the interviewer's
Candidates tab opens it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.outreach import (
    BLAST_EMAIL_BODY_MAX,
    SMS_BODY_MAX,
    SUBJECT_MAX,
    CommunicationPolicy,
    OutreachReport,
    check_blast,
)
from milo_desktop.services.outreach.templates import LINK, offered_placeholders, render
from milo_desktop.views.context import ViewContext
from milo_desktop.views.outreach.format import report_tone, schedule_text
from milo_desktop.views.widgets.cards import MessageLine
from milo_desktop.views.widgets.text_fields import CountedLine, CountedText, PlaceholderChips

PREVIEW_DEBOUNCE_MS = 250


class BlastDialog(QDialog):
    """``sent(OutreachReport)`` once the blast is queued; the dialog stays open to show it."""

    sent = Signal(object)
    ready = Signal()

    def __init__(self, ctx: ViewContext, application_ids: Sequence[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.outreach
        self.application_ids = list(dict.fromkeys(application_ids))
        self.policy: CommunicationPolicy | None = None
        self.values: dict[str, str] = {}
        self.report: OutreachReport | None = None
        self._busy = False
        self._ready = False
        n = len(self.application_ids)
        self.setWindowTitle(self.tr("Blast to {n} candidates").format(n=f"{n:,}") if n != 1
                            else self.tr("Message one candidate"))
        self.setMinimumWidth(600)
        intro = QLabel(self.tr("One message to everyone selected. Each candidate gets at most "
                               "one blast per hour; the others are reported as rate-limited."),
                       self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.subject = CountedLine(SUBJECT_MAX, self.tr("Subject"), self)
        self.email_body = CountedText(BLAST_EMAIL_BODY_MAX, self.tr("Email message"), self)
        self.sms_body = CountedText(SMS_BODY_MAX, self.tr("SMS message (optional)"), self)
        self.email_body.setMinimumHeight(120)
        self.sms_body.setMinimumHeight(80)
        self.sms_body.setMaximumHeight(120)
        self.sms_note = QLabel(self)
        self.sms_note.setWordWrap(True)
        self.sms_note.setProperty("muted", True)
        self.chips = PlaceholderChips(self)
        self.chips.follow(self.subject.edit, self.email_body.edit, self.sms_body.edit)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setMinimumHeight(110)
        self.preview.setMaximumHeight(180)
        self.message = MessageLine(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Email subject"), self.subject)
        form.addRow(self.tr("Email"), self.email_body)
        form.addRow(self.tr("SMS"), self.sms_body)
        form.addRow("", self.sms_note)
        form.addRow("", self.chips)
        form.addRow(self.tr("Preview"), self.preview)
        self.buttons = QDialogButtonBox(self)
        self.send_button = self.buttons.addButton(self.tr("Send"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setProperty("primary", True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        for field in (self.subject, self.email_body, self.sms_body):
            field.changed.connect(self._changed)
        self._changed()
        self.ctx.spawn(self._load(), "outreach.blast.load")

    # ----- loading ------------------------------------------------------------------------
    def is_ready(self) -> bool:
        return self._ready

    async def _load(self) -> None:
        try:
            self.policy = await self.service.policy()
            first = self.application_ids[0] if self.application_ids else None
            self.values = await self.service.placeholders_for(first)
            self.chips.offer(offered_placeholders(LINK in self.values))
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return
        sms_on = self.policy.sms_enabled
        self.sms_body.setEnabled(sms_on)
        note = (self.tr("SMS go to candidates with a mobile number.") if sms_on else
                self.tr("SMS is off (Outreach → Communication policy): only email is sent."))
        self.sms_note.setText(note + schedule_text(self.policy))
        self.update_preview()
        self._ready = True
        self.ready.emit()

    # ----- editing ------------------------------------------------------------------------
    def _text(self) -> tuple[str, str, str]:
        sms = self.sms_body.text() if self.sms_body.isEnabled() else ""
        return self.subject.text(), self.email_body.text(), sms

    def _changed(self) -> None:
        subject, body, sms = self._text()
        over = any(f.counter.over() for f in (self.subject, self.email_body, self.sms_body))
        something = bool(subject.strip() or body.strip() or sms.strip())
        self.send_button.setEnabled(self.report is None and not self._busy and something
                                    and not over and bool(self.application_ids))
        self._preview_timer.start()

    def update_preview(self) -> None:
        """Render the blast for the first recipient (problems are shown instead)."""
        subject, body, sms = self._text()
        if not (subject.strip() or body.strip() or sms.strip()):
            self.preview.setPlainText("")
            return
        try:
            check_blast(subject, body, sms)
        except ValidationProblem as exc:
            self.preview.setPlainText(exc.message)
            return
        if not self.values:
            return
        parts = []
        try:  # {{link}} without a candidate page is flagged here, before anything is sent
            if subject.strip() or body.strip():
                parts += [self.tr("Subject: {s}").format(s=render(subject, self.values)), "",
                          render(body, self.values)]
            if sms.strip():
                parts += ([""] if parts else []) + [self.tr("SMS:"), render(sms, self.values)]
        except ValidationProblem as exc:
            self.preview.setPlainText(exc.message)
            return
        self.preview.setPlainText("\n".join(parts))

    # ----- sending ------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def send(self) -> None:
        if self.report is not None:
            self.accept()
            return
        if self._busy or not self.send_button.isEnabled():
            return
        subject, body, sms = self._text()
        self._busy = True
        self.send_button.setEnabled(False)
        self.message.say(self.tr("Queuing…"), "muted")
        self.ctx.spawn(self._send(subject, body, sms), "outreach.blast")

    async def _send(self, subject: str, body: str, sms: str) -> None:
        try:
            report = await self.service.blast(self.application_ids, email_subject=subject or None,
                                              email_body=body or None, sms_body=sms or None)
        except EnvironmentProblem as exc:
            self._busy = False
            self.message.say(exc.message, "danger")
            self._changed()
            return
        self._busy = False
        self.report = report
        self.message.say(report.summary() + ".", report_tone(report))
        for field in (self.subject, self.email_body, self.sms_body):
            field.setEnabled(False)
        self.send_button.setText(self.tr("Close"))
        self.send_button.setEnabled(True)
        self.cancel_button.hide()
        self.sent.emit(report)
