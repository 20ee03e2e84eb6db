"""The jobs list of From ATS: one row per ATS job, whom it is linked to and who waits.

Jobs are few (hundreds at most; the service caps the read at 2,000), so they arrive whole.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from milo_desktop.services.ats.views import AtsJobRow
from milo_desktop.views import theme
from milo_desktop.views.widgets.ats_link import status_text
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP, count_text
from milo_desktop.views.widgets.rows_model import RowsTableModel

M = "AtsJobsModel"
COLUMNS = (("ats", QT_TRANSLATE_NOOP(M, "ATS"), 110),
           ("title", QT_TRANSLATE_NOOP(M, "Job"), 330),
           ("status", QT_TRANSLATE_NOOP(M, "Status"), 80),
           ("location", QT_TRANSLATE_NOOP(M, "Location"), 150),
           ("people", QT_TRANSLATE_NOOP(M, "People"), 70),
           ("interviewer", QT_TRANSLATE_NOOP(M, "Interviewer"), 210),
           ("waiting", QT_TRANSLATE_NOOP(M, "Waiting to invite"), 145))


class AtsJobsModel(RowsTableModel[AtsJobRow]):
    COLUMNS = COLUMNS
    RIGHT_ALIGNED = frozenset({"people", "waiting"})

    def cell(self, row: AtsJobRow, key: str) -> str:
        if key == "ats":
            return row.service_title
        if key == "title":
            return row.title or self.tr("(untitled job)")
        if key == "status":
            return status_text(row.status)
        if key == "location":
            return row.location or "—"
        if key == "people":
            return count_text(row.candidates)
        if key == "interviewer":
            return row.interviewer_name or self.tr("Not linked")
        if key == "waiting":
            return count_text(row.waiting) if row.interviewer_id is not None else "—"
        return ""

    def tooltip(self, row: AtsJobRow, key: str) -> str | None:
        if key == "title":
            stages = " → ".join(name for _id, name in row.stages) or self.tr("no stages")
            return self.tr("{title}\n{ats} job {id}\nStages: {stages}").format(
                title=row.title, ats=row.service_title, id=row.external_id, stages=stages)
        if key == "interviewer":
            if row.interviewer_id is None:
                return self.tr("Link this job to an interviewer to screen its candidates.")
            return self.tr("New candidates are invited automatically.") if row.auto_invite \
                else self.tr("New candidates wait until you invite them.")
        if key == "waiting" and row.interviewer_id is not None:
            return self.tr("People who applied to this job and are not invited yet.")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self.row_at(index.row())
            key = self.COLUMNS[index.column()][0]
            if row is not None and self.cell(row, key) in ("—", self.tr("Not linked")):
                return QColor(theme.current().muted)
            return None
        return super().data(index, role)
