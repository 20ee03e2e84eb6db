"""Directory paging: sorts, filters, keyset pages, counts and fresh rows (see the package
docstring for the indexes the pages use)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session

from milo_desktop.models import Application, Candidate
from milo_desktop.services import search
from milo_desktop.services.candidates.rows import CandidateRow, display_name
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.paging import Cursor, Page, PageQuery, keyset_after, page_from

# Directory sorts: key -> column. ``descending`` flips the direction; the id is the tiebreak.
SORT_JOINED = "joined"
SORT_NAME = "name"
_SORT_COLUMNS: dict[str, Any] = {SORT_JOINED: Candidate.created_at, SORT_NAME: Candidate.name_key}
# Aliases in the recruiter's words, each naming its own direction (``descending`` is ignored):
# "recent" is Joined newest first, "oldest" Joined oldest first.
_SORT_ALIASES: dict[str, tuple[str, bool]] = {
    "recent": (SORT_JOINED, True),
    "oldest": (SORT_JOINED, False),
}


def local_day_start(day: dt.date, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight at the start of ``day`` in ``tz`` (the machine's zone when None), as UTC."""
    midnight = dt.datetime(day.year, day.month, day.day)
    # A naive datetime's astimezone() uses the system zone's rules for that date (DST included).
    local = midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()
    return local.astimezone(dt.UTC)


def _resolve_sort(query: PageQuery) -> tuple[str, bool]:
    key, descending = query.sort, query.descending
    if key in _SORT_ALIASES:
        key, descending = _SORT_ALIASES[key]
    if key not in _SORT_COLUMNS:
        raise ValueError(f"unknown candidate sort {query.sort!r}")
    return key, descending


_ROW_COLUMNS = (
    Candidate.id,
    Candidate.full_name,
    Candidate.email,
    Candidate.phone_e164,
    Candidate.location,
    Candidate.source,
    Candidate.created_at,
    Candidate.name_key,
)

# Statements are built once and reused with parameters: on a 200-row page, building the
# expression and its cache key cost more than running the query (an IN list of 200 literals
# alone took ~4 ms).
_INTERVIEW_COUNTS = (
    select(Application.candidate_id, func.count())
    .where(Application.candidate_id.in_(bindparam("ids", expanding=True)))
    .group_by(Application.candidate_id)
)


@lru_cache(maxsize=64)
def _page_statement(sort: str, descending: bool, keyset: bool, limit: int) -> Select[Any]:
    """A directory page's SELECT; with ``keyset``, it takes :after_value and :after_id."""
    column = _SORT_COLUMNS[sort]
    where: list[ColumnElement[bool]] = [Candidate.erase_requested_at.is_(None)]
    if keyset:
        value: BindParameter[Any] = bindparam("after_value")
        last_id: BindParameter[int] = bindparam("after_id")
        # The redundant leading bound gives both databases an index range to start from;
        # the OR-spelled keyset alone can make them scan the index from its first entry.
        lead = column <= value if descending else column >= value
        where += [
            lead,
            keyset_after([column, Candidate.id], (value, last_id), descending=descending),
        ]
    order = (column.desc(), Candidate.id.desc()) if descending else (column, Candidate.id)
    return select(*_ROW_COLUMNS).where(*where).order_by(*order).limit(limit + 1)


def _rows(s: Session, stmt: Select[Any], params: Mapping[str, Any]) -> list[CandidateRow]:
    # Core execution and positional unpacking: the ORM layer and named Row access cost more
    # than the query itself for a 200-row page.
    conn = s.connection()
    found = conn.execute(stmt, dict(params)).all()
    counts: dict[int, int] = {}
    if found:
        # A grouped IN over this page's ids only: never a count over the whole table.
        counted = conn.execute(_INTERVIEW_COUNTS, {"ids": [r[0] for r in found]})
        counts = dict(counted.tuples().all())
    return [
        # Someone who only texted a keyword has no name yet: their number stands in for it.
        CandidateRow(cid, name or display_name(name, phone, email), email, phone, location,
                     source, joined, counts.get(cid, 0), key)
        for cid, name, email, phone, location, source, joined, key in found
    ]


