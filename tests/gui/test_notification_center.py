"""The notification center in the main window, driven like a user: a completion and a call
(over the sandbox) raise notifications whose click opens the right record; deadlines, email
applications and sync failures lead to theirs; the Notifications card's switches persist; the
desktop alerts skip what is switched off."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QListWidget

from milo_desktop.enums import CallReview, NotificationKind, StageKind
from milo_desktop.models import InboundCall
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.call_evaluation import CallEvaluator
from milo_desktop.services.connectors.twilio import ApiBases, TwilioConnector, TwilioCredentials
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.notifications import KINDS_KEY, kind_switches, record
from milo_desktop.services.notifications.jobs import DeadlineCheck, SyncFailureWatch
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.profile import ProfileDialog
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.settings import IntegrationsSection
from milo_desktop.views.widgets.alerts import DesktopAlerts
from tests.factories import make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import (
    FORKLIFT,
    LICENSE,
    NIGHTS,
    TEAM,
    add_questions,
)
from tests.integration.test_call_evaluation import (
    DANA,
    NUMBER,
    add_front_desk,
    connector,
    publish,
    script,
    sync_round,
)
from tests.integration.test_sync_engine import FAST
from tests.keychains import MemoryKeychain

K = NotificationKind


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect this test's Qt garbage here, on the GUI thread (see test_integrations_screen)."""
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    box = TwilioSandbox()
    box.add_number(NUMBER)
    with box.running():
        yield box


def window_for(qtbot: Any, ctx: Any) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    return window


def click_newest(qtbot: Any, window: MainWindow, title: str) -> Any:
    """Open the bell and click the newest notification (checking it is ``title``); returns
    its row."""
    window.bell.open_popup()
    popup_list: QListWidget = window.bell.popup.list

    def newest() -> str | None:
        item = popup_list.item(0) if window.bell.popup.isVisible() else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole + 1).title

    qtbot.waitUntil(lambda: newest() == title, timeout=5000)
    item = popup_list.item(0)
    rect = popup_list.visualItemRect(item)
    row = item.data(Qt.ItemDataRole.UserRole + 1)
    qtbot.mouseClick(popup_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not window.bell.popup.isVisible()
    return row


def profile_of(candidate_id: int) -> ProfileDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ProfileDialog) and widget.candidate_id == candidate_id \
                and widget.isVisible():
            return widget
    return None


def shows_interview(dialog: ProfileDialog | None, name: str, application_id: int) -> bool:
    if dialog is None or dialog.name.text() != name:
        return False
    cards = [c for c in dialog.interview_cards() if not c.isHidden()]
    return bool(cards) and cards[0].current and cards[0].interview.application_id == application_id


def test_a_completion_opens_the_profile_on_that_interview(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    iv = make_interviewer(ws, "Forklift Operator", stages=(StageKind.VOICE, StageKind.SMS))
    voice, (q_lic, q_fork) = add_questions(ws, iv, 0, LICENSE, FORKLIFT)
    sms, (q_night, q_team) = add_questions(ws, iv, 1, NIGHTS, TEAM)
    other = make_interviewer(ws, "Line Cook")
    dana = make_candidate(ws, "Dana Ruiz")
    make_application(ws, dana, other)  # an older interview: the profile must not open on it
    app = make_application(ws, dana, iv)
    make_candidate(ws, "Ana Lima")
    window = window_for(qtbot, ctx)
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=5000)

    async def finish() -> None:
        await ws.applications.complete_stage(app, voice, {q_lic: "yes", q_fork: "six years "
                                                          "on reach forklifts, certified"})
        await ws.applications.complete_stage(app, sms, {q_night: "yes",
                                                        q_team: "I trained new teammates"})

    with qtbot.waitSignal(window.alerts.announced, timeout=10_000) as shown:
        ctx.spawn(finish(), "test.complete")
    assert shown.args[0].row.kind == K.SCORE_READY  # the first stage's result
    qtbot.waitUntil(lambda: window.bell.unread == 2, timeout=10_000)
    click_newest(qtbot, window, "Dana Ruiz completed Forklift Operator")
    qtbot.waitUntil(lambda: shows_interview(profile_of(dana), "Dana Ruiz", app), timeout=10_000)
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)  # that one is read now
    assert window.alerts.unread == 1  # and the tray badge follows


