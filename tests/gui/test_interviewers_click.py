"""A single click on an Interviewers row opens it (product.md: "Click a row to open it");
the keyboard stays sane (arrows move, Enter opens) and a click meant for something else —
the budget cell's pencil, picking several rows — does not also open the row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from milo_desktop.views.context import ViewContext
from tests.gui import test_interviewers_screen as screen

# the Interviewers screen's fixtures: a context over a seeded workspace
ctx, ids, open_section = screen.ctx, screen.ids, screen.open_section


def _row_of(page: Any, name: str) -> int:
    return next(i for i, r in enumerate(page.model.rows()) if r.name == name)


def test_a_click_on_a_row_opens_it(qtbot: Any, ctx: ViewContext, ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page, table = section.list_page, section.list_page.table
    row = _row_of(page, "Forklift Driver")
    name = page.model.index(row, page.model.column_index("name"))
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         pos=table.visualRect(name).center())
    assert section.current_page() is section.detail_page
    assert section.detail_page.title.text() == "Forklift Driver"


def test_clicks_meant_for_something_else_do_not_open(qtbot: Any, ctx: ViewContext,
                                                     ids: dict[str, int]) -> None:
    section = open_section(qtbot, ctx)
    page, table, model = section.list_page, section.list_page.table, section.list_page.model
    opened: list[int] = []
    page.openInterviewer.connect(opened.append)
    # Ctrl+click and Shift+click pick rows for an action on several
    for row, modifier in ((1, Qt.KeyboardModifier.ControlModifier),
                          (2, Qt.KeyboardModifier.ShiftModifier)):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier,
                         pos=table.visualRect(model.index(row, 0)).center())
    assert opened == [] and len(page.selected_rows()) >= 2
    # the budget cell's pencil edits the budget, and only that
    spend = model.index(0, model.column_index("spend"))
    rect = table.visualRect(spend)
    qtbot.mouseMove(table.viewport(), rect.center())
    pencil = QPoint(rect.left() + 12, rect.center().y())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pencil)
    qtbot.waitUntil(lambda: page.budget_editor is not None, timeout=2000)
    page.budget_editor.close()
    assert opened == [] and section.current_page() is page
    # arrows move without opening; Enter opens
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1 and opened == []
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [model.row_at(1).id]
