"""Waiting to send (services/outreach/waiting.py) over the real outbox worker and real peers:
the sandbox Twilio and aiosmtpd on 127.0.0.1. Each reason a row waits (offline, business hours
with an injected clock, not connected, rate limited, retrying after an error), Retry now
(waking a sleeping worker), Cancel with Undo, the count and the paging."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import MessageStatus, OutboxStatus, StageKind
from milo_desktop.models import Interviewer
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.email.smtp import SmtpConnector, SmtpSecurity, SmtpSettings
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.outreach import CommunicationPolicy, outreach_handlers
from milo_desktop.services.outreach.waiting import WaitingService, WaitReason
from milo_desktop.services.sync.outbox import OutboxChanged, OutboxWorker, enqueue
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer
from tests.smtp_server import PASSWORD, USER, free_port, mail_server

NUMBER = "+15550001111"
MOBILE = "+15557654321"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def twilio_at(sb: TwilioSandbox | None, base: str | None = None) -> Any:
    """The real connector on ``base`` (the sandbox's address unless given; None: not
    connected), its retry waits skipped."""
    async def no_wait(_seconds: float) -> None:
        return None

    async def make() -> TwilioConnector | None:
        if sb is None:
            return None
        url = base or sb.base_url
        return TwilioConnector(TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token),
                               ApiBases(url, url),
                               policy=RetryPolicy(attempts=2, base_delay=0.01), sleep=no_wait)
    return make


def smtp_at(port: int | None) -> Any:
    async def make() -> SmtpConnector | None:
        if port is None:
            return None
        return SmtpConnector(SmtpSettings("127.0.0.1", port, SmtpSecurity.NONE, USER, USER),
                             PASSWORD, timeout=5)
    return make


def worker(ws: Workspace, twilio: Any, smtp: Any, **kw: Any) -> OutboxWorker:
    return OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=twilio, smtp=smtp),
                        gate=ws.outreach.gate, bus=ws.bus, **kw)


def waiting(ws: Workspace, w: OutboxWorker | None = None, *,
            now: dt.datetime | None = None) -> WaitingService:
    kw: dict[str, Any] = {"clock": lambda: now} if now is not None else {}
    return WaitingService(ws.db, ws.bus, ws.outreach, runtime=lambda: (None, w), **kw)


def invite(ws: Workspace, arun: Any, name: str = "Ivy Cook", *, sms: bool = True,
           title: str = "Forklift Operator") -> int:
    """Invite a new candidate to ``title`` (made once): an email, and an SMS with ``sms``."""
    if sms:
        arun(ws.outreach.save_policy(CommunicationPolicy(sms_enabled=True, sms_from=NUMBER)))
    slug = title.lower().replace(" ", "-")
    iv = ws.db.run_sync(lambda s: s.scalar(select(Interviewer.id).where(
        Interviewer.slug == slug)))
    if iv is None:
        iv = make_interviewer(ws, title, slug=slug, deadline=None, stages=(StageKind.RESUME,))
    email = f"{name.split()[0].lower()}@example.com"
    cid = make_candidate(ws, name, email, phone_e164=MOBILE if sms else None)
    assert arun(ws.outreach.invite([cid], iv)).queued == 1
    return cid


def rows(arun: Any, service: WaitingService) -> list[tuple[str, str, WaitReason, str]]:
    page = arun(service.page())
    return [(r.candidate_name, r.what, r.reason, r.words) for r in page.rows]


def sms_at(sb: TwilioSandbox, to: str) -> list[str]:
    with sb.state.lock:
        return [m.data["body"] for m in sb.state.messages.values() if m.data["to"] == to]


# ----- offline: queued, listed as offline, then each sent exactly once -------------------------
def test_offline_invitations_wait_then_go_out_exactly_once_when_the_peers_come_back(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    twilio_port, smtp_port = free_port(), free_port()
    sb = TwilioSandbox()
    sb.add_number(NUMBER)
    w = worker(ws, twilio_at(sb, f"http://127.0.0.1:{twilio_port}"), smtp_at(smtp_port))
    service = waiting(ws, w)
    for name in ("Ivy Cook", "Ann Lee", "Bo Chan"):
        invite(ws, arun, name)
    assert arun(service.count()) == 6  # an email and an SMS each
    # Neither peer is listening: nothing goes, nothing fails, every row says "offline".
    assert arun(w.run_once()) == 0
    listed = rows(arun, service)
    assert len(listed) == 6
    assert {reason for _n, _w, reason, _t in listed} == {WaitReason.OFFLINE}
    assert ("Ivy Cook", "Invitation to Forklift Operator by SMS", WaitReason.OFFLINE,
            "Offline — goes out when Twilio can be reached again") in listed
    assert ("Ann Lee", "Invitation to Forklift Operator by email", WaitReason.OFFLINE,
            "Offline — goes out when your email account can be reached again") in listed
    assert arun(w.run_once()) == 0  # still offline: still nothing lost or failed
    statuses = ws.db.run_sync(lambda s: set(s.scalars(select(OutboxItem.status))))
    assert statuses <= {OutboxStatus.PENDING, OutboxStatus.SENDING}

    async def back_online() -> int:
        await sb.start(twilio_port)
        try:
            await service.retry()  # what Retry now does; the rows' backoff is skipped
            sent = await w.run_once()
            return sent + await w.run_once()  # a second round sends nothing again
        finally:
            await sb.stop()

    with mail_server(smtp_port) as srv:
        assert arun(back_online()) == 6
        assert sorted(m.recipients[0] for m in srv.messages()) == [
            "ann@example.com", "bo@example.com", "ivy@example.com"]
    assert len(sms_at(sb, MOBILE)) == 3
    assert arun(service.count()) == 0 and rows(arun, service) == []
    assert arun(w.run_once()) == 0


# ----- reasons ------------------------------------------------------------------------------------
def test_outside_business_hours_says_until_when_from_an_injected_clock(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    invite(ws, arun, sms=False)
    arun(ws.outreach.save_policy(CommunicationPolicy(
        hours=(dt.time(8), dt.time(17)), days=frozenset(range(5)), timezone="America/Chicago")))
    tuesday_evening = dt.datetime(2026, 12, 9, 2, 30, tzinfo=dt.UTC)  # Tue 20:30 in Chicago
    [row] = arun(waiting(ws, now=tuesday_evening).page()).rows
    assert (row.reason, row.words) == (WaitReason.BUSINESS_HOURS,
                                       "Outside business hours — until 8:00 tomorrow")
    friday_evening = dt.datetime(2026, 12, 12, 1, 0, tzinfo=dt.UTC)  # Fri 11 Dec 19:00
    [row] = arun(waiting(ws, now=friday_evening).page()).rows
    assert row.words == "Outside business hours — until 8:00 Monday"
    monday_noon = dt.datetime(2026, 12, 14, 18, 0, tzinfo=dt.UTC)
    [row] = arun(waiting(ws, now=monday_noon).page()).rows
    assert row.reason == WaitReason.DUE
    arun(ws.outreach.save_policy(CommunicationPolicy(enabled=False)))
    [row] = arun(waiting(ws, now=monday_noon).page()).rows
    assert row.reason == WaitReason.SWITCHED_OFF


def test_no_account_connected_is_said_per_service(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    invite(ws, arun)
    w = worker(ws, twilio_at(None), smtp_at(None))
    service = waiting(ws, w)
    assert {r[2] for r in rows(arun, service)} == {WaitReason.DUE}  # no round yet
    assert arun(w.run_once()) == 0
    words = {what: text for _n, what, _r, text in rows(arun, service)}
    assert words == {
        "Invitation to Forklift Operator by SMS":
            "Twilio is not connected — connect it under Integrations",
        "Invitation to Forklift Operator by email":
            "No email account is connected — connect one under Integrations → Email"}


def test_rate_limited_and_retrying_after_an_error(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox) -> None:
    ws = workspace
    invite(ws, arun)
    with mail_server() as srv:
        srv.defer.add("ivy@example.com")  # 451: the server asks to try again later
        # Every attempt of the first send answered 429 (the connector tries twice).
        sandbox.faults.inject("429", count=2, path="Messages.json", method="POST")
        w = worker(ws, twilio_at(sandbox), smtp_at(srv.port))
        service = waiting(ws, w)
        assert arun(w.run_once()) == 0
        by_what = {r.what: r for r in arun(service.page()).rows}
        sms = by_what["Invitation to Forklift Operator by SMS"]
        assert sms.reason == WaitReason.RATE_LIMITED
        assert sms.words.startswith("Twilio asked Milo to slow down (rate limit) — trying again")
        mail = by_what["Invitation to Forklift Operator by email"]
        assert mail.reason == WaitReason.RETRYING
        assert mail.words.startswith("Retrying at ") and "after an error:" in mail.words
        assert "451" in mail.words and mail.last_error and mail.attempts == 1
        # Retry now: the server takes it again, the row goes at once (no backoff wait).
        srv.defer.clear()
        assert arun(w.run_once()) == 0  # its backoff has not passed: nothing tried
        assert arun(service.retry([mail.id])) == 1
        assert arun(w.run_once()) == 1  # the email; the SMS keeps its backoff
        assert arun(service.retry()) == 1  # all: the SMS
        assert arun(w.run_once()) == 1 and len(sms_at(sandbox, MOBILE)) == 1
        assert [m.recipients for m in srv.messages()] == [["ivy@example.com"]]


def test_retry_now_wakes_a_sleeping_worker(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    invite(ws, arun, sms=False)

    async def forever(_seconds: float) -> None:
        await asyncio.Event().wait()  # the worker would sleep for ever without a wake

    with mail_server() as srv:
        srv.defer.add("ivy@example.com")
        w = worker(ws, twilio_at(None), smtp_at(srv.port), sleep=forever)
        service = waiting(ws, w)
        changed: list[OutboxChanged] = []
        ws.bus.subscribe(OutboxChanged, changed.append)

        async def scenario() -> int:
            task = asyncio.ensure_future(w.run_forever())
            try:
                while not (await service.page()).rows[0].last_error:
                    await asyncio.sleep(0.01)  # the first round met the 451
                srv.defer.clear()
                await service.retry()
                while await service.count():
                    await asyncio.sleep(0.01)
                return len(srv.messages())
            finally:
                task.cancel()

        assert arun(scenario(), timeout=20) == 1
        assert changed  # the list and the status bar were told


# ----- cancel and undo ---------------------------------------------------------------------------
def test_cancel_says_what_was_cancelled_sends_nothing_and_undo_puts_it_back(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace
    cid = invite(ws, arun, sms=False)
    service = waiting(ws)
    [row] = arun(service.page()).rows
    done = arun(service.cancel([row.id]))
    assert done.words == ("Cancelled the invitation to Forklift Operator by email for "
                          "Ivy Cook.")
    assert done.ids == (row.id,) and arun(service.count()) == 0
    status = ws.db.run_sync(lambda s: s.scalar(select(Message.status).where(
        Message.candidate_id == cid)))
    assert status == MessageStatus.CANCELLED
    with mail_server() as srv:
        w = worker(ws, twilio_at(None), smtp_at(srv.port))
        assert arun(w.run_once()) == 0 and srv.messages() == []
        assert arun(service.restore(done.ids)) == 1
        assert arun(service.count()) == 1
        assert arun(w.run_once()) == 1 and len(srv.messages()) == 1
    status = ws.db.run_sync(lambda s: s.scalar(select(Message.status).where(
        Message.candidate_id == cid)))
    assert status == MessageStatus.SENT


def test_a_row_being_sent_is_not_cancelled(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    invite(ws, arun, sms=False)
    service = waiting(ws)
    [row] = arun(service.page()).rows
    ws.db.run_sync(lambda s: s.get(OutboxItem, row.id).__setattr__(
        "status", OutboxStatus.SENDING), write=True)
    done = arun(service.cancel([row.id]))
    assert done.ids == () and done.not_cancelled == 1
    assert done.words == ("Nothing was cancelled (1 is being sent right now or has already "
                          "gone, so it was kept).")
    assert arun(service.count()) == 1


def test_pages_are_keyset_by_id_and_the_count_matches(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    for name in ("Ivy Cook", "Ann Lee", "Bo Chan"):
        invite(ws, arun, name, sms=False)
    service = waiting(ws)
    first = arun(service.page(PageQuery(sort="id", limit=2)))
    assert [r.candidate_name for r in first.rows] == ["Ivy Cook", "Ann Lee"]
    assert first.next_cursor is not None
    second = arun(service.page(PageQuery(sort="id", limit=2), first.next_cursor))
    assert [r.candidate_name for r in second.rows] == ["Bo Chan"]
    assert second.next_cursor is None
    assert arun(service.count()) == 3


def test_a_stage_start_shares_its_services_state_before_its_own_round(
        workspace: Workspace, arun: Any) -> None:
    """A screening's start (``flow_execution``) goes through Twilio like an SMS: when the SMS
    round found Twilio unreachable, the start waits for the same reason."""
    ws = workspace
    cid = invite(ws, arun, sms=True)
    app_id = ws.db.run_sync(lambda s: s.scalar(select(Message.application_id).where(
        Message.candidate_id == cid).limit(1)))
    ws.db.run_sync(lambda s: enqueue(s, "flow_execution", {
        "application_id": app_id, "stage_id": None, "to": MOBILE}), write=True)
    w = worker(ws, twilio_at(TwilioSandbox(), f"http://127.0.0.1:{free_port()}"), smtp_at(None))
    assert arun(w.run_once()) == 0
    by_what = {r.what: r for r in arun(waiting(ws, w).page()).rows}
    start = by_what["Screening for Forklift Operator"]
    assert (start.reason, start.words) == (
        WaitReason.OFFLINE, "Offline — goes out when Twilio can be reached again")


def test_a_row_being_sent_and_a_row_due_later_say_so() -> None:
    """``explain`` over plain values (no peer needed): a row a worker holds is "Being sent
    now"; one due later by design (a call's next attempt) says when, in words."""
    from milo_desktop.services.outreach.waiting import explain

    now = dt.datetime(2026, 12, 9, 15, 0, tzinfo=dt.UTC)
    policy = CommunicationPolicy()
    assert explain(kind="sms", status=OutboxStatus.SENDING, last_error=None, policy=policy,
                   next_try_at=now + dt.timedelta(minutes=5), now=now, kind_state=None,
                   engine_status=None) == (WaitReason.SENDING, "Being sent now")
    reason, words = explain(kind="flow_execution", status=OutboxStatus.PENDING,
                            last_error=None, next_try_at=now + dt.timedelta(days=1, hours=2),
                            now=now, policy=policy, kind_state=None, engine_status=None)
    assert reason == WaitReason.SCHEDULED and words.startswith("Scheduled for ")
    assert words.endswith(" tomorrow")
    reason, _ = explain(kind="sms", status=OutboxStatus.PENDING, last_error=None,
                        next_try_at=now, now=now, policy=policy, kind_state=None,
                        engine_status=None, online=False)
    assert reason == WaitReason.OFFLINE  # the sync engine found the network gone
