"""The Inbound via Phone pipeline over a real SQLite workspace: tabs with counts, search,
the receptionist filter, details with answers / transcript / recording, approve, ingest via the
interviewer chooser, contact buttons, live updates, remembered state and the empty state."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import func, select

from milo_desktop.enums import CallReview, CallStatus
from milo_desktop.models import Candidate, OutboxItem
from milo_desktop.services.core.events import CallUpdated
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists import PipelineSection
from milo_desktop.views.widgets.paged_model import LoadState
from tests.factories import NOW
from tests.unit.test_pipeline_service import add_call, seed

CHIME = Path(__file__).parents[2] / "resources" / "sounds" / "chime.wav"
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ws(sqlite_workspace: Workspace, tmp_path: Path) -> Workspace:
    # The seeded roles' deadlines are counted from NOW (tests.factories): so is "expired".
    sqlite_workspace.pipeline.clock = lambda: NOW
    return sqlite_workspace


@pytest.fixture
def data(ws: Workspace, tmp_path: Path) -> dict[str, Any]:
    ids = seed(ws)
    audio = tmp_path / "recording.wav"
    shutil.copy(CHIME, audio)  # a real (short) audio file: the player opens it
    ids["star"] = add_call(
        ws, ids["dallas"], "Stella Star", "+14695550142", "stella@mail.example",
        NOW + dt.timedelta(minutes=5), answers=3, duration_s=154, evaluations=3,
        transcript="Agent: Are you certified?\nCaller: Yes, since 2021.",
        recording_sid="RE1", recording_path=str(audio), score=64.0)
    return ids


@pytest.fixture
def section(make_ctx: Any, ws: Workspace, data: dict[str, Any], qtbot: Any
            ) -> Iterator[PipelineSection]:
    ctx = make_ctx(ws)
    w = PipelineSection(ctx)
    qtbot.addWidget(w)
    w.resize(1440, 900)
    with qtbot.waitSignal(w.loaded, timeout=10_000):
        w.show()
    yield w
    for top in QApplication.topLevelWidgets():
        if top is not w and top.isVisible():
            top.close()


def names(w: PipelineSection) -> list[str]:
    return [r.caller_name for r in w.model.rows()]


def wait_reload(qtbot: Any, w: PipelineSection, action: Any) -> None:
    with qtbot.waitSignal(w.model.firstPageLoaded, timeout=10_000):
        action()
    qtbot.waitUntil(lambda: w.is_loaded())


def tab_texts(w: PipelineSection) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_opens_with_counts_newest_first(section: PipelineSection) -> None:
    assert tab_texts(section) == ["All (13)", "Evaluated (9)", "Needs Review (5)",
                                  "Approved (2)", "Rejected (2)"]
    assert names(section)[:3] == ["Stella Star", "Caller 00", "Caller 01"]
    assert section.count_label.text() == "13 new"
    assert section.is_loaded()


def test_tabs_search_and_receptionist_filter(section: PipelineSection, qtbot: Any,
                                             data: dict[str, Any]) -> None:
    w = section
    wait_reload(qtbot, w, lambda: w.tabs.setCurrentIndex(2))
    assert w.current_tab() == "needs_review"
    assert all(r.review == CallReview.NEEDS_REVIEW for r in w.model.rows())
    assert len(w.model.rows()) == 5

    wait_reload(qtbot, w, lambda: w.tabs.setCurrentIndex(0))
    with qtbot.waitSignal(w.model.firstPageLoaded, timeout=10_000):
        qtbot.keyClicks(w.search, "(214) 555-0003")  # debounced: one reload at the end
    assert names(w) == ["Caller 03"]
    qtbot.waitUntil(lambda: tab_texts(w)[0] == "All (1)")

    wait_reload(qtbot, w, lambda: w.search.clear())
    qtbot.waitUntil(lambda: w.receptionist.count() == 3)
    index = w.receptionist.findText("Health Desk")
    w.receptionist.setCurrentIndex(index)
    wait_reload(qtbot, w, lambda: w.receptionist.activated.emit(index))
    assert {r.receptionist_name for r in w.model.rows()} == {"Health Desk"}
    qtbot.waitUntil(lambda: tab_texts(w)[0] == "All (4)")

    with qtbot.waitSignal(w.model.firstPageLoaded, timeout=10_000):
        qtbot.keyClicks(w.search, "stella")  # a Dallas caller: nothing under Health Desk
    assert w.model.state == LoadState.EMPTY
    assert w.table.overlay.isVisible() and w.table.overlay.title.text() == "No callers match"


def test_details_show_answers_transcript_and_recording(section: PipelineSection, qtbot: Any,
                                                       data: dict[str, Any]) -> None:
    dialog = section.open_call(data["star"])
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.title.text() == "Stella Star"
    cards = dialog.answer_cards()
    assert len(cards) == 3 and dialog.tabs.tabText(0) == "Answers (3)"
    card_text = " ".join(lbl.text() for lbl in cards[0].findChildren(type(dialog.title)))
    assert "Question 1?" in card_text and "✓ Passed" in card_text
    assert "Evidence: “Caller: answer 1”" in card_text
    assert "Yes, since 2021." in dialog.transcript.toPlainText()
    assert dialog.player.path == dialog.detail.recording_path  # playing it: the tests below
    # Opening marks the call read: the dot goes and the "new" count drops.
    qtbot.waitUntil(lambda: not section.model.rows()[0].unread, timeout=10_000)
    qtbot.waitUntil(lambda: section.count_label.text() == "12 new", timeout=10_000)

    # A call whose file is gone says so instead of offering to play.
    missing = add_call(section.ctx.workspace, data["dallas"], "No File", "+12145550999", None,
                       NOW, recording_path="/nonexistent/rec.wav")
    section.open_call(missing)
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.row.id == missing)
    assert "missing" in dialog.player.message.text()
    assert not dialog.player.play_button.isVisibleTo(dialog)


@pytest.mark.requires_multimedia
def test_details_offer_the_recording_to_play(section: PipelineSection, qtbot: Any,
                                             data: dict[str, Any]) -> None:
    dialog = section.open_call(data["star"])
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.player.source() == QUrl.fromLocalFile(str(Path(dialog.detail.recording_path)))
    assert dialog.player.play_button.isVisibleTo(dialog)
    assert not dialog.player.message.isVisibleTo(dialog)
    assert not dialog.player.save_button.isVisibleTo(dialog)


def test_details_without_multimedia_say_why_and_save_the_recording(
        section: PipelineSection, qtbot: Any, data: dict[str, Any], tmp_path: Path,
        multimedia_unavailable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A computer without QtMultimedia's audio library (the probe made to fail as it does
    without libpulse): the recording says why it cannot play and Save… copies it."""
    assert multimedia_unavailable == "the audio library libpulse (PulseAudio) is not installed"
    dialog = section.open_call(data["star"])
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    player = dialog.player
    assert player.message.isVisibleTo(dialog)
    assert player.message.text() == (
        "Playback is unavailable on this computer: the audio library libpulse (PulseAudio) is "
        "not installed. Save the recording to listen to it in another program.")
    assert not player.play_button.isVisibleTo(dialog) and not player.slider.isVisibleTo(dialog)
    assert player.save_button.isVisibleTo(dialog) and player.save_button.isEnabled()
    assert player.source() == QUrl()  # no media player was made
    # Save…: the user picks a file (the system dialog is modal: answered here), the copy is
    # written off the GUI thread and the player says where.
    target = tmp_path / "saved" / "stella.wav"
    target.parent.mkdir()
    asked: list[str] = []

    def choose(_parent: Any, _caption: str, proposed: str, _filter: str) -> tuple[str, str]:
        asked.append(proposed)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    with qtbot.waitSignal(player.saved, timeout=10_000) as saved:
        qtbot.mouseClick(player.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [str(target), ""]
    assert Path(asked[0]).name == "recording.wav"  # proposed under the recording's own name
    assert target.read_bytes() == CHIME.read_bytes()
    assert os.name != "posix" or stat.S_IMODE(target.stat().st_mode) == 0o600  # a voice
    assert player.message.text().endswith(f"Saved a copy to {target}.")
    assert player.message.text().startswith("Playback is unavailable on this computer")
    # A destination that cannot be written: said, nothing else breaks.
    with qtbot.waitSignal(player.saved, timeout=10_000) as refused:
        player.save_to(str(tmp_path / "no-such-folder" / "x.wav"))
    assert refused.args[1] == "No such file or directory"
    assert "could not be saved" in player.message.text() and player.save_button.isEnabled()


def test_approve_from_details_updates_the_row(section: PipelineSection, qtbot: Any,
                                              data: dict[str, Any]) -> None:
    w = section
    wait_reload(qtbot, w, lambda: w.tabs.setCurrentIndex(2))  # Needs Review
    assert "Stella Star" in names(w)
    dialog = w.open_call(data["star"])
    qtbot.waitUntil(lambda: dialog.approve_button.isEnabled(), timeout=10_000)
    dialog.approve_button.click()
    qtbot.waitUntil(lambda: dialog.banner.text() == "Approved Stella Star.", timeout=10_000)
    # Approved callers leave Needs Review, and the counts follow.
    qtbot.waitUntil(lambda: "Stella Star" not in names(w), timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(w)[2:4] == ["Needs Review (4)", "Approved (3)"])
    qtbot.waitUntil(lambda: not dialog.approve_button.isEnabled())


def _count(ws: Workspace, model: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)))


