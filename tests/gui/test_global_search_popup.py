"""The top bar's search popup is wide enough for long names: at least the field's width,
growing to fit its rows up to a maximum; what is longer still is elided, whole on hover."""

from __future__ import annotations

from typing import Any

from PySide6.QtTest import QTest

from milo_desktop.services.workspace import Workspace
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.widgets import global_search
from tests.factories import make_candidate

LONG = "Maria-Fernanda Castellanos-Whitfield de la Vega y Montenegro-Alcántara"


def _search(qtbot: Any, window: MainWindow, text: str) -> Any:
    window.focus_search()
    with qtbot.waitSignal(window.search.resultsShown, timeout=5000) as shown:
        QTest.keyClicks(window.search, text)
    return shown.args[0]


def test_popup_grows_for_long_names_and_elides_beyond_its_maximum(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    make_candidate(sqlite_workspace, "Maria Castellanos", email="maria.castellanos@example.com",
                   phone_e164="+12145550123")
    make_candidate(sqlite_workspace, LONG,
                   email="maria.fernanda.castellanos.whitfield@staffing-agency.example",
                   phone_e164="+12145550124")
    window = MainWindow(make_ctx(sqlite_workspace))
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    popup, field = window.search.popup, window.search
    results = _search(qtbot, window, "castellanos")
    assert len(results.candidates) == 2
    rows = [popup.list.item(i) for i in range(popup.list.count())
            if popup.list.item(i).data(global_search.KIND_ROLE)]
    fm = popup.list.fontMetrics()
    widest = max(fm.horizontalAdvance(r.text()) for r in rows)
    short = next(r for r in rows if r.text().startswith("Maria Castellanos"))
    # the shorter row (name, email and phone) is shown whole: the popup grew for it
    assert popup.list.viewport().width() >= fm.horizontalAdvance(short.text()) + 20
    # wider than the field, up to the maximum: the long row is elided, never scrolled sideways
    assert popup.width() > field.width()
    assert popup.width() == global_search.MAX_POPUP_WIDTH
    assert widest > popup.list.viewport().width()
    assert popup.list.horizontalScrollBar().maximum() == 0
    long_row = next(r for r in rows if r.text().startswith(LONG))
    assert popup.list.visualItemRect(long_row).right() <= popup.list.viewport().width()
    assert LONG in long_row.toolTip()
    assert "staffing-agency.example" in long_row.toolTip()
    # short results: the field's width (or the minimum), no wider
    QTest.keyClicks(field, "\b" * len("castellanos"))
    results = _search(qtbot, window, "maria castellanos@")
    assert popup.width() >= field.width()
    assert popup.width() < global_search.MAX_POPUP_WIDTH or field.width() >= 720


def test_popup_width_rule() -> None:
    width = global_search.popup_width
    assert width(300, floor=500, room=2000) == 500  # never narrower than the field
    assert width(640, floor=500, room=2000) == 640  # grows to fit
    assert width(2000, floor=500, room=2000) == global_search.MAX_POPUP_WIDTH  # up to a maximum
    assert width(2000, floor=500, room=600) == 600  # and the screen's edge
