"""Interviewers (roles): the table's tabs and pages, one interviewer's candidates, and the
actions on them (archive, unarchive, clone, extend deadline, budget).

Definitions the screens rely on:

* **Tabs.** Active = drafts plus active interviewers whose deadline has not passed; Expired =
  status ``expired`` or active with a passed deadline (so the tabs are right even before the
  sweep ran); Archived = ``archived``. ``expire_overdue()`` is the sweep that writes the
  ``expired`` status (the list calls it on load).
* **Completion %** = applications whose candidate has done their part (evaluating, completed,
  shortlisted, dismissed, knocked out) / all applications. It measures drop-off, so a knock-out
  counts as finished: the candidate answered, the workflow ended for them.
* **Spend** is the sum of ``SpendEntry.amount_micros``; for a daily budget the table compares
  today's spend (since local midnight) with the budget.
* Aggregates are computed in SQL for the page's rows only, by grouped queries on indexed
  columns. The "most candidates" sort needs one grouped count over all applications (a single
  index scan; see the report in tests/benchmarks for its cost).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Application,
    AuditEntry,
    Candidate,
    Interviewer,
    InterviewerLabel,
    InterviewerSubscriber,
    Label,
    Question,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.models.base import UTCDateTime, utcnow
from milo_desktop.services.database import Database
from milo_desktop.services.events import (
    CandidatesChanged,
    EventBus,
    InterviewersChanged,
    SpendChanged,
)
from milo_desktop.services.paging import Cursor, Page, PageQuery, keyset_after, page_from
from milo_desktop.services.search import candidate_match_clause, interviewer_match_clause

TABS = ("active", "expired", "archived")
SORTS = ("recent", "candidates", "deadline", "name")
CANDIDATE_SORTS = ("recent", "name", "score", "last_engaged")
FINISHED = (
    ApplicationStatus.EVALUATING,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.DISMISSED,
    ApplicationStatus.KNOCKED_OUT,
)
MAX_BUDGET_CENTS = 1_000_000_000  # $10M: far above any real budget, well inside the column
# Sentinels keep NULLs out of keyset comparisons: no deadline sorts after every deadline.
_FAR_FUTURE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class InterviewerNotFound(ValidationProblem):
    title = "Interviewer not found"


# ----- rows ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelRow:
    id: int
    name: str
    color: str
    kind: str = "department"


@dataclass(frozen=True)
class InterviewerRow:
    """One line of the Interviewers table."""

    id: int
    name: str
    slug: str
    status: InterviewerStatus  # effective: an active one past its deadline reads expired
    workflow: tuple[StageKind, ...]
    candidates: int
    finished: int
    ats_provider: str | None
    ats_synced_at: dt.datetime | None
    csat: float | None
    spend_micros: int
    spend_today_micros: int
    budget_kind: BudgetKind
    budget_cents: int | None
    currency: str
    labels: tuple[LabelRow, ...]
    subscribers: int
    deadline: dt.datetime | None
    created_at: dt.datetime
    activated_at: dt.datetime | None

    @property
    def completion(self) -> float | None:
        """Percent of candidates who finished the workflow; None without candidates."""
        return 100.0 * self.finished / self.candidates if self.candidates else None

    @property
    def ats_synced(self) -> bool:
        return self.ats_provider is not None and self.ats_synced_at is not None


@dataclass(frozen=True)
class QuestionDetail:
    id: int
    kind: QuestionKind
    prompt: str
    weight: float
    dealbreaker: bool


@dataclass(frozen=True)
class StageDetail:
    id: int
    position: int
    kind: StageKind
    name: str
    min_score: int | None
    questions: tuple[QuestionDetail, ...] = ()


@dataclass(frozen=True)
class InterviewerDetail:
    id: int
    name: str
    slug: str
    position_title: str
    status: InterviewerStatus
    deadline: dt.datetime | None
    created_at: dt.datetime
    activated_at: dt.datetime | None
    language: str
    days_to_complete: int
    retakes: int
    budget_kind: BudgetKind
    budget_cents: int | None
    ats_provider: str | None
    stages: tuple[StageDetail, ...]
    labels: tuple[LabelRow, ...]
    subscribers: tuple[str, ...]

    @property
    def workflow(self) -> tuple[StageKind, ...]:
        return tuple(s.kind for s in self.stages)


@dataclass(frozen=True)
class StageCell:
    """One application's progress in one stage (a cell of the Candidates tab)."""

    stage_id: int
    status: StageStatus
    score: float | None
    structured_passed: int
    structured_total: int


