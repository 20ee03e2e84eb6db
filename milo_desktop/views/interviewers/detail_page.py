"""One interviewer: a header (back, name, status, slug, workflow, deadline) and its tabs,
Candidates (one column per stage) and Overview (stages, questions, settings; read-only)."""

from __future__ import annotations

import html
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import ApplicationStatus, BudgetKind, QuestionKind, StageStatus
from milo_desktop.services.interviewers import CandidateRow, InterviewerDetail
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.interviewers.analytics_tab import AnalyticsTab
from milo_desktop.views.interviewers.candidates_actions import ReviewBar
from milo_desktop.views.interviewers.candidates_columns import ColumnChooser
from milo_desktop.views.interviewers.candidates_model import InterviewerCandidatesModel
from milo_desktop.views.interviewers.candidates_nav import TabNavigator
from milo_desktop.views.interviewers.delegates import ROW_HEIGHT, TwoLineDelegate, profile_lines
from milo_desktop.views.interviewers.detail_actions import InterviewerActions
from milo_desktop.views.interviewers.integrations_tab import IntegrationsTab
from milo_desktop.views.interviewers.list_page import SEARCH_DELAY_MS
from milo_desktop.views.interviewers.readiness_line import ReadinessLine
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.paged_model import LoadState

KEY = "interviewers/candidates"
CHANGES_DELAY_MS = 150  # sync reports results in bursts: one refresh per burst
RELOAD_ABOVE = 200  # changed loaded rows beyond which the table reloads its first page
ASK_ABOVE = 5000  # changed applications beyond which it reloads rather than asks which match


