"""The contact history says what really happened (issue 10, point 9): an invitation email
queued while no email account is connected reads "Email · to candidate" / "Queued — connect
an email account to send", never "Email · Sent"; once an account is connected it is plainly
"Queued" (the outbox sends it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from milo_desktop.enums import StageKind
from milo_desktop.models import WorkspaceSetting
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.history_model import HistoryPage
from tests.factories import make_candidate, make_interviewer


def test_a_queued_email_says_it_waits_for_an_email_account(
        qtbot: Any, sqlite_workspace: Workspace, arun: Any) -> None:
    ws = sqlite_workspace
    iv = make_interviewer(ws, "Forklift Operator", deadline=None, stages=(StageKind.RESUME,))
    cid = make_candidate(ws, "Ana Queued")
    assert arun(ws.outreach.invite([cid], iv)).summary() == (
        "1 queued — connect an email account to send")
    page = HistoryPage()
    qtbot.addWidget(page)
    page.set_rows(arun(ws.candidates.profile(cid)).messages)
    model = page.model
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == "Email · to candidate"
    assert model.data(model.index(0, 4)) == "Queued — connect an email account to send"
    assert model.data(model.index(0, 4), Qt.ItemDataRole.ForegroundRole) is not None
    page.resize(1000, 160)
    page.show()

    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key="smtp.settings", value={
        "host": "smtp.agency.example", "port": 587, "security": "starttls", "username": "",
        "from_address": "jobs@agency.example", "from_name": ""})), write=True)
    page.set_rows(arun(ws.candidates.profile(cid)).messages)
    assert model.data(model.index(0, 4)) == "Queued"


def test_results_sent_to_an_ats_read_as_a_write_to_it(qtbot: Any, sqlite_workspace: Workspace,
                                                     arun: Any) -> None:
    """Issue 11: "Sent to Greenhouse: note, moved to Phone Screen" in the contact history."""
    from milo_desktop.enums import Channel, Direction, MessageStatus
    from milo_desktop.models import Message

    ws = sqlite_workspace
    cid = make_candidate(ws, "Ana Sent")
    ws.db.run_sync(lambda s: s.add(Message(
        candidate_id=cid, channel=Channel.ATS, direction=Direction.OUTBOUND,
        purpose="ats_result", to_addr="greenhouse", status=MessageStatus.SENT,
        subject="Sent to Greenhouse: note, moved to Phone Screen")), write=True)
    page = HistoryPage()
    qtbot.addWidget(page)
    page.set_rows(arun(ws.candidates.profile(cid)).messages)
    model = page.model
    assert model.data(model.index(0, 1)) == "ATS · Greenhouse"
    assert model.data(model.index(0, 2)) == "Results to the ATS"
    assert model.data(model.index(0, 3)) == "Sent to Greenhouse: note, moved to Phone Screen"
