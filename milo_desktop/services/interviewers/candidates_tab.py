"""One interviewer's Candidates tab: keyset pages of its applications with their stage cells,
the per-status counts, fresh rows after a change, and the neighbours of a row (the profile's
previous / next).

The WHERE clauses and the sort key are built by ``tab_where`` / ``sort_key`` so that every
consumer of "the tab's filtered set in the tab's order" (paging, the review service's
"select all N matching", exports, previous / next) agrees on what that set is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    exists,
    func,
    literal,
    not_,
    select,
)
from sqlalchemy.orm import Session

from milo_desktop.enums import StageStatus
from milo_desktop.models import Application, Candidate, Stage, StageResult
from milo_desktop.models.base import UTCDateTime
from milo_desktop.services.candidates.rows import display_name
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.paging import Cursor, Page, PageQuery, keyset_after, page_from
from milo_desktop.services.figures import status_counts
from milo_desktop.services.interviewers.helpers import _EPOCH, _order
from milo_desktop.services.interviewers.rows import CANDIDATE_SORTS, CandidateRow, StageCell
from milo_desktop.services.search import candidate_match_clause


def sort_key(sort: str) -> SQLColumnExpression[Any]:
    """The SQL expression a Candidates-tab sort orders by (ties broken by application id)."""
    if sort not in CANDIDATE_SORTS:
        raise ValueError(f"unknown candidates sort {sort!r}")
    if sort == "recent":
        return Application.created_at
    if sort == "name":
        return Candidate.name_key
    if sort == "score":
        return func.coalesce(Application.score, -1.0)
    return func.coalesce(Application.last_engaged_at, literal(_EPOCH, UTCDateTime()),
                         type_=UTCDateTime())


def tab_where(dialect: str, interviewer_id: int,
              filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """The tab's filters as WHERE clauses over Application joined to Candidate. Filters:
    ``status`` (an ApplicationStatus or several), ``search`` (name / email), ``stage``
    ((stage_id, StageStatus)), ``has_notes`` (True: only applications with notes)."""
    clauses: list[ColumnElement[bool]] = [Application.interviewer_id == interviewer_id]
    status = filters.get("status")
    if status:
        statuses = (status,) if isinstance(status, str) else tuple(status)
        clauses.append(Application.status.in_(statuses))
    text = (filters.get("search") or "").strip()
    if text:
        # No session/sort hints: they tune plans ordered over the whole candidates table;
        # here the interviewer's applications drive, so a plain lookup is right.
        match = candidate_match_clause(dialect, text)
        if match is not None:
            clauses.append(match)
    if filters.get("stage"):
        clauses.append(_stage_clause(*filters["stage"]))
    if filters.get("has_notes"):
        clauses.append(Application.has_notes.is_(True))
    return clauses


def tab_select(dialect: str, interviewer_id: int, filters: Mapping[str, Any],
               *columns: Any) -> Select[Any]:
    """``SELECT columns FROM applications JOIN candidates WHERE <the tab's filters>``."""
    return (select(*columns).select_from(Application)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(*tab_where(dialect, interviewer_id, filters)))


