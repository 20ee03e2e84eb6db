"""Text to apply: one flow per number (the keyword router and the text screenings sent from
it), compiled and published to the sandbox Twilio over real sockets, and inbound texts driven
through it — two interviewers sharing one number, an unknown keyword, STOP — then the app's
job turning keyword texts into screenings once. Keywords and any number of text screenings
share a number: each screening runs inside the number's flow, which the number's texts reach
(Studio hands a candidate's replies only to the flow on the SmsUrl)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from milo_desktop.enums import CandidateSource, InterviewerStatus, StageKind
from milo_desktop.models import (
    Application,
    Candidate,
    EntryRouter,
    Interviewer,
    OutboxItem,
    Stage,
)
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.entry.keywords import set_keyword
from milo_desktop.services.entry.texts_job import TextEntrySync
from milo_desktop.services.stages.handler import FLOW_EXECUTION
from milo_desktop.services.workspace import Workspace
from tests.stage_runs import (
    ADA,
    BOB,
    LICENCE,
    NUMBER,
    STORY,
    connector_factory,
    executions_to,
    make_screening,
    rig,
)

CAROL = "+15557654323"
DAN = "+15557654324"
KEYWORDS = "+15550002222"  # the workspace's SMS sender: no text stage sends from it
COOK_LINE = "+15550003333"  # the cook's text stage's own number


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        sb.add_number(COOK_LINE)
        sb.add_number(KEYWORDS, voice_url="https://example.invalid/receptionist")
        yield sb


def with_sender(ws: Workspace, arun: Any, number: str = KEYWORDS) -> None:
    from milo_desktop.services.outreach import CommunicationPolicy

    arun(ws.outreach.save_policy(CommunicationPolicy(sms_from=number)))


def two_on_one_number(ws: Workspace, arun: Any) -> tuple[int, int]:
    """Two interviewers whose text stages send from their own numbers, sharing the SMS
    sender's number for their keywords."""
    with_sender(ws, arun)
    forklift = make_screening(ws, [(StageKind.SMS, [LICENCE, STORY])])
    cook = make_screening(ws, [(StageKind.SMS, [STORY])], phone_number=COOK_LINE)

    def write(s: Any) -> None:
        s.get(Interviewer, cook.interviewer_id).position_title = "Line Cook"
        set_keyword(s, forklift.interviewer_id, KEYWORDS, "forklift")
        set_keyword(s, cook.interviewer_id, KEYWORDS, "Cook")
    ws.db.run_sync(write, write=True)
    return forklift.interviewer_id, cook.interviewer_id


def stage_webhook(ws: Workspace, interviewer_id: int) -> str:
    """The webhook of the flow the interviewer's first stage runs in (its number's)."""
    from milo_desktop.models import Stage

    def q(s: Any) -> str:
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == interviewer_id)
                         .order_by(Stage.position))
        return str(s.scalar(select(EntryRouter.webhook_url).where(
            EntryRouter.flow_sid == stage.flow_sid)))
    return ws.db.run_sync(q)


def router_of(ws: Workspace, number: str) -> EntryRouter | None:
    return ws.db.run_sync(lambda s: s.scalar(select(EntryRouter).where(
        EntryRouter.phone_number == number)))


def the_router(ws: Workspace) -> EntryRouter:
    router = ws.db.run_sync(lambda s: s.scalar(select(EntryRouter).order_by(EntryRouter.id)))
    assert router is not None
    return router


def round_(ws: Workspace, sb: TwilioSandbox, arun: Any) -> dict[str, int]:
    job = TextEntrySync(ws.db, connector_factory(sb))
    return dict(arun(job.run(lambda _n: None)).pulled)


def replies_to(sb: TwilioSandbox, phone: str) -> list[str]:
    with sb.state.lock:
        return [m.data["body"] for m in sorted(sb.state.messages.values(),
                                               key=lambda m: m.data["date_created"])
                if m.data["to"] == phone and m.data["direction"] != "inbound"]


def applications(ws: Workspace) -> list[tuple[int, str | None, CandidateSource]]:
    def q(s: Any) -> list[tuple[int, str | None, CandidateSource]]:
        rows = s.execute(select(Application.interviewer_id, Candidate.phone_e164,
                                Application.source).join(
            Candidate, Candidate.id == Application.candidate_id).order_by(Application.id))
        return [tuple(r) for r in rows]
    return ws.db.run_sync(q)


