"""One card per ATS on Source Candidates → From ATS, and the Connect dialog it opens.

A card says whether the ATS is connected, how its sync is doing ("Synced 2 min ago", or the
problem in words) and what came from it (jobs, linked jobs, people, problems), with Connect… /
Test connection / Sync now / Disconnect. Every request runs in the background (``ctx.spawn``,
through ``ActionCard._run``): the card shows what it is doing and never blocks the window.
The Connect dialog is made from the connector's declared fields, so a new ATS needs no screen.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.ats.views import AtsConnectionView
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine
from milo_desktop.views.widgets.formatting import count_text

# The sync state → (its word on the card's header, the tone of its dot).
STATE_TONES = {"idle": "success", "syncing": "accent", "offline": "warning", "busy": "warning",
               "provider_error": "danger", "auth_failed": "danger", "failed": "danger",
               "not_connected": "muted"}


class AtsCard(ActionCard):
    """A card for one ATS; ``view`` is what it shows (replaced by ``show_view``)."""

    connectRequested = Signal(object)  # the AtsConnectionView to connect

    def __init__(self, ctx: ViewContext, view: AtsConnectionView,
                 parent: QWidget | None = None) -> None:
        super().__init__(view.title, parent)
        self.ctx = ctx
        self.view = view
        self.state_line = QLabel(self)
        self.state_line.setWordWrap(True)
        self.state_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts = QLabel(self)
        self.counts.setProperty("muted", True)
        self.env_label = QLabel(self.tr("Connected through environment variables"), self)
        self.env_label.setProperty("muted", True)
        self.env_label.setToolTip(self.tr(
            "The MILO_{service}_… variables of this computer give this connection; change or "
            "remove them to change it.").format(service=view.service.upper()))
        self.connect_button = QPushButton(self.tr("Connect…"), self)
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.sync_button = QPushButton(self.tr("Sync now"), self)
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.env_label)
        buttons.addStretch(1)
        for button in (self.disconnect_button, self.test_button, self.sync_button,
                       self.connect_button):
            buttons.addWidget(button)
        self.message = MessageLine(self)
        self.body.setSpacing(6)
        self.body.addWidget(self.state_line)
        self.body.addWidget(self.counts)
        self.body.addLayout(buttons)
        self.body.addWidget(self.message)
        outer = self.layout()
        if isinstance(outer, QVBoxLayout):
            outer.addStretch(1)  # cards of one row are as tall as the tallest: text stays up
        self.connect_button.clicked.connect(lambda: self.connectRequested.emit(self.view))
        self.test_button.clicked.connect(self.test)
        self.sync_button.clicked.connect(self.sync_now)
        self.disconnect_button.clicked.connect(self.disconnect_ats)
        self.show_view(view)

    # ----- showing ---------------------------------------------------------------------------
    def show_view(self, view: AtsConnectionView) -> None:
        self.view = view
        tone = STATE_TONES.get(view.state, "warning")
        self.set_status(self.state_word(view), tone)
        self.state_line.setText(view.message if view.connected else self.tr(
            "Connect {ats} to bring its jobs and candidates here and send results back.").format(
                ats=view.title))
        parts = [self.tr("{n} jobs").format(n=count_text(view.jobs)),
                 self.tr("{n} linked").format(n=count_text(view.linked_jobs)),
                 self.tr("{n} people").format(n=count_text(view.candidates))]
        if view.problems:
            parts.append(self.tr("{n} problems").format(n=count_text(view.problems)))
        self.counts.setText(" · ".join(parts))
        self.counts.setToolTip(self.tr(
            "Problems are records {ats} sent that could not be read; they are listed under "
            "Integrations → Sync issues.").format(ats=view.title) if view.problems else "")
        self.counts.setVisible(view.connected or bool(view.jobs))
        self.connect_button.setText(self.tr("Change…") if view.connected else self.tr("Connect…"))
        self.connect_button.setProperty("primary", not view.connected)
        self.connect_button.style().polish(self.connect_button)
        self.env_label.setVisible(view.from_env)
        if view.from_env and view.base_url.startswith(("http://127.0.0.1", "http://localhost")):
            # Demo mode (or a test rig): the "ATS" is a sandbox served by this computer.
            self.env_label.setText(self.tr("A demo {ats} on this computer").format(
                ats=view.title))
        elif view.from_env:
            self.env_label.setText(self.tr("Connected through environment variables"))
        self._set_busy(self._busy)

    def state_word(self, view: AtsConnectionView) -> str:
        return {"idle": self.tr("Connected"), "syncing": self.tr("Syncing"),
                "offline": self.tr("Offline"), "busy": self.tr("Busy"),
                "auth_failed": self.tr("Sign-in refused"),
                "provider_error": self.tr("Problem"), "failed": self.tr("Problem"),
                }.get(view.state, self.tr("Not connected"))

    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.connect_button, self.test_button, self.sync_button, self.disconnect_button)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        connected, env = self.view.connected, self.view.from_env
        self.connect_button.setVisible(not env)
        self.disconnect_button.setVisible(connected and not env)
        self.test_button.setVisible(connected)
        self.sync_button.setVisible(connected)

    def problem_text(self, exc: EnvironmentProblem) -> str:
        return problem_text(self.view, exc)

    # ----- actions ---------------------------------------------------------------------------
    def test(self) -> None:
        ats = self.ctx.workspace.ats
        service = self.view.service

        async def work() -> None:
            words = await ats.test(service)
            if isValid(self):
                self.message.say(words, "success")

        self._run(self.tr("Testing the connection…"), work, f"ats.{service}.test")

    def sync_now(self) -> None:
        ats = self.ctx.workspace.ats
        service = self.view.service

        async def work() -> None:
            await ats.sync_now(service)
            if isValid(self):
                self.message.say(self.tr("Synced."), "success")

        self._run(self.tr("Syncing with {ats}…").format(ats=self.view.title), work,
                  f"ats.{service}.sync")

    def disconnect_ats(self) -> None:
        title = self.view.title
        if not self.ask_user(self.tr("Disconnect {ats}?").format(ats=title), self.tr(
                "Milo stops syncing with {ats} and forgets its credentials. Its jobs, people "
                "and links stay here; connect again to resume.").format(ats=title)):
            return
        ats = self.ctx.workspace.ats
        service = self.view.service

        async def work() -> None:
            await ats.disconnect(service)
            if isValid(self):
                self.message.say(self.tr("Disconnected. The credentials were removed from the "
                                         "keychain."), "muted")

        self._run(self.tr("Disconnecting…"), work, f"ats.{service}.disconnect")

    def ask_user(self, title: str, question: str) -> bool:
        """Yes / No (No by default) before something that cannot be taken back."""
        answer = QMessageBox.question(
            self, title, question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


def problem_text(view: AtsConnectionView, exc: EnvironmentProblem) -> str:
    """The sentence for a failed connect / test / sync, in the recruiter's words."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("AtsCard", text)

    if isinstance(exc, AuthFailed):
        return tr("{ats} refused these credentials: {why} Check each field and try "
                  "again.").format(ats=view.title, why=_sentence(exc.message))
    if isinstance(exc, Offline):
        return tr("{ats} cannot be reached. Check the internet connection (and the API address "
                  "under Advanced), then try again.").format(ats=view.title)
    if isinstance(exc, ServiceUnavailable):
        return tr("{ats} could not answer right now: {why} Wait a minute and try again.").format(
            ats=view.title, why=_sentence(exc.message))
    return exc.message


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


