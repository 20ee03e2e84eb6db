"""Integrations → Twilio and the Sync card, driven like a user with qtbot on a real
workspace; Twilio is the sandbox over real sockets, the keychain an in-memory keyring
backend (or none at all)."""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.twilio import RetryPolicy
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.core.credentials import SERVICE, CredentialStore
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.sync.cursors import add_quarantine, list_issues
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.settings import IntegrationsSection, SyncIssuesPanel
from milo_desktop.views.settings.twilio_card import CONNECTED, FORM
from tests.keychains import BrokenKeychain, MemoryKeychain
from tests.publishers import account_sandbox

NUMBER = "+12145550197"
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up first, so torn down last (after qloop): collect the test's Qt garbage here, on
    the GUI thread. The closed qasync loop's QObjects (timers, a QThread worker) sit in
    reference cycles; left to the garbage collector they are freed in whatever thread
    allocates next — a later test's worker thread — and Qt warns "Timers cannot be
    stopped from another thread". The fixture values pytest still holds keep the loop
    alive until the item is done, so they are let go of first (every fixture is torn down
    by now)."""
    gc.collect()  # whatever earlier tests left behind
    yield
    request.node.funcargs.clear()
    gc.collect()


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    with account_sandbox(NUMBER) as box:
        yield box


def integrations(ws: Workspace, chain: Any) -> IntegrationsService:
    return IntegrationsService(CredentialStore(chain), ws.db, bus=ws.bus, env={}, policy=FAST)


def build(qtbot: Any, make_ctx: Any, ws: Workspace, chain: Any, *,
          engine: SyncEngine | None = None,
          service: IntegrationsService | None = None) -> IntegrationsSection:
    service = service or integrations(ws, chain)
    widget = IntegrationsSection(make_ctx(ws), service, engine)
    qtbot.addWidget(widget)
    widget.resize(1440, 900)
    widget.show()
    qtbot.waitUntil(widget.is_loaded)
    qtbot.waitUntil(lambda: not widget.twilio.is_busy())
    return widget


def fill(qtbot: Any, section: IntegrationsSection, sb: TwilioSandbox, token: str) -> None:
    card = section.twilio
    card.sid_edit.clear()
    qtbot.keyClicks(card.sid_edit, sb.account.sid)
    card.token_edit.clear()
    qtbot.keyClicks(card.token_edit, token)
    qtbot.mouseClick(card.advanced_toggle, Qt.MouseButton.LeftButton)
    assert card.advanced.isVisible()
    assert card.api_edit.placeholderText() == "https://api.twilio.com"
    assert card.studio_edit.placeholderText() == "https://studio.twilio.com"
    card.api_edit.setText(sb.base_url)
    card.studio_edit.setText(sb.studio_base_url)


def click_and_wait(qtbot: Any, section: IntegrationsSection, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.twilio.is_busy(), timeout=10_000)


def test_connect_through_the_form_and_see_the_numbers(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    chain = MemoryKeychain()
    section = build(qtbot, make_ctx, sqlite_workspace, chain)
    card = section.twilio
    assert card.page() == FORM and "Not connected" in card.status.text()
    assert not section.keychain_notice.isVisible()
    assert card.token_edit.echoMode() == card.token_edit.EchoMode.Password
    fill(qtbot, section, sandbox, sandbox.account.auth_token)
    click_and_wait(qtbot, section, card.test_button)
    assert "Twilio accepted these credentials" in card.message.text()
    assert chain.items == {}  # testing stores nothing
    click_and_wait(qtbot, section, card.connect_button)
    assert card.page() == CONNECTED, card.message.text()
    assert "Connected" in card.status.text()
    assert sandbox.account.sid in card.connected_page.connected_label.text()
    items = card.connected_page.number_texts()
    assert items == [f"{NUMBER}  Dallas line  Not answering"]
    assert "kept in your keychain" in card.connected_page.source_label.text()
    assert card.token_edit.text() == ""  # the secret left the widget once stored
    assert chain.items[(SERVICE, "twilio:auth_token")] == sandbox.account.auth_token
    # A new screen (next launch) finds the stored connection by itself.
    again = build(qtbot, make_ctx, sqlite_workspace, chain)
    assert again.twilio.page() == CONNECTED
    assert len(again.twilio.connected_page.number_texts()) == 1
    click_and_wait(qtbot, again, again.twilio.disconnect_button)
    assert again.twilio.page() == FORM and chain.items == {}


def test_a_refused_token_says_401_and_stores_nothing(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    chain = MemoryKeychain()
    section = build(qtbot, make_ctx, sqlite_workspace, chain)
    fill(qtbot, section, sandbox, "definitely-wrong")
    click_and_wait(qtbot, section, section.twilio.connect_button)
    card = section.twilio
    assert "refused these credentials (HTTP 401" in card.message.text()
    assert card.message.tone == "danger" and card.page() == FORM
    assert chain.items == {}


def test_a_malformed_sid_is_explained_before_any_request(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    section = build(qtbot, make_ctx, sqlite_workspace, MemoryKeychain())
    card = section.twilio
    qtbot.keyClicks(card.sid_edit, "AC12345")
    qtbot.keyClicks(card.token_edit, "whatever")
    qtbot.mouseClick(card.connect_button, Qt.MouseButton.LeftButton)
    assert not card.is_busy()
    assert "32 hexadecimal characters" in card.message.text()


def test_api_key_fields_follow_the_choice(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    chain = MemoryKeychain()
    section = build(qtbot, make_ctx, sqlite_workspace, chain)
    card = section.twilio
    assert card.token_edit.isVisible() and not card.key_sid_edit.isVisible()
    qtbot.mouseClick(card.key_radio, Qt.MouseButton.LeftButton)
    assert not card.token_edit.isVisible() and card.key_secret_edit.isVisible()
    key, secret = sandbox.add_api_key()
    fill(qtbot, section, sandbox, "")
    qtbot.keyClicks(card.key_sid_edit, key)
    qtbot.keyClicks(card.key_secret_edit, secret)
    click_and_wait(qtbot, section, card.connect_button)
    assert card.page() == CONNECTED, card.message.text()
    assert "an API key" in card.connected_page.source_label.text()
    assert chain.items[(SERVICE, "twilio:api_key_secret")] == secret
    section.save_state()
    again = build(qtbot, make_ctx, sqlite_workspace, chain)
    again.restore_state()
    assert again.twilio.api_key_chosen()


@pytest.mark.expect_log_warnings  # "no keychain: secrets kept in memory" is logged on purpose
def test_no_keychain_offers_session_only_and_it_works(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    section = build(qtbot, make_ctx, sqlite_workspace, fail.Keyring())
    notice = section.keychain_notice
    assert notice.isVisible() and notice.heading.text() == "No keychain on this computer"
    assert section.session_button.isVisible()
    fill(qtbot, section, sandbox, sandbox.account.auth_token)
    click_and_wait(qtbot, section, section.twilio.connect_button)
    assert "Keep secrets for this session only" in section.twilio.message.text()
    qtbot.mouseClick(section.session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not section.session_button.isVisible())
    assert "session only" in notice.heading.text()
    # The token field was kept (nothing was stored), so Connect works right away.
    click_and_wait(qtbot, section, section.twilio.connect_button)
    card = section.twilio
    assert card.page() == CONNECTED, card.message.text()
    assert "for this session only" in card.connected_page.source_label.text()


@pytest.mark.expect_log_warnings  # the keychain's failure and the session-only choice
def test_failing_keychain_says_why_and_offers_session_only(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    """A keychain that exists but fails (its D-Bus service gone): the screen says so with the
    keychain's reason instead of crashing, and the session-only fallback is offered."""
    section = build(qtbot, make_ctx, sqlite_workspace, BrokenKeychain())
    notice = section.keychain_notice
    qtbot.waitUntil(lambda: notice.heading.text() == "Your keychain is not working")
    assert notice.isVisible() and BrokenKeychain.reason in notice.text.text()
    assert section.session_button.isVisible()
    assert BrokenKeychain.reason in section.twilio.message.text()
    qtbot.mouseClick(section.session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "session only" in notice.heading.text())


