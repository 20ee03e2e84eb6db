"""The Email card: the SMTP server invitations, nudges and blasts are sent through, and
below it the mailbox candidates apply to (``mailbox_panel.py``, Apply via Email).

Host, port, security, username, password (keychain only; left empty it keeps the saved one),
sender address and name. Test connection and Save both run EHLO + login in the background;
Save stores only settings that worked. Looks and speaks like the Twilio card next to it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors.email.smtp import DEFAULT_PORTS, SmtpSecurity, SmtpSettings
from milo_desktop.services.core.credentials import CredentialsLocked, CredentialsUnavailable
from milo_desktop.services.outreach import EmailIntegration, EmailState, EmailStatus
from milo_desktop.services.outreach import check_settings as check_email_settings
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.settings.mailbox_panel import MailboxPanel
from milo_desktop.views.widgets.cards import ActionCard, MessageLine

SECURITY_CHOICES = ((SmtpSecurity.STARTTLS, "STARTTLS (port 587)"),
                    (SmtpSecurity.TLS, "TLS (port 465)"),
                    (SmtpSecurity.NONE, "None (local relay only)"))


class EmailCard(ActionCard):
    """Emits ``statusChanged(EmailStatus)`` after every load, test, save or disconnect."""

    statusChanged = Signal(object)

    def __init__(self, ctx: ViewContext, service: EmailIntegration,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Email"), parent)
        self.ctx = ctx
        self.service = service
        self.current: EmailStatus | None = None
        intro = QLabel(self.tr(
            "Invitations, reminders and blasts go out through your own mail server (SMTP), "
            "from the address candidates will reply to."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.body.addWidget(intro)
        self.body.addWidget(self._build_form())
        self.message = MessageLine(self)
        self.body.addWidget(self.message)
        rule = QFrame(self)
        rule.setFixedHeight(1)
        rule.setStyleSheet(f"background: {theme.current().border}; border: none;")
        self.body.addWidget(rule)
        # Apply via Email: the mailbox candidates write to (IMAP), read by the intake.
        self.mailbox = MailboxPanel(ctx, self)
        self.body.addWidget(self.mailbox)
        self.set_status(self.tr("Checking…"))

    def _build_form(self) -> QWidget:
        page = QWidget(self)
        self.host_edit = QLineEdit(page)
        self.host_edit.setPlaceholderText("smtp.example.com")
        self.host_edit.setMaxLength(253)
        self.port_spin = QSpinBox(page)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORTS[SmtpSecurity.STARTTLS])
        self.port_spin.setFixedWidth(96)
        self.security_combo = QComboBox(page)
        for value, text in SECURITY_CHOICES:
            self.security_combo.addItem(self.tr(text), value)
        server = QHBoxLayout()
        server.addWidget(self.host_edit, 1)
        server.addWidget(QLabel(self.tr("Port"), page))
        server.addWidget(self.port_spin)
        self.username_edit = QLineEdit(page)
        self.username_edit.setPlaceholderText(self.tr("Usually your email address"))
        self.password_edit = QLineEdit(page)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Kept in your keychain"))
        self.from_edit = QLineEdit(page)
        self.from_edit.setPlaceholderText("jobs@agency.example")
        self.name_edit = QLineEdit(page)
        self.name_edit.setPlaceholderText(self.tr("e.g. Acme Staffing Recruiting"))
        self.name_edit.setMaxLength(120)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Mail server"), server)
        form.addRow(self.tr("Security"), self.security_combo)
        form.addRow(self.tr("Username"), self.username_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        form.addRow(self.tr("From address"), self.from_edit)
        form.addRow(self.tr("From name"), self.name_edit)

        self.sending_label = QLabel(page)
        self.sending_label.setWordWrap(True)
        self.sending_label.setProperty("muted", True)
        self.test_button = QPushButton(self.tr("Test connection"), page)
        self.save_button = QPushButton(self.tr("Save"), page)
        self.save_button.setProperty("primary", True)
        self.disconnect_button = QPushButton(self.tr("Disconnect"), page)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sending_label, 1)
        buttons.addWidget(self.disconnect_button)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.security_combo.currentIndexChanged.connect(self._security_changed)
        self.test_button.clicked.connect(self.test_form)
        self.save_button.clicked.connect(self.save)
        self.disconnect_button.clicked.connect(self.disconnect_email)
        for edit in (self.host_edit, self.username_edit, self.password_edit, self.from_edit):
            edit.returnPressed.connect(self.save)
        self.disconnect_button.hide()
        return page

    # ----- form ---------------------------------------------------------------------------
    def security(self) -> SmtpSecurity:
        return SmtpSecurity(self.security_combo.currentData())

    def _security_changed(self, _index: int) -> None:
        # Follow the security choice while the port is still one of the usual ones.
        if self.port_spin.value() in DEFAULT_PORTS.values():
            self.port_spin.setValue(DEFAULT_PORTS[self.security()])

    def _form_settings(self) -> SmtpSettings | None:
        try:
            return check_email_settings(self.host_edit.text(), self.port_spin.value(),
                                        self.security(), self.username_edit.text(),
                                        self.from_edit.text(), self.name_edit.text())
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return None

    def _password(self) -> str | None:
        """The typed password, or None to keep the saved one."""
        return self.password_edit.text() or None

    # ----- actions ------------------------------------------------------------------------
    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.test_button, self.save_button, self.disconnect_button)

    def problem_text(self, exc: EnvironmentProblem) -> str:
        if isinstance(exc, CredentialsUnavailable) and exc.detail:  # there, but failing
            return self.tr("Your keychain failed: {why}. Choose “Keep secrets for this session "
                           "only” above, then save again.").format(why=exc.detail)
        if isinstance(exc, CredentialsUnavailable):
            return self.tr("No keychain on this computer to keep the password in. Choose “Keep "
                           "secrets for this session only” above, then save again.")
        if isinstance(exc, CredentialsLocked):
            return self.tr("Your keychain is locked. Unlock your keychain and retry.")
        return exc.message  # the connector's sentences name the server and the answer

    def refresh(self) -> None:
        async def work() -> None:
            self.message.clear_message()
            self.show_status(await self.service.status(verify=True))

        self._run(self.tr("Checking the mail server…"), work, "integrations.email.load")
        self.mailbox.refresh()

    def test_form(self) -> None:
        settings = self._form_settings()
        if settings is None:
            return

        async def work() -> None:
            status = await self.service.test(settings, self._password())
            if status.state == EmailState.CONNECTED:
                self.message.say(self.tr("The mail server accepted these settings. Click Save "
                                         "to use them."), "success")
            else:
                self.message.say(status.message, "danger")

        self._run(self.tr("Testing the connection…"), work, "integrations.email.test")

    def save(self) -> None:
        settings = self._form_settings()
        if settings is None:
            return

        async def work() -> None:
            status = await self.service.connect(settings, self._password())
            self.password_edit.clear()  # the keychain has it now
            self.show_status(status)
            self.message.say(self.tr("Saved. Invitations and reminders are sent from {sender}.")
                             .format(sender=settings.from_address), "success")

        self._run(self.tr("Connecting to the mail server…"), work, "integrations.email.save")

    def disconnect_email(self) -> None:
        async def work() -> None:
            self.show_status(await self.service.disconnect())
            self.message.say(self.tr("Disconnected. Emails wait in the outbox until a mail "
                                     "server is saved again."), "muted")

        self._run(self.tr("Disconnecting…"), work, "integrations.email.disconnect")

    # ----- showing ------------------------------------------------------------------------
    def show_status(self, status: EmailStatus) -> None:
        self.current = status
        tone = {EmailState.CONNECTED: "success", EmailState.AUTH_FAILED: "danger",
                EmailState.OFFLINE: "warning"}.get(status.state, "muted")
        self.set_status({EmailState.CONNECTED: self.tr("Connected"),
                         EmailState.AUTH_FAILED: self.tr("Sign-in refused"),
                         EmailState.OFFLINE: self.tr("Offline"),
                         }.get(status.state, self.tr("Not connected")), tone)
        s = status.settings
        if s is not None:
            self.host_edit.setText(s.host)
            self.security_combo.setCurrentIndex(self.security_combo.findData(s.security))
            self.port_spin.setValue(s.port)
            self.username_edit.setText(s.username)
            self.from_edit.setText(s.from_address)
            self.name_edit.setText(s.from_name)
            sender = f"{s.from_name} <{s.from_address}>" if s.from_name else s.from_address
            where = self.tr("Sending as {sender} via {host}:{port}.").format(
                sender=sender, host=s.host, port=s.port)
            if status.session_only:
                where += " " + self.tr("The password is kept for this session only.")
            self.sending_label.setText(where)
        else:
            self.sending_label.setText(self.tr("Not connected: emails wait in the outbox."))
        self.disconnect_button.setVisible(s is not None)
        if status.state in (EmailState.AUTH_FAILED, EmailState.OFFLINE):
            self.message.say(status.message, "danger" if tone == "danger" else "warning")
        elif status.state == EmailState.NOT_CONNECTED and status.message:
            self.message.say(status.message, "warning")
        self.statusChanged.emit(status)
