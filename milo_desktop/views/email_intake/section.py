"""Source Candidates → Apply via Email: the mailbox card (connected or not, how the last check
went, Check now, what waits for review) and one row per interviewer taking candidates with its
apply address (Copy) and the applications that came by email in the last 30 days.

Everything is read in the background (``EmailIntakeOverviewService.overview`` on the reader
pool, the mailbox's status from the keychain off the GUI thread) and read again when
candidates, applications or interviewers change or the ``email`` sync service reports — a
burst of events making one reload, none while hidden (then once when shown again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.email_intake.mailbox import MailboxIntegration, MailboxStatus
from milo_desktop.services.email_intake.overview import (
    EmailIntakeOverview,
    EmailIntakeOverviewService,
)
from milo_desktop.services.email_intake.service import ENV_DEMO
from milo_desktop.services.email_intake.store import SERVICE
from milo_desktop.services.sync import SyncStatus
from milo_desktop.views.context import ViewContext
from milo_desktop.views.email_intake.addresses_model import ApplyAddressModel
from milo_desktop.views.email_intake.status_card import MailboxCard
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.page_header import hint, page_title, section_title
from milo_desktop.views.widgets.reload_gate import ReloadGate

KEY = "email/addresses"
CHANGES_DELAY_MS = 200  # one reload per burst of events
TICK_MS = 30_000  # "Checked 2 min ago" stays true while the screen is shown


class EmailIntakeSection(QWidget):
    """What the main window shows for Apply via Email. ``loaded`` fires after each load;
    ``integrationsRequested`` asks for Integrations → Email, ``issuesRequested`` for Sync
    issues (the main window knows both screens)."""

    loaded = Signal()
    integrationsRequested = Signal()
    issuesRequested = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = self.tr("Apply via Email")
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.service = EmailIntakeOverviewService(ctx.workspace.db, self.clock)
        integrations = ctx.workspace.integrations
        env = getattr(integrations, "env", None) or {}
        self.mailbox = MailboxIntegration(
            getattr(integrations, "credentials", None), DatabaseSettings(ctx.workspace.db),
            env={k: v for k, v in env.items() if k.startswith("MILO_IMAP")})
        self.demo = env.get(ENV_DEMO) == "1"  # demo mode's local mailbox
        self.overview: EmailIntakeOverview | None = None
        self.mailbox_status: MailboxStatus | None = None
        self._loaded = False
        self._generation = 0

        self.card = MailboxCard(self)
        self.copy_button = QPushButton(self.tr("Copy address"), self)
        self.copy_button.setToolTip(self.tr("Copy the selected interviewer's apply address"))
        self.banner = Banner(self)
        self.model = ApplyAddressModel(self)
        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # by name, as the service gives them
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.setModel(self.model)
        for i, (_key, _title, width) in enumerate(self.model.COLUMNS):
            self.table.setColumnWidth(i, width)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, header.ResizeMode.Stretch)  # the address, in full
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.overlay.show_message(self.tr("Loading…"))

        bar = QHBoxLayout()
        bar.addWidget(section_title(self.tr("Interviewers taking candidates"), self))
        bar.addStretch(1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(self.title, self))
        layout.addWidget(hint(self.tr(
            "Each interviewer has its own email address. Whoever writes to it becomes a "
            "candidate of that interviewer: their résumé is read and scored, and they are "
            "invited as your outreach settings say."), self))
        layout.addSpacing(8)
        layout.addWidget(self.card)
        layout.addSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self.gate = ReloadGate(self, self.reload, burst_ms=CHANGES_DELAY_MS)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self.show_card)
        for signal in (ctx.bridge.candidatesChanged, ctx.bridge.applicationsChanged,
                       ctx.bridge.interviewersChanged):
            signal.connect(self.gate.changed)
        ctx.bridge.syncStatusChanged.connect(self._sync_changed)
        self.card.connectRequested.connect(self.integrationsRequested.emit)
        self.card.reviewRequested.connect(self.issuesRequested.emit)
        self.card.checkRequested.connect(self.check_now)
        self.copy_button.clicked.connect(self.copy_selected)
        self.table.doubleClicked.connect(lambda index: self.copy_row(index.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync_buttons())
        self._sync_buttons()

    # ----- loading ----------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # The mailbox may have been connected in Integrations meanwhile (no event says so).
        self.gate.shown(always=True)
        self._tick.start()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._tick.stop()

    def start(self) -> None:
        self.gate.start()

    def is_loaded(self) -> bool:
        return self._loaded

    def _sync_changed(self, service: str) -> None:
        if service != SERVICE:
            return
        self.show_card()  # "Checking…" at once; the counts follow with the reload
        self.gate.changed()

    def reload(self) -> None:
        self.gate.reloading()
        self._generation += 1
        generation = self._generation

        async def load() -> None:
            mailbox = await self.mailbox.status()
            overview = await self.service.overview()
            if isValid(self) and generation == self._generation:
                self._show(mailbox, overview)

        run_reporting(self.ctx, self.banner, load(), "email_intake.overview")

    def _show(self, mailbox: MailboxStatus, overview: EmailIntakeOverview) -> None:
        self.mailbox_status, self.overview = mailbox, overview
        chosen = self.current_row()
        self.model.set_rows(overview.rows if overview.mailbox_address else ())
        if chosen is not None:
            index = self.model.row_for(chosen.interviewer_id)
            if index is not None:
                self.table.selectRow(index)
        self._show_empty(overview)
        self.show_card()
        self._sync_buttons()
        self._loaded = True
        self.loaded.emit()

    def _show_empty(self, overview: EmailIntakeOverview) -> None:
        overlay = self.table.overlay
        if overview.mailbox_address is None:
            overlay.show_message(self.tr("No apply addresses yet"), self.tr(
                "Set the address people write to under Integrations → Email → Mailbox "
                "(e.g. jobs@youragency.com): each interviewer then gets its own, like "
                "jobs+forklift-operator@youragency.com."))
        elif not overview.rows:
            overlay.show_message(self.tr("No interviewer is taking candidates yet"), self.tr(
                "Activate an interviewer: its apply address appears here, ready to paste in "
                "a job ad."))
        else:
            overlay.hide()
        overlay.setGeometry(self.table.viewport().rect())

    def sync_status(self) -> SyncStatus | None:
        """The engine's status of the email intake, None when nothing syncs in this run."""
        engine = self.ctx.workspace.sync
        if engine is None or SERVICE not in engine.services:
            return None
        status: SyncStatus = engine.status(SERVICE)
        return status

    def show_card(self) -> None:
        if self.overview is None or self.mailbox_status is None:
            return
        self.card.show_state(self.mailbox_status, self.overview, self.sync_status(),
                             self.clock(), demo=self.demo)

    # ----- actions ----------------------------------------------------------------------------
    def check_now(self) -> None:
        """Read the mailbox now (the engine's email job, like the Sync card's Sync now)."""
        engine = self.ctx.workspace.sync
        if engine is not None:
            engine.resume(SERVICE)  # after a refused sign-in too: the user asked

    def current_row(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def copy_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.copy_row(rows[0].row())

    def copy_row(self, index: int) -> None:
        row = self.model.row_at(index)
        if row is None or row.address is None:
            return
        clipboard = QApplication.clipboard()
        clipboard.setText(row.address)
        # The banner may read rich text: the interviewer's name (free text) stays out of it.
        self.banner.say(self.tr("Copied {address}: paste it in the job ad.").format(
            address=row.address))

    def _sync_buttons(self) -> None:
        row = self.current_row()
        self.copy_button.setEnabled(row is not None and row.address is not None)

    # ----- state ------------------------------------------------------------------------------
    def save_state(self, settings: QSettings | None = None) -> None:
        self.table.save_layout(settings or self.ctx.settings, KEY)

    def restore_state(self, settings: QSettings | None = None) -> None:
        self.table.restore_layout(settings or self.ctx.settings, KEY)

    def closeEvent(self, event: Any) -> None:
        self.gate.stop()
        self._tick.stop()
        super().closeEvent(event)


__all__ = ["EmailIntakeSection"]
