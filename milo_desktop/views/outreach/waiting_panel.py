"""Outreach → Waiting to send: everything Milo still has to send, why each item waits, and
Retry now / Cancel (with Undo for this session).

Live: the outbox worker and the actions publish ``OutboxChanged``; a burst of events makes one
reload while the list is shown (on the next show otherwise), and a slow timer keeps "5m ago"
and "until 8:00" true.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from milo_desktop.services.outreach.waiting import WaitingRow, WaitingService
from milo_desktop.services.sync.outbox import OutboxChanged
from milo_desktop.views.context import ViewContext
from milo_desktop.views.outreach.waiting_model import WaitingModel
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import count_text
from milo_desktop.views.widgets.page_header import hint, section_title
from milo_desktop.views.widgets.reload_gate import ReloadGate

KEY = "outreach/waiting"
CHANGES_DELAY_MS = 250  # the outbox publishes per row: one reload per burst
FRESH_MS = 30_000


class WaitingPanel(QWidget):
    """The list; ``loaded`` fires after its first page."""

    loaded = Signal()
    countChanged = Signal(int)
    _outboxChanged = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: WaitingService = ctx.workspace.waiting
        self._loaded = False
        self.total = 0
        self.undo_ids: tuple[int, ...] = ()  # the last cancel, for Undo (this session)

        self.count_label = section_title("", self)  # "3 messages waiting to send"
        self.retry_button = QPushButton(self.tr("Retry all now"), self)
        self.retry_button.setProperty("primary", True)
        self.retry_button.setToolTip(self.tr(
            "Try the selected messages (or all of them) now instead of at their next try"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setToolTip(self.tr("Don't send the selected messages"))
        self.undo_button = QPushButton(self.tr("Undo"), self)
        self.undo_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        for button in (self.undo_button, self.cancel_button, self.retry_button):
            bar.addWidget(button)
        intro = hint(self.tr(
            "Everything Milo still has to send. Each item goes out by itself, exactly once, as "
            "soon as the reason it waits clears — nothing here is lost if you close Milo."), self)
        intro.setWordWrap(True)
        self.banner = Banner(self)
        self.model = WaitingModel(self.service.page, ctx.spawn, self)
        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # oldest first: the order they go out in
        self.table.empty_text = (
            self.tr("Nothing is waiting to send"),
            self.tr("Invitations, reminders and messages appear here while they wait for the "
                    "network, business hours or an account to send through."))
        self.table.setModel(self.model)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(intro)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self.gate = ReloadGate(self, self.reload, burst_ms=CHANGES_DELAY_MS, fresh_ms=FRESH_MS)
        changed = self._outboxChanged
        sub = ctx.workspace.bus.subscribe(OutboxChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())
        self._outboxChanged.connect(self.gate.changed)
        for signal in (ctx.bridge.messagesChanged, ctx.bridge.syncStatusChanged,
                       ctx.bridge.connectivityChanged):
            signal.connect(self.gate.changed)
        self.model.firstPageLoaded.connect(self._first_page)
        self.model.loadFailed.connect(lambda why: self.banner.say(
            self.tr("Waiting to send could not be loaded: {why}").format(why=why), True))
        self.retry_button.clicked.connect(self.retry_now)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.undo_button.clicked.connect(self.undo_cancel)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync_buttons())
        self._sync_buttons()

    # ----- loading --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.gate.shown()

    def start(self) -> None:
        self.gate.start()

    def is_loaded(self) -> bool:
        return self._loaded

    def reload(self) -> None:
        """The first page again (the selection kept by id), and the total."""
        self.gate.reloading()
        self._keep = self.selected_ids()
        self.model.reload()
        self.ctx.spawn(self._count(), "outreach.waiting.count")

    async def _count(self) -> None:
        total = await self.service.count()
        if isValid(self):
            self.total = total
            self.count_label.setText(
                self.tr("1 message waiting to send") if total == 1 else self.tr(
                    "{n} messages waiting to send").format(n=count_text(total)) if total
                else self.tr("Nothing waiting to send"))
            self.countChanged.emit(total)
            self._sync_buttons()

    def _first_page(self) -> None:
        keep = set(getattr(self, "_keep", ()))
        if keep:
            selection = self.table.selectionModel()
            for i, row in enumerate(self.model.rows()):
                if row.id in keep:
                    index = self.model.index(i, 0)
                    selection.select(index, selection.SelectionFlag.Select
                                     | selection.SelectionFlag.Rows)
        self._sync_buttons()
        if not self._loaded:
            self._loaded = True
            self.loaded.emit()

    # ----- selection ------------------------------------------------------------------------
    def selected_rows(self) -> list[WaitingRow]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [r for r in (self.model.row_at(i) for i in rows) if r is not None]

    def selected_ids(self) -> list[int]:
        return [r.id for r in self.selected_rows()]

    def _sync_buttons(self) -> None:
        chosen = len(self.selected_rows())
        has_rows = self.model.rowCount() > 0
        self.retry_button.setVisible(has_rows)  # nothing to act on: no buttons
        self.cancel_button.setVisible(has_rows)
        self.retry_button.setText(self.tr("Retry {n} now").format(n=count_text(chosen))
                                  if chosen > 1 else self.tr("Retry now") if chosen
                                  else self.tr("Retry all now"))
        self.cancel_button.setEnabled(chosen > 0)
        self.cancel_button.setText(self.tr("Cancel {n}").format(n=count_text(chosen))
                                   if chosen > 1 else self.tr("Cancel"))

    # ----- actions --------------------------------------------------------------------------
    def retry_now(self) -> None:
        ids = self.selected_ids() or None

        async def work() -> None:
            moved = await self.service.retry(ids)
            if isValid(self):
                self.banner.say(self.tr("Trying again now.") if moved or ids else self.tr(
                    "Trying again now: everything here was already due."))

        run_reporting(self.ctx, self.banner, work(), "outreach.waiting.retry")

    def cancel_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return

        async def work() -> None:
            done = await self.service.cancel(ids)
            if not isValid(self):
                return
            self.undo_ids = done.ids
            self.undo_button.setVisible(bool(done.ids))
            self.banner.say(self.tr(done.words), problem=not done.ids)

        run_reporting(self.ctx, self.banner, work(), "outreach.waiting.cancel")

    def undo_cancel(self) -> None:
        ids, self.undo_ids = self.undo_ids, ()
        self.undo_button.hide()
        if not ids:
            return

        async def work() -> None:
            back = await self.service.restore(ids)
            if isValid(self):
                self.banner.say(self.tr("Put back 1 message to send.") if back == 1 else
                                self.tr("Put back {n} messages to send.").format(
                                    n=count_text(back)))

        run_reporting(self.ctx, self.banner, work(), "outreach.waiting.undo")

    # ----- state ----------------------------------------------------------------------------
    def save_state(self) -> None:
        self.table.save_layout(self.ctx.settings, KEY)

    def restore_state(self) -> None:
        self.table.restore_layout(self.ctx.settings, KEY)

    def closeEvent(self, event: Any) -> None:
        self.gate.stop()
        super().closeEvent(event)
