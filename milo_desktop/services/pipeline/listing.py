"""The pipeline's reads: the tabs' counts, keyset pages newest first, rows by id, details.

Calls are thousands per workspace, not millions: the newest-first order walks
``ix_inbound_calls_started`` (or ``ix_inbound_calls_receptionist`` / ``ix_inbound_calls_review``
under those filters), and a search is a case-insensitive substring scan of the few columns it
covers (name, email, phone digits), cheap at that size and identical on both databases.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import CallReview, CallStatus, InterviewerStatus
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    InboundCall,
    Interviewer,
    Receptionist,
    ReceptionistInterviewer,
)
from milo_desktop.services.accepting import interviewer_accepts
from milo_desktop.services.candidates import format_phone
from milo_desktop.services.core.paging import keyset_after
from milo_desktop.services.pipeline.matching import call_match
from milo_desktop.services.pipeline.rows import (
    TABS,
    AnswerDetail,
    CallDetail,
    CallNotFound,
    CallRow,
    InterviewerChoice,
    LinkedCandidate,
)
from milo_desktop.services.search import like_escape

_PHONE_PUNCTUATION = set(" +-().")


def tab_clause(tab: str) -> ColumnElement[bool] | None:
    if tab in ("", "all"):
        return None
    if tab == "evaluated":
        return InboundCall.status == CallStatus.EVALUATED
    if tab in ("needs_review", "approved", "rejected"):
        return InboundCall.review == CallReview(tab)
    raise ValueError(f"unknown pipeline tab {tab!r}")


def search_clause(text: str) -> ColumnElement[bool] | None:
    """Name, email or the number as the caller gave it containing ``text`` (any case);
    phone-like text ("214-555", "(404) 555") also matches its digits inside the caller's E.164
    number."""
    text = (text or "").strip()
    if not text:
        return None
    pattern = "%" + like_escape(text) + "%"
    clauses: list[ColumnElement[bool]] = [
        InboundCall.caller_name.ilike(pattern, escape="\\"),
        InboundCall.email.ilike(pattern, escape="\\"),
        # An unverified number as the caller gave it ("anonymous", "+1 (555) 01").
        InboundCall.caller_number_raw.ilike(pattern, escape="\\"),
        InboundCall.callback_number_raw.ilike(pattern, escape="\\"),
    ]
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    if len(digits) >= 3 and all(ch.isdigit() or ch in _PHONE_PUNCTUATION for ch in text):
        clauses.append(InboundCall.from_e164.like(f"%{digits}%"))
    return or_(*clauses)


def filter_clauses(filters: Mapping[str, Any], *, with_tab: bool = True) -> list[Any]:
    """WHERE clauses for ``filters``: ``tab`` (see TABS), ``search``, ``receptionist_id``."""
    clauses: list[Any] = []
    if with_tab:
        tab = tab_clause(str(filters.get("tab") or "all"))
        if tab is not None:
            clauses.append(tab)
    search = search_clause(str(filters.get("search") or ""))
    if search is not None:
        clauses.append(search)
    receptionist = filters.get("receptionist_id")
    if receptionist not in (None, ""):
        clauses.append(InboundCall.receptionist_id == int(receptionist))
    return clauses


_ROW_COLUMNS = (
    InboundCall.id,
    InboundCall.receptionist_id,
    Receptionist.name,
    InboundCall.caller_name,
    InboundCall.from_e164,
    InboundCall.email,
    InboundCall.location,
    InboundCall.status,
    InboundCall.review,
    InboundCall.started_at,
    InboundCall.duration_s,
    InboundCall.evaluations,
    InboundCall.recording_sid,
    InboundCall.recording_path,
    InboundCall.score,
    InboundCall.candidate_id,
    InboundCall.read_at,
    InboundCall.callback_number_raw,
    InboundCall.caller_number_raw,
    InboundCall.number_unverified,
)


def _row_select() -> Select[Any]:
    return select(*_ROW_COLUMNS).join(Receptionist, Receptionist.id == InboundCall.receptionist_id)


def _to_row(r: Any) -> CallRow:
    (cid, rid, rname, name, phone, email, location, status, review, started, duration,
     evaluations, rec_sid, rec_path, score, candidate_id, read_at, typed, caller_id,
     unverified) = r
    return CallRow(
        id=cid, receptionist_id=rid, receptionist_name=rname, caller_name=name or "",
        from_e164=phone, email=email, location=location, status=CallStatus(status),
        review=CallReview(review), started_at=started, duration_s=duration,
        evaluations=evaluations or 0, has_recording=bool(rec_sid or rec_path), score=score,
        candidate_id=candidate_id, unread=read_at is None,
        number_raw=typed or caller_id, number_unverified=bool(unverified),
    )


def page_rows(s: Session, filters: Mapping[str, Any], after: Sequence[Any] | None,
              limit: int) -> list[CallRow]:
    stmt = _row_select().where(*filter_clauses(filters))
    if after is not None:
        stmt = stmt.where(keyset_after([InboundCall.started_at, InboundCall.id], tuple(after),
                                       descending=True))
    stmt = stmt.order_by(InboundCall.started_at.desc(), InboundCall.id.desc()).limit(limit + 1)
    return [_to_row(r) for r in s.execute(stmt)]


def rows_by_ids(s: Session, ids: Iterable[int]) -> list[CallRow]:
    wanted = tuple(ids)
    if not wanted:
        return []
    return [_to_row(r) for r in s.execute(_row_select().where(InboundCall.id.in_(wanted)))]


def rows_matching(s: Session, filters: Mapping[str, Any], ids: Iterable[int]) -> list[CallRow]:
    wanted = tuple(ids)
    if not wanted:
        return []
    stmt = _row_select().where(InboundCall.id.in_(wanted), *filter_clauses(filters))
    return [_to_row(r) for r in s.execute(stmt)]


def tab_counts(s: Session, filters: Mapping[str, Any]) -> dict[str, int]:
    """Every tab's count under the search and receptionist filter, in one grouped scan."""

    def n(clause: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((clause, 1), else_=0)), 0)

    stmt = select(
        func.count(),
        *(n(clause) for tab in TABS[1:] if (clause := tab_clause(tab)) is not None),
    ).select_from(InboundCall).where(*filter_clauses(filters, with_tab=False))
    values = s.execute(stmt).one()
    return {tab: int(v) for tab, v in zip(TABS, values, strict=True)}


