"""Workspace → Settings: its pages listed on the left — Account, AI defaults and Privacy.

Privacy is another screen's panel (``views/privacy/panel.py: PrivacyPanel``), imported inside
``_privacy_panel`` the first time its page is shown, so this section neither depends on it
when imported nor pays for it at start; a build without it lists no Privacy page."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.privacy.service import data_dir_of
from milo_desktop.services.workspace_settings.ai_defaults import AiDefaultsService
from milo_desktop.services.workspace_settings.branding import BrandingService
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.page_header import page_title
from milo_desktop.views.workspace_settings.account_card import AccountCard
from milo_desktop.views.workspace_settings.ai_defaults_card import AiDefaultsCard
from milo_desktop.views.workspace_settings.brand_card import BrandCard

CONTENT_WIDTH = 760
PRIVACY_MODULE = "milo_desktop.views.privacy.panel"


def data_dir(ctx: ViewContext) -> Path:
    """The workspace's data folder (where the logo is kept), as privacy finds it."""
    return data_dir_of(ctx.workspace)


def _privacy_panel(ctx: ViewContext) -> QWidget:
    from milo_desktop.views.privacy.panel import PrivacyPanel

    panel: QWidget = PrivacyPanel(ctx)
    return panel


def _page(title: str, subtitle: str, widgets: list[QWidget], parent: QWidget) -> QScrollArea:
    content = QWidget(parent)
    content.setFixedWidth(CONTENT_WIDTH)
    column = QVBoxLayout(content)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(16)
    column.addWidget(page_title(title, content))
    line = QLabel(subtitle, content)
    line.setProperty("muted", True)
    line.setWordWrap(True)
    column.addWidget(line)
    for widget in widgets:
        column.addWidget(widget)
    column.addStretch(1)
    holder = QWidget(parent)
    centre = QVBoxLayout(holder)
    centre.setContentsMargins(24, 16, 24, 24)
    centre.addWidget(content, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(holder)
    return scroll


class SettingsSection(QWidget):
    key = "settings"  # its name in the saved UI state (it replaced the "settings" placeholder)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QCoreApplication.translate("SettingsSection", "Settings")
        ws = ctx.workspace
        self.brand = BrandCard(ctx, BrandingService(ws.db, ws.bus, data_dir(ctx)), self)
        self.account = AccountCard(ctx, ws.entry, self)
        self.ai_service = AiDefaultsService(ws.db, ws.authoring)
        self.ai_defaults = AiDefaultsCard(ctx, self.ai_service, self)
        self.privacy: QWidget | None = None
        self.pages = QListWidget(self)
        self.pages.setObjectName("settingsPages")
        self.pages.setFixedWidth(180)
        t = theme.current()
        self.pages.setStyleSheet(
            f"QListWidget#settingsPages {{ background: {t.base}; border: none; "
            f"border-right: 1px solid {t.border}; padding: 16px 8px; outline: 0; }}"
            f"QListWidget#settingsPages::item {{ padding: 8px 12px; border-radius: 6px; "
            f"color: {t.text}; }}"
            f"QListWidget#settingsPages::item:hover {{ background: {t.hover}; }}"
            f"QListWidget#settingsPages::item:selected {{ background: {t.accent}; "
            f"color: {t.accent_text}; }}")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(_page(
            self.tr("Account"), self.tr("Your company as candidates see it: on the share "
                                        "poster, in emails and in the screenings."),
            [self.brand, self.account], self))
        self.stack.addWidget(_page(
            self.tr("AI defaults"), self.tr("What a new interviewer starts with. Each "
                                            "interviewer can change them in the wizard."),
            [self.ai_defaults], self))
        self.pages.addItems([self.tr("Account"), self.tr("AI defaults")])
        self.privacy_page: QWidget | None = None
        if importlib.util.find_spec(PRIVACY_MODULE.rpartition(".")[0]) is not None and \
                importlib.util.find_spec(PRIVACY_MODULE) is not None:
            self.privacy_page = QWidget(self)
            QVBoxLayout(self.privacy_page).setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(self.privacy_page)
            self.pages.addItem(self.tr("Privacy"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)
        self._loaded: set[int] = set()
        self.pages.currentRowChanged.connect(self.show_page)
        self.pages.setCurrentRow(0)
        # The wizard's new drafts read the defaults from the start, not once this is opened.
        ctx.spawn(self.ai_service.load(), "settings.ai_defaults.start")

    def page_names(self) -> list[str]:
        return [self.pages.item(i).text() for i in range(self.pages.count())]

    def show_page(self, row: int) -> None:
        if self.pages.currentRow() != row:
            self.pages.setCurrentRow(row)
            return
        self.stack.setCurrentIndex(row)
        if self.isVisible():
            self._load(row)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._load(self.stack.currentIndex())

    def _load(self, row: int) -> None:
        """Each page loads when first shown."""
        if row in self._loaded:
            return
        self._loaded.add(row)
        if row == 0:
            self.brand.refresh()
            self.account.refresh()
        elif row == 1:
            self.ai_defaults.refresh()
        elif self.privacy_page is not None and self.privacy is None:
            self.privacy = _privacy_panel(self.ctx)
            layout = self.privacy_page.layout()
            assert layout is not None
            layout.addWidget(self.privacy)
            self.privacy.show()  # added to a page already on screen

    def is_loaded(self) -> bool:
        """The page on screen has its data (screenshots wait on this)."""
        row = self.stack.currentIndex()
        cards = {0: (self.brand, self.account), 1: (self.ai_defaults,)}.get(row, ())
        return row in self._loaded and all(card.ready for card in cards)

    def save_state(self) -> None:
        """Nothing kept: the section opens on Account."""

    def restore_state(self) -> None:
        """Nothing kept (save_state)."""
