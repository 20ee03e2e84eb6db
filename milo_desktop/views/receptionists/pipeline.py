"""The Inbound via Phone pipeline: callers of every receptionist, newest first, with tabs and
counts, search, a receptionist filter, contact buttons, details and Approve / Reject / Ingest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import CallStatus
from milo_desktop.services.pipeline import TABS, CallRow, PipelineService
from milo_desktop.services.receptionists import ReceptionistsChanged
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.receptionists.call_details import CallDetailsDialog
from milo_desktop.views.receptionists.ingest_dialog import IngestDialog
from milo_desktop.views.receptionists.pipeline_actions import PipelineActions
from milo_desktop.views.receptionists.pipeline_columns import ColumnFitter
from milo_desktop.views.receptionists.pipeline_delegates import (
    BUTTON,
    PAD,
    ROW_HEIGHT,
    ButtonsDelegate,
    CallerDelegate,
    LinksDelegate,
    StatusDelegate,
)
from milo_desktop.views.receptionists.pipeline_model import DEFAULT_QUERY, PipelineModel
from milo_desktop.views.receptionists.review_actions import ActionBanner
from milo_desktop.views.widgets.banner import run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import count_text, local_datetime
from milo_desktop.views.widgets.page_header import page_title
from milo_desktop.views.widgets.paged_model import LoadState, ObjectRole

KEY = "pipeline"
SEARCH_DELAY_MS = 250
UPDATE_DELAY_MS = 150  # sync delivers calls in bursts: one refresh per burst
# Below these a column's text is elided (whole on hover). Phone numbers, dates and the
# status are measured so that they are never cut.
MIN_WIDTHS = {"caller": 150, "email": 150, "info": 140}
LONG_PHONE = "+1 000-000-0000"
LONG_DATE = dt.datetime(2026, 12, 28, 22, 48, tzinfo=dt.UTC)


class PipelineSection(PipelineActions, QWidget):
    """What the main window embeds. Loads on first show (or ``start()``).

    ``loaded`` fires when a first page and the tab counts are on screen."""

    loaded = Signal()
    receptionistsChanged = Signal()  # re-emitted from the bus on the GUI thread

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service: PipelineService = ctx.workspace.pipeline
        self._started = False
        self._counts_ready = False
        self._pending_loaded = True
        self._changed: set[int] = set()
        self._closed = False
        self.details_dialog: CallDetailsDialog | None = None
        self.ingest_dialog: IngestDialog | None = None
        self.open_url = QDesktopServices.openUrl  # replaced in tests: no dialer in CI
        # Asks before dialling an unverified number (title, question) → yes; tests answer.
        self.confirm = self.ask_user
        self._initial_query = DEFAULT_QUERY  # filters chosen before the first load
        self.model = PipelineModel(self.service.page, ctx.spawn, DEFAULT_QUERY, self)
        self._build()
        self._wire()

    # ----- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        title = page_title(self.tr("Inbound via Phone"), self)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: palette(placeholder-text);")
        self.count_label.setMinimumWidth(1)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        head.addStretch(1)

        self.tabs = QTabBar(self)
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self._tab_titles = fmt.tab_titles()
        for key in TABS:
            self.tabs.setTabData(self.tabs.addTab(self._tab_titles[key]), key)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search name, email or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.receptionist = QComboBox(self)
        self.receptionist.addItem(self.tr("All receptionists"), None)
        self.receptionist.setMinimumWidth(220)
        self.receptionist.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        bar.addWidget(self.search)
        bar.addWidget(self.receptionist)
        self.banner = ActionBanner(self)  # says what an action did, with Undo where it can

        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # always newest first
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setMouseTracking(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.phone_delegate = ButtonsDelegate(lambda r: r.phone_display, (
            ("copy_phone", "copy", self.tr("Copy phone number"),
             lambda r: bool(r.from_e164 or r.number_raw)),
            ("call", "☎", self.tr("Call"), lambda r: bool(r.dial_number)),
        ), self.table, tag_of=lambda r: fmt.unverified_tag() if r.number_unverified else "")
        self.email_delegate = ButtonsDelegate(lambda r: r.email or "", (
            ("copy_email", "copy", self.tr("Copy email"), lambda r: bool(r.email)),
            ("mail", "✉", self.tr("Send an email"), lambda r: bool(r.email)),
        ), self.table)
        self.links_delegate = LinksDelegate(
            (("details", self.tr("Details")), ("ingest", self.tr("Ingest…"))), self.table)
        self._delegates = {"caller": CallerDelegate(self.table), "phone": self.phone_delegate,
                           "email": self.email_delegate, "status": StatusDelegate(self.table),
                           "actions": self.links_delegate}
        for key, delegate in self._delegates.items():
            self.table.setItemDelegateForColumn(PipelineModel.column_index(key), delegate)
        col = PipelineModel.column_index
        self.columns = ColumnFitter(
            self.table, minimums=self._minimum_widths,
            fixed=lambda: {col("actions"): self.links_delegate.width_needed(self.table.font())},
            stretch=col("info"))

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        self._update_texts()

    def _minimum_widths(self) -> dict[int, int]:
        """Room for a whole phone number beside its two buttons, a whole date and the
        longest status pill; the other columns elide below MIN_WIDTHS."""
        fm = QFontMetrics(self.table.font())
        col = PipelineModel.column_index
        small = QFont(self.table.font())
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.85)
        pill = max(QFontMetrics(small).horizontalAdvance(fmt.status_text(s))
                   for s in CallStatus) + 14
        return {col(k): w for k, w in MIN_WIDTHS.items()} | {
            col("phone"): fm.horizontalAdvance(LONG_PHONE) + 2 * (BUTTON + 2) + 2 * PAD + 8,
            col("date"): fm.horizontalAdvance(local_datetime(LONG_DATE)) + 2 * PAD + 8,
            col("status"): pill + 2 * PAD + 4,
        }

    def _wire(self) -> None:
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._update_timer = QTimer(self, singleShot=True, interval=UPDATE_DELAY_MS)
        self._update_timer.timeout.connect(self._flush_updates)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)
        self.tabs.currentChanged.connect(lambda _i: self._set_filter("tab", self.current_tab()))
        self.receptionist.activated.connect(
            lambda _i: self._set_filter("receptionist_id", self.receptionist.currentData()))
        self.phone_delegate.buttonClicked.connect(self.contact_action)
        self.email_delegate.buttonClicked.connect(self.contact_action)
        self.links_delegate.linkClicked.connect(self._link_clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(lambda: self._double_clicked(self.table.currentIndex()))
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        self.model.stateChanged.connect(self._state_changed)
        self.model.firstPageLoaded.connect(self._maybe_loaded)
        self.ctx.bridge.callUpdated.connect(self._call_updated)
        # A receptionist created or renamed: the filter's names and the rows' second line.
        self._receptionists_timer = QTimer(self, singleShot=True, interval=UPDATE_DELAY_MS)
        self._receptionists_timer.timeout.connect(self._receptionists_changed)
        self.receptionistsChanged.connect(self._receptionists_timer.start)
        changed = self.receptionistsChanged
        sub = self.ctx.workspace.bus.subscribe(ReceptionistsChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())

    # ----- loading ---------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        self._closed = False
        super().showEvent(event)
        self.start()

    def closeEvent(self, event: Any) -> None:
        # Closed with the window: an update arriving later (a mark-read finishing) must not
        # start a refresh once the workspace and its loop are gone.
        self._closed = True
        for timer in (self._search_timer, self._update_timer, self._receptionists_timer):
            timer.stop()
        super().closeEvent(event)

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.model.set_query(self._initial_query)
            self._run(self._load_receptionists(), "pipeline.receptionists")
            self.refresh_counts()

    def is_loaded(self) -> bool:
        return self._counts_ready and self.model.state in (LoadState.READY, LoadState.EMPTY)

    def _state_changed(self, state: LoadState) -> None:
        if state == LoadState.LOADING:
            self._pending_loaded = True

    def _maybe_loaded(self) -> None:
        if self._pending_loaded and self.is_loaded():
            self._pending_loaded = False
            self.loaded.emit()

    async def _load_receptionists(self) -> None:
        options = await self.service.receptionists()
        if not isValid(self):
            return
        current = self.receptionist.currentData()
        self.receptionist.clear()
        self.receptionist.addItem(self.tr("All receptionists"), None)
        for option in options:
            self.receptionist.addItem(option.name, option.id)
        i = self.receptionist.findData(current)
        self.receptionist.setCurrentIndex(max(0, i))

    def refresh_counts(self) -> None:
        self._run(self._load_counts(dict(self.model.query.filters)), "pipeline.counts")

    async def _load_counts(self, filters: dict[str, Any]) -> None:
        counts = await self.service.tab_counts(filters)
        unread = await self.service.unread_count()
        if not isValid(self) or filters != dict(self.model.query.filters):
            return  # closed, or the filters moved on: a newer count is coming
        self.counts = counts
        for i in range(self.tabs.count()):
            key = str(self.tabs.tabData(i))
            self.tabs.setTabText(i, self.tr("{tab} ({n})").format(
                tab=self._tab_titles[key], n=count_text(counts.get(key, 0))))
        self.count_label.setText(self.tr("{n} new").format(n=count_text(unread))
                                 if unread else "")
        self._counts_ready = True
        self._maybe_loaded()

    # ----- filters ---------------------------------------------------------------------------
    def current_tab(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()))

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self._set_filter("search", self.search.text().strip())

    def _set_filter(self, key: str, value: Any) -> None:
        before = self.filters()
        if self._started:
            self.model.set_filter(key, value)
        else:
            filters = {**before, key: value}
            self._initial_query = self._initial_query.with_(
                filters={k: v for k, v in filters.items() if v not in (None, "")})
        if key != "tab" and self.filters() != before and self._started:
            self.refresh_counts()
        self._update_texts()

    def filters(self) -> dict[str, Any]:
        """The filters on screen (before the first load: the ones it will use)."""
        return dict((self.model.query if self._started else self._initial_query).filters)

    def _update_texts(self) -> None:
        tab = self.current_tab()
        self.table.empty_text = {
            "all": (self.tr("No calls yet"),
                    self.tr("Callers appear here as soon as they ring one of your receptionists' "
                            "numbers (put the number on job posts and flyers).")),
            "evaluated": (self.tr("No evaluated calls yet"),
                          self.tr("Calls move here once the caller confirmed and the answers "
                                  "were evaluated.")),
            "needs_review": (self.tr("Nobody needs review"),
                             self.tr("Callers below the routing threshold, or every caller when "
                                     "manual approval is on, wait here.")),
            "approved": (self.tr("No approved callers yet"),
                         self.tr("Approve or ingest a caller to move them forward.")),
            "rejected": (self.tr("No rejected callers"), ""),
        }.get(tab, (self.tr("No calls"), ""))
        f = self.filters()
        self.table.no_results_text = (self.tr("No callers match"),
                                      self.tr("Try another name, email or phone number, or show "
                                              "all receptionists."))
        self.table.set_filtered(bool(f.get("search") or f.get("receptionist_id")))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ----- state -----------------------------------------------------------------------------
    def save_state(self) -> None:
        s = self.ctx.settings
        self.table.save_layout(s, f"{KEY}/table")
        s.setValue(f"{KEY}/tab", self.current_tab())
        rid = self.filters().get("receptionist_id")
        s.setValue(f"{KEY}/receptionist", "" if rid is None else int(rid))

    def restore_state(self) -> None:
        s = self.ctx.settings
        self.table.restore_layout(s, f"{KEY}/table")
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.columns.remember_widths()
        tab = str(s.value(f"{KEY}/tab", "all"))
        for i in range(self.tabs.count()):
            if self.tabs.tabData(i) == tab:
                self.tabs.setCurrentIndex(i)
        saved = str(s.value(f"{KEY}/receptionist", "") or "")
        if saved.isdigit():
            if self.receptionist.findData(int(saved)) < 0:
                self.receptionist.addItem("…", int(saved))  # named once the list loads
            self.receptionist.setCurrentIndex(self.receptionist.findData(int(saved)))
            self._set_filter("receptionist_id", int(saved))

    # ----- live updates ------------------------------------------------------------------------
    def _call_updated(self, call_id: int) -> None:
        if self._started and not self._closed:
            self._changed.add(call_id)
            self._update_timer.start()

    def _receptionists_changed(self) -> None:
        if self._started and not self._closed:
            self._run(self._load_receptionists(), "pipeline.receptionists")
            self._changed |= {r.id for r in self.model.rows()}
            self._update_timer.start()

    def _flush_updates(self) -> None:
        ids, self._changed = tuple(self._changed), set()
        if ids:
            self._run(self._refresh_rows(ids, dict(self.model.query.filters)),
                      "pipeline.refresh_rows")

    async def _refresh_rows(self, ids: tuple[int, ...], filters: dict[str, Any]) -> None:
        """Repaint changed rows, drop rows that left the tab, insert new calls in place."""
        matching = await self.service.rows_matching(filters, ids)
        if not isValid(self) or filters != dict(self.model.query.filters):
            return
        keep = {r.id for r in matching}
        self.model.replace_rows(matching)
        self.model.remove_keys([i for i in ids if i not in keep])
        self.model.insert_sorted(matching)  # skips the rows already shown
        await self._load_counts(filters)

    # ----- rows and actions --------------------------------------------------------------------
    def current_row(self) -> CallRow | None:
        index = self.table.currentIndex()
        row = index.data(ObjectRole) if index.isValid() else None
        return row if isinstance(row, CallRow) else None

    def _double_clicked(self, index: QModelIndex) -> None:
        row = index.data(ObjectRole) if index.isValid() else None
        if isinstance(row, CallRow):
            self.open_call(row.id)

    def _link_clicked(self, key: str, row: CallRow) -> None:
        if key == "details":
            self.open_call(row.id)
        else:
            self.ingest_row(row)

    def open_call(self, call_id: int) -> CallDetailsDialog:
        """Show one call's details (reusing the open details window)."""
        if self.details_dialog is None or not isValid(self.details_dialog):
            self.details_dialog = CallDetailsDialog(self.ctx, self.service,
                                                    self.open_ingest_dialog, self)
        self.details_dialog.load(call_id)
        self.details_dialog.show()
        self.details_dialog.raise_()
        # Reused while open behind the main window: it comes forward with the keyboard, so
        # Escape closes it (not the list it was chosen from).
        self.details_dialog.activateWindow()
        return self.details_dialog

    def ingest_row(self, row: CallRow) -> None:
        async def go() -> None:
            detail = await self.service.details(row.id)
            if isValid(self):
                self.open_ingest_dialog(detail, self.banner)

        self._run(go(), "pipeline.ingest.choices")

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = index.data(ObjectRole) if index.isValid() else None
        if isinstance(row, CallRow):
            menu = self.row_menu(row)
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _run(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        run_reporting(self.ctx, self.banner, coro, name)
