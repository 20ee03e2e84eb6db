"""PipelineService on SQLite and PostgreSQL: tab counts, newest-first keyset pages, search by
name / email / phone digits, the receptionist filter, details, approve / reject, and ingest
(linking the directory's candidate, never inviting twice, the outbox in the same transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from milo_desktop.enums import CallReview, CallStatus, CandidateSource, InterviewerStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Answer,
    Application,
    AuditEntry,
    Candidate,
    InboundCall,
    OutboxItem,
    Receptionist,
    ReceptionistInterviewer,
)
from milo_desktop.services.core.events import CallUpdated, CandidatesChanged
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.pipeline import INVITATION, CallNotFound, PipelineService
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

MIN = dt.timedelta(minutes=1)
# (status, review) of the 12 calls of `seed`: 8 evaluated (4 needs review, 2 approved,
# 2 rejected) and 4 not evaluated yet.
MIX = [
    (CallStatus.EVALUATED, CallReview.NEEDS_REVIEW),
    (CallStatus.EVALUATED, CallReview.NEEDS_REVIEW),
    (CallStatus.EVALUATED, CallReview.NEEDS_REVIEW),
    (CallStatus.EVALUATED, CallReview.APPROVED),
    (CallStatus.EVALUATED, CallReview.APPROVED),
    (CallStatus.EVALUATED, CallReview.REJECTED),
    (CallStatus.EVALUATED, CallReview.REJECTED),
    (CallStatus.AWAITING_CONFIRMATION, CallReview.PENDING),
    (CallStatus.CONFIRMED, CallReview.PENDING),
    (CallStatus.PROCESSING, CallReview.PENDING),
    (CallStatus.EVALUATED, CallReview.NEEDS_REVIEW),
    (CallStatus.AWAITING_CONFIRMATION, CallReview.PENDING),
]


def add_receptionist(ws: Workspace, name: str, phone: str, interviewers: list[int]) -> int:
    def w(s: Any) -> int:
        r = Receptionist(name=name, agent_name="Ava", phone_number=phone,
                         default_interviewer_id=interviewers[0] if interviewers else None)
        s.add(r)
        s.flush()
        s.add_all(ReceptionistInterviewer(receptionist_id=r.id, interviewer_id=i)
                  for i in interviewers)
        return r.id

    return ws.db.run_sync(w, write=True)


def add_call(ws: Workspace, receptionist_id: int, name: str, phone: str | None,
             email: str | None, started: dt.datetime, status: CallStatus = CallStatus.EVALUATED,
             review: CallReview = CallReview.NEEDS_REVIEW, answers: int = 0, **kw: Any) -> int:
    def w(s: Any) -> int:
        c = InboundCall(receptionist_id=receptionist_id, caller_name=name, from_e164=phone,
                        email=email, status=status, review=review, started_at=started, **kw)
        s.add(c)
        s.flush()
        for i in range(answers):
            s.add(Answer(inbound_call_id=c.id, question_text=f"Question {i + 1}?",
                         answer_text=f"Answer {i + 1}", passed=i % 2 == 0,
                         summary=f"Summary {i + 1}", evidence=f"Caller: answer {i + 1}",
                         evaluator="rules"))
        return c.id

    return ws.db.run_sync(w, write=True)


@pytest.fixture
def svc(workspace: Workspace) -> PipelineService:
    return PipelineService(workspace.db, workspace.bus, clock=lambda: NOW)


def seed(ws: Workspace) -> dict[str, Any]:
    fork = make_interviewer(ws, "Forklift Operator")
    ware = make_interviewer(ws, "Warehouse Associate")
    old = make_interviewer(ws, "Old Role", status=InterviewerStatus.ARCHIVED)
    late = make_interviewer(ws, "Line Cook", deadline=NOW - dt.timedelta(days=1))
    nurse = make_interviewer(ws, "Night Nurse")
    dallas = add_receptionist(ws, "Dallas Line", "+12145550197", [fork, ware, old, late])
    health = add_receptionist(ws, "Health Desk", "+14045550198", [nurse])
    calls = []
    for i, (status, review) in enumerate(MIX):
        calls.append(add_call(
            ws, dallas if i % 3 else health, f"Caller {i:02d}", f"+1214555{i:04d}",
            f"caller{i:02d}@mail.example", NOW - i * MIN, status, review))
    return {"fork": fork, "ware": ware, "old": old, "late": late, "nurse": nurse,
            "dallas": dallas, "health": health, "calls": calls}


def q(**filters: Any) -> PageQuery:
    return PageQuery("started", True, filters, limit=5)


def all_rows(arun: Any, svc: PipelineService, **filters: Any) -> list[Any]:
    rows, cursor = [], None
    while True:
        page = arun(svc.page(q(**filters), cursor))
        rows += page.rows
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor


def test_tab_counts_and_filters(workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    ids = seed(workspace)
    counts = arun(svc.tab_counts({}))
    assert counts == {"all": 12, "evaluated": 8, "needs_review": 4, "approved": 2, "rejected": 2}
    # The tab filter itself is ignored; the others narrow every count.
    dallas = arun(svc.tab_counts({"receptionist_id": ids["dallas"], "tab": "approved"}))
    assert dallas["all"] == 8 and sum(dallas[t] for t in ("needs_review", "approved",
                                                           "rejected")) <= dallas["evaluated"]
    assert arun(svc.tab_counts({"search": "Caller 03"})) == {
        "all": 1, "evaluated": 1, "needs_review": 0, "approved": 1, "rejected": 0}
    for tab in ("needs_review", "approved", "rejected", "evaluated"):
        rows = all_rows(arun, svc, tab=tab)
        assert len(rows) == counts[tab]
        if tab == "evaluated":
            assert all(r.status == CallStatus.EVALUATED for r in rows)
        else:
            assert all(r.review == CallReview(tab) for r in rows)


def test_pages_newest_first_without_duplicates(workspace: Workspace, svc: PipelineService,
                                               arun: Any) -> None:
    ids = seed(workspace)
    # Two calls at the very same instant: the id breaks the tie, none is lost or repeated.
    twin = add_call(workspace, ids["dallas"], "Twin", "+12145559999", None, NOW - 4 * MIN)
    rows = all_rows(arun, svc)
    assert len(rows) == 13 == len({r.id for r in rows})
    keys = [(r.started_at, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert twin in {r.id for r in rows}
    first = rows[0]
    assert first.caller_name == "Caller 00" and first.receptionist_name == "Health Desk"
    assert first.phone_display == "+1 214-555-0000" and first.from_e164 == "+12145550000"


def test_search_by_phone_digits_name_and_email(workspace: Workspace, svc: PipelineService,
                                               arun: Any) -> None:
    seed(workspace)
    add_call(workspace, 1, "Ana Núñez", "+14045551234", "Ana.Nunez@Mail.example",
             NOW + MIN)
    names = lambda **f: {r.caller_name for r in all_rows(arun, svc, **f)}  # noqa: E731
    assert names(search="(404) 555-12") == {"Ana Núñez"}
    assert names(search="555-1234") == {"Ana Núñez"}
    assert names(search="caller 1") == {"Caller 10", "Caller 11"}
    assert names(search="nunez@mail") == {"Ana Núñez"}
    assert names(search="CALLER07@MAIL") == {"Caller 07"}
    assert names(search="100%") == set()  # LIKE wildcards are literal
    assert names(search="nobody") == set()


def test_receptionist_filter(workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    ids = seed(workspace)
    rows = all_rows(arun, svc, receptionist_id=ids["health"])
    assert len(rows) == 4 and {r.receptionist_name for r in rows} == {"Health Desk"}
    rows = all_rows(arun, svc, receptionist_id=ids["dallas"], tab="needs_review")
    assert rows and all(r.receptionist_id == ids["dallas"] and
                        r.review == CallReview.NEEDS_REVIEW for r in rows)


def test_details(workspace: Workspace, svc: PipelineService, arun: Any,
                 tmp_path: Any) -> None:
    ids = seed(workspace)
    audio = tmp_path / "rec.wav"
    audio.write_bytes(b"RIFF")
    call = add_call(workspace, ids["dallas"], "Dee Park", "+12145550777", "dee@mail.example",
                    NOW, answers=3, transcript="Agent: hi\nCaller: hello", recording_sid="RE1",
                    recording_path=str(audio), duration_s=154, evaluations=3)
    cid = make_candidate(workspace, "Dee Park", "DEE@mail.example")
    make_application(workspace, cid, ids["fork"])
    d = arun(svc.details(call))
    assert [a.question for a in d.answers] == ["Question 1?", "Question 2?", "Question 3?"]
    assert d.answers[0].passed is True and d.answers[1].passed is False
    assert d.answers[0].evidence == "Caller: answer 1" and d.answers[0].evaluator == "rules"
    assert d.transcript.startswith("Agent: hi") and d.recording_exists
    assert d.row.has_recording and d.row.duration_s == 154 and d.row.evaluations == 3
    assert d.candidate is not None and d.candidate.id == cid and not d.candidate.linked
    by_name = {c.name: c for c in d.interviewers}
    assert set(by_name) == {"Forklift Operator", "Warehouse Associate", "Old Role", "Line Cook"}
    assert by_name["Forklift Operator"].already_invited and by_name["Forklift Operator"].is_default
    assert not by_name["Old Role"].usable and not by_name["Line Cook"].usable
    assert by_name["Warehouse Associate"].usable and not by_name["Warehouse Associate"].already_invited
    missing = add_call(workspace, ids["dallas"], "X", "+1", None, NOW,
                       recording_path=str(tmp_path / "gone.wav"))
    assert not arun(svc.details(missing)).recording_exists
    with pytest.raises(CallNotFound):
        arun(svc.details(99999))


def _count(ws: Workspace, model: Any, *where: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)
                                             .where(*where)))


def test_approve_and_reject(workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    ids = seed(workspace)
    events: list[Any] = []
    workspace.bus.subscribe(CallUpdated, events.append)
    call = ids["calls"][0]
    row = arun(svc.approve(call))
    assert row.review == CallReview.APPROVED and not row.unread
    assert arun(svc.reject(call)).review == CallReview.REJECTED
    assert events == [CallUpdated(call), CallUpdated(call)]
    actions = workspace.db.run_sync(lambda s: list(s.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == call).order_by(AuditEntry.id))))
    assert actions == ["call.approved", "call.rejected"]
    assert _count(workspace, OutboxItem) == 0  # approving alone invites nobody
    with pytest.raises(CallNotFound):
        arun(svc.approve(424242))


def test_ingest_creates_candidate_application_and_outbox(
        workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    ids = seed(workspace)
    changed: list[Any] = []
    workspace.bus.subscribe(CandidatesChanged, changed.append)
    call = ids["calls"][1]  # Caller 01, Dallas, needs review
    result = arun(svc.ingest(call, ids["ware"]))
    assert result.candidate_created and not result.already_invited and result.outbox_id
    assert result.interviewer_name == "Warehouse Associate"
    cand = workspace.db.run_sync(lambda s: s.get(Candidate, result.candidate_id))
    assert (cand.full_name, cand.phone_e164, cand.email, cand.source) == (
        "Caller 01", "+12145550001", "caller01@mail.example", CandidateSource.PHONE)
    app = workspace.db.run_sync(lambda s: s.get(Application, result.application_id))
    assert (app.interviewer_id, app.source) == (ids["ware"], CandidateSource.PHONE)
    item = workspace.db.run_sync(lambda s: s.get(OutboxItem, result.outbox_id))
    assert item.kind == INVITATION
    assert item.payload["candidate_id"] == cand.id and item.payload["interviewer_id"] == ids["ware"]
    assert item.payload["channel"] == "email" and item.payload["channels"] == ["email", "sms"]
    row = arun(svc.rows_by_ids([call]))[0]
    assert row.review == CallReview.APPROVED and row.candidate_id == cand.id
    assert changed == [CandidatesChanged((cand.id,))]

    # Again, to the same interviewer: approved and linked, but not invited twice.
    again = arun(svc.ingest(call, ids["ware"]))
    assert again.already_invited and again.outbox_id is None
    assert again.candidate_id == cand.id and not again.candidate_created
    assert _count(workspace, OutboxItem) == 1
    assert _count(workspace, Application, Application.candidate_id == cand.id) == 1
    # To another of the receptionist's interviewers: a second invitation, another key.
    other = arun(svc.ingest(call, ids["fork"]))
    assert not other.already_invited and other.outbox_id
    keys = workspace.db.run_sync(lambda s: set(s.scalars(select(OutboxItem.idempotency_key))))
    assert len(keys) == 2


@pytest.mark.parametrize("match", ["phone", "email"])
def test_ingest_links_existing_candidate(workspace: Workspace, svc: PipelineService, arun: Any,
                                         match: str) -> None:
    ids = seed(workspace)
    if match == "phone":  # the same number and the same name (give or take case)
        existing = make_candidate(workspace, "caller 04", "other@x.example",
                                  phone_e164="+12145550004")
    else:  # the same email and a name that agrees
        existing = make_candidate(workspace, "Caller 04", "CALLER04@mail.example")
    make_application(workspace, existing, ids["fork"])
    before = _count(workspace, Candidate)
    result = arun(svc.ingest(ids["calls"][4], ids["fork"]))
    assert result.candidate_id == existing and not result.candidate_created
    assert result.already_invited and result.outbox_id is None
    assert _count(workspace, Candidate) == before
    assert _count(workspace, OutboxItem) == 0


def test_ingest_never_links_the_same_email_under_another_name(
        workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    """Issue 11: a key match whose names differ is a possible duplicate, never a link."""
    from milo_desktop.models import PossibleDuplicate

    ids = seed(workspace)
    existing = make_candidate(workspace, "Known Person", "CALLER04@mail.example")
    result = arun(svc.ingest(ids["calls"][4], ids["fork"]))
    assert result.candidate_created and result.candidate_id != existing
    pair = workspace.db.run_sync(lambda s: s.scalars(select(PossibleDuplicate)).one())
    assert {pair.candidate_id, pair.other_id} == {existing, result.candidate_id}
    assert pair.key == "email" and pair.source == "call"


def test_ingest_refuses_unusable_interviewers(workspace: Workspace, svc: PipelineService,
                                              arun: Any) -> None:
    ids = seed(workspace)
    call = ids["calls"][1]
    for key, words in (("old", "archived"), ("late", "expired"), ("nurse", "not one")):
        with pytest.raises(ValidationProblem, match=words):
            arun(svc.ingest(call, ids[key]))
    # Nothing of a refused ingest was written.
    assert _count(workspace, Candidate) == 0 and _count(workspace, OutboxItem) == 0
    assert arun(svc.rows_by_ids([call]))[0].review == CallReview.NEEDS_REVIEW


def test_ingest_is_one_transaction(workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    """A failing outbox insert (its idempotency key already taken) rolls back the candidate,
    the application and the call's approval with it."""
    ids = seed(workspace)

    def clash(s: Any) -> None:
        next_app = (s.scalar(select(func.max(Application.id))) or 0) + 1
        s.add(OutboxItem(kind="sms", payload={}, idempotency_key=f"invitation:application:{next_app}"))

    workspace.db.run_sync(clash, write=True)
    with pytest.raises(IntegrityError):
        arun(svc.ingest(ids["calls"][1], ids["ware"]))
    assert _count(workspace, Candidate) == 0 and _count(workspace, Application) == 0
    assert _count(workspace, OutboxItem) == 1
    assert arun(svc.rows_by_ids([ids["calls"][1]]))[0].review == CallReview.NEEDS_REVIEW


def test_mark_read_and_unread_count(workspace: Workspace, svc: PipelineService, arun: Any) -> None:
    ids = seed(workspace)
    assert arun(svc.unread_count()) == 12
    assert arun(svc.mark_read(ids["calls"][:3])) == ids["calls"][:3]
    assert arun(svc.mark_read(ids["calls"][:3])) == []
    assert arun(svc.unread_count()) == 9
    assert [r.name for r in arun(svc.receptionists())] == ["Dallas Line", "Health Desk"]
