"""Source Candidates → From ATS: a card per ATS, and the jobs list with link / unlink.

Everything is read through ``workspace.ats`` (AtsService) in the background and reloaded when
the ATS side changes (``AtsChanged``: a connection, a job, a link) or a sync round ends
(``SyncStatusChanged``), a burst of events making one reload. Jobs are few, so they come
whole; the search and the ATS filter ask the service again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.services.ats.views import AtsConnectionView, AtsJobRow
from milo_desktop.views.ats.cards import AtsCard, ConnectDialog
from milo_desktop.views.ats.jobs_model import AtsJobsModel
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.ats_link import LinkDialog, open_link_dialog
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.csv_import_dialog import open_csv_import
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import count_text
from milo_desktop.views.widgets.page_header import hint, page_title, section_title
from milo_desktop.views.widgets.reload_gate import ReloadGate

KEY = "ats/jobs"
CHANGES_DELAY_MS = 200  # a sync round publishes in bursts: one reload per burst
SEARCH_DELAY_MS = 250
FRESH_MS = 60_000  # "Synced 2 min ago" stays true while the screen is shown
CARD_COLUMNS = 2


class AtsSection(QWidget):
    """What the main window shows for Source Candidates → From ATS. Loads on first show."""

    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ats = ctx.workspace.ats
        self.title = self.tr("From ATS")
        self._loaded = False
        self._generation = 0
        self.connections: list[AtsConnectionView] = []
        self.cards: dict[str, AtsCard] = {}
        self.dialog: QWidget | None = None  # the Connect / Link dialog open now (tests)

        heading = QHBoxLayout()
        heading.addWidget(page_title(self.title, self))
        heading.addStretch(1)
        self.import_button = QPushButton(self.tr("Import from CSV…"), self)
        self.import_button.setToolTip(self.tr(
            "Bring candidates from any other system in a CSV file"))
        self.import_button.clicked.connect(self.import_csv)
        heading.addWidget(self.import_button)
        intro = hint(self.tr(
            "Jobs and candidates from your applicant tracking system. Link a job to an "
            "interviewer to screen its candidates, then send the results back to the ATS."), self)
        self.cards_box = QWidget(self)
        self.cards_grid = QGridLayout(self.cards_box)
        self.cards_grid.setContentsMargins(0, 0, 0, 0)
        self.cards_grid.setSpacing(12)
        self.no_connectors = hint(self.tr("This copy of Milo has no ATS connectors."), self)
        self.no_connectors.hide()

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search jobs"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.service_filter = QComboBox(self)
        self.service_filter.addItem(self.tr("All ATSs"), None)
        self.service_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.link_button = QPushButton(self.tr("Link to interviewer…"), self)
        self.link_button.setProperty("primary", True)
        self.unlink_button = QPushButton(self.tr("Unlink"), self)
        self.invite_button = QPushButton(self.tr("Invite waiting…"), self)
        self.invite_button.setToolTip(self.tr(
            "Invite the people of this job who are not invited yet"))
        bar = QHBoxLayout()
        bar.addWidget(section_title(self.tr("Jobs"), self))
        bar.addSpacing(12)
        bar.addWidget(self.search)
        bar.addWidget(self.service_filter)
        bar.addStretch(1)
        for button in (self.invite_button, self.unlink_button, self.link_button):
            bar.addWidget(button)
        self.banner = Banner(self)
        self.model = AtsJobsModel(self)
        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # linked first, then open, then by title
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(36)
        for i, (_k, _t, width) in enumerate(self.model.COLUMNS):
            self.table.setColumnWidth(i, width)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, header.ResizeMode.Stretch)  # the job title
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(heading)
        layout.addWidget(intro)
        layout.addWidget(self.cards_box)
        layout.addWidget(self.no_connectors)
        layout.addSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self.gate = ReloadGate(self, self.reload, burst_ms=CHANGES_DELAY_MS, fresh_ms=FRESH_MS)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        for signal in (ctx.bridge.atsChanged, ctx.bridge.syncStatusChanged,
                       ctx.bridge.interviewersChanged, ctx.bridge.applicationsChanged):
            signal.connect(self.gate.changed)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.service_filter.activated.connect(lambda _i: self.reload())
        self.link_button.clicked.connect(lambda: self.open_link(self.current_job()))
        self.unlink_button.clicked.connect(lambda: self.unlink(self.current_job()))
        self.invite_button.clicked.connect(lambda: self.invite_waiting(self.current_job()))
        self.table.doubleClicked.connect(
            lambda index: self.open_link(self.model.row_at(index.row())))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync_buttons())
        self._sync_buttons()

    # ----- loading ----------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.gate.shown()

    def start(self) -> None:
        self.gate.start()

    def reload(self) -> None:
        self.gate.reloading()
        self._generation += 1
        generation = self._generation
        service = self.service_filter.currentData()
        search = self.search.text().strip()

        async def load() -> None:
            connections = await self.ats.connections()
            jobs = await self.ats.jobs(service=service, search=search)
            if isValid(self) and generation == self._generation:
                self._show(connections, jobs, filtered=bool(service or search))

        run_reporting(self.ctx, self.banner, load(), "ats.load")

    def is_loaded(self) -> bool:
        return self._loaded

    def _show(self, connections: list[AtsConnectionView], jobs: list[AtsJobRow], *,
              filtered: bool) -> None:
        self.connections = connections
        self._show_cards(connections)
        chosen = self.current_job()
        self.model.set_rows(jobs)
        if chosen is not None:
            for i in range(self.model.rowCount()):
                row = self.model.row_at(i)
                if row is not None and row.id == chosen.id:
                    self.table.selectRow(i)
        self._show_empty(connections, jobs, filtered)
        self._sync_buttons()
        if not self._loaded:
            self._loaded = True
            self.loaded.emit()

    def _show_cards(self, connections: list[AtsConnectionView]) -> None:
        for view in connections:
            card = self.cards.get(view.service)
            if card is None:
                card = AtsCard(self.ctx, view, self.cards_box)
                card.connectRequested.connect(self.open_connect)
                n = len(self.cards)
                self.cards_grid.addWidget(card, n // CARD_COLUMNS, n % CARD_COLUMNS)
                self.cards[view.service] = card
            else:
                card.show_view(view)
        self.no_connectors.setVisible(not connections)
        known = {self.service_filter.itemData(i) for i in range(self.service_filter.count())}
        for view in connections:
            if view.service not in known:
                self.service_filter.addItem(view.title, view.service)

    def _show_empty(self, connections: list[AtsConnectionView], jobs: list[AtsJobRow],
                    filtered: bool) -> None:
        overlay = self.table.overlay
        connected = [c for c in connections if c.connected]
        if jobs:
            overlay.hide()
        elif filtered:
            overlay.show_message(self.tr("No jobs match"),
                                 self.tr("Try a different search or ATS."))
        elif not connected:
            overlay.show_message(self.tr("Connect your ATS to see its jobs here"),
                                 self.tr("Choose Connect… on your ATS's card above."))
        else:
            names = ", ".join(c.title for c in connected)
            overlay.show_message(self.tr("No jobs yet"), self.tr(
                "{ats} is syncing: its jobs appear here as they arrive.").format(ats=names))
        overlay.setGeometry(self.table.viewport().rect())

    # ----- the selected job -------------------------------------------------------------------
    def current_job(self) -> AtsJobRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_job(self, job_id: int) -> bool:
        for i in range(self.model.rowCount()):
            row = self.model.row_at(i)
            if row is not None and row.id == job_id:
                self.table.selectRow(i)
                return True
        return False

    def _sync_buttons(self) -> None:
        job = self.current_job()
        linked = job is not None and job.interviewer_id is not None
        self.link_button.setEnabled(job is not None)
        self.link_button.setText(self.tr("Change interviewer…") if linked
                                 else self.tr("Link to interviewer…"))
        self.unlink_button.setEnabled(linked)
        waiting = job.waiting if job is not None and linked else 0
        self.invite_button.setEnabled(waiting > 0)
        self.invite_button.setText(self.tr("Invite {n} waiting…").format(n=count_text(waiting))
                                   if waiting else self.tr("Invite waiting…"))

    # ----- actions ----------------------------------------------------------------------------
    def open_connect(self, view: AtsConnectionView) -> ConnectDialog:
        dialog = ConnectDialog(self.ctx, view, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        card = self.cards.get(view.service)
        if card is not None:
            dialog.connected.connect(lambda words: card.message.say(words, "success"))
        dialog.open()
        self.dialog = dialog
        return dialog

    def open_link(self, job: AtsJobRow | None) -> LinkDialog | None:
        if job is None:
            return None
        dialog = open_link_dialog(self.ctx, self.window(), job=job)
        dialog.linked.connect(self._linked)
        self.dialog = dialog
        return dialog

    def _linked(self, row: AtsJobRow) -> None:
        if isValid(self):
            self.banner.say(self.tr("Linked {job} to {name}.").format(
                job=row.title, name=row.interviewer_name or "—"))

    def unlink(self, job: AtsJobRow | None) -> None:
        if job is None or job.interviewer_id is None:
            return
        if not self.ask_user(self.tr("Unlink this job?"), self.tr(
                "{job} will no longer be linked to {name}. Candidates already invited stay; "
                "new ones are not invited and results can no longer be sent to the "
                "ATS.").format(job=job.title, name=job.interviewer_name or "—")):
            return

        async def work() -> None:
            await self.ats.unlink_job(job.id)
            if isValid(self):
                self.banner.say(self.tr("Unlinked {job}.").format(job=job.title))

        run_reporting(self.ctx, self.banner, work(), "ats.unlink")

    def invite_waiting(self, job: AtsJobRow | None) -> None:
        if job is None or job.interviewer_id is None or not job.waiting:
            return
        if not self.ask_user(self.tr("Invite {n} people?").format(n=count_text(job.waiting)),
                             self.tr("Everyone who applied to {job} and is not invited yet "
                                     "gets {name}'s invitation now.").format(
                                 job=job.title, name=job.interviewer_name or "—")):
            return
        self.banner.say(self.tr("Inviting…"))

        async def work() -> None:
            report = await self.ats.invite_waiting(job.id)
            if isValid(self):
                summary = report.summary() if hasattr(report, "summary") else str(report)
                self.banner.say(self.tr("Invitations for {job}: {summary}").format(
                    job=job.title, summary=summary))

        run_reporting(self.ctx, self.banner, work(), "ats.invite_waiting")

    def import_csv(self) -> None:
        """The CSV import dialog (for every system without a connector)."""
        open_csv_import(self.ctx, self.window())

    def ask_user(self, title: str, question: str) -> bool:
        """Yes / No (No by default) before unlinking or inviting."""
        answer = QMessageBox.question(
            self, title, question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ----- state --------------------------------------------------------------------------------
    def save_state(self, settings: QSettings | None = None) -> None:
        self.table.save_layout(settings or self.ctx.settings, KEY)

    def restore_state(self, settings: QSettings | None = None) -> None:
        self.table.restore_layout(settings or self.ctx.settings, KEY)
