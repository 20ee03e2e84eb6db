"""Integrations → Email → "Mailbox (apply by email)": the IMAP mailbox candidates write to.

The address people write to and how each interviewer gets its own (plus-addressing or
aliases), the mail server (host, port, TLS / STARTTLS / none for a mailbox on this
computer), the user and either an app password or an OAuth2 access token (kept in the
keychain only; left empty it keeps the saved one), the folder processed mail moves to, the
largest message read and how often the mailbox is checked when the server offers no IDLE.
Test connection logs in, opens the inbox and says how many messages wait; Save does the same
and stores only settings that worked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.connectors.email.imap import DEFAULT_PORTS, ImapAuth, ImapSecurity
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.email_intake.mailbox import (
    DEFAULT_MAX_MB,
    DEFAULT_PROCESSED,
    MailboxIntegration,
    MailboxState,
    MailboxStatus,
    check_imap,
)
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine

SECURITY_CHOICES = ((ImapSecurity.TLS, "TLS (port 993)"),
                    (ImapSecurity.STARTTLS, "STARTTLS (port 143)"),
                    (ImapSecurity.NONE, "None (a mailbox on this computer only)"))
AUTH_CHOICES = ((ImapAuth.PASSWORD, "App password"),
                (ImapAuth.OAUTH2, "OAuth2 access token (Microsoft 365, Gmail)"))
MODE_CHOICES = (("plus", "Plus-addressing: jobs+<interviewer>@…"),
                ("aliases", "Aliases: one address per interviewer"))


class MailboxPanel(QWidget):
    """Emits ``statusChanged(MailboxStatus)`` after every load, test, save or disconnect."""

    statusChanged = Signal(object)
    finished = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        credentials = getattr(ctx.workspace.integrations, "credentials", None)
        env = getattr(ctx.workspace.integrations, "env", None) or {}
        self.service = MailboxIntegration(credentials, DatabaseSettings(ctx.workspace.db),
                                          env={k: v for k, v in env.items()
                                               if k.startswith("MILO_IMAP")})
        self.current: MailboxStatus | None = None
        self._busy = False

        heading = QLabel(self.tr("Mailbox (apply by email)"), self)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.state_label = QLabel(self)
        head = QHBoxLayout()
        head.addWidget(heading)
        head.addStretch(1)
        head.addWidget(self.state_label)
        intro = QLabel(self.tr(
            "Milo reads this mailbox: whoever writes to an interviewer's address becomes a "
            "candidate there, with their résumé read and scored."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)

        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText("jobs@agency.example")
        self.mode_combo = QComboBox(self)
        for value, text in MODE_CHOICES:
            self.mode_combo.addItem(self.tr(text), value)
        self.aliases_edit = QPlainTextEdit(self)
        self.aliases_edit.setPlaceholderText(self.tr(
            "One per line: interviewer URL name = address\nforklift-dallas = forklift@agency.example"))
        self.aliases_edit.setFixedHeight(72)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText("imap.example.com")
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORTS[ImapSecurity.TLS])
        self.port_spin.setFixedWidth(96)
        server = QHBoxLayout()
        server.addWidget(self.host_edit, 1)
        server.addWidget(QLabel(self.tr("Port"), self))
        server.addWidget(self.port_spin)
        self.security_combo = QComboBox(self)
        for value, text in SECURITY_CHOICES:
            self.security_combo.addItem(self.tr(text), value)
        self.username_edit = QLineEdit(self)
        self.username_edit.setPlaceholderText(self.tr("Usually the mailbox's address"))
        self.auth_combo = QComboBox(self)
        for value, text in AUTH_CHOICES:
            self.auth_combo.addItem(self.tr(text), value)
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText(self.tr("Kept in your keychain"))
        self.processed_edit = QLineEdit(self)
        self.processed_edit.setPlaceholderText(DEFAULT_PROCESSED)
        self.max_spin = QSpinBox(self)
        self.max_spin.setRange(1, 200)
        self.max_spin.setValue(DEFAULT_MAX_MB)
        self.max_spin.setSuffix(" MB")
        self.max_spin.setFixedWidth(110)
        self.poll_spin = QSpinBox(self)
        self.poll_spin.setRange(10, 3600)
        self.poll_spin.setValue(60)
        self.poll_spin.setSuffix(self.tr(" s"))
        self.poll_spin.setFixedWidth(110)
        self.poll_spin.setToolTip(self.tr("Servers that offer IDLE tell Milo about new mail at "
                                          "once; others are checked this often."))
        limits = QHBoxLayout()
        limits.addWidget(self.max_spin)
        limits.addSpacing(16)
        limits.addWidget(QLabel(self.tr("Check every"), self))
        limits.addWidget(self.poll_spin)
        limits.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Address candidates write to"), self.address_edit)
        form.addRow(self.tr("Each interviewer's address"), self.mode_combo)
        form.addRow(self.tr("Aliases"), self.aliases_edit)
        form.addRow(self.tr("Mail server (IMAP)"), server)
        form.addRow(self.tr("Security"), self.security_combo)
        form.addRow(self.tr("Username"), self.username_edit)
        form.addRow(self.tr("Sign in with"), self.auth_combo)
        form.addRow(self.tr("Password or token"), self.secret_edit)
        form.addRow(self.tr("Move processed mail to"), self.processed_edit)
        form.addRow(self.tr("Largest message read"), limits)
        self.form = form

        self.where_label = QLabel(self)
        self.where_label.setWordWrap(True)
        self.where_label.setProperty("muted", True)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.save_button = QPushButton(self.tr("Save mailbox"), self)
        self.save_button.setProperty("primary", True)
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.where_label, 1)
        buttons.addWidget(self.disconnect_button)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        self.message = MessageLine(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.security_combo.currentIndexChanged.connect(self._security_changed)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.auth_combo.currentIndexChanged.connect(self._auth_changed)
        self.test_button.clicked.connect(self.test_form)
        self.save_button.clicked.connect(self.save)
        self.disconnect_button.clicked.connect(self.disconnect_mailbox)
        self.disconnect_button.hide()
        self._mode_changed(0)
        self._show_state(self.tr("Checking…"), "muted")

    # ----- form ---------------------------------------------------------------------------
    def _security_changed(self, _index: int) -> None:
        if self.port_spin.value() in DEFAULT_PORTS.values():
            self.port_spin.setValue(DEFAULT_PORTS[ImapSecurity(self.security_combo.currentData())])

    def _mode_changed(self, _index: int) -> None:
        aliases = self.mode_combo.currentData() == "aliases"
        self.aliases_edit.setVisible(aliases)
        label = self.form.labelForField(self.aliases_edit)
        if label is not None:
            label.setVisible(aliases)

    def _auth_changed(self, _index: int) -> None:
        oauth = self.auth_combo.currentData() == ImapAuth.OAUTH2
        self.secret_edit.setPlaceholderText(self.tr("Paste the access token — kept in your "
                                                    "keychain") if oauth else
                                            self.tr("Kept in your keychain"))

    def aliases(self) -> dict[str, str]:
        found = {}
        for line in self.aliases_edit.toPlainText().splitlines():
            slug, sep, address = line.partition("=")
            if sep and slug.strip() and "@" in address:
                found[slug.strip().lower()] = address.strip().lower()
        return found

    def _imap(self) -> Any:
        try:
            return check_imap(self.host_edit.text(), self.port_spin.value(),
                              self.security_combo.currentData(), self.username_edit.text(),
                              self.auth_combo.currentData(), "INBOX",
                              self.processed_edit.text() or DEFAULT_PROCESSED)
        except ValidationProblem as exc:
            self.message.say(exc.message, "danger")
            return None

    # ----- actions ------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def _run(self, progress: str, work: Any, name: str) -> None:
        if self._busy:
            return
        self._busy = True
        for b in (self.test_button, self.save_button, self.disconnect_button):
            b.setEnabled(False)
        self.message.say(progress, "muted")

        async def guarded() -> None:
            try:
                await work()
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
            finally:
                if isValid(self):
                    self._busy = False
                    for b in (self.test_button, self.save_button, self.disconnect_button):
                        b.setEnabled(True)
                    self.finished.emit()

        self.ctx.spawn(guarded(), name)

    def refresh(self) -> None:
        async def work() -> None:
            status = await self.service.status(verify=True)
            if isValid(self):
                self.message.clear_message()
                self.show_status(status)

        self._run(self.tr("Checking the mailbox…"), work, "integrations.mailbox.load")

    def test_form(self) -> None:
        imap = self._imap()
        if imap is None:
            return

        async def work() -> None:
            status = await self.service.test(imap, self.secret_edit.text() or None)
            if not isValid(self):
                return
            if status.state == MailboxState.CONNECTED:
                self.message.say(self.tr("{what} Click Save mailbox to use it.").format(
                    what=status.message), "success")
            else:
                self.message.say(status.message, "danger")

        self._run(self.tr("Testing the connection…"), work, "integrations.mailbox.test")

    def save(self) -> None:
        imap = self._imap()
        if imap is None:
            return
        address, mode = self.address_edit.text(), self.mode_combo.currentData()
        aliases, max_mb, poll = self.aliases(), self.max_spin.value(), self.poll_spin.value()

        async def work() -> None:
            status = await self.service.connect(imap, self.secret_edit.text() or None, address,
                                                mode=mode, aliases=aliases, max_mb=max_mb)
            engine = self.ctx.workspace.sync
            if engine is not None and "email" in engine.services:
                await engine.set_interval("email", float(poll))
                engine.resume("email")
            if isValid(self):
                self.secret_edit.clear()
                self.show_status(status)
                self.message.say(self.tr("Saved. {what}").format(what=status.message),
                                 "success")

        self._run(self.tr("Connecting to the mailbox…"), work, "integrations.mailbox.save")

    def disconnect_mailbox(self) -> None:
        async def work() -> None:
            status = await self.service.disconnect()
            if isValid(self):
                self.show_status(status)
                self.message.say(self.tr("Disconnected. Mail waits in the mailbox until it is "
                                         "connected again."), "muted")

        self._run(self.tr("Disconnecting…"), work, "integrations.mailbox.disconnect")

    # ----- showing ------------------------------------------------------------------------
    def _show_state(self, text: str, tone: str) -> None:
        color = getattr(theme.current(), tone, theme.current().muted)
        self.state_label.setText(f"<span style='color:{color}'>●</span>&nbsp;{text}")
        self.state_label.setStyleSheet(f"color: {color}; font-weight: 600;")

    def show_status(self, status: MailboxStatus) -> None:
        self.current = status
        tone = {MailboxState.CONNECTED: "success", MailboxState.AUTH_FAILED: "danger",
                MailboxState.OFFLINE: "warning"}.get(status.state, "muted")
        self._show_state({MailboxState.CONNECTED: self.tr("Connected"),
                          MailboxState.AUTH_FAILED: self.tr("Sign-in refused"),
                          MailboxState.OFFLINE: self.tr("Offline")}.get(
                              status.state, self.tr("Not connected")), tone)
        s = status.settings
        if s is not None:
            if s.address:
                self.address_edit.setText(s.address)
            self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(s.mode)))
            self.aliases_edit.setPlainText("\n".join(f"{k} = {v}" for k, v in s.aliases.items()))
            self.max_spin.setValue(max(1, s.max_bytes // (1024 * 1024)))
        if s is not None and s.imap is not None:
            i = s.imap
            self.host_edit.setText(i.host)
            self.security_combo.setCurrentIndex(self.security_combo.findData(i.security))
            self.port_spin.setValue(i.port)
            self.username_edit.setText(i.username)
            self.auth_combo.setCurrentIndex(self.auth_combo.findData(i.auth))
            self.processed_edit.setText(i.processed_folder)
            where = self.tr("Reading {folder} of {user} at {host}:{port}.").format(
                folder=i.folder, user=i.username, host=i.host, port=i.port)
            if status.from_environment:
                where += " " + self.tr("Set by the environment (MILO_IMAP_URL).")
            self.where_label.setText(where)
        else:
            self.where_label.setText(self.tr("Not connected: no applications are read by "
                                             "email yet."))
        engine = self.ctx.workspace.sync
        if engine is not None and "email" in engine.services:
            self.poll_spin.setValue(int(engine.intervals.get("email", 60)))
        self.disconnect_button.setVisible(s is not None and s.imap is not None
                                          and not status.from_environment)
        if status.state == MailboxState.CONNECTED and status.message:
            self.message.say(status.message, "muted")
        elif status.state in (MailboxState.AUTH_FAILED, MailboxState.OFFLINE):
            self.message.say(status.message, "danger" if tone == "danger" else "warning")
        elif status.message:
            self.message.say(status.message, "warning")
        self.statusChanged.emit(status)


__all__ = ["MailboxPanel"]
