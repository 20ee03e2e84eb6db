"""Outreach → Sender & phone numbers: who emails come from (the connected mail account's sender
name and address, and where replies go) and the account's phone numbers with what uses each (a receptionist, a
screening, the SMS sender of invitations). Both read in the background; connections are made
under Integrations, which the cards point to."""

from __future__ import annotations

import html
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors.email.smtp import SmtpSettings
from milo_desktop.services.outreach import EmailState
from milo_desktop.services.receptionists.types import NumbersState
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine


class SenderCard(Card):
    """Who invitations and reminders by email come from: the sender name and where replies go
    (kept with the Email connection, whose server and address are set under Integrations)."""

    loaded = Signal()
    integrationsRequested = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sender"), parent)
        self.ctx = ctx
        self._busy = False
        self.address = QLabel(self)
        self.address.setWordWrap(True)
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.connect_button = QPushButton(self.tr("Connect email…"), self)
        self.connect_button.clicked.connect(self.integrationsRequested.emit)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(row)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText(self.tr("e.g. Acme Staffing Recruiting"))
        self.reply_edit = QLineEdit(self)
        self.reply_edit.setMaxLength(254)
        self.reply_edit.setPlaceholderText(self.tr("The sender address"))
        self.form = QWidget(self)
        fields = QFormLayout(self.form)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addRow(self.tr("Sender name"), self.name_edit)
        fields.addRow(self.tr("Replies go to"), self.reply_edit)
        self.body.addWidget(self.form)
        self.note = QLabel(self.tr(
            "Candidates see this name on every invitation and reminder by email. The mail "
            "server and the address emails come from are set under Integrations → Email."), self)
        self.note.setWordWrap(True)
        self.note.setProperty("muted", True)
        self.body.addWidget(self.note)
        self.message = MessageLine(self)
        self.save_button = QPushButton(self.tr("Save sender"), self)
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        self.body.addLayout(bottom)
        self.set_status(self.tr("Checking…"))
        self.form.hide()
        self.save_button.hide()

    def is_busy(self) -> bool:
        return self._busy

    def load(self) -> None:
        integrations = self.ctx.workspace.integrations
        if integrations is None:
            self.show_sender(None)
            return

        async def work() -> None:
            status = await integrations.email.status()
            if isValid(self):
                self.show_sender(status.settings if status.state == EmailState.CONNECTED
                                 else None)

        self._run(work(), "outreach.sender.load")

    def show_sender(self, settings: SmtpSettings | None) -> None:
        connected = settings is not None
        self.form.setVisible(connected)
        self.save_button.setVisible(connected)
        self.connect_button.setVisible(not connected)
        if settings is not None:
            shown = (f"{settings.from_name} <{settings.from_address}>" if settings.from_name
                     else settings.from_address)
            self.address.setText(self.tr("Emails come from <b>{sender}</b>.").format(
                sender=html.escape(shown)))
            self.name_edit.setText(settings.from_name)
            self.reply_edit.setText(settings.reply_to)
            self.set_status(self.tr("Connected"), "success")
        else:
            self.address.setText(self.tr(
                "No email account is connected, so invitations by email wait in Waiting to "
                "send. Connect the account you send from to choose the sender."))
            self.set_status(self.tr("Not connected"), "warning")
        self.loaded.emit()

    def save(self) -> None:
        integrations = self.ctx.workspace.integrations
        if integrations is None:
            return
        name, reply_to = self.name_edit.text(), self.reply_edit.text()

        async def work() -> None:
            saved = await integrations.email.save_sender(name, reply_to)
            if isValid(self):
                self.show_sender(saved)
                self.message.say(self.tr("Saved. Replies go to {address}.").format(
                    address=saved.reply_to or saved.from_address), "success")

        self._run(work(), "outreach.sender.save")

    def _run(self, work: Coroutine[Any, Any, None], name: str) -> None:
        if self._busy:
            work.close()
            return
        self._busy = True
        self.save_button.setEnabled(False)

        async def guarded() -> None:
            try:
                await work
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
            finally:
                self._busy = False
                if isValid(self.save_button):
                    self.save_button.setEnabled(True)

        self.ctx.spawn(guarded(), name)


class NumbersCard(Card):
    """The connected Twilio account's numbers and what uses each."""

    loaded = Signal()
    integrationsRequested = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Phone numbers"), parent)
        self.ctx = ctx
        intro = QLabel(self.tr(
            "The numbers of your Twilio account: candidates call or text them, and Milo texts "
            "from them. Each number serves one receptionist or one screening."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.body.addWidget(intro)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(8)
        self.body.addLayout(self.grid)
        self.message = MessageLine(self)
        self.connect_button = QPushButton(self.tr("Connect Twilio…"), self)
        self.connect_button.clicked.connect(self.integrationsRequested.emit)
        self.connect_button.hide()
        self.body.addWidget(self.message)
        self.body.addWidget(self.connect_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.set_status(self.tr("Checking…"))
        self.numbers: list[tuple[str, str]] = []  # (number, what uses it) as shown

    def load(self) -> None:
        async def work() -> None:
            options = await self.ctx.workspace.receptionists.number_options()
            policy = await self.ctx.workspace.outreach.policy()
            if isValid(self):
                self.show_numbers(options, policy.sms_from if policy.sms_enabled else "")

        self.ctx.spawn(work(), "outreach.numbers.load")

    def show_numbers(self, options: object, sms_from: str) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        state = getattr(options, "state", NumbersState.NOT_CONNECTED)
        numbers = getattr(options, "numbers", ())
        self.connect_button.setVisible(state == NumbersState.NOT_CONNECTED)
        self.numbers = []
        if state != NumbersState.READY:
            self.set_status(self.tr("Not connected") if state == NumbersState.NOT_CONNECTED
                            else self.tr("Unavailable"), "warning")
            self.message.say(self.tr(
                "Twilio is not connected. Connect it under Integrations to see your numbers "
                "and what uses each.") if state == NumbersState.NOT_CONNECTED
                else getattr(options, "message", ""), "muted")
            self.loaded.emit()
            return
        self.message.clear_message()
        self.set_status(self.tr("{n} numbers").format(n=len(numbers)) if len(numbers) != 1
                        else self.tr("1 number"), "success")
        if not numbers:
            self.message.say(self.tr("This Twilio account has no phone numbers yet. Buy one in "
                                     "the Twilio console."), "muted")
        for row, choice in enumerate(numbers):
            uses = [_first_sentence(choice.used_by)] if choice.used_by else []
            if sms_from and choice.e164 == sms_from:
                uses.append(self.tr("Sends SMS invitations and reminders"))
            what = "; ".join(uses) or self.tr("Free — not used by anything yet")
            number = QLabel(choice.e164, self)
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = number.font()
            font.setBold(True)
            number.setFont(font)
            used = QLabel(what, self)
            used.setWordWrap(True)
            used.setProperty("muted", not uses)
            self.grid.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(used, row, 1)
            self.numbers.append((choice.e164, what))
        self.grid.setColumnStretch(1, 1)
        self.loaded.emit()


def _first_sentence(text: str) -> str:
    """"+1… is used by a screening stage of the interviewer “X”." → "Used by a screening
    stage of the interviewer “X”" (the rest of the sentence is for the wizard)."""
    first = text.split(". ")[0].rstrip(".")
    for marker in (" already belongs to ", " is the ", " is used by "):
        if marker in first:
            rest = first.split(marker, 1)[1]
            lead = {" already belongs to ": "Answered by ", " is the ": "The ",
                    " is used by ": "Used by "}[marker]
            return lead + rest
    return first
