"""OutreachService on both databases: invitations (stage results, messages, outbox rows, the
first phone stage's flow execution), the budget at invite time, archived / expired refusals,
no double invite; nudges (cooldown, maximum, final template); blasts (limits, one per hour);
the communication policy (master switch, business hours in another time zone)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    MessageStatus,
    SpendKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, SpendEntry, StageResult, WorkspaceSetting
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.outreach import CommunicationPolicy, OutreachService, TemplateKind
from milo_desktop.services.outreach.policy import check_policy
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer

SAT = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)  # Saturday 09:00 in Chicago
MON_9_CHICAGO = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)  # a Wednesday


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def service(ws: Workspace, now: dt.datetime = NOW) -> tuple[OutreachService, Clock]:
    clock = Clock(now)
    return OutreachService(ws.db, ws.bus, clock=clock), clock


def interviewer(ws: Workspace, **kw: Any) -> int:
    kw.setdefault("deadline", None)
    kw.setdefault("slug", "warehouse-dallas")
    kw.setdefault("phone_number", "+15550100009")  # its Voice stage calls from it
    return make_interviewer(ws, kw.pop("name", "Warehouse Associate"), **kw)


def messages(ws: Workspace) -> list[tuple[str, str, str, MessageStatus, str, int | None]]:
    """(channel, purpose, to, status, body, application id) per message, oldest first."""
    def q(s: Any) -> list[Any]:
        return [(m.channel.value, m.purpose, m.to_addr, m.status, m.body, m.application_id)
                for m in s.scalars(select(Message).order_by(Message.id))]
    return ws.db.run_sync(q)


def outbox(ws: Workspace) -> list[tuple[str, str, dt.datetime, dict[str, Any]]]:
    def q(s: Any) -> list[Any]:
        return [(o.kind, o.idempotency_key, o.next_try_at, dict(o.payload))
                for o in s.scalars(select(OutboxItem).order_by(OutboxItem.id))]
    return ws.db.run_sync(q)


def without_email(ws: Workspace, candidate_id: int) -> int:
    ws.db.run_sync(lambda s: setattr(s.get(Candidate, candidate_id), "email", None), write=True)
    return candidate_id


def set_policy(ws: Workspace, arun: Any, **kw: Any) -> CommunicationPolicy:
    return arun(ws.outreach.save_policy(CommunicationPolicy(**kw)))


# ----- invitations ------------------------------------------------------------------------------
def test_invite_writes_application_stage_results_messages_and_outbox(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    set_policy(ws, arun, sms_enabled=True, sms_from="+15550100001")
    iv = interviewer(ws, stages=(StageKind.VOICE, StageKind.RESUME))
    with_phone = make_candidate(ws, "Ana Phone", "ana@example.com", phone_e164="+15550100222")
    email_only = make_candidate(ws, "Bo Mail", "bo@example.com")
    nobody = without_email(ws, make_candidate(ws, "No Contact"))
    svc, _ = service(ws)
    report = arun(svc.invite([with_phone, email_only, nobody, with_phone], iv))
    # The first stage calls: Bo, with an email address only, could never start it.
    assert report.queued == 1 and report.skipped == {"no_phone_for_stage": [email_only],
                                                     "no_contact": [nobody]}
    assert report.summary() == (
        "Sending to 1; skipped 1 without a mobile number (the first stage calls or texts "
        "them), 1 without an email address or phone number")
    assert report.notes == ("Emails wait in the queue until you connect an email account "
                            "(Integrations → Email); the texts and screenings go out now.",)

    apps = ws.db.run_sync(lambda s: {a.candidate_id: (a.status, a.source.value) for a in
                                     s.scalars(select(Application))})
    assert apps == {with_phone: (ApplicationStatus.PENDING, "directory")}
    results = ws.db.run_sync(lambda s: [r.status for r in s.scalars(select(StageResult))])
    assert results == [StageStatus.NOT_STARTED] * 2
    sent = messages(ws)
    assert [(c, p, to, st) for c, p, to, st, _b, _a in sent] == [
        ("email", "invitation", "ana@example.com", MessageStatus.QUEUED),
        ("sms", "invitation", "+15550100222", MessageStatus.QUEUED)]
    # No candidate page: each message says how the first stage (a call) starts.
    assert "Hi Ana Phone," in sent[0][4]
    assert "We'll call you from +1 555 010 0009 within the hour." in sent[0][4]
    assert sent[1][4].endswith("We'll call you from +1 555 010 0009 within the hour.")
    rows = outbox(ws)
    assert [k for k, *_ in rows] == ["email", "sms", "flow_execution"]
    flow = rows[2][3]
    assert flow["to"] == "+15550100222" and set(flow) == {"application_id", "stage_id", "to"}


def test_no_double_invite_and_archived_or_expired_refuse(workspace: Workspace,
                                                         arun: Any) -> None:
    ws = workspace
    iv = interviewer(ws)
    cid = make_candidate(ws, "Cat Twice")
    svc, _ = service(ws)
    assert arun(svc.invite([cid], iv)).queued == 1
    again = arun(svc.invite([cid], iv))
    assert again.queued == 0 and again.skipped == {"already_invited": [cid]}
    assert again.summary() == "Skipped 1 already invited"
    assert len(messages(ws)) == 1

    archived = interviewer(ws, name="Old Role", slug="old", status=InterviewerStatus.ARCHIVED)
    with pytest.raises(ValidationProblem, match=r"“Old Role” is archived\. Unarchive it"):
        arun(svc.invite([cid], archived))
    expired = interviewer(ws, name="Past Role", slug="past", deadline=NOW - dt.timedelta(days=1))
    with pytest.raises(ValidationProblem, match="has expired"):
        arun(svc.invite([cid], expired))
    assert len(messages(ws)) == 1
    choices = arun(svc.invitable_interviewers())
    assert [c.id for c in choices] == [iv]


def test_budget_is_checked_at_invite_time(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    iv = interviewer(ws, budget_kind=BudgetKind.ALL_TIME, budget_cents=1000,
                     est_cost_per_interview_cents=300)
    people = [make_candidate(ws, f"Person {i}") for i in range(5)]
    ws.db.run_sync(lambda s: s.add(SpendEntry(  # $2.50 spent already
        service="twilio", kind=SpendKind.CALL, provider_sid="CA1", amount_micros=2_500_000,
        interviewer_id=iv, occurred_at=NOW)), write=True)
    svc, _ = service(ws)
    report = arun(svc.invite(people, iv))
    # $7.50 left at $3.00 each: room for 2; the others are held back with the reason.
    assert report.queued == 2 and report.skipped == {"budget": people[2:]}
    assert "over the interviewer's budget" in report.summary()
    assert any("$7.50 of its $10.00 budget left" in n for n in report.notes)
    # Candidates already in the flow are not cut off: nudging them still works.
    apps = ws.db.run_sync(lambda s: list(s.scalars(select(Application.id))))
    svc2, _ = service(ws, NOW + dt.timedelta(days=3))
    assert arun(svc2.nudge(apps)).queued == 2
    # No room at all: everyone skipped with the "used up" reason.
    ws.db.run_sync(lambda s: s.add(SpendEntry(
        service="twilio", kind=SpendKind.CALL, provider_sid="CA2", amount_micros=9_000_000,
        interviewer_id=iv, occurred_at=NOW)), write=True)
    late = arun(svc.invite([make_candidate(ws, "Late Person")], iv))
    assert late.queued == 0 and "has used its budget of $10.00" in late.notes[0]


# ----- nudges -----------------------------------------------------------------------------------
def test_nudge_cooldown_maximum_and_final_template(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    set_policy(ws, arun, nudge_cooldown_hours=24, max_nudges=2)
    iv = interviewer(ws)
    cid = make_candidate(ws, "Dee Nudge")
    done = make_candidate(ws, "Fin Ished")
    svc, clock = service(ws)
    arun(svc.invite([cid], iv))
    app = ws.db.run_sync(lambda s: s.scalars(select(Application.id)).one())
    finished = make_application(ws, done, iv, ApplicationStatus.COMPLETED)
    clock.now = NOW + dt.timedelta(hours=3)
    early = arun(svc.nudge([app, finished]))
    assert early.queued == 0
    assert early.skipped == {"cooldown": [app], "finished": [finished]}
    clock.now = NOW + dt.timedelta(hours=25)
    assert arun(svc.nudge([app])).queued == 1
    clock.now += dt.timedelta(hours=1)
    assert arun(svc.nudge([app])).skipped == {"cooldown": [app]}
    clock.now += dt.timedelta(hours=24)
    assert arun(svc.nudge([app])).queued == 1
    clock.now += dt.timedelta(hours=48)
    assert arun(svc.nudge([app])).skipped == {"max_nudges": [app]}
    sent = messages(ws)
    assert [p for _c, p, *_ in sent] == ["invitation", "nudge", "final_nudge"]
    assert "last reminder" in sent[2][4]
    assert ws.db.run_sync(lambda s: s.get(Application, app).nudges_sent) == 2


# ----- blasts -----------------------------------------------------------------------------------
def test_blast_limits_and_one_per_hour(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    set_policy(ws, arun, sms_enabled=True, sms_from="+15550100001")
    iv = interviewer(ws)
    other = interviewer(ws, name="Second Role", slug="second")
    a = make_candidate(ws, "Eve Blast", phone_e164="+15550100333")
    b = make_candidate(ws, "Fay Blast")
    apps = [make_application(ws, a, iv), make_application(ws, b, iv),
            make_application(ws, a, other)]  # Eve twice, through two interviewers
    svc, clock = service(ws)
    with pytest.raises(ValidationProblem, match="subject is 201 characters; the limit is 200"):
        arun(svc.blast(apps, email_subject="x" * 201, email_body="hi", sms_body=None))
    with pytest.raises(ValidationProblem, match="2,001 characters; the limit is 2,000"):
        arun(svc.blast(apps, email_subject="Hi", email_body="y" * 2001, sms_body=None))
    with pytest.raises(ValidationProblem, match="SMS: The message is 2,001 characters"):
        arun(svc.blast(apps, email_subject=None, email_body=None, sms_body="z" * 2001))
    with pytest.raises(ValidationProblem, match=r"Unknown placeholder \{\{salary\}\}"):
        arun(svc.blast(apps, email_subject="Pay", email_body="{{salary}}", sms_body=None))
    with pytest.raises(ValidationProblem, match="Write an email"):
        arun(svc.blast(apps, email_subject=" ", email_body="", sms_body=None))

    # {{link}} without a candidate page (Settings → Account) is refused; nothing is queued.
    with pytest.raises(ValidationProblem, match="no candidate page address is set"):
        arun(svc.blast(apps, email_subject="Shifts", email_body="New shifts: {{link}}",
                       sms_body=None))
    assert [m for m in messages(ws) if m[1] == "blast"] == []
    first = arun(svc.blast(apps, email_subject="Shift update for {{job_title}}",
                           email_body="Hi {{candidate_name}}, new shifts. {{next_step}}",
                           sms_body="Hi {{candidate_name}}, new shifts posted."))
    assert first.queued == 2 and first.rate_limited == [apps[2]]
    # Eve's SMS goes now; Fay's email waits for an email account.
    assert first.summary() == ("Sending to 1; 1 queued — connect an email account to send; "
                               "1 rate-limited (one per hour)")
    kinds = [(c, to) for c, p, to, *_ in messages(ws) if p == "blast"]
    assert kinds == [("email", "eve.blast@example.com"), ("sms", "+15550100333"),
                     ("email", "fay.blast@example.com")]
    clock.now += dt.timedelta(minutes=59)
    assert arun(svc.blast(apps[:2], email_subject="Again", email_body="Again",
                          sms_body=None)).rate_limited == apps[:2]
    clock.now += dt.timedelta(minutes=2)
    assert arun(svc.blast(apps[:2], email_subject="Again", email_body="Again",
                          sms_body=None)).queued == 2
    # A 2,000-character SMS goes as two parts Twilio accepts (≤ 1,600 each).
    clock.now += dt.timedelta(hours=2)
    long = " ".join(["word"] * 400)[:2000]
    arun(svc.blast([apps[0]], email_subject=None, email_body=None, sms_body=long))
    parts = [body for c, p, _to, _s, body, _a in messages(ws) if c == "sms" and len(body) > 300]
    assert len(parts) == 2 and all(len(p) <= 1600 for p in parts)
    assert parts[0].endswith("(1/2)") and parts[1].endswith("(2/2)")


# ----- policy -----------------------------------------------------------------------------------
def test_business_hours_in_another_time_zone_schedule_next_try(workspace: Workspace,
                                                               arun: Any) -> None:
    ws = workspace
    policy = set_policy(ws, arun, hours=(dt.time(9), dt.time(17)), days=frozenset(range(5)),
                        timezone="America/Chicago")
    assert not policy.is_open(SAT) and policy.next_open(SAT) == MON_9_CHICAGO
    assert policy.next_open(MON_9_CHICAGO) == MON_9_CHICAGO  # open from 09:00 sharp
    iv = interviewer(ws)
    cid = make_candidate(ws, "Gil Weekend")
    svc, _ = service(ws, SAT)
    report = arun(svc.invite([cid], iv))
    assert report.not_before == MON_9_CHICAGO
    assert report.summary().startswith("1 queued — connect an email account to send")
    [(kind, _key, next_try, _p)] = outbox(ws)
    assert kind == "email" and next_try == MON_9_CHICAGO
    assert arun(svc.gate("email", SAT)) == MON_9_CHICAGO
    assert arun(svc.gate("ats_note", SAT)) is None  # not outreach: not held
    # A blackout date (Thanksgiving) moves Thursday's messages to Friday morning.
    thanksgiving = dt.date(2026, 11, 26)
    policy = set_policy(ws, arun, hours=(dt.time(9), dt.time(17)), days=frozenset(range(5)),
                        timezone="America/Chicago", blackout_dates=(thanksgiving,))
    thursday_noon = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
    assert policy.next_open(thursday_noon) == dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def computer_in_chicago(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local time zone is America/Chicago (restored afterwards)."""
    if not hasattr(time, "tzset"):
        pytest.skip("the local time zone can only be changed in-process on Unix (time.tzset)")
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()


