"""The mailbox card at the top of Apply via Email: not connected ("Connect the mailbox people
write to" + Connect mailbox…), or connected — the address people write to, how the last check
went ("Checked 2 min ago", checking now, or the problem in words, from the sync engine's
status of the ``email`` service), Check now, the period's totals and "N messages need review"
(which opens Sync issues)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from milo_desktop.services.email_intake.mailbox import MailboxState, MailboxStatus
from milo_desktop.services.email_intake.overview import EmailIntakeOverview
from milo_desktop.services.sync import ServiceState, SyncStatus
from milo_desktop.views.widgets.cards import Card
from milo_desktop.views.widgets.formatting import count_text, local_date, local_datetime

TONES = {ServiceState.IDLE: "success", ServiceState.SYNCING: "accent",
         ServiceState.OFFLINE: "warning", ServiceState.BUSY: "warning",
         ServiceState.PROVIDER_ERROR: "warning", ServiceState.AUTH_FAILED: "danger",
         ServiceState.FAILED: "danger", ServiceState.NOT_CONFIGURED: "warning"}


class MailboxCard(Card):
    """``connectRequested`` (Integrations → Email), ``checkRequested``, ``reviewRequested``."""

    connectRequested = Signal()
    checkRequested = Signal()
    reviewRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Mailbox"), parent)
        self.address = QLabel(self)
        self.address.setObjectName("mailboxAddress")
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.address.setWordWrap(True)
        self.state_line = QLabel(self)
        self.state_line.setWordWrap(True)
        self.state_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals = QLabel(self)
        self.totals.setProperty("muted", True)
        self.review_button = QPushButton(self)
        self.review_button.setToolTip(self.tr(
            "Mail Milo could not turn into an application, kept with the reason. Review it "
            "under Integrations → Sync issues (Retry reads it again)."))
        self.check_button = QPushButton(self.tr("Check now"), self)
        self.check_button.setToolTip(self.tr("Read the mailbox now instead of at the next check"))
        self.connect_button = QPushButton(self.tr("Connect mailbox…"), self)
        self.connect_button.setProperty("primary", True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.totals)
        buttons.addStretch(1)  # the buttons stay at the right when the totals are hidden
        for button in (self.review_button, self.check_button, self.connect_button):
            buttons.addWidget(button)
        for label in (self.address, self.state_line, self.totals):
            label.setTextFormat(Qt.TextFormat.PlainText)  # saved values and servers' words
        self.body.setSpacing(6)
        self.body.addWidget(self.address)
        self.body.addWidget(self.state_line)
        self.body.addLayout(buttons)
        self.connect_button.clicked.connect(self.connectRequested.emit)
        self.check_button.clicked.connect(self.checkRequested.emit)
        self.review_button.clicked.connect(self.reviewRequested.emit)
        self.connected = False
        self.set_status(self.tr("Loading…"))
        self.state_line.setText(self.tr("Reading the mailbox settings…"))
        for widget in (self.review_button, self.check_button, self.connect_button):
            widget.hide()

    def show_state(self, mailbox: MailboxStatus, overview: EmailIntakeOverview,
                   sync: SyncStatus | None, now: dt.datetime, *, demo: bool = False) -> None:
        """What the card says, from the mailbox's status, the overview and the engine's
        status of the ``email`` service (None: no background sync in this run)."""
        self.connected = mailbox.state != MailboxState.NOT_CONNECTED
        if not self.connected:
            self.set_status(self.tr("Not connected"), "muted")
            self.address.setText(self.tr("Connect the mailbox people write to"))
            words = self.tr(
                "Milo reads one mailbox, and each interviewer gets its own address on it. "
                "Whoever writes there becomes a candidate, their résumé read and scored.")
            if mailbox.message:
                words = mailbox.message
            elif overview.mailbox_address:
                words = self.tr(
                    "Mail to {address} and the addresses below waits there until the mailbox "
                    "is connected; nothing is lost.").format(address=overview.mailbox_address)
            self.state_line.setText(words)
        else:
            self.address.setText(overview.mailbox_address or (
                mailbox.settings.address if mailbox.settings and mailbox.settings.address
                else self.tr("Connected (no address set)")))
            word, tone, line = self._sync_words(sync, now)
            if demo:
                line += " " + self.tr("A demo mailbox on this computer: send it a test "
                                      "application from an interviewer's Integrations tab.")
            elif mailbox.from_environment:
                line += " " + self.tr("Connected through this computer's environment "
                                      "variables.")
            self.set_status(word, tone)
            self.state_line.setText(line)
        # Applications by email can predate the intake (imported, or typed in): the emails
        # Milo read are said only when there are some, never "0 read · 255 applications".
        words = (self.tr("Last {days} days: {applied} applications by email") if
                 overview.emails_read == 0 else
                 self.tr("Last {days} days: {applied} applications by email · {read} emails "
                         "read by Milo"))
        self.totals.setText(words.format(days=overview.period_days,
                                         read=count_text(overview.emails_read),
                                         applied=count_text(overview.applications)))
        self.totals.setVisible(self.connected or overview.emails_read > 0)
        n = overview.needs_review
        self.review_button.setText(self.tr("1 message needs review") if n == 1 else self.tr(
            "{n} messages need review").format(n=count_text(n)))
        self.review_button.setVisible(n > 0)
        self.check_button.setVisible(self.connected and sync is not None)
        self.check_button.setEnabled(sync is None or sync.state != ServiceState.SYNCING)
        self.connect_button.setVisible(not self.connected)

    def _sync_words(self, sync: SyncStatus | None, now: dt.datetime) -> tuple[str, str, str]:
        """(status word, tone, line) for a connected mailbox."""
        if sync is None:
            return (self.tr("Connected"), "success",
                    self.tr("Checked while Milo runs: new mail becomes candidates within a "
                            "minute."))
        state = sync.state
        if state == ServiceState.SYNCING:
            return self.tr("Checking"), "accent", self.tr("Checking the mailbox now…")
        checked = (self.tr("Checked {when}.").format(when=checked_text(sync.last_sync_at, now))
                   if sync.last_sync_at is not None else self.tr("Not checked yet."))
        if state == ServiceState.IDLE:
            return self.tr("Connected"), "success", checked
        word = {ServiceState.OFFLINE: self.tr("Offline"), ServiceState.BUSY: self.tr("Busy"),
                ServiceState.AUTH_FAILED: self.tr("Sign-in refused"),
                ServiceState.NOT_CONFIGURED: self.tr("Not connected")}.get(
                    state, self.tr("Problem"))
        problem = sync.message or self.tr("The last check did not finish.")
        if sync.last_sync_at is not None and state != ServiceState.NOT_CONFIGURED:
            problem += " " + self.tr("Last good check {when}.").format(
                when=checked_text(sync.last_sync_at, now))
        return word, TONES.get(state, "warning"), problem


def checked_text(when: dt.datetime | None, now: dt.datetime) -> str:
    """"just now", "2 min ago", "3 h ago", "yesterday at 14:05", "on 3 Nov 2026"."""
    if when is None:
        return "—"
    delta = now - when
    if delta < dt.timedelta(minutes=1):
        return _tr("just now")
    if delta < dt.timedelta(hours=1):
        return _tr("{n} min ago").format(n=int(delta.total_seconds() // 60))
    if delta < dt.timedelta(hours=24):
        return _tr("{n} h ago").format(n=int(delta.total_seconds() // 3600))
    if delta < dt.timedelta(days=7):
        return _tr("at {when}").format(when=local_datetime(when))
    return _tr("on {day}").format(day=local_date(when))


def _tr(text: str) -> str:
    return QCoreApplication.translate("MailboxCard", text)
