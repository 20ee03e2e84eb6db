"""The Candidate Directory screen: everyone in the workspace, searchable, filterable, sortable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.services.candidates import CandidateRow
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.views.candidates.directory_model import (
    DEFAULT_QUERY,
    SORT_CHOICES,
    DirectoryModel,
)
from milo_desktop.views.candidates.duplicates import DuplicatesButton
from milo_desktop.views.candidates.format import count_text, local_date, local_day
from milo_desktop.views.candidates.profile import open_candidate_profile
from milo_desktop.views.candidates.toolbar import DirectoryToolbar
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.csv_import_dialog import open_csv_import
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.paged_model import ObjectRole

SETTINGS_KEY = "candidates/directory"
SEARCH_DEBOUNCE_MS = 200
RECOUNT_DEBOUNCE_MS = 1000  # sync can change candidates in bursts; one count per burst


class DirectorySection(QWidget):
    """The directory: title with counts, search, Joined after/before, sort, View menu, table.

    ``loaded`` is emitted each time a first page arrives (after opening, a search, a filter
    or a sort change).
    """

    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.candidates
        self._loaded_once = False
        self._total: int | None = None
        self._matched: int | None = None
        self._count_generation = 0
        self.model = DirectoryModel(self.service.page, self._spawn, self._saved_query(), self)
        self._build()
        self._column_actions = self._make_column_actions()
        self.view_button.setMenu(self._make_view_menu())
        self.restore_state()
        self._wire()
        self.model.reload()

    # ----- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self.tr("Candidate Directory"), self)
        self.title.setObjectName("sectionTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("sectionCount")
        muted = self.count_label.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self.count_label.setPalette(muted)
        # Widgets whose text changes get explicit minimum widths, so the section's minimum size
        # never changes after it is shown (no relayout of the window around it).
        self.count_label.setMinimumWidth(1)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        head.addStretch(1)
        self.duplicates_button = DuplicatesButton(self.ctx, self)  # opens the review
        head.addWidget(self.duplicates_button)
        self.invite_button = QPushButton(self.tr("Invite to interviewer…"), self)
        self.invite_button.setToolTip(self.tr("Invite the selected candidates to an interviewer"))
        self.invite_button.setEnabled(False)
        self.invite_button.clicked.connect(lambda: self.invite_selected())
        head.addWidget(self.invite_button)
        self.import_button = QPushButton(self.tr("Import CSV…"), self)
        self.import_button.setToolTip(self.tr("Add or update candidates from a CSV file"))
        self.import_button.clicked.connect(lambda: open_csv_import(self.ctx, self))
        head.addWidget(self.import_button)

        self.toolbar = DirectoryToolbar(self)
        tb = self.toolbar
        self.search, self.sort_combo, self.view_button = tb.search, tb.sort_combo, tb.view_button
        self.joined_after, self.joined_before = tb.joined_after, tb.joined_before
        self.clear_filters = tb.clear_filters

        self.table = DataTable(self)
        self.table.setModel(self.model)
        self.table.empty_text = (
            self.tr("No candidates yet"),
            self.tr("Candidates arrive from interviews, phone calls, email and your ATS."),
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_a: self.invite_button.setEnabled(bool(self.selected_candidate_ids())))

        layout = QVBoxLayout(self)
        # Embedded, the parent's layout still reads our minimum size hint; on its own (tests,
        # a detached window) the section must not push size constraints to the window system.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)

    def _make_column_actions(self) -> dict[str, QAction]:
        actions: dict[str, QAction] = {}
        for i, column in enumerate(DirectoryModel.COLUMNS):
            if not column.hideable:
                continue
            action = QAction(self.model.headerData(i, Qt.Orientation.Horizontal), self)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, key=column.key: self._set_column_shown(key, on))
            actions[column.key] = action
        return actions

    def _make_view_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addSection(self.tr("Columns"))
        self.populate_view_menu(menu)
        return menu

    def populate_view_menu(self, menu: QMenu) -> None:
        """Add the column toggles to ``menu`` (e.g. the main window's View menu). The actions
        are shared with the section's own View button, so both always agree."""
        for action in self._column_actions.values():
            menu.addAction(action)

    def _wire(self) -> None:
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_search)
        self.joined_after.dateChanged.connect(lambda d: self._set_date_filter("joined_after", d))
        self.joined_before.dateChanged.connect(lambda d: self._set_date_filter("joined_before", d))
        self.clear_filters.clicked.connect(self.clear_all_filters)
        self.sort_combo.activated.connect(self._sort_chosen)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._header_sorted)
        self.table.doubleClicked.connect(self._open_index)
        self.table.clicked.connect(self._clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(lambda: self._open_index(self.table.currentIndex()))
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.search.clear)
        self.model.firstPageLoaded.connect(self._first_page)
        self._recount_timer = QTimer(self, singleShot=True, interval=RECOUNT_DEBOUNCE_MS)
        self._recount_timer.timeout.connect(lambda: self._start_count(recount_total=True))
        self.ctx.bridge.candidatesChanged.connect(self._candidates_changed)
        self._joined = False  # new people match the filters: reload once back at the top
        self.table.verticalScrollBar().valueChanged.connect(
            lambda _v: self._reload_if_at_top())
        self.model.modelReset.connect(lambda: setattr(self, "_joined", False))
        hh = self.table.horizontalHeader()
        hh.sectionResized.connect(self._layout_changed)
        hh.sectionMoved.connect(self._layout_changed)
        self._save_timer = QTimer(self, singleShot=True, interval=500)
        self._save_timer.timeout.connect(self.save_state)

    def _spawn(self, coro: Any, name: str) -> Any:
        return self.ctx.spawn(coro, name)

    # ----- public API ---------------------------------------------------------------------
    def is_loaded(self) -> bool:
        return self._loaded_once

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_all_filters(self) -> None:
        self.search.clear()
        self._search_timer.stop()
        self.joined_after.set_date(None)
        self.joined_before.set_date(None)
        self._apply_search()

    def save_state(self) -> None:
        s = self.ctx.settings
        self.table.save_layout(s, SETTINGS_KEY)
        hidden = [k for k, a in self._column_actions.items() if not a.isChecked()]
        s.setValue(f"{SETTINGS_KEY}/hidden", hidden if hidden else "")
        q = self.model.query
        s.setValue(f"{SETTINGS_KEY}/sort", q.sort)
        s.setValue(f"{SETTINGS_KEY}/descending", q.descending)

    def restore_state(self) -> None:
        s = self.ctx.settings
        hh = self.table.horizontalHeader()
        hh.blockSignals(True)  # the saved sort indicator must not start a query of its own
        try:
            self.table.restore_layout(s, SETTINGS_KEY)
        finally:
            hh.blockSignals(False)
        saved_hidden = s.value(f"{SETTINGS_KEY}/hidden")
        if saved_hidden is None:
            hidden = set(DirectoryModel.HIDDEN_BY_DEFAULT)
        elif isinstance(saved_hidden, str):
            hidden = {saved_hidden} if saved_hidden else set()
        else:
            hidden = {str(k) for k in saved_hidden}
        for key, action in self._column_actions.items():
            action.blockSignals(True)
            action.setChecked(key not in hidden)
            action.blockSignals(False)
            hh.setSectionHidden(DirectoryModel.column_index(key), key in hidden)
        hh.setSectionHidden(DirectoryModel.column_index("name"), False)
        saved = self._saved_query()
        q = self.model.query
        if (saved.sort, saved.descending) != (q.sort, q.descending):
            self.model.set_query(q.with_(sort=saved.sort, descending=saved.descending))
        self._sync_sort_widgets()

    def _saved_query(self) -> PageQuery:
        s = self.ctx.settings
        sort = str(s.value(f"{SETTINGS_KEY}/sort", DEFAULT_QUERY.sort))
        # INI files give back "true"/"false" strings.
        raw = s.value(f"{SETTINGS_KEY}/descending", DEFAULT_QUERY.descending)
        descending = raw in (True, "true", 1, "1")
        if (sort, descending) not in {(k, d) for _t, k, d in SORT_CHOICES}:
            return DEFAULT_QUERY
        return DEFAULT_QUERY.with_(sort=sort, descending=descending)

    # ----- filters, sort ------------------------------------------------------------------
    def _filters_active(self) -> bool:
        return bool(self.model.query.filters)

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_filter("search", self.search.text().strip())
        self._filters_changed()

    def _set_date_filter(self, key: str, value: dt.date | None) -> None:
        self.joined_after.set_bounds(None, self.joined_before.date())
        self.joined_before.set_bounds(self.joined_after.date(), None)
        self.model.set_filter(key, value)
        self._filters_changed()

    def _filters_changed(self) -> None:
        active = self._filters_active()
        self.clear_filters.setVisible(active)
        self.table.no_results_text = (self.tr("No candidates match"), self._no_results_hint())
        self.table.set_filtered(active)

    def _no_results_hint(self) -> str:
        parts = []
        f = self.model.query.filters
        if f.get("search"):
            parts.append(self.tr("“{text}”").format(text=f["search"]))
        if f.get("joined_after"):
            parts.append(self.tr("joined after {date}").format(date=_date_text(f["joined_after"])))
        if f.get("joined_before"):
            parts.append(
                self.tr("joined before {date}").format(date=_date_text(f["joined_before"]))
            )
        if not parts:
            return ""
        return self.tr("Nobody matches {filters}. Try another search or clear the filters.").format(
            filters=self.tr(", ").join(parts)
        )

    def _sort_chosen(self, index: int) -> None:
        key, descending = self.sort_combo.itemData(index)
        self.model.set_query(self.model.query.with_(sort=key, descending=descending))
        self._sync_sort_widgets()
        self._save_timer.start()

    def _header_sorted(self, _section: int, _order: Qt.SortOrder) -> None:
        # The table has already asked the model to sort. Columns without a sort key leave the
        # query alone: syncing puts the indicator back where the rows really are sorted.
        self._sync_sort_widgets()
        self._save_timer.start()

    def _sync_sort_widgets(self) -> None:
        q = self.model.query
        for i in range(self.sort_combo.count()):
            if self.sort_combo.itemData(i) == (q.sort, q.descending):
                self.sort_combo.setCurrentIndex(i)
                break
        hh = self.table.horizontalHeader()
        order = Qt.SortOrder.DescendingOrder if q.descending else Qt.SortOrder.AscendingOrder
        hh.blockSignals(True)
        hh.setSortIndicator(DirectoryModel.sort_column(q.sort), order)
        hh.blockSignals(False)

    # ----- columns ------------------------------------------------------------------------
    def _set_column_shown(self, key: str, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(DirectoryModel.column_index(key), not shown)
        self.save_state()

    def column_shown(self, key: str) -> bool:
        return not self.table.isColumnHidden(DirectoryModel.column_index(key))

    def _layout_changed(self, *_args: object) -> None:
        self._save_timer.start()

    # ----- loading, counts, changes -------------------------------------------------------
    def _first_page(self) -> None:
        self._loaded_once = True
        self._start_count(recount_total=self._total is None)
        self.loaded.emit()

    def _start_count(self, *, recount_total: bool) -> None:
        self._count_generation += 1
        self.ctx.spawn(
            self._count(self._count_generation, self.model.query, recount_total),
            "DirectorySection.count",
        )

    async def _count(self, generation: int, query: PageQuery, recount_total: bool) -> None:
        # Counted after the first page is on screen: a full count is the slow part.
        total = self._total
        if recount_total or total is None:
            total = await self.service.count(PageQuery(sort=query.sort))
        matched = await self.service.count(query) if query.filters else total
        if not isValid(self) or generation != self._count_generation:
            return  # closed meanwhile, or the user moved on and a newer count is on its way
        self._total, self._matched = total, matched
        self._show_counts()

    def _show_counts(self) -> None:
        total, matched = self._total, self._matched
        if total is None:
            self.count_label.clear()
            return
        if total == 1:
            text = self.tr("1 candidate")
        else:
            text = self.tr("{count} candidates").format(count=count_text(total))
        if self._filters_active() and matched is not None:
            text = self.tr("{matched} of {total}").format(matched=count_text(matched), total=text)
        self.count_label.setText(text)

    def counts_text(self) -> str:
        """The label next to the title, e.g. "12,408 candidates" or "37 of 12,408 candidates"."""
        return self.count_label.text()

    def _candidates_changed(self, ids: tuple[int, ...]) -> None:
        if not ids:
            self._total = None
            self.model.reload()
            return
        self.ctx.spawn(self._refresh_rows(tuple(ids)), "DirectorySection.refresh")
        self._recount_timer.start()  # a new or erased candidate changes the counts

    async def _refresh_rows(self, ids: tuple[int, ...]) -> None:
        """Repaint changed rows, drop those that no longer match, and reload when a new
        person matches (their place in the order is the database's to say) — unless the user
        has scrolled down the list: rows are never pushed in under the cursor; the list
        reloads when it is back at the top."""
        query = self.model.query
        fresh = await self.service.rows_matching(query, ids)
        if not isValid(self) or query != self.model.query:
            return
        if any(self.model.index_of_key(r.id) < 0 for r in fresh):
            self._joined = True
            self._reload_if_at_top()
            if not self._joined:
                return
        self.model.replace_rows(fresh)
        found = {r.id for r in fresh}
        self.model.remove_keys([i for i in ids if i not in found])

    def _reload_if_at_top(self) -> None:
        if self._joined and self.table.verticalScrollBar().value() == 0:
            self._joined = False
            self.model.reload()

    # ----- rows ---------------------------------------------------------------------------
    def current_candidate(self) -> CandidateRow | None:
        index = self.table.currentIndex()
        row = index.data(ObjectRole) if index.isValid() else None
        return row if isinstance(row, CandidateRow) else None

    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ObjectRole) if index.isValid() else None
        if isinstance(row, CandidateRow):
            self.open_profile(row.id)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and DirectoryModel.COLUMNS[index.column()].key == "actions":
            self._open_index(index)

    def open_profile(self, candidate_id: int) -> Any:
        return open_candidate_profile(self.ctx, candidate_id, self.window())

    def selected_candidate_ids(self) -> list[int]:
        rows = (i.data(ObjectRole) for i in self.table.selectionModel().selectedRows())
        return [r.id for r in rows if isinstance(r, CandidateRow)]

    def invite_selected(self, candidate_id: int | None = None) -> QDialog | None:
        """Open the Invite dialog for ``candidate_id`` or the selected candidates."""
        ids = [candidate_id] if candidate_id is not None else self.selected_candidate_ids()
        if not ids:
            return None
        return self.ctx.windows.invite(self.ctx, ids, self.window())

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = index.data(ObjectRole) if index.isValid() else None
        if not isinstance(row, CandidateRow):
            return
        menu = self.row_menu(row)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def row_menu(self, row: CandidateRow) -> QMenu:
        menu = QMenu(self)
        details = menu.addAction(self.tr("View details"))
        details.triggered.connect(lambda: self.open_profile(row.id))
        menu.setDefaultAction(details)
        selected = self.selected_candidate_ids()
        many = row.id in selected and len(selected) > 1
        invite = menu.addAction(self.tr("Invite {n} candidates to interviewer…").format(
            n=len(selected)) if many else self.tr("Invite to interviewer…"))
        invite.triggered.connect(lambda: self.invite_selected(None if many else row.id))
        menu.addSeparator()
        clipboard = QGuiApplication.clipboard()
        if row.email:
            copy_email = menu.addAction(self.tr("Copy email"))
            copy_email.triggered.connect(lambda: clipboard.setText(row.email or ""))
        if row.phone_e164:
            copy_phone = menu.addAction(self.tr("Copy phone"))
            copy_phone.triggered.connect(lambda: clipboard.setText(row.phone_display))
        return menu


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return local_date(value)
    return local_day(value) if isinstance(value, dt.date) else str(value)
