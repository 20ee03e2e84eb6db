"""The contact history reads a bounce and a cancel well: an invitation the mail server refuses
(aiosmtpd answers 550 5.1.1, the outbox marks the message bounced) is "Bounced — the address
does not exist" with the server's words on hover; a full mailbox says so; a message cancelled
in Waiting to send is "Cancelled — not sent"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from milo_desktop.enums import Channel, Direction, MessageStatus, StageKind
from milo_desktop.models import Message
from milo_desktop.services.connectors.email.smtp import SmtpConnector, SmtpSecurity, SmtpSettings
from milo_desktop.services.outreach import outreach_handlers
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.history_model import HistoryPage
from tests.factories import make_candidate, make_interviewer
from tests.smtp_server import PASSWORD, USER, mail_server


def history(qtbot: Any, ws: Workspace, arun: Any, cid: int) -> Any:
    page = HistoryPage()
    qtbot.addWidget(page)
    page.set_rows(arun(ws.candidates.profile(cid)).messages)
    return page  # the model lives as long as its page


def test_a_refused_address_reads_bounced_the_address_does_not_exist(
        qtbot: Any, sqlite_workspace: Workspace, arun: Any) -> None:
    ws = sqlite_workspace
    iv = make_interviewer(ws, "Forklift Operator", deadline=None, stages=(StageKind.RESUME,))
    cid = make_candidate(ws, "Ana Gone", "gone@example.com")
    arun(ws.outreach.invite([cid], iv))
    with mail_server() as srv:
        srv.refuse.add("gone@example.com")

        async def smtp() -> SmtpConnector:
            return SmtpConnector(SmtpSettings("127.0.0.1", srv.port, SmtpSecurity.NONE, USER,
                                              USER), PASSWORD, timeout=5)

        async def no_twilio() -> None:
            return None

        arun(OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=no_twilio,
                                                   smtp=smtp)).run_once())
    page = history(qtbot, ws, arun, cid)
    model = page.model
    assert model.data(model.index(0, 4)) == "Bounced — the address does not exist"
    tip = model.data(model.index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Bounced: ") and "5.1.1" in tip  # the server's own words
    assert model.data(model.index(0, 4), Qt.ItemDataRole.ForegroundRole) is not None


def test_a_full_mailbox_and_a_cancelled_message_read_as_such(
        qtbot: Any, sqlite_workspace: Workspace, arun: Any) -> None:
    ws = sqlite_workspace
    cid = make_candidate(ws, "Bea Full")

    def add(s: Any) -> None:
        for status, error in ((MessageStatus.BOUNCED, "552 5.2.2 Mailbox full"),
                              (MessageStatus.CANCELLED, None)):
            s.add(Message(candidate_id=cid, channel=Channel.EMAIL, direction=Direction.OUTBOUND,
                          purpose="invitation", to_addr="bea@example.com", status=status,
                          error=error, subject="Your interview"))
    ws.db.run_sync(add, write=True)
    page = history(qtbot, ws, arun, cid)
    model = page.model
    texts = sorted(model.data(model.index(r, 4)) for r in range(model.rowCount()))
    assert texts == ["Bounced — the mailbox is full", "Cancelled — not sent"]