def quarantine(ws: Workspace, payload: str) -> None:
    q = Quarantine("twilio", "calls", "missing field 'sid'", payload, external_id=None)
    ws.db.run_sync(lambda s: add_quarantine(s, [q]), write=True)


def test_sync_card_and_sync_issues_panel(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox,
        tmp_path: Path) -> None:
    ws = sqlite_workspace
    chain = MemoryKeychain()
    engine = SyncEngine(ws.db, ws.bus)
    service = integrations(ws, chain)
    engine.register(TwilioSync(ws.db, tmp_path, service.make_connector))
    section = build(qtbot, make_ctx, ws, chain, engine=engine, service=service)
    assert section.sync is not None
    row = section.sync.rows["twilio"]
    assert "Waiting for the first sync" in row.state.text() and row.last_sync.text() == "Never"
    # Not connected yet: one round says so.
    section.ctx.spawn(engine.run_once("twilio"), "test.sync")
    qtbot.waitUntil(lambda: "Not connected" in row.state.text())
    # Connect, then a round: up to date, synced "just now".
    fill(qtbot, section, sandbox, sandbox.account.auth_token)
    click_and_wait(qtbot, section, section.twilio.connect_button)
    section.ctx.spawn(engine.run_once("twilio"), "test.sync")
    qtbot.waitUntil(lambda: "Up to date" in row.state.text(), timeout=10_000)
    assert row.last_sync.text() == "just now" and "Last round" in row.progress.text()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2, seconds=5)
    section.sync.clock = lambda: later
    section.sync.show_statuses()
    assert row.last_sync.text() == "2m ago"

    # A quarantined record: the count shows up and the panel lists it with its payload.
    payload = json.dumps({"to": "+15550001111", "status": "completed"})
    quarantine(ws, payload)
    section.sync.reload_issues()
    qtbot.waitUntil(lambda: row.issues.text() == "Sync issues (1)")
    qtbot.mouseClick(row.issues, Qt.MouseButton.LeftButton)
    panel = section.issues_panel
    assert isinstance(panel, SyncIssuesPanel)
    qtbot.waitUntil(panel.is_loaded)
    assert panel.model.rowCount() == 1
    cells = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert cells[:3] == ["Twilio", "calls", "missing field 'sid'"]
    assert cells[3]  # received, local time
    assert not panel.payload.isVisible()
    qtbot.mouseClick(panel.payload_button, Qt.MouseButton.LeftButton)
    assert panel.payload.isVisible() and panel.payload.isReadOnly()
    assert json.loads(panel.payload.toPlainText()) == json.loads(payload)
    assert panel.payload_button.text() == "Hide raw payload"
    # Reviewed: it leaves the list (and the card's count) but the record is kept.
    qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)
    assert "marked as reviewed" in panel.message.text()
    assert not panel.resolve_button.isEnabled()
    qtbot.waitUntil(lambda: row.issues.text() == "Sync issues (0)", timeout=5_000)
    kept = section.ctx.workspace.db.run_sync(
        lambda s: list_issues(s, include_resolved=True))
    assert len(kept) == 1 and kept[0].resolved_at is not None
    assert json.loads(kept[0].payload) == json.loads(payload)
    section.save_state()
    panel.close()


