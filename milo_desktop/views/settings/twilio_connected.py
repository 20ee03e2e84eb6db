"""The Twilio card's connected page: who is connected, where the secret is kept, the
account's phone numbers (and whether each answers through a flow), and the actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from milo_desktop.services.connectors.twilio.integration import (
    DEFAULT_API_BASE,
    DEFAULT_STUDIO_BASE,
    CredentialSource,
    TwilioSettings,
    TwilioState,
    TwilioStatus,
)
from milo_desktop.views import theme


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ConnectedPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connected_label = QLabel(self)
        self.connected_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_label = QLabel(self)
        self.source_label.setProperty("muted", True)
        self.source_label.setWordWrap(True)
        self.bases_label = QLabel(self)
        self.bases_label.setProperty("muted", True)
        self.bases_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        numbers_title = QLabel(self.tr("Phone numbers"), self)
        font = numbers_title.font()
        font.setBold(True)
        numbers_title.setFont(font)
        self.numbers = QWidget(self)
        self.numbers_grid = QGridLayout(self.numbers)
        self.numbers_grid.setContentsMargins(0, 0, 0, 0)
        self.numbers_grid.setHorizontalSpacing(24)
        self.numbers_grid.setVerticalSpacing(6)
        self.numbers_grid.setColumnStretch(2, 1)
        self.numbers_empty = QLabel(self)
        self.numbers_empty.setProperty("muted", True)
        self.numbers_empty.setWordWrap(True)
        self.retest_button = QPushButton(self.tr("Test connection"), self)
        self.change_button = QPushButton(self.tr("Change credentials"), self)
        self.disconnect_button = QPushButton(self.tr("Disconnect"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.retest_button, self.change_button, self.disconnect_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.connected_label)
        layout.addWidget(self.source_label)
        layout.addWidget(self.bases_label)
        layout.addSpacing(10)
        layout.addWidget(numbers_title)
        layout.addSpacing(2)
        layout.addWidget(self.numbers)
        layout.addWidget(self.numbers_empty)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        self._number_texts: list[str] = []

    def number_texts(self) -> list[str]:
        """One line per listed number: "+1214…  Dallas line  Not answering" (tests, a11y)."""
        return list(self._number_texts)

    def fill(self, status: TwilioStatus, settings: TwilioSettings | None) -> None:
        name = status.account_name or self.tr("your Twilio account")
        self.connected_label.setText(self.tr("Connected as <b>{name}</b> ({sid})").format(
            name=escape(name), sid=status.account_sid))
        method = self.tr("an API key") if status.api_key else self.tr("the Auth Token")
        source = {
            CredentialSource.KEYCHAIN: self.tr("Signed in with {method}, kept in your "
                                               "keychain."),
            CredentialSource.SESSION: self.tr("Signed in with {method}, kept in memory for "
                                              "this session only."),
            CredentialSource.ENVIRONMENT: self.tr("Signed in from the environment "
                                                  "(TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN); "
                                                  "unset them to disconnect."),
        }.get(status.source or CredentialSource.KEYCHAIN, "")
        self.source_label.setText(source.format(method=method))
        bases = settings.effective if settings else None
        custom = bases is not None and (bases.api != DEFAULT_API_BASE
                                        or bases.studio != DEFAULT_STUDIO_BASE)
        if bases is not None and custom:
            self.bases_label.setText(self.tr("API base: {api}   ·   Studio base: {studio}")
                                     .format(api=bases.api, studio=bases.studio))
        self.bases_label.setVisible(custom)
        self._fill_numbers(status)

    def _fill_numbers(self, status: TwilioStatus) -> None:
        while (item := self.numbers_grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self._number_texts = []
        t = theme.current()
        for row, number in enumerate(status.numbers):
            answering = bool(number.voice_url)
            state = (self.tr("Answers through a Studio flow") if answering
                     else self.tr("Not answering"))
            color = t.success if answering else t.muted
            cells = (number.phone_number, number.friendly_name or "—",
                     f"<span style='color:{color}'>●</span>&nbsp;{state}")
            for col, text in enumerate(cells):
                label = QLabel(text, self.numbers)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if col == 0:
                    font = label.font()
                    font.setBold(True)
                    label.setFont(font)
                self.numbers_grid.addWidget(label, row, col)
            self._number_texts.append(f"{number.phone_number}  {number.friendly_name}  {state}")
        self.numbers.setVisible(bool(status.numbers))
        if status.state == TwilioState.OFFLINE:
            self.numbers_empty.setText(self.tr("Numbers can't be listed while offline."))
        else:
            self.numbers_empty.setText(self.tr(
                "This account has no phone numbers yet. Buy one in the Twilio console; it "
                "appears here and in the receptionist wizard."))
        self.numbers_empty.setVisible(not status.numbers)