class InterviewerPage(QWidget):
    back = Signal()
    openCandidate = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.interviewers
        self.interviewer_id: int | None = None
        self.detail: InterviewerDetail | None = None
        self._pending_loaded = False
        self._settings: QSettings | None = None

        self.back_button = QToolButton(self)
        self.back_button.setText(self.tr("← Interviewers"))
        self.back_button.setAutoRaise(True)
        self.back_button.clicked.connect(self.back)
        self.title = QLabel(self)
        self.title.setObjectName("interviewerTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel(self)
        self.status.setObjectName("statusPill")
        self.meta = QLabel(self)
        self.meta.setObjectName("interviewerMeta")
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = Banner(self)
        self.readiness = ReadinessLine(ctx, self)  # what stops its screening, up front

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by name or email"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.status_filter = QComboBox(self)
        self.stage_filter = QComboBox(self)
        for combo in (self.status_filter, self.stage_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.notes_filter = QCheckBox(self.tr("Has notes"), self)
        self.notes_filter.setToolTip(self.tr("Only candidates someone wrote a note about"))
        self.columns_button = QPushButton(self.tr("Columns"), self)
        self.columns_button.setToolTip(self.tr("Show or hide columns"))
        self.table = DataTable(self)
        self.model = InterviewerCandidatesModel(self.service.candidates_page, ctx.spawn, self,
                                                clock=lambda: self.service.clock())
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.empty_text = (self.tr("No candidates yet"),
                                 self.tr("Share the interview link to invite candidates."))
        self.table.no_results_text = (self.tr("No candidates match"),
                                      self.tr("Try a different search or status."))
        self._profile_delegate = TwoLineDelegate(profile_lines, self.table)
        self.table.setItemDelegateForColumn(0, self._profile_delegate)
        self.columns = ColumnChooser(self.table, self.model, self.save_layout, self)
        self.columns_button.setMenu(self.columns.menu)
        self.review_bar = ReviewBar(ctx, self.table, self.model, self)

        candidates = QWidget(self)
        bar = QHBoxLayout()
        bar.addWidget(self.search)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.stage_filter)
        bar.addWidget(self.notes_filter)
        bar.addStretch(1)
        bar.addWidget(self.columns_button)
        inner = QVBoxLayout(candidates)
        inner.setContentsMargins(0, 8, 0, 0)
        inner.addLayout(bar)
        inner.addWidget(self.review_bar)
        inner.addWidget(self.review_bar.progress)
        inner.addWidget(self.review_bar.banner)
        inner.addWidget(self.table, 1)
        self.overview = QTextBrowser(self)
        self.overview.setOpenLinks(False)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(candidates, self.tr("Candidates"))
        self.tabs.addTab(self.overview, self.tr("Overview"))
        self.analytics = AnalyticsTab(ctx, self)
        self.tabs.addTab(self.analytics, self.tr("Analytics"))
        self.integrations = IntegrationsTab(ctx, self)  # the linked ATS job and its settings
        self.tabs.addTab(self.integrations, self.tr("Integrations"))

        self.header_actions = InterviewerActions(ctx, self)  # not "actions": QWidget.actions()
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.status)
        heading.addStretch(1)
        heading.addWidget(self.header_actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(heading)
        layout.addWidget(self.meta)
        layout.addWidget(self.readiness)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(
            lambda: self._set_filter("search", self.search.text().strip()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.status_filter.activated.connect(
            lambda _i: self._set_filter("status", self.status_filter.currentData()))
        self.stage_filter.activated.connect(
            lambda _i: self._set_filter("stage", self.stage_filter.currentData()))
        self.notes_filter.toggled.connect(lambda on: self._set_filter("has_notes", on or None))
        self.model.stateChanged.connect(self._state_changed)
        self.model.firstPageLoaded.connect(self._maybe_loaded)
        self.table.doubleClicked.connect(self._double_clicked)
        for keys in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)):
            enter = QShortcut(keys, self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(lambda: self._double_clicked(self.table.currentIndex()))
        for keys in (QKeySequence(Qt.Key.Key_Backspace), QKeySequence("Alt+Left")):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.back)
        ctx.bridge.interviewersChanged.connect(self._on_interviewers_changed)
        ctx.bridge.candidatesChanged.connect(self._candidates_changed)
        self._changed_ids: set[int] | None = set()  # None: reload everything
        self._changed_timer = QTimer(self, singleShot=True, interval=CHANGES_DELAY_MS)
        self._changed_timer.timeout.connect(self._apply_changes)
        ctx.bridge.applicationsChanged.connect(self._applications_changed)

    # ----- loading ----------------------------------------------------------------------------
    def load(self, interviewer_id: int, settings: QSettings | None = None) -> None:
        """Show ``interviewer_id`` (the Candidates tab first)."""
        if self.interviewer_id is not None and self.detail is not None:
            self.save_layout()
        self.interviewer_id = interviewer_id
        self._settings = settings
        self.detail = None
        self._pending_loaded = True
        self.tabs.setCurrentIndex(0)
        for widget in (self.search, self.notes_filter):
            widget.blockSignals(True)
        self.search.clear()
        self.notes_filter.setChecked(False)
        for widget in (self.search, self.notes_filter):
            widget.blockSignals(False)
        self.review_bar.banner.hide()
        self.title.setText(self.tr("Loading…"))
        self.status.clear()
        self.meta.clear()
        self.banner.hide()
        self.readiness.hide()
        self._run(self._load(interviewer_id), "interviewers.detail.load")
        self.analytics.load(interviewer_id)
        self.integrations.load(interviewer_id)

    async def _load(self, interviewer_id: int) -> None:
        detail = await self.service.get(interviewer_id)
        if interviewer_id != self.interviewer_id:
            return  # the user opened another one meanwhile
        self.detail = detail
        self._show_header(detail)
        self.overview.setHtml(overview_html(detail))
        self._fill_stage_filter(detail)
        self.model.set_interviewer(interviewer_id, detail.stages)
        for i, column in enumerate(self.model.COLUMNS):
            self.table.setColumnWidth(i, column.width)
        if self._settings is not None:
            self.table.restore_layout(self._settings, self._layout_key())
        self.columns.rebuild()
        self.review_bar.title = detail.name
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.column_index("invited"), Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        self.table.set_filtered(False)
        await self._load_counts(interviewer_id)

    def _show_header(self, d: InterviewerDetail) -> None:
        self.header_actions.set_detail(d)
        self.title.setText(d.name)
        color = fmt.STATUS_COLORS[d.status].name()
        self.status.setText(fmt.interviewer_status_text(d.status))
        self.status.setStyleSheet(f"QLabel#statusPill {{ color: {color}; border: 1px solid "
                                  f"{color}; border-radius: 9px; padding: 1px 8px; }}")
        deadline = fmt.deadline_text(d.deadline, self.service.clock())
        self.meta.setText(" · ".join((d.slug, fmt.workflow_text(d.workflow), deadline)))
        self.readiness.load(d.id, d.status)
        self.integrations.set_name(d.name)
        self.review_bar.set_ats(d.ats_provider)

    def _fill_stage_filter(self, d: InterviewerDetail) -> None:
        self.stage_filter.clear()
        self.stage_filter.addItem(self.tr("All stages"), None)
        for stage in d.stages:
            for status in (StageStatus.COMPLETED, StageStatus.IN_PROGRESS,
                           StageStatus.NOT_STARTED, StageStatus.KNOCKED_OUT):
                self.stage_filter.addItem(
                    f"{stage.name}: {fmt.stage_status_text(status)}", (stage.id, status.value))

    def _refresh_counts(self) -> None:
        if self.interviewer_id is not None and self.detail is not None:
            self._run(self._load_counts(self.interviewer_id), "interviewers.detail.counts")

    async def _load_counts(self, interviewer_id: int) -> None:
        counts = await self.service.candidate_status_counts(interviewer_id)
        if interviewer_id != self.interviewer_id:
            return
        current = self.model.query.filters.get("status")
        self.status_filter.clear()
        self.status_filter.addItem(self.tr("All ({n})").format(n=counts["all"]), None)
        for status in ApplicationStatus:
            self.status_filter.addItem(f"{fmt.application_status_text(status)} "
                                       f"({counts[status.value]})", status.value)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current)))
        self._maybe_loaded()

    def _on_interviewers_changed(self, ids: tuple[int, ...]) -> None:
        if self.interviewer_id is not None and (not ids or self.interviewer_id in ids):
            iid = self.interviewer_id

            async def refresh() -> None:
                detail = await self.service.get(iid)
                if iid == self.interviewer_id:
                    self.detail = detail
                    self._show_header(detail)

            self._run(refresh(), "interviewers.detail.header")

    def is_loaded(self) -> bool:
        return (self.detail is not None and self.status_filter.count() > 0
                and self.model.state in (LoadState.READY, LoadState.EMPTY))

    def _state_changed(self, state: LoadState) -> None:
        if state == LoadState.LOADING:
            self._pending_loaded = True

    def _maybe_loaded(self) -> None:
        if self._pending_loaded and self.is_loaded():
            self._pending_loaded = False
            self.loaded.emit()

    def _run(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        run_reporting(self.ctx, self.banner, coro, name)

    # ----- filters and rows ---------------------------------------------------------------------
    def _set_filter(self, key: str, value: Any) -> None:
        if self.detail is None:
            return
        self.model.set_filter(key, value)
        f = self.model.query.filters
        self.table.set_filtered(any(f.get(k) for k in ("search", "status", "stage", "has_notes")))

    def set_status_filter(self, status: ApplicationStatus | None) -> None:
        index = self.status_filter.findData(None if status is None else status.value)
        self.status_filter.setCurrentIndex(max(0, index))
        self._set_filter("status", self.status_filter.currentData())

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_profile(row)
            self.openCandidate.emit(row.candidate_id)  # the main window raises that window

    def open_profile(self, row: CandidateRow) -> Any:
        """The candidate's profile, walking this tab's rows in its current filtered order."""
        name = self.detail.name if self.detail is not None else ""
        navigator = TabNavigator(self.service, lambda: self.model.query, self._follow,
                                 label=self.tr("In “{name}”").format(name=name))
        return self.ctx.windows.candidate_profile(self.ctx, row.candidate_id, self.window(),
                                                  navigator=navigator, application_id=row.id)

    def _follow(self, application_id: int) -> None:
        """Keep the table's current row on the profile's candidate (when it is loaded)."""
        i = self.model.index_of_key(application_id)
        if i >= 0 and isValid(self):
            index = self.model.index(i, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(index)

    # ----- changes from anywhere (this tab's actions, sync, other windows) ---------------------
    def _candidates_changed(self, ids: tuple[int, ...]) -> None:
        """A person changed (a note, their details): repaint their loaded rows."""
        if self.detail is None:
            return
        if not ids or self.model.query.filters.get("has_notes"):
            self._applications_changed(())  # a first note may bring a row into "Has notes"
            return
        wanted = set(ids)
        rows = tuple(r.id for r in self.model.rows() if r.candidate_id in wanted)
        if rows:
            self._applications_changed(rows)
        else:
            self._refresh_counts()

    def _applications_changed(self, ids: tuple[int, ...]) -> None:
        if self.detail is None:
            return
        if not ids or self._changed_ids is None:
            self._changed_ids = None
        else:
            self._changed_ids.update(ids)
        self._changed_timer.start()

    def _apply_changes(self) -> None:
        """Repaint changed rows, drop those that left the filter, and reload when one joined
        it (an invitation, an Undo that brings a row back): rows, not only the counts."""
        changed, self._changed_ids = self._changed_ids, set()
        loaded = {r.id for r in self.model.rows()}
        hit = loaded if changed is None else loaded & changed
        if changed is None or len(hit) > RELOAD_ABOVE or len(changed) > ASK_ABOVE:
            self.model.reload()  # many rows: one fresh first page beats thousands of repaints
        elif changed:
            self._run(self._refresh_rows(tuple(changed)), "interviewers.detail.rows")
        self._refresh_counts()

    async def _refresh_rows(self, ids: tuple[int, ...]) -> None:
        """``ids``: changed applications, of any interviewer (the query keeps this one's)."""
        query = self.model.query
        fresh = await self.service.candidates_rows(query, ids)
        if not isValid(self) or query != self.model.query:
            return
        if any(self.model.index_of_key(r.id) < 0 for r in fresh):
            self.model.reload()  # a row joined this view: its place is the database's to say
            return
        self.model.replace_rows(fresh)
        kept = {r.id for r in fresh}
        self.model.remove_keys([i for i in ids if i not in kept])  # filtered out now

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _layout_key(self) -> str:
        return f"{KEY}/table-{len(self.model.stages)}-stages"

    def save_layout(self, settings: QSettings | None = None) -> None:
        target = settings or self._settings
        if target is not None and self.detail is not None:
            self.table.save_layout(target, self._layout_key())


def overview_html(d: InterviewerDetail) -> str:
    """The read-only summary: workflow with questions, then settings."""
    e = html.escape
    tr = fmt.tr
    parts = [f"<h3>{e(tr('Workflow'))}</h3>"]
    if not d.stages:
        parts.append(f"<p>{e(tr('No stages yet.'))}</p>")
    for n, stage in enumerate(d.stages, 1):
        parts.append(f"<p><b>{n}. {e(stage.name)}</b> "
                     f"<span style='color:#6b7280'>({e(fmt.stage_kind_text(stage.kind))})</span>"
                     + (f" — {e(tr('minimum score'))} {stage.min_score}"
                        if stage.min_score is not None else "") + "</p>")
        if stage.questions:
            items = []
            for q in stage.questions:
                notes = []
                if q.kind == QuestionKind.SCORED:
                    notes.append(tr("scored, weight {w:g}").format(w=q.weight))
                else:
                    notes.append(tr("pass/fail"))
                if q.dealbreaker:
                    notes.append(tr("dealbreaker"))
                items.append(f"<li>{e(q.prompt)} <span style='color:#6b7280'>"
                             f"({e(', '.join(notes))})</span></li>")
            parts.append("<ul>" + "".join(items) + "</ul>")
        else:
            parts.append(f"<p style='color:#6b7280'>{e(tr('No questions.'))}</p>")
    budget = tr("No budget")
    if d.budget_kind != BudgetKind.NONE and d.budget_cents is not None:
        money = fmt.money_text(d.budget_cents)
        budget = (tr("{m} per day") if d.budget_kind == BudgetKind.DAILY
                  else tr("{m} in total")).format(m=money)
    rows = [
        (tr("Position"), d.position_title),
        (tr("Deadline"), fmt.local_date_text(d.deadline) if d.deadline else tr("No deadline")),
        (tr("Days to complete"), str(d.days_to_complete)),
        (tr("Retakes"), str(d.retakes)),
        (tr("Language"), d.language),
        (tr("Budget"), budget),
        (tr("ATS"), d.ats_provider.title() if d.ats_provider else "—"),
        (tr("Labels"), ", ".join(x.name for x in d.labels) or "—"),
        (tr("Subscribers"), ", ".join(d.subscribers) or "—"),
    ]
    parts.append(f"<h3>{e(tr('Settings'))}</h3><table cellpadding='3'>")
    parts += [f"<tr><td style='color:#6b7280'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    return "".join(parts)
