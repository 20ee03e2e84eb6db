"""The Import CSV dialog, driven with qtbot on a real SQLite workspace: open it from the
Candidate Directory, choose a file, map its columns, import, read the summary, download the
rejected rows, Cancel."""

from __future__ import annotations

import csv
import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from milo_desktop.services.candidates import csv_import
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.directory import DirectorySection
from milo_desktop.views.widgets import csv_import_dialog as dlg
from milo_desktop.views.widgets.csv_import_dialog import CsvImportDialog, open_csv_import
from tests.factories import make_candidate

WAIT = 15_000


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> str:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(headers)
        w.writerows(rows)
    return str(path)


def _names(ws: Workspace) -> list[str]:
    from sqlalchemy import select

    from milo_desktop.models import Candidate
    return list(ws.db.run_sync(lambda s: s.scalars(select(Candidate.full_name)
                                                    .order_by(Candidate.id)).all()))


def _open(qtbot: Any, make_ctx: Any, ws: Workspace) -> CsvImportDialog:
    section = DirectorySection(make_ctx(ws))
    qtbot.addWidget(section)
    section.resize(1200, 700)
    section.show()
    section.import_button.click()
    dialog = section.findChild(CsvImportDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_choose_map_import_and_download_the_rejected_rows(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = sqlite_workspace
    make_candidate(ws, "Jane Doe", "jane@example.com")
    path = write_csv(tmp_path / "export.csv", ["Kontakt", "Courriel", "Mobil", "Salary"], [
        ["Jane Doe", "jane@example.com", "(212) 555-2368", "90k"],
        ["Sam Hill", "sam@example.com", "", ""],
        ["Bad Email", "sam@", "", ""],
    ])
    dialog = _open(qtbot, make_ctx, ws)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dlg.PAGE_MAP, timeout=WAIT)
    # The preview: headers, the first rows, the suggested mapping ("Kontakt" is not known).
    assert dialog.table.columnCount() == 4 and dialog.table.rowCount() == 4
    assert dialog.table.item(1, 0).text() == "Jane Doe"
    assert dialog.mapping() == {1: "email", 2: "mobile"}
    assert dialog.import_button.isEnabled()
    # Choosing Email for another column takes it off the column it was on.
    dialog.set_field(3, "email")
    assert dialog.mapping() == {2: "mobile", 3: "email"}
    dialog.set_field(3, "")
    dialog.set_field(2, "")
    assert not dialog.import_button.isEnabled() and dialog.message.isVisible()
    dialog.set_field(0, "name")
    dialog.set_field(1, "email")
    dialog.set_field(2, "mobile")
    assert dialog.import_button.isEnabled()

    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dlg.PAGE_DONE, timeout=WAIT)
    summary = dialog.summary.text()
    assert "1 new candidate was added" in summary
    assert "1 candidate already in your directory got the details" in summary
    assert "1 row was set aside" in summary
    assert dialog.done_title.text() == "Import finished"
    assert _names(ws) == ["Jane Doe", "Sam Hill"]

    dest = tmp_path / "rejected rows.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    assert dialog.rejects_button.isVisible()
    dialog.rejects_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("1 rejected row saved"),
                    timeout=WAIT)
    with open(dest, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["Kontakt", "Courriel", "Mobil", "Salary", "reason", "row"],
                    ["Bad Email", "sam@", "", "", "The email address is not valid.", "4"]]

    # The next file with these headers opens with the mapping chosen this time.
    again = CsvImportDialog(dialog.ctx)
    qtbot.addWidget(again)
    again.load_file(path)
    qtbot.waitUntil(lambda: again.stack.currentIndex() == dlg.PAGE_MAP, timeout=WAIT)
    assert again.mapping() == {0: "name", 1: "email", 2: "mobile"}
    assert "as you chose them last time" in again.format_label.text()


def test_cancel_keeps_what_was_imported(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "BATCH_ROWS", 5)
    path = write_csv(tmp_path / "many.csv", ["Name", "Email"],
                     [[f"Person {i}", f"p{i}@example.com"] for i in range(40)])
    parent = QWidget()
    qtbot.addWidget(parent)
    open_csv_import(make_ctx(sqlite_workspace), parent)
    dialog = parent.findChild(CsvImportDialog)
    assert dialog is not None
    dialog.load_file(path)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dlg.PAGE_MAP, timeout=WAIT)
    # Hold the import on its second batch until Cancel was pressed.
    gate = threading.Event()
    real = csv_import.store_batch
    calls: list[int] = []

    def held(s: Any, *a: Any, **k: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            gate.wait(WAIT / 1000)
        real(s, *a, **k)

    monkeypatch.setattr(csv_import, "store_batch", held)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=WAIT)
    assert dialog.cancel_button.isVisible()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == dlg.PAGE_DONE, timeout=WAIT)
    assert dialog.done_title.text() == "Import cancelled"
    assert "after 10 of 40 rows" in dialog.summary.text()
    assert len(_names(sqlite_workspace)) == 10
    assert not dialog.rejects_button.isVisible()
