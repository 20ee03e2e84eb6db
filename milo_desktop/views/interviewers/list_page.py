"""The Interviewers list: Active / Expired / Archived tabs over one table, search, labels, sort."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.interviewers import InterviewerRow
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.delegates import (
    ROW_HEIGHT,
    LabelChipsDelegate,
    SpendDelegate,
    TwoLineDelegate,
    interviewer_lines,
)
from milo_desktop.views.interviewers.list_model import (
    DEFAULT_QUERY,
    SORT_PRESETS,
    InterviewersModel,
    tab_of,
)
from milo_desktop.views.interviewers.row_actions import RowActions
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.page_header import filter_tabs, page_title
from milo_desktop.views.widgets.paged_model import LoadState

SEARCH_DELAY_MS = 200
FIGURES_DELAY_MS = 2000
KEY = "interviewers/list"


class InterviewersListPage(RowActions, QWidget):
    openInterviewer = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.interviewers
        self._started = False
        self._starting = False
        self._counts_ready = False
        self._counts_generation = 0
        self._pending_loaded = True
        self._initial_query = DEFAULT_QUERY
        self._checked_labels: set[int] = set()
        self.budget_editor = None
        self.extend_dialog = None

        title = page_title(self.tr("Interviewers"), self)
        self._tab_titles = {"active": self.tr("Active"), "expired": self.tr("Expired"),
                            "archived": self.tr("Archived")}
        self.tabs = filter_tabs(self._tab_titles, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search interviewers"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.labels_button = QToolButton(self)
        self.labels_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # The style's corner arrow overlaps the text; the label carries its own "▾".
        self.labels_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.labels_menu = QMenu(self.labels_button)
        self.labels_button.setMenu(self.labels_menu)
        self.sort = QComboBox(self)
        for text, key, descending in SORT_PRESETS:
            self.sort.addItem(QCoreApplication.translate("InterviewersModel", text),
                              (key, descending))
        self.banner = Banner(self)

        self.table = DataTable(self)
        self.model = InterviewersModel(self.service.page, ctx.spawn, DEFAULT_QUERY, self,
                                       clock=lambda: self.service.clock(),
                                       ats_line=ctx.workspace.ats.line)
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setMouseTracking(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._spend_delegate = SpendDelegate(self.table)
        self._delegates = {
            "name": TwoLineDelegate(interviewer_lines, self.table),
            "labels": LabelChipsDelegate(self.table),
            "spend": self._spend_delegate,
        }
        for key, delegate in self._delegates.items():
            self.table.setItemDelegateForColumn(self.model.column_index(key), delegate)
        self._update_texts()

        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        bar.addWidget(self.search)
        bar.addWidget(self.labels_button)
        bar.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._counts_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self._apply_search)
        self._counts_timer.timeout.connect(self.refresh_counts)
        # Candidates and spend move all day (calls, sync): repaint the loaded rows' figures
        # now and then rather than on every event. Started, not restarted, by an event: a
        # stream of events (a sync round every second) must not hold the repaint off for good.
        self._figures_timer = QTimer(self, singleShot=True, interval=FIGURES_DELAY_MS)
        self._figures_timer.timeout.connect(
            lambda: self._run(self._refresh_figures(), "interviewers.list.figures"))
        ctx.bridge.candidatesChanged.connect(lambda _ids: self._figures_due())
        ctx.bridge.applicationsChanged.connect(lambda _ids: self._figures_due())
        ctx.bridge.spendChanged.connect(self._figures_due)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.tabs.currentChanged.connect(self._tab_changed)
        self.sort.activated.connect(self._sort_chosen)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._header_sorted)
        self.model.stateChanged.connect(self._state_changed)
        self.model.firstPageLoaded.connect(self._maybe_loaded)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.table.installEventFilter(self)
        self._spend_delegate.editRequested.connect(lambda index: self.edit_budget(index.row()))
        ctx.bridge.interviewersChanged.connect(self._on_changed)
        for ats_news in (ctx.bridge.syncStatusChanged, ctx.bridge.atsChanged):  # ATS column
            ats_news.connect(lambda _service: self.model.repaint_column("ats"))
        self._sync_sort_widgets()

    # ----- loading ----------------------------------------------------------------------------
    def start(self) -> None:
        """First show: mark overdue interviewers expired, then load labels, counts and rows."""
        if not self._started and not self._starting:
            self._starting = True
            self._run(self._initial_load(), "interviewers.list.load")

    async def _initial_load(self) -> None:
        try:
            await self.service.expire_overdue()
        finally:
            self._starting = False  # a failure (shown in the banner) retries on next show
        self._started = True
        self.model.set_query(self._initial_query)
        await self._load_labels()
        await self._load_counts()

    def current_tab(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()))

    def show_tab(self, tab: str) -> None:
        for i in range(self.tabs.count()):
            if self.tabs.tabData(i) == tab:
                self.tabs.setCurrentIndex(i)

    def is_loaded(self) -> bool:
        return self._counts_ready and self.model.state in (LoadState.READY, LoadState.EMPTY)

    def _state_changed(self, state: LoadState) -> None:
        if state == LoadState.LOADING:
            self._pending_loaded = True

    def _maybe_loaded(self) -> None:
        if self._pending_loaded and self.is_loaded():
            self._pending_loaded = False
            self.loaded.emit()

    def refresh_counts(self) -> None:
        self._run(self._load_counts(), "interviewers.list.counts")

    async def _load_counts(self) -> None:
        # Filters change faster than counts come back: only the newest request may paint
        # (an older reply landing last would leave the tabs counting the wrong filter).
        self._counts_generation += 1
        generation = self._counts_generation
        filters = self.model.query.filters
        counts = await self.service.tab_counts(filters.get("search", ""),
                                               filters.get("labels", ()))
        if generation != self._counts_generation:
            return
        for i in range(self.tabs.count()):
            key = str(self.tabs.tabData(i))
            self.tabs.setTabText(i, self.tr("{tab} ({n})").format(
                tab=self._tab_titles[key], n=counts.get(key, 0)))
        self._counts_ready = True
        self._maybe_loaded()

    async def _load_labels(self) -> None:
        labels = await self.service.labels()
        self.labels_menu.clear()
        for label in labels:
            action = self.labels_menu.addAction(label.name)
            action.setCheckable(True)
            action.setChecked(label.id in self._checked_labels)
            action.setData(label.id)
            action.toggled.connect(self._labels_toggled)
        if not labels:
            none = self.labels_menu.addAction(self.tr("No labels yet"))
            none.setEnabled(False)
        else:
            self.labels_menu.addSeparator()
            clear = self.labels_menu.addAction(self.tr("Clear"))
            clear.triggered.connect(self.clear_labels)

    def _on_changed(self, ids: tuple[int, ...]) -> None:
        if not self._started:
            return
        self._counts_timer.start()
        self._run(self._refresh_rows(tuple(ids)), "interviewers.list.refresh_rows")

    async def _refresh_rows(self, ids: tuple[int, ...]) -> None:
        """Repaint changed rows in place; drop the ones that left this tab; reload when one
        joined it (its place in the sort order is the database's to say)."""
        if not ids:
            self.model.reload()
            return
        await self._load_labels()
        fresh = await self.service.rows(ids)
        tab, keep, drop = self.current_tab(), [], []
        joined = False
        for row in fresh:
            present = self.model.index_of_key(row.id) >= 0
            if tab_of(row.status) == tab and present:
                keep.append(row)
            elif tab_of(row.status) == tab:
                joined = True
            elif present:
                drop.append(row.id)
        drop += [i for i in set(ids) - {r.id for r in fresh} if self.model.index_of_key(i) >= 0]
        if joined:
            self.model.reload()
            return
        self.model.replace_rows(keep)
        self.model.remove_keys(drop)

    def _figures_due(self) -> None:
        if not self._figures_timer.isActive():
            self._figures_timer.start()

    async def _refresh_figures(self) -> None:
        if self._started and self.model.rowCount():
            ids = [r.id for r in self.model.rows()]
            self.model.replace_rows(await self.service.rows(ids))

    # ----- filters and sort ---------------------------------------------------------------------
    def _update_texts(self) -> None:
        tab = self.current_tab()
        self.table.empty_text = {
            "active": (self.tr("No active interviewers yet"),
                       self.tr("Create an interviewer to start screening candidates.")),
            "expired": (self.tr("No expired interviewers"),
                        self.tr("Interviewers whose deadline passes show up here.")),
            "archived": (self.tr("No archived interviewers"),
                         self.tr("Archive an interviewer to hide it without losing its data.")),
        }[tab]
        self.table.no_results_text = (
            self.tr("No interviewers match"),
            self.tr("Try a different search or clear the label filter."))
        filters = self.model.query.filters
        self.table.set_filtered(bool(filters.get("search") or filters.get("labels")))
        n = len(self._checked_labels)
        text = self.tr("Labels: {n}").format(n=n) if n else self.tr("Labels")
        self.labels_button.setText(f"{text} ▾")

    def _tab_changed(self, _index: int) -> None:
        self._set_filter("tab", self.current_tab())

    def _apply_search(self) -> None:
        self._set_filter("search", self.search.text().strip())
        self.refresh_counts()

    def _labels_toggled(self) -> None:
        self._checked_labels = {int(a.data()) for a in self.labels_menu.actions()
                                if a.isCheckable() and a.isChecked()}
        self._set_filter("labels", tuple(sorted(self._checked_labels)))
        self.refresh_counts()

    def clear_labels(self) -> None:
        for action in self.labels_menu.actions():
            if action.isCheckable():
                action.blockSignals(True)
                action.setChecked(False)
                action.blockSignals(False)
        self._labels_toggled()

    def _set_filter(self, key: str, value: Any) -> None:
        if self._started:
            self.model.set_filter(key, value)
        else:
            filters = dict(self._initial_query.filters)
            filters[key] = value
            self._initial_query = self._initial_query.with_(filters=filters)
        self._update_texts()

    def _sort_chosen(self, index: int) -> None:
        key, descending = self.sort.itemData(index)
        query = self.model.query if self._started else self._initial_query
        query = query.with_(sort=key, descending=descending)
        if self._started:
            self.model.set_query(query)
        else:
            self._initial_query = query
        self._sync_sort_widgets()

    def _header_sorted(self, section: int, order: Qt.SortOrder) -> None:
        if self.model.COLUMNS[section].sort is None:
            self._sync_sort_widgets()  # not a sortable column: put the indicator back
            return
        self._sync_sort_widgets()

    def _sync_sort_widgets(self) -> None:
        """Header indicator and combo show the model's query (set without re-sorting)."""
        query = self.model.query if self._started else self._initial_query
        for i, (_t, key, descending) in enumerate(SORT_PRESETS):
            if (key, descending) == (query.sort, query.descending):
                self.sort.setCurrentIndex(i)
        column = next(i for i, c in enumerate(self.model.COLUMNS) if c.sort == query.sort)
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        header.viewport().update()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ----- state --------------------------------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        self.table.save_layout(settings, f"{KEY}/table")
        query = self.model.query if self._started else self._initial_query
        settings.setValue(f"{KEY}/tab", self.current_tab())
        settings.setValue(f"{KEY}/sort", query.sort)
        settings.setValue(f"{KEY}/descending", query.descending)

    def restore_state(self, settings: QSettings) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the saved sort indicator must not start a query by itself
        self.table.restore_layout(settings, f"{KEY}/table")
        header.blockSignals(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        tab = settings.value(f"{KEY}/tab", "active")
        sort = settings.value(f"{KEY}/sort", DEFAULT_QUERY.sort)
        descending = str(settings.value(f"{KEY}/descending", DEFAULT_QUERY.descending))
        for i in range(self.tabs.count()):
            if self.tabs.tabData(i) == tab:
                self.tabs.setCurrentIndex(i)
        for i, (_t, key, desc) in enumerate(SORT_PRESETS):
            if key == sort and str(desc).lower() == descending.lower():
                self._sort_chosen(i)
        self._sync_sort_widgets()

    # ----- rows and actions ---------------------------------------------------------------------
    def selected_rows(self) -> list[InterviewerRow]:
        rows = [self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows()]
        return [r for r in rows if r is not None]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            row = self.table.currentIndex().row()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row >= 0:
                self._open_row(row)
                return True
            if event.key() == Qt.Key.Key_F2 and row >= 0:
                self.edit_budget(row)
                return True
        return super().eventFilter(watched, event)

    def _clicked(self, index: QModelIndex) -> None:
        """A click on a row opens it, as product.md says. Not a click that picks several rows
        (Ctrl / Shift / ⌘), nor one on the budget cell: its pencil edits the budget in place."""
        picking = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
                   | Qt.KeyboardModifier.MetaModifier)
        if QGuiApplication.keyboardModifiers() & picking:
            return
        if index.column() == self.model.column_index("spend"):
            return
        self._open_row(index.row())

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == self.model.column_index("spend"):
            self.edit_budget(index.row())
        else:
            self._open_row(index.row())

    def _open_row(self, row: int) -> None:
        found = self.model.row_at(row)
        if found is not None:
            self.openInterviewer.emit(found.id)

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = self.context_menu(self.selected_rows())
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _run(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        run_reporting(self.ctx, self.banner, coro, name)
