"""The Candidates tab's review on a real SQLite workspace: filters (has notes included), the
remembered column chooser, multi-select with Shortlist / Dismiss / Undo reflected in the rows
and the counts, "Select all N matching", Nudge and Blast wiring, export and score report files,
and the profile's previous / next through the tab's order."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select, update

from milo_desktop.enums import ApplicationStatus, Channel, Direction, MessageStatus
from milo_desktop.models import Application, Message
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.review import ExportFormat
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.candidates.profile import ProfileDialog
from milo_desktop.views.candidates.resume_dialog import ResumeDialog
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.detail_page import InterviewerPage
from milo_desktop.views.screen_windows import ScreenWindows
from milo_desktop.views.widgets.media import multimedia_problem
from tests.factories import NOW
from tests.review_factories import (
    ODD_NAME,
    RECORDING,
    ReviewData,
    add_many,
    build,
    statuses,
)

A = ApplicationStatus
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ctx(sqlite_workspace: Workspace, qloop: Any, tmp_path: Path,
        qtbot: Any) -> Iterator[ViewContext]:
    ws = sqlite_workspace
    ws.bus.bind_loop(qloop)
    ws.interviewers.clock = lambda: NOW
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(ws, bridge, settings, ScreenWindows())
    bridge.close()


@pytest.fixture
def data(ctx: ViewContext) -> ReviewData:
    return build(ctx.workspace)


def open_page(qtbot: Any, ctx: ViewContext, data: ReviewData) -> InterviewerPage:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 850)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.open_interviewer(data.interviewer_id)
    return section.detail_page


def names(page: InterviewerPage) -> list[str]:
    return [r.name for r in page.model.rows()]


def select_rows(page: InterviewerPage, *wanted: str) -> None:
    model, selection = page.model, QItemSelection()
    for i, row in enumerate(model.rows()):
        if row.name.split()[0].rstrip(",") in wanted:
            selection.select(model.index(i, 0), model.index(i, model.columnCount() - 1))
    page.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


def status_text(page: InterviewerPage, first_name: str) -> str:
    model = page.model
    i = next(i for i, r in enumerate(model.rows()) if r.name.startswith(first_name))
    return str(model.data(model.index(i, model.column_index("status"))))


def count_item(page: InterviewerPage, status: str) -> str:
    return page.status_filter.itemText(page.status_filter.findData(status))


def test_filters_with_has_notes(qtbot: Any, ctx: ViewContext, data: ReviewData) -> None:
    page = open_page(qtbot, ctx, data)
    assert names(page) == ["Ann Lee", "Bob Stone", "Cara Diaz", "Dan Fox", ODD_NAME, "Eve Moss"]
    page.notes_filter.setChecked(True)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee"])
    page.notes_filter.setChecked(False)
    qtbot.waitUntil(lambda: len(names(page)) == 6)
    page.set_status_filter(A.COMPLETED)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])
    page.notes_filter.setChecked(True)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee"])
    page.set_status_filter(A.PENDING)
    qtbot.waitUntil(lambda: page.table.overlay.title.text() == "No candidates match")
    page.set_status_filter(None)
    page.notes_filter.setChecked(False)
    qtbot.keyClicks(page.search, "zoe@")
    qtbot.waitUntil(lambda: names(page) == [ODD_NAME])


def test_column_chooser_is_remembered(qtbot: Any, ctx: ViewContext, data: ReviewData) -> None:
    page = open_page(qtbot, ctx, data)
    actions = page.columns.actions
    assert "profile" not in actions  # the name column always shows
    assert {"stage:0", "stage:1", "status", "score", "last_engaged", "invited"} <= set(actions)
    assert page.columns.shown("score")
    actions["score"].setChecked(False)
    actions["invited"].setChecked(False)
    assert page.table.isColumnHidden(page.model.column_index("score"))
    again = open_page(qtbot, ctx, data)  # a new window, the same settings file
    assert not again.columns.shown("score") and not again.columns.shown("invited")
    assert again.columns.shown("last_engaged")
    assert not again.columns.actions["score"].isChecked()
    again.columns.actions["score"].setChecked(True)
    assert again.columns.shown("score")


def test_shortlist_dismiss_undo_in_rows_and_counts(qtbot: Any, ctx: ViewContext,
                                                   data: ReviewData) -> None:
    page = open_page(qtbot, ctx, data)
    bar = page.review_bar
    qtbot.waitUntil(bar.export_button.isEnabled)  # rows to export: the filtered set
    assert not bar.shortlist_button.isEnabled()
    select_rows(page, "Cara")  # pending: can be dismissed, not shortlisted
    assert not bar.shortlist_button.isEnabled() and bar.dismiss_button.isEnabled()
    assert bar.selection_label.text() == "1 selected"
    select_rows(page, "Ann", "Dan")
    assert bar.shortlist_button.isEnabled() and bar.selection_label.text() == "2 selected"
    qtbot.mouseClick(bar.shortlist_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_text(page, "Ann") == status_text(page, "Dan") == "Shortlisted")
    assert bar.banner.text() == "Shortlisted 2 candidates."
    qtbot.waitUntil(lambda: count_item(page, "shortlisted") == "Shortlisted (3)")
    assert count_item(page, "completed") == "Completed (1)"
    # Ctrl+A, Dismiss everything, then Undo puts each one back where it was
    before = statuses(ctx.workspace, list(data.apps.values()))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert bar.selection_label.text() == "6 selected"
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: count_item(page, "dismissed") == "Dismissed (6)")
    qtbot.waitUntil(lambda: {status_text(page, n) for n in ("Ann", "Cara", "Zoë")} == {
        "Dismissed"})
    assert bar.banner.text() == "Dismissed 6 candidates."
    assert bar.banner.action_button.isVisible() and bar.banner.action_button.text() == "Undo"
    qtbot.mouseClick(bar.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.banner.text() == "Restored 6 candidates.")
    qtbot.waitUntil(lambda: count_item(page, "dismissed") == "Dismissed (0)")
    assert statuses(ctx.workspace, list(data.apps.values())) == before
    qtbot.waitUntil(lambda: status_text(page, "Cara") == "Pending")
    # a refused action says why
    select_rows(page, "Eve", "Ann")
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Dismissed 2 candidates." in bar.banner.text())


def test_select_all_matching_reaches_unloaded_rows(qtbot: Any, ctx: ViewContext,
                                                   data: ReviewData) -> None:
    more = add_many(ctx.workspace, data.interviewer_id, 150)  # two pages of 100
    everyone = [*data.apps.values(), *more]
    page = open_page(qtbot, ctx, data)
    bar = page.review_bar
    assert len(page.model.rows()) == 100
    page.table.selectAll()
    assert bar.selection_label.text() == "100 selected"
    qtbot.waitUntil(lambda: "Select all 156 matching" in bar.select_all_link.text())
    bar.select_all_link.linkActivated.emit("all")
    assert bar.all_matching
    assert bar.selection_label.text() == "All 156 matching candidates selected"
    page.table.scrollToBottom()  # the next page arrives selected too
    qtbot.waitUntil(lambda: len(page.model.rows()) > 100)
    assert bar.all_matching and len(page.table.selectionModel().selectedRows()) == len(
        page.model.rows())
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.banner.text() == "Dismissed 156 candidates.")
    assert set(statuses(ctx.workspace, everyone).values()) == {A.DISMISSED}
    assert statuses(ctx.workspace, [data.other_app])[data.other_app] == A.COMPLETED
    assert not bar.all_matching  # the table reloaded; the selection is gone with it
    qtbot.waitUntil(lambda: count_item(page, "dismissed") == "Dismissed (156)")
    # Undo restores the unloaded ones as well
    qtbot.mouseClick(bar.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.banner.text() == "Restored 156 candidates.")
    assert statuses(ctx.workspace, more) == {i: A.COMPLETED for i in more}
    # every row is loaded now: selecting them all needs no "Select all N matching"
    qtbot.waitUntil(lambda: len(page.model.rows()) == 156)
    page.table.selectAll()
    assert bar.selection_label.text() == "156 selected" and bar.select_all_link.text() == ""
    # a click on one row leaves "all matching"
    bar.select_all_matching()
    assert bar.all_matching
    page.table.selectRow(0)
    assert not bar.all_matching and bar.selection_label.text() == "1 selected"


def test_table_follows_changes_made_elsewhere(qtbot: Any, ctx: ViewContext,
                                              data: ReviewData) -> None:
    page = open_page(qtbot, ctx, data)
    page.set_status_filter(A.COMPLETED)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])
    ws = ctx.workspace

    def finish_bob(s: Any) -> None:  # as sync would, after Bob's last stage
        s.execute(update(Application).where(Application.id == data.apps["Ann"])
                  .values(status=A.KNOCKED_OUT))

    ws.db.run_sync(finish_bob, write=True)
    ws.bus.publish(ApplicationsChanged((data.apps["Ann"],)))
    qtbot.waitUntil(lambda: names(page) == [ODD_NAME])  # no longer matches: removed
    qtbot.waitUntil(lambda: count_item(page, "knocked_out") == "Knocked out (2)")


def test_export_writes_the_file(qtbot: Any, ctx: ViewContext, data: ReviewData,
                                tmp_path: Path) -> None:
    page = open_page(qtbot, ctx, data)
    bar = page.review_bar
    path = tmp_path / "all.csv"
    bar.export_to(path, ExportFormat.CSV)  # nothing selected: the filtered set
    qtbot.waitUntil(lambda: bar.banner.text() == "Exported 6 candidates to all.csv.")
    assert bar.banner.action_button.text() == "Show in folder"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == names(page)
    select_rows(page, "Zoë", "Dan")
    json_path = tmp_path / "two.json"
    bar.export_to(json_path, ExportFormat.JSON)
    qtbot.waitUntil(lambda: bar.banner.text() == "Exported 2 candidates to two.json.")
    assert json_path.read_text(encoding="utf-8").count('"application_id"') == 2
    assert not bar.progress.isVisible() and bar.export_button.isEnabled()
    # the score report of the selection
    pdf = tmp_path / "report.pdf"
    bar.report_to(pdf)
    qtbot.waitUntil(lambda: bar.banner.text().startswith("Saved the score report of 2 "))
    text = " ".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "Dan Fox" in text and "Score 4 / 5" in text


def test_nudge_and_blast_wiring(qtbot: Any, ctx: ViewContext, data: ReviewData) -> None:
    ctx.workspace.outreach.clock = lambda: NOW + dt.timedelta(days=3)  # past the cooldown
    page = open_page(qtbot, ctx, data)
    bar = page.review_bar
    select_rows(page, "Bob", "Cara", "Ann")
    assert bar.nudge_button.isEnabled() and bar.blast_button.isEnabled()
    qtbot.mouseClick(bar.nudge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.banner.text().startswith("Nudge: "))
    # H2's OutreachReport.summary(), as the service reported it
    assert bar.banner.text() == ("Nudge: 2 queued — connect an email account to send; skipped "
                                 "1 already finished, dismissed or knocked out")
    nudged = ctx.workspace.db.run_sync(lambda s: sorted(s.scalars(select(
        Message.application_id).where(Message.purpose.like("%nudge%")))))
    assert nudged == sorted([data.apps["Bob"], data.apps["Cara"]])
    qtbot.mouseClick(bar.blast_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.blast_dialog is not None and bar.blast_dialog.isVisible())
    ids = {data.apps[n] for n in ("Bob", "Cara", "Ann")}
    assert set(bar.blast_dialog.application_ids) == ids  # type: ignore[attr-defined]
    bar.blast_dialog.close()


def add_messages(ws: Workspace, candidate_id: int) -> None:
    def write(s: Any) -> None:
        for i, status in enumerate((MessageStatus.SENT, MessageStatus.DELIVERED,
                                    MessageStatus.FAILED, MessageStatus.BOUNCED,
                                    MessageStatus.OPENED)):
            s.add(Message(candidate_id=candidate_id, channel=Channel.EMAIL,
                          direction=Direction.OUTBOUND, purpose="nudge", to_addr="zoe@example.com",
                          subject=f"Reminder {i}", status=status, created_at=NOW,
                          error="550 mailbox unavailable" if status == MessageStatus.BOUNCED
                          else None))

    ws.db.run_sync(write, write=True)


def test_profile_previous_next_through_the_tab(qtbot: Any, ctx: ViewContext,
                                               data: ReviewData) -> None:
    add_messages(ctx.workspace, data.candidates["Zoë"])
    page = open_page(qtbot, ctx, data)
    dialog = page.open_profile(page.model.rows()[0])  # Ann, the newest
    assert isinstance(dialog, ProfileDialog)
    qtbot.waitUntil(lambda: dialog.is_loaded() and dialog.nav.next_button.isEnabled())
    assert dialog.name.text() == "Ann Lee" and not dialog.nav.prev_button.isEnabled()
    assert dialog.nav.label.text() == "In “Forklift Driver”"
    (card,) = dialog.interview_cards()
    assert card.current and card.workflow.text() == "Résumé ✓ 74%  →  Voice ✓ 80%"
    qtbot.mouseClick(dialog.nav.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.name.text() == "Bob Stone")
    qtbot.waitUntil(lambda: dialog.nav.prev_button.isEnabled())
    # the keyboard: Alt+Down is next, Alt+Up previous
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.nav.next_button.isEnabled())
    qtbot.keyClick(dialog, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.name.text() == "Cara Diaz")
    qtbot.waitUntil(lambda: dialog.nav.prev_button.isEnabled())
    qtbot.keyClick(dialog, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.name.text() == "Bob Stone")
    assert page.table.currentIndex().row() == 1  # the tab follows the profile
    # a filter changes the order previous / next walk: completed only
    page.set_status_filter(A.COMPLETED)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])
    dialog = page.open_profile(page.model.rows()[0])
    qtbot.waitUntil(lambda: dialog.nav.next_button.isEnabled())
    qtbot.mouseClick(dialog.nav.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.name.text() == ODD_NAME)
    qtbot.waitUntil(lambda: dialog.neighbours.get(-1) is not None)
    assert not dialog.nav.next_button.isEnabled()  # the last completed one
    # Zoë's voice stage: answers with evidence, the recording, the transcript
    (card,) = dialog.interview_cards()
    voice = card.stages[1]
    assert voice.answers.isVisible() and voice.transcript is not None
    assert "Six years." in voice.transcript.toPlainText()
    assert voice.player is not None and voice.player.path == str(RECORDING)
    if multimedia_problem() is None:  # CI: ready to play
        assert voice.player.play_button.isVisible()
        assert voice.player.source().toLocalFile() == str(RECORDING)
    else:  # no libpulse here: why, and Save… instead
        assert voice.player.save_button.isVisible() and not voice.player.play_button.isVisible()
        assert voice.player.message.text().startswith("Playback is unavailable on this computer")
    texts = [lbl.text() for lbl in voice.answers.findChildren(QLabel)]
    assert "“six years at Nordlager driving reach trucks”" in texts and "4 / 5" in texts
    assert "Evaluated by rubric:v1" in texts
    # contact history with delivery statuses, the reason of a failure on hover
    history = dialog.history_model
    shown = {history.data(history.index(r, 4)) for r in range(history.rowCount())}
    assert shown == {"Sent", "Delivered", "Failed", "Bounced — the address does not exist", "Opened"}
    failed = next(r for r in range(history.rowCount())
                  if history.data(history.index(r, 4)).startswith("Bounced"))
    assert "550 mailbox unavailable" in history.data(history.index(failed, 4),
                                                     Qt.ItemDataRole.ToolTipRole)
    # Attach résumé… opens H3's dialog for this interview
    assert dialog.nav.attach_button.isVisible()
    qtbot.mouseClick(dialog.nav.attach_button, Qt.MouseButton.LeftButton)
    assert isinstance(dialog.resume_dialog, ResumeDialog)
    assert dialog.resume_dialog.application_id == data.apps["Zoë"]
    dialog.resume_dialog.close()
    # a note written here lands on this interview ("has notes")
    dialog.note_edit.setPlainText("Call back on Monday")
    qtbot.mouseClick(dialog.save_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.tabs.tabText(1) == "Notes (2)")
    has_notes = ctx.workspace.db.run_sync(lambda s: s.scalar(
        select(Application.has_notes).where(Application.id == data.apps["Zoë"])))
    assert has_notes is True
    for w in QApplication.topLevelWidgets():
        if isinstance(w, ProfileDialog):
            w.close()
