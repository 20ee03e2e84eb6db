"""The Candidate Directory's table model: rows paged from CandidateService.page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from milo_desktop.services.candidates import SORT_JOINED, SORT_NAME, CandidateRow
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.views.candidates.format import (
    SOURCE_LABELS,
    count_text,
    label,
    local_date,
    local_datetime,
)
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP
from milo_desktop.views.widgets.paged_model import Column, Fetch, PagedTableModel, Spawn

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# Sort choices in the recruiter's words: (label, service sort key, descending).
SORT_CHOICES: tuple[tuple[str, str, bool], ...] = (
    (QT_TRANSLATE_NOOP("DirectoryModel", "Most recent"), SORT_JOINED, True),
    (QT_TRANSLATE_NOOP("DirectoryModel", "Least recent"), SORT_JOINED, False),
    (QT_TRANSLATE_NOOP("DirectoryModel", "Name A–Z"), SORT_NAME, False),
    (QT_TRANSLATE_NOOP("DirectoryModel", "Name Z–A"), SORT_NAME, True),
)

DEFAULT_QUERY = PageQuery(sort=SORT_JOINED, descending=True, limit=200)


def _tr(text: str) -> str:
    return QCoreApplication.translate("DirectoryModel", text)


class DirectoryModel(PagedTableModel[CandidateRow]):
    """Name, Email, Phone, Location, Source, Joined (local date), Interviews."""

    COLUMNS = (
        Column(
            "name", QT_TRANSLATE_NOOP("DirectoryModel", "Name"), 240, sort=SORT_NAME, hideable=False
        ),
        Column("email", QT_TRANSLATE_NOOP("DirectoryModel", "Email"), 260),
        Column("phone", QT_TRANSLATE_NOOP("DirectoryModel", "Phone"), 150),
        Column("location", QT_TRANSLATE_NOOP("DirectoryModel", "Location"), 170),
        Column("source", QT_TRANSLATE_NOOP("DirectoryModel", "Source"), 100),
        Column("joined", QT_TRANSLATE_NOOP("DirectoryModel", "Joined"), 120, sort=SORT_JOINED),
        Column("interviews", QT_TRANSLATE_NOOP("DirectoryModel", "Interviews"), 100, align=_RIGHT),
        # The row's action (Invite comes with outreach); also double-click, Enter, context menu.
        Column("actions", "", 120, hideable=False),
    )
    HIDDEN_BY_DEFAULT = frozenset({"phone"})

    def __init__(
        self, fetch: Fetch, spawn: Spawn, query: PageQuery = DEFAULT_QUERY, parent: Any = None
    ) -> None:
        super().__init__(fetch, spawn, query, parent)

    @classmethod
    def column_index(cls, key: str) -> int:
        return next(i for i, c in enumerate(cls.COLUMNS) if c.key == key)

    @classmethod
    def sort_column(cls, sort: str) -> int:
        return next(i for i, c in enumerate(cls.COLUMNS) if c.sort == sort)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        value = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and isinstance(value, str) and value:
            return _tr(value)
        return value

    def display(self, row: CandidateRow, column: Column) -> Any:
        key = column.key
        if key == "name":
            return row.full_name
        if key == "email":
            return row.email or ""
        if key == "phone":
            return row.phone_display
        if key == "location":
            return row.location or ""
        if key == "source":
            return label(SOURCE_LABELS, row.source)
        if key == "joined":
            return local_date(row.joined)
        if key == "interviews":
            return count_text(row.interviews)
        if key == "actions":
            return _tr("View details")
        return ""

    def tooltip(self, row: CandidateRow, column: Column) -> Any:
        if column.key == "name":
            # Long names are elided in the cell; the tooltip always has all of it.
            return row.full_name if not row.email else f"{row.full_name}\n{row.email}"
        if column.key == "joined":
            return local_datetime(row.joined)
        if column.key == "interviews":
            return _tr("Not invited to any interviewer yet") if row.interviews == 0 else None
        return None

    def foreground(self, row: CandidateRow, column: Column) -> Any:
        if column.key == "interviews" and row.interviews == 0:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if column.key == "actions":
            return QGuiApplication.palette().color(QPalette.ColorRole.Link)
        return None