class CandidatesTabMixin:
    """The Candidates tab's reads (the service's ``db``)."""

    db: Database

    async def candidates_page(self, query: PageQuery, after: Cursor | None) -> Page[CandidateRow]:
        """A keyset page of one interviewer's applications. Filters: ``interviewer_id``
        (required) and those of ``tab_where``. Sorts: see ``CANDIDATE_SORTS``."""
        key = sort_key(query.sort)
        f = query.filters
        interviewer_id = int(f["interviewer_id"])
        dialect = self.db.dialect

        def q(s: Session) -> Page[CandidateRow]:
            stmt = tab_select(dialect, interviewer_id, f, *_ROW_COLUMNS, key.label("sort_key"))
            if after is not None:
                stmt = stmt.where(keyset_after([key, Application.id], after,
                                               descending=query.descending))
            stmt = stmt.order_by(*_order(key, Application.id, query.descending))
            raw = s.execute(stmt.limit(query.limit + 1)).all()
            paged = page_from(raw, query.limit, lambda r: (r.sort_key, r.id))
            return Page(_rows(s, interviewer_id, paged.rows), paged.next_cursor)

        return await self.db.read(q)

    async def candidates_rows(self, query: PageQuery,
                              ids: Sequence[int]) -> tuple[CandidateRow, ...]:
        """Fresh rows of those applications (of ``query``'s interviewer) that still pass its
        filters: what the tab repaints after ApplicationsChanged; the others are removed."""
        f = query.filters
        interviewer_id = int(f["interviewer_id"])
        wanted = tuple(ids)
        dialect = self.db.dialect

        def q(s: Session) -> tuple[CandidateRow, ...]:
            raw = s.execute(tab_select(dialect, interviewer_id, f, *_ROW_COLUMNS)
                            .where(Application.id.in_(wanted))).all()
            return _rows(s, interviewer_id, raw)

        return await self.db.read(q) if wanted else ()

    async def candidate_neighbour(self, query: PageQuery, application_id: int,
                                  step: int) -> CandidateRow | None:
        """The row after (``step`` = 1) or before (-1) ``application_id`` in the tab's order
        under ``query``; None at either end. An application that no longer matches the filters
        still has a place in the order (its sort key), so previous / next keep working after
        it was, say, shortlisted out of a "Completed" view."""
        if step not in (1, -1):
            raise ValueError("step is 1 (next) or -1 (previous)")
        key = sort_key(query.sort)
        f = query.filters
        interviewer_id = int(f["interviewer_id"])
        dialect = self.db.dialect
        descending = query.descending if step == 1 else not query.descending

        def q(s: Session) -> CandidateRow | None:
            here = s.execute(select(key, Application.id)
                             .join(Candidate, Candidate.id == Application.candidate_id)
                             .where(Application.id == application_id)).first()
            if here is None:
                return None
            stmt = (tab_select(dialect, interviewer_id, f, *_ROW_COLUMNS)
                    .where(keyset_after([key, Application.id], tuple(here),
                                        descending=descending))
                    .order_by(*_order(key, Application.id, descending)).limit(1))
            found = s.execute(stmt).all()
            rows = _rows(s, interviewer_id, found)
            return rows[0] if rows else None

        return await self.db.read(q)

    async def candidate_status_counts(self, interviewer_id: int) -> dict[str, int]:
        """Applications per status (every status present, zeros included) plus ``"all"``, the
        interviewer's candidates (services/figures.py, as on the table and in Analytics)."""

        return await self.db.read(lambda s: status_counts(s, interviewer_id))


_ROW_COLUMNS = (Application.id, Application.candidate_id, Application.status,
                Application.score, Application.has_notes, Application.created_at,
                Application.last_engaged_at, Candidate.full_name, Candidate.email,
                Candidate.location, Candidate.phone_e164)


def _rows(s: Session, interviewer_id: int, raw: Sequence[Any]) -> tuple[CandidateRow, ...]:
    """CandidateRows for raw ``_ROW_COLUMNS`` rows, with their stage cells."""
    stage_ids = list(s.scalars(
        select(Stage.id).where(Stage.interviewer_id == interviewer_id).order_by(Stage.position)))
    cells: dict[tuple[int, int], StageCell] = {}
    app_ids = [r.id for r in raw]
    if app_ids:  # only the cells' columns: transcripts can be long
        for aid, sid, st, score, passed, total in s.execute(select(
                StageResult.application_id, StageResult.stage_id, StageResult.status,
                StageResult.score, StageResult.structured_passed,
                StageResult.structured_total).where(StageResult.application_id.in_(app_ids))):
            cells[(aid, sid)] = StageCell(sid, st, score, passed, total)
    return tuple(
        CandidateRow(
            id=r.id, candidate_id=r.candidate_id,
            name=display_name(r.full_name, r.phone_e164, r.email), email=r.email,
            location=r.location, status=r.status, score=r.score, has_notes=r.has_notes,
            created_at=r.created_at, last_engaged_at=r.last_engaged_at,
            stages=tuple(cells.get((r.id, sid)) for sid in stage_ids),
        )
        for r in raw
    )


def _stage_clause(stage_id: int, status: StageStatus | str) -> ColumnElement[bool]:
    """Applications whose result in ``stage_id`` has ``status``; a missing result counts as
    not started (results are created lazily by some sources)."""
    status = StageStatus(status)
    result = exists().where(StageResult.application_id == Application.id,
                            StageResult.stage_id == stage_id)
    if status == StageStatus.NOT_STARTED:
        started = result.where(StageResult.status != StageStatus.NOT_STARTED)
        return not_(started)
    return result.where(StageResult.status == status)


