"""One source of truth per figure (issue 10, point 11): on a built demo workspace, every screen
that shows spend, a completion rate or a count of candidates shows what direct SQL written
here (independently of the services' queries) says it is.

Screens: the top bar's spend chip, the Interviewers table (Stats, Spend), an interviewer's
Candidates tab ("All (N)"), its Analytics tab, and the Analytics section (all agents over its
default period; one interviewer over a custom period covering its whole history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import text

from milo_desktop.services.demo import build_demo
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.analytics import AnalyticsSection
from milo_desktop.views.analytics.filters import CUSTOM
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.receptionists.receptionists_list import ReceptionistsSection
from milo_desktop.views.screen_windows import ScreenWindows
from milo_desktop.views.widgets.formatting import money_text
from milo_desktop.views.widgets.spend_chip import SpendChip
from tests.factories import NOW

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")

SQL_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLite stores the app's UTC times
COMPLETED = ("(a.status = 'completed' OR (a.status IN ('shortlisted', 'dismissed') "
             "AND a.completed_at IS NOT NULL AND a.knocked_out_stage_id IS NULL))")


@pytest.fixture
def demo(sqlite_workspace: Workspace, qloop: Any, tmp_path: Path) -> Iterator[ViewContext]:
    ws = sqlite_workspace
    build_demo(ws.db, candidates=600, now=NOW)
    for service in (ws.interviewers, ws.analytics, ws.spend):
        service.clock = lambda: NOW
    ws.bus.bind_loop(qloop)
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    yield ViewContext(ws, bridge, settings, ScreenWindows())
    bridge.close()


def sql(ws: Workspace, query: str, **params: Any) -> list[Any]:
    return ws.db.run_sync(lambda s: s.execute(text(query), params).all())


def at(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(SQL_TIME)


def money(micros: int) -> str:
    return money_text(micros / 10_000)


def percent(completed: int, started: int) -> str:
    return f"{round(100 * completed / started)}%"


def expected(ws: Workspace) -> dict[str, Any]:
    """Every figure, by direct SQL."""
    midnight = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    end = midnight + dt.timedelta(days=1)  # the last 30 whole UTC days, today included
    start = end - dt.timedelta(days=30)
    local = NOW.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    ((workspace_spend,),) = sql(
        ws, "SELECT COALESCE(SUM(amount_micros), 0) FROM spend "
            "WHERE occurred_at >= :a AND occurred_at < :b", a=at(start), b=at(end))
    roles: dict[int, dict[str, Any]] = {}
    for iid, name, candidates, started, completed in sql(
        ws, "SELECT i.id, i.name, COUNT(a.id), COUNT(a.started_at), "
            f"SUM(CASE WHEN a.started_at IS NOT NULL AND {COMPLETED} THEN 1 ELSE 0 END) "
            "FROM interviewers i LEFT JOIN applications a ON a.interviewer_id = i.id "
            "GROUP BY i.id, i.name"):
        roles[iid] = {"name": name, "candidates": candidates, "started": started,
                      "completed": int(completed or 0), "spend": 0, "today": 0}
    for iid, total, today in sql(
        ws, "SELECT interviewer_id, SUM(amount_micros), "
            "SUM(CASE WHEN occurred_at >= :t THEN amount_micros ELSE 0 END) FROM spend "
            "WHERE interviewer_id IS NOT NULL GROUP BY interviewer_id", t=at(local)):
        roles[iid].update(spend=int(total), today=int(today))
    return {"spend_30d": int(workspace_spend), "roles": roles}


def test_every_screen_shows_the_figures_direct_sql_gives(qtbot: Any, demo: ViewContext) -> None:
    ws = demo.workspace
    want = expected(ws)
    roles = want["roles"]
    busy = [iid for iid, r in roles.items() if r["started"]]
    assert want["spend_30d"] > 0 and len(busy) >= 5  # the demo has something to compare

    # The top bar: the workspace's spend over the Analytics section's default period.
    chip = SpendChip(demo)
    qtbot.addWidget(chip)
    chip.refresh()
    qtbot.waitUntil(lambda: chip.summary is not None, timeout=5000)
    assert chip.summary is not None and chip.summary.used_micros == want["spend_30d"]
    assert chip.label.text().startswith(f"Spend (30 days) {money(want['spend_30d'])}")

    # The Analytics section, all agents, default period: the same spend, labelled so.
    section = AnalyticsSection(demo)
    qtbot.addWidget(section)
    section.resize(1400, 900)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    qtbot.waitUntil(lambda: section.choices_loaded)
    assert section.cards["spend"].value.text() == money(want["spend_30d"])
    assert section.cards["spend"].title.text() == "Spend · Last 30 days"

    # The Interviewers table: candidates, completion and spend of every row.
    interviewers = InterviewersSection(demo)
    qtbot.addWidget(interviewers)
    interviewers.resize(1600, 1000)
    with qtbot.waitSignal(interviewers.loaded, timeout=10_000):
        interviewers.show()
    table = interviewers.list_page.model
    shown = {r.id: r for r in table.rows()}
    assert shown, "the demo's active interviewers are listed"
    for iid, row in shown.items():
        r = roles[iid]
        assert (row.candidates, row.started, row.completed) == (
            r["candidates"], r["started"], r["completed"]), r["name"]
        assert (row.spend_micros, row.spend_today_micros) == (r["spend"], r["today"]), r["name"]
        stats = table.display(row, table.COLUMNS[table.column_index("stats")])
        assert stats == (f"{r['candidates']:,} • {percent(r['completed'], r['started'])}"
                         if r["started"] else str(r["candidates"])), r["name"]

    # One busy interviewer's page: "All (N)", then the Analytics tab's cards.
    iid = max((i for i in busy if i in shown), key=lambda i: roles[i]["spend"])
    r = roles[iid]
    page = interviewers.detail_page
    with qtbot.waitSignal(interviewers.loaded, timeout=10_000):
        interviewers.open_interviewer(iid)
    assert page.status_filter.itemText(0) == f"All ({r['candidates']})"
    by_status = dict(sql(ws, "SELECT status, COUNT(*) FROM applications "
                             "WHERE interviewer_id = :i GROUP BY status", i=iid))
    for i in range(1, page.status_filter.count()):
        status = page.status_filter.itemData(i)
        assert page.status_filter.itemText(i).endswith(f"({by_status.get(status, 0)})"), status
    with qtbot.waitSignal(page.analytics.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.analytics)
    f = page.analytics.funnel
    assert f is not None
    assert (f.invited, f.responded, f.completed, f.spend_micros) == (
        r["candidates"], r["started"], r["completed"], r["spend"])
    texts = page.analytics.texts()
    assert percent(r["completed"], r["started"]) in texts
    assert money(r["spend"]) in texts
    assert f"{r['completed']} of {r['started']} who started completed every stage" in texts

    # The receptionists screen: each line's spend, as the provider reported it, in total.
    lines = ReceptionistsSection(demo)
    qtbot.addWidget(lines)
    lines.show()
    qtbot.waitUntil(lines.is_loaded, timeout=10_000)
    by_line = {int(rid): int(total) for rid, total in sql(
        ws, "SELECT receptionist_id, SUM(amount_micros) FROM spend "
            "WHERE receptionist_id IS NOT NULL GROUP BY receptionist_id")}
    assert by_line, "the demo's receptionists have spend to compare"
    listed = [lines.model.row_at(i) for i in range(lines.model.rowCount())]
    assert {x.id: x.spend_micros for x in listed if x and x.spend_micros} == by_line
    spend_column = [key for key, _title, _width in lines.model.COLUMNS].index("spend")
    for i, line in enumerate(listed):
        assert line is not None
        shown = lines.model.index(i, spend_column).data()
        assert shown == money(by_line.get(line.id, 0)), line.name

    # The Analytics section for that interviewer over a period covering its whole history:
    # the same completion rate, candidates and spend as the table and the tab.
    section.filters.set_period(CUSTOM, dt.date(2020, 1, 1), NOW.date())
    section.filters.set_interviewer(iid, r["name"])
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.apply_filter(section.filters.current())
    cards = {k: c.value.text() for k, c in section.cards.items()}
    assert cards["completion"] == percent(r["completed"], r["started"])
    assert cards["candidates"] == str(r["candidates"])
    assert cards["spend"] == money(r["spend"])
    assert section.cards["spend"].title.text().startswith("Spend · Jan 1, 2020 – ")
