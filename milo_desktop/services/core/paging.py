"""Keyset paging: the contract between services that list rows and the table models that show them.

A table asks for ``PageQuery`` (sort key, direction, filters); the service answers a ``Page`` of
frozen rows plus an opaque ``next_cursor`` (the sort values and id of the last row). The next
page is fetched with ``WHERE (sort_value, id) > cursor`` on an index: constant time however
deep the user scrolls, unlike OFFSET.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_

R = TypeVar("R")

Cursor = tuple[Any, ...]


@dataclass(frozen=True)
class PageQuery:
    sort: str
    descending: bool = False
    filters: Mapping[str, Any] = field(default_factory=dict)
    limit: int = 200

    def with_(self, **changes: Any) -> PageQuery:
        changes.setdefault("filters", dict(self.filters))
        return replace(self, **changes)


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: tuple[R, ...]
    next_cursor: Cursor | None  # None: this was the last page


def keyset_after(
    columns: Sequence[SQLColumnExpression[Any]], cursor: Cursor, *, descending: bool
) -> ColumnElement[bool]:
    """``(c1, c2, …) > cursor`` (or ``<``) spelled portably, so both SQLite and PostgreSQL
    can use a composite index for it."""
    clauses = []
    for i, col in enumerate(columns):
        equal_prefix = [columns[j] == cursor[j] for j in range(i)]
        step = col < cursor[i] if descending else col > cursor[i]
        clauses.append(and_(*equal_prefix, step))
    return or_(*clauses)


def page_from(rows: Sequence[R], limit: int, cursor_of: Any) -> Page[R]:
    """Build a Page from ``limit + 1`` fetched rows: the extra one only tells there is more."""
    more = len(rows) > limit
    kept = tuple(rows[:limit])
    return Page(kept, cursor_of(kept[-1]) if more and kept else None)
