"""The Twilio card: connect with Account SID + Auth Token or API Key + Secret, test the
connection, see the account's numbers, disconnect; advanced API bases for the sandbox.

Every request runs in the background (``ctx.spawn``); the card says what it is doing and
turns the connector's problems into plain sentences (401, offline, a malformed SID).
Secrets leave the fields as soon as they are stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.connectors.twilio.integration import (
    ACCOUNT_SID_RE,
    DEFAULT_API_BASE,
    DEFAULT_STUDIO_BASE,
    CredentialSource,
    IntegrationsService,
    TwilioSettings,
    TwilioState,
    TwilioStatus,
)
from milo_desktop.services.core.credentials import CredentialsLocked, CredentialsUnavailable
from milo_desktop.views.context import ViewContext
from milo_desktop.views.settings.twilio_connected import ConnectedPage
from milo_desktop.views.widgets.cards import ActionCard, MessageLine

FORM, CONNECTED = 0, 1


class TwilioCard(ActionCard):
    """Emits ``statusChanged(TwilioStatus)`` after every load, test, connect or disconnect."""

    statusChanged = Signal(object)
    connectedChanged = Signal(bool)

    def __init__(self, ctx: ViewContext, service: IntegrationsService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Twilio"), parent)
        self.ctx = ctx
        self.service = service
        self.current: TwilioStatus | None = None
        self.settings: TwilioSettings | None = None
        intro = QLabel(self.tr(
            "Receptionists answer calls through your Twilio account: Milo publishes their Studio "
            "flows and collects the calls when it syncs."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        # Two pages, one visible (a QStackedWidget would stay as tall as the taller one).
        self.form_page = self._build_form()
        self.connected_page = self._build_connected()
        self._page = FORM
        self.message = MessageLine(self)
        self.body.addWidget(intro)
        self.body.addWidget(self.form_page)
        self.body.addWidget(self.connected_page)
        self._show_page(FORM)
        self.body.addWidget(self.message)
        self.set_status(self.tr("Checking…"))

    # ----- building -----------------------------------------------------------------------
    def _build_form(self) -> QWidget:
        page = QWidget(self)
        self.sid_edit = QLineEdit(page)
        self.sid_edit.setPlaceholderText("AC0123456789abcdef0123456789abcdef")
        self.sid_edit.setMaxLength(64)
        self.token_radio = QRadioButton(self.tr("Auth Token"), page)
        self.key_radio = QRadioButton(self.tr("API Key + Secret"), page)
        self.token_radio.setChecked(True)
        self.method = QButtonGroup(page)
        self.method.addButton(self.token_radio)
        self.method.addButton(self.key_radio)
        methods = QHBoxLayout()
        methods.addWidget(self.token_radio)
        methods.addWidget(self.key_radio)
        methods.addStretch(1)
        self.token_edit = self._secret(page, self.tr("The Auth Token from the Twilio console"))
        self.key_sid_edit = QLineEdit(page)
        self.key_sid_edit.setPlaceholderText("SK0123456789abcdef0123456789abcdef")
        self.key_secret_edit = self._secret(page, self.tr("The secret shown when the key was made"))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(self.tr("Account SID"), self.sid_edit)
        self.form.addRow(self.tr("Sign in with"), methods)
        self.form.addRow(self.tr("Auth Token"), self.token_edit)
        self.form.addRow(self.tr("API key SID"), self.key_sid_edit)
        self.form.addRow(self.tr("API key secret"), self.key_secret_edit)

        self.advanced_toggle = QToolButton(page)
        self.advanced_toggle.setText(self.tr("Advanced"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setStyleSheet("QToolButton { border: none; padding: 2px 0; "
                                           "background: transparent; }")
        self.advanced = QWidget(page)
        self.api_edit = QLineEdit(self.advanced)
        self.api_edit.setPlaceholderText(DEFAULT_API_BASE)
        self.studio_edit = QLineEdit(self.advanced)
        self.studio_edit.setPlaceholderText(DEFAULT_STUDIO_BASE)
        self.env_note = QLabel(self.advanced)
        self.env_note.setWordWrap(True)
        self.env_note.setProperty("muted", True)
        self.env_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        adv = QFormLayout()
        adv.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        adv.addRow(self.tr("API base URL"), self.api_edit)
        adv.addRow(self.tr("Studio base URL"), self.studio_edit)
        adv_column = QVBoxLayout(self.advanced)
        adv_column.setContentsMargins(18, 0, 0, 0)
        adv_column.addLayout(adv)
        adv_column.addWidget(self.env_note)
        self.advanced.hide()

        self.test_button = QPushButton(self.tr("Test connection"), page)
        self.connect_button = QPushButton(self.tr("Connect"), page)
        self.connect_button.setProperty("primary", True)
        hint = QLabel(self.tr("Find the Account SID and Auth Token on the Twilio console's home "
                              "page. Secrets are kept in your keychain, never on disk."), page)
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.connect_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.advanced_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced)
        layout.addLayout(buttons)

        self.method.buttonToggled.connect(lambda *_a: self._method_changed())
        self.advanced_toggle.toggled.connect(self.set_advanced_open)
        self.test_button.clicked.connect(self.test_form)
        self.connect_button.clicked.connect(self.connect_twilio)
        for edit in (self.sid_edit, self.token_edit, self.key_sid_edit, self.key_secret_edit):
            edit.returnPressed.connect(self.connect_twilio)
        self._method_changed()
        return page

    def _secret(self, parent: QWidget, placeholder: str) -> QLineEdit:
        edit = QLineEdit(parent)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setPlaceholderText(placeholder)
        return edit

    def _build_connected(self) -> ConnectedPage:
        page = ConnectedPage(self)
        self.disconnect_button = page.disconnect_button
        page.retest_button.clicked.connect(self.refresh)
        page.change_button.clicked.connect(self.change_credentials)
        page.disconnect_button.clicked.connect(self.disconnect_twilio)
        return page

    def _show_page(self, index: int) -> None:
        self._page = index
        self.form_page.setVisible(index == FORM)
        self.connected_page.setVisible(index == CONNECTED)

    def page(self) -> int:
        """FORM or CONNECTED: which page the card shows."""
        return self._page

    # ----- what the user chose --------------------------------------------------------------
    def api_key_chosen(self) -> bool:
        return self.key_radio.isChecked()

    def _method_changed(self) -> None:
        key = self.api_key_chosen()
        self.form.setRowVisible(self.token_edit, not key)
        self.form.setRowVisible(self.key_sid_edit, key)
        self.form.setRowVisible(self.key_secret_edit, key)

    def set_advanced_open(self, open_: bool) -> None:
        if self.advanced_toggle.isChecked() != open_:
            self.advanced_toggle.setChecked(open_)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if open_
                                          else Qt.ArrowType.RightArrow)
        self.advanced.setVisible(open_)

    def _form_values(self) -> dict[str, Any] | None:
        """The form as connect/test arguments, or None (and a message) when the SID is
        malformed: checked here so the user hears about it before any request."""
        sid = self.sid_edit.text().strip()
        if not ACCOUNT_SID_RE.match(sid):
            self.message.say(self.tr(
                "That is not an Account SID: it starts with “AC” followed by 32 hexadecimal "
                "characters (0–9, a–f). Copy it from the Twilio console's home page."), "danger")
            self.sid_edit.setFocus()
            return None
        values: dict[str, Any] = {"account_sid": sid,
                                  "api_base": self.api_edit.text().strip() or None,
                                  "studio_base": self.studio_edit.text().strip() or None}
        if self.api_key_chosen():
            values.update(api_key_sid=self.key_sid_edit.text().strip(),
                          api_key_secret=self.key_secret_edit.text())
        else:
            values["auth_token"] = self.token_edit.text()
        return values

    # ----- actions --------------------------------------------------------------------------
    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.test_button, self.connect_button, self.connected_page.retest_button,
                self.connected_page.change_button)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.disconnect_button.setEnabled(not busy and not self._from_environment())

    def problem_text(self, exc: EnvironmentProblem) -> str:
        """The sentence for a failed test / connect / disconnect."""
        if isinstance(exc, AuthFailed):
            return self.tr("Twilio refused these credentials (HTTP 401, error 20003). Check the "
                           "Account SID and the Auth Token, or the API key and its secret.")
        if isinstance(exc, Offline):
            return self.tr("Twilio cannot be reached. Check the internet connection (and the "
                           "API base URL under Advanced), then try again.")
        if isinstance(exc, ServiceUnavailable):
            return self.tr("Twilio is busy right now. Wait a minute and try again.")
        if isinstance(exc, CredentialsUnavailable) and exc.detail:  # there, but failing
            return self.tr("Your keychain failed: {why}. Choose “Keep secrets for this session "
                           "only” above, then connect again.").format(why=exc.detail)
        if isinstance(exc, CredentialsUnavailable):
            return self.tr("No keychain on this computer to keep the secret in. Choose "
                           "“Keep secrets for this session only” above, then connect again.")
        if isinstance(exc, CredentialsLocked):
            return self.tr("Your keychain is locked. Unlock your keychain and retry.")
        return exc.message

    def state_text(self, status: TwilioStatus) -> str:
        if status.state == TwilioState.AUTH_FAILED:
            return self.tr("Twilio refused the saved credentials (HTTP 401). Enter them again; "
                           "sync is paused until then.")
        if status.state == TwilioState.OFFLINE:
            return self.tr("Twilio cannot be reached right now; showing what was saved. The "
                           "numbers appear when the connection is back.")
        return ""

    def refresh(self) -> None:
        """Load the settings and the stored connection's status (tests it with Twilio)."""
        async def work() -> None:
            self.settings = await self.service.twilio_settings()
            self._show_settings(self.settings)
            self.show_status(await self.service.twilio_status(verify=True))
            if self.current and self.current.state == TwilioState.CONNECTED:
                self.message.clear_message()

        self._run(self.tr("Checking the Twilio connection…"), work, "integrations.twilio.load")

    def test_form(self) -> None:
        values = self._form_values()
        if values is None:
            return

        async def work() -> None:
            status = await self.service.test_twilio(**values)
            if status.state == TwilioState.CONNECTED:
                self.message.say(self.tr("Twilio accepted these credentials ({name}). Click "
                                         "Connect to save them.").format(
                                             name=status.account_name or status.account_sid),
                                 "success")
            elif status.state == TwilioState.AUTH_FAILED:
                self.message.say(self.problem_text(AuthFailed("twilio", status.message)),
                                 "danger")
            else:
                self.message.say(self.problem_text(Offline("twilio", status.message)), "danger")

        self._run(self.tr("Testing the connection…"), work, "integrations.twilio.test")

    def connect_twilio(self) -> None:
        values = self._form_values()
        if values is None:
            return

        async def work() -> None:
            status = await self.service.connect_twilio(**values)
            for edit in (self.token_edit, self.key_secret_edit):
                edit.clear()  # the keychain has it now; don't keep it in a widget
            self.settings = await self.service.twilio_settings()
            self._show_settings(self.settings)
            self.show_status(status)
            self.message.say(self.tr("Connected. Receptionists can now be published."),
                             "success")
            self.connectedChanged.emit(True)

        self._run(self.tr("Connecting to Twilio…"), work, "integrations.twilio.connect")

    def disconnect_twilio(self) -> None:
        async def work() -> None:
            status = await self.service.disconnect_twilio()
            self.show_status(status)
            self.message.say(self.tr("Disconnected. The secrets were removed from the "
                                     "keychain."), "muted")
            self.connectedChanged.emit(False)

        self._run(self.tr("Disconnecting…"), work, "integrations.twilio.disconnect")

    def change_credentials(self) -> None:
        if self.current is not None:
            self.sid_edit.setText(self.current.account_sid)
        self._show_page(FORM)
        self.message.clear_message()
        self.token_edit.setFocus()

    # ----- showing --------------------------------------------------------------------------
    def _from_environment(self) -> bool:
        return self.current is not None and self.current.source == CredentialSource.ENVIRONMENT

    def _show_settings(self, settings: TwilioSettings) -> None:
        self.api_edit.setText(settings.api_base or "")
        self.studio_edit.setText(settings.studio_base or "")
        notes = []
        for var, value, edit in (("MILO_TWILIO_API_BASE", settings.env_api_base, self.api_edit),
                                 ("MILO_TWILIO_STUDIO_BASE", settings.env_studio_base,
                                  self.studio_edit)):
            edit.setReadOnly(bool(value))
            if value:
                notes.append(self.tr("{var} is set to {url}: it is used instead of this "
                                     "setting.").format(var=var, url=value))
        self.env_note.setText("\n".join(notes))
        self.env_note.setVisible(bool(notes))
        if notes or settings.api_base or settings.studio_base:
            self.set_advanced_open(True)

    def show_status(self, status: TwilioStatus) -> None:
        self.current = status
        tone = {TwilioState.CONNECTED: "success", TwilioState.AUTH_FAILED: "danger",
                TwilioState.OFFLINE: "warning"}.get(status.state, "muted")
        self.set_status({TwilioState.CONNECTED: self.tr("Connected"),
                         TwilioState.AUTH_FAILED: self.tr("Sign-in refused"),
                         TwilioState.OFFLINE: self.tr("Offline"),
                         }.get(status.state, self.tr("Not connected")), tone)
        shown = status.state in (TwilioState.CONNECTED, TwilioState.OFFLINE)
        if status.state == TwilioState.AUTH_FAILED or not shown:
            self.sid_edit.setText(status.account_sid or self.sid_edit.text())
            self._show_page(FORM)
            if status.state == TwilioState.AUTH_FAILED:
                self.message.say(self.state_text(status), "danger")
            elif status.message:  # e.g. a locked keychain
                self.message.say(status.message, "warning")
        else:
            self.connected_page.fill(status, self.settings)
            self._show_page(CONNECTED)
            if status.state == TwilioState.OFFLINE:
                self.message.say(self.state_text(status), "warning")
        self._set_busy(self._busy)
        self.statusChanged.emit(status)
