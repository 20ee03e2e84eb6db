"""Outreach → Sender: the sender name and the reply-to address are kept with the email
connection, every invitation carries them (a real SMTP server, aiosmtpd on 127.0.0.1), saving
the Email card again keeps the reply-to, and bad values are refused with a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.connectors.email.smtp import SmtpSecurity, SmtpSettings
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.outreach import EmailIntegration, outreach_handlers
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer
from tests.keychains import MemoryKeychain
from tests.smtp_server import PASSWORD, USER, mail_server


def test_sender_name_and_reply_to_reach_every_email(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    email = EmailIntegration(CredentialStore(MemoryKeychain()), DatabaseSettings(ws.db),
                             timeout=5)
    with pytest.raises(ValidationProblem, match="Connect the email account"):
        arun(email.save_sender("Acme", "jobs@agency.example"))
    with mail_server() as srv:
        plain = SmtpSettings("127.0.0.1", srv.port, SmtpSecurity.NONE, USER, USER, "Acme")
        arun(email.connect(plain, PASSWORD))
        saved = arun(email.save_sender("  Acme   Staffing Recruiting ",
                                       "Recruiting@Agency.example"))
        assert (saved.from_name, saved.reply_to) == ("Acme Staffing Recruiting",
                                                     "recruiting@agency.example")
        with pytest.raises(ValidationProblem, match="address replies go to"):
            arun(email.save_sender("Acme", "not an address"))
        # The Email card saves the connection again (it has no reply-to): the reply-to stays.
        arun(email.connect(plain, None))
        kept = arun(email.settings())
        assert kept is not None and kept.reply_to == "recruiting@agency.example"
        assert kept.from_name == "Acme"  # the card's name is the one it shows

        iv = make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None,
                              phone_number="+15550100009")
        cid = make_candidate(ws, "Ivy Cook", "ivy@example.com")
        assert arun(ws.outreach.invite([cid], iv)).queued == 1

        async def no_twilio() -> None:
            return None

        sent = arun(OutboxWorker(ws.db, outreach_handlers(
            ws.db, ws.bus, twilio=no_twilio, smtp=email.make_connector)).run_once())
        assert sent == 1
        [got] = srv.messages()
        assert got.message["From"] == f"Acme <{USER}>"
        assert got.message["Reply-To"] == "recruiting@agency.example"
        # Cleared in Outreach: replies go to the sender address again.
        assert arun(email.save_sender("Acme", "")).reply_to == ""
