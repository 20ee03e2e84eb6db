"""One interviewer's Candidates tab: keyset pages of its applications with their stage cells,
and the per-status counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal, not_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, StageStatus
from milo_desktop.models import Application, Candidate, Stage, StageResult
from milo_desktop.models.base import UTCDateTime
from milo_desktop.services.database import Database
from milo_desktop.services.interviewers.helpers import _EPOCH, _order
from milo_desktop.services.interviewers.rows import CANDIDATE_SORTS, CandidateRow, StageCell
from milo_desktop.services.paging import Cursor, Page, PageQuery, keyset_after, page_from
from milo_desktop.services.search import candidate_match_clause


class CandidatesTabMixin:
    """The Candidates tab's reads (the service's ``db``)."""

    db: Database

    async def candidates_page(self, query: PageQuery, after: Cursor | None) -> Page[CandidateRow]:
        """A keyset page of one interviewer's applications. Filters: ``interviewer_id``
        (required), ``status`` (an ApplicationStatus or several), ``search`` (name/email),
        ``stage`` ((stage_id, StageStatus)). Sorts: see ``CANDIDATE_SORTS``."""
        if query.sort not in CANDIDATE_SORTS:
            raise ValueError(f"unknown candidates sort {query.sort!r}")
        f = query.filters
        interviewer_id = int(f["interviewer_id"])

        def q(s: Session) -> Page[CandidateRow]:
            key: ColumnElement[Any]
            if query.sort == "recent":
                key = Application.created_at
            elif query.sort == "name":
                key = Candidate.name_key
            elif query.sort == "score":
                key = func.coalesce(Application.score, -1.0)
            else:
                key = func.coalesce(Application.last_engaged_at,
                                    literal(_EPOCH, UTCDateTime()), type_=UTCDateTime())
            stmt = (
                select(Application.id, Application.candidate_id, Application.status,
                       Application.score, Application.has_notes, Application.created_at,
                       Application.last_engaged_at, Candidate.full_name, Candidate.email,
                       Candidate.location, key.label("sort_key"))
                .join(Candidate, Candidate.id == Application.candidate_id)
                .where(Application.interviewer_id == interviewer_id)
            )
            status = f.get("status")
            if status:
                statuses = (status,) if isinstance(status, str) else tuple(status)
                stmt = stmt.where(Application.status.in_(statuses))
            text = (f.get("search") or "").strip()
            if text:
                # No session/sort hints: they tune plans ordered over the whole candidates
                # table; here the interviewer's applications drive, so a plain lookup is right.
                match = candidate_match_clause(self.db.dialect, text)
                if match is not None:
                    stmt = stmt.where(match)
            if f.get("stage"):
                stmt = stmt.where(_stage_clause(*f["stage"]))
            if after is not None:
                stmt = stmt.where(keyset_after([key, Application.id], after,
                                               descending=query.descending))
            stmt = stmt.order_by(*_order(key, Application.id, query.descending))
            raw = s.execute(stmt.limit(query.limit + 1)).all()
            paged = page_from(raw, query.limit, lambda r: (r.sort_key, r.id))
            stage_ids = list(s.scalars(
                select(Stage.id).where(Stage.interviewer_id == interviewer_id)
                .order_by(Stage.position)))
            cells: dict[tuple[int, int], StageCell] = {}
            app_ids = [r.id for r in paged.rows]
            if app_ids:  # only the cells' columns: transcripts can be long
                for aid, sid, st, score, passed, total in s.execute(select(
                        StageResult.application_id, StageResult.stage_id, StageResult.status,
                        StageResult.score, StageResult.structured_passed,
                        StageResult.structured_total).where(
                        StageResult.application_id.in_(app_ids))):
                    cells[(aid, sid)] = StageCell(sid, st, score, passed, total)
            rows = tuple(
                CandidateRow(
                    id=r.id, candidate_id=r.candidate_id, name=r.full_name, email=r.email,
                    location=r.location, status=r.status, score=r.score, has_notes=r.has_notes,
                    created_at=r.created_at, last_engaged_at=r.last_engaged_at,
                    stages=tuple(cells.get((r.id, sid)) for sid in stage_ids),
                )
                for r in paged.rows
            )
            return Page(rows, paged.next_cursor)

        return await self.db.read(q)

    async def candidate_status_counts(self, interviewer_id: int) -> dict[str, int]:
        """Applications per status (every status present, zeros included) plus ``"all"``."""

        def q(s: Session) -> dict[str, int]:
            counts = {st.value: 0 for st in ApplicationStatus}
            for status, n in s.execute(
                select(Application.status, func.count())
                .where(Application.interviewer_id == interviewer_id)
                .group_by(Application.status)
            ):
                counts[ApplicationStatus(status).value] = int(n)
            counts["all"] = sum(counts.values())
            return counts

        return await self.db.read(q)


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
