"""The pipeline table's model: newest calls first, paged from ``PipelineService.page``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from milo_desktop.services.candidates import format_phone
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.pipeline import SORT_STARTED, CallRow
from milo_desktop.views import theme
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP, local_datetime
from milo_desktop.views.widgets.paged_model import (
    Column,
    Fetch,
    LoadState,
    PagedTableModel,
    Spawn,
)

M = "PipelineModel"
DEFAULT_QUERY = PageQuery(SORT_STARTED, True, {"tab": "all"}, limit=100)


class PipelineModel(PagedTableModel[CallRow]):
    """Caller (+ receptionist), Phone, Email, Status (+ review), Date, Call info, Actions.

    Not sortable by header: the pipeline is always newest first."""

    COLUMNS = (
        Column("caller", QT_TRANSLATE_NOOP(M, "Caller"), 225, hideable=False),
        Column("phone", QT_TRANSLATE_NOOP(M, "Phone"), 205),  # a short raw text + "unverified" fits
        Column("email", QT_TRANSLATE_NOOP(M, "Email"), 220),
        Column("status", QT_TRANSLATE_NOOP(M, "Status"), 190),
        Column("date", QT_TRANSLATE_NOOP(M, "Date"), 170),
        Column("info", QT_TRANSLATE_NOOP(M, "Call info"), 235),
        Column("actions", "", 140, hideable=False),
    )

    def __init__(self, fetch: Fetch, spawn: Spawn, query: PageQuery = DEFAULT_QUERY,
                 parent: Any = None) -> None:
        super().__init__(fetch, spawn, query, parent)

    @classmethod
    def column_index(cls, key: str) -> int:
        return next(i for i, c in enumerate(cls.COLUMNS) if c.key == key)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and isinstance(value, str) and value:
            return QCoreApplication.translate(M, value)
        return value

    def display(self, row: CallRow, column: Column) -> Any:
        key = column.key
        if key == "caller":
            return caller_title(row)
        if key == "phone":
            return fmt.phone_cell_text(row.phone_display, row.number_unverified)
        if key == "email":
            return row.email or ""
        if key == "status":
            return fmt.status_text(row.status)
        if key == "date":
            return local_datetime(row.started_at)
        if key == "info":
            return fmt.call_info_text(row.duration_s, row.evaluations, row.has_recording)
        if key == "actions":
            return QCoreApplication.translate(M, "View details")
        return ""

    def tooltip(self, row: CallRow, column: Column) -> Any:
        key = column.key
        if key == "caller":
            lines = [caller_title(row), row.receptionist_name]
            if row.location:
                lines.append(row.location)
            return "\n".join(lines)
        if key == "status":
            text = f"{fmt.status_text(row.status)} · {fmt.review_text(row.review)}"
            if row.score is not None:
                text += "\n" + QCoreApplication.translate(M, "Score {score}").format(
                    score=fmt.score_text(row.score))
            return text
        if key == "email":
            return row.email or QCoreApplication.translate(M, "The caller gave no email")
        if key in ("date", "info"):  # whole, where a narrow column elides it
            return self.display(row, column)
        if key == "phone" and row.number_unverified:
            return fmt.unverified_tooltip(format_phone(row.dial_number) or None)
        return None

    def foreground(self, row: CallRow, column: Column) -> Any:
        if column.key == "status":
            return fmt.status_color(row.status)
        return None

    def data(self, index: QModelIndex | Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and row.unread and self.COLUMNS[index.column()].key == "caller":
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)

    # ----- live rows ---------------------------------------------------------------------------
    def insert_sorted(self, rows: Sequence[CallRow]) -> list[CallRow]:
        """Put new calls in their newest-first place when it is inside what is loaded (or
        above it); calls older than the last loaded row are left for paging to find.
        Returns the rows inserted."""
        inserted = []
        loaded = self._rows
        present = {r.id for r in loaded}  # one pass, not a scan per new call
        for row in sorted(rows, key=lambda r: (r.started_at, r.id), reverse=True):
            if row.id in present:
                continue
            key = (row.started_at, row.id)
            # Loaded rows are newest first: binary-search the first one older than this call.
            lo, hi = 0, len(loaded)
            while lo < hi:
                mid = (lo + hi) // 2
                if (loaded[mid].started_at, loaded[mid].id) < key:
                    hi = mid
                else:
                    lo = mid + 1
            at = lo
            if at == len(loaded) and self._has_more:
                continue  # belongs below the loaded rows: paging will bring it
            self.beginInsertRows(QModelIndex(), at, at)
            loaded.insert(at, row)
            self.endInsertRows()
            present.add(row.id)
            inserted.append(row)
        if inserted and self.state == LoadState.EMPTY:
            self._set_state(LoadState.READY)
        return inserted


def caller_title(row: CallRow) -> str:
    return row.caller_name or fmt.tr("Unknown caller")


def unread_color() -> QColor:
    return QColor(theme.current().accent)
