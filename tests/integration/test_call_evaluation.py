"""Call evaluation end to end over real sockets: a receptionist row with questions, its flow
compiled and published to the sandbox, inbound calls placed with scripted answers, one
TwilioSync round with the evaluator as its hook → answers evaluated, routed, linked to the
directory, invited through the outbox, notified; evaluating again changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import (
    CallReview,
    CallStatus,
    CandidateSource,
    NotificationKind,
    QuestionKind,
)
from milo_desktop.models import (
    Answer,
    Application,
    AuditEntry,
    Candidate,
    InboundCall,
    Notification,
    OutboxItem,
    Question,
    Receptionist,
    ReceptionistInterviewer,
)
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.call_evaluation import CallEvaluator, build_transcript
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.core.events import CallUpdated, CandidatesChanged, NotificationAdded
from milo_desktop.services.flows import QuestionSpec, ReceptionistConfig, compile_receptionist
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer

NUMBER = "+15550001111"
DANA = "+12145550142"  # valid (fictional 555-01xx): a caller ID that normalises
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
LICENSE = "Do you have a valid driver's license?"
YEARS = "How many years of warehouse experience do you have?"
SHIFT = "Which shift can you work?"
FORKLIFT = "Tell me about your experience operating a forklift."
STRONG_STORY = ("I have operated forklifts and pallet jacks for five years at a busy distribution "
                "center, I am OSHA certified and kept a perfect safety record, for example I "
                "trained new drivers on the loading docks.")


@dataclass(frozen=True)
class Desk:
    receptionist_id: int
    interviewer_id: int
    questions: dict[str, int]  # "license" / "years" / "shift" / "forklift" → question id


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def connector(sb: TwilioSandbox) -> TwilioConnector:
    creds = TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token)
    return TwilioConnector(creds, ApiBases(sb.base_url, sb.base_url), policy=FAST)


async def make_connector(sb: TwilioSandbox) -> TwilioConnector:
    return connector(sb)


def add_front_desk(ws: Workspace, *, manual_approval: bool) -> Desk:
    interviewer = make_interviewer(ws, "Forklift Operator", deadline=None)

    def write(s: Any) -> Desk:
        r = Receptionist(name="Front desk", agent_name="Milo", phone_number=NUMBER,
                         intro_message="Thanks for calling Acme Staffing.",
                         manual_approval=manual_approval, routing_threshold=70,
                         default_interviewer_id=interviewer,
                         disclosures={"ai_nature": True, "recording": True,
                                      "collect_location": True})
        s.add(r)
        s.flush()
        s.add(ReceptionistInterviewer(receptionist_id=r.id, interviewer_id=interviewer))
        rows = {
            "license": Question(kind=QuestionKind.YES_NO, prompt=LICENSE, expected_yes=True,
                                dealbreaker=True),
            "years": Question(kind=QuestionKind.MIN_AMOUNT, prompt=YEARS, min_value=2,
                              unit="years"),
            "shift": Question(kind=QuestionKind.MULTIPLE_CHOICE, prompt=SHIFT,
                              choices=["Days", "Nights", "Weekends"],
                              accepted_choices=["Days", "Nights"]),
            "forklift": Question(kind=QuestionKind.SCORED, prompt=FORKLIFT, weight=1.0,
                                 rubric_low="No forklift experience, vague answer.",
                                 rubric_high="Several years operating forklifts and pallet "
                                             "jacks, certified, safety record, specific "
                                             "examples."),
        }
        for position, q in enumerate(rows.values()):
            q.receptionist_id, q.position = r.id, position
            s.add(q)
        s.flush()
        return Desk(r.id, interviewer, {k: q.id for k, q in rows.items()})

    return ws.db.run_sync(write, write=True)


def flow_config(ws: Workspace, desk: Desk) -> ReceptionistConfig:
    """The receptionist as the wizard would compile it (question ids = database ids)."""
    def read(s: Any) -> tuple[QuestionSpec, ...]:
        rows = s.scalars(select(Question).where(Question.receptionist_id == desk.receptionist_id)
                         .order_by(Question.position)).all()
        return tuple(QuestionSpec(str(q.id), q.kind, q.prompt, expected_yes=q.expected_yes,
                                  min_value=q.min_value, unit=q.unit, choices=tuple(q.choices),
                                  accepted_choices=tuple(q.accepted_choices),
                                  dealbreaker=q.dealbreaker, weight=q.weight) for q in rows)
    return ReceptionistConfig(agent_name="Milo", intro_message="Thanks for calling Acme Staffing.",
                              questions=ws.db.run_sync(read), collect_location=True)


async def publish(sb: TwilioSandbox, ws: Workspace, desk: Desk) -> None:
    async with connector(sb) as tw:
        flow = await tw.create_flow("Front desk", compile_receptionist(flow_config(ws, desk)))
        [number] = await tw.list_numbers()
        await tw.point_number(number.sid, flow.webhook_url, flow.webhook_url)

    def store(s: Any) -> None:
        s.get(Receptionist, desk.receptionist_id).flow_sid = flow.sid
    await ws.db.write(store)


def script(desk: Desk, *, license: str = "yeah I do", years: str = "about three years",
           shift: str = "1", story: str = STRONG_STORY, name: str = "Dana Ruiz") -> dict[str, str]:
    q = desk.questions
    return {"ask_name": name, "ask_location": "Austin", f"q_{q['license']}": license,
            f"q_{q['years']}": years, f"q_{q['shift']}": shift, f"q_{q['forklift']}": story,
            "voicemail": "4"}


class Recorder:
    def __init__(self, ws: Workspace) -> None:
        self.events: list[Any] = []
        for kind in (CallUpdated, CandidatesChanged, NotificationAdded):
            ws.bus.subscribe(kind, self.events.append)

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


async def sync_round(ws: Workspace, sb: TwilioSandbox, tmp_path: Path,
                     evaluator: CallEvaluator) -> None:
    job = TwilioSync(ws.db, tmp_path, lambda: make_connector(sb), evaluate=evaluator.evaluate)
    await job.run(lambda _n: None)


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model).where(*where)))


def calls(ws: Workspace) -> list[InboundCall]:
    return ws.db.run_sync(lambda s: list(s.scalars(select(InboundCall).order_by(InboundCall.id))))


def answers(ws: Workspace, call_id: int) -> dict[str, Answer]:
    return ws.db.run_sync(lambda s: {a.question_text: a for a in s.scalars(
        select(Answer).where(Answer.inbound_call_id == call_id))})


def notifications(ws: Workspace) -> list[Notification]:
    return ws.db.run_sync(lambda s: list(s.scalars(select(Notification)
                                                   .order_by(Notification.id))))


def run_calls(ws: Workspace, sb: TwilioSandbox, tmp_path: Path, arun: Any, desk: Desk,
              scripts: list[tuple[str, dict[str, str]]], **kw: Any) -> CallEvaluator:
    """Publish, place the calls, run one sync round that evaluates them."""
    async def go() -> CallEvaluator:
        await publish(sb, ws, desk)
        for phone, answers_ in scripts:
            sb.place_inbound_call(NUMBER, phone, "Dana", answers_)
        tw = connector(sb)
        evaluator = CallEvaluator(ws.db, ws.bus, ws.notifications, tw.execution_context, **kw)
        try:
            await sync_round(ws, sb, tmp_path, evaluator)
        finally:
            await tw.aclose()
        return evaluator
    return arun(go())


def test_strong_caller_is_evaluated_approved_and_invited_once(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    desk = add_front_desk(workspace, manual_approval=False)
    seen = Recorder(workspace)
    evaluator = run_calls(workspace, sandbox, tmp_path, arun, desk, [(DANA, script(desk))])

    [call] = calls(workspace)
    assert call.status == CallStatus.EVALUATED and call.review == CallReview.APPROVED
    assert (call.caller_name, call.from_e164, call.location) == ("Dana Ruiz", DANA, "Austin")
    assert call.evaluations == 4 and call.score is not None and call.score >= 70
    got = answers(workspace, call.id)
    assert set(got) == {LICENSE, YEARS, SHIFT, FORKLIFT}
    lic, years, shift, story = got[LICENSE], got[YEARS], got[SHIFT], got[FORKLIFT]
    assert (lic.answer_text, lic.passed, lic.evaluator) == ("yeah I do", True, "structured")
    assert "yes" in lic.summary and lic.evidence == "yeah I do"
    assert years.passed is True and "3 years" in years.summary and "2-year minimum" in years.summary
    assert shift.passed is True and "Days" in shift.summary and shift.answer_text == "1"
    assert story.evaluator == "rubric" and story.score is not None and story.score >= 4
    assert story.passed is None and "OSHA certified" in story.evidence
    assert all(a.question_id in desk.questions.values() for a in got.values())
    # The transcript: what the agent said and the caller's answers, in order.
    lines = call.transcript.splitlines()
    assert lines[0].startswith("Agent: Thanks for calling Acme Staffing.")
    said = [line for line in lines if line.startswith("Caller: ")]
    assert said[:2] == ["Caller: Dana Ruiz", "Caller: (no answer)"]  # waited: caller ID used
    assert said[2:6] == ["Caller: Austin", "Caller: yeah I do", "Caller: about three years",
                         "Caller: [keypad] 1"]
    assert lines.index(f"Caller: {STRONG_STORY}") == lines.index(f"Agent: {FORKLIFT}") + 1
    texts = [x for x in lines if "(text)" in x]
    assert texts[0].startswith("Agent (text): Hi, this is Milo. Here is what I took down.")
    assert texts[1:] == ["Caller (text): YES",
                         "Agent (text): Thanks, you are all set. A recruiter will be in touch."]

    [candidate] = workspace.db.run_sync(lambda s: list(s.scalars(select(Candidate))))
    assert (candidate.full_name, candidate.phone_e164, candidate.source) == (
        "Dana Ruiz", DANA, CandidateSource.PHONE)
    assert call.candidate_id == candidate.id and call.routed_interviewer_id == desk.interviewer_id
    [app] = workspace.db.run_sync(lambda s: list(s.scalars(select(Application))))
    assert (app.candidate_id, app.interviewer_id, app.source) == (
        candidate.id, desk.interviewer_id, CandidateSource.PHONE)
    [item] = workspace.db.run_sync(lambda s: list(s.scalars(select(OutboxItem))))
    assert item.kind == "invitation" and item.idempotency_key == f"invitation:application:{app.id}"
    assert item.payload == {"candidate_id": candidate.id, "interviewer_id": desk.interviewer_id,
                            "application_id": app.id, "inbound_call_id": call.id,
                            "channel": "sms", "channels": ["sms"]}
    [note] = notifications(workspace)
    assert note.kind == NotificationKind.COMPLETED
    assert note.title == "Dana Ruiz was approved — Front desk"
    assert "meets the threshold of 70" in note.body and "Forklift Operator" in note.body
    assert (note.inbound_call_id, note.candidate_id) == (call.id, candidate.id)
    assert [e.id for e in seen.of(NotificationAdded)] == [note.id]
    assert [e.id for e in seen.of(CallUpdated)] == [call.id]
    assert [e.ids for e in seen.of(CandidatesChanged)] == [(candidate.id,)]
    [entry] = workspace.db.run_sync(lambda s: list(s.scalars(
        select(AuditEntry).where(AuditEntry.action == "call.evaluated"))))
    assert entry.entity_id == call.id and entry.detail["application_id"] == app.id

    # Again: directly, and through another sync round (a restarted app) — nothing changes.
    assert arun(evaluator.evaluate_call(call.id)) is None
    arun(sync_round(workspace, sandbox, tmp_path, evaluator))
    assert count(workspace, Answer) == 4 and count(workspace, Candidate) == 1
    assert count(workspace, Application) == 1 and count(workspace, OutboxItem) == 1
    assert len(notifications(workspace)) == 1 and len(seen.of(NotificationAdded)) == 1
    assert count(workspace, AuditEntry, AuditEntry.action == "call.evaluated") == 1
    assert calls(workspace)[0].review == CallReview.APPROVED


def test_failed_dealbreaker_needs_review_with_the_reason(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    desk = add_front_desk(workspace, manual_approval=False)
    seen = Recorder(workspace)
    run_calls(workspace, sandbox, tmp_path, arun, desk, [(DANA, script(desk, license="nope"))])

    [call] = calls(workspace)
    assert call.status == CallStatus.EVALUATED and call.review == CallReview.NEEDS_REVIEW
    lic = answers(workspace, call.id)[LICENSE]
    assert lic.passed is False and "the required answer is yes" in lic.summary
    [note] = notifications(workspace)
    assert note.kind == NotificationKind.CALLER_NEEDS_REVIEW
    assert note.title == "Dana Ruiz needs review — Front desk"
    assert note.body.startswith("Knocked out. Dealbreaker") and LICENSE[:40] in note.body
    assert note.inbound_call_id == call.id and note.candidate_id is None
    assert [e.id for e in seen.of(NotificationAdded)] == [note.id]
    # Not approved: nobody is added to the directory or invited.
    assert count(workspace, Candidate) == 0 and count(workspace, Application) == 0
    assert count(workspace, OutboxItem) == 0 and seen.of(CandidatesChanged) == []
    [entry] = workspace.db.run_sync(lambda s: list(s.scalars(
        select(AuditEntry).where(AuditEntry.action == "call.evaluated"))))
    assert entry.detail["review"] == "needs_review" and "Dealbreaker" in entry.detail["reason"]


def test_manual_approval_sends_even_a_strong_caller_to_review(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    desk = add_front_desk(workspace, manual_approval=True)
    run_calls(workspace, sandbox, tmp_path, arun, desk, [(DANA, script(desk))])

    [call] = calls(workspace)
    assert call.review == CallReview.NEEDS_REVIEW and call.score is not None and call.score >= 70
    assert call.evaluations == 4
    [note] = notifications(workspace)
    assert note.kind == NotificationKind.CALLER_NEEDS_REVIEW
    assert note.body.startswith("Manual approval is on")
    assert count(workspace, Application) == 0 and count(workspace, OutboxItem) == 0


def test_known_caller_is_linked_not_duplicated_and_not_invited_twice(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    desk = add_front_desk(workspace, manual_approval=False)
    known = make_candidate(workspace, "Dana R.", "Dana@Example.com", phone_e164=DANA)
    other = make_candidate(workspace, "Sam Lee", "sam@example.com", phone_e164="+13125550177")
    make_application(workspace, other, desk.interviewer_id)
    seen = Recorder(workspace)
    # Dana calls twice; Sam, already invited to the default interviewer, calls once.
    run_calls(workspace, sandbox, tmp_path, arun, desk, [
        (DANA, script(desk)), (DANA, script(desk)), ("+13125550177", script(desk, name="Sam Lee")),
    ])

    found = calls(workspace)
    assert len(found) == 3 and all(c.review == CallReview.APPROVED for c in found)
    by_phone = {c.from_e164: c for c in found}
    assert [c.candidate_id for c in found if c.from_e164 == DANA] == [known, known]
    assert by_phone["+13125550177"].candidate_id == other
    assert count(workspace, Candidate) == 2  # linked, never duplicated
    apps = workspace.db.run_sync(lambda s: sorted(
        (a.candidate_id, a.interviewer_id) for a in s.scalars(select(Application))))
    assert apps == sorted([(known, desk.interviewer_id), (other, desk.interviewer_id)])
    [item] = workspace.db.run_sync(lambda s: list(s.scalars(select(OutboxItem))))
    assert item.payload["candidate_id"] == known  # Dana invited once; Sam not again
    assert item.payload["channels"] == ["email", "sms"]
    notes = notifications(workspace)
    assert len(notes) == 3 and sum("Already invited" in n.body for n in notes) == 2
    assert {n.candidate_id for n in notes} == {known, other}
    assert seen.of(CandidatesChanged) == [CandidatesChanged((known,))]  # the one application


def test_transcript_lists_skipped_questions_and_stops_at_a_hang_up() -> None:
    q = (QuestionSpec("1", QuestionKind.YES_NO, "Can you lift 50 pounds?", expected_yes=True),
         QuestionSpec("2", QuestionKind.SCORED, "Why this job?"))
    definition = compile_receptionist(ReceptionistConfig(
        agent_name="Milo", intro_message="Hello {{there}}.", questions=q))
    context = {"context": {"trigger": {"call": {"From": DANA}}, "widgets": {
        "ask_name": {"SpeechResult": "Ada"}, "q_1_again": {"Digits": "1"}}}}
    lines = build_transcript(definition, context).splitlines()
    assert lines[0].startswith("Agent: Hello {{there}}.")  # escaped braces are spoken as typed
    assert lines[1:3] == ["Agent: To get started, please say your first and last name.",
                          "Caller: Ada"]
    assert lines[-4:] == [
        "Agent: Can you lift 50 pounds? Say yes or no, or press 1 for yes and 2 for no.",
        "Caller: (no answer)",
        "Agent: Sorry, I didn't catch that. Can you lift 50 pounds? Say yes or no, or press 1 "
        "for yes and 2 for no.",
        "Caller: [keypad] 1",
    ]
    assert not any("Why this job?" in line for line in lines)  # hung up before it
