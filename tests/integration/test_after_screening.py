"""After the screening: the interviewer's scheduling link and closing message, sent by itself to
candidates who pass or are shortlisted (as the interviewer chooses), through the outbox —
by SMS to the sandbox Twilio and by email to aiosmtpd, over real sockets — exactly once, and
never to candidates who finished before it was switched on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.entry.after import queue_due
from milo_desktop.services.entry.after_settings import AfterScreening, SendOn, role_text
from milo_desktop.services.entry.plugin import NOTHING_TO_SEND, AfterScreeningSweep
from milo_desktop.services.outreach import CommunicationPolicy
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer
from tests.integration.test_outreach_sms import sms_at, worker
from tests.smtp_server import MailServer, mail_server

NUMBER = "+15550001111"
ADA = "+15557654321"
BOOKING = "https://calendly.com/northwind/forklift-interview"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


@pytest.fixture
def server() -> Iterator[MailServer]:
    with mail_server() as srv:
        yield srv


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def settings(send_on: SendOn) -> AfterScreening:
    return AfterScreening(send_on, BOOKING, "Thanks! Pick a time for a short interview.",
                          (("pay", "$19 an hour"), ("shifts", "Nights"), ("location", ""),
                           ("benefits", "")))


def finish(ws: Workspace, app: int, status: ApplicationStatus, at: dt.datetime) -> None:
    def write(s: Any) -> None:
        a = s.get(Application, app)
        a.status, a.completed_at = status, at
    ws.db.run_sync(write, write=True)


def sweep(ws: Workspace, clock: Clock) -> int:
    return ws.db.run_sync(lambda s: queue_due(s, clock()), write=True)


def keys(ws: Workspace) -> list[str]:
    return ws.db.run_sync(lambda s: sorted(s.scalars(select(OutboxItem.idempotency_key).where(
        OutboxItem.idempotency_key.like("after_screening:%")))))


def test_sent_once_on_pass_by_sms_and_email(workspace: Workspace, arun: Any,
                                            sandbox: TwilioSandbox, server: MailServer) -> None:
    ws, clock = workspace, Clock()
    ws.entry.clock = clock
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_enabled=True, sms_from=NUMBER)))
    iv = make_interviewer(ws, "Forklift Operator", slug="forklift", phone_number=NUMBER)
    before = make_application(ws, make_candidate(ws, "Old Timer", "old@example.com"), iv)
    finish(ws, before, ApplicationStatus.COMPLETED, clock.now - dt.timedelta(days=1))
    saved = arun(ws.entry.save_after_screening(iv, settings(SendOn.PASS)))
    assert saved.since is not None
    ada = make_application(ws, make_candidate(ws, "Ada Lovelace", "ada@example.com",
                                              phone_e164=ADA), iv)
    knocked = make_application(ws, make_candidate(ws, "Bo Out", "bo@example.com"), iv)
    assert sweep(ws, clock) == 0  # nobody has passed yet

    clock.now += dt.timedelta(hours=1)
    finish(ws, ada, ApplicationStatus.COMPLETED, clock.now)
    finish(ws, knocked, ApplicationStatus.KNOCKED_OUT, clock.now)
    assert sweep(ws, clock) == 1
    assert sweep(ws, clock) == 0  # once
    assert keys(ws) == [f"after_screening:application:{ada}:email",
                        f"after_screening:application:{ada}:sms"]

    assert arun(worker(ws, sandbox, server).run_once()) == 2
    assert arun(worker(ws, sandbox, server).run_once()) == 0  # nothing twice
    [text] = sms_at(sandbox, ADA)
    assert text == ("Hi Ada Lovelace, Thanks! Pick a time for a short interview. Book here: "
                    f"{BOOKING}")
    [mail] = server.messages()
    assert mail.recipients == ["ada@example.com"]  # not the one who finished before
    assert mail.message["Subject"] == "Next step for Forklift Operator"
    assert f"Book your interview: {BOOKING}" in mail.message.get_content()

    # Shortlisting later sends nothing more.
    finish(ws, ada, ApplicationStatus.SHORTLISTED, clock.now)
    assert sweep(ws, clock) == 0


def test_on_shortlist_waits_for_the_recruiter(workspace: Workspace, arun: Any) -> None:
    ws, clock = workspace, Clock()
    ws.entry.clock = clock
    iv = make_interviewer(ws, "Line Cook", slug="line-cook")
    arun(ws.entry.save_after_screening(iv, settings(SendOn.SHORTLIST)))
    app = make_application(ws, make_candidate(ws, "Cy Cook", "cy@example.com"), iv)
    clock.now += dt.timedelta(hours=1)
    finish(ws, app, ApplicationStatus.COMPLETED, clock.now)
    assert sweep(ws, clock) == 0
    finish(ws, app, ApplicationStatus.SHORTLISTED, clock.now)
    assert sweep(ws, clock) == 1
    assert sweep(ws, clock) == 0
    assert keys(ws) == [f"after_screening:application:{app}:email"]


def test_the_sweep_job_says_when_nobody_sends(workspace: Workspace, arun: Any) -> None:
    job = AfterScreeningSweep(workspace.db)
    with pytest.raises(NotConfigured) as caught:
        arun(job.run(lambda _n: None))
    assert NOTHING_TO_SEND in str(caught.value)
    iv = make_interviewer(workspace, "Line Cook", slug="line-cook")
    arun(workspace.entry.save_after_screening(iv, settings(SendOn.PASS)))
    assert arun(job.run(lambda _n: None)).count("scheduling links") == 0


def test_settings_are_validated_and_read_out(workspace: Workspace, arun: Any) -> None:
    iv = make_interviewer(workspace, "Line Cook", slug="line-cook")
    with pytest.raises(ValidationProblem, match="booking page"):
        arun(workspace.entry.save_after_screening(iv, AfterScreening(
            SendOn.PASS, "calendly dot com", "")))
    with pytest.raises(ValidationProblem, match="Add the scheduling link"):
        arun(workspace.entry.save_after_screening(iv, AfterScreening(SendOn.PASS, "", "")))
    saved = arun(workspace.entry.save_after_screening(iv, settings(SendOn.OFF)))
    assert saved.since is None
    assert arun(workspace.entry.after_screening(iv)) == saved
    assert role_text(saved, "Northwind Staffing, since 2009") == (
        "About us: Northwind Staffing, since 2009\nPay: $19 an hour\nShifts: Nights")


def test_the_screenings_offer_the_role_details_when_asked(workspace: Workspace,
                                                         arun: Any) -> None:
    from milo_desktop.enums import StageKind
    from milo_desktop.services.flows.simulator import Simulation, Trigger
    from milo_desktop.services.stages.compiler import compile_stage
    from milo_desktop.services.stages.config import load_stage
    from tests.stage_runs import LICENCE, make_screening

    ws = workspace
    sms = make_screening(ws, [(StageKind.SMS, [LICENCE])])
    voice = make_screening(ws, [(StageKind.VOICE, [LICENCE])])
    bare = ws.db.run_sync(lambda s: load_stage(s, sms.stage_ids[0]))
    assert bare is not None and "more_info" not in {
        st["name"] for st in compile_stage(bare)["states"]}  # nothing to tell: not offered
    arun(ws.entry.save_account("", "Northwind Staffing"))
    for iv in (sms.interviewer_id, voice.interviewer_id):
        arun(ws.entry.save_after_screening(iv, settings(SendOn.OFF)))
    config = ws.db.run_sync(lambda s: load_stage(s, sms.stage_ids[0]))
    assert config is not None
    assert config.details_offer == ("Any questions about pay, shifts and us? Reply INFO and "
                                    "we'll text you the details, or DONE to finish.")
    run = Simulation(compile_stage(config), trigger=Trigger.REQUEST, contact=ADA,
                     channel=NUMBER)
    run.reply_sms("yes")  # the licence question
    run.reply_sms("what does it pay?")
    said = [line.text for line in run.transcript]
    assert "About us: Northwind Staffing\nPay: $19 an hour\nShifts: Nights" in said
    spoken = ws.db.run_sync(lambda s: load_stage(s, voice.stage_ids[0]))
    assert spoken is not None and spoken.details_offer.startswith(
        "Before we finish: to hear about pay, shifts and us, press 1")
