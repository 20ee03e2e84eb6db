"""The Possible duplicates review, driven with qtbot on a real SQLite workspace: opened from the
directory's "Possible duplicates (N)" button, both people side by side, Merge… with chosen
values, Undo from the banner and from "Recently merged", "Not the same person", the empty
state. Screenshots go to $MILO_DUPS_SHOTS (or the test's tmp_path)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.models import Candidate
from milo_desktop.services.candidates.identity import record_possible
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.directory import DirectorySection
from milo_desktop.views.candidates.duplicates import DuplicatesDialog
from milo_desktop.views.context import ViewContext
from tests.factories import NOW, make_application, make_candidate, make_interviewer


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MILO_DUPS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def people(ws: Workspace) -> dict[str, int]:
    import datetime as dt

    ws.duplicates.clock = lambda: NOW
    iv = make_interviewer(ws, "Forklift Operator")
    picker = make_interviewer(ws, "Order Picker")
    ana = make_candidate(ws, "Ana Lopez", "ana@example.com", phone_e164="+12145550101",
                         location="Austin, TX", created_at=NOW - dt.timedelta(days=20),
                         updated_at=NOW - dt.timedelta(days=20))
    anna = make_candidate(ws, "Anna Lopez-Ruiz", "anna.ruiz@example.com",
                          phone_e164="+12145550101", linkedin_url="linkedin.com/in/annaruiz",
                          ats_provider="greenhouse", ats_candidate_id="4417",
                          created_at=NOW - dt.timedelta(days=2),
                          updated_at=NOW - dt.timedelta(days=2))
    sam = make_candidate(ws, "Sam Okafor", "sam@example.com")
    samuel = make_candidate(ws, "Samuel Okafor", "s.okafor@example.com")
    make_application(ws, ana, iv)
    make_application(ws, anna, picker)
    ws.db.run_sync(lambda s: record_possible(s, samuel, [(sam, "name")], "scan"), write=True)
    ws.db.run_sync(lambda s: record_possible(s, anna, [(ana, "phone")], "greenhouse"),
                   write=True)
    return dict(ana=ana, anna=anna, sam=sam, samuel=samuel)


def candidate(ws: Workspace, cid: int) -> Candidate | None:
    return ws.db.run_sync(lambda s: s.get(Candidate, cid))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_review_merge_with_choices_and_undo(qtbot: Any, pinned_ctx: ViewContext,
                                            tmp_path: Path, apply_theme: Any,
                                            dark: bool) -> None:
    apply_theme(dark)
    theme = "-dark" if dark else ""
    ws = pinned_ctx.workspace
    p = people(ws)
    section = DirectorySection(pinned_ctx)
    qtbot.addWidget(section)
    section.resize(1440, 900)
    section.show()
    button = section.duplicates_button
    qtbot.waitUntil(lambda: button.text() == "Possible duplicates (2)", timeout=15_000)
    qtbot.waitUntil(section.is_loaded, timeout=15_000)
    section.grab().save(str(shots(tmp_path) / f"directory-button{theme}.png"))

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.dialog
    assert isinstance(dialog, DuplicatesDialog)
    qtbot.waitUntil(dialog.is_loaded, timeout=15_000)
    dialog.resize(1440, 900)
    assert dialog.tabs.tabText(0) == "To review (2)"
    assert dialog.pair_list.count() == 2
    pair = dialog.current_pair()  # newest first: the phone pair
    assert pair is not None and pair.key == "phone"
    assert dialog.comparison.reason.text() == ("Same phone, different names · listed from "
                                               "Greenhouse")
    left, right = dialog.comparison.cells["email"]
    assert (left.text(), right.text()) == ("ana@example.com", "anna.ruiz@example.com")
    assert dialog.comparison.cells["interviews"][1].text() == "Order Picker"
    assert dialog.comparison.cells["ats"][1].text() == "Greenhouse #4417"
    dialog.grab().save(str(shots(tmp_path) / f"review{theme}.png"))

    merge = dialog.merge_current()
    assert merge is not None
    # Defaults: the newer person's name and email; the town only Ana has.
    assert merge.choices() == {"full_name": "merged", "email": "merged",
                               "linkedin_url": "merged", "location": "kept", "ats": "merged"}
    merge.radios["full_name"][0].click()  # keep "Ana Lopez"
    merge.grab().save(str(shots(tmp_path) / f"merge-dialog{theme}.png"))
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: candidate(ws, p["anna"]) is None, timeout=15_000)
    kept = candidate(ws, p["ana"])
    assert kept is not None
    assert (kept.full_name, kept.email, kept.linkedin_url, kept.location) == (
        "Ana Lopez", "anna.ruiz@example.com", "linkedin.com/in/annaruiz", "Austin, TX")
    qtbot.waitUntil(lambda: "Merged Anna Lopez-Ruiz into Ana Lopez." in dialog.banner.text(),
                    timeout=15_000)
    assert "href='undo:" in dialog.banner.text()
    qtbot.waitUntil(lambda: dialog.pair_list.count() == 1, timeout=15_000)
    qtbot.waitUntil(lambda: button.text() == "Possible duplicates (1)", timeout=15_000)
    assert dialog.tabs.tabText(1) == "Recently merged (1)"
    dialog.grab().save(str(shots(tmp_path) / f"after-merge{theme}.png"))

    # Undo from the banner's link puts Anna back.
    link = dialog.banner.text().split("href='", 1)[1].split("'", 1)[0]
    dialog.banner.linkActivated.emit(link)
    qtbot.waitUntil(lambda: candidate(ws, p["anna"]) is not None, timeout=15_000)
    assert candidate(ws, p["ana"]).email == "ana@example.com"
    qtbot.waitUntil(lambda: dialog.pair_list.count() == 2, timeout=15_000)
    qtbot.waitUntil(lambda: "Merge undone" in dialog.banner.text(), timeout=15_000)
    qtbot.waitUntil(lambda: button.text() == "Possible duplicates (2)", timeout=15_000)

    # Merge again, then Undo from "Recently merged".
    dialog.pair_list.setCurrentRow(0)
    merge = dialog.merge_current()
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.recent_tree.topLevelItemCount() == 1, timeout=15_000)
    dialog.tabs.setCurrentIndex(1)
    item = dialog.recent_tree.topLevelItem(0)
    assert (item.text(0), item.text(1)) == ("Anna Lopez-Ruiz", "Ana Lopez")
    assert dialog.undo_button.isEnabled()
    dialog.grab().save(str(shots(tmp_path) / f"recently-merged{theme}.png"))
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: candidate(ws, p["anna"]) is not None, timeout=15_000)
    qtbot.waitUntil(lambda: dialog.recent_tree.topLevelItemCount() == 0, timeout=15_000)
    assert dialog.recent_empty.isVisibleTo(dialog)


def test_not_the_same_person_and_the_empty_state(qtbot: Any, pinned_ctx: ViewContext,
                                                 tmp_path: Path, apply_theme: Any) -> None:
    apply_theme(False)
    ws = pinned_ctx.workspace
    people(ws)
    dialog = DuplicatesDialog(pinned_ctx)
    qtbot.addWidget(dialog)
    dialog.resize(1440, 900)
    dialog.show()
    qtbot.waitUntil(dialog.is_loaded, timeout=15_000)
    for _ in range(2):
        count = dialog.pair_list.count()
        qtbot.mouseClick(dialog.distinct_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda c=count: dialog.pair_list.count() == c - 1, timeout=15_000)
    assert "will not be suggested again" in dialog.banner.text()
    assert dialog.stack.currentIndex() == 1 and dialog.empty_title.isVisible()
    assert not dialog.merge_button.isEnabled()
    assert dialog.tabs.tabText(0) == "To review (0)"
    dialog.grab().save(str(shots(tmp_path) / "empty.png"))

    # "Look for similar names" finds Sam / Samuel? Neither an initial nor the same word:
    # nothing new, and the distinct pair is not suggested again.
    dialog.scan()
    qtbot.waitUntil(lambda: "no new possible duplicates" in dialog.banner.text(),
                    timeout=15_000)
    assert dialog.scan_button.isEnabled()