def starts(ws: Workspace) -> list[dict[str, Any]]:
    def q(s: Any) -> list[dict[str, Any]]:
        return [dict(o.payload) for o in s.scalars(
            select(OutboxItem).where(OutboxItem.kind == FLOW_EXECUTION).order_by(OutboxItem.id))]
    return ws.db.run_sync(q)


def test_router_is_published_once_and_takes_the_numbers_texts(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    two_on_one_number(workspace, arun)
    # The keyword number's, and each text screening's number's.
    assert round_(workspace, sandbox, arun)["routers published"] == 3
    router = router_of(workspace, KEYWORDS)
    assert router is not None and router.flow_sid
    number = sandbox.state.number_for(KEYWORDS)
    assert number is not None
    assert number.data["sms_url"] == router.webhook_url
    assert number.data["voice_url"] == "https://example.invalid/receptionist"  # kept
    with sandbox.state.lock:
        flow = sandbox.state.flows[router.flow_sid]
        assert flow.data["status"] == "published" and flow.data["valid"] is True
    # Nothing changed: not published again.
    assert round_(workspace, sandbox, arun)["routers published"] == 0
    with sandbox.state.lock:
        assert sandbox.state.flows[router.flow_sid].data["revision"] == 1


def test_two_interviewers_share_one_number_by_keyword(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    forklift, cook = two_on_one_number(workspace, arun)
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(KEYWORDS, ADA, "forklift please")
    sandbox.receive_sms(KEYWORDS, BOB, "  COOK!")
    assert "Forklift Operator" in replies_to(sandbox, ADA)[0]
    assert "Line Cook" in replies_to(sandbox, BOB)[0]

    pulled = round_(workspace, sandbox, arun)
    assert pulled["screenings started"] == 2
    assert sorted(applications(workspace)) == [(forklift, ADA, CandidateSource.PHONE),
                                               (cook, BOB, CandidateSource.PHONE)]
    assert sorted(p["to"] for p in starts(workspace)) == [ADA, BOB]

    # Read again (the overlap): nothing new, nothing twice — by a fresh job (a restart: its
    # ids kept in the database) and by the same job (which does not even fetch the contexts).
    assert round_(workspace, sandbox, arun)["screenings started"] == 0
    assert len(applications(workspace)) == 2 and len(starts(workspace)) == 2
    job = TextEntrySync(workspace.db, connector_factory(sandbox))
    arun(job.run(lambda _n: None))
    fetched = sandbox.faults.count("/Context$", "GET")
    assert arun(job.run(lambda _n: None)).pulled["texts"] == 0
    assert sandbox.faults.count("/Context$", "GET") == fetched

    # The text stage really starts: the outbox starts each screening from its stage's number,
    # whose texts now reach the stage's flow; the keyword number's still go to the router.
    r = rig(workspace, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 2
    assert len(executions_to(sandbox, ADA)) == 2  # the router's, then the screening's
    router = router_of(workspace, KEYWORDS)
    keywords = sandbox.state.number_for(KEYWORDS)
    assert router is not None and keywords is not None
    assert keywords.data["sms_url"] == router.webhook_url
    for line, iid in ((NUMBER, forklift), (COOK_LINE, cook)):
        number = sandbox.state.number_for(line)
        assert number is not None and number.data["sms_url"] == stage_webhook(workspace, iid)


def test_unknown_keyword_gets_the_list_and_stop_gets_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    two_on_one_number(workspace, arun)
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(KEYWORDS, CAROL, "hi is this the warehouse job?")
    sandbox.receive_sms(KEYWORDS, DAN, "STOP")
    [reply] = replies_to(sandbox, CAROL)
    assert "COOK (Line Cook)" in reply and "FORKLIFT (Forklift Operator)" in reply
    assert replies_to(sandbox, DAN) == []

    pulled = round_(workspace, sandbox, arun)
    assert pulled["screenings started"] == 0
    assert applications(workspace) == [] and starts(workspace) == []


def test_a_closed_interviewer_leaves_the_router_and_starts_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    forklift, _cook = two_on_one_number(workspace, arun)
    round_(workspace, sandbox, arun)

    def close(s: Any) -> None:
        s.get(Interviewer, forklift).status = InterviewerStatus.ARCHIVED
    workspace.db.run_sync(close, write=True)
    # New revisions: the keyword number's (no FORKLIFT) and NUMBER's (no forklift screening).
    assert round_(workspace, sandbox, arun)["routers published"] == 2

    sandbox.receive_sms(KEYWORDS, ADA, "forklift")
    [reply] = replies_to(sandbox, ADA)
    assert "FORKLIFT" not in reply and "COOK (Line Cook)" in reply
    round_(workspace, sandbox, arun)
    assert applications(workspace) == []


def test_asking_about_the_role_by_text_gets_its_details_and_starts_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    from milo_desktop.services.entry.after_settings import AfterScreening, SendOn

    forklift, _cook = two_on_one_number(workspace, arun)
    arun(workspace.entry.save_account("", "Northwind Staffing, weekly pay."))
    arun(workspace.entry.save_after_screening(forklift, AfterScreening(
        SendOn.OFF, "", "", (("pay", "$19 an hour"), ("shifts", "Nights, 10 pm to 6 am"),
                             ("location", ""), ("benefits", "")))))
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(KEYWORDS, ADA, "Forklift pay?")
    [reply] = replies_to(sandbox, ADA)
    assert reply == ("Forklift Operator\nAbout us: Northwind Staffing, weekly pay.\n"
                     "Pay: $19 an hour\nShifts: Nights, 10 pm to 6 am\n"
                     "Text FORKLIFT to start your screening.")
    sandbox.receive_sms(KEYWORDS, CAROL, "hello?")
    [listing] = replies_to(sandbox, CAROL)
    assert listing.endswith("Add INFO for pay, shifts and more (e.g. COOK INFO).")
    assert round_(workspace, sandbox, arun)["screenings started"] == 0
    assert applications(workspace) == []


def test_a_receptionists_number_keeps_its_texts(sandbox: TwilioSandbox, workspace: Workspace,
                                                arun: Any) -> None:
    from milo_desktop.enums import ReceptionistStatus
    from milo_desktop.models import Receptionist

    two_on_one_number(workspace, arun)
    workspace.db.run_sync(lambda s: s.add(Receptionist(
        name="Front desk", agent_name="Ava", phone_number=KEYWORDS,
        status=ReceptionistStatus.LIVE)), write=True)
    round_(workspace, sandbox, arun)  # the text screenings' numbers get their flows
    assert router_of(workspace, KEYWORDS) is None
    number = sandbox.state.number_for(KEYWORDS)
    assert number is not None and number.data["sms_url"] == ""


def test_a_resume_first_interviewer_is_told_where_to_email(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    from milo_desktop.models import WorkspaceSetting
    from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
    from tests.factories import make_interviewer

    iid = make_interviewer(workspace, "Line Cook", slug="line-cook", phone_number=NUMBER,
                           stages=(StageKind.RESUME,))
    workspace.db.run_sync(lambda s: s.add(WorkspaceSetting(
        key=MAILBOX_KEY, value={"address": "jobs@agency.example", "mode": "plus"})), write=True)
    round_(workspace, sandbox, arun)  # its default keyword, LINE, and the router
    sandbox.receive_sms(NUMBER, ADA, "line")
    assert replies_to(sandbox, ADA) == [
        "Thanks for your interest in Line Cook! To start, email your résumé to "
        "jobs+line-cook@agency.example."]
    round_(workspace, sandbox, arun)
    assert applications(workspace) == [(iid, ADA, CandidateSource.PHONE)]


def test_an_unreadable_router_execution_is_quarantined_once(workspace: Workspace) -> None:
    import datetime as dt

    from milo_desktop.models import QuarantinedRecord
    from milo_desktop.services.entry.intake import take_execution

    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    hostile = {"contact": {"channel": {"address": "\x00not-a-number"}},
               "widgets": {"kw_1": {"Body": "x" * 10_000}}}
    taken = workspace.db.run_sync(lambda s: take_execution(s, "FN" + "1" * 32, hostile, now),
                                  write=True)
    assert taken.outcome == "quarantined" and taken.application_id is None
    again = workspace.db.run_sync(lambda s: take_execution(s, "FN" + "1" * 32, hostile, now),
                                  write=True)
    assert again.outcome == "quarantined"
    rows = workspace.db.run_sync(lambda s: [(q.resource, q.reason, q.external_id, q.payload)
                                            for q in s.scalars(select(QuarantinedRecord))])
    [(resource, reason, sid, payload)] = rows  # kept once, raw context with it
    assert resource == "router_executions" and sid == "FN" + "1" * 32
    assert reason == ("Text to apply: the texter's number is missing or not in international "
                      "format")
    assert "not-a-number" in payload and "x" * 100 in payload
    assert applications(workspace) == []


def keyword_rows(ws: Workspace) -> list[tuple[int, str, str]]:
    from milo_desktop.models import EntryKeyword

    return ws.db.run_sync(lambda s: [(k.interviewer_id, k.phone_number, k.keyword)
                                     for k in s.scalars(select(EntryKeyword))])


def both_on_one_number(ws: Workspace) -> tuple[Any, Any]:
    """Forklift and Line Cook: each with a text screening sent from NUMBER, and their
    keywords on NUMBER too (no other number anywhere)."""
    forklift = make_screening(ws, [(StageKind.SMS, [LICENCE, STORY])])
    cook = make_screening(ws, [(StageKind.FORM, [STORY])], phone_number=NUMBER)

    def write(s: Any) -> None:
        s.get(Interviewer, cook.interviewer_id).position_title = "Line Cook"
        set_keyword(s, forklift.interviewer_id, NUMBER, "forklift")
        set_keyword(s, cook.interviewer_id, NUMBER, "cook")
    ws.db.run_sync(write, write=True)
    return forklift, cook


def test_keywords_and_two_text_screenings_share_one_number(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    from milo_desktop.enums import StageStatus
    from milo_desktop.services.flows import ScriptedCaller
    from tests.stage_runs import result_of

    ws = workspace
    forklift, cook = both_on_one_number(ws)
    assert round_(ws, sandbox, arun)["routers published"] == 1  # one flow for NUMBER
    assert sorted(r[2] for r in keyword_rows(ws)) == ["COOK", "FORKLIFT"]
    assert {r[1] for r in keyword_rows(ws)} == {NUMBER}
    router = router_of(ws, NUMBER)
    assert router is not None
    number = sandbox.state.number_for(NUMBER)
    assert number is not None and number.data["sms_url"] == router.webhook_url

    # Ada texts FORKLIFT, Bob texts COOK, to the same number; each screening then runs in
    # that number's flow and its replies count for the right stage.
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={
        forklift.widget(0, 0): "yes", forklift.widget(0, 1): "Three years on reach trucks.",
        "rating": "5"}))
    sandbox.candidates.script(ScriptedCaller(BOB, sms_replies={
        cook.widget(0, 0): "Two years on the grill line.", "rating": "4"}))
    sandbox.receive_sms(NUMBER, ADA, "Forklift")
    sandbox.receive_sms(NUMBER, BOB, "cook please")
    assert "Forklift Operator" in replies_to(sandbox, ADA)[0]
    assert "Line Cook" in replies_to(sandbox, BOB)[0]
    assert round_(ws, sandbox, arun)["screenings started"] == 2
    r = rig(ws, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 2
    assert arun(r.sync.run(lambda _n: None)).pulled["screenings"] == 2
    apps = dict(ws.db.run_sync(lambda s: [
        (a.interviewer_id, a.id) for a in s.scalars(select(Application))]))
    ada_app, bob_app = apps[forklift.interviewer_id], apps[cook.interviewer_id]
    ada = result_of(ws, ada_app, forklift.stage_ids[0])
    bob = result_of(ws, bob_app, cook.stage_ids[0])
    assert ada.status == StageStatus.COMPLETED and ada.rating == 5
    assert bob.status == StageStatus.COMPLETED and bob.rating == 4
    assert "Three years on reach trucks." in ada.transcript
    assert "grill line" in bob.transcript and "reach trucks" not in bob.transcript
    # One flow on Twilio for the number, and every text went to and from it.
    assert ws.db.run_sync(lambda s: {st.flow_sid for st in s.scalars(
        select(Stage).where(Stage.id.in_(forklift.stage_ids + cook.stage_ids)))}) == {
        router.flow_sid}
    with sandbox.state.lock:
        senders = {m.data["from"] for m in sandbox.state.messages.values()
                   if m.data["direction"] != "inbound"}
    assert senders == {NUMBER}


def test_a_second_screening_on_the_same_number_waits_for_the_first(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    """Twilio keeps one conversation per contact and number: a candidate invited to two
    text screenings sent from one number answers them one after the other."""
    from milo_desktop.enums import OutboxStatus, StageStatus
    from milo_desktop.services.flows import ScriptedCaller
    from tests.stage_runs import invite, result_of

    ws = workspace
    forklift, cook = both_on_one_number(ws)
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={
        forklift.widget(0, 0): "yes", forklift.widget(0, 1): "Pallets, three years.",
        cook.widget(0, 0): "Prep cook for a year.", "rating": "5"}))
    first = invite(ws, forklift, "Ada Lovelace", ADA)
    second = invite(ws, cook, "Ada Lovelace", ADA)
    r = rig(ws, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 1
    assert len(executions_to(sandbox, ADA)) == 1
    waiting = ws.db.run_sync(lambda s: [(o.status, o.last_error, o.attempts) for o in s.scalars(
        select(OutboxItem).where(OutboxItem.kind == FLOW_EXECUTION,
                                 OutboxItem.status != OutboxStatus.DONE))])
    [(status, why, _)] = waiting
    assert status == OutboxStatus.PENDING
    assert why is not None and "finishes the “" in why and "same number" in why

    # The first screening's answers are read back; then the second starts and completes.
    assert arun(r.sync.run(lambda _n: None)).pulled["screenings"] == 1
    assert result_of(ws, first, forklift.stage_ids[0]).status == StageStatus.COMPLETED
    ws.db.run_sync(lambda s: s.execute(update(OutboxItem).values(
        next_try_at=OutboxItem.created_at)), write=True)  # its retry time has come
    assert arun(r.worker.run_once()) == 1
    assert arun(r.sync.run(lambda _n: None)).pulled["screenings"] == 1
    done = result_of(ws, second, cook.stage_ids[0])
    assert done.status == StageStatus.COMPLETED and "Prep cook" in done.transcript
    assert len(executions_to(sandbox, ADA)) == 2


def test_stop_opts_the_texter_out_and_start_back_in(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    from milo_desktop.models import Message
    from tests.stage_runs import invite

    ws = workspace
    forklift, _cook = both_on_one_number(ws)
    round_(ws, sandbox, arun)
    invite(ws, forklift, "Ada Lovelace", ADA)
    sandbox.receive_sms(NUMBER, ADA, "STOP")
    assert replies_to(sandbox, ADA) == []  # Twilio answers STOP itself
    assert round_(ws, sandbox, arun)["screenings started"] == 0

    def state(s: Any) -> tuple[Any, list[tuple[str, str]]]:
        c = s.scalar(select(Candidate).where(Candidate.phone_e164 == ADA))
        history = [(m.purpose, m.body) for m in s.scalars(
            select(Message).where(Message.candidate_id == c.id).order_by(Message.id))]
        return c.sms_opted_out_at, history
    opted, history = ws.db.run_sync(state)
    assert opted is not None and ("opt_out", "STOP") in history
    # Nothing is texted to her now: the screening is refused with the reason.
    before = len(executions_to(sandbox, ADA))  # her STOP's, through the router
    r = rig(ws, sandbox, tmp_path)
    arun(r.worker.run_once())
    assert len(executions_to(sandbox, ADA)) == before
    why = ws.db.run_sync(lambda s: s.scalar(select(OutboxItem.last_error).where(
        OutboxItem.kind == FLOW_EXECUTION)))
    assert why is not None and "opted out of texts" in why
    # START brings her back (once per text: reading again changes nothing).
    sandbox.receive_sms(NUMBER, ADA, "start")
    round_(ws, sandbox, arun)
    round_(ws, sandbox, arun)
    opted, history = ws.db.run_sync(state)
    assert opted is None
    assert [h for h in history if h[0].startswith("opt_")] == [("opt_out", "STOP"),
                                                               ("opt_in", "start")]
