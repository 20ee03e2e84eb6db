"""Invitations by SMS through the sandbox Twilio (real sockets), email through aiosmtpd:
directory invitations, receptionist-pipeline invitations sent once, delivery statuses
refreshed from Twilio, and each service waiting on its own when the other is missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import CallReview, CallStatus, MessageStatus, OutboxStatus, StageKind
from milo_desktop.models import InboundCall, Receptionist, ReceptionistInterviewer
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.email.smtp import SmtpConnector, SmtpSecurity, SmtpSettings
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.outreach import CommunicationPolicy, outreach_handlers
from milo_desktop.services.pipeline import PipelineService
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer
from tests.smtp_server import PASSWORD, USER, MailServer, mail_server

NUMBER = "+15550001111"
CALLER = "+15557654321"


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


def twilio_factory(sb: TwilioSandbox | None) -> Any:
    async def make() -> TwilioConnector | None:
        if sb is None:
            return None
        return TwilioConnector(TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token),
                               ApiBases(sb.base_url, sb.base_url),
                               policy=RetryPolicy(attempts=2, base_delay=0.01))
    return make


def smtp_factory(srv: MailServer | None) -> Any:
    async def make() -> SmtpConnector | None:
        if srv is None:
            return None
        return SmtpConnector(SmtpSettings("127.0.0.1", srv.port, SmtpSecurity.NONE, USER, USER),
                             PASSWORD, timeout=5)
    return make


def worker(ws: Workspace, sb: TwilioSandbox | None, srv: MailServer | None) -> OutboxWorker:
    return OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=twilio_factory(sb),
                                                 smtp=smtp_factory(srv)), bus=ws.bus)


def sms_at(sb: TwilioSandbox, to: str) -> list[str]:
    with sb.state.lock:
        return [m.data["body"] for m in sb.state.messages.values() if m.data["to"] == to]


def history(ws: Workspace) -> list[tuple[str, MessageStatus, str | None]]:
    return ws.db.run_sync(lambda s: [(m.channel.value, m.status, m.provider_sid) for m in
                                     s.scalars(select(Message).order_by(Message.id))])


def enable_sms(ws: Workspace, arun: Any) -> None:
    arun(ws.outreach.save_policy(CommunicationPolicy(sms_enabled=True, sms_from=NUMBER)))


def test_sms_and_email_invitation_each_wait_for_their_own_service(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox, server: MailServer) -> None:
    ws = workspace
    enable_sms(ws, arun)
    iv = make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None)
    cid = make_candidate(ws, "Ivy Cook", "ivy@example.com", phone_e164=CALLER)
    assert arun(ws.outreach.invite([cid], iv)).queued == 1
    # Twilio only: the SMS goes, the email waits for a mail server.
    assert arun(worker(ws, sandbox, None).run_once()) == 1
    [body] = sms_at(sandbox, CALLER)
    assert body.startswith("Hi Ivy Cook, thanks for your interest in the Line Cook role")
    # Its next stage is a résumé and no apply mailbox is set: the text says so in words.
    assert body.endswith("Reply to this text and we'll tell you where to send your résumé.")
    # The first round also asked Twilio for delivery statuses: the sandbox delivered it.
    assert history(ws)[1][:2] == ("sms", MessageStatus.DELIVERED)
    assert history(ws)[0] == ("email", MessageStatus.QUEUED, None)
    # Email only: the email goes, nothing is sent twice.
    assert arun(worker(ws, None, server).run_once()) == 1
    assert arun(worker(ws, sandbox, server).run_once()) == 0
    assert len(server.messages()) == 1 and len(sms_at(sandbox, CALLER)) == 1
    assert [s for _c, s, _sid in history(ws)] == [MessageStatus.SENT, MessageStatus.DELIVERED]


def _receptionist_call(ws: Workspace, iv: int, email: str | None) -> int:
    def w(s: Any) -> int:
        r = Receptionist(name="Dallas Line", agent_name="Ava", phone_number=NUMBER,
                         default_interviewer_id=iv)
        s.add(r)
        s.flush()
        s.add(ReceptionistInterviewer(receptionist_id=r.id, interviewer_id=iv))
        call = InboundCall(receptionist_id=r.id, caller_name="Jo Caller", from_e164=CALLER,
                           email=email, status=CallStatus.EVALUATED,
                           review=CallReview.NEEDS_REVIEW,
                           started_at=dt.datetime.now(dt.UTC))
        s.add(call)
        s.flush()
        return call.id
    return ws.db.run_sync(w, write=True)


def test_receptionist_invitation_is_rendered_and_sent_once(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox, server: MailServer) -> None:
    ws = workspace
    enable_sms(ws, arun)
    iv = make_interviewer(ws, "Forklift Operator", slug="forklift", deadline=None,
                          stages=(StageKind.VOICE,))
    call = _receptionist_call(ws, iv, "jo@example.com")
    ingest = arun(PipelineService(ws.db, ws.bus).ingest(call, iv))
    assert ingest.outbox_id is not None
    # A crash right after the invitation was expanded: the row is still "sending".
    w = worker(ws, None, None)
    handler = w.handlers["invitation"]
    row = arun(w._rows("invitation", OutboxStatus.PENDING, due_only=True))[0]
    arun(handler.send(row))
    ws.db.run_sync(lambda s: setattr(s.get(OutboxItem, row.id), "status", OutboxStatus.SENDING),
                   write=True)
    assert arun(worker(ws, sandbox, server).run_once()) == 2  # the email and the SMS
    assert arun(worker(ws, sandbox, server).run_once()) == 0
    kinds = ws.db.run_sync(lambda s: sorted((o.kind, o.status.value) for o in
                                            s.scalars(select(OutboxItem))))
    assert kinds == [("email", "done"), ("flow_execution", "pending"), ("invitation", "done"),
                     ("sms", "done")]
    [mail] = server.messages()
    assert mail.message["Subject"] == "Your interview for Forklift Operator"
    assert "Hi Jo Caller," in mail.message.get_content()
    assert len(sms_at(sandbox, CALLER)) == 1


def test_an_invitation_with_nothing_to_send_fails_with_a_reason(
        workspace: Workspace, arun: Any) -> None:
    ws = workspace  # SMS invitations are off and the caller left no email
    iv = make_interviewer(ws, "Security Officer", slug="security", deadline=None)
    call = _receptionist_call(ws, iv, None)
    arun(PipelineService(ws.db, ws.bus).ingest(call, iv))
    assert arun(worker(ws, None, None).run_once()) == 0
    status, error = ws.db.run_sync(lambda s: s.execute(select(
        OutboxItem.status, OutboxItem.last_error)).one())
    assert status == OutboxStatus.FAILED and error.startswith("Nothing to send")


def test_no_text_goes_to_a_candidate_who_opted_out(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox, server: MailServer) -> None:
    """STOP (recorded from the number's flow, services/entry/intake.py) keeps every text
    from going out; the email still goes, and the history says why the text did not."""
    from milo_desktop.models import Candidate
    from milo_desktop.services.outreach.handlers import OPTED_OUT

    ws = workspace
    enable_sms(ws, arun)
    iv = make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None)
    cid = make_candidate(ws, "Ivy Cook", "ivy@example.com", phone_e164=CALLER)
    ws.db.run_sync(lambda s: setattr(s.get(Candidate, cid), "sms_opted_out_at",
                                     dt.datetime(2026, 11, 30, tzinfo=dt.UTC)), write=True)
    assert arun(ws.outreach.invite([cid], iv)).queued == 1
    arun(worker(ws, sandbox, server).run_once())
    assert sms_at(sandbox, CALLER) == [] and len(server.messages()) == 1
    rows = ws.db.run_sync(lambda s: [(m.channel.value, m.status, m.error) for m in
                                     s.scalars(select(Message).order_by(Message.id))])
    assert ("sms", MessageStatus.FAILED, OPTED_OUT) in rows
    assert ("email", MessageStatus.SENT, None) in rows
