"""The main window: sections, shortcuts, global search, bell, spend, status bar, remembered state."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from milo_desktop.enums import BudgetKind, NotificationKind, SpendKind
from milo_desktop.models import SpendEntry
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.main_window import SECTION_ROLE, MainWindow
from milo_desktop.views.widgets.alerts import (
    Announcement,
    chime_path,
    desktop_notification_problem,
)
from milo_desktop.views.widgets.media import audio_output_problem
from tests.factories import make_candidate, make_interviewer


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    return window


def test_sections_shortcuts_and_status_bar(qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    make_interviewer(sqlite_workspace, "Forklift Operator")
    window = _window(qtbot, make_ctx(sqlite_workspace))
    assert window.current_section() is window.interviewers
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=5000)
    # every sidebar entry leads somewhere (no dead buttons)
    targets = [window.sidebar.item(i) for i in range(window.sidebar.count())]
    enabled = [t for t in targets if t.flags() & Qt.ItemFlag.ItemIsEnabled]
    assert len(enabled) == len(window.sidebar_entries())
    assert all(0 <= int(t.data(SECTION_ROLE)) < window.stack.count() for t in enabled)
    QTest.keySequence(window, QKeySequence("Ctrl+2"))
    assert window.current_section() is window.directory
    qtbot.waitUntil(window.directory.is_loaded, timeout=5000)
    QTest.keySequence(window, QKeySequence("Ctrl+3"))
    assert window.current_section() is window.pipeline
    qtbot.waitUntil(window.pipeline.is_loaded, timeout=5000)
    QTest.keySequence(window, QKeySequence("Ctrl+1"))
    assert window.current_section() is window.interviewers
    QTest.keySequence(window, QKeySequence("Ctrl+K"))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search, timeout=2000)
    assert "SQLite" in window.db_label.text()
    assert str(sqlite_workspace.db.info.location) in window.db_label.text()
    assert window.online_label.text()


def test_global_search_opens_the_candidate(qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    cid = make_candidate(sqlite_workspace, "Natalia Ortega", phone_e164="+12145550101")
    make_candidate(sqlite_workspace, "Wei Zhang")
    window = _window(qtbot, make_ctx(sqlite_workspace))
    window.focus_search()
    with qtbot.waitSignal(window.search.resultsShown, timeout=5000) as shown:
        QTest.keyClicks(window.search, "tali")
    results = shown.args[0]
    assert [c.id for c in results.candidates] == [cid]
    assert window.search.popup.isVisible()
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QDialog) and w.isVisible() and "Natalia" in w.windowTitle()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=5000,
    )
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog):
            w.close()


def test_global_search_opens_an_interviewer(qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    iid = make_interviewer(sqlite_workspace, "Registered Nurse — Tampa", slug="rn-tampa")
    window = _window(qtbot, make_ctx(sqlite_workspace))
    window.show_section(1)
    with qtbot.waitSignal(window.search.resultsShown, timeout=5000) as shown:
        QTest.keyClicks(window.search, "rn-tam")
    assert [i.id for i in shown.args[0].interviewers] == [iid]
    window.search.popup.activate_current()
    assert window.current_section() is window.interviewers
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=5000)


def test_bell_counts_lists_and_marks_read(
    qtbot, make_ctx, sqlite_workspace: Workspace, qloop
) -> None:
    ctx = make_ctx(sqlite_workspace)
    window = _window(qtbot, ctx)
    qtbot.waitUntil(
        lambda: window.bell.unread == 0 and not sqlite_workspace.tasks.running, timeout=5000
    )
    ns = sqlite_workspace.notifications
    ctx.spawn(ns.add(NotificationKind.COMPLETED, "Ana Lima completed Forklift Operator"), "t")
    ctx.spawn(ns.add(NotificationKind.DEADLINE_NEAR, "CNA — 3 days left"), "t")
    qtbot.waitUntil(lambda: window.bell.unread == 2, timeout=15_000)
    window.bell.open_popup()
    qtbot.waitUntil(lambda: window.bell.popup.list.count() == 2, timeout=15_000)
    assert "CNA" in window.bell.popup.list.item(0).text()  # newest first
    window.bell.popup.mark_all.click()
    qtbot.waitUntil(lambda: window.bell.unread == 0, timeout=5000)
    window.bell.popup.hide()


def test_spend_chip_shows_used_vs_budget(qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    iid = make_interviewer(  # no deadline: never swept to expired (its budget would go)
        sqlite_workspace, "Forklift", budget_kind=BudgetKind.ALL_TIME, budget_cents=100_000,
        deadline=None,
    )
    sqlite_workspace.db.run_sync(
        lambda s: s.add(
            SpendEntry(
                service="twilio",
                kind=SpendKind.CALL,
                provider_sid="CA1",
                amount_micros=312_400_000,
                interviewer_id=iid,
                occurred_at=dt.datetime.now(dt.UTC),
            )
        ),
        write=True,
    )
    window = _window(qtbot, make_ctx(sqlite_workspace))
    qtbot.waitUntil(lambda: window.spend.summary is not None, timeout=5000)
    assert window.spend.label.text() == "Spend (30 days) $312 / $1k"
    assert window.spend.bar.isVisible() and window.spend.bar.value() == 312


def test_window_geometry_and_section_are_remembered(
    qtbot, make_ctx, sqlite_workspace: Workspace
) -> None:
    ctx = make_ctx(sqlite_workspace)
    window = _window(qtbot, ctx)
    window.resize(1234, 777)
    window.show_section(1)
    # Let the resize reach the splitter first, or it scales the sizes set next.
    qtbot.waitUntil(lambda: window.splitter.width() + 2 * window.splitter.x() >= 1230,
                    timeout=15_000)
    window.splitter.setSizes([260, window.splitter.width() - 260])
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 260, timeout=15_000)
    window.close()
    again = _window(qtbot, make_ctx(sqlite_workspace))
    assert again.current_section() is again.directory
    assert (again.width(), again.height()) == (1234, 777)
    qtbot.waitUntil(lambda: again.splitter.width() + 2 * again.splitter.x() >= 1230,
                    timeout=15_000)
    assert again.splitter.sizes()[0] == 260


def test_a_hand_edited_section_setting_opens_the_first_section(
    qtbot, make_ctx, sqlite_workspace: Workspace
) -> None:
    ctx = make_ctx(sqlite_workspace)
    ctx.settings.setValue("window/section", "directory")  # not a number
    window = _window(qtbot, ctx)
    assert window.current_section() is window.interviewers


def test_the_saved_section_is_found_by_its_key_when_sections_move(
    qtbot, make_ctx, sqlite_workspace: Workspace
) -> None:
    """Sections added before it (From ATS, Outreach, Apply via Email did) shift the stack:
    the section is saved by its key, so the user comes back to the same one."""
    ctx = make_ctx(sqlite_workspace)
    window = _window(qtbot, ctx)
    window.show_section(window.stack.indexOf(window.outreach))
    assert window.current_section() is window.outreach
    window.save_state()
    window.close()
    ctx.settings.setValue("window/section", 1)  # where an older release kept another section
    again = _window(qtbot, make_ctx(sqlite_workspace))
    assert again.current_section() is again.outreach


def test_new_notification_is_announced_and_badged(
    qtbot, make_ctx, sqlite_workspace: Workspace
) -> None:
    ctx = make_ctx(sqlite_workspace)
    window = _window(qtbot, ctx)
    qtbot.waitUntil(lambda: not sqlite_workspace.tasks.running, timeout=5000)
    def announce(title: str) -> Announcement:
        with qtbot.waitSignal(window.alerts.announced, timeout=5000) as announced:
            ctx.spawn(
                sqlite_workspace.notifications.add(
                    NotificationKind.CALLER_NEEDS_REVIEW, title, "Front desk line"
                ),
                "t",
            )
        return announced.args[0]

    first = announce("Dana Ruiz needs review")
    assert first.row.title == "Dana Ruiz needs review"
    qtbot.waitUntil(lambda: window.alerts.unread == 1, timeout=5000)
    # Both ways are on by default: each reached the user, or says why it could not here (no
    # tray offscreen; no QtMultimedia without libpulse, no audio output device on CI).
    sound = audio_output_problem()
    assert (first.sound, first.sound_problem) == (
        (chime_path(), None) if sound is None else (None, sound)
    )
    desktop = desktop_notification_problem()
    assert (first.desktop, first.desktop_problem) == (
        (True, None) if desktop is None else (False, desktop)
    )
    # The sound switched off on this computer: not even tried.
    window.alerts.set_sound_enabled(False)
    assert window.alerts.sound_enabled is False
    second = announce("Ana Lima needs review")
    assert second.row.title == "Ana Lima needs review"
    assert (second.sound, second.sound_problem) == (None, None)
    assert (second.desktop, second.desktop_problem) == (first.desktop, first.desktop_problem)


def test_quit_really_closes_even_when_keeping_in_tray(
    qtbot, make_ctx, sqlite_workspace: Workspace
) -> None:
    window = _window(qtbot, make_ctx(sqlite_workspace))
    with qtbot.waitSignal(window.closing, timeout=2000):
        window.quit()
    assert not window.isVisible()


def test_caller_notification_jumps_to_the_call(qtbot, make_ctx, sqlite_workspace: Workspace) -> None:
    from milo_desktop.enums import CallReview, CallStatus
    from tests.unit.test_pipeline_service import add_call, add_receptionist

    ctx = make_ctx(sqlite_workspace)
    iid = make_interviewer(sqlite_workspace, "Forklift Operator")
    rid = add_receptionist(sqlite_workspace, "Front desk", "+12145550100", [iid])
    call_id = add_call(
        sqlite_workspace, rid, "Dana Ruiz", "+12145550177", None, dt.datetime.now(dt.UTC),
        status=CallStatus.EVALUATED, review=CallReview.NEEDS_REVIEW, answers=2,
    )
    window = _window(qtbot, ctx)
    ctx.spawn(
        sqlite_workspace.notifications.add(
            NotificationKind.CALLER_NEEDS_REVIEW, "Dana Ruiz needs review", inbound_call_id=call_id
        ),
        "t",
    )
    qtbot.waitUntil(lambda: window.bell.unread == 1, timeout=5000)
    window.bell.open_popup()
    qtbot.waitUntil(lambda: window.bell.popup.list.count() == 1, timeout=5000)
    window.bell.popup.list.itemClicked.emit(window.bell.popup.list.item(0))
    assert window.current_section() is window.pipeline
    qtbot.waitUntil(
        lambda: window.pipeline.details_dialog is not None
        and window.pipeline.details_dialog.call_id == call_id
        and window.pipeline.details_dialog.isVisible(),
        timeout=5000,
    )
    qtbot.waitUntil(lambda: window.bell.unread == 0, timeout=5000)  # opened = read
    window.pipeline.details_dialog.close()


def test_status_bar_shows_each_services_sync_state(
    qtbot, make_ctx, sqlite_workspace: Workspace, tmp_path
) -> None:
    from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
    from milo_desktop.services.sync.engine import SyncEngine

    async def not_connected() -> None:
        return None

    engine = SyncEngine(sqlite_workspace.db, sqlite_workspace.bus)
    engine.register(TwilioSync(sqlite_workspace.db, tmp_path, not_connected))
    sqlite_workspace.sync = engine
    ctx = make_ctx(sqlite_workspace)
    window = _window(qtbot, ctx)
    ctx.spawn(engine.run_once("twilio"), "t")
    qtbot.waitUntil(lambda: window.sync_label.text() == "Twilio: not connected", timeout=5000)
    assert "Integrations" in window.sync_label.toolTip()
