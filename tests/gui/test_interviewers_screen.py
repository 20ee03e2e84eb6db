"""The Interviewers section on a real SQLite workspace: tabs and counts, search, sort, labels,
budget editing, the row menu, and the interviewer page with its Candidates tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    SpendKind,
    StageStatus,
)
from milo_desktop.models import Interviewer, SpendEntry, Stage, StageResult
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.screen_windows import ScreenWindows
from tests.factories import NOW, make_application, make_candidate, make_interviewer

DAY = dt.timedelta(days=1)
# The offscreen platform plugin can't resize to size hints, raise windows or grab the keyboard
# (popups); it says so for every top-level window. The test platform talking, not the app.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


def populate(ws: Workspace) -> dict[str, int]:
    ids = {
        "fork": make_interviewer(ws, "Forklift Driver", labels=("Logistics",),
                                 created_at=NOW - 1 * DAY),
        "ware": make_interviewer(ws, "Warehouse Associate", labels=("Logistics", "Austin"),
                                 created_at=NOW - 2 * DAY, deadline=NOW + 3 * DAY),
        "nurse": make_interviewer(ws, "Night Nurse", labels=("Health",),
                                  created_at=NOW - 3 * DAY, deadline=None),
        "draft": make_interviewer(ws, "Barista", status=InterviewerStatus.DRAFT,
                                  created_at=NOW - 4 * DAY),
        "cook": make_interviewer(ws, "Line Cook", deadline=NOW - DAY, created_at=NOW - 5 * DAY),
        "cash": make_interviewer(ws, "Cashier", status=InterviewerStatus.EXPIRED,
                                 deadline=NOW - 9 * DAY),
        "old": make_interviewer(ws, "Old Role", status=InterviewerStatus.ARCHIVED),
    }
    for i, (name, status, scores) in enumerate([
        ("Ann Lee", ApplicationStatus.COMPLETED, {0: 74.0, 1: 80.0}),
        ("Bob Stone", ApplicationStatus.IN_PROGRESS, {0: 60.0}),
        ("Dan Fox", ApplicationStatus.KNOCKED_OUT, {0: 30.0}),
    ]):
        cid = make_candidate(ws, name, location="Austin, TX")
        make_application(ws, cid, ids["fork"], status, stage_scores=scores,
                         created_at=NOW - dt.timedelta(hours=i))

    def tweak(s: Any) -> None:
        first = s.scalar(select(Stage.id).where(Stage.interviewer_id == ids["fork"],
                                                Stage.position == 0))
        for sr in s.scalars(select(StageResult).where(StageResult.stage_id == first)):
            if sr.score == 74.0:
                sr.structured_passed, sr.structured_total = 2, 3
            if sr.score == 30.0:
                sr.status = StageStatus.KNOCKED_OUT

    ws.db.run_sync(tweak, write=True)
    return ids


@pytest.fixture
def ctx(sqlite_workspace: Workspace, qloop: Any, tmp_path: Path,
        qtbot: Any) -> Iterator[ViewContext]:
    # qtbot after the workspace: its widgets are closed before the workspace is
    ws = sqlite_workspace
    ws.bus.bind_loop(qloop)
    ws.interviewers.clock = lambda: NOW
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(ws, bridge, settings, ScreenWindows())
    bridge.close()


@pytest.fixture
def ids(ctx: ViewContext) -> dict[str, int]:
    return populate(ctx.workspace)


def open_section(qtbot: Any, ctx: ViewContext) -> InterviewersSection:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 850)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.show()
    return section


def double_click(qtbot: Any, view: Any, index: Any) -> None:
    """Press then double-click, as a user does (a view ignores a double-click on an item it
    never saw pressed)."""
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def names(section: InterviewersSection) -> list[str]:
    return [r.name for r in section.list_page.model.rows()]


def tab_texts(section: InterviewersSection) -> list[str]:
    tabs = section.list_page.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_tabs_with_counts_and_switching(qtbot: Any, ctx: ViewContext,
                                        ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    assert tab_texts(section) == ["Active (4)", "Expired (2)", "Archived (1)"]
    assert names(section) == ["Forklift Driver", "Warehouse Associate", "Night Nurse", "Barista"]
    page = section.list_page
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: names(section) == ["Line Cook", "Cashier"])
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: names(section) == ["Old Role"])
    assert section.is_loaded()
    # the sweep ran on load: the overdue one is stored as expired now
    stored = ctx.workspace.db.run_sync(
        lambda s: s.scalar(select(Interviewer.status).where(Interviewer.id == ids["cook"])))
    assert stored == InterviewerStatus.EXPIRED


def test_search_filters_rows_and_counts(qtbot: Any, ctx: ViewContext,
                                        ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    qtbot.keyClicks(page.search, "driver")
    qtbot.waitUntil(lambda: names(section) == ["Forklift Driver"])
    qtbot.waitUntil(lambda: tab_texts(section) == ["Active (1)", "Expired (0)", "Archived (0)"])
    page.search.setText("zzzz")
    qtbot.waitUntil(lambda: page.model.state.value == "empty")
    assert page.table.overlay.isVisible()
    assert page.table.overlay.title.text() == "No interviewers match"


def test_sort_combo_and_header_stay_in_sync(qtbot: Any, ctx: ViewContext,
                                            ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    combo = page.sort
    combo.setCurrentIndex(combo.findText("Name A–Z"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: names(section) == ["Barista", "Forklift Driver", "Night Nurse",
                                               "Warehouse Associate"])
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == page.model.column_index("name")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    # a header click on Stats sorts by candidates, and the combo follows
    stats = page.model.column_index("stats")
    x = header.sectionViewportPosition(stats) + header.sectionSize(stats) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: page.model.query.sort == "candidates")
    qtbot.waitUntil(lambda: page.model.state.value == "ready")
    assert combo.currentText() in ("Most candidates", "Fewest candidates")
    expected = "Most candidates" if page.model.query.descending else "Fewest candidates"
    assert combo.currentText() == expected
    if page.model.query.descending:
        assert names(section)[0] == "Forklift Driver"


def test_label_filter(qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    actions = {a.text(): a for a in page.labels_menu.actions() if a.isCheckable()}
    assert list(actions) == ["Austin", "Health", "Logistics"]
    actions["Logistics"].setChecked(True)
    qtbot.waitUntil(lambda: names(section) == ["Forklift Driver", "Warehouse Associate"])
    assert page.labels_button.text().startswith("Labels: 1")
    actions["Health"].setChecked(True)
    qtbot.waitUntil(lambda: len(names(section)) == 3)
    qtbot.waitUntil(lambda: tab_texts(section)[0] == "Active (3)")
    page.clear_labels()
    qtbot.waitUntil(lambda: len(names(section)) == 4)
    assert page.labels_button.text().startswith("Labels ")


def test_edit_budget_in_place(qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    table, model = page.table, page.model
    spend = model.index(0, model.column_index("spend"))
    double_click(qtbot, table, spend)
    qtbot.waitUntil(lambda: page.budget_editor is not None)
    editor = page.budget_editor
    assert editor is not None
    editor.kind.setCurrentIndex(editor.kind.findData(BudgetKind.DAILY.value))
    editor.amount.setText("")
    editor.save.click()  # no amount: the service's message shows in the editor
    qtbot.waitUntil(lambda: editor.error.isVisible())
    assert "amount for a daily budget" in editor.error.text()
    editor.amount.setText("abc")
    editor.save.click()
    assert "like 250" in editor.error.text()
    editor.amount.setText("50")
    editor.save.click()
    qtbot.waitUntil(lambda: model.row_at(0).budget_cents == 5_000)  # type: ignore[union-attr]
    assert model.data(spend) == "$0 / $50/day"
    qtbot.waitUntil(lambda: page.budget_editor is None)
    assert section.stack.currentWidget() is page  # the double-click did not open the row


def test_a_budget_below_what_is_spent_asks_first_and_says_invitations_pause(
        qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    ws = ctx.workspace
    ws.db.run_sync(lambda s: s.add(SpendEntry(  # $3.15 spent already
        service="twilio", kind=SpendKind.CALL, provider_sid="CA315", amount_micros=3_150_000,
        interviewer_id=ids["fork"], occurred_at=NOW - DAY)), write=True)
    section = open_section(qtbot, ctx)
    page = section.list_page
    model = page.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).id == ids["fork"])
    editor = page.edit_budget(row)
    assert editor is not None
    editor.kind.setCurrentIndex(editor.kind.findData(BudgetKind.ALL_TIME.value))
    editor.amount.setText("2")
    editor.save.click()
    qtbot.waitUntil(lambda: editor.save.text() == "Save anyway")
    assert editor.error.text() == (
        "“Forklift Driver” has already spent $3.15 so far, more than a budget of $2.00: new "
        "invitations will pause until the budget is raised (candidates already invited "
        "carry on).")
    stored = lambda: ws.db.run_sync(  # noqa: E731
        lambda s: (s.get(Interviewer, ids["fork"]).budget_kind,
                   s.get(Interviewer, ids["fork"]).budget_cents))
    assert stored() == (BudgetKind.NONE, None)  # nothing saved without the yes
    editor.save.click()  # "Save anyway"
    qtbot.waitUntil(lambda: stored() == (BudgetKind.ALL_TIME, 200))
    qtbot.waitUntil(lambda: page.budget_editor is None)


def test_archive_from_the_row_menu(qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    page.table.selectRow(1)
    menu = page.context_menu(page.selected_rows())
    qtbot.addWidget(menu)
    assert [a.objectName() for a in menu.actions() if a.objectName()] == [
        "open", "archive", "edit", "clone", "extend", "budget"]
    archive = menu.findChild(QAction, "archive")
    assert archive is not None
    archive.trigger()
    qtbot.waitUntil(lambda: "Warehouse Associate" not in names(section))
    qtbot.waitUntil(lambda: tab_texts(section) == ["Active (3)", "Expired (2)", "Archived (2)"])
    assert page.banner.text() == "Archived 1 interviewer(s)."
    # and back again from the Archived tab, several at once
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: len(names(section)) == 2)
    page.table.selectAll()
    menu = page.context_menu(page.selected_rows())
    qtbot.addWidget(menu)
    assert [a.objectName() for a in menu.actions() if a.objectName()] == ["unarchive"]
    menu.findChild(QAction, "unarchive").trigger()
    qtbot.waitUntil(lambda: names(section) == [])
    qtbot.waitUntil(lambda: tab_texts(section) == ["Active (5)", "Expired (2)", "Archived (0)"])
    assert page.table.overlay.title.text() == "No archived interviewers"


def test_clone_and_extend_from_the_row_menu(qtbot: Any, ctx: ViewContext,
                                            ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: names(section) == ["Line Cook", "Cashier"])
    page.table.selectRow(1)
    menu = page.context_menu(page.selected_rows())
    qtbot.addWidget(menu)
    menu.findChild(QAction, "extend").trigger()
    dialog = page.extend_dialog
    assert dialog is not None
    dialog.quick_buttons[14].click()
    qtbot.waitUntil(lambda: names(section) == ["Line Cook"])  # Cashier is active again
    qtbot.waitUntil(lambda: tab_texts(section)[:2] == ["Active (5)", "Expired (1)"])
    menu = page.context_menu([page.model.row_at(0)])  # type: ignore[list-item]
    qtbot.addWidget(menu)
    menu.findChild(QAction, "clone").trigger()
    qtbot.waitUntil(lambda: tab_texts(section)[0] == "Active (6)")
    page.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: "Line Cook (copy)" in names(section))


def test_open_interviewer_candidates_and_back(qtbot: Any, ctx: ViewContext,
                                              ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    table = page.table
    with qtbot.waitSignal(section.loaded, timeout=5000):
        double_click(qtbot, table, page.model.index(0, page.model.column_index("name")))
    detail = section.detail_page
    assert section.stack.currentWidget() is detail
    assert detail.title.text() == "Forklift Driver"
    assert detail.tabs.tabText(detail.tabs.currentIndex()) == "Candidates"
    assert [detail.tabs.tabText(i) for i in range(detail.tabs.count())] == [
        "Candidates", "Overview", "Analytics", "Integrations"]
    model = detail.model
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert titles[:3] == ["Profile", "Resume", "Voice"]
    by_name = {r.name: i for i, r in enumerate(model.rows())}
    assert set(by_name) == {"Ann Lee", "Bob Stone", "Dan Fox"}

    def text(name: str, key: str) -> str:
        return model.data(model.index(by_name[name], model.column_index(key)))

    assert (text("Ann Lee", "stage:0"), text("Ann Lee", "stage:1")) == ("74% • 2/3", "80%")
    assert text("Dan Fox", "stage:0") == "knocked out"
    assert text("Bob Stone", "stage:1") == "pending"
    assert detail.status_filter.itemText(0) == "All (3)"
    # filter by status
    detail.status_filter.setCurrentIndex(detail.status_filter.findData("knocked_out"))
    detail.status_filter.activated.emit(detail.status_filter.currentIndex())
    qtbot.waitUntil(lambda: [r.name for r in model.rows()] == ["Dan Fox"])
    # double-click a candidate: the main window is asked to open the profile
    with qtbot.waitSignal(section.openCandidate, timeout=3000) as signal:
        double_click(qtbot, detail.table, model.index(0, 0))
    assert signal.args == [model.rows()[0].candidate_id]
    # back to the list
    detail.back_button.click()
    assert section.stack.currentWidget() is page
    assert section.is_loaded()


def test_search_candidates_and_stage_filter(qtbot: Any, ctx: ViewContext,
                                            ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.open_interviewer(ids["fork"])
    detail = section.detail_page
    model = detail.model
    qtbot.keyClicks(detail.search, "stone")
    qtbot.waitUntil(lambda: [r.name for r in model.rows()] == ["Bob Stone"])
    detail.search.clear()
    qtbot.waitUntil(lambda: len(model.rows()) == 3)
    index = detail.stage_filter.findText("Voice: completed")
    detail.stage_filter.setCurrentIndex(index)
    detail.stage_filter.activated.emit(index)
    qtbot.waitUntil(lambda: [r.name for r in model.rows()] == ["Ann Lee"])


def test_open_by_slug_and_keyboard_back(qtbot: Any, ctx: ViewContext,
                                        ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.open_interviewer_slug("night-nurse")
    assert section.detail_page.title.text() == "Night Nurse"
    assert section.detail_page.model.rowCount() == 0
    assert section.detail_page.table.overlay.title.text() == "No candidates yet"
    detail = section.detail_page
    qtbot.keyClicks(detail.search, "ab")
    qtbot.keyClick(detail.search, Qt.Key.Key_Backspace)  # edits the text, doesn't go back
    assert detail.search.text() == "a"
    assert section.stack.currentWidget() is detail
    section.activateWindow()
    qtbot.waitActive(section)
    detail.table.setFocus()
    qtbot.keyClick(detail.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.search)
    detail.table.setFocus()
    qtbot.keyClick(section.detail_page.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: section.stack.currentWidget() is section.list_page)
    section.open_interviewer_slug("nope")
    qtbot.waitUntil(lambda: section.list_page.banner.isVisible())
    assert "nope" in section.list_page.banner.text()


def test_state_is_saved_and_restored(qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    page.tabs.setCurrentIndex(1)
    page.sort.setCurrentIndex(page.sort.findText("Deadline (soonest)"))
    page.sort.activated.emit(page.sort.currentIndex())
    page.table.setColumnWidth(1, 222)
    qtbot.waitUntil(page.is_loaded)
    section.save_state()
    again = InterviewersSection(ctx)
    qtbot.addWidget(again)
    again.restore_state()
    with qtbot.waitSignal(again.loaded, timeout=5000):
        again.show()
    assert again.list_page.current_tab() == "expired"
    assert again.list_page.sort.currentText() == "Deadline (soonest)"
    assert (again.list_page.model.query.sort, again.list_page.model.query.descending) == (
        "deadline", False)
    assert again.list_page.table.columnWidth(1) == 222
    assert [r.name for r in again.list_page.model.rows()] == ["Cashier", "Line Cook"]


def test_empty_workspace(qtbot: Any, ctx: ViewContext) -> None:
    section = open_section(qtbot, ctx)
    assert tab_texts(section) == ["Active (0)", "Expired (0)", "Archived (0)"]
    overlay = section.list_page.table.overlay
    assert overlay.isVisible() and overlay.title.text() == "No active interviewers yet"
    assert section.list_page.labels_menu.actions()[0].text() == "No labels yet"


def test_keyboard_f2_edits_budget_and_enter_opens(qtbot: Any, ctx: ViewContext,
                                                  ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page = section.list_page
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    assert page.budget_editor is not None
    page.budget_editor.close()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert section.detail_page.title.text() == "Forklift Driver"


def test_figures_follow_new_candidates(qtbot: Any, ctx: ViewContext, ids: dict[str, int],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from milo_desktop.services.core.events import CandidatesChanged
    from milo_desktop.views.interviewers import list_page

    monkeypatch.setattr(list_page, "FIGURES_DELAY_MS", 50)
    section = open_section(qtbot, ctx)
    model = section.list_page.model
    row = model.index_of_key(ids["nurse"])
    stats = model.index(row, model.column_index("stats"))
    assert model.data(stats) == "0"
    ws = ctx.workspace
    make_application(ws, make_candidate(ws, "Zoe New"), ids["nurse"],
                     ApplicationStatus.COMPLETED, started_at=NOW - dt.timedelta(hours=2),
                     completed_at=NOW - dt.timedelta(hours=1))
    ws.bus.publish(CandidatesChanged(()))
    qtbot.waitUntil(lambda: model.data(stats) == "1 • 100%")