@dataclass(frozen=True)
class CandidateRow:
    """One line of an interviewer's Candidates tab; ``id`` is the application's."""

    id: int
    candidate_id: int
    name: str
    email: str | None
    location: str | None
    status: ApplicationStatus
    score: float | None
    has_notes: bool
    created_at: dt.datetime
    last_engaged_at: dt.datetime | None
    stages: tuple[StageCell | None, ...] = field(default=())  # in workflow order


# ----- helpers -------------------------------------------------------------------------------
def _overdue(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        Interviewer.status == InterviewerStatus.ACTIVE,
        Interviewer.deadline.is_not(None),
        Interviewer.deadline < now,
    )


def _tab_clause(tab: str, now: dt.datetime) -> ColumnElement[bool]:
    if tab == "active":
        live = (InterviewerStatus.DRAFT, InterviewerStatus.ACTIVE)
        return and_(Interviewer.status.in_(live), not_(_overdue(now)))
    if tab == "expired":
        return or_(Interviewer.status == InterviewerStatus.EXPIRED, _overdue(now))
    if tab == "archived":
        return Interviewer.status == InterviewerStatus.ARCHIVED
    raise ValueError(f"unknown interviewers tab {tab!r}")


def _filters(dialect: str, search: str, label_ids: Iterable[int]) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    text = (search or "").strip()
    if text:
        match = interviewer_match_clause(dialect, text)
        if match is not None:
            clauses.append(match)
    labels = tuple(label_ids or ())
    if labels:
        clauses.append(
            Interviewer.id.in_(
                select(InterviewerLabel.interviewer_id).where(InterviewerLabel.label_id.in_(labels))
            )
        )
    return clauses


def _effective_status(status: InterviewerStatus, deadline: dt.datetime | None,
                      now: dt.datetime) -> InterviewerStatus:
    if status == InterviewerStatus.ACTIVE and deadline is not None and deadline < now:
        return InterviewerStatus.EXPIRED
    return status


def _local_midnight(now: dt.datetime) -> dt.datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def _order(key: ColumnElement[Any], pk: Any, descending: bool) -> tuple[Any, Any]:
    return (key.desc(), pk.desc()) if descending else (key.asc(), pk.asc())


def _audit(s: Session, action: str, ids: Iterable[int], **detail: Any) -> None:
    for iid in ids:
        s.add(AuditEntry(action=action, entity="interviewer", entity_id=iid, detail=detail))


def _unique_slug(s: Session, base: str) -> str:
    base = base[:70]
    taken = set(s.scalars(select(Interviewer.slug).where(Interviewer.slug.like(f"{base}-copy%"))))
    slug, n = f"{base}-copy", 2
    while slug in taken:
        slug, n = f"{base}-copy-{n}", n + 1
    return slug


def _copy_columns(obj: Any, skip: set[str]) -> dict[str, Any]:
    table = obj.__table__
    # deepcopy: JSON values (settings, choices) must not be shared between two rows
    return {c.key: copy.deepcopy(getattr(obj, c.key)) for c in table.columns if c.key not in skip}


@dataclass(frozen=True)
class _Agg:
    total: int
    finished: int
    spend_micros: int
    spend_today_micros: int


class _AggregateCache:
    """Per-interviewer counts and spend kept between pages.

    Counting a million applications and summing the spend ledger takes a few hundred ms on a
    laptop; the table needs those figures on every page, tab switch, sort and search. Entries
    are dropped when the bus says candidates, interviewers or spend changed, and expire after
    ``MAX_AGE`` seconds so that teammates' changes (shared PostgreSQL) still show up. A
    generation number stops a load that raced with a drop from storing stale figures.
    """

    MAX_AGE = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, dt.datetime, _Agg]] = {}
        self._generation = 0

    def lookup(self, ids: Iterable[int], day: dt.datetime
               ) -> tuple[dict[int, _Agg], list[int], int]:
        now, found, missing = time.monotonic(), {}, []
        with self._lock:
            for i in ids:
                entry = self._entries.get(i)
                if entry and entry[1] == day and now - entry[0] < self.MAX_AGE:
                    found[i] = entry[2]
                else:
                    missing.append(i)
            return found, missing, self._generation

    def store(self, fresh: dict[int, _Agg], day: dt.datetime, generation: int) -> None:
        now = time.monotonic()
        with self._lock:
            if generation == self._generation:
                self._entries.update({i: (now, day, agg) for i, agg in fresh.items()})

    def drop(self, ids: Iterable[int] = ()) -> None:
        """Forget these interviewers (all of them when ``ids`` is empty)."""
        wanted = tuple(ids)
        with self._lock:
            self._generation += 1
            if not wanted:
                self._entries.clear()
            for i in wanted:
                self._entries.pop(i, None)


