"""The pipeline fits the window: at 1440 and 1600 px wide the actions column is whole and
on screen, with no horizontal scroll bar; long texts are elided with the whole text on hover."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.receptionists import PipelineSection
from milo_desktop.views.receptionists.pipeline_model import PipelineModel
from milo_desktop.views.widgets.paged_model import ObjectRole
from tests.factories import NOW
from tests.unit.test_pipeline_service import add_call, seed

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ws(sqlite_workspace: Workspace) -> Workspace:
    sqlite_workspace.pipeline.clock = lambda: NOW
    ids = seed(sqlite_workspace)
    add_call(sqlite_workspace, ids["dallas"], "Maria-Fernanda Castellanos-Whitfield",
             "+14695550142", "maria.fernanda.castellanos.whitfield@staffing-agency.example",
             NOW, answers=3, duration_s=754, evaluations=3, score=64.0)
    return sqlite_workspace


def _assert_fits(section: PipelineSection) -> None:
    table = section.table
    header = table.horizontalHeader()
    actions = PipelineModel.column_index("actions")
    assert header.length() <= table.viewport().width(), "a horizontal scroll bar is needed"
    assert table.horizontalScrollBar().maximum() == 0
    left = header.sectionViewportPosition(actions)
    assert left >= 0
    assert left + header.sectionSize(actions) <= table.viewport().width()
    assert header.sectionSize(actions) >= section.links_delegate.width_needed(table.font())
    # phone numbers, dates and status pills whole; the rest no narrower than its minimum
    for column, least in section._minimum_widths().items():
        assert header.sectionSize(column) >= least, PipelineModel.COLUMNS[column].key
    date = PipelineModel.column_index("date")
    fm = table.fontMetrics()
    for row in range(section.model.rowCount()):
        text = section.model.index(row, date).data()
        assert fm.horizontalAdvance(text) + 8 <= header.sectionSize(date), text


@pytest.mark.parametrize("size", [(1440, 900), (1600, 1000)])
def test_pipeline_fits_the_window(qtbot: Any, make_ctx: Any, ws: Workspace,
                                  size: tuple[int, int]) -> None:
    window = MainWindow(make_ctx(ws))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    section = window.pipeline
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        window.show_section(2)
    qtbot.waitUntil(lambda: section.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: section.table.horizontalScrollBar().maximum() == 0, timeout=2000)
    _assert_fits(section)
    # A column the user widens takes room from the others, not from the actions.
    email = PipelineModel.column_index("email")
    section.table.horizontalHeader().resizeSection(email, 420)
    qtbot.waitUntil(lambda: section.table.horizontalHeader().length()
                    <= section.table.viewport().width(), timeout=2000)
    qtbot.waitUntil(lambda: section.table.horizontalScrollBar().maximum() == 0, timeout=2000)
    _assert_fits(section)
    # The long address is elided in its cell; hovering shows it whole.
    index = section.model.index(0, email)
    row = index.data(ObjectRole)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == row.email