class DirectoryMixin:
    """The directory's reads (the service's ``db``)."""

    db: Database

    def _filters(
        self, filters: Mapping[str, Any], session: Session | None = None, sort: str = SORT_JOINED
    ) -> list[ColumnElement[bool]]:
        """WHERE clauses for the directory filters (the erased are excluded by the callers).

        ``search``: text matched against name, email and phone by the search index.
        ``joined_after`` / ``joined_before``: dates, both inclusive, meaning whole days in the
        user's time zone; this service turns them into UTC bounds (``tz`` in the filters, else
        the machine's zone). A tz-aware datetime is taken as an exact bound instead.

        With the ``session`` the query will run in, the search clause is shaped by a bounded
        probe for the page's order (see ``search.candidate_match_clause``): without it a very
        common or very rare text can take a second on a million candidates.
        """
        clauses: list[ColumnElement[bool]] = []
        text = str(filters.get("search") or "").strip()
        if text:
            match = search.candidate_match_clause(
                self.db.dialect,
                text,
                session=session,
                sort="name_key" if sort == SORT_NAME else "created_at",
            )
            if match is not None:
                clauses.append(match)
        tz = filters.get("tz")
        after = filters.get("joined_after")
        if isinstance(after, dt.datetime):
            clauses.append(Candidate.created_at >= after)
        elif isinstance(after, dt.date):
            clauses.append(Candidate.created_at >= local_day_start(after, tz))
        before = filters.get("joined_before")
        if isinstance(before, dt.datetime):
            clauses.append(Candidate.created_at <= before)
        elif isinstance(before, dt.date):
            next_day = before + dt.timedelta(days=1)
            clauses.append(Candidate.created_at < local_day_start(next_day, tz))
        return clauses

    def page_statement(self, query: PageQuery, after: Cursor | None) -> Select[Any]:
        """The SELECT behind ``page``, parameters bound (for EXPLAIN checks and benchmarks)."""
        stmt, params = self._page_query(query, after)
        return stmt.params(**params)

    def _page_query(
        self, query: PageQuery, after: Cursor | None, session: Session | None = None
    ) -> tuple[Select[Any], dict[str, Any]]:
        sort, descending = _resolve_sort(query)
        stmt = _page_statement(sort, descending, after is not None, query.limit)
        filters = self._filters(query.filters, session, sort)
        if filters:
            stmt = stmt.where(*filters)
        params = {} if after is None else {"after_value": after[0], "after_id": after[1]}
        return stmt, params

    async def page(self, query: PageQuery, after: Cursor | None) -> Page[CandidateRow]:
        """One page of the directory, ordered by the query's sort then id (keyset, no OFFSET).

        Sorts: ``"joined"`` (created_at) and ``"name"`` (name_key, A-Z), each reversed by
        ``query.descending``; ``"recent"`` / ``"oldest"`` mean Joined newest / oldest
        first. Filters: see ``_filters``. Erased candidates never appear. The cursor is
        ``(sort value, id)`` of the page's last row.
        """
        by_name = _resolve_sort(query)[0] == SORT_NAME

        def cursor_of(row: CandidateRow) -> Cursor:
            return (row.name_key if by_name else row.joined, row.id)

        def q(s: Session) -> list[CandidateRow]:
            # Built in the worker: the search clause probes the index in this session.
            stmt, params = self._page_query(query, after, s)
            return _rows(s, stmt, params)

        rows = await self.db.read(q)
        return page_from(rows, query.limit, cursor_of)

    async def count(self, query: PageQuery) -> int:
        """How many candidates the query's filters match (for the "12,408 candidates" label).

        Slower than a page on big workspaces (a full count): call it after the first page."""
        def q(s: Session) -> int:
            where = [Candidate.erase_requested_at.is_(None), *self._filters(query.filters, s)]
            return int(s.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0)

        return await self.db.read(q)

    async def rows_matching(self, query: PageQuery,
                            ids: Iterable[int]) -> tuple[CandidateRow, ...]:
        """Fresh rows of those candidates that pass ``query``'s filters (what the directory
        repaints after CandidatesChanged: the others leave it, new ones join it)."""
        wanted = sorted(set(ids))
        if not wanted:
            return ()

        def q(s: Session) -> list[CandidateRow]:
            stmt = select(*_ROW_COLUMNS).where(
                Candidate.id.in_(wanted), Candidate.erase_requested_at.is_(None),
                *self._filters(query.filters, s))
            return _rows(s, stmt, {})

        return tuple(await self.db.read(q))

    async def rows_by_ids(self, ids: Iterable[int]) -> tuple[CandidateRow, ...]:
        """Fresh directory rows for these candidates (erased ones are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return ()
        stmt = select(*_ROW_COLUMNS).where(
            Candidate.id.in_(wanted), Candidate.erase_requested_at.is_(None)
        )
        return tuple(await self.db.read(lambda s: _rows(s, stmt, {})))
