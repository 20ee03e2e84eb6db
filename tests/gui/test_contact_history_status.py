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
