"""Source Candidates → Apply via Email on a real workspace (SQLite): each interviewer taking
candidates with its apply address and its applications by email in the last 30 days (an
injected clock: one inside the window counts, one outside does not), the not-connected
states, Copy, "N messages need review" with a quarantined email, a live refresh on
ApplicationsChanged, and the connected card after a real intake round against pymap.
Screenshots light and dark in /tmp/shots-email-section/."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from milo_desktop.enums import CandidateSource, InterviewerStatus
from milo_desktop.models import QuarantinedRecord
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.connectors.twilio.integration import (
    DatabaseSettings,
    IntegrationsService,
)
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.core.supervisor import Supervisor
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.email_intake.intake import EmailIntake
from milo_desktop.services.email_intake.mailbox import MailboxIntegration
from milo_desktop.services.sync import SyncEngine
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.email_intake import EmailIntakeSection
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.keychains import MemoryKeychain

WAIT = 20_000
SHOTS = Path("/tmp/shots-email-section")
ADDRESS = "jobs@agency.example"


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


def save_mailbox(ws: Workspace, value: dict[str, Any]) -> None:
    ws.db.run_sync(lambda s: s.merge(WorkspaceSetting(key=MAILBOX_KEY, value=value)),
                   write=True)


def open_section(qtbot: Any, ctx: Any, clock: Any = lambda: NOW) -> EmailIntakeSection:
    section = EmailIntakeSection(ctx, clock=clock)
    qtbot.addWidget(section)
    section.resize(1200, 760)
    section.show()
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    return section


def rows(section: EmailIntakeSection) -> list[tuple[str, ...]]:
    model = section.model
    return [tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
            for r in range(model.rowCount())]


def emailed(ws: Workspace, interviewer: int, name: str, when: dt.datetime,
            source: CandidateSource = CandidateSource.EMAIL) -> int:
    person = make_candidate(ws, name)
    return make_application(ws, person, interviewer, source=source, created_at=when)


def shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_addresses_and_applications_by_email_in_the_last_30_days(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any) -> None:
    ws = sqlite_workspace
    forklift = make_interviewer(ws, "Forklift Operator", slug="forklift")
    packer = make_interviewer(ws, "Packer", slug="packer")
    make_interviewer(ws, "Old Role", slug="old-role", status=InterviewerStatus.ARCHIVED)
    make_interviewer(ws, "Not Yet", slug="not-yet", status=InterviewerStatus.DRAFT)
    save_mailbox(ws, {"address": ADDRESS, "mode": "plus", "aliases": {}})
    emailed(ws, forklift, "Dana Lopez", NOW - dt.timedelta(days=29, hours=23))  # inside
    emailed(ws, forklift, "Ann Old", NOW - dt.timedelta(days=30, hours=1))  # outside
    emailed(ws, forklift, "Phil Phone", NOW - dt.timedelta(days=1), CandidateSource.PHONE)
    emailed(ws, packer, "Pat Packer", NOW - dt.timedelta(hours=3))

    section = open_section(qtbot, make_ctx(ws))

    # archived and draft interviewers take no candidates: not listed
    assert rows(section) == [("Forklift Operator", "jobs+forklift@agency.example", "1"),
                             ("Packer", "jobs+packer@agency.example", "1")]
    assert section.overview is not None and section.overview.applications == 2
    # the address is saved but no mail server: not connected, the addresses still shown
    card = section.card
    assert not card.connected
    assert card.connect_button.isVisibleTo(section) and not card.check_button.isVisibleTo(
        section)
    assert card.address.text() == "Connect the mailbox people write to"
    assert ADDRESS in card.state_line.text()
    assert not section.table.overlay.isVisible()
    assert not card.review_button.isVisibleTo(section)
    with qtbot.waitSignal(section.integrationsRequested, timeout=WAIT):
        card.connect_button.click()
    for dark in (False, True):
        apply_theme(dark)
        other = open_section(qtbot, make_ctx(ws))
        other.resize(1440, 900)
        shot(other, f"addresses-{'dark' if dark else 'light'}.png")


def test_no_mailbox_address_explains_where_to_set_it(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    make_interviewer(sqlite_workspace, "Forklift Operator", slug="forklift")
    section = open_section(qtbot, make_ctx(sqlite_workspace))
    assert section.model.rowCount() == 0
    overlay = section.table.overlay
    assert overlay.isVisible() and overlay.title.text() == "No apply addresses yet"
    assert "Integrations → Email → Mailbox" in overlay.hint.text()
    assert section.card.status.text().endswith("Not connected")
    assert not section.copy_button.isEnabled()


def test_no_interviewer_taking_candidates_is_said(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    make_interviewer(ws, "Not Yet", slug="not-yet", status=InterviewerStatus.DRAFT)
    # an active one whose deadline passed at the clock's now takes no candidates either
    make_interviewer(ws, "Closed", slug="closed", deadline=NOW - dt.timedelta(hours=1))
    save_mailbox(ws, {"address": ADDRESS, "mode": "plus", "aliases": {}})
    section = open_section(qtbot, make_ctx(ws))
    assert section.model.rowCount() == 0
    assert section.table.overlay.title.text() == "No interviewer is taking candidates yet"


def test_copy_puts_the_selected_address_on_the_clipboard(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    make_interviewer(ws, "Forklift Operator", slug="forklift")
    make_interviewer(ws, "Packer", slug="packer")
    save_mailbox(ws, {"address": ADDRESS, "mode": "aliases",
                      "aliases": {"packer": "Packing@Agency.example"}})
    section = open_section(qtbot, make_ctx(ws))
    assert rows(section) == [("Forklift Operator", "—", "0"),
                             ("Packer", "packing@agency.example", "0")]
    QApplication.clipboard().setText("something else")
    section.table.selectRow(0)  # no alias: nothing to copy
    assert not section.copy_button.isEnabled()
    section.table.selectRow(1)
    assert section.copy_button.isEnabled()
    section.copy_button.click()
    assert QApplication.clipboard().text() == "packing@agency.example"
    assert "packing@agency.example" in section.banner.text()


def test_quarantined_mail_needs_review_and_opens_sync_issues(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    save_mailbox(ws, {"address": ADDRESS, "mode": "plus", "aliases": {}})

    def quarantine(s: Any) -> None:
        for service, resolved in (("email", None), ("email", None), ("email", NOW),
                                  ("twilio", None)):
            s.add(QuarantinedRecord(service=service, resource="message", reason="No sender",
                                    payload="{}", received_at=NOW, resolved_at=resolved))
    ws.db.run_sync(quarantine, write=True)
    section = open_section(qtbot, make_ctx(ws))
    button = section.card.review_button
    assert button.isVisibleTo(section) and button.text() == "2 messages need review"
    with qtbot.waitSignal(section.issuesRequested, timeout=WAIT):
        button.click()


def test_a_new_application_by_email_shows_without_reopening(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    forklift = make_interviewer(ws, "Forklift Operator", slug="forklift")
    save_mailbox(ws, {"address": ADDRESS, "mode": "plus", "aliases": {}})
    section = open_section(qtbot, make_ctx(ws))
    assert rows(section)[0][2] == "0"
    app = emailed(ws, forklift, "Dana Lopez", NOW - dt.timedelta(minutes=5))
    ws.bus.publish(ApplicationsChanged((app,)))
    qtbot.waitUntil(lambda: rows(section)[0][2] == "1", timeout=WAIT)


@pytest.fixture
def box() -> Iterator[LocalMailbox]:
    with LocalMailbox() as mailbox:
        yield mailbox


def test_connected_mailbox_says_when_it_was_checked_and_checks_now(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, box: LocalMailbox,
        tmp_path: Path, qloop: Any) -> None:
    ws = sqlite_workspace
    make_interviewer(ws, "Forklift Operator", slug="forklift")
    save_mailbox(ws, {"address": ADDRESS, "mode": "plus", "aliases": {}})
    env = {"MILO_IMAP_URL": box.url, "MILO_IMAP_ADDRESS": ADDRESS}
    ws.integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus,
                                          env=env)
    mailbox = MailboxIntegration(None, DatabaseSettings(ws.db), env=env)
    engine = SyncEngine(ws.db, ws.bus, intervals={"email": 3600.0})  # only woken rounds
    engine.register(EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, tmp_path,
                                bus=ws.bus))
    ws.sync = engine
    # the engine stamps its rounds with the real time, so this card reads the real clock
    section = open_section(qtbot, make_ctx(ws), clock=lambda: dt.datetime.now(dt.UTC))
    card = section.card
    assert card.connected and card.address.text() == ADDRESS
    assert card.state_line.text().startswith("Not checked yet.")
    # nothing read by Milo yet: the totals do not say "0 emails read"
    assert card.totals.text() == "Last 30 days: 0 applications by email"
    # the real loop against pymap: its first round runs at once, the next in an hour
    engine.start(Supervisor(ws.tasks, ws.bus))
    try:
        qtbot.waitUntil(lambda: engine.status("email").last_sync_at is not None, timeout=WAIT)
        first = engine.status("email").last_sync_at
        qtbot.waitUntil(lambda: card.state_line.text().startswith("Checked just now."),
                        timeout=WAIT)
        assert card.status.text().endswith("Connected")
        assert card.check_button.isVisibleTo(section) and card.check_button.isEnabled()
        card.check_button.click()  # wakes the job: a second round long before the hour
        qtbot.waitUntil(lambda: engine.status("email").last_sync_at != first, timeout=WAIT)
        assert engine.status("email").state == "idle"
    finally:
        stopped = ws.tasks.spawn(engine.stop(), name="test.stop")
        qtbot.waitUntil(stopped.done, timeout=WAIT)


def test_the_main_window_opens_the_mailbox_settings_and_sync_issues(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    from milo_desktop.views.later_sections import LATER_SECTIONS
    from milo_desktop.views.main_window import MainWindow

    ws = sqlite_workspace
    assert "email" not in LATER_SECTIONS and "outreach" not in LATER_SECTIONS
    ws.integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus,
                                          env={})
    window = MainWindow(make_ctx(ws))
    qtbot.addWidget(window)
    window.persist_state = False
    window.resize(1440, 900)
    window.show()
    assert window.integrations is not None
    window.integrations.set_sync_engine(SyncEngine(ws.db, ws.bus))
    window.sidebar.setCurrentItem(next(
        window.sidebar.item(i) for i in range(window.sidebar.count())
        if window.sidebar.item(i).text() == "Apply via Email"))
    section = window.email_intake
    assert window.current_section() is section
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    section.card.connect_button.click()
    assert window.current_section() is window.integrations

    ws.db.run_sync(lambda s: s.add(QuarantinedRecord(
        service="email", resource="message", reason="No sender", payload="{}")), write=True)
    window.show_email_intake()  # shown again: read again
    qtbot.waitUntil(lambda: section.card.review_button.isVisibleTo(section), timeout=WAIT)
    section.card.review_button.click()
    assert window.current_section() is window.integrations
    panel = window.integrations.issues_panel
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(panel.is_loaded, timeout=WAIT)
    panel.close()
