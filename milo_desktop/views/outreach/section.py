"""The Outreach section: Waiting to send, the message templates, the sender and the phone
numbers, and the communication policy — what reaches candidates, in one place.

The Templates and Communication cards live in views/settings (screens never import each other):
the main window makes them and hands them in. Each tab loads the first time it is shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from milo_desktop.services.core.events import AccountChanged
from milo_desktop.views.context import ViewContext
from milo_desktop.views.outreach.identity_cards import NumbersCard, SenderCard
from milo_desktop.views.outreach.waiting_panel import WaitingPanel
from milo_desktop.views.widgets.page_header import hint, page_title

KEY = "outreach"
MAX_WIDTH = 980
WAITING, TEMPLATES, SENDER, POLICY = "waiting", "templates", "sender", "policy"


class OutreachSection(QWidget):
    """What the main window embeds for Outreach. ``loaded`` fires once Waiting to send has
    its first page (screenshots wait on it)."""

    loaded = Signal()
    integrationsRequested = Signal()  # "Connect email…", "Connect Twilio…"
    _accountChanged = Signal()  # from the bus's thread-safe callback to the GUI thread

    def __init__(self, ctx: ViewContext, *, templates: QWidget | None = None,
                 policy: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = self.tr("Outreach")
        self.templates = templates
        self.communication = policy
        self.waiting = WaitingPanel(ctx, self)
        self.sender_card = SenderCard(ctx, self)
        self.numbers = NumbersCard(ctx, self)
        for card in (self.sender_card, self.numbers):
            card.integrationsRequested.connect(self.integrationsRequested.emit)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self._keys: list[str] = []
        self.scroll_areas: dict[str, QScrollArea] = {}
        self._add_tab(WAITING, self.waiting, self.tr("Waiting to send"), scroll=False)
        if templates is not None:
            self._add_tab(TEMPLATES, self._column(templates), self.tr("Templates"))
        self._add_tab(SENDER, self._column(self.sender_card, self.numbers),
                      self.tr("Sender && phone numbers"))
        if policy is not None:
            self._add_tab(POLICY, self._column(policy), self.tr("Communication policy"))
        self._shown: set[str] = set()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(self.title, self))
        layout.addWidget(hint(self.tr(
            "What Milo sends to candidates, who it comes from, when it may go out, and what is "
            "still waiting to send."), self))
        layout.addWidget(self.tabs, 1)
        self.waiting.loaded.connect(self.loaded.emit)
        self.waiting.countChanged.connect(self._show_count)
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        # The templates offer {{link}} only while a candidate page is set (Settings →
        # Account): a saved change makes them load again, now or when next shown.
        changed = self._accountChanged
        sub = ctx.workspace.bus.subscribe(AccountChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())
        self._accountChanged.connect(self._account_changed)

    def _add_tab(self, key: str, widget: QWidget, title: str, *, scroll: bool = True) -> None:
        if scroll:
            area = QScrollArea(self)
            area.setWidgetResizable(True)
            area.setFrameShape(QScrollArea.Shape.NoFrame)
            area.setWidget(widget)
            self.scroll_areas[key] = area
            widget = area
        self._keys.append(key)
        self.tabs.addTab(widget, title)

    def _column(self, *cards: QWidget) -> QWidget:
        holder = QWidget(self)
        content = QWidget(holder)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        for card in cards:
            column.addWidget(card)
        column.addStretch(1)
        content.setMaximumWidth(MAX_WIDTH)  # one readable column, centred
        centre = QHBoxLayout(holder)
        centre.setContentsMargins(8, 16, 8, 24)
        centre.addStretch(1)
        centre.addWidget(content, 100, Qt.AlignmentFlag.AlignTop)
        centre.addStretch(1)
        return holder

    # ----- loading --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        self.waiting.start()
        self._load_current()

    def is_loaded(self) -> bool:
        return self.waiting.is_loaded()

    def _load_current(self) -> None:
        if not self.isVisible():
            return
        key = self.current_tab()
        if key in self._shown:
            return
        self._shown.add(key)
        if key == TEMPLATES and self.templates is not None:
            self.templates.load()  # type: ignore[attr-defined]
        elif key == SENDER:
            self.sender_card.load()
            self.numbers.load()
        elif key == POLICY and self.communication is not None:
            self.communication.load()  # type: ignore[attr-defined]

    def _account_changed(self) -> None:
        self._shown.discard(TEMPLATES)
        self._load_current()

    def reload(self) -> None:
        """Everything again (after a connection changed)."""
        self._shown.clear()
        self.waiting.reload()
        self._load_current()

    # ----- tabs -----------------------------------------------------------------------------
    def current_tab(self) -> str:
        index = self.tabs.currentIndex()
        return self._keys[index] if 0 <= index < len(self._keys) else WAITING

    def show_tab(self, key: str) -> None:
        if key in self._keys:
            self.tabs.setCurrentIndex(self._keys.index(key))

    def show_waiting(self) -> None:
        self.show_tab(WAITING)

    def _show_count(self, n: int) -> None:
        title = self.tr("Waiting to send ({n})").format(n=n) if n else self.tr("Waiting to send")
        self.tabs.setTabText(self._keys.index(WAITING), title)

    # ----- state ----------------------------------------------------------------------------
    def save_state(self, settings: QSettings | None = None) -> None:
        (settings or self.ctx.settings).setValue(f"{KEY}/tab", self.current_tab())
        self.waiting.save_state()

    def restore_state(self, settings: QSettings | None = None) -> None:
        self.show_tab(str((settings or self.ctx.settings).value(f"{KEY}/tab", WAITING)))
        self.waiting.restore_state()

    def closeEvent(self, event: Any) -> None:
        self.waiting.close()
        super().closeEvent(event)
