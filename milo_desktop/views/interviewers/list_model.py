"""The Interviewers table's model: one PagedTableModel over ``InterviewerService.page``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt

from milo_desktop.enums import InterviewerStatus
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.interviewers import InterviewerRow
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP
from milo_desktop.views.widgets.paged_model import Column, Fetch, PagedTableModel, Spawn

M = "InterviewersModel"  # translation context of the titles below
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

# Presets of the sort combo: (title, service sort key, descending).
SORT_PRESETS: tuple[tuple[str, str, bool], ...] = (
    (QT_TRANSLATE_NOOP(M, "Most recent"), "recent", True),
    (QT_TRANSLATE_NOOP(M, "Oldest first"), "recent", False),
    (QT_TRANSLATE_NOOP(M, "Most candidates"), "candidates", True),
    (QT_TRANSLATE_NOOP(M, "Fewest candidates"), "candidates", False),
    (QT_TRANSLATE_NOOP(M, "Deadline (soonest)"), "deadline", False),
    (QT_TRANSLATE_NOOP(M, "Deadline (latest)"), "deadline", True),
    (QT_TRANSLATE_NOOP(M, "Name A–Z"), "name", False),
    (QT_TRANSLATE_NOOP(M, "Name Z–A"), "name", True),
)
DEFAULT_QUERY = PageQuery("recent", True, {"tab": "active"}, limit=100)
AtsLine = Callable[[str, dt.datetime | None], tuple[str, bool]]


def tab_of(status: InterviewerStatus) -> str:
    """Which tab a row with this (effective) status belongs to."""
    if status in (InterviewerStatus.DRAFT, InterviewerStatus.ACTIVE):
        return "active"
    return status.value


def csat_tooltip(row: InterviewerRow) -> str:
    """"4.3 from 27 ratings" (the CSAT cell's hover), or where ratings come from."""
    if row.csat is None or not row.csat_count:
        return fmt.tr("No ratings yet. Candidates can rate their screening from 1 to 5 at its "
                      "end; skipped ratings don't count.")
    if row.csat_count == 1:
        return fmt.tr("{mean} from 1 rating").format(mean=f"{row.csat:.1f}")
    return fmt.tr("{mean} from {n} ratings").format(mean=f"{row.csat:.1f}",
                                                     n=f"{row.csat_count:,}")


class InterviewersModel(PagedTableModel[InterviewerRow]):
    COLUMNS = (
        Column("name", QT_TRANSLATE_NOOP(M, "Interviewer"), 250, sort="name", hideable=False),
        Column("workflow", QT_TRANSLATE_NOOP(M, "Workflow"), 130),
        Column("stats", QT_TRANSLATE_NOOP(M, "Stats"), 85, sort="candidates", align=RIGHT),
        Column("ats", QT_TRANSLATE_NOOP(M, "ATS"), 160),
        Column("csat", QT_TRANSLATE_NOOP(M, "CSAT"), 50, align=CENTER),
        Column("spend", QT_TRANSLATE_NOOP(M, "Spend"), 118, align=RIGHT),
        Column("labels", QT_TRANSLATE_NOOP(M, "Labels"), 140),
        Column("subs", QT_TRANSLATE_NOOP(M, "Subs"), 52, align=CENTER),
        Column("deadline", QT_TRANSLATE_NOOP(M, "Deadline"), 95, sort="deadline"),
        Column("created", QT_TRANSLATE_NOOP(M, "Created"), 95, sort="recent"),
        Column("active_for", QT_TRANSLATE_NOOP(M, "Active for"), 80),
    )

    def __init__(self, fetch: Fetch, spawn: Spawn, query: PageQuery = DEFAULT_QUERY,
                 parent: Any = None, clock: Callable[[], dt.datetime] | None = None,
                 ats_line: AtsLine | None = None) -> None:
        super().__init__(fetch, spawn, query, parent)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        # (service, last seen) → ("Greenhouse · synced 2 min ago" or the problem, is a
        # problem): AtsService.line, from the row and the sync state, no query per row.
        self.ats_line = ats_line

    def repaint_column(self, key: str) -> None:
        """Redraw one column of the loaded rows (the ATS column after a sync round)."""
        if self.rowCount():
            column = self.column_index(key)
            self.dataChanged.emit(self.index(0, column),
                                  self.index(self.rowCount() - 1, column))

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.COLUMNS) if c.key == key)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and isinstance(value, str):
            return QCoreApplication.translate(M, value)
        return value

    def display(self, row: InterviewerRow, column: Column) -> Any:
        now = self.clock()
        key = column.key
        if key == "name":
            return row.name
        if key == "workflow":
            return fmt.workflow_text(row.workflow)
        if key == "stats":
            if row.completion is None:
                return str(row.candidates)
            return f"{row.candidates:,} • {row.completion:.0f}%"
        if key == "ats":
            if row.ats_provider is None:
                return "—"
            if self.ats_line is not None:
                return self.ats_line(row.ats_provider, row.ats_synced_at)[0]
            name = row.ats_provider.replace("_", " ").title()
            return f"{name} ✓" if row.ats_synced else fmt.tr("{name} · not synced").format(
                name=name)
        if key == "csat":
            return "—" if row.csat is None else f"{row.csat:.1f}"
        if key == "spend":
            return fmt.spend_text(row.spend_micros, row.spend_today_micros, row.budget_kind,
                                  row.budget_cents, row.currency)
        if key == "labels":
            return ", ".join(label.name for label in row.labels)
        if key == "subs":
            return str(row.subscribers) if row.subscribers else "—"
        if key == "deadline":
            return fmt.deadline_text(row.deadline, now)
        if key == "created":
            return fmt.local_date_text(row.created_at)
        if key == "active_for":
            return fmt.active_for_text(row.status, row.activated_at, row.deadline, now)
        return ""

    def foreground(self, row: InterviewerRow, column: Column) -> Any:
        now = self.clock()
        if column.key == "deadline":
            if fmt.deadline_is_near(row.deadline, now):
                return fmt.WARNING_COLOR
            if row.deadline is None or row.deadline < now:
                return fmt.MUTED_COLOR
        if (column.key == "ats" and row.ats_provider is not None and self.ats_line is not None
                and self.ats_line(row.ats_provider, row.ats_synced_at)[1]):
            return fmt.DANGER_COLOR
        if column.key == "spend" and fmt.over_budget(
                row.spend_micros, row.spend_today_micros, row.budget_kind, row.budget_cents):
            return fmt.DANGER_COLOR
        if column.key in ("ats", "csat", "subs", "active_for") and self.display(row, column) == "—":
            return fmt.MUTED_COLOR
        return None

    def tooltip(self, row: InterviewerRow, column: Column) -> Any:
        key = column.key
        if key == "name":
            return f"{row.name}\n{row.slug} · {fmt.interviewer_status_text(row.status)}"
        if key == "workflow":
            return fmt.workflow_text(row.workflow)
        if key == "stats":
            return fmt.tr("{n} candidates in total; {s} started, {c} of them completed every "
                          "stage (completion rate)").format(
                n=row.candidates, s=row.started, c=row.completed)
        if key == "spend":
            total = fmt.money_text(fmt.micros_to_cents(row.spend_micros), row.currency)
            today = fmt.money_text(fmt.micros_to_cents(row.spend_today_micros), row.currency)
            text = fmt.tr("Spent {total} in total, {today} today.").format(
                total=total, today=today)
            return text + "\n" + fmt.tr("Double-click or press F2 to change the budget.")
        if key == "csat":
            return csat_tooltip(row)
        if key == "ats" and row.ats_provider is not None and self.ats_line is not None:
            text, problem = self.ats_line(row.ats_provider, row.ats_synced_at)
            when = (fmt.tr("The linked job was last synced {when}.").format(
                when=fmt.local_date_text(row.ats_synced_at)) if row.ats_synced_at else "")
            advice = (fmt.tr("Open From ATS (Source Candidates) to fix the connection.")
                      if problem else fmt.tr("Its Integrations tab has the link's settings."))
            return "\n".join(p for p in (text, when, advice) if p)
        if key == "ats" and row.ats_synced_at is not None:
            return fmt.tr("Last synced {when}").format(
                when=fmt.local_date_text(row.ats_synced_at))
        if key == "deadline" and row.deadline is not None:
            return fmt.local_date_text(row.deadline)
        return None
