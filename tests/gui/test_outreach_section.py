"""The Outreach section (pytest-qt, a real workspace, the real outbox worker, aiosmtpd): Waiting
to send lists each row with why it waits, Cancel says what was cancelled and the row leaves the
list live, Undo brings it back, Retry now wakes the worker and the sent row leaves; the status
bar says "N waiting to send" only when N > 0 and a click opens the list; the sender and the
phone numbers; Integrations keeps only the connections."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from milo_desktop.enums import StageKind
from milo_desktop.services.connectors.email.smtp import SmtpConnector, SmtpSecurity, SmtpSettings
from milo_desktop.services.outreach import outreach_handlers
from milo_desktop.services.outreach.waiting import WaitReason
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.outreach import OutreachSection
from milo_desktop.views.settings.policy_card import CommunicationCard
from milo_desktop.views.settings.templates_card import TemplatesCard
from tests.factories import make_candidate, make_interviewer
from tests.smtp_server import PASSWORD, USER, MailServer, mail_server


@pytest.fixture
def server() -> Iterator[MailServer]:
    with mail_server() as srv:
        yield srv


def smtp_at(port: int | None) -> Any:
    async def make() -> SmtpConnector | None:
        if port is None:
            return None
        return SmtpConnector(SmtpSettings("127.0.0.1", port, SmtpSecurity.NONE, USER, USER),
                             PASSWORD, timeout=5)
    return make


async def _never() -> None:
    return None


def attach_worker(ws: Workspace, port: int | None, **kw: Any) -> OutboxWorker:
    """The workspace's outbox worker, as the app's background sets it (``ws.outbox``)."""
    async def no_twilio() -> None:
        return None
    worker = OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=no_twilio,
                                                   smtp=smtp_at(port)),
                          gate=ws.outreach.gate, bus=ws.bus, **kw)
    ws.outbox = worker
    return worker


def invite(ws: Workspace, qtbot: Any, ctx: Any, names: tuple[str, ...]) -> None:
    iv = make_interviewer(ws, "Forklift Operator", slug="forklift-operator", deadline=None,
                          stages=(StageKind.RESUME,))
    ids = [make_candidate(ws, n, f"{n.split()[0].lower()}@example.com") for n in names]
    done: list[Any] = []
    ctx.spawn(_invite(ws, ids, iv, done), "test.invite")
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


async def _invite(ws: Workspace, ids: list[int], iv: int, done: list[Any]) -> None:
    done.append(await ws.outreach.invite(ids, iv))


def run_round(qtbot: Any, ctx: Any, worker: OutboxWorker) -> None:
    done: list[int] = []

    async def one() -> None:
        done.append(await worker.run_once())
    ctx.spawn(one(), "test.round")
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def section(qtbot: Any, ctx: Any) -> OutreachSection:
    widget = OutreachSection(ctx, templates=TemplatesCard(ctx, ctx.workspace.outreach),
                             policy=CommunicationCard(ctx, ctx.workspace.outreach))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitUntil(widget.is_loaded, timeout=10_000)
    return widget


def shown(widget: OutreachSection) -> list[tuple[str, str, str]]:
    model = widget.waiting.model
    return [tuple(model.data(model.index(r, c)) for c in (0, 1, 3))  # type: ignore[misc]
            for r in range(model.rowCount())]


def select_row(widget: OutreachSection, row: int) -> None:
    table = widget.waiting.table
    table.selectionModel().select(
        widget.waiting.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def test_waiting_list_says_why_and_cancel_and_undo_update_it_live(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    widget = section(qtbot, ctx)
    assert widget.waiting.table.overlay.isVisible()  # the empty state, not a blank grid
    assert widget.waiting.table.overlay.title.text() == "Nothing is waiting to send"
    worker = attach_worker(ws, None)  # no email account connected
    invite(ws, qtbot, ctx, ("Ivy Cook", "Ann Lee"))
    qtbot.waitUntil(lambda: [r[2] for r in shown(widget)] == ["Goes out in a moment"] * 2,
                    timeout=10_000)  # no round yet
    run_round(qtbot, ctx, worker)  # the worker finds no account: the list says so, live
    no_account = "No email account is connected — connect one under Integrations → Email"
    qtbot.waitUntil(lambda: shown(widget) == [
        ("Ivy Cook", "Invitation to Forklift Operator by email", no_account),
        ("Ann Lee", "Invitation to Forklift Operator by email", no_account)], timeout=10_000)
    assert widget.tabs.tabText(0) == "Waiting to send (2)"
    assert widget.waiting.count_label.text() == "2 messages waiting to send"
    assert not widget.waiting.cancel_button.isEnabled()
    assert widget.waiting.retry_button.text() == "Retry all now"

    select_row(widget, 1)
    assert widget.waiting.cancel_button.isEnabled()
    qtbot.mouseClick(widget.waiting.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.waiting.banner.text() != "", timeout=10_000)
    assert widget.waiting.banner.text() == (
        "Cancelled the invitation to Forklift Operator by email for Ann Lee.")
    qtbot.waitUntil(lambda: [r[0] for r in shown(widget)] == ["Ivy Cook"], timeout=10_000)
    assert widget.tabs.tabText(0) == "Waiting to send (1)"
    assert widget.waiting.undo_button.isVisible()

    qtbot.mouseClick(widget.waiting.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [r[0] for r in shown(widget)] == ["Ivy Cook", "Ann Lee"],
                    timeout=10_000)
    assert not widget.waiting.undo_button.isVisible()


def test_retry_now_wakes_the_outbox_and_the_sent_row_leaves(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, server: MailServer) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    server.defer.add("ivy@example.com")  # 451: try again later

    async def forever(_seconds: float) -> None:
        await asyncio.Event().wait()  # only a wake starts the next round

    worker = attach_worker(ws, server.port, sleep=forever)
    invite(ws, qtbot, ctx, ("Ivy Cook",))
    loop = ctx.spawn(worker.run_forever(), "test.outbox")
    widget = section(qtbot, ctx)
    qtbot.waitUntil(lambda: bool(shown(widget)) and shown(widget)[0][2].startswith("Retrying at "),
                    timeout=10_000)
    row = widget.waiting.model.row_at(0)
    assert row is not None and row.reason == WaitReason.RETRYING and "451" in row.words
    server.defer.clear()
    qtbot.mouseClick(widget.waiting.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(server.messages()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: shown(widget) == [], timeout=10_000)
    qtbot.waitUntil(lambda: widget.tabs.tabText(0) == "Waiting to send", timeout=10_000)
    loop.cancel()


def test_status_bar_counts_what_waits_and_opens_the_list(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    window.start()
    button = window.waiting_button
    qtbot.waitUntil(lambda: not ctx.workspace.tasks.running, timeout=10_000)
    assert not button.isVisible()  # nothing waits: nothing said
    invite(ws, qtbot, ctx, ("Ivy Cook", "Ann Lee", "Bo Chan"))
    qtbot.waitUntil(lambda: button.isVisible() and button.text() == "3 waiting to send",
                    timeout=10_000)
    assert window.current_section() is not window.outreach
    window.outreach.show_tab("templates")  # where the user left Outreach last time
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_section() is window.outreach
    assert window.outreach.current_tab() == "waiting"
    assert window.sidebar.currentItem().text() == "Outreach"
    widget = window.outreach
    qtbot.waitUntil(lambda: len(shown(widget)) == 3, timeout=10_000)
    ids = [r.id for r in widget.waiting.model.rows()]
    done: list[Any] = []

    async def cancel() -> None:
        done.append(await ws.waiting.cancel(ids))
    ctx.spawn(cancel(), "test.cancel")
    qtbot.waitUntil(lambda: bool(done) and not button.isVisible(), timeout=10_000)


def test_sender_and_numbers_say_what_is_connected(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    from milo_desktop.services.connectors.twilio.integration import IntegrationsService
    from milo_desktop.services.core.credentials import CredentialStore
    from milo_desktop.services.outreach import CommunicationPolicy
    from milo_desktop.services.receptionists import ReceptionistService
    from tests.keychains import MemoryKeychain
    from tests.publishers import account_sandbox, sandbox_publisher

    ws: Any = sqlite_workspace
    ws.integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus,
                                          env={})
    ctx = make_ctx(ws)
    widget = section(qtbot, ctx)
    widget.show_tab("sender")
    qtbot.waitUntil(lambda: widget.sender_card.status.text().endswith("Not connected"),
                    timeout=10_000)
    assert widget.sender_card.connect_button.isVisible()
    assert not widget.sender_card.form.isVisible()  # nothing to edit without an account
    qtbot.waitUntil(lambda: widget.numbers.connect_button.isVisible(), timeout=10_000)
    assert widget.numbers.message.text().startswith("Twilio is not connected")

    with account_sandbox("+12145550197", "+12145550198") as box:
        ws.receptionists = ReceptionistService(ws.db, ws.bus, sandbox_publisher(box))
        ws.db.run_sync(lambda s: s.add(_smtp_setting()), write=True)
        done: list[Any] = []

        async def policy() -> None:
            done.append(await ws.outreach.save_policy(CommunicationPolicy(
                sms_enabled=True, sms_from="+12145550198")))
        ctx.spawn(policy(), "test.policy")
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
        make_interviewer(ws, "Line Cook", slug="line-cook", deadline=None,
                         phone_number="+12145550197")
        widget.reload()
        qtbot.waitUntil(lambda: len(widget.numbers.numbers) == 2, timeout=10_000)
        assert widget.numbers.numbers == [
            ("+12145550197", "The SMS screening number of the interviewer “Line Cook”"),
            ("+12145550198", "Sends SMS invitations and reminders")]
        qtbot.waitUntil(lambda: "Acme Staffing" in widget.sender_card.address.text(),
                        timeout=10_000)
        card = widget.sender_card
        assert card.address.text() == (
            "Emails come from <b>Acme Staffing &lt;jobs@agency.example&gt;</b>.")
        assert card.form.isVisible() and not card.connect_button.isVisible()
        card.reply_edit.setText("not an address")
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: card.message.tone == "danger", timeout=10_000)
        assert "address replies go to" in card.message.text()
        card.name_edit.setText("Acme <Recruiting>")
        card.reply_edit.setText("recruiting@agency.example")
        qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: card.message.tone == "success", timeout=10_000)
        assert card.message.text() == "Saved. Replies go to recruiting@agency.example."
        assert card.address.text() == ("Emails come from <b>Acme &lt;Recruiting&gt; "
                                       "&lt;jobs@agency.example&gt;</b>.")
        stored = ws.db.run_sync(lambda s: s.get(_smtp_setting().__class__, "smtp.settings"))
        assert (stored.value["from_name"], stored.value["reply_to"]) == (
            "Acme <Recruiting>", "recruiting@agency.example")


def _smtp_setting() -> Any:
    from milo_desktop.models import WorkspaceSetting
    return WorkspaceSetting(key="smtp.settings", value={
        "host": "smtp.agency.example", "port": 587, "security": "starttls", "username": "",
        "from_address": "jobs@agency.example", "from_name": "Acme Staffing"})


def test_integrations_keeps_the_connections_and_points_to_outreach(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    from milo_desktop.services.connectors.twilio.integration import IntegrationsService
    from milo_desktop.services.core.credentials import CredentialStore
    from milo_desktop.views.settings import IntegrationsSection
    from tests.keychains import MemoryKeychain

    ws = sqlite_workspace
    service = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus, env={})
    page = IntegrationsSection(make_ctx(ws), service)
    qtbot.addWidget(page)
    assert page.findChildren(TemplatesCard) == [] and page.findChildren(CommunicationCard) == []
    assert "in the Outreach section" in page.moved.text()
