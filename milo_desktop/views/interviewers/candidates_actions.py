"""The Candidates tab's action bar: what is selected ("3 selected", "All 10,000 matching
selected") and the actions on it — Shortlist, Dismiss (with Undo), Nudge, Blast, Send results
to ATS — plus the exports and score reports of ``ExportActions``.

"Select all N matching" never loads the rows: the bar keeps a flag and hands the service a
``ReviewSelection`` without ids, which the service resolves in SQL. Buttons are enabled from
what the selected rows' statuses allow (the status machine of services/applications/status.py);
for "all matching" the service reports whatever it had to leave alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget
from shiboken6 import isValid

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.applications.status import ReviewAction, review_transition
from milo_desktop.services.interviewers import CandidateRow
from milo_desktop.services.review import (
    MAX_REPORT_CANDIDATES,
    ReviewOutcome,
    ReviewSelection,
    UndoToken,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.candidates_export import ExportActions
from milo_desktop.views.interviewers.candidates_feedback import FeedbackBanner, ProgressStrip
from milo_desktop.views.interviewers.candidates_model import InterviewerCandidatesModel
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import count_text

NUDGEABLE = (ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS)


def allowed(status: ApplicationStatus, action: ReviewAction) -> bool:
    if action == ReviewAction.SHORTLIST and status == ApplicationStatus.SHORTLISTED:
        return False
    try:
        review_transition(status, action)
    except ValidationProblem:
        return False
    return True


class ReviewBar(ExportActions, QWidget):
    """The bar above the table; the page refreshes rows and counts from ApplicationsChanged,
    which the review service publishes after every action."""

    def __init__(self, ctx: ViewContext, table: DataTable, model: InterviewerCandidatesModel,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.review = ctx.workspace.review
        self.table = table
        self.model = model
        self.all_matching = False
        self.matching: int | None = None  # size of the filtered set, once counted
        self.busy = False
        self.undo_token: UndoToken | None = None
        self.ats_provider: str | None = None  # the interviewer's linked ATS (page header)
        self.blast_dialog: QWidget | None = None
        self._count_generation = 0
        self.progress = ProgressStrip(parent)
        self.banner = FeedbackBanner(parent)
        self._build()
        table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        # Row changes come in bursts (a page of refreshed rows): one update per burst.
        self._update_timer = QTimer(self, singleShot=True, interval=0)
        self._update_timer.timeout.connect(self.update_actions)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(lambda *_: self._forget_count())
        model.dataChanged.connect(lambda *_: self._update_timer.start())
        self.update_actions()

    def _build(self) -> None:
        self.selection_label = QLabel(self)
        self.selection_label.setProperty("muted", True)
        self.select_all_link = QLabel(self)
        self.select_all_link.linkActivated.connect(self._link)
        self.shortlist_button = QPushButton(self.tr("Shortlist"), self)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.nudge_button = QPushButton(self.tr("Nudge"), self)
        self.nudge_button.setToolTip(self.tr("Remind candidates who have not finished"))
        self.blast_button = QPushButton(self.tr("Blast…"), self)
        self.blast_button.setToolTip(self.tr("Send one email or SMS to every selected candidate"))
        self.export_button = QPushButton(self.tr("Export"), self)
        export_menu = QMenu(self.export_button)
        self.export_csv_action = export_menu.addAction(self.tr("Export CSV…"))
        self.export_json_action = export_menu.addAction(self.tr("Export JSON…"))
        self.export_button.setMenu(export_menu)
        self.report_button = QPushButton(self.tr("Score report…"), self)
        self.report_button.setToolTip(self.tr("A PDF with every answer, score and note"))
        self.send_ats_button = QPushButton(self.tr("Send to ATS"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.selection_label)
        layout.addWidget(self.select_all_link)
        layout.addStretch(1)
        for button in (self.shortlist_button, self.dismiss_button, self.nudge_button,
                       self.blast_button, self.send_ats_button, self.export_button,
                       self.report_button):
            layout.addWidget(button)
        self.shortlist_button.clicked.connect(self.shortlist)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.nudge_button.clicked.connect(self.nudge)
        self.blast_button.clicked.connect(self.blast)
        self.export_csv_action.triggered.connect(lambda: self.export("csv"))
        self.export_json_action.triggered.connect(lambda: self.export("json"))
        self.report_button.clicked.connect(self.report)
        self.send_ats_button.clicked.connect(self.send_results)

    # ----- selection ------------------------------------------------------------------------------
    def selected_rows(self) -> list[CandidateRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.row_at(i) for i in rows) if r is not None]

    def selection(self) -> ReviewSelection | None:
        """What the actions apply to, or None when nothing is selected."""
        if self.all_matching:
            return ReviewSelection.of(self.model.query)
        ids = tuple(r.id for r in self.selected_rows())
        return ReviewSelection.of(self.model.query, ids) if ids else None

    def selected_count(self) -> int:
        if self.all_matching:
            return self.matching or 0
        return len(self.table.selectionModel().selectedRows())

    def select_all_matching(self) -> None:
        """Select the whole filtered set (loaded rows are highlighted; the rest is resolved
        in SQL when an action runs)."""
        self.all_matching = True
        self.table.selectAll()
        self._count()
        self.update_actions()

    def clear_selection(self) -> None:
        self.all_matching = False
        self.table.clearSelection()
        self.update_actions()

    def _link(self, target: str) -> None:
        if target == "all":
            self.select_all_matching()
        else:
            self.clear_selection()

    def _selection_changed(self) -> None:
        loaded = self.model.rowCount()
        selected = len(self.table.selectionModel().selectedRows())
        if self.all_matching and selected < loaded:
            self.all_matching = False  # the user narrowed the selection by hand
        if not self.all_matching and loaded and selected == loaded and self.matching is None:
            self._count()
        self.update_actions()

    def _reset(self) -> None:
        self.all_matching = False
        self._forget_count()

    def _forget_count(self) -> None:
        """The filtered set changed size (rows left it, or the query changed)."""
        self.matching = None
        self._count_generation += 1
        self._update_timer.start()

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self.all_matching:  # rows scrolled into view join the selection they belong to
            top = self.model.index(first, 0)
            bottom = self.model.index(last, self.model.columnCount() - 1)
            self.table.selectionModel().select(
                QItemSelection(top, bottom),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        self._update_timer.start()

    def _count(self) -> None:
        self._count_generation += 1
        generation = self._count_generation
        query = self.model.query

        async def count() -> None:
            n = await self.review.count(ReviewSelection.of(query))
            if isValid(self) and generation == self._count_generation:
                self.matching = n
                self.update_actions()

        self._run(count(), "candidates.count", quiet=True)

    # ----- enabling ---------------------------------------------------------------------------------
    def update_actions(self) -> None:
        rows = [] if self.all_matching else self.selected_rows()
        some = self.all_matching or bool(rows)
        loaded = self.model.rowCount()
        if self.all_matching:
            n = self.matching
            self.selection_label.setText(
                self.tr("All {n} matching candidates selected").format(n=count_text(n))
                if n is not None else self.tr("All matching candidates selected"))
            self.select_all_link.setText(f"<a href='clear'>{self.tr('Clear selection')}</a>")
        elif rows:
            self.selection_label.setText(self.tr("{n} selected").format(n=count_text(len(rows))))
            matching = self.matching or 0
            more = len(rows) == loaded and matching > loaded
            offer = self.tr("Select all {n} matching").format(n=count_text(matching))
            self.select_all_link.setText(f"<a href='all'>{offer}</a>" if more else "")
        else:
            self.selection_label.setText(self.tr("Select candidates to act on them"))
            self.select_all_link.setText("")
        free = not self.busy
        self.shortlist_button.setEnabled(free and (self.all_matching or any(
            allowed(r.status, ReviewAction.SHORTLIST) for r in rows)))
        self.dismiss_button.setEnabled(free and (self.all_matching or any(
            allowed(r.status, ReviewAction.DISMISS) for r in rows)))
        self.nudge_button.setEnabled(free and (
            self.all_matching or any(r.status in NUDGEABLE for r in rows)))
        self.blast_button.setEnabled(free and some)
        ats = self.ats_provider
        self.send_ats_button.setEnabled(free and some and ats is not None)
        self.send_ats_button.setToolTip(
            self.tr("Link this interviewer to an ATS job (Integrations tab) to send results "
                    "back to it") if ats is None
            else self.tr("Send the selected candidates' results to {ats}: a note with the "
                         "scores, and the stage move the link's settings say").format(
                ats=self.ctx.workspace.ats.title(ats)))
        self.export_button.setEnabled(free and loaded > 0)
        self.export_button.setToolTip(
            self.tr("Export the selected candidates") if some
            else self.tr("Export every candidate the filters show"))
        count = self.selected_count()
        self.report_button.setEnabled(free and some and count <= MAX_REPORT_CANDIDATES)
        self.report_button.setToolTip(
            self.tr("A PDF with every answer, score and note") if count <= MAX_REPORT_CANDIDATES
            else self.tr("At most {n} candidates per report").format(n=MAX_REPORT_CANDIDATES))

    def candidates_text(self, n: int) -> str:
        return (self.tr("1 candidate") if n == 1
                else self.tr("{n} candidates").format(n=count_text(n)))

    # ----- decisions ---------------------------------------------------------------------------------
    def shortlist(self) -> None:
        self._decide(ReviewAction.SHORTLIST)

    def dismiss(self) -> None:
        self._decide(ReviewAction.DISMISS)

    def _decide(self, action: ReviewAction) -> None:
        selection = self.selection()
        if selection is None or self.busy:
            return
        run: Callable[..., Awaitable[ReviewOutcome]] = (
            self.review.shortlist if action == ReviewAction.SHORTLIST else self.review.dismiss)
        doing = self.tr("Shortlisting…") if action == ReviewAction.SHORTLIST else self.tr(
            "Dismissing…")

        async def go() -> None:
            self.progress.start(doing)
            outcome = await run(selection, progress=self._progress)
            self._decided(outcome)

        self._run(go(), f"candidates.{action.value}")

    def _decided(self, outcome: ReviewOutcome) -> None:
        if not isValid(self):
            return  # the page went away while the action ran
        who = self.candidates_text(len(outcome.changed))
        done = {
            ReviewAction.SHORTLIST: self.tr("Shortlisted {who}."),
            ReviewAction.DISMISS: self.tr("Dismissed {who}."),
            ReviewAction.UNDO: self.tr("Restored {who}."),
        }[outcome.action].format(who=who)
        left = [self.tr("{n} left as they were: {why}").format(n=count_text(len(ids)), why=why)
                for why, ids in outcome.refused.items()]
        text = " ".join([done, *left])
        self.undo_token = outcome.undo
        if outcome.undo is not None:
            self.banner.say(text, action=self.tr("Undo"), on_action=self.undo)
        else:
            self.banner.say(text, problem=not outcome.changed and bool(outcome.refused))
        if self.all_matching:  # done with "everyone": the highlighted page is no selection
            self.all_matching = False
            self.table.clearSelection()

    def undo(self) -> None:
        token, self.undo_token = self.undo_token, None
        if token is None:
            return

        async def go() -> None:
            self.progress.start(self.tr("Undoing…"))
            self._decided(await self.review.undo(token))

        self._run(go(), "candidates.undo")

    # ----- outreach ----------------------------------------------------------------------------------
    def nudge(self) -> None:
        selection, outreach = self.selection(), self.ctx.workspace.outreach
        if selection is None or self.busy:
            return

        async def go() -> None:
            self.progress.start(self.tr("Nudging…"))
            ids = await self.review.resolve(selection)
            report = await outreach.nudge(ids)
            if isValid(self):
                self.banner.say(self.tr("Nudge: {summary}").format(summary=report.summary()))

        self._run(go(), "candidates.nudge")

    def blast(self) -> None:
        selection = self.selection()
        if selection is None or self.busy:
            return

        async def go() -> None:
            ids = await self.review.resolve(selection)
            if not isValid(self):
                return
            self.blast_dialog = self.ctx.windows.blast(self.ctx, list(ids), self.window())

        self._run(go(), "candidates.blast")

    # ----- the ATS ---------------------------------------------------------------------------------
    def set_ats(self, provider: str | None) -> None:
        """The interviewer's linked ATS (None: not linked; Send to ATS is then disabled)."""
        self.ats_provider = provider
        self.update_actions()

    def send_results(self) -> None:
        selection, ats = self.selection(), self.ctx.workspace.ats
        if selection is None or self.busy or self.ats_provider is None:
            return
        title = ats.title(self.ats_provider)

        async def go() -> None:
            self.progress.start(self.tr("Sending results to {ats}…").format(ats=title))
            ids = await self.review.resolve(selection)
            report = await ats.send_results(ids)
            if isValid(self):
                self.banner.say(self.tr("Send results to {ats}: {summary}.").format(
                    ats=title, summary=report.describe()), problem=not report.queued)

        self._run(go(), "candidates.send_results")

    # ----- running ---------------------------------------------------------------------------------
    def _run(self, coro: Coroutine[Any, Any, Any], name: str, *, quiet: bool = False) -> None:
        """Run an action: one at a time, the bar disabled meanwhile; the environment's
        problems (offline, refused, disk full) become the banner's message."""
        if not quiet:
            self.busy = True
            self.update_actions()

        async def guarded() -> None:
            try:
                await coro
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.banner.say(exc.message, problem=True)
            finally:
                if not quiet and isValid(self):
                    self.busy = False
                    self.progress.finish()
                    self.update_actions()

        self.ctx.spawn(guarded(), name)

