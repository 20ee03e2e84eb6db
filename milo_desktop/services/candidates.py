"""The Candidate Directory: everyone in the workspace, paged in SQL, and one candidate's profile.

``page`` is keyset-paged on the two directory indexes (ix_candidates_created for the Joined
sorts, ix_candidates_name_key for the Name sorts), so the first page and every later page cost
the same at a million candidates. Interview counts are computed for the page's ids only.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from sqlalchemy import ColumnElement, Select, bindparam, func, select, update
from sqlalchemy.orm import Session, configure_mappers

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    Interviewer,
    Message,
    Stage,
    StageResult,
)
from milo_desktop.services import search
from milo_desktop.services.database import Database
from milo_desktop.services.events import CandidatesChanged, EventBus
from milo_desktop.services.paging import Cursor, Page, PageQuery, keyset_after, page_from

NOTE_MAX_CHARS = 5000
MESSAGES_SHOWN = 500  # contact history kept in the profile; older messages are rare and bulky

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


class CandidateNotFound(EnvironmentProblem):
    """The candidate was erased or merged away while the user was looking at it."""

    title = "Candidate not found"


@lru_cache(maxsize=8192)
def format_phone(e164: str | None) -> str:
    """A stored E.164 number as people write it: "+1 214-555-0123", "+44 20 7946 0958".

    Unparseable values are shown as stored rather than hidden."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@dataclass(frozen=True)
class CandidateRow:
    """One directory row."""

    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    location: str | None
    source: CandidateSource
    joined: dt.datetime  # created_at, UTC
    interviews: int  # applications, any interviewer
    name_key: str  # the casefolded name the Name sorts use (part of the paging cursor)

    @property
    def phone_display(self) -> str:
        # Formatted on demand: phonenumbers costs ~70 µs a number, which would be a fifth of a
        # page fetch's budget for a column that is hidden by default.
        return format_phone(self.phone_e164)


@dataclass(frozen=True)
class AnswerView:
    question: str
    answer: str
    score: float | None  # 1-5 for scored questions
    passed: bool | None  # structured questions
    summary: str
    evidence: str
    evaluator: str | None


@dataclass(frozen=True)
class StageResultView:
    stage_name: str
    stage_kind: StageKind
    position: int
    status: StageStatus
    score: float | None  # 0-100
    structured_passed: int
    structured_total: int
    evaluator: str | None
    completed_at: dt.datetime | None
    answers: tuple[AnswerView, ...]


@dataclass(frozen=True)
class InterviewView:
    application_id: int
    interviewer_id: int
    interviewer_name: str
    status: ApplicationStatus
    score: float | None  # overall 0-100
    invited_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    stages: tuple[StageResultView, ...]


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    body: str
    created_at: dt.datetime
    application_id: int | None


@dataclass(frozen=True)
class MessageView:
    id: int
    channel: Channel
    direction: Direction
    purpose: str
    subject: str
    status: MessageStatus
    created_at: dt.datetime


@dataclass(frozen=True)
class CandidateProfile:
    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    phone_display: str
    location: str | None
    source: CandidateSource
    joined: dt.datetime
    ats_provider: str | None
    ats_candidate_id: str | None
    interviews: tuple[InterviewView, ...]
    notes: tuple[NoteView, ...]  # newest first
    messages: tuple[MessageView, ...]  # newest first


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
        value, last_id = bindparam("after_value"), bindparam("after_id")
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
        CandidateRow(cid, name, email, phone, location, source, joined, counts.get(cid, 0), key)
        for cid, name, email, phone, location, source, joined, key in found
    ]


