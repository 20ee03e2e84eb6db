"""Settings → Integrations: the keychain's state, the Twilio card and the Sync card (with
its Sync issues panel). Loads on first show; everything slow runs in the background. The
message templates and the communication policy are shown in the Outreach section."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors.twilio.integration import (
    IntegrationsService,
    KeychainStatus,
    TwilioState,
)
from milo_desktop.services.core.credentials import CredentialState
from milo_desktop.services.scoring.llm_config import LlmConfig
from milo_desktop.services.sync import ServiceState, SyncEngine, SyncStatusChanged
from milo_desktop.views.context import ViewContext
from milo_desktop.views.settings.account_card import AccountPointer
from milo_desktop.views.settings.email_card import EmailCard
from milo_desktop.views.settings.llm_card import LlmCard
from milo_desktop.views.settings.notifications_card import NotificationsCard
from milo_desktop.views.settings.sync_card import SyncCard
from milo_desktop.views.settings.sync_issues import SyncIssuesPanel
from milo_desktop.views.settings.twilio_card import TwilioCard
from milo_desktop.views.widgets.cards import Notice

KEY = "integrations"
MAX_WIDTH = 980


class IntegrationsSection(QWidget):
    """What the main window embeds for Integrations. ``loaded`` fires once the keychain
    state and the Twilio status have been read the first time."""

    loaded = Signal()
    _syncChanged = Signal()

    def __init__(self, ctx: ViewContext, integrations_service: IntegrationsService,
                 sync_engine: SyncEngine | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = integrations_service
        self.engine: SyncEngine | None = None
        self._started = False
        self._loaded = False
        self._keychain_answered = False
        self.keychain_state: KeychainStatus | None = None
        self.issues_panel: SyncIssuesPanel | None = None

        title = QLabel(self.tr("Integrations"), self)
        title.setObjectName("pageTitle")
        subtitle = QLabel(self.tr("Connect the services Milo works with, and see how their "
                                  "sync is going."), self)
        subtitle.setProperty("muted", True)
        self.keychain_notice = Notice(self)
        self.session_button = QPushButton(self.tr("Keep secrets for this session only"),
                                          self.keychain_notice)
        self.retry_button = QPushButton(self.tr("Retry"), self.keychain_notice)
        self.keychain_notice.row.addWidget(self.session_button)
        self.keychain_notice.row.addWidget(self.retry_button)
        self.keychain_notice.hide()
        # The candidate page address and the company information are in Settings → Account.
        self.account = AccountPointer(self)
        self.twilio = TwilioCard(ctx, integrations_service, self)
        # The SMTP server outreach sends through (its templates and policy: Outreach).
        self.email = EmailCard(ctx, integrations_service.email, self)
        self.moved = QLabel(self.tr("Message templates, the sender, phone numbers and the "
                                    "communication policy are in the Outreach section."), self)
        self.moved.setWordWrap(True)
        self.moved.setProperty("muted", True)
        self.llm = LlmCard(ctx, LlmConfig(ctx.workspace.db, integrations_service.credentials),
                           self)
        # Which notification kinds reach the bell; sound and desktop alerts on this computer.
        self.notifications = NotificationsCard(ctx, ctx.workspace.notifications, self)
        self.sync: SyncCard | None = None

        content = QWidget(self)
        self.content = content
        column = self.column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addWidget(title)
        column.addWidget(subtitle)
        column.addWidget(self.keychain_notice)
        column.addWidget(self.account)
        column.addWidget(self.twilio)
        column.addWidget(self.email)
        column.addWidget(self.moved)
        column.addWidget(self.llm)
        column.addWidget(self.notifications)
        column.addStretch(1)
        self.cards_holder = holder = QWidget(self)
        centre = QVBoxLayout(holder)
        centre.setContentsMargins(24, 16, 24, 24)
        centre.addWidget(content, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

        self.session_button.clicked.connect(self.keep_for_session)
        self.retry_button.clicked.connect(self.reload)
        self.twilio.finished.connect(self._maybe_loaded)
        self.twilio.finished.connect(self._twilio_checked)
        self.twilio.connectedChanged.connect(self._connected_changed)
        if sync_engine is not None:
            self.set_sync_engine(sync_engine)

    def set_sync_engine(self, engine: SyncEngine) -> None:
        """Show the Sync card for ``engine`` (the app starts the engine after the window)."""
        if self.engine is not None:
            return
        self.engine = engine
        self.sync = SyncCard(self.ctx, engine, self.service, self.content)
        self.sync.issuesRequested.connect(self.open_sync_issues)
        self.column.insertWidget(self.column.indexOf(self.twilio) + 1, self.sync)
        self.sync.show()
        changed = self._syncChanged
        sub = self.ctx.workspace.bus.subscribe(SyncStatusChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())
        self._syncChanged.connect(self._sync_changed)
        self.ctx.bridge.syncProgress.connect(self._sync_changed)
        if self._started:
            self.sync.start()

    # ----- loading ------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.reload()
            if self.sync is not None:
                self.sync.start()

    def reload(self) -> None:
        self.ctx.spawn(self._load_keychain(), "integrations.keychain")
        self.twilio.refresh()
        self.email.refresh()
        self.llm.refresh()
        self.notifications.load()

    async def _load_keychain(self) -> None:
        try:
            self.show_keychain(await self.service.keychain())
        except EnvironmentProblem as exc:
            self.keychain_notice.say(self.tr("The keychain did not answer"), exc.message)
            self._keychain_answered = True
            self._maybe_loaded()

    def is_loaded(self) -> bool:
        return self._loaded

    def _twilio_checked(self, *_args: object) -> None:
        # The Twilio card's check reads the keychain. One that failed there is now known to be
        # unusable: the notice says why and offers the session-only fallback.
        shown = self.keychain_state
        if shown is not None and shown.state == CredentialState.AVAILABLE and (
                self.service.credentials.problem is not None):
            self.ctx.spawn(self._load_keychain(), "integrations.keychain")

    def _maybe_loaded(self, *_args: object) -> None:
        # Loaded once the keychain answered and the Twilio card's first check ended (even
        # when it ended with a problem: the card shows it).
        if not self._loaded and self._keychain_answered and not self.twilio.is_busy():
            self._loaded = True
            self.loaded.emit()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # One readable column, the same width whatever the cards hold.
        self.content.setFixedWidth(max(560, min(MAX_WIDTH, self.width() - 64)))

    def _sync_changed(self, *_args: object) -> None:
        if self.sync is None or self.engine is None:
            return
        self.sync.status_changed()
        twilio = {s.service: s for s in self.engine.statuses()}.get("twilio")
        shown = self.twilio.current
        if (twilio is not None and twilio.state == ServiceState.AUTH_FAILED and shown is not None
                and shown.state == TwilioState.CONNECTED and not self.twilio.is_busy()):
            self.twilio.refresh()  # the card must not say "Connected" while Twilio refuses

    def _connected_changed(self, connected: bool) -> None:
        self.ctx.spawn(self._load_keychain(), "integrations.keychain")
        if connected and self.engine is not None and "twilio" in {
                s.service for s in self.engine.statuses()}:
            self.engine.resume("twilio")  # new credentials: sync now, not at the next tick

    # ----- keychain -----------------------------------------------------------------------
    def show_keychain(self, status: KeychainStatus) -> None:
        self.keychain_state = status
        self._keychain_answered = True
        self.session_button.hide()
        self.retry_button.hide()
        if status.state == CredentialState.UNAVAILABLE and status.problem and not (
                status.session_only):
            self.keychain_notice.say(
                self.tr("Your keychain is not working"),
                self.tr("Milo keeps passwords and tokens only in the system keychain, and it "
                        "failed: {why}. You can keep them in memory for this session only: "
                        "nothing is written to disk, and you'll be asked again next time."
                        ).format(why=status.problem))
            self.session_button.show()
        elif status.state == CredentialState.UNAVAILABLE and not status.session_only:
            self.keychain_notice.say(
                self.tr("No keychain on this computer"),
                self.tr("Milo keeps passwords and tokens only in the system keychain, and this "
                        "computer has none. You can keep them in memory for this session only: "
                        "nothing is written to disk, and you'll be asked again next time."))
            self.session_button.show()
        elif status.state == CredentialState.UNAVAILABLE:
            self.keychain_notice.say(
                self.tr("Secrets are kept for this session only"),
                self.tr("There is no keychain on this computer, so connections last until Milo "
                        "quits. Nothing is written to disk."), "muted")
        elif status.state == CredentialState.LOCKED:
            self.keychain_notice.say(
                self.tr("Your keychain is locked"),
                self.tr("Unlock your keychain and retry."))
            self.retry_button.show()
        else:
            self.keychain_notice.hide()
        self._maybe_loaded()

    def keep_for_session(self) -> None:
        self.service.use_session_only()
        self.ctx.spawn(self._load_keychain(), "integrations.keychain")
        self.twilio.message.clear_message()

    def reveal_sync(self) -> None:
        """Scroll the Sync card to the top (where a "sync failed" notification leads); once
        laid out, as the section may have only just been shown."""
        self.start()

        def scroll() -> None:
            card = self.sync if self.sync is not None else self.twilio
            top = card.mapTo(self.cards_holder, QPoint(0, 0)).y()
            self.scroll_area.verticalScrollBar().setValue(max(0, top - 16))

        QTimer.singleShot(0, self, scroll)

    # ----- sync issues --------------------------------------------------------------------
    def open_sync_issues(self, _service: str = "") -> SyncIssuesPanel | None:
        if self.engine is None:
            return None
        if self.issues_panel is None:
            self.issues_panel = SyncIssuesPanel(self.ctx, self.engine, self)
            self.issues_panel.restore_state(self.ctx.settings)
        self.issues_panel.reload()
        self.issues_panel.show()
        self.issues_panel.raise_()
        return self.issues_panel

    # ----- state --------------------------------------------------------------------------
    def save_state(self) -> None:
        settings: QSettings = self.ctx.settings
        settings.setValue(f"{KEY}/advancedOpen", self.twilio.advanced_toggle.isChecked())
        settings.setValue(f"{KEY}/apiKey", self.twilio.api_key_chosen())
        if self.issues_panel is not None:
            self.issues_panel.save_state(settings)

    def restore_state(self) -> None:
        settings: QSettings = self.ctx.settings
        if _bool(settings.value(f"{KEY}/apiKey", False)):
            self.twilio.key_radio.setChecked(True)
        if _bool(settings.value(f"{KEY}/advancedOpen", False)):
            self.twilio.set_advanced_open(True)

    def closeEvent(self, event: Any) -> None:
        if self.sync is not None:
            self.sync.stop()
        if self.issues_panel is not None:
            self.issues_panel.close()
        super().closeEvent(event)


def _bool(value: object) -> bool:
    return value in (True, "true", "1", 1)
