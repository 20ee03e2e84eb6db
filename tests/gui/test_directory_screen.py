"""The Candidate Directory and the profile window over a real SQLite workspace."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMenu

from milo_desktop.enums import ApplicationStatus
from milo_desktop.models import Answer, Candidate, CandidateNote, StageResult
from milo_desktop.services.core.events import CandidatesChanged
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.candidates import DirectorySection, ProfileDialog, open_candidate_profile
from milo_desktop.views.candidates.directory_model import DirectoryModel
from milo_desktop.views.context import ViewContext
from milo_desktop.views.screen_windows import ScreenWindows
from milo_desktop.views.widgets.paged_model import LoadState
from tests.factories import NOW, make_application, make_candidate, make_interviewer

NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra"]


@pytest.fixture
def ctx(
    qloop: asyncio.AbstractEventLoop, sqlite_workspace: Workspace, tmp_path: Path
) -> Iterator[ViewContext]:
    sqlite_workspace.bus.bind_loop(qloop)
    bridge = EventBridge(sqlite_workspace.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(sqlite_workspace, bridge, settings, ScreenWindows())
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ProfileDialog):
            widget.close()
    bridge.close()


def seed(ws: Workspace) -> dict[str, int]:
    """Five named candidates joined a day apart (Ada newest), plus 25 others further back."""
    ids = {}
    for i, name in enumerate(NAMES):
        ids[name] = make_candidate(
            ws,
            name,
            phone_e164=f"+1214555010{i}",
            created_at=NOW - dt.timedelta(days=i),
            location="Dallas, TX",
        )
    for i in range(25):
        make_candidate(ws, f"Zed Extra{i:02d}", created_at=NOW - dt.timedelta(days=30 + i))
    iv = make_interviewer(ws, "Forklift Operator")
    app = make_application(
        ws,
        ids["Ada Lovelace"],
        iv,
        ApplicationStatus.COMPLETED,
        stage_scores={0: 74.0, 1: 86.0},
        score=80.0,
    )

    def answers(s: Any) -> None:
        voice = max(s.query(StageResult).filter_by(application_id=app), key=lambda r: r.stage_id)
        s.add_all(
            [
                Answer(
                    stage_result_id=voice.id,
                    question_text="Certified forklift operator?",
                    answer_text="Yes since 2021",
                    passed=True,
                    summary="Certified",
                    evidence="yes",
                ),
                Answer(
                    stage_result_id=voice.id,
                    question_text="Describe a safety incident",
                    answer_text="I stopped the line",
                    score=4.0,
                    summary="Owned it",
                    evidence="I stopped the line right away",
                ),
            ]
        )

    ws.db.run_sync(answers, write=True)
    return ids


def open_section(qtbot: Any, ctx: ViewContext) -> DirectorySection:
    section = DirectorySection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 850)
    section.show()
    qtbot.waitUntil(section.is_loaded, timeout=5000)
    return section


def names(section: DirectorySection) -> list[str]:
    return [r.full_name for r in section.model.rows()]


def wait_rows(qtbot: Any, section: DirectorySection, expected: list[str]) -> None:
    qtbot.waitUntil(
        lambda: names(section)[: len(expected)] == expected and not section.model._loading,
        timeout=5000,
    )


def test_opens_with_counts_rows_and_default_columns(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    assert section.title.text() == "Candidate Directory"
    qtbot.waitUntil(lambda: section.counts_text() == "30 candidates", timeout=5000)
    assert section.model.rowCount() == 30
    assert names(section)[:2] == ["Ada Lovelace", "Grace Hopper"]  # most recent first
    assert section.sort_combo.currentText() == "Most recent"
    assert section.search.placeholderText() == "Search by name, email or phone"
    assert not section.column_shown("phone") and section.column_shown("email")
    assert section.joined_after.text() == "Joined after: Any"
    assert section.model.rows()[0].interviews == 1
    assert not section.table.overlay.isVisible()
    # The row's menu: View details (also double-click / Enter), and copy helpers.
    menu = section.row_menu(section.model.rows()[0])
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["View details", "Invite to interviewer…", "Copy email", "Copy phone"]
    next(a for a in menu.actions() if a.text() == "Copy phone").trigger()
    assert QApplication.clipboard().text() == "+1 214-555-0100"
    menu.deleteLater()


def test_search_filters_rows_and_no_results_state(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    section.search.setFocus()
    qtbot.keyClicks(section.search, "hopper")
    wait_rows(qtbot, section, ["Grace Hopper"])
    assert section.model.rowCount() == 1
    qtbot.waitUntil(lambda: section.counts_text() == "1 of 30 candidates", timeout=5000)
    assert section.clear_filters.isVisible()
    section.search.setText("+12145550103")  # phone
    wait_rows(qtbot, section, ["Katherine Johnson"])
    section.search.setText("nobody-like-this")
    qtbot.waitUntil(lambda: section.model.state == LoadState.EMPTY, timeout=5000)
    overlay = section.table.overlay
    assert overlay.isVisible() and overlay.title.text() == "No candidates match"
    assert "nobody-like-this" in overlay.hint.text() and "clear the filters" in overlay.hint.text()
    qtbot.mouseClick(section.clear_filters, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.model.rowCount() == 30, timeout=5000)
    assert section.search.text() == "" and not section.clear_filters.isVisible()


def test_ctrl_f_focuses_the_search(qtbot: Any, ctx: ViewContext) -> None:
    section = open_section(qtbot, ctx)
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section, timeout=2000)
    section.table.setFocus()
    assert not section.search.hasFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(section.search.hasFocus, timeout=2000)


def test_sort_by_combo_and_by_header_stay_in_sync(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    section.sort_combo.setCurrentIndex(2)
    section.sort_combo.activated.emit(2)  # what a user's pick emits
    wait_rows(qtbot, section, ["Ada Lovelace", "Alan Turing", "Edsger Dijkstra"])
    header = section.table.horizontalHeader()
    assert header.sortIndicatorSection() == DirectoryModel.column_index("name")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    # A real click on the Joined header sorts by Joined; the combo follows.
    joined = DirectoryModel.column_index("joined")
    x = header.sectionViewportPosition(joined) + header.sectionSize(joined) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: section.model.query.sort == "joined", timeout=5000)
    expected = "Least recent" if not section.model.query.descending else "Most recent"
    assert section.sort_combo.currentText() == expected
    first = "Zed Extra24" if expected == "Least recent" else "Ada Lovelace"
    wait_rows(qtbot, section, [first])
    # Columns without a sort key leave the rows and the indicator where they are.
    email = DirectoryModel.column_index("email")
    x = header.sectionViewportPosition(email) + header.sectionSize(email) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == joined
    assert section.model.query.sort == "joined"


def test_joined_after_filter(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    day = (NOW - dt.timedelta(days=2)).astimezone().date()
    button = section.joined_after
    button.menu().aboutToShow.emit()  # what opening the popup does: the calendar is made
    assert button.calendar is not None and not button.clear_action.isEnabled()
    button.calendar.clicked.emit(QDate(day.year, day.month, day.day))
    assert button.date() == day
    qtbot.waitUntil(
        lambda: section.model.rowCount() == 3 and not section.model._loading, timeout=5000
    )
    assert names(section) == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    assert (
        section.joined_after.text().startswith("Joined after: ")
        and "Any" not in section.joined_after.text()
    )
    qtbot.waitUntil(lambda: section.counts_text() == "3 of 30 candidates", timeout=5000)
    section.joined_before.set_date(day)
    qtbot.waitUntil(lambda: names(section) == ["Alan Turing"], timeout=5000)
    button.menu().aboutToShow.emit()
    assert button.clear_action.isEnabled()
    assert button.calendar.maximumDate() == QDate(day.year, day.month, day.day)  # ≤ "before"
    button.clear_action.trigger()
    section.joined_before.set_date(None)
    qtbot.waitUntil(lambda: section.model.rowCount() == 30, timeout=5000)
    assert section.joined_after.text() == "Joined after: Any"


def test_view_menu_hides_columns_and_is_remembered(qtbot: Any, ctx: ViewContext) -> None:
    section = open_section(qtbot, ctx)
    own = {a.text(): a for a in section.view_button.menu().actions() if a.isCheckable()}
    assert list(own) == ["Email", "Phone", "Location", "Source", "Joined", "Interviews"]
    main_menu = QMenu()
    section.populate_view_menu(main_menu)
    shared = {a.text(): a for a in main_menu.actions()}
    own["Email"].trigger()
    assert not section.column_shown("email") and not shared["Email"].isChecked()
    shared["Phone"].trigger()  # from the main window's menu
    assert section.column_shown("phone") and own["Phone"].isChecked()
    main_menu.deleteLater()
    section.close()

    again = open_section(qtbot, ctx)
    assert not again.column_shown("email") and again.column_shown("phone")
    checked = {
        a.text(): a.isChecked() for a in again.view_button.menu().actions() if a.isCheckable()
    }
    assert checked["Email"] is False and checked["Phone"] is True
    assert again.column_shown("name")


def test_sort_is_remembered(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    section.sort_combo.setCurrentIndex(3)
    section.sort_combo.activated.emit(3)
    wait_rows(qtbot, section, ["Zed Extra24"])
    section.save_state()
    section.close()
    again = open_section(qtbot, ctx)
    assert again.sort_combo.currentText() == "Name Z–A"
    assert (again.model.query.sort, again.model.query.descending) == ("name", True)
    wait_rows(qtbot, again, ["Zed Extra24"])


def test_empty_workspace_shows_the_empty_state(qtbot: Any, ctx: ViewContext) -> None:
    section = open_section(qtbot, ctx)
    overlay = section.table.overlay
    assert overlay.isVisible() and overlay.title.text() == "No candidates yet"
    assert (
        overlay.hint.text() == "Candidates arrive from interviews, phone calls, email and your ATS."
    )
    qtbot.waitUntil(lambda: section.counts_text() == "0 candidates", timeout=5000)


def test_changed_candidates_refresh_their_rows(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    grace = ids["Grace Hopper"]
    assert section.model.rows()[1].interviews == 0
    make_application(ctx.workspace, grace, make_interviewer(ctx.workspace, "Night Picker"))
    ctx.workspace.bus.publish(CandidatesChanged((grace,)))
    qtbot.waitUntil(lambda: section.model.rows()[1].interviews == 1, timeout=5000)
    ctx.workspace.db.run_sync(
        lambda s: s.query(Candidate).filter_by(id=grace).update({"erase_requested_at": NOW}),
        write=True,
    )
    ctx.workspace.bus.publish(CandidatesChanged((grace,)))
    qtbot.waitUntil(lambda: "Grace Hopper" not in names(section), timeout=5000)
    qtbot.waitUntil(lambda: section.counts_text() == "29 candidates", timeout=5000)


# Re-raising an open profile calls QWidget.raise_(), which the offscreen platform only warns about.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_view_details_shows_interviews_and_scores(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    index = section.model.index(0, 0)
    section.table.setCurrentIndex(index)
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_Return)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ProfileDialog)]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert not dialog.isModal() and dialog.candidate_id == ids["Ada Lovelace"]
    qtbot.waitUntil(dialog.is_loaded, timeout=5000)
    assert dialog.name.text() == "Ada Lovelace"
    assert dialog.phone.text() == "+1 214-555-0100"
    assert dialog.email.text() == "ada.lovelace@example.com"
    (card,) = dialog.interview_cards()
    assert card.interview.interviewer_name == "Forklift Operator"
    assert card.badge.text() == "Completed"
    assert card.overall.text() == "Overall 80 / 100"
    resume, voice = card.stages
    assert not voice.answers.isVisible() and voice.toggle.text() == "Answers (2)"
    assert not resume.toggle.isVisible()  # no answers there
    qtbot.mouseClick(voice.toggle, Qt.MouseButton.LeftButton)
    assert voice.answers.isVisible()
    texts = [lbl.text() for lbl in voice.answers.findChildren(type(dialog.name))]
    assert "Pass" in texts and "4 / 5" in texts and "I stopped the line" in texts
    assert dialog.tabs.tabText(0) == "Interviews (1)"
    # The same candidate again: the same window, raised.
    assert open_candidate_profile(ctx, ids["Ada Lovelace"]) is dialog
    # Double-click another row: its own window.
    section.table.doubleClicked.emit(section.model.index(1, 0))
    other = open_candidate_profile(ctx, ids["Grace Hopper"])
    assert other is not dialog
    qtbot.waitUntil(other.is_loaded, timeout=5000)
    assert other.interview_cards() == []


def test_add_note_in_the_profile(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    dialog = open_candidate_profile(ctx, ids["Alan Turing"])
    qtbot.waitUntil(dialog.is_loaded, timeout=5000)
    assert dialog.tabs.tabText(1) == "Notes (0)"
    assert not dialog.save_note.isEnabled()
    dialog.note_edit.setPlainText("   ")
    assert not dialog.save_note.isEnabled()
    dialog.note_edit.setPlainText("x" * 5001)
    assert not dialog.save_note.isEnabled() and "Too long" in dialog.note_error.text()
    dialog.note_edit.setPlainText("Strong on forklifts; ask about nights.")
    assert dialog.save_note.isEnabled()
    qtbot.mouseClick(dialog.save_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.tabs.tabText(1) == "Notes (1)", timeout=5000)
    assert dialog.note_edit.toPlainText() == ""
    bodies = [lbl.text() for lbl in dialog.notes_box.findChildren(type(dialog.name))]
    assert "Strong on forklifts; ask about nights." in bodies
    stored = ctx.workspace.db.run_sync(
        lambda s: [(n.candidate_id, n.body) for n in s.query(CandidateNote)]
    )
    assert stored == [(ids["Alan Turing"], "Strong on forklifts; ask about nights.")]


def test_profile_of_a_missing_candidate(qtbot: Any, ctx: ViewContext) -> None:
    dialog = open_candidate_profile(ctx, 424242)
    qtbot.waitUntil(lambda: "no longer exists" in dialog.message_text(), timeout=5000)
    assert not dialog.is_loaded() and dialog.message_close.isVisible()
