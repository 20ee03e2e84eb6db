"""Workspace → Data: labels listed with how many interviewers use each, created, renamed,
recoloured and deleted (the question names the count); the search index rebuilt with its
progress shown, and Cancel leaving it as it was."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.data import DataSection
from tests.factories import make_candidate, make_interviewer

WAIT = 20_000


def open_section(qtbot: Any, make_ctx: Any, ws: Workspace) -> DataSection:
    section = DataSection(make_ctx(ws))
    qtbot.addWidget(section)
    section.resize(1200, 860)
    section.show()
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    qtbot.waitUntil(lambda: not section.labels.is_busy(), timeout=WAIT)
    return section


def rows(section: DataSection) -> list[tuple[str, str, str]]:
    t = section.labels.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def settle(qtbot: Any, section: DataSection) -> None:
    qtbot.waitUntil(lambda: not section.labels.is_busy(), timeout=WAIT)


@pytest.mark.parametrize("dark", [False, True])
def test_labels_are_managed_with_their_use_counts(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any,
        monkeypatch: pytest.MonkeyPatch, dark: bool) -> None:
    apply_theme(dark)
    ws = sqlite_workspace
    make_interviewer(ws, "Forklift Operator", labels=("Dallas",))
    make_interviewer(ws, "Line Cook", labels=("Dallas", "Kitchen"))
    section = open_section(qtbot, make_ctx, ws)
    card = section.labels
    assert rows(section) == [("Dallas", "Department", "2 interviewers"),
                             ("Kitchen", "Department", "1 interviewer")]
    assert "2 labels" in card.status.text()

    card.name_edit.setText("Night shift")
    card.kind_combo.setCurrentIndex(card.kind_combo.findData("location"))
    card.show_color("#aa3377")
    card.add_button.click()
    settle(qtbot, section)
    assert ("Night shift", "Location", "Not used") in rows(section)
    assert card.message.text() == "Added “Night shift”."
    assert card.selected() is not None and card.selected().color == "#aa3377"

    card.name_edit.setText("kitchen")  # taken, whatever its case
    card.save_button.click()
    settle(qtbot, section)
    assert card.message.text() == "There is already a label “Kitchen”."
    assert card.message.tone == "danger"
    assert card.name_edit.text() == "kitchen"  # what was typed stays to be corrected

    card.table.selectRow(0)  # Dallas
    card.name_edit.setText("Dallas–Fort Worth")
    card.show_color("#112233")
    card.save_button.click()
    settle(qtbot, section)
    assert rows(section)[0] == ("Dallas–Fort Worth", "Department", "2 interviewers")
    assert card.selected().color == "#112233"

    asked: list[str] = []

    def answer(_parent: Any, _title: str, question: str, *_a: Any) -> Any:
        asked.append(question)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    card.delete_button.click()
    settle(qtbot, section)
    assert "Delete the label “Dallas–Fort Worth”?" in asked[0]
    assert "taken off the 2 interviewers that use it" in asked[0]
    assert [r[0] for r in rows(section)] == ["Kitchen", "Night shift"]
    assert card.message.text() == "Deleted “Dallas–Fort Worth” (was on 2 interviewers)."
    assert ws.db.run_sync(lambda s: s.execute(text(
        "SELECT count(*) FROM interviewer_labels")).scalar_one()) == 1


def test_rebuild_shows_progress_and_finishes(qtbot: Any, make_ctx: Any,
                                             sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    for i in range(7):
        make_candidate(ws, f"Ilse Brandywine {i}", f"ilse{i}@example.com")
    ws.db.run_sync(lambda s: s.execute(text(
        "INSERT INTO candidates_fts(candidates_fts) VALUES ('delete-all')")), write=True)
    section = open_section(qtbot, make_ctx, ws)
    card = section.index
    seen: list[tuple[int, int]] = []
    card.progressed.connect(lambda d, t, _u: seen.append((d, t)))

    with qtbot.waitSignal(card.finished, timeout=WAIT) as done:
        card.rebuild_button.click()
        assert card.is_running() and not card.rebuild_button.isEnabled()
        assert card.cancel_button.isEnabled() and card.bar.isVisible()
    assert done.args == [True]
    assert seen[-1] == (7, 7)
    assert card.message.text() == "The search index was rebuilt."
    assert not card.bar.isVisible() and card.rebuild_button.isEnabled()
    assert ws.db.run_sync(lambda s: s.execute(text(
        "SELECT count(*) FROM candidates_fts WHERE candidates_fts MATCH '\"Brandywine\"'"
    )).scalar_one()) == 7


def test_cancel_leaves_the_index_as_it_was(qtbot: Any, make_ctx: Any,
                                           sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    make_candidate(ws, "Ilse Brandywine", "ilse@example.com")
    ws.db.run_sync(lambda s: s.execute(text(
        "INSERT INTO candidates_fts(candidates_fts) VALUES ('delete-all')")), write=True)
    section = open_section(qtbot, make_ctx, ws)
    card = section.index

    with qtbot.waitSignal(card.finished, timeout=WAIT) as done:
        card.rebuild_button.click()
        card.cancel_button.click()  # before the first batch
        assert not card.cancel_button.isEnabled()
    assert done.args == [False]
    assert card.message.text() == "Cancelled — the search index is as it was."
    assert ws.db.run_sync(lambda s: s.execute(text(
        "SELECT count(*) FROM candidates_fts WHERE candidates_fts MATCH '\"Brandywine\"'"
    )).scalar_one()) == 0  # still the emptied index: nothing half done