def test_a_call_needing_review_opens_its_details(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox,
        tmp_path: Path) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    desk = add_front_desk(ws, manual_approval=True)  # every caller waits for a person
    window = window_for(qtbot, ctx)
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=5000)

    async def call_comes_in() -> None:
        await publish(sandbox, ws, desk)
        sandbox.place_inbound_call(NUMBER, DANA, "Dana", script(desk))
        tw = connector(sandbox)
        try:
            await sync_round(ws, sandbox, tmp_path,
                             CallEvaluator(ws.db, ws.bus, ws.notifications, tw.execution_context))
        finally:
            await tw.aclose()

    with qtbot.waitSignal(window.alerts.announced, timeout=20_000) as shown:
        ctx.spawn(call_comes_in(), "test.call")
    row = shown.args[0].row
    assert row.kind == K.CALLER_NEEDS_REVIEW and row.title.startswith("Dana Ruiz needs review")
    [call] = ws.db.run_sync(lambda s: list(s.query(InboundCall)))
    assert call.review == CallReview.NEEDS_REVIEW and row.inbound_call_id == call.id
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)
    click_newest(qtbot, window, row.title)
    assert window.current_section() is window.pipeline
    details = window.pipeline.details_dialog
    qtbot.waitUntil(lambda: details is not None and details.isVisible()
                    and details.call_id == call.id, timeout=5000)


def test_deadline_and_email_application_lead_to_their_records(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    now = dt.datetime.now(dt.UTC)
    iv = make_interviewer(ws, "Line Cook", deadline=now + dt.timedelta(days=2, hours=3))
    ana = make_candidate(ws, "Ana Lima", "ana@example.com")
    app = make_application(ws, ana, iv)
    window = window_for(qtbot, ctx)
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=5000)
    ctx.spawn(DeadlineCheck(ws.notifications).run_once(), "test.deadlines")
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)
    deadline = click_newest(qtbot, window, "Line Cook closes in 2 days")
    assert window.current_section() is window.interviewers
    assert window.interviewers.current_page() is window.interviewers.detail_page
    assert window.interviewers.detail_page.interviewer_id == iv
    qtbot.waitUntil(lambda: window.bell.unread == 0, timeout=5000)
    # Clicking its desktop notification (where the system shows one) leads there too.
    window.interviewers.show_list()
    window.show_section(1)
    window.alerts.last_shown = deadline
    window.alerts._message_clicked()
    assert window.current_section() is window.interviewers
    assert window.interviewers.current_page() is window.interviewers.detail_page

    ctx.spawn(ws.notifications.email_application(ana, iv), "test.email")
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)
    click_newest(qtbot, window, "Ana Lima applied by email — Line Cook")
    qtbot.waitUntil(lambda: shows_interview(profile_of(ana), "Ana Lima", app), timeout=10_000)


def test_a_sync_failure_opens_the_sync_card(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox,
        tmp_path: Path) -> None:
    ws = sqlite_workspace
    ws.integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus,
                                          env={})
    ctx = make_ctx(ws)
    window = window_for(qtbot, ctx)
    section = window.integrations
    assert isinstance(section, IntegrationsSection)

    async def revoked() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(sandbox.account.sid, "revoked")
        return TwilioConnector(creds, ApiBases(sandbox.base_url, sandbox.base_url), policy=FAST)

    engine = SyncEngine(ws.db, ws.bus)
    engine.register(TwilioSync(ws.db, tmp_path, revoked))
    section.set_sync_engine(engine)
    watch = SyncFailureWatch(engine, ws.notifications, ws.tasks)
    ctx.spawn(engine.run_once("twilio"), "test.sync")
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=10_000)
    assert engine.status("twilio").state == ServiceState.AUTH_FAILED
    bar = section.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    click_newest(qtbot, window, "Twilio sync failed")
    assert window.current_section() is section
    card = section.sync
    assert card is not None

    def card_on_screen() -> bool:
        top = card.mapTo(section.scroll_area.viewport(), card.rect().topLeft()).y()
        return 0 <= top < 60
    qtbot.waitUntil(card_on_screen, timeout=5000)
    qtbot.waitUntil(lambda: "Sign-in refused" in card.rows["twilio"].state.text(), timeout=5000)
    watch.close()
    qtbot.waitUntil(lambda: section.is_loaded() and not ws.tasks.running, timeout=10_000)