def test_business_hours_in_this_computers_zone_follow_its_daylight_saving(
        computer_in_chicago: None) -> None:
    """No time zone set: the computer's, with the offset of the moment asked about — never
    the offset in force on the day the test (or the app) runs."""
    policy = CommunicationPolicy(hours=(dt.time(9), dt.time(17)), days=frozenset(range(5)))
    winter_saturday = dt.datetime(2026, 1, 10, 15, 0, tzinfo=dt.UTC)  # 09:00 CST
    summer_saturday = dt.datetime(2026, 7, 11, 14, 0, tzinfo=dt.UTC)  # 09:00 CDT
    assert policy.next_open(winter_saturday) == dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
    assert policy.next_open(summer_saturday) == dt.datetime(2026, 7, 13, 14, 0, tzinfo=dt.UTC)
    # The Monday after the clocks went back (Nov 1): 16:59 CST is still open, 17:00 is not.
    assert policy.is_open(dt.datetime(2026, 11, 2, 22, 59, tzinfo=dt.UTC))
    assert not policy.is_open(dt.datetime(2026, 11, 2, 23, 0, tzinfo=dt.UTC))


def test_master_switch_and_policy_validation(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    set_policy(ws, arun, enabled=False)
    iv = interviewer(ws)
    cid = make_candidate(ws, "Hal Off")
    svc, _ = service(ws)
    with pytest.raises(ValidationProblem, match="Outreach is switched off"):
        arun(svc.invite([cid], iv))
    assert arun(svc.gate("sms", NOW)) == NOW + dt.timedelta(minutes=1)
    assert messages(ws) == []
    with pytest.raises(ValidationProblem) as bad:
        check_policy(CommunicationPolicy(hours=(dt.time(17), dt.time(9)), timezone="Mars/Base",
                                         sms_from="555-0100", max_nudges=11))
    text = bad.value.message
    for part in ("maximum number of nudges", "end after they start", "“Mars/Base”",
                 "international format"):
        assert part in text
    # Stored as JSON; an unknown or damaged key falls back to the default.
    stored = CommunicationPolicy.from_json({"max_nudges": "x", "timezone": "Nowhere/Zone",
                                            "future_key": 1, "enabled": True})
    assert stored.max_nudges == 3 and stored.timezone == ""
    assert stored.to_json()["future_key"] == 1


def test_templates_are_seeded_editable_and_checked(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    rows = arun(ws.outreach.templates())
    assert [(r.kind.value, r.channel.value) for r in rows][:4] == [
        ("invitation", "email"), ("invitation", "sms"), ("nudge", "email"), ("nudge", "sms")]
    assert len(rows) == 8 and len(arun(ws.outreach.templates())) == 8  # seeded once
    invitation = rows[0]
    with pytest.raises(ValidationProblem, match=r"Unknown placeholders \{\{first_name\}\}, "
                                                r"\{\{company\}\}"):
        arun(ws.outreach.save_template(invitation.id, "Hi {{first_name}}", "{{company}}"))
    with pytest.raises(ValidationProblem, match="not part of a placeholder"):
        arun(ws.outreach.save_template(invitation.id, "Hi", "Hello {{candidate_name"))
    saved = arun(ws.outreach.save_template(invitation.id, "Join us, {{ candidate_name }}",
                                           "Start: {{next_step}}"))
    assert saved.subject == "Join us, {{ candidate_name }}"
    iv = interviewer(ws)
    preview = arun(ws.outreach.preview(TemplateKind.INVITATION, iv))
    assert preview[invitation.channel].subject == "Join us, Alex Example"
    reset = arun(ws.outreach.reset_template(invitation.id))
    assert reset.subject == "Your interview for {{job_title}}"


# ----- flows that cannot progress ----------------------------------------------------------------
def test_invite_to_a_text_screening_without_a_number_is_refused_and_queues_nothing(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    iv = interviewer(ws, stages=(StageKind.SMS, StageKind.VOICE), phone_number=None)
    cid = make_candidate(ws, "Hal Waiting", phone_e164="+15550100444")
    svc, _ = service(ws)
    readiness = arun(svc.readiness(iv))
    assert not readiness.ready and [p.code for p in readiness.blocking] == ["no_number"]
    with pytest.raises(ValidationProblem, match=re.escape(
            "Nobody was invited: “Warehouse Associate” cannot take candidates yet. The “Sms” "
            "stage texts candidates, but there is no phone number to text from")):
        arun(svc.invite([cid], iv))
    assert messages(ws) == [] and outbox(ws) == []
    assert ws.db.run_sync(lambda s: s.scalars(select(Application.id)).all()) == []
    # The workspace's default sender is a number to text from: the same invite goes.
    set_policy(ws, arun, sms_from="+15550100001")
    assert arun(svc.readiness(iv)).ready
    report = arun(svc.invite([cid], iv))
    assert report.queued == 1
    assert [k for k, *_ in outbox(ws)] == ["email", "flow_execution"]


def test_queued_email_says_it_waits_for_an_email_account(workspace: Workspace,
                                                          arun: Any) -> None:
    ws = workspace
    iv = interviewer(ws, stages=(StageKind.RESUME,))
    people = [make_candidate(ws, "Ida Mail"), make_candidate(ws, "Jo Mail")]
    svc, _ = service(ws)
    report = arun(svc.invite(people, iv))
    assert report.queued == 2 and report.going == 0
    assert report.waiting == {"no_email_account": people}
    assert report.summary() == "2 queued — connect an email account to send"
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key="smtp.settings", value={
        "host": "smtp.agency.example", "port": 587, "security": "starttls",
        "username": "", "from_address": "jobs@agency.example", "from_name": ""})), write=True)
    later = arun(svc.invite([make_candidate(ws, "Kim Mail")], iv))
    assert later.summary() == "Sending to 1" and later.waiting == {}
