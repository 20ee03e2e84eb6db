"""An interviewer's Candidates tab: one row per application, one column per stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt

from milo_desktop.enums import ApplicationStatus, InterviewerStatus, StageStatus
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.interviewers import CandidateRow, StageDetail
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP, score_text
from milo_desktop.views.widgets.paged_model import Column, Fetch, PagedTableModel, Spawn

M = "InterviewerCandidatesModel"
CENTER = Qt.AlignmentFlag.AlignCenter
STAGE_PREFIX = "stage:"


def candidates_query(interviewer_id: int) -> PageQuery:
    return PageQuery("recent", True, {"interviewer_id": interviewer_id}, limit=100)


class InterviewerCandidatesModel(PagedTableModel[CandidateRow]):
    """Columns depend on the interviewer's workflow, so ``COLUMNS`` is set per instance."""

    def __init__(self, fetch: Fetch, spawn: Spawn, parent: Any = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.stages: tuple[StageDetail, ...] = ()
        self.COLUMNS = self._columns(())
        super().__init__(fetch, spawn, candidates_query(0), parent)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @staticmethod
    def _columns(stages: tuple[StageDetail, ...]) -> tuple[Column, ...]:
        return (
            Column("profile", QT_TRANSLATE_NOOP(M, "Profile"), 280, sort="name",
                   hideable=False),
            *(Column(f"{STAGE_PREFIX}{i}", st.name or fmt.stage_kind_text(st.kind), 150)
              for i, st in enumerate(stages)),
            Column("status", QT_TRANSLATE_NOOP(M, "Status"), 110),
            Column("score", QT_TRANSLATE_NOOP(M, "Score"), 70, sort="score", align=CENTER),
            Column("last_engaged", QT_TRANSLATE_NOOP(M, "Last engaged"), 120,
                   sort="last_engaged"),
            Column("invited", QT_TRANSLATE_NOOP(M, "Invited"), 110, sort="recent"),
        )

    def set_interviewer(self, interviewer_id: int, stages: tuple[StageDetail, ...]) -> None:
        """Show another interviewer: its stage columns, default sort, no filters; loads."""
        self.beginResetModel()
        self.stages = stages
        self.COLUMNS = self._columns(stages)
        self.endResetModel()
        self.set_query(candidates_query(interviewer_id))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().headerData(section, orientation, role)
        if (role == Qt.ItemDataRole.DisplayRole and isinstance(value, str)
                and not self.COLUMNS[section].key.startswith(STAGE_PREFIX)):
            return QCoreApplication.translate(M, value)
        return value

    def row_key(self, row: CandidateRow) -> Any:
        return row.id

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.COLUMNS) if c.key == key)

    @staticmethod
    def _stage(row: CandidateRow, column: Column) -> tuple[bool, Any]:
        if not column.key.startswith(STAGE_PREFIX):
            return False, None
        i = int(column.key[len(STAGE_PREFIX):])
        return True, row.stages[i] if i < len(row.stages) else None

    def display(self, row: CandidateRow, column: Column) -> Any:
        is_stage, cell = self._stage(row, column)
        if is_stage:
            if row.status == ApplicationStatus.KNOCKED_OUT and (
                    cell is None or cell.status == StageStatus.NOT_STARTED):
                return "—"  # knocked out earlier: this stage will never happen
            if cell is None:
                return fmt.stage_cell_text(None, None, 0, 0)
            return fmt.stage_cell_text(cell.status, cell.score, cell.structured_passed,
                                       cell.structured_total)
        key = column.key
        if key == "profile":
            return row.name
        if key == "status":
            return fmt.application_status_text(row.status)
        if key == "score":
            # Written as everywhere else (the profile, Recent completions): 43.8, not 44.
            return "—" if row.score is None else score_text(row.score)
        if key == "last_engaged":
            return fmt.ago_text(row.last_engaged_at, self.clock())
        if key == "invited":
            return fmt.local_date_text(row.created_at)
        return ""

    def foreground(self, row: CandidateRow, column: Column) -> Any:
        is_stage, cell = self._stage(row, column)
        if is_stage:
            if cell is not None and cell.status == StageStatus.KNOCKED_OUT:
                return fmt.DANGER_COLOR
            if cell is None or cell.status != StageStatus.COMPLETED:
                return fmt.MUTED_COLOR
            return None
        if column.key == "status" and row.status == ApplicationStatus.KNOCKED_OUT:
            return fmt.DANGER_COLOR
        if column.key == "status" and row.status == ApplicationStatus.SHORTLISTED:
            return fmt.STATUS_COLORS[InterviewerStatus.ACTIVE]
        return None

    def tooltip(self, row: CandidateRow, column: Column) -> Any:
        is_stage, cell = self._stage(row, column)
        if is_stage and cell is not None:
            text = fmt.stage_status_text(cell.status).capitalize()
            if cell.structured_total:
                text += "\n" + fmt.tr("{p} of {t} structured questions passed").format(
                    p=cell.structured_passed, t=cell.structured_total)
            return text
        if column.key == "profile":
            return "\n".join(x for x in (row.name, row.email, row.location) if x)
        return None
