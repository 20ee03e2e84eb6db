"""Email through the outbox against a real SMTP server (aiosmtpd on 127.0.0.1): invitations
arrive rendered, refused logins and recipients are classified, a server that is down leaves
the email waiting, and a crash is reconciled without a duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from milo_desktop.enums import MessageStatus, OutboxStatus
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.connectors import AuthFailed, Offline
from milo_desktop.services.connectors.email.smtp import (
    KEY_PASSWORD,
    OutgoingEmail,
    SmtpConnector,
    SmtpSecurity,
    SmtpSettings,
)
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.core.credentials import SERVICE, CredentialStore
from milo_desktop.services.outreach import (
    CommunicationPolicy,
    EmailIntegration,
    EmailState,
    outreach_handlers,
)
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer
from tests.keychains import MemoryKeychain
from tests.smtp_server import PASSWORD, USER, MailServer, free_port, mail_server

LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ODD_NAME = "Zoë “Z” O'Brien-{{link}}"


def settings(port: int, username: str = USER) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, SmtpSecurity.NONE, username, USER, "Acme Staffing")


def email_integration(ws: Workspace, chain: MemoryKeychain | None = None) -> EmailIntegration:
    return EmailIntegration(CredentialStore(chain or MemoryKeychain()), DatabaseSettings(ws.db),
                            timeout=5)


def worker(ws: Workspace, email: EmailIntegration) -> OutboxWorker:
    async def no_twilio() -> None:
        return None
    return OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=no_twilio,
                                                 smtp=email.make_connector))


def invite_one(ws: Workspace, arun: Any, name: str = ODD_NAME,
               address: str = "zoe@example.com") -> int:
    iv = make_interviewer(ws, "Forklift Operator", slug="forklift-dallas",
                          position_title="Forklift Operator (Nights)", deadline=None,
                          phone_number="+15550100009")  # its Voice stage calls from it
    cid = make_candidate(ws, name, address)
    report = arun(ws.outreach.invite([cid], iv))
    assert report.queued == 1, report.summary()
    return cid


def email_rows(ws: Workspace) -> list[tuple[OutboxStatus, MessageStatus, str | None, str | None,
                                            int]]:
    def q(s: Any) -> list[Any]:
        rows = s.execute(select(OutboxItem.status, Message.status, Message.provider_sid,
                                Message.error, OutboxItem.attempts)
                         .join(Message, Message.id == OutboxItem.message_id)
                         .where(OutboxItem.kind == "email").order_by(OutboxItem.id))
        return [tuple(r) for r in rows]
    return ws.db.run_sync(q)


def time_passes(ws: Workspace) -> None:
    ws.db.run_sync(lambda s: s.execute(update(OutboxItem).values(next_try_at=LONG_AGO)),
                   write=True)


@pytest.fixture
def server() -> Any:
    with mail_server() as srv:
        yield srv


def connect(ws: Workspace, arun: Any, srv: MailServer, chain: MemoryKeychain) -> EmailIntegration:
    email = email_integration(ws, chain)
    status = arun(email.connect(settings(srv.port), PASSWORD))
    assert status.state == EmailState.CONNECTED and status.message.startswith("220")
    return email


def test_invitation_email_arrives_rendered(workspace: Workspace, arun: Any,
                                           server: MailServer) -> None:
    chain = MemoryKeychain()
    email = connect(workspace, arun, server, chain)
    assert chain.items == {(SERVICE, KEY_PASSWORD): PASSWORD}
    stored = workspace.db.run_sync(lambda s: s.execute(select(WorkspaceSetting.value)).all())
    assert stored and PASSWORD not in repr(stored)  # the password never reaches the database
    invite_one(workspace, arun)
    assert arun(worker(workspace, email).run_once()) == 1
    [got] = server.messages()
    assert got.sender == USER and got.recipients == ["zoe@example.com"]
    msg = got.message
    assert msg["Subject"] == "Your interview for Forklift Operator (Nights)"
    assert msg["From"] == f"Acme Staffing <{USER}>"
    body = msg.get_content()
    # The name is printed as written (its "{{link}}" is not expanded); no candidate page is
    # set, so the invitation says how the next stage (the résumé) starts instead of a link.
    assert f"Hi {ODD_NAME}," in body
    assert "Reply to this email with your résumé attached." in body
    assert "http" not in body
    assert "{{" not in body.replace(ODD_NAME, "")
    [(box, status, sid, error, attempts)] = email_rows(workspace)
    assert (box, status, error, attempts) == (OutboxStatus.DONE, MessageStatus.SENT, None, 1)
    assert sid == msg["Message-ID"] and sid.endswith("@agency.example>")
    assert server.logins == [USER, USER]  # the connect test, then the send


def test_wrong_password_is_refused_and_nothing_is_stored(workspace: Workspace, arun: Any,
                                                         server: MailServer) -> None:
    chain = MemoryKeychain()
    email = email_integration(workspace, chain)
    with pytest.raises(AuthFailed, match="refused the username or password"):
        arun(email.connect(settings(server.port), "wrong"))
    assert chain.items == {} and arun(email.settings()) is None
    status = arun(email.test(settings(server.port), "wrong"))
    assert status.state == EmailState.AUTH_FAILED and "535" in status.message


def test_refused_login_while_sending_waits_without_failing(workspace: Workspace, arun: Any,
                                                           server: MailServer) -> None:
    chain = MemoryKeychain()
    email = connect(workspace, arun, server, chain)
    chain.items[(SERVICE, KEY_PASSWORD)] = "changed-on-the-server"
    invite_one(workspace, arun)
    for _ in range(8):  # more rounds than max_attempts: a refused login never fails a row
        assert arun(worker(workspace, email).run_once()) == 0
        time_passes(workspace)
    [(box, status, _sid, error, _n)] = email_rows(workspace)
    assert (box, status) == (OutboxStatus.PENDING, MessageStatus.QUEUED)
    assert error is not None and "refused the username or password" in error
    assert server.messages() == []


def test_refused_recipient_bounces(workspace: Workspace, arun: Any, server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    server.refuse.add("nobody@example.com")
    invite_one(workspace, arun, "Nobody Here", "nobody@example.com")
    assert arun(worker(workspace, email).run_once()) == 0
    [(box, status, sid, error, attempts)] = email_rows(workspace)
    assert (box, status, sid, attempts) == (OutboxStatus.FAILED, MessageStatus.BOUNCED, None, 1)
    assert error is not None and "refused the address nobody@example.com (550" in error
    assert server.messages() == []


def test_deferred_recipient_is_retried_later(workspace: Workspace, arun: Any,
                                             server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    server.defer.add("busy@example.com")
    invite_one(workspace, arun, "Busy Person", "busy@example.com")
    assert arun(worker(workspace, email).run_once()) == 0
    [(box, status, _sid, error, _n)] = email_rows(workspace)
    assert (box, status) == (OutboxStatus.PENDING, MessageStatus.QUEUED)
    assert error is not None and "try again later (451" in error
    server.defer.clear()
    assert arun(worker(workspace, email).run_once()) == 0  # not due yet
    time_passes(workspace)
    assert arun(worker(workspace, email).run_once()) == 1
    assert [r.recipients for r in server.messages()] == [["busy@example.com"]]


def test_server_down_keeps_the_email_pending_and_it_resumes(workspace: Workspace,
                                                            arun: Any) -> None:
    port = free_port()
    chain = MemoryKeychain()
    with mail_server(port) as srv:  # connected while the server was up
        email = connect(workspace, arun, srv, chain)
    invite_one(workspace, arun)
    w = worker(workspace, email)
    for _ in range(8):  # offline is a state: never fails the row
        assert arun(w.run_once()) == 0
        time_passes(workspace)
    [(box, status, _sid, error, attempts)] = email_rows(workspace)
    assert (box, status, attempts) == (OutboxStatus.PENDING, MessageStatus.QUEUED, 8)
    assert error == f"The mail server at 127.0.0.1:{port} cannot be reached."
    with mail_server(port) as srv:
        assert arun(w.run_once()) == 1
        assert len(srv.messages()) == 1
    assert email_rows(workspace)[0][:2] == (OutboxStatus.DONE, MessageStatus.SENT)


def _crash_in_sending(ws: Workspace, *, data_started: bool) -> None:
    def w(s: Any) -> None:
        item = s.scalars(select(OutboxItem).where(OutboxItem.kind == "email")).one()
        item.status, item.attempts = OutboxStatus.SENDING, 1
        if data_started:
            item.payload = {**item.payload, "message_id": "<m1@agency.example>",
                            "data_started_at": "2026-11-22T12:00:00+00:00"}
    ws.db.run_sync(w, write=True)


def test_crash_before_data_is_sent_once(workspace: Workspace, arun: Any,
                                        server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    invite_one(workspace, arun)
    _crash_in_sending(workspace, data_started=False)
    assert arun(worker(workspace, email).run_once()) == 1
    assert arun(worker(workspace, email).run_once()) == 0
    assert len(server.messages()) == 1
    assert email_rows(workspace)[0][4] == 2  # the lost try and this one


def test_crash_after_data_started_is_marked_uncertain_not_resent(
        workspace: Workspace, arun: Any, server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    invite_one(workspace, arun)
    _crash_in_sending(workspace, data_started=True)
    assert arun(worker(workspace, email).run_once()) == 0
    assert server.messages() == []
    [(box, status, _sid, error, _n)] = email_rows(workspace)
    assert (box, status) == (OutboxStatus.FAILED, MessageStatus.FAILED)
    assert error is not None and error.startswith("Delivery uncertain")
    assert "<m1@agency.example>" in error


def test_connector_classifies_a_server_that_is_down(arun: Any) -> None:
    smtp = SmtpConnector(settings(free_port()), PASSWORD, timeout=5)
    with pytest.raises(Offline, match="cannot be reached"):
        arun(smtp.test())
    with pytest.raises(Offline):
        arun(smtp.send(OutgoingEmail("a@example.com", "s", "b", "<x@agency.example>")))


def test_header_injection_is_flattened(arun: Any, server: MailServer) -> None:
    smtp = SmtpConnector(settings(server.port), PASSWORD, timeout=5)
    arun(smtp.send(OutgoingEmail("a@example.com", "Hello\r\nBcc: evil@example.com",
                                 "Line one\n.\nLine three", "<y@agency.example>")))
    [got] = server.messages()
    assert got.recipients == ["a@example.com"] and got.message["Bcc"] is None
    assert got.message["Subject"] == "Hello Bcc: evil@example.com"
    assert got.message.get_content().splitlines() == ["Line one", ".", "Line three"]


def _next_try(ws: Workspace) -> dt.datetime:
    return ws.db.run_sync(lambda s: s.scalars(select(OutboxItem.next_try_at)).one())


def test_the_policy_holds_queued_email_back(workspace: Workspace, arun: Any,
                                            server: MailServer) -> None:
    email = connect(workspace, arun, server, MemoryKeychain())
    invite_one(workspace, arun)  # queued while messages may go out
    today = dt.datetime.now(dt.UTC).weekday()
    closed_today = CommunicationPolicy(days=frozenset(range(7)) - {today}, timezone="UTC")
    arun(workspace.outreach.save_policy(closed_today))
    w = OutboxWorker(workspace.db, worker(workspace, email).handlers,
                     gate=workspace.outreach.gate)
    assert arun(w.run_once()) == 0 and server.messages() == []
    tomorrow = dt.datetime.combine(dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1),
                                   dt.time(0), dt.UTC)
    assert _next_try(workspace) == tomorrow  # scheduled for the next open time, not dropped
    arun(workspace.outreach.save_policy(CommunicationPolicy(enabled=False)))
    time_passes(workspace)
    assert arun(w.run_once()) == 0 and server.messages() == []  # master switch off
    assert _next_try(workspace) > dt.datetime.now(dt.UTC)
    arun(workspace.outreach.save_policy(CommunicationPolicy()))
    time_passes(workspace)
    assert arun(w.run_once()) == 1 and len(server.messages()) == 1
