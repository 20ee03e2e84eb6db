"""The candidate profile says when another directory person has the same phone number
(issue 10, point 4): callers are never linked on the phone alone, so the recruiter is told."""

from __future__ import annotations

from typing import Any

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.profile import ProfileDialog
from tests.factories import make_candidate

PHONE = "+12145550123"


def test_the_profile_flags_a_shared_phone_number(qtbot: Any, make_ctx: Any,
                                                 sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    liz = make_candidate(ws, "Elizabeth Kumar", "liz@mail.example", phone_e164=PHONE)
    alone = make_candidate(ws, "Sam Lee", "sam@mail.example", phone_e164="+13125550100")
    make_candidate(ws, "Keisha Haddad", "keisha@mail.example", phone_e164=PHONE)
    ctx = make_ctx(ws)
    dialog = ProfileDialog(ctx, liz)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_loaded)
    assert dialog.shared_phone.isVisible()
    assert dialog.shared_phone.text() == "⚠ Shares a phone number with Keisha Haddad."
    other = ProfileDialog(ctx, alone)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(other.is_loaded)
    assert not other.shared_phone.isVisible()


def test_the_profile_says_the_candidate_texted_stop(qtbot: Any, make_ctx: Any,
                                                    sqlite_workspace: Workspace) -> None:
    import datetime as dt

    from milo_desktop.models import Candidate

    ws = sqlite_workspace
    liz = make_candidate(ws, "Elizabeth Kumar", "liz@mail.example", phone_e164=PHONE)
    ws.db.run_sync(lambda s: setattr(s.get(Candidate, liz), "sms_opted_out_at",
                                     dt.datetime(2026, 11, 30, 15, tzinfo=dt.UTC)), write=True)
    dialog = ProfileDialog(make_ctx(ws), liz)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_loaded)
    assert "No texts: replied STOP on " in dialog.facts.text()
    assert dialog.phone.text() and "STOP" not in dialog.phone.text()  # Copy copies the number