def test_ingest_via_chooser_then_already_invited(section: PipelineSection, qtbot: Any,
                                                 ws: Workspace, data: dict[str, Any]) -> None:
    w = section
    star = w.model.rows()[0]
    assert star.caller_name == "Stella Star"
    w.ingest_row(star)
    qtbot.waitUntil(lambda: w.ingest_dialog is not None, timeout=10_000)
    dialog = w.ingest_dialog
    options = [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    assert options == ["Forklift Operator (default)", "Line Cook — expired",
                       "Old Role — archived", "Warehouse Associate"]
    assert dialog.combo.currentData() == data["fork"]
    dialog.choose(data["ware"])
    dialog.ingest_button.click()
    qtbot.waitUntil(lambda: w.banner.text().startswith("Invited Stella Star"), timeout=10_000)
    assert "Warehouse Associate" in w.banner.text()
    assert _count(ws, OutboxItem) == 1 and _count(ws, Candidate) == 1
    qtbot.waitUntil(lambda: w.model.rows()[0].review == CallReview.APPROVED, timeout=10_000)

    # From the details window this time: the chooser now says so, and nobody is invited twice.
    details = w.open_call(star.id)
    qtbot.waitUntil(lambda: details.detail is not None and details.detail.candidate is not None,
                    timeout=10_000)
    again = details.open_ingest()
    assert "Warehouse Associate — already invited" in [
        again.combo.itemText(i) for i in range(again.combo.count())]
    again.choose(data["ware"])
    again.ingest_button.click()
    qtbot.waitUntil(lambda: details.banner.text().startswith("Already invited"), timeout=10_000)
    assert _count(ws, OutboxItem) == 1 and _count(ws, Candidate) == 1


def test_contact_buttons(section: PipelineSection, qtbot: Any) -> None:
    opened: list[QUrl] = []
    section.open_url = opened.append
    star = section.model.rows()[0]
    section.contact_action("call", star)
    section.contact_action("mail", star)
    assert [u.toString() for u in opened] == ["tel:+14695550142", "mailto:stella@mail.example"]
    section.contact_action("copy_phone", star)
    assert QApplication.clipboard().text() == "+14695550142"
    section.contact_action("copy_email", star)
    assert QApplication.clipboard().text() == "stella@mail.example"
    # The same through the painted buttons of the Phone column.
    rect = section.table.visualRect(section.model.index(0, 1))
    (key, button), *_ = section.phone_delegate.button_rects(rect, star)
    assert key == "copy_phone"
    QApplication.clipboard().clear()
    qtbot.mouseClick(section.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=button.center())
    assert QApplication.clipboard().text() == "+14695550142"
    menu = section.row_menu(star)
    assert [a.text() for a in menu.actions() if a.text()][:2] == ["View details", "Ingest…"]
    menu.deleteLater()


def test_new_call_appears_live(section: PipelineSection, qtbot: Any, ws: Workspace,
                               data: dict[str, Any]) -> None:
    new = add_call(ws, data["health"], "Fresh Caller", "+14045550111", None,
                   NOW + dt.timedelta(hours=1), status=CallStatus.AWAITING_CONFIRMATION,
                   review=CallReview.PENDING)
    ws.bus.publish(CallUpdated(new))
    qtbot.waitUntil(lambda: names(section)[0] == "Fresh Caller", timeout=10_000)
    qtbot.waitUntil(lambda: tab_texts(section)[0] == "All (14)", timeout=10_000)


def test_state_is_remembered(section: PipelineSection, qtbot: Any, make_ctx: Any,
                             ws: Workspace, data: dict[str, Any]) -> None:
    wait_reload(qtbot, section, lambda: section.tabs.setCurrentIndex(3))
    qtbot.waitUntil(lambda: section.receptionist.count() == 3)
    i = section.receptionist.findData(data["dallas"])
    section.receptionist.setCurrentIndex(i)
    wait_reload(qtbot, section, lambda: section.receptionist.activated.emit(i))
    section.save_state()
    again = PipelineSection(section.ctx)
    qtbot.addWidget(again)
    again.restore_state()
    with qtbot.waitSignal(again.loaded, timeout=10_000):
        again.show()
    assert again.current_tab() == "approved"
    assert again.filters().get("receptionist_id") == data["dallas"]
    qtbot.waitUntil(lambda: again.receptionist.currentText() == "Dallas Line")
    assert all(r.receptionist_id == data["dallas"] and r.review == CallReview.APPROVED
               for r in again.model.rows())
    again.focus_search()


def test_empty_workspace(make_ctx: Any, sqlite_workspace: Workspace, qtbot: Any) -> None:
    w = PipelineSection(make_ctx(sqlite_workspace))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.loaded, timeout=10_000):
        w.show()
    assert w.model.state == LoadState.EMPTY
    assert w.table.overlay.title.text() == "No calls yet"
    assert tab_texts(w)[0] == "All (0)" and w.count_label.text() == ""
