"""The Share step's entry points and demo mode's "Simulate a text…" (the poster's text code sent
into the sandbox Twilio as an inbound SMS: the app's background publishes the router, takes
the text and starts the screening), and Settings → Account's candidate page check."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.app.demo_entry import text_simulator
from milo_desktop.enums import CandidateSource, OutboxStatus, StageKind
from milo_desktop.models import Application, EntryRouter, OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.authoring.store import draft_of
from milo_desktop.services.entry.points import EntryKind
from milo_desktop.services.stages.handler import FLOW_EXECUTION
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring.share_page import SharePage
from milo_desktop.views.workspace_settings.account_card import AccountCard
from tests.stage_runs import LICENCE, NUMBER, STORY, make_screening

WAIT = 30_000
KEYWORDS = "+15550002222"  # the SMS sender: keywords of interviewers without a number
SHOTS = os.environ.get("MILO_TEST_SHOTS")  # a folder: the tests save what they render


def shot(widget: Any, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER, "Dallas line")
        sb.add_number(KEYWORDS, "Apply line")
        yield sb


def env_for(sb: TwilioSandbox) -> dict[str, str]:
    return {"TWILIO_ACCOUNT_SID": sb.account.sid, "TWILIO_AUTH_TOKEN": sb.account.auth_token,
            "MILO_TWILIO_API_BASE": sb.base_url, "MILO_TWILIO_STUDIO_BASE": sb.studio_base_url}


def with_sender(ws: Workspace, number: str = KEYWORDS) -> None:
    from milo_desktop.models import WorkspaceSetting
    from milo_desktop.services.outreach import CommunicationPolicy
    from milo_desktop.services.outreach.policy import SETTING_KEY

    ws.db.run_sync(lambda s: s.merge(WorkspaceSetting(
        key=SETTING_KEY, value=CommunicationPolicy(sms_from=number).to_json())), write=True)


def share_page(qtbot: Any, ctx: Any, ws: Workspace, iid: int) -> SharePage:
    page = SharePage(ctx)
    qtbot.addWidget(page)
    page.resize(1440, 900)
    page.show()
    draft = ws.db.run_sync(lambda s: draft_of(s, iid))
    page.load(draft, None, True, iid)
    qtbot.waitUntil(lambda: page.points is not None, timeout=WAIT)
    return page


def test_simulate_a_text_starts_the_screening(qtbot: Any, make_ctx: Any,
                                              sqlite_workspace: Workspace,
                                              sandbox: TwilioSandbox, tmp_path: Path,
                                              apply_theme: Any) -> None:
    from milo_desktop.app.background import build_background

    apply_theme(False)
    ws = sqlite_workspace
    with_sender(ws)
    screening = make_screening(ws, [(StageKind.SMS, [LICENCE, STORY])])
    iid = screening.interviewer_id
    ws.entry.text_simulator = text_simulator(sandbox, ws)
    ctx = make_ctx(ws)
    background = build_background(ws, tmp_path / "data", store=None, env=env_for(sandbox))
    background.start()
    try:
        # The background gives the interviewer its keyword and publishes the number's router.
        qtbot.waitUntil(lambda: ws.db.run_sync(
            lambda s: s.scalar(select(EntryRouter.flow_sid))) is not None, timeout=WAIT)
        page = share_page(qtbot, ctx, ws, iid)
        assert page.points is not None
        # On the interviewer's own line, beside its text screening (one flow per number).
        assert [p.words for p in page.points.points] == ["Text FORKLIFT to +1 555 000 1111"]
        assert page.copied == {"copy_text": NUMBER}
        assert not page.simulate_button.isHidden()
        qtbot.waitUntil(lambda: page.rendered_for is not None, timeout=WAIT)
        shot(page, "share-step-text-to-apply.png")

        task = page.simulate_text()
        assert task is not None
        qtbot.waitUntil(task.done, timeout=WAIT)
        assert f"Texted FORKLIFT to {NUMBER}" in page.saved.text()

        def started() -> bool:
            rows = ws.db.run_sync(lambda s: s.execute(
                select(Application.source, OutboxItem.status).join(
                    OutboxItem, OutboxItem.kind == FLOW_EXECUTION)
                .where(Application.interviewer_id == iid)).all())
            return rows == [(CandidateSource.PHONE, OutboxStatus.DONE)]
        qtbot.waitUntil(started, timeout=60_000)
        # The line's flow welcomed the texter, then ran the screening: the keyword router
        # and the text stage share the line's one flow, which its texts reach.
        from milo_desktop.models import Stage
        from milo_desktop.services.entry.service import DEMO_TEXTER

        stage_flow = ws.db.run_sync(lambda s: s.get(Stage, screening.stage_ids[0]).flow_sid)
        with sandbox.state.lock:
            welcome = [m.data["from"] for m in sandbox.state.messages.values()
                       if m.data["direction"] == "outbound-api"
                       and "Forklift Operator" in m.data["body"]]
            flows = [e.data.get("flow_sid") for e in sandbox.state.executions.values()
                     if e.data["contact_channel_address"] == DEMO_TEXTER]
            line = sandbox.state.number_for(NUMBER)
            assert line is not None and line.data["sms_url"].endswith(f"/Flows/{stage_flow}")
        assert welcome == [NUMBER] and set(flows) == {stage_flow}
        routers = ws.db.run_sync(lambda s: [r.phone_number for r in s.scalars(
            select(EntryRouter).where(EntryRouter.webhook_url.is_not(None)))])
        assert routers == [NUMBER]
    finally:
        done = asyncio.ensure_future(background.stop())
        qtbot.waitUntil(done.done, timeout=WAIT)


def test_share_step_without_demo_offers_no_simulation(qtbot: Any, make_ctx: Any,
                                                      sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    with_sender(ws)
    iid = make_screening(ws, [(StageKind.SMS, [LICENCE])]).interviewer_id
    page = share_page(qtbot, make_ctx(ws), ws, iid)
    assert page.points is not None and page.points.of(EntryKind.TEXT) is not None
    assert page.simulate_button.isHidden()
    assert "No candidate web page" in page.page_state.text()
    # The keyword is editable once saved: refused with the reason, then changed.
    assert not page.keyword_row.isHidden() and page.keyword_edit.text() == "FORKLIFT"
    page.keyword_edit.setText("stop")
    task = page.change_keyword()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=WAIT)
    assert "reserve for opting in or out" in page.keyword_hint.text()
    page.keyword_edit.setText("lift")
    task = page.change_keyword()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=WAIT)
    assert page.points is not None
    assert [p.words for p in page.points.points] == ["Text LIFT to +1 555 000 1111"]
    assert page.saved.text() == "The keyword is now LIFT."


@pytest.mark.parametrize("dark", [False, True])
def test_share_step_says_why_there_is_no_keyword(qtbot: Any, make_ctx: Any,
                                                 sqlite_workspace: Workspace, apply_theme: Any,
                                                 dark: bool) -> None:
    """A receptionist answers on the interviewer's number, which is also the SMS sender: no
    keyword, and the recruiter is told what to do."""
    from milo_desktop.enums import ReceptionistStatus
    from milo_desktop.models import Receptionist
    from milo_desktop.services.entry.points import NO_SPARE_NUMBER

    apply_theme(dark)
    ws = sqlite_workspace
    with_sender(ws, NUMBER)
    iid = make_screening(ws, [(StageKind.SMS, [LICENCE])]).interviewer_id
    ws.db.run_sync(lambda s: s.add(Receptionist(
        name="Front desk", agent_name="Ava", phone_number=NUMBER,
        status=ReceptionistStatus.LIVE)), write=True)
    page = share_page(qtbot, make_ctx(ws), ws, iid)
    assert page.points is not None and page.points.of(EntryKind.TEXT) is None
    assert page.points.note == NO_SPARE_NUMBER
    assert not page.ways_state.isHidden()
    assert NO_SPARE_NUMBER in page.ways_state.text()
    assert page.keyword_row.isHidden() and page.simulate_button.isHidden()
    qtbot.waitUntil(lambda: page.rendered_for is not None, timeout=WAIT)
    shot(page, f"share-step-no-keyword-{'dark' if dark else 'light'}.png")


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/apply"


@pytest.mark.parametrize("dark", [False, True])
def test_account_card_saves_and_warns_when_the_page_does_not_answer(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any,
        dark: bool) -> None:
    apply_theme(dark)
    ws = sqlite_workspace
    card = AccountCard(make_ctx(ws), ws.entry)
    qtbot.addWidget(card)
    card.resize(900, card.sizeHint().height())
    card.show()
    card.refresh()
    qtbot.waitUntil(lambda: card.current is not None and not card.is_busy(), timeout=WAIT)
    assert "No candidate page" in card.status.text()
    address = _closed_port()
    card.page_edit.setText(address)
    card.company_edit.setPlainText("Northwind Staffing places warehouse staff since 2009.")
    card.save()
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=WAIT)
    assert card.message.text() == "Saved."
    assert card.page_state.text().startswith(f"{address} does not answer")
    assert "does not answer" in card.status.text()
    assert arun_account(ws).candidate_page == address
    shot(card, f"account-card-{'dark' if dark else 'light'}.png")

    card.page_edit.setText("not a web address")
    card.save()
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=WAIT)
    assert "must be a web address" in card.message.text()


def arun_account(ws: Workspace) -> Any:
    from milo_desktop.services.entry.service import _account

    return ws.db.run_sync(_account)
