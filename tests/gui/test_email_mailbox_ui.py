"""Apply via Email in the UI, against pymap over a socket: the Email card's Mailbox part
(test, save: secret in the keychain, address stored), the interviewer's Apply-by-email group
with Copy, and demo mode's "Send a test application…" making a candidate appear in that
interviewer with the Résumé stage scored (the real background: IDLE wakes the intake).
Screenshots light and dark in /tmp/shots-email/."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from milo_desktop.enums import CandidateSource, StageKind, StageStatus
from milo_desktop.models import Application, StageResult
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.core.credentials import SERVICE, CredentialStore
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.settings import IntegrationsSection
from milo_desktop.views.settings.mailbox_panel import MailboxPanel
from tests.factories import make_interviewer
from tests.keychains import MemoryKeychain
from tests.unit.test_email_parse import application

WAIT = 20_000
SHOTS = Path("/tmp/shots-email")


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


@pytest.fixture
def box() -> Iterator[LocalMailbox]:
    with LocalMailbox() as mailbox:
        yield mailbox


def shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def integrations(ws: Workspace, chain: Any, env: dict[str, str] | None = None
                 ) -> IntegrationsService:
    service = IntegrationsService(CredentialStore(chain), ws.db, bus=ws.bus, env=env or {})
    ws.integrations = service
    return service


def test_mailbox_part_of_the_email_card_tests_and_saves(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, box: LocalMailbox,
        apply_theme: Any) -> None:
    ws = sqlite_workspace
    chain = MemoryKeychain()
    service = integrations(ws, chain)
    box.append(application())
    for dark in (False, True):
        apply_theme(dark)
        section = IntegrationsSection(make_ctx(ws), service, None)
        qtbot.addWidget(section)
        section.resize(1440, 900)
        section.show()
        qtbot.waitUntil(section.is_loaded, timeout=WAIT)
        panel: MailboxPanel = section.email.mailbox
        qtbot.waitUntil(lambda p=panel: not p.is_busy(), timeout=WAIT)
        if not dark:
            assert "Not connected" in panel.state_label.text()
            panel.address_edit.setText("jobs@agency.example")
            panel.host_edit.setText(box.host)
            panel.security_combo.setCurrentIndex(panel.security_combo.findData("none"))
            panel.port_spin.setValue(box.port)
            panel.username_edit.setText(box.user)
            panel.secret_edit.setText("wrong")
            panel.test_button.click()
            qtbot.waitUntil(lambda p=panel: not p.is_busy(), timeout=WAIT)
            assert "refused the sign-in" in panel.message.text()
            panel.secret_edit.setText(box.password)
            panel.test_button.click()
            qtbot.waitUntil(lambda p=panel: not p.is_busy(), timeout=WAIT)
            assert "1 message waiting in INBOX" in panel.message.text()
            panel.save_button.click()
            qtbot.waitUntil(lambda p=panel: not p.is_busy(), timeout=WAIT)
            assert "Connected" in panel.state_label.text(), panel.message.text()
            assert panel.secret_edit.text() == ""
            assert [k for k, v in chain.items.items() if v == box.password] == [
                (SERVICE, "imap:secret")]  # in the keychain, nowhere else
            saved = ws.db.run_sync(lambda s: s.get(WorkspaceSetting, MAILBOX_KEY).value)
            assert saved["address"] == "jobs@agency.example"
            assert box.password not in str(saved)
        else:
            assert "Connected" in panel.state_label.text()
        top = panel.mapTo(section.cards_holder, QPoint(0, 0)).y()
        section.scroll_area.verticalScrollBar().setValue(max(0, top - 260))
        shot(section, f"email-card-mailbox-{'dark' if dark else 'light'}.png")
        section.close()


def open_integrations_tab(qtbot: Any, ctx: ViewContext, iid: int) -> Any:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1440, 900)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.open_interviewer(iid)
    page = section.detail_page
    page.tabs.setCurrentWidget(page.integrations)
    qtbot.waitUntil(page.integrations.is_loaded, timeout=WAIT)
    return section, page.integrations


def test_apply_address_with_copy(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
                                 apply_theme: Any) -> None:
    apply_theme(False)
    ws = sqlite_workspace
    integrations(ws, MemoryKeychain())
    iid = make_interviewer(ws, "Forklift Operator", slug="forklift-dallas")
    ctx = make_ctx(ws)
    section, tab = open_integrations_tab(qtbot, ctx, iid)
    group = tab.apply_email
    qtbot.waitUntil(lambda: group.current is not None, timeout=WAIT)
    assert group.address_label.text() == "No apply address yet"
    assert not group.copy_button.isEnabled() and group.demo_button.isHidden()
    section.close()

    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key=MAILBOX_KEY, value={
        "address": "jobs@agency.example", "mode": "plus", "aliases": {}})), write=True)
    section, tab = open_integrations_tab(qtbot, ctx, iid)
    group = tab.apply_email
    qtbot.waitUntil(lambda: group.current is not None, timeout=WAIT)
    assert group.address_label.text() == "jobs+forklift-dallas@agency.example"
    group.copy_button.click()
    assert QApplication.clipboard().text() == "jobs+forklift-dallas@agency.example"
    assert "Copied" in group.message.text()
    shot(section, "interviewer-apply-by-email.png")


def test_demo_button_makes_a_scored_candidate_appear(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, box: LocalMailbox,
        tmp_path: Path, apply_theme: Any) -> None:
    from milo_desktop.app.background import build_background

    apply_theme(False)
    ws = sqlite_workspace
    env = {"MILO_IMAP_URL": box.url, "MILO_IMAP_ADDRESS": "jobs@agency.example",
           "MILO_DEMO_MAILBOX": "1", "MILO_IMAP_POLL_SECONDS": "600"}  # IDLE, not polling
    integrations(ws, MemoryKeychain(), env)
    iid = make_interviewer(ws, "Forklift Operator", slug="forklift", stages=(StageKind.RESUME,))
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key=MAILBOX_KEY, value={
        "address": "jobs@agency.example", "mode": "plus", "aliases": {}})), write=True)
    ctx = make_ctx(ws)
    background = build_background(ws, tmp_path / "data", store=None, env=env)
    background.start()
    try:
        # the first round (empty mailbox) is done and IDLE is waiting
        qtbot.waitUntil(lambda: ws.sync.status("email").last_round is not None, timeout=WAIT)
        section, tab = open_integrations_tab(qtbot, ctx, iid)
        group = tab.apply_email
        qtbot.waitUntil(lambda: group.current is not None, timeout=WAIT)
        assert not group.demo_button.isHidden()
        with qtbot.waitSignal(group.sent, timeout=WAIT):
            group.demo_button.click()
        assert "applied by email" in group.message.text()

        def scored() -> bool:
            rows = ws.db.run_sync(lambda s: s.execute(
                select(Application.source, StageResult.status).join(
                    StageResult, StageResult.application_id == Application.id)
                .where(Application.interviewer_id == iid)).all())
            return rows == [(CandidateSource.EMAIL, StageStatus.COMPLETED)]
        qtbot.waitUntil(scored, timeout=60_000)
        shot(section, "interviewer-demo-application.png")
    finally:
        qtbot.waitUntil(lambda: True)
        import asyncio

        done = asyncio.ensure_future(background.stop())
        qtbot.waitUntil(done.done, timeout=WAIT)


def test_retry_in_sync_issues_ingests_the_kept_message(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, box: LocalMailbox,
        tmp_path: Path) -> None:
    from milo_desktop.models import Candidate
    from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
    from milo_desktop.services.email_intake.intake import EmailIntake
    from milo_desktop.services.email_intake.mailbox import MailboxIntegration
    from milo_desktop.services.resume import ResumeService
    from milo_desktop.services.sync import SyncEngine
    from milo_desktop.views.settings import SyncIssuesPanel

    ws = sqlite_workspace
    env = {"MILO_IMAP_URL": box.url, "MILO_IMAP_ADDRESS": "jobs@agency.example"}
    integrations(ws, MemoryKeychain(), env)
    ws.resumes = ResumeService(ws.db, ws.bus, tmp_path / "data", ws.applications)
    ctx = make_ctx(ws)
    box.append(application(to="jobs+night-shift@agency.example"))
    mailbox = MailboxIntegration(None, DatabaseSettings(ws.db), env=env)
    intake = EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, tmp_path / "data")
    done = __import__("asyncio").ensure_future(intake.run(lambda n: None))
    qtbot.waitUntil(done.done, timeout=WAIT)
    assert done.result().quarantined == 1
    make_interviewer(ws, "Night Shift", slug="night-shift", stages=(StageKind.RESUME,))

    panel = SyncIssuesPanel(ctx, SyncEngine(ws.db, ws.bus))
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(panel.is_loaded, timeout=WAIT)
    assert panel.model.rowCount() == 1 and panel.retry_button.isEnabled()
    panel.retry_button.click()
    qtbot.waitUntil(lambda: "became an application" in panel.message.text(), timeout=WAIT)
    assert panel.model.rowCount() == 0
    people = ws.db.run_sync(lambda s: [c.email for c in s.scalars(select(Candidate))])
    assert people == ["dana@example.com"]