def test_auth_failure_shows_reconnect_which_resumes(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox,
        tmp_path: Path) -> None:
    ws = sqlite_workspace
    chain = MemoryKeychain()
    service = integrations(ws, chain)
    section = build(qtbot, make_ctx, ws, chain, service=service)
    assert section.sync is None
    # The app starts the engine after the window exists, then hands it over.
    engine = SyncEngine(ws.db, ws.bus)
    engine.register(TwilioSync(ws.db, tmp_path, service.make_connector))
    section.set_sync_engine(engine)
    assert section.sync is not None and section.sync.isVisible()
    fill(qtbot, section, sandbox, sandbox.account.auth_token)
    click_and_wait(qtbot, section, section.twilio.connect_button)
    # The token is rotated in the Twilio console: the next round is refused.
    chain.items[(SERVICE, "twilio:auth_token")] = "rotated-away"
    section.ctx.spawn(engine.run_once("twilio"), "test.sync")
    assert section.sync is not None
    row = section.sync.rows["twilio"]
    qtbot.waitUntil(lambda: row.reconnect.isVisible(), timeout=10_000)
    assert "Sign-in refused" in row.state.text() and "20003" in row.message.text()
    # Reconnect before fixing: still refused, still paused.
    qtbot.mouseClick(row.reconnect, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "still refuses" in section.sync.note.text(), timeout=10_000)
    assert engine.status("twilio").state == ServiceState.AUTH_FAILED
    # Fixed: Reconnect resumes the service.
    chain.items[(SERVICE, "twilio:auth_token")] = sandbox.account.auth_token
    qtbot.mouseClick(row.reconnect, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: engine.status("twilio").state == ServiceState.IDLE, timeout=10_000)
    qtbot.waitUntil(lambda: not row.reconnect.isVisible())
    assert "resumed" in section.sync.note.text()


def test_sync_card_changes_how_often_calls_are_collected(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    chain = MemoryKeychain()
    engine = SyncEngine(ws.db, ws.bus)
    service = integrations(ws, chain)
    engine.register(TwilioSync(ws.db, tmp_path, service.make_connector))
    section = build(qtbot, make_ctx, ws, chain, engine=engine, service=service)
    assert section.sync is not None
    box = section.sync.rows["twilio"].interval
    assert box.isEnabled() and box.currentText() == "10 s"
    assert [box.itemText(i) for i in range(box.count())] == [
        "5 s", "10 s", "30 s", "1 min", "5 min", "15 min"]
    box.setCurrentIndex(3)
    box.activated.emit(3)
    qtbot.waitUntil(lambda: engine.status("twilio").interval_s == 60.0)
    qtbot.waitUntil(lambda: "Twilio now checks every 1 min." in section.sync.note.text())
    assert box.currentText() == "1 min"

    # Pinned by MILO_TWILIO_POLL_SECONDS: shown, but not editable.
    pinned = SyncEngine(ws.db, ws.bus, intervals={"twilio": 2.0})
    pinned.register(TwilioSync(ws.db, tmp_path, service.make_connector))
    other = build(qtbot, make_ctx, ws, chain, engine=pinned, service=service)
    assert other.sync is not None
    box = other.sync.rows["twilio"].interval
    assert box.currentText() == "2 s" and not box.isEnabled()
    assert "MILO_TWILIO_POLL_SECONDS" in box.toolTip()
