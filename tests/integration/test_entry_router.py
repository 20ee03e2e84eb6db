"""Text to apply: one router flow per number, compiled and published to the sandbox Twilio over
real sockets, and inbound texts driven through it — two interviewers sharing one number, an
unknown keyword, STOP — then the app's job turning keyword texts into screenings once. A
number a text stage sends from never gets a router (Studio would hand the candidate's replies
to it instead of the screening): the keywords go to the workspace's SMS sender."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import CandidateSource, InterviewerStatus, StageKind
from milo_desktop.models import Application, Candidate, EntryRouter, Interviewer, OutboxItem
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
    """The published flow's webhook of the interviewer's first stage."""
    from milo_desktop.models import Stage
    from milo_desktop.services.stages.runner import WEBHOOK_KEY

    def q(s: Any) -> str:
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == interviewer_id)
                         .order_by(Stage.position))
        return str(stage.settings[WEBHOOK_KEY])
    return ws.db.run_sync(q)


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
    assert round_(workspace, sandbox, arun)["routers published"] == 1
    router = workspace.db.run_sync(lambda s: s.scalar(select(EntryRouter)))
    assert router.phone_number == KEYWORDS and router.flow_sid
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
    router = workspace.db.run_sync(lambda s: s.scalar(select(EntryRouter)))
    keywords = sandbox.state.number_for(KEYWORDS)
    assert keywords is not None and keywords.data["sms_url"] == router.webhook_url
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
    assert round_(workspace, sandbox, arun)["routers published"] == 1  # a new revision

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
    assert round_(workspace, sandbox, arun)["routers published"] == 0
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


def _set_kind(ws: Workspace, stage_id: int, kind: StageKind) -> None:
    from milo_desktop.models import Stage

    def write(s: Any) -> None:
        s.get(Stage, stage_id).kind = kind
    ws.db.run_sync(write, write=True)


def _router_on_the_stage_number(ws: Workspace, sb: TwilioSandbox, arun: Any) -> Any:
    """An SMS screening on NUMBER whose number got a router while its stage was a voice one
    (as every text stage's number did before this rule): the router row and its SmsUrl."""
    screening = make_screening(ws, [(StageKind.SMS, [LICENCE])])
    _set_kind(ws, screening.stage_ids[0], StageKind.VOICE)
    assert round_(ws, sb, arun)["routers published"] == 1
    router = the_router(ws)
    assert router.phone_number == NUMBER
    number = sb.state.number_for(NUMBER)
    assert number is not None and number.data["sms_url"] == router.webhook_url
    _set_kind(ws, screening.stage_ids[0], StageKind.SMS)
    return screening


def keyword_rows(ws: Workspace) -> list[tuple[int, str, str]]:
    from milo_desktop.models import EntryKeyword

    return ws.db.run_sync(lambda s: [(k.interviewer_id, k.phone_number, k.keyword)
                                     for k in s.scalars(select(EntryKeyword))])


def test_a_text_stages_number_never_gets_a_router_and_the_keyword_goes_to_the_sender(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    from tests.stage_runs import invite

    ws = workspace
    screening = _router_on_the_stage_number(ws, sandbox, arun)
    iid = screening.interviewer_id
    # The round releases the router (its number sends a text screening) and publishes none;
    # with no other number the keyword is gone.
    assert round_(ws, sandbox, arun)["routers published"] == 0
    router = the_router(ws)
    assert router.webhook_url is None and router.definition_hash is None
    assert keyword_rows(ws) == []

    # The screening starts from NUMBER, whose texts now reach the stage's flow.
    invite(ws, screening, "Ada Lovelace", ADA)
    assert arun(rig(ws, sandbox, tmp_path).worker.run_once()) == 1
    number = sandbox.state.number_for(NUMBER)
    assert number is not None and number.data["sms_url"] == stage_webhook(ws, iid)

    # With an SMS sender the keyword goes there, with its router; NUMBER stays the stage's.
    with_sender(ws, arun)
    assert round_(ws, sandbox, arun)["routers published"] == 1
    assert keyword_rows(ws) == [(iid, KEYWORDS, "FORKLIFT")]
    routers = ws.db.run_sync(lambda s: [(r.phone_number, r.webhook_url is not None)
                                        for r in s.scalars(select(EntryRouter)
                                                           .order_by(EntryRouter.id))])
    assert routers == [(NUMBER, False), (KEYWORDS, True)]
    assert number.data["sms_url"] == stage_webhook(ws, iid)
    keywords = sandbox.state.number_for(KEYWORDS)
    assert keywords is not None and keywords.data["sms_url"] == ws.db.run_sync(
        lambda s: s.scalar(select(EntryRouter.webhook_url).where(
            EntryRouter.phone_number == KEYWORDS)))
    sandbox.receive_sms(KEYWORDS, BOB, "forklift")
    assert "Forklift Operator" in replies_to(sandbox, BOB)[0]


def test_route_replies_takes_the_number_from_a_router_left_there(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    from tests.stage_runs import invite

    ws = workspace
    screening = _router_on_the_stage_number(ws, sandbox, arun)
    # No text-to-apply round in between: the screening's start itself releases the router.
    invite(ws, screening, "Ada Lovelace", ADA)
    assert arun(rig(ws, sandbox, tmp_path).worker.run_once()) == 1
    webhook = stage_webhook(ws, screening.interviewer_id)
    number = sandbox.state.number_for(NUMBER)
    assert number is not None and number.data["sms_url"] == webhook
    router = the_router(ws)
    assert router.webhook_url is None
    # and the job does not take it back
    assert round_(ws, sandbox, arun)["routers published"] == 0
    assert number.data["sms_url"] == webhook
    assert starts(ws)[0]["to"] == ADA
