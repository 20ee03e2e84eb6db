"""``PipelineService``: the Inbound via Phone pipeline over one database and bus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import CallReview
from milo_desktop.models import InboundCall, Receptionist
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    CallUpdated,
    CandidatesChanged,
    EventBus,
    InterviewersChanged,
)
from milo_desktop.services.core.paging import Cursor, Page, PageQuery, page_from
from milo_desktop.services.pipeline import actions, listing
from milo_desktop.services.pipeline.rows import (
    CallDetail,
    CallRow,
    IngestResult,
    ReceptionistOption,
    ReviewDecision,
    ReviewUndo,
)


class PipelineService:
    """Calls to the workspace's receptionists: list, count, details and decisions."""

    def __init__(self, db: Database, bus: EventBus,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    # ----- reads -----------------------------------------------------------------------------
    async def page(self, query: PageQuery, after: Cursor | None) -> Page[CallRow]:
        """Newest calls first (started_at desc, id desc; the query's sort is ignored: there is
        one order). Filters: ``tab`` (all, evaluated, needs_review, approved, rejected),
        ``search`` (name, email, phone digits), ``receptionist_id``."""
        filters, limit = dict(query.filters), query.limit

        def q(s: Session) -> list[CallRow]:
            return listing.page_rows(s, filters, after, limit)

        rows = await self.db.read(q)
        return page_from(rows, limit, lambda r: (r.started_at, r.id))

    async def tab_counts(self, filters: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Calls per tab under the search and receptionist filters (the tab filter is
        ignored): keys all, evaluated, needs_review, approved, rejected."""
        wanted = dict(filters or {})
        return await self.db.read(lambda s: listing.tab_counts(s, wanted))

    async def rows_by_ids(self, ids: Iterable[int]) -> tuple[CallRow, ...]:
        """Fresh rows for these calls (missing ones are left out: deleted)."""
        wanted = tuple(ids)
        return tuple(await self.db.read(lambda s: listing.rows_by_ids(s, wanted)))

    async def rows_matching(self, filters: Mapping[str, Any],
                            ids: Iterable[int]) -> tuple[CallRow, ...]:
        """Fresh rows of those calls that pass ``filters`` (tab included): what a live table
        keeps, repaints or inserts after CallUpdated events."""
        wanted, given = tuple(ids), dict(filters)
        return tuple(await self.db.read(lambda s: listing.rows_matching(s, given, wanted)))

    async def details(self, call_id: int) -> CallDetail:
        """Every answer with its evaluation, the transcript, the recording, the caller's
        candidate (linked, or matched by phone / email) and the receptionist's interviewers.
        Raises CallNotFound."""
        now = self.clock()
        return await self.db.read(lambda s: listing.details(s, call_id, now))

    async def receptionists(self) -> tuple[ReceptionistOption, ...]:
        """Every receptionist, by name (the filter combo)."""

        def q(s: Session) -> tuple[ReceptionistOption, ...]:
            rows = s.execute(select(Receptionist.id, Receptionist.name)
                             .order_by(Receptionist.name, Receptionist.id))
            return tuple(ReceptionistOption(rid, name) for rid, name in rows)

        return await self.db.read(q)

    async def unread_count(self) -> int:
        """Calls nobody has opened yet (the tray and sidebar badge)."""
        return await self.db.read(lambda s: int(s.scalar(
            select(func.count()).select_from(InboundCall).where(InboundCall.read_at.is_(None)))
            or 0))

    # ----- writes ----------------------------------------------------------------------------
    async def approve(self, call_id: int) -> CallRow:
        """Mark the caller approved (no invitation: that is ``ingest``)."""
        return await self._review(call_id, CallReview.APPROVED)

    async def reject(self, call_id: int) -> CallRow:
        """Mark the caller rejected. Invitations already sent are not withdrawn."""
        return await self._review(call_id, CallReview.REJECTED)

    async def _review(self, call_id: int, review: CallReview) -> CallRow:
        return (await self.decide(call_id, review)).row

    async def decide(self, call_id: int, review: CallReview) -> ReviewDecision:
        """Approve or reject (``review``), returning the row and what ``undo_review`` needs to
        take it back (the Undo in the pipeline's banner)."""
        now = self.clock()

        def w(s: Session) -> ReviewDecision:
            before = actions.set_review(s, call_id, review, now)
            s.flush()
            return ReviewDecision(listing.rows_by_ids(s, [call_id])[0],
                                  ReviewUndo(call_id, review, before))

        decision = await self.db.write(w)
        self.bus.publish(CallUpdated(call_id))
        return decision

    async def undo_review(self, undo: ReviewUndo) -> CallRow:
        """Take back an Approve or Reject: the review state it had before. ValidationProblem
        when the caller was decided on again since (left as it is)."""

        def w(s: Session) -> CallRow:
            actions.undo_review(s, undo)
            s.flush()
            return listing.rows_by_ids(s, [undo.call_id])[0]

        row = await self.db.write(w)
        self.bus.publish(CallUpdated(undo.call_id))
        return row

    async def ingest(self, call_id: int, interviewer_id: int, *,
                     confirm_unverified: bool = False,
                     use_possible_match: bool = False) -> IngestResult:
        """Approve the caller and invite them to ``interviewer_id`` (one of the receptionist's
        interviewers): the candidate with the same E.164 phone or email is linked, else a new
        one (source phone) is created; the application and the outbox invitation are written
        in the same transaction. A candidate already in that interviewer is not invited again
        (``already_invited``). Raises ValidationProblem for an archived or expired interviewer
        or one the receptionist does not route to, and ``UnverifiedNumber`` (a
        ValidationProblem saying what would happen) for a caller whose number did not
        normalise, unless the user confirmed: ``confirm_unverified=True``. A directory person
        with the caller's phone but another name (``CallDetail.possible_match``) is used only
        with ``use_possible_match=True``; otherwise the caller is added as a new person."""
        now = self.clock()
        result, directory_changed = await self.db.write(
            lambda s: actions.ingest(s, call_id, interviewer_id, now,
                                     confirm_unverified=confirm_unverified,
                                     use_possible_match=use_possible_match))
        self.bus.publish(CallUpdated(call_id))
        if directory_changed:
            self.bus.publish(CandidatesChanged((result.candidate_id,)))
            self.bus.publish(InterviewersChanged((result.interviewer_id,)))
        return result

    async def mark_read(self, call_ids: Iterable[int]) -> list[int]:
        """Mark calls as seen; returns the ids that were unread."""
        wanted, now = tuple(call_ids), self.clock()

        def w(s: Session) -> list[int]:
            ids = list(s.scalars(select(InboundCall.id).where(
                InboundCall.id.in_(wanted), InboundCall.read_at.is_(None))))
            if ids:
                s.execute(update(InboundCall).where(InboundCall.id.in_(ids)).values(read_at=now))
            return ids

        changed = await self.db.write(w) if wanted else []
        for call_id in changed:
            self.bus.publish(CallUpdated(call_id))
        return changed