def tick(qtbot: Any, box: QCheckBox) -> None:
    """Click a check box on its indicator (the box spans the card; its text does not)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def test_the_notifications_card_saves_its_switches(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    service = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus, env={})

    def build() -> IntegrationsSection:
        section = IntegrationsSection(make_ctx(ws), service)
        qtbot.addWidget(section)
        section.resize(1200, 900)
        section.show()
        qtbot.waitUntil(lambda: section.notifications.switches is not None, timeout=5000)
        return section

    first = build()
    card = first.notifications
    assert card.status.text().endswith("All on")
    assert all(box.isChecked() and box.isEnabled() for box in card.boxes.values())
    first.scroll_area.ensureWidgetVisible(card)  # the card is at the bottom of the page
    with qtbot.waitSignal(card.finished, timeout=5000):
        tick(qtbot, card.boxes[K.CALLER_NEEDS_REVIEW])
    with qtbot.waitSignal(card.finished, timeout=5000):
        tick(qtbot, card.boxes[K.DEADLINE_NEAR])
    assert card.status.text().endswith("4 of 6 on")
    assert "Saved" in card.message.text()
    tick(qtbot, card.sound_box)  # this computer: no chime
    qtbot.waitUntil(lambda: first.is_loaded() and not ws.tasks.running, timeout=10_000)
    first.close()

    again = build()
    card = again.notifications
    assert not card.boxes[K.CALLER_NEEDS_REVIEW].isChecked()
    assert not card.boxes[K.DEADLINE_NEAR].isChecked()
    assert card.boxes[K.COMPLETED].isChecked() and not card.sound_box.isChecked()
    assert card.desktop_box.isChecked()
    switches = ws.db.run_sync(kind_switches)
    assert [k for k, on in switches.items() if not on] == [K.CALLER_NEEDS_REVIEW,
                                                           K.DEADLINE_NEAR]
    alerts = DesktopAlerts(card.ctx, again)  # what the window's alerts read
    assert alerts.sound_enabled is False and alerts.desktop_enabled is True
    qtbot.waitUntil(lambda: again.is_loaded() and not ws.tasks.running, timeout=10_000)


def test_alerts_skip_switched_off_kinds(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    window = window_for(qtbot, ctx)
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=5000)
    window.alerts.set_sound_enabled(False)  # no audio device needed
    shown: list[Any] = []
    skipped: list[Any] = []
    window.alerts.announced.connect(lambda announcement: shown.append(announcement.row))
    window.alerts.skipped.connect(skipped.append)

    async def produce() -> None:
        await ws.notifications.set_kinds({K.CALLER_NEEDS_REVIEW: False})
        await ws.notifications.add(K.CALLER_NEEDS_REVIEW, "Dana Ruiz needs review")
        await ws.notifications.add(K.SCORE_READY, "Voice result ready for Ana Lima")

    ctx.spawn(produce(), "test.produce")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert [r.title for r in shown] == ["Voice result ready for Ana Lima"] and skipped == []
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)

    # Recorded while on, switched off before the announcement arrives: not announced.
    nid = ws.db.run_sync(lambda s: record(s, K.COMPLETED, "Ana Lima completed CNA"), write=True)
    ws.db.run_sync(lambda s: s.merge(WorkspaceSetting(key=KINDS_KEY,
                                                      value={K.COMPLETED.value: False})),
                   write=True)
    ctx.bridge.notificationAdded.emit(nid)
    qtbot.waitUntil(lambda: len(skipped) == 1, timeout=5000)
    assert skipped[0].id == nid and len(shown) == 1

    # Neither a desktop notification nor a sound wanted on this computer: nothing to show.
    window.alerts.set_desktop_enabled(False)
    with qtbot.waitSignal(window.alerts.skipped, timeout=5000) as quiet:
        ctx.spawn(ws.notifications.add(K.SCORE_READY, "SMS result ready for Ana Lima"), "t")
    assert quiet.args[0].title == "SMS result ready for Ana Lima"
    assert len(shown) == 1
    window.alerts.set_desktop_enabled(True)