def interviewer_usable(iv: Interviewer, now: Any) -> bool:
    """Whether new candidates may be invited: it accepts candidates (active, deadline not
    passed: ``services/accepting.py``, the rule every routing target obeys)."""
    return interviewer_accepts(iv, now)


def call_candidate(s: Session, call: InboundCall) -> tuple[Candidate | None, bool]:
    """The candidate linked to the call, or else the one that matches it (same email, or same
    phone and name: ``matching.py``); and whether linked. A same-phone candidate under another
    name is no match here (``call_match`` reports it as possible)."""
    match, linked = call_match(s, call)
    return match.candidate, linked


def unverified_warning(call: InboundCall, candidate: Candidate | None) -> str:
    """What inviting a caller whose number did not normalise would do, in the user's words
    (the question before ``confirm_unverified``)."""
    typed, given = call.callback_number_raw, call.callback_number_raw or call.caller_number_raw
    if candidate is not None:
        return (f"The caller's number “{given or ''}” is not a phone number. They match "
                f"{candidate.full_name} in your directory, whose own phone and email are used.")
    if typed and call.from_e164:
        return (f"The caller typed “{typed}” as their callback number, which is not a phone "
                f"number. The invitation would be texted to the number they called from, "
                f"{format_phone(call.from_e164)}, instead.")
    if call.email:
        return (f"The caller's number “{given or ''}” is not a phone number: the invitation "
                f"would go by email only, to {call.email}.")
    return f"The caller's number “{given or ''}” is not a phone number."


def details(s: Session, call_id: int, now: Any) -> CallDetail:
    found = rows_by_ids(s, [call_id])
    call = s.get(InboundCall, call_id)
    if not found or call is None:
        raise CallNotFound("This call no longer exists.")
    answers = tuple(
        AnswerDetail(a.question_text, a.answer_text, a.passed, a.score, a.summary, a.evidence,
                     a.evaluator)
        for a in s.scalars(select(Answer).where(Answer.inbound_call_id == call_id)
                           .order_by(Answer.id))
    )
    match, linked = call_match(s, call)
    candidate, possible = match.candidate, match.possible
    invited: set[int] = set()
    if candidate is not None:
        invited = set(s.scalars(select(Application.interviewer_id)
                                .where(Application.candidate_id == candidate.id)))
    receptionist = s.get(Receptionist, call.receptionist_id)
    default_id = receptionist.default_interviewer_id if receptionist is not None else None
    choices = tuple(
        InterviewerChoice(iv.id, iv.name, InterviewerStatus(iv.status),
                          interviewer_usable(iv, now), iv.id in invited, iv.id == default_id)
        for iv in s.scalars(
            select(Interviewer)
            .join(ReceptionistInterviewer, and_(
                ReceptionistInterviewer.interviewer_id == Interviewer.id,
                ReceptionistInterviewer.receptionist_id == call.receptionist_id))
            .order_by(Interviewer.name, Interviewer.id))
    )
    path = call.recording_path
    return CallDetail(
        row=found[0], answers=answers, transcript=call.transcript or "",
        recording_sid=call.recording_sid, recording_path=path,
        recording_exists=path is not None and os.path.isfile(path),
        ended_at=call.ended_at,
        candidate=None if candidate is None else LinkedCandidate(
            candidate.id, candidate.full_name, candidate.email, candidate.phone_e164, linked),
        possible_match=None if possible is None else LinkedCandidate(
            possible.id, possible.full_name, possible.email, possible.phone_e164, False),
        interviewers=choices, routed_interviewer_id=call.routed_interviewer_id,
        caller_number_raw=call.caller_number_raw, callback_number_raw=call.callback_number_raw,
        number_warning=unverified_warning(call, candidate) if call.number_unverified else None,
    )