# ----- service -------------------------------------------------------------------------------
class InterviewerService:
    """Interviewers: listing, counting and the table's actions."""

    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        self.clock: Callable[[], dt.datetime] = utcnow  # tests pin time here
        self._cache = _AggregateCache()
        # Candidate events don't say which interviewers they touch: drop everything.
        bus.subscribe(CandidatesChanged, lambda e: self._cache.drop())
        bus.subscribe(SpendChanged, lambda e: self._cache.drop())
        bus.subscribe(InterviewersChanged, lambda e: self._cache.drop(e.ids))

    def forget_aggregates(self) -> None:
        """Drop cached counts and spend (after bulk imports that publish no events)."""
        self._cache.drop()

    # ----- list ------------------------------------------------------------------------------
    async def tab_counts(self, search: str = "", label_ids: Iterable[int] = ()) -> dict[str, int]:
        """How many interviewers each tab holds under the same search and label filter."""
        now, labels = self.clock(), tuple(label_ids)

        def q(s: Session) -> dict[str, int]:
            cols = [func.sum(case((_tab_clause(t, now), 1), else_=0)) for t in TABS]
            stmt = select(*cols).select_from(Interviewer)
            where = _filters(self.db.dialect, search, labels)
            if where:
                stmt = stmt.where(*where)
            values = s.execute(stmt).one()
            return {t: int(v or 0) for t, v in zip(TABS, values, strict=True)}

        return await self.db.read(q)

    async def page(self, query: PageQuery, after: Cursor | None) -> Page[InterviewerRow]:
        """One keyset page of the table. Filters: ``tab`` (active/expired/archived, default
        active), ``search`` (text), ``labels`` (ids, any of). Sorts: see ``SORTS``."""
        now = self.clock()
        if query.sort not in SORTS:
            raise ValueError(f"unknown interviewers sort {query.sort!r}")

        def q(s: Session) -> Page[InterviewerRow]:
            filters = query.filters
            stmt = select(Interviewer.id).where(_tab_clause(filters.get("tab", "active"), now))
            where = _filters(self.db.dialect, filters.get("search", ""), filters.get("labels", ()))
            if where:
                stmt = stmt.where(*where)
            if query.sort == "candidates":
                return self._page_by_candidates(s, stmt, query, after, now)
            key: ColumnElement[Any]
            if query.sort == "recent":
                key = Interviewer.created_at
            elif query.sort == "name":
                key = func.lower(Interviewer.name)
            else:
                key = func.coalesce(
                    Interviewer.deadline, literal(_FAR_FUTURE, UTCDateTime()), type_=UTCDateTime()
                )
            stmt = stmt.add_columns(key.label("sort_key"))
            if after is not None:
                stmt = stmt.where(keyset_after([key, Interviewer.id], after,
                                               descending=query.descending))
            stmt = stmt.order_by(*_order(key, Interviewer.id, query.descending))
            raw = s.execute(stmt.limit(query.limit + 1)).all()
            paged = page_from(raw, query.limit, lambda r: (r.sort_key, r.id))
            rows = self._rows(s, [r.id for r in paged.rows], now)
            return Page(tuple(rows[r.id] for r in paged.rows if r.id in rows), paged.next_cursor)

        return await self.db.read(q)

    async def rows(self, ids: Iterable[int]) -> list[InterviewerRow]:
        """Fresh table rows for these ids (to repaint rows after an action)."""
        wanted, now = tuple(ids), self.clock()

        def q(s: Session) -> list[InterviewerRow]:
            rows = self._rows(s, list(wanted), now)
            return [rows[i] for i in wanted if i in rows]

        return await self.db.read(q)

    def _page_by_candidates(self, s: Session, stmt: Any, query: PageQuery,
                            after: Cursor | None, now: dt.datetime) -> Page[InterviewerRow]:
        """"Most candidates": the keyset is applied to counts from the aggregate cache. A
        workspace has hundreds of interviewers at most, so ordering their ids here is cheap;
        counting their applications is not, and the cache pays for it once."""
        ids = list(s.scalars(stmt))
        aggs = self._aggregates(s, ids, now)
        keyed = sorted(((aggs[i].total, i) for i in ids), reverse=query.descending)
        if after is not None:
            cursor = tuple(after)
            keyed = [k for k in keyed if (k < cursor if query.descending else k > cursor)]
        paged = page_from(keyed, query.limit, lambda k: k)
        rows = self._rows(s, [i for _, i in paged.rows], now)
        return Page(tuple(rows[i] for _, i in paged.rows if i in rows), paged.next_cursor)

    def _aggregates(self, s: Session, ids: list[int], now: dt.datetime) -> dict[int, _Agg]:
        """Application counts and spend per interviewer, from the cache or (for the ids it
        lacks) from grouped queries on indexed columns."""
        midnight = _local_midnight(now)
        found, missing, generation = self._cache.lookup(ids, midnight)
        if not missing:
            return found
        total: dict[int, int] = defaultdict(int)
        finished: dict[int, int] = defaultdict(int)
        for iid, status, n in s.execute(
            select(Application.interviewer_id, Application.status, func.count())
            .where(Application.interviewer_id.in_(missing))
            .group_by(Application.interviewer_id, Application.status)
        ):
            total[iid] += n
            if status in FINISHED:
                finished[iid] += n
        spend: dict[int, tuple[int, int]] = {
            iid: (int(all_time or 0), int(today or 0))
            for iid, all_time, today in s.execute(
                select(
                    SpendEntry.interviewer_id,
                    func.sum(SpendEntry.amount_micros),
                    func.sum(case((SpendEntry.occurred_at >= midnight, SpendEntry.amount_micros),
                                  else_=0)),
                )
                .where(SpendEntry.interviewer_id.in_(missing))
                .group_by(SpendEntry.interviewer_id)
            )
        }
        fresh = {i: _Agg(total[i], finished[i], *spend.get(i, (0, 0))) for i in missing}
        self._cache.store(fresh, midnight, generation)
        return found | fresh

    def _rows(self, s: Session, ids: list[int], now: dt.datetime) -> dict[int, InterviewerRow]:
        """Build rows with their aggregates: a handful of grouped queries over ``ids`` only."""
        if not ids:
            return {}
        workflow: dict[int, list[StageKind]] = defaultdict(list)
        for iid, kind in s.execute(
            select(Stage.interviewer_id, Stage.kind)
            .where(Stage.interviewer_id.in_(ids))
            .order_by(Stage.interviewer_id, Stage.position)
        ):
            workflow[iid].append(kind)
        aggs = self._aggregates(s, ids, now)
        labels: dict[int, list[LabelRow]] = defaultdict(list)
        for iid, lid, name, color, kind in s.execute(
            select(InterviewerLabel.interviewer_id, Label.id, Label.name, Label.color, Label.kind)
            .join(Label, Label.id == InterviewerLabel.label_id)
            .where(InterviewerLabel.interviewer_id.in_(ids))
            .order_by(Label.name)
        ):
            labels[iid].append(LabelRow(lid, name, color, kind))
        subs: dict[int, int] = {
            iid: n for iid, n in s.execute(
                select(InterviewerSubscriber.interviewer_id, func.count())
                .where(InterviewerSubscriber.interviewer_id.in_(ids))
                .group_by(InterviewerSubscriber.interviewer_id)
            )
        }
        out: dict[int, InterviewerRow] = {}
        for iv in s.execute(select(Interviewer).where(Interviewer.id.in_(ids))).scalars():
            agg = aggs[iv.id]
            out[iv.id] = InterviewerRow(
                id=iv.id, name=iv.name, slug=iv.slug,
                status=_effective_status(iv.status, iv.deadline, now),
                workflow=tuple(workflow[iv.id]), candidates=agg.total,
                finished=agg.finished, ats_provider=iv.ats_provider,
                ats_synced_at=iv.ats_synced_at, csat=iv.csat, spend_micros=agg.spend_micros,
                spend_today_micros=agg.spend_today_micros, budget_kind=iv.budget_kind,
                budget_cents=iv.budget_cents, currency=iv.currency,
                labels=tuple(labels[iv.id]), subscribers=int(subs.get(iv.id, 0)),
                deadline=iv.deadline, created_at=iv.created_at, activated_at=iv.activated_at,
            )
        return out

    async def labels(self) -> list[LabelRow]:
        """Every label, by name (the table's label filter)."""

        def q(s: Session) -> list[LabelRow]:
            return [LabelRow(x.id, x.name, x.color, x.kind)
                    for x in s.scalars(select(Label).order_by(Label.name))]

        return await self.db.read(q)

    async def id_for_slug(self, slug: str) -> int | None:
        """The interviewer with this URL name, or None."""

        def q(s: Session) -> int | None:
            return s.scalar(select(Interviewer.id).where(Interviewer.slug == slug))

        return await self.db.read(q)

    async def get(self, interviewer_id: int) -> InterviewerDetail:
        """One interviewer with its stages and questions (the interviewer page)."""
        now = self.clock()

        def q(s: Session) -> InterviewerDetail:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            stages = tuple(
                StageDetail(st.id, st.position, st.kind, st.name, st.min_score, tuple(
                    QuestionDetail(qq.id, qq.kind, qq.prompt, qq.weight, qq.dealbreaker)
                    for qq in st.questions))
                for st in iv.stages
            )
            return InterviewerDetail(
                id=iv.id, name=iv.name, slug=iv.slug, position_title=iv.position_title,
                status=_effective_status(iv.status, iv.deadline, now), deadline=iv.deadline,
                created_at=iv.created_at, activated_at=iv.activated_at, language=iv.language,
                days_to_complete=iv.days_to_complete, retakes=iv.retakes,
                budget_kind=iv.budget_kind, budget_cents=iv.budget_cents,
                ats_provider=iv.ats_provider, stages=stages,
                labels=tuple(LabelRow(x.id, x.name, x.color, x.kind)
                             for x in sorted(iv.labels, key=lambda x: x.name)),
                subscribers=tuple(sub.email for sub in iv.subscribers),
            )

        return await self.db.read(q)

    # ----- one interviewer's candidates --------------------------------------------------------
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

    # ----- actions ---------------------------------------------------------------------------
    async def _write(self, fn: Callable[[Session], list[int]]) -> list[int]:
        changed = await self.db.write(fn)
        if changed:
            self.bus.publish(InterviewersChanged(tuple(changed)))
        return changed

    async def expire_overdue(self) -> list[int]:
        """Mark active interviewers whose deadline passed as expired; returns their ids."""
        now = self.clock()

        def w(s: Session) -> list[int]:
            ids = list(s.scalars(select(Interviewer.id).where(_overdue(now))))
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(ids))):
                iv.status = InterviewerStatus.EXPIRED
            _audit(s, "interviewer.expire", ids)
            return ids

        return await self._write(w)

    async def archive(self, ids: Iterable[int]) -> list[int]:
        """Archive interviewers: their link stops, their data stays."""
        wanted, now = tuple(ids), self.clock()

        def w(s: Session) -> list[int]:
            changed = []
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(wanted))):
                if iv.status != InterviewerStatus.ARCHIVED:
                    iv.status, iv.archived_at = InterviewerStatus.ARCHIVED, now
                    changed.append(iv.id)
            _audit(s, "interviewer.archive", changed)
            return changed

        return await self._write(w)

    async def unarchive(self, ids: Iterable[int]) -> list[int]:
        """Bring archived interviewers back: active, or expired when the deadline has passed,
        or draft when they were never activated."""
        wanted, now = tuple(ids), self.clock()

        def w(s: Session) -> list[int]:
            changed = []
            for iv in s.scalars(select(Interviewer).where(Interviewer.id.in_(wanted))):
                if iv.status != InterviewerStatus.ARCHIVED:
                    continue
                if iv.activated_at is None:
                    iv.status = InterviewerStatus.DRAFT
                elif iv.deadline is not None and iv.deadline < now:
                    iv.status = InterviewerStatus.EXPIRED
                else:
                    iv.status = InterviewerStatus.ACTIVE
                iv.archived_at = None
                changed.append(iv.id)
            _audit(s, "interviewer.unarchive", changed)
            return changed

        return await self._write(w)

    async def extend_deadline(
        self, interviewer_id: int, *, days: int | None = None, until: dt.datetime | None = None
    ) -> dt.datetime:
        """Push the deadline ``days`` past the later of now and the current deadline, or to
        ``until``; an expired interviewer becomes active again. Returns the new deadline."""
        now = self.clock()
        if (days is None) == (until is None):
            raise ValueError("give either days or until")
        if days is not None and days <= 0:
            raise ValidationProblem("Extend the deadline by at least one day.")
        if until is not None and (until.tzinfo is None or until <= now):
            raise ValidationProblem("The new deadline must be in the future.")

        new_deadline: list[dt.datetime] = []

        def w(s: Session) -> list[int]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            start = max(now, iv.deadline) if iv.deadline is not None else now
            iv.deadline = until if until is not None else start + dt.timedelta(days=days or 0)
            # Drafts stay drafts and archived stays archived; only expiry is undone.
            if iv.status == InterviewerStatus.EXPIRED:
                iv.status = InterviewerStatus.ACTIVE
            _audit(s, "interviewer.extend_deadline", [iv.id], deadline=iv.deadline.isoformat())
            new_deadline.append(iv.deadline)
            return [iv.id]

        await self._write(w)
        return new_deadline[0]

    async def set_budget(self, interviewer_id: int, kind: BudgetKind | str,
                         cents: int | None) -> None:
        """Set the budget: none, all-time or daily, in integer cents."""
        try:
            kind = BudgetKind(kind)
        except ValueError:
            raise ValidationProblem(f"Unknown budget kind {kind!r}.") from None
        if kind == BudgetKind.NONE:
            cents = None
        elif cents is None:
            which = "a daily" if kind == BudgetKind.DAILY else "an all-time"
            raise ValidationProblem(f"Enter an amount for {which} budget.")
        elif not isinstance(cents, int) or isinstance(cents, bool):
            raise ValidationProblem("The budget must be a whole number of cents.")
        elif cents < 0:
            raise ValidationProblem("A budget can't be negative.")
        elif cents > MAX_BUDGET_CENTS:
            raise ValidationProblem("That budget is too large (at most $10,000,000).")

        def w(s: Session) -> list[int]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            iv.budget_kind, iv.budget_cents = kind, cents
            _audit(s, "interviewer.set_budget", [iv.id], kind=kind.value, cents=cents)
            return [iv.id]

        await self._write(w)

    async def clone(self, interviewer_id: int) -> int:
        """Copy an interviewer's stages, questions, settings, labels and subscribers into a new
        draft named "… (copy)" with a free "-copy" slug. No candidates, spend or ATS job link
        are copied; a deadline already passed becomes a month from now."""
        now = self.clock()

        def w(s: Session) -> list[int]:
            src = s.get(Interviewer, interviewer_id)
            if src is None:
                raise InterviewerNotFound("This interviewer no longer exists.")
            suffix = " (copy)"
            values = _copy_columns(src, {
                "id", "slug", "name", "status", "created_at", "activated_at", "archived_at",
                "ats_job_id", "ats_synced_at", "csat", "deadline",
            })
            new = Interviewer(
                **values, slug=_unique_slug(s, src.slug),
                name=src.name[: 120 - len(suffix)] + suffix, status=InterviewerStatus.DRAFT,
                created_at=now,
                deadline=(src.deadline if src.deadline is None or src.deadline > now
                          else now + dt.timedelta(days=30)),
            )
            for st in src.stages:
                stage = Stage(**_copy_columns(st, {"id", "interviewer_id", "flow_sid"}))
                for qq in st.questions:
                    stage.questions.append(
                        Question(**_copy_columns(qq, {"id", "stage_id", "receptionist_id"})))
                new.stages.append(stage)
            new.labels = list(src.labels)
            new.subscribers = [InterviewerSubscriber(email=x.email) for x in src.subscribers]
            s.add(new)
            s.flush()
            _audit(s, "interviewer.clone", [new.id], source=src.id)
            return [new.id]

        return (await self._write(w))[0]


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