class ConnectDialog(QDialog):
    """Connect (or change) one ATS: its fields, an Advanced API address, Connect tests the
    fields with the ATS and keeps them only when it answers. Emits ``connected(words)``."""

    connected = Signal(str)

    def __init__(self, ctx: ViewContext, view: AtsConnectionView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = view
        self.busy = False
        self.setWindowTitle(self.tr("Connect {ats}").format(ats=view.title))
        self.setMinimumWidth(520)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        for f in view.fields:
            edit = QLineEdit(self)
            if f.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                if view.connected:
                    edit.setPlaceholderText(self.tr("Kept in your keychain; type it again to change"))
            else:
                edit.setText(f.value)
            if not f.required:
                edit.setPlaceholderText(edit.placeholderText() or self.tr("Optional"))
            edit.returnPressed.connect(self.connect_ats)
            self.edits[f.name] = edit
            form.addRow(f.label, edit)
            if f.help:
                help_label = QLabel(f.help, self)
                help_label.setWordWrap(True)
                help_label.setProperty("muted", True)
                form.addRow("", help_label)
        self.advanced_toggle = QToolButton(self)
        self.advanced_toggle.setText(self.tr("Advanced: API address"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.base_edit = QLineEdit(view.base_url or view.default_base, self)
        self.base_edit.setPlaceholderText(view.default_base)
        self.base_hint = QLabel(self.tr("Change it only to reach a sandbox or a regional "
                                        "address; the default is {url}.").format(
                                            url=view.default_base), self)
        self.base_hint.setWordWrap(True)
        self.base_hint.setProperty("muted", True)
        self.advanced = QWidget(self)
        adv = QFormLayout(self.advanced)
        adv.setContentsMargins(18, 0, 0, 0)
        adv.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        adv.addRow(self.tr("API address"), self.base_edit)
        adv.addRow("", self.base_hint)
        self.advanced.setVisible(False)
        self.advanced_toggle.toggled.connect(self.set_advanced_open)
        if view.base_url and view.base_url.rstrip("/") != view.default_base.rstrip("/"):
            self.set_advanced_open(True)
        note = QLabel(self.tr("Secrets are kept in your keychain, never on disk."), self)
        note.setProperty("muted", True)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setProperty("primary", True)
        self.connect_button.setDefault(True)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.connect_button.clicked.connect(self.connect_ats)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.advanced_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def set_advanced_open(self, open_: bool) -> None:
        if self.advanced_toggle.isChecked() != open_:
            self.advanced_toggle.setChecked(open_)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if open_
                                          else Qt.ArrowType.RightArrow)
        self.advanced.setVisible(open_)

    def values(self) -> dict[str, str]:
        """The filled-in fields (secrets left empty while connected: the kept ones stay)."""
        return {name: edit.text().strip() for name, edit in self.edits.items()
                if edit.text().strip()}

    def connect_ats(self) -> None:
        if self.busy:
            return
        fields = self.values()
        missing = [f.label for f in self.view.fields if f.required and f.name not in fields]
        if missing:
            self.message.say(self.tr("Fill in {fields} to connect {ats}.").format(
                fields=", ".join(missing), ats=self.view.title), "danger")
            self.edits[next(f.name for f in self.view.fields if f.label == missing[0])].setFocus()
            return
        base = self.base_edit.text().strip()
        base_url = None if not base or base.rstrip("/") == self.view.default_base.rstrip("/") \
            else base
        self._set_busy(True)
        self.message.say(self.tr("Connecting to {ats}…").format(ats=self.view.title), "muted")
        ats, service = self.ctx.workspace.ats, self.view.service

        async def work() -> None:
            try:
                words = await ats.connect(service, fields, base_url)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(problem_text(self.view, exc), "danger")
                    self._set_busy(False)
                return
            if isValid(self):
                for f in self.view.fields:
                    if f.secret:
                        self.edits[f.name].clear()  # the keychain has it now
                self._set_busy(False)
                self.connected.emit(words)
                self.accept()

        self.ctx.spawn(work(), f"ats.{service}.connect")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.connect_button.setEnabled(not busy)
        for edit in (*self.edits.values(), self.base_edit):
            edit.setReadOnly(busy)
