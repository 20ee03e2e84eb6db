"""Text to apply: one router flow per number, compiled and published to the sandbox Twilio over
real sockets, and inbound texts driven through it — two interviewers sharing one number, an
unknown keyword, STOP — then the app's job turning keyword texts into screenings once."""

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


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER, voice_url="https://example.invalid/receptionist")
        yield sb


def two_on_one_number(ws: Workspace) -> tuple[int, int]:
    forklift = make_screening(ws, [(StageKind.SMS, [LICENCE, STORY])])
    cook = make_screening(ws, [(StageKind.SMS, [STORY])])

    def write(s: Any) -> None:
        s.get(Interviewer, cook.interviewer_id).position_title = "Line Cook"
        set_keyword(s, forklift.interviewer_id, NUMBER, "forklift")
        set_keyword(s, cook.interviewer_id, NUMBER, "Cook")
    ws.db.run_sync(write, write=True)
    return forklift.interviewer_id, cook.interviewer_id


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
    two_on_one_number(workspace)
    assert round_(workspace, sandbox, arun)["routers published"] == 1
    router = workspace.db.run_sync(lambda s: s.scalar(select(EntryRouter)))
    assert router.phone_number == NUMBER and router.flow_sid
    number = sandbox.state.number_for(NUMBER)
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
    forklift, cook = two_on_one_number(workspace)
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(NUMBER, ADA, "forklift please")
    sandbox.receive_sms(NUMBER, BOB, "  COOK!")
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

    # The text stage really starts: the outbox starts Ada's screening from the same number,
    # and the number's texts still go to the router.
    r = rig(workspace, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 2
    assert len(executions_to(sandbox, ADA)) == 2  # the router's, then the screening's
    router = workspace.db.run_sync(lambda s: s.scalar(select(EntryRouter)))
    number = sandbox.state.number_for(NUMBER)
    assert number is not None and number.data["sms_url"] == router.webhook_url


def test_unknown_keyword_gets_the_list_and_stop_gets_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    two_on_one_number(workspace)
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(NUMBER, CAROL, "hi is this the warehouse job?")
    sandbox.receive_sms(NUMBER, DAN, "STOP")
    [reply] = replies_to(sandbox, CAROL)
    assert "COOK (Line Cook)" in reply and "FORKLIFT (Forklift Operator)" in reply
    assert replies_to(sandbox, DAN) == []

    pulled = round_(workspace, sandbox, arun)
    assert pulled["screenings started"] == 0
    assert applications(workspace) == [] and starts(workspace) == []


def test_a_closed_interviewer_leaves_the_router_and_starts_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    forklift, _cook = two_on_one_number(workspace)
    round_(workspace, sandbox, arun)

    def close(s: Any) -> None:
        s.get(Interviewer, forklift).status = InterviewerStatus.ARCHIVED
    workspace.db.run_sync(close, write=True)
    assert round_(workspace, sandbox, arun)["routers published"] == 1  # a new revision

    sandbox.receive_sms(NUMBER, ADA, "forklift")
    [reply] = replies_to(sandbox, ADA)
    assert "FORKLIFT" not in reply and "COOK (Line Cook)" in reply
    round_(workspace, sandbox, arun)
    assert applications(workspace) == []


def test_asking_about_the_role_by_text_gets_its_details_and_starts_nothing(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any) -> None:
    from milo_desktop.services.entry.after_settings import AfterScreening, SendOn

    forklift, _cook = two_on_one_number(workspace)
    arun(workspace.entry.save_account("", "Northwind Staffing, weekly pay."))
    arun(workspace.entry.save_after_screening(forklift, AfterScreening(
        SendOn.OFF, "", "", (("pay", "$19 an hour"), ("shifts", "Nights, 10 pm to 6 am"),
                             ("location", ""), ("benefits", "")))))
    round_(workspace, sandbox, arun)

    sandbox.receive_sms(NUMBER, ADA, "Forklift pay?")
    [reply] = replies_to(sandbox, ADA)
    assert reply == ("Forklift Operator\nAbout us: Northwind Staffing, weekly pay.\n"
                     "Pay: $19 an hour\nShifts: Nights, 10 pm to 6 am\n"
                     "Text FORKLIFT to start your screening.")
    sandbox.receive_sms(NUMBER, CAROL, "hello?")
    [listing] = replies_to(sandbox, CAROL)
    assert listing.endswith("Add INFO for pay, shifts and more (e.g. COOK INFO).")
    assert round_(workspace, sandbox, arun)["screenings started"] == 0
    assert applications(workspace) == []


def test_a_receptionists_number_keeps_its_texts(sandbox: TwilioSandbox, workspace: Workspace,
                                                arun: Any) -> None:
    from milo_desktop.enums import ReceptionistStatus
    from milo_desktop.models import Receptionist

    two_on_one_number(workspace)
    workspace.db.run_sync(lambda s: s.add(Receptionist(
        name="Front desk", agent_name="Ava", phone_number=NUMBER,
        status=ReceptionistStatus.LIVE)), write=True)
    assert round_(workspace, sandbox, arun)["routers published"] == 0
    number = sandbox.state.number_for(NUMBER)
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
