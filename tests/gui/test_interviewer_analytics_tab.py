"""The interviewer page's Analytics tab on a real SQLite workspace: the figures it shows for a
hand-made role, the empty state, recounting (once per burst) after ApplicationsChanged, not
counting while hidden, and how times and rates read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QGridLayout, QLabel

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import StageKind
from milo_desktop.enums import StageStatus as S
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.analytics_chart import duration_text, percent_text
from milo_desktop.views.interviewers.analytics_tab import AnalyticsTab
from milo_desktop.views.interviewers.detail_page import InterviewerPage
from milo_desktop.views.screen_windows import ScreenWindows
from tests.analytics_factories import (
    ATS,
    EMAIL,
    NS,
    PHONE,
    App,
    R,
    add_applications,
    add_role,
    done,
)
from tests.factories import NOW, make_interviewer

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")

# Résumé → Voice. Invited 4; responded 3 (75%); completed 1 of those 3 (33%); one Résumé
# knock-out.
ROLE = (
    App(A.COMPLETED, EMAIL, (done(2), done(24)), completed=True),
    App(A.IN_PROGRESS, ATS, (done(4), R(S.IN_PROGRESS, 0.0))),
    App(A.PENDING, ATS, (NS, NS)),
    App(A.KNOCKED_OUT, PHONE, (R(S.KNOCKED_OUT, 0.0, 600.0), NS), completed=True, ko_stage=0),
)
KINDS = (StageKind.RESUME, StageKind.VOICE)


@pytest.fixture
def ctx(sqlite_workspace: Workspace, qloop: Any, tmp_path: Path) -> Iterator[ViewContext]:
    ws = sqlite_workspace
    ws.bus.bind_loop(qloop)
    ws.interviewers.clock = lambda: NOW
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(ws, bridge, settings, ScreenWindows())
    bridge.close()


def open_analytics(qtbot: Any, ctx: ViewContext, interviewer_id: int) -> AnalyticsTab:
    """Open the interviewer as a user would, then its Analytics tab; wait for the figures."""
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 900)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.open_interviewer(interviewer_id)
    page: InterviewerPage = section.detail_page
    tab = page.analytics
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        page.tabs.setCurrentWidget(tab)
    return tab


def grid_rows(grid: QGridLayout) -> list[list[str]]:
    rows = []
    for r in range(grid.rowCount()):
        cells = [grid.itemAtPosition(r, c) for c in range(grid.columnCount())]
        texts = [w.text() for c in cells if c is not None
                 and isinstance(w := c.widget(), QLabel)]
        if texts:
            rows.append(texts)
    return rows


def card_texts(tab: AnalyticsTab) -> list[list[str]]:
    cards = [tab.cards.itemAt(i).widget() for i in range(tab.cards.count())]
    return [[label.text() for label in card.findChildren(QLabel)] for card in cards]


def test_tab_shows_the_funnel_figures(qtbot: Any, ctx: ViewContext) -> None:
    iid, _ = add_role(ctx.workspace, "Forklift Operator", ROLE, kinds=KINDS)

    tab = open_analytics(qtbot, ctx, iid)

    assert tab.pages.currentIndex() == 2 and not tab.banner.isVisible()
    assert card_texts(tab) == [
        ["Invited", "4", "candidates in this interviewer, all time"],
        ["Response rate", "75%", "3 started a stage"],
        ["Completion rate", "33%", "1 of 3 who started completed every stage"],
        ["Knocked out", "1", "by a dealbreaker"],
        ["Spend", "$0", "in total, as the providers report it"],
    ]
    # Bars: invited per stage, then started, then completed, each labelled with its count.
    assert tab.chart.labels == ["4", "2", "3", "2", "2", "1"]
    assert grid_rows(tab.stage_grid) == [
        ["Stage", "Invited", "Started", "Completed", "Knocked out", "Drop-off", "Median time"],
        ["1. Resume  ·  Résumé", "4", "3", "2", "1", "33%", "3h"],  # 2h and 4h
        ["2. Voice  ·  Voice", "2", "2", "1", "0", "50%", "1d"],
    ]
    assert grid_rows(tab.source_grid) == [
        ["ATS", "2", "50%"], ["Email", "1", "25%"], ["Phone", "1", "25%"],
        ["Directory", "0", "0%"], ["Manual", "0", "0%"],
    ]


def test_empty_interviewer_shows_the_empty_state(qtbot: Any, ctx: ViewContext) -> None:
    iid = make_interviewer(ctx.workspace, "Night Auditor", stages=KINDS)

    tab = open_analytics(qtbot, ctx, iid)

    assert tab.pages.currentWidget() is tab.empty
    assert "No candidates yet — invite some to see the funnel" in tab.texts()
    assert tab.funnel is not None and tab.funnel.empty


def test_recounts_once_per_burst_of_applications_changed(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid, _ = add_role(ws, "Line Cook", ROLE[:1], kinds=KINDS)
    tab = open_analytics(qtbot, ctx, iid)
    assert card_texts(tab)[0][1] == "1"
    loads: list[int] = []
    tab.loaded.connect(lambda: loads.append(1))

    app_ids = add_more(ws, iid)
    for app_id in app_ids:  # sync reports in bursts
        ws.bus.publish(ApplicationsChanged((app_id,)))

    qtbot.waitUntil(lambda: card_texts(tab)[0][1] == "3", timeout=5000)
    qtbot.wait(2 * 400)  # well past the debounce: no second count follows
    assert len(loads) == 1
    assert card_texts(tab)[1][1] == "67%"  # 2 of 3 started a stage


def test_hidden_tab_counts_again_when_shown(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid, _ = add_role(ws, "Barista", ROLE[:1], kinds=KINDS)
    tab = open_analytics(qtbot, ctx, iid)
    page = tab.parentWidget()
    while not isinstance(page, InterviewerPage):
        page = page.parentWidget()
    page.tabs.setCurrentIndex(0)  # back to Candidates

    add_more(ws, iid)
    ws.bus.publish(ApplicationsChanged(()))
    qtbot.wait(600)
    assert card_texts(tab)[0][1] == "1"  # not counted while hidden

    with qtbot.waitSignal(tab.loaded, timeout=5000):
        page.tabs.setCurrentWidget(tab)
    assert card_texts(tab)[0][1] == "3"


def add_more(ws: Workspace, iid: int) -> list[int]:
    """Two more applications to ``iid``: one started the Résumé, one has not."""
    return add_applications(ws, iid, (App(A.IN_PROGRESS, EMAIL, (R(S.IN_PROGRESS, 0.0), NS)),
                                      App(A.PENDING, ATS, (NS, NS))))


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "—"), (0, "0s"), (42, "42s"), (45 * 60, "45m"), (3 * 3600, "3h"),
    (3 * 3600 + 20 * 60, "3h 20m"), (86400, "1d"), (2 * 86400 + 4 * 3600 + 59, "2d 4h"),
])
def test_time_in_stage_reads_like_2d_4h(seconds: float | None, text: str) -> None:
    assert duration_text(seconds) == text


@pytest.mark.parametrize(("rate", "text"), [
    (None, "—"), (0.0, "0%"), (0.049, "4.9%"), (0.1, "10%"), (0.756, "76%"), (1.0, "100%")])
def test_rates_read_as_percentages(rate: float | None, text: str) -> None:
    assert percent_text(rate) == text