class CandidateService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self.db = db
        self.bus = bus
        # SQLAlchemy configures all mappers on first use (~80 ms): pay it here, while the
        # workspace opens, rather than inside the directory's first paint.
        configure_mappers()

    # ----- directory --------------------------------------------------------------------------
    def _filters(self, filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        """WHERE clauses for the directory filters (the erased are excluded by the callers).

        ``search``: text matched against name, email and phone by the search index.
        ``joined_after`` / ``joined_before``: dates, both inclusive, meaning whole days in the
        user's time zone; this service turns them into UTC bounds (``tz`` in the filters, else
        the machine's zone). A tz-aware datetime is taken as an exact bound instead.
        """
        clauses: list[ColumnElement[bool]] = []
        text = str(filters.get("search") or "").strip()
        if text:
            match = search.candidate_match_clause(self.db.dialect, text)
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
        self, query: PageQuery, after: Cursor | None
    ) -> tuple[Select[Any], dict[str, Any]]:
        sort, descending = _resolve_sort(query)
        stmt = _page_statement(sort, descending, after is not None, query.limit)
        filters = self._filters(query.filters)
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
        stmt, params = self._page_query(query, after)
        by_name = _resolve_sort(query)[0] == SORT_NAME

        def cursor_of(row: CandidateRow) -> Cursor:
            return (row.name_key if by_name else row.joined, row.id)

        rows = await self.db.read(lambda s: _rows(s, stmt, params))
        return page_from(rows, query.limit, cursor_of)

    async def count(self, query: PageQuery) -> int:
        """How many candidates the query's filters match (for the "12,408 candidates" label).

        Slower than a page on big workspaces (a full count): call it after the first page."""
        where = [Candidate.erase_requested_at.is_(None), *self._filters(query.filters)]

        def q(s: Session) -> int:
            return int(s.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0)

        return await self.db.read(q)

    async def rows_by_ids(self, ids: Iterable[int]) -> tuple[CandidateRow, ...]:
        """Fresh directory rows for these candidates (erased ones are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return ()
        stmt = select(*_ROW_COLUMNS).where(
            Candidate.id.in_(wanted), Candidate.erase_requested_at.is_(None)
        )
        return tuple(await self.db.read(lambda s: _rows(s, stmt, {})))

    # ----- profile ------------------------------------------------------------------------------
    async def profile(self, candidate_id: int) -> CandidateProfile:
        """Everything the profile window shows about one candidate.

        Raises CandidateNotFound when the candidate does not exist or is being erased."""
        return await self.db.read(lambda s: _load_profile(s, candidate_id))

    async def add_note(
        self, candidate_id: int, body: str, *, application_id: int | None = None, author: str = ""
    ) -> NoteView:
        """Add a note to a candidate (and to one of its applications when ``application_id`` is
        given, which then shows "has notes" in that interviewer's Candidates tab).

        ``author`` defaults to the computer's user name. Raises ValidationProblem for an empty
        or over-long note, CandidateNotFound when the candidate is gone."""
        text = body.strip()
        if not text:
            raise ValidationProblem("Write something before saving the note.")
        if len(text) > NOTE_MAX_CHARS:
            raise ValidationProblem(
                f"A note can be at most {NOTE_MAX_CHARS:,} characters (this one has {len(text):,})."
            )
        who = (author or _default_author()).strip()[:120]

        def w(s: Session) -> NoteView:
            exists = s.scalar(
                select(Candidate.id).where(
                    Candidate.id == candidate_id, Candidate.erase_requested_at.is_(None)
                )
            )
            if exists is None:
                raise CandidateNotFound("This candidate no longer exists.")
            if application_id is not None:
                updated = s.execute(
                    update(Application)
                    .where(
                        Application.id == application_id, Application.candidate_id == candidate_id
                    )
                    .values(has_notes=True)
                )
                if not updated.rowcount:  # type: ignore[attr-defined]
                    raise ValidationProblem("That interview does not belong to this candidate.")
            note = CandidateNote(
                candidate_id=candidate_id, application_id=application_id, author=who, body=text
            )
            s.add(note)
            s.flush()
            return NoteView(note.id, note.author, note.body, note.created_at, application_id)

        note = await self.db.write(w)
        self.bus.publish(CandidatesChanged((candidate_id,)))
        return note


def _default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes: an unsigned note is fine
        return ""


def _load_profile(s: Session, candidate_id: int) -> CandidateProfile:
    c = s.get(Candidate, candidate_id)
    if c is None or c.erase_requested_at is not None:
        raise CandidateNotFound(
            "This candidate no longer exists. They may have been erased or merged."
        )
    apps = s.execute(
        select(Application, Interviewer.name)
        .join(Interviewer, Interviewer.id == Application.interviewer_id)
        .where(Application.candidate_id == candidate_id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    results = s.execute(
        select(StageResult, Stage)
        .join(Stage, Stage.id == StageResult.stage_id)
        .where(StageResult.application_id.in_([a.id for a, _ in apps]))
        .order_by(Stage.position, StageResult.id)
    ).all()
    answers = _answers_by_result(s, [r.id for r, _ in results])
    stages_by_app: dict[int, list[StageResultView]] = {}
    for r, stage in results:
        stages_by_app.setdefault(r.application_id, []).append(
            StageResultView(
                stage.name,
                stage.kind,
                stage.position,
                r.status,
                r.score,
                r.structured_passed,
                r.structured_total,
                r.evaluator,
                r.completed_at,
                tuple(answers.get(r.id, ())),
            )
        )
    interviews = tuple(
        InterviewView(
            a.id,
            a.interviewer_id,
            name,
            a.status,
            a.score,
            a.created_at,
            a.started_at,
            a.completed_at,
            tuple(stages_by_app.get(a.id, ())),
        )
        for a, name in apps
    )
    notes = tuple(
        NoteView(n.id, n.author, n.body, n.created_at, n.application_id)
        for n in s.scalars(
            select(CandidateNote)
            .where(CandidateNote.candidate_id == candidate_id)
            .order_by(CandidateNote.created_at.desc(), CandidateNote.id.desc())
        )
    )
    messages = tuple(
        MessageView(m.id, m.channel, m.direction, m.purpose, m.subject, m.status, m.created_at)
        for m in s.scalars(
            select(Message)
            .where(Message.candidate_id == candidate_id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(MESSAGES_SHOWN)
        )
    )
    return CandidateProfile(
        c.id,
        c.full_name,
        c.email,
        c.phone_e164,
        format_phone(c.phone_e164),
        c.location,
        c.source,
        c.created_at,
        c.ats_provider,
        c.ats_candidate_id,
        interviews,
        notes,
        messages,
    )


def _answers_by_result(s: Session, result_ids: Sequence[int]) -> dict[int, list[AnswerView]]:
    out: dict[int, list[AnswerView]] = {}
    if not result_ids:
        return out
    # Answers are written as the questions are asked: id order is interview order.
    stmt = (
        select(Answer)
        .where(Answer.stage_result_id.in_(result_ids))
        .order_by(Answer.stage_result_id, Answer.id)
    )
    for a in s.scalars(stmt):
        out.setdefault(a.stage_result_id or 0, []).append(
            AnswerView(
                a.question_text,
                a.answer_text,
                a.score,
                a.passed,
                a.summary,
                a.evidence,
                a.evaluator,
            )
        )
    return out
