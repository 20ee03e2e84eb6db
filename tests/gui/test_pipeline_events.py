"""The pipeline keeps itself right from events (issue 10: every view refreshes from events):
each action — approve, reject, undo, ingest (route), a call landing, a receptionist renamed —
changes the rows and the counts on screen without a manual refresh. Reject and Approve offer
Undo in the banner (point 15), and the call details show a same-phone caller with another
name as a possible match, whose Ingest asks who the caller is (point 4)."""

# The pipeline screen's fixtures are imported by name, then requested by the tests.
# ruff: noqa: F811

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from milo_desktop.enums import CallReview, CallStatus
from milo_desktop.models import Candidate, InboundCall
from milo_desktop.services.core.events import CallUpdated
from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists import PipelineSection
from tests.factories import NOW, make_candidate
from tests.gui.test_pipeline_screen import (  # noqa: F401 (fixtures)
    data,
    names,
    section,
    tab_texts,
    wait_reload,
    ws,
)
from tests.gui.test_receptionist_wizard import CONFIG
from tests.unit.test_pipeline_service import add_call

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


def needs_review(qtbot: Any, w: PipelineSection) -> list[str]:
    wait_reload(qtbot, w, lambda: w.tabs.setCurrentIndex(2))
    assert w.current_tab() == "needs_review"
    return names(w)


def row_of(w: PipelineSection, name: str) -> Any:
    return next(r for r in w.model.rows() if r.caller_name == name)


def test_reject_from_the_row_menu_then_undo(section: PipelineSection, qtbot: Any) -> None:
    w = section
    assert "Stella Star" in needs_review(qtbot, w)
    menu = w.row_menu(row_of(w, "Stella Star"))
    reject = next(a for a in menu.actions() if a.text() == "Reject")
    reject.trigger()
    qtbot.waitUntil(lambda: w.banner.text() == "Rejected Stella Star.", timeout=10_000)
    assert w.banner.action_text() == "Undo"
    # Gone from Needs Review, counted under Rejected: no refresh asked for.
    qtbot.waitUntil(lambda: "Stella Star" not in names(w), timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(w)[2:] == ["Needs Review (4)", "Approved (2)",
                                                 "Rejected (3)"], timeout=10_000)
    qtbot.mouseClick(w.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.banner.text() == "Undone: Stella Star is back to “Needs review”.",
                    timeout=10_000)
    assert w.banner.action_text() == ""  # one undo per decision
    qtbot.waitUntil(lambda: "Stella Star" in names(w), timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(w)[2:] == ["Needs Review (5)", "Approved (2)",
                                                 "Rejected (2)"], timeout=10_000)


def test_approve_in_the_details_then_undo(section: PipelineSection, qtbot: Any,
                                          data: dict[str, Any]) -> None:
    w = section
    needs_review(qtbot, w)
    dialog = w.open_call(data["star"])
    qtbot.waitUntil(dialog.approve_button.isEnabled, timeout=10_000)
    dialog.approve_button.click()
    qtbot.waitUntil(lambda: dialog.banner.text() == "Approved Stella Star.", timeout=10_000)
    qtbot.waitUntil(lambda: "Stella Star" not in names(w), timeout=10_000)
    dialog.banner.trigger_action()  # Undo
    qtbot.waitUntil(lambda: "Stella Star" in names(w), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.approve_button.isEnabled(), timeout=10_000)
    assert dialog.detail is not None and dialog.detail.row.review == CallReview.NEEDS_REVIEW


def test_ingest_moves_the_row_and_a_new_call_lands(section: PipelineSection, qtbot: Any,
                                                   ws: Workspace, data: dict[str, Any]) -> None:
    w = section
    needs_review(qtbot, w)
    w.ingest_row(row_of(w, "Stella Star"))
    qtbot.waitUntil(lambda: w.ingest_dialog is not None, timeout=10_000)
    assert w.ingest_dialog is not None
    assert not w.ingest_dialog.person_box.isVisibleTo(w.ingest_dialog)  # nobody to confuse
    w.ingest_dialog.ingest_button.click()
    qtbot.waitUntil(lambda: "Stella Star" not in names(w), timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(w)[3] == "Approved (3)", timeout=10_000)
    # No email account is connected: the words say the email waits, not that it is on its way.
    qtbot.waitUntil(lambda: "Invited Stella Star" in w.banner.text(), timeout=10_000)
    assert "The invitation email is queued — connect an email account" in w.banner.text()
    assert "on its way" not in w.banner.text()
    # A call lands (the sync publishes CallUpdated): it appears in its tab, counted.
    new = add_call(ws, data["dallas"], "Fresh Caller", "+14695550111", None,
                   NOW + dt.timedelta(hours=1))
    ws.bus.publish(CallUpdated(new))
    qtbot.waitUntil(lambda: names(w)[:1] == ["Fresh Caller"], timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(w)[2] == "Needs Review (5)", timeout=10_000)


def test_a_renamed_receptionist_is_renamed_in_the_rows_and_the_filter(
        section: PipelineSection, qtbot: Any, ws: Workspace, data: dict[str, Any]) -> None:
    w = section
    qtbot.waitUntil(lambda: w.receptionist.findText("Dallas Line") > 0, timeout=10_000)
    receptionists = ReceptionistService(ws.db, ws.bus, clock=lambda: NOW)

    async def rename() -> None:
        detail = await receptionists.get(data["dallas"])
        await receptionists.update(detail.id, dataclasses.replace(
            detail.draft(), name="Dallas Warehouse Line",
            config=dataclasses.replace(detail.config(), manual_approval=True,
                                       intro_message="Hello!", questions=CONFIG.questions)))

    w.ctx.spawn(rename(), "test.rename")
    qtbot.waitUntil(lambda: row_of(w, "Stella Star").receptionist_name ==
                    "Dallas Warehouse Line", timeout=10_000)
    qtbot.waitUntil(lambda: w.receptionist.findText("Dallas Warehouse Line") > 0,
                    timeout=10_000)
    assert w.receptionist.findText("Dallas Line") < 0


def test_a_same_phone_caller_with_another_name_is_a_possible_match(
        section: PipelineSection, qtbot: Any, ws: Workspace, data: dict[str, Any]) -> None:
    w = section
    liz = make_candidate(ws, "Elizabeth Kumar", "liz@mail.example", phone_e164="+14695550177")
    call = add_call(ws, data["dallas"], "Keisha Haddad", "+14695550177", None,
                    NOW + dt.timedelta(hours=2), status=CallStatus.EVALUATED, answers=2)
    ws.bus.publish(CallUpdated(call))
    dialog = w.open_call(call)
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.row.id == call,
                    timeout=10_000)
    text = dialog.candidate_line.text()
    assert text.startswith("Possible match: Elizabeth Kumar (same phone or email).")
    assert "In your directory as" not in text

    ingest = dialog.open_ingest()
    assert ingest.person_box.isVisibleTo(ingest)
    assert ingest.as_new.isChecked() and not ingest.use_possible_match  # new by default
    assert ingest.as_new.text() == "Keisha Haddad, a new person in your directory"
    assert ingest.as_match.text().startswith("Elizabeth Kumar, already in your directory")
    ingest.ingest_button.click()
    qtbot.waitUntil(lambda: dialog.banner.text().startswith("Invited Keisha Haddad to "),
                    timeout=10_000)
    linked = ws.db.run_sync(lambda s: s.get(InboundCall, call).candidate_id)
    assert linked != liz
    assert ws.db.run_sync(lambda s: s.scalar(select(Candidate.full_name).where(
        Candidate.id == linked))) == "Keisha Haddad"
