"""The global Analytics section on a real SQLite workspace: figures for the filters chosen in
its header, a recent completion opening the profile, Export PNG / CSV, the empty state, a
refused custom period, recounting after changes, and its place in the main window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import SpendKind, StageKind
from milo_desktop.models import SpendEntry
from milo_desktop.services.analytics import Bucket
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.analytics import AnalyticsSection
from milo_desktop.views.analytics.filters import CUSTOM
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.candidates import ProfileDialog
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.screen_windows import ScreenWindows
from tests.factories import NOW, make_application, make_candidate, make_interviewer

UTC = dt.UTC


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def ctx(sqlite_workspace: Workspace, qloop: Any, tmp_path: Path) -> Iterator[ViewContext]:
    ws = sqlite_workspace
    ws.bus.bind_loop(qloop)
    ws.analytics.clock = lambda: NOW  # presets end on NOW's day
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(ws, bridge, settings, ScreenWindows())
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ProfileDialog):
            widget.close()
    bridge.close()


def seed(ws: Workspace) -> dict[str, int]:
    """Forklift: 3 invited this week, 2 started, 1 completed (score 88); Cashier: one
    completion 50 days ago (outside the last 30 days); $1.40 of calls this week."""
    fork = make_interviewer(ws, "Forklift Operator", stages=(StageKind.VOICE,))
    cash = make_interviewer(ws, "Cashier", stages=(StageKind.VOICE,))
    ids = {"fork": fork, "cash": cash}
    ids["ann"] = make_candidate(ws, "Ann Lee")
    ids["bob"] = make_candidate(ws, "Bob Stone")
    ids["cy"] = make_candidate(ws, "Cy Young")
    make_application(ws, ids["ann"], fork, A.COMPLETED, created_at=ago(3), started_at=ago(2.9),
                     completed_at=ago(2), score=88.0)
    make_application(ws, ids["bob"], fork, A.IN_PROGRESS, created_at=ago(3), started_at=ago(1))
    make_application(ws, ids["cy"], fork, A.PENDING, created_at=ago(1))
    make_application(ws, ids["cy"], cash, A.COMPLETED, created_at=ago(55), started_at=ago(51),
                     completed_at=ago(50), score=40.0)

    def spend(s: Any) -> None:
        s.add(SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid="CA1",
                         amount_micros=1_400_000, interviewer_id=fork, occurred_at=ago(2)))

    ws.db.run_sync(spend, write=True)
    return ids


def open_section(qtbot: Any, ctx: ViewContext) -> AnalyticsSection:
    section = AnalyticsSection(ctx)
    qtbot.addWidget(section)
    section.resize(1300, 860)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    qtbot.waitUntil(lambda: section.choices_loaded)
    return section


def cards(section: AnalyticsSection) -> dict[str, tuple[str, str]]:
    return {k: (c.value.text(), c.detail.text()) for k, c in section.cards.items()}


def choose(qtbot: Any, section: AnalyticsSection, combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        combo.setCurrentIndex(index)
        combo.activated.emit(index)


def test_filters_change_the_figures(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    assert section.filters.period.currentText() == "Last 30 days"
    assert cards(section) == {
        "candidates": ("3", "3 invitations"),
        "interviews": ("2", "started in this period"),
        "completion": ("50%", "1 of 2 completed"),
        "spend": ("$1.40", "$1.40 per completion"),
    }
    assert section.period_label.text() == "Oct 24, 2026 – Nov 22, 2026 · per day · days in UTC"
    assert [r.candidate_name for r in section.recent.rows()] == ["Ann Lee"]
    assert len(section.activity_chart.points) == 30 and section.activity_chart.bucket is Bucket.DAY
    assert sum(p.invited for p in section.activity_chart.points) == 3

    choose(qtbot, section, section.filters.period, "Last 90 days")
    assert cards(section)["candidates"] == ("3", "4 invitations")  # Cy twice: one person
    assert [r.candidate_name for r in section.recent.rows()] == ["Ann Lee", "Cy Young"]

    choose(qtbot, section, section.filters.interviewer, "Cashier")
    assert cards(section)["interviews"] == ("1", "started in this period")
    assert cards(section)["completion"] == ("100%", "1 of 1 completed")
    assert cards(section)["spend"][0] == "$0"
    assert [r.candidate_name for r in section.recent.rows()] == ["Cy Young"]
    assert section.spend_panel.legend.text() == "Nothing spent in this period"

    choose(qtbot, section, section.filters.period, "Last 12 months")
    assert section.activity_chart.bucket is Bucket.WEEK
    assert section.period_label.text().endswith("per week · days in UTC")


def test_interviewers_are_found_by_typing(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    combo = section.filters.interviewer
    completer = combo.completer()
    completer.setCompletionPrefix("lift")  # contains, not starts with
    assert completer.currentCompletion() == "Forklift Operator"
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        completer.activated.emit("Forklift Operator")
    assert section.filters.interviewer_id() == ids["fork"]
    assert section.overview is not None and section.overview.filter.interviewer_id == ids["fork"]
    combo.setEditText("no such role")
    combo.lineEdit().editingFinished.emit()
    assert combo.currentText() == "Forklift Operator"  # unmatched text goes back


def test_a_recent_completion_opens_the_profile(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    rect = section.recent.visualItemRect(section.recent.item(0))
    qtbot.mouseClick(section.recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def opened() -> list[ProfileDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, ProfileDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: len(opened()) == 1)
    dialog = opened()[0]
    assert dialog.candidate_id == ids["ann"]
    qtbot.waitUntil(dialog.is_loaded)
    assert dialog.name.text() == "Ann Lee"


def test_export_png_and_csv(qtbot: Any, ctx: ViewContext, tmp_path: Path) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    png = tmp_path / "activity.png"
    task = section.export("activity", "png", png)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.exception() is None
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(png))
    chart = section.activity_chart
    assert image.width() >= chart.width() and image.height() > chart.height()
    assert section.banner.text() == "Saved activity.png."

    csv = tmp_path / "spend.csv"
    task = section.export("spend", "csv", csv)
    qtbot.waitUntil(task.done, timeout=10_000)
    lines = csv.read_text().splitlines()
    assert lines[0] == "day_start_utc,total_usd,call_usd,sms_usd,recording_usd,email_usd,llm_usd"
    assert len(lines) == 31 and lines[1].startswith("2026-10-24,0.000000,")
    assert "2026-11-20,1.400000,1.400000,0.000000,0.000000,0.000000,0.000000" in lines

    activity = tmp_path / "activity.csv"
    task = section.export("activity", "csv", activity)
    qtbot.waitUntil(task.done, timeout=10_000)
    rows = activity.read_text().splitlines()
    assert rows[0] == "day_start_utc,invited,started,completed"
    assert "2026-11-19,2,1,0" in rows and "2026-11-21,1,1,0" in rows
    assert "2026-11-20,0,0,1" in rows

    task = section.export("activity", "csv", tmp_path / "no-such-folder" / "a.csv")
    qtbot.waitUntil(task.done, timeout=10_000)
    assert section.banner.text().startswith("Could not save")


def test_empty_period(qtbot: Any, ctx: ViewContext) -> None:
    section = open_section(qtbot, ctx)
    assert section.pages.currentWidget() is section.empty_page
    assert section.empty_title.text() == "No interviews in this period"
    assert section.is_loaded()


def test_a_custom_period(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    bar = section.filters
    choose(qtbot, section, bar.period, "Custom…")
    assert bar.first.isVisible() and bar.last.isVisible()
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        bar.first.setDate(bar.first.date().addDays(5))  # Oct 29 – Nov 22
    assert section.overview is not None
    assert section.overview.filter.start == dt.datetime(2026, 10, 29, tzinfo=UTC)
    bar.last.setDate(bar.first.date().addDays(-1))
    qtbot.waitUntil(section.banner.isVisible)
    assert section.banner.text() == "The end date must be on or after the start date."
    assert bar.preset() == CUSTOM


def test_recounts_after_changes_once_per_burst(qtbot: Any, ctx: ViewContext) -> None:
    ids = seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    assert cards(section)["interviews"][0] == "2"
    make_application(ctx.workspace, make_candidate(ctx.workspace, "Dee Dee"), ids["fork"],
                     A.IN_PROGRESS, created_at=ago(1), started_at=ago(0.5))
    counted: list[int] = []
    section.loaded.connect(lambda: counted.append(1))
    for _ in range(5):
        ctx.workspace.bus.publish(ApplicationsChanged())
    qtbot.waitUntil(lambda: cards(section)["interviews"][0] == "3", timeout=10_000)
    qtbot.wait(300)
    assert len(counted) == 1


def test_the_main_window_has_an_analytics_section(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=10_000)  # (the window has focus)
    QTest.keySequence(window, QKeySequence("Ctrl+5"))
    assert window.current_section() is window.analytics
    qtbot.waitUntil(window.analytics.is_loaded, timeout=10_000)
    # remembered: the interviewer and the period
    choose(qtbot, window.analytics, window.analytics.filters.period, "Last 7 days")
    window.save_state()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.analytics.filters.period.currentText() == "Last 7 days"


def test_hovering_a_bucket_names_its_figures(qtbot: Any, ctx: ViewContext) -> None:
    seed(ctx.workspace)
    section = open_section(qtbot, ctx)
    chart = section.activity_chart
    vb = chart.getPlotItem().getViewBox()
    day = next(i for i, p in enumerate(chart.points) if p.start == dt.date(2026, 11, 19))
    chart.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(day, 1)))
    assert chart.hover_index == day
    assert chart.tooltip(day) == "Nov 19, 2026\nInvited: 2\nStarted: 1\nCompleted: 0"
    spend = section.spend_chart
    assert spend.tooltip(day + 1) == "Nov 20, 2026\nTotal: $1.40\nCalls: $1.40"
