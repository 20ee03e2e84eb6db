"""The base of every big table: a QAbstractTableModel fed page by page from a service.

Sorting, filtering and paging happen in SQL (keyset paging); this model only holds the rows
fetched so far. ``fetchMore`` schedules one async page load behind an in-flight guard, and a
generation counter drops answers to queries the user has since replaced (typing fast in a
search box must never show stale rows).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from shiboken6 import isValid

from milo_desktop.services.core.paging import Cursor, Page, PageQuery

log = logging.getLogger(__name__)


class KeyedRow(Protocol):
    """A row a paged table shows: a frozen dataclass with its id."""

    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=KeyedRow)

ObjectRole = Qt.ItemDataRole.UserRole + 1  # the row's frozen dataclass
SortValueRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[PageQuery, Cursor | None], Awaitable[Page[Any]]]
Spawn = Callable[[Coroutine[Any, Any, Any], str], Any]


class LoadState(Enum):
    IDLE = "idle"  # nothing asked yet
    LOADING = "loading"  # first page on its way
    READY = "ready"
    EMPTY = "empty"  # the query matched nothing
    ERROR = "error"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int = 120
    sort: str | None = None  # the service's sort key; None: not sortable
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    hideable: bool = True


class PagedTableModel(QAbstractTableModel, Generic[R]):
    stateChanged = Signal(object)  # LoadState
    firstPageLoaded = Signal()
    loadFailed = Signal(str)

    COLUMNS: Sequence[Column] = ()

    def __init__(self, fetch: Fetch, spawn: Spawn, query: PageQuery, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._spawn = spawn
        self._query = query
        self._rows: list[R] = []
        self._cursor: Cursor | None = None
        self._has_more = False
        self._loading = False
        self._generation = 0
        self.state = LoadState.IDLE

    # ----- what subclasses provide --------------------------------------------------------
    def display(self, row: R, column: Column) -> Any:
        return getattr(row, column.key, "")

    def decoration(self, row: R, column: Column) -> Any:
        return None

    def tooltip(self, row: R, column: Column) -> Any:
        return None

    def foreground(self, row: R, column: Column) -> Any:
        return None

    def row_key(self, row: R) -> Any:
        return row.id

    # ----- query ----------------------------------------------------------------------------
    @property
    def query(self) -> PageQuery:
        return self._query

    def set_query(self, query: PageQuery) -> None:
        """Replace the query and load its first page (previous answers are ignored)."""
        self._query = query
        self.reload()

    def set_filter(self, key: str, value: Any) -> None:
        filters = dict(self._query.filters)
        if value in (None, "", (), []):
            filters.pop(key, None)
        else:
            filters[key] = value
        if filters != dict(self._query.filters):
            self.set_query(self._query.with_(filters=filters))

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._has_more = False
        self._loading = False
        self.endResetModel()
        self._set_state(LoadState.LOADING)
        self._start_load(first=True)

    def _set_state(self, state: LoadState) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)

    def _start_load(self, *, first: bool) -> None:
        self._loading = True
        generation = self._generation
        self._spawn(self._load(generation, first), f"{type(self).__name__}.page")

    async def _load(self, generation: int, first: bool) -> None:
        try:
            page = await self._fetch(self._query, None if first else self._cursor)
        except Exception as exc:
            if not isValid(self):
                return  # the view went away while the page was loading
            if generation == self._generation:
                self._loading = False
                self._set_state(LoadState.ERROR)
                self.loadFailed.emit(str(exc))
            raise
        if not isValid(self) or generation != self._generation:
            return  # the model is gone, or the query changed while this page was in flight
        self._loading = False
        if page.rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._cursor = page.next_cursor
        self._has_more = page.next_cursor is not None
        if first:
            self._set_state(LoadState.READY if self._rows else LoadState.EMPTY)
            self.firstPageLoaded.emit()

    # ----- rows -----------------------------------------------------------------------------
    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def index_of_key(self, key: Any) -> int:
        for i, row in enumerate(self._rows):
            if self.row_key(row) == key:
                return i
        return -1

    def replace_rows(self, fresh: Sequence[R]) -> None:
        """Swap in refreshed rows (same keys) and repaint just those rows."""
        by_key = {self.row_key(r): r for r in fresh}
        for i, row in enumerate(self._rows):
            new = by_key.get(self.row_key(row))
            if new is not None:
                self._rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def remove_keys(self, keys: Sequence[Any]) -> None:
        wanted = set(keys)
        for i in range(len(self._rows) - 1, -1, -1):
            if self.row_key(self._rows[i]) in wanted:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        if not self._rows and not self._has_more:
            self._set_state(LoadState.EMPTY)

    # ----- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._start_load(first=False)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == ObjectRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header clicks re-sort in SQL; columns without a sort key are ignored."""
        if not 0 <= column < len(self.COLUMNS) or self.COLUMNS[column].sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = self.COLUMNS[column].sort
        if key != self._query.sort or descending != self._query.descending:
            self.set_query(self._query.with_(sort=key, descending=descending))
