"""The Interviewers table models without windows: display strings, SQL sorting, paging and
stale answers, driven by a fake service so every step is explicit."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.services.core.paging import Cursor, Page, PageQuery
from milo_desktop.services.interviewers import (
    CandidateRow,
    InterviewerRow,
    LabelRow,
    StageCell,
    StageDetail,
)
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.interviewers.candidates_model import InterviewerCandidatesModel
from milo_desktop.views.interviewers.list_model import InterviewersModel
from milo_desktop.views.widgets.paged_model import LoadState, ObjectRole

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def irow(i: int, **kw: Any) -> InterviewerRow:
    values: dict[str, Any] = dict(
        id=i, name=f"Role {i}", slug=f"role-{i}", status=InterviewerStatus.ACTIVE,
        workflow=(StageKind.RESUME, StageKind.VOICE), candidates=132, started=105, completed=84,
        ats_provider=None, ats_synced_at=None, csat=None, spend_micros=3_000_000,
        spend_today_micros=0, budget_kind=BudgetKind.ALL_TIME, budget_cents=100_000,
        currency="USD", labels=(), subscribers=0, deadline=NOW + 4 * DAY + dt.timedelta(hours=1),
        created_at=NOW - 30 * DAY, activated_at=NOW - 21 * DAY,
    )
    values.update(kw)
    return InterviewerRow(**values)


class FakeService:
    """Pages over a list, recording every query; the cursor is the next offset."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows
        self.calls: list[tuple[PageQuery, Cursor | None]] = []

    async def page(self, query: PageQuery, after: Cursor | None) -> Page[Any]:
        self.calls.append((query, after))
        start = 0 if after is None else int(after[0])
        chunk = self.rows[start:start + query.limit]
        more = start + query.limit < len(self.rows)
        return Page(tuple(chunk), (start + query.limit,) if more else None)


class Spawner:
    """Collects spawned coroutines; ``run()`` advances them in order on a private loop."""

    def __init__(self) -> None:
        self.pending: list[Coroutine[Any, Any, Any]] = []
        self.loop = asyncio.new_event_loop()

    def __call__(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        self.pending.append(coro)

    def run(self) -> None:
        while self.pending:
            self.loop.run_until_complete(self.pending.pop(0))


@pytest.fixture
def spawner(qapp: Any) -> Iterator[Spawner]:
    s = Spawner()
    yield s
    for coro in s.pending:
        coro.close()
    s.loop.close()


def cell(model: Any, row: int, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(row, model.column_index(key)), role)


def test_display_strings(spawner: Spawner) -> None:
    rows = [
        irow(1),
        irow(2, deadline=NOW - 3 * DAY, status=InterviewerStatus.EXPIRED,
             budget_kind=BudgetKind.NONE, budget_cents=None, spend_micros=12_000_000,
             candidates=0, started=0, completed=0, ats_provider="greenhouse", ats_synced_at=NOW),
        irow(3, deadline=None, budget_kind=BudgetKind.DAILY, budget_cents=5_000,
             spend_today_micros=790_000, workflow=(StageKind.SMS,), ats_provider="lever",
             csat=4.56, subscribers=3, activated_at=None,
             labels=(LabelRow(1, "Logistics", "#3b82f6"), LabelRow(2, "Austin", "#16a34a"))),
        irow(4, deadline=NOW + dt.timedelta(hours=5), spend_micros=200_000_000,
             budget_cents=10_000),
    ]
    model = InterviewersModel(FakeService(rows).page, spawner, clock=lambda: NOW)
    model.reload()
    spawner.run()
    assert model.rowCount() == 4
    assert [cell(model, i, "deadline") for i in range(4)] == [
        "4d left", "Expired 3d ago", "No deadline", "5h left"]
    assert [cell(model, i, "spend") for i in range(4)] == [
        "$3 / $1k", "$12", "$0.79 / $50/day", "$200 / $100"]
    assert cell(model, 0, "workflow") == "Résumé → Voice"
    assert cell(model, 2, "workflow") == "SMS"
    assert cell(model, 0, "stats") == "132 • 80%"  # 84 of the 105 who started
    assert cell(model, 1, "stats") == "0"
    assert [cell(model, i, "ats") for i in range(3)] == ["—", "Greenhouse ✓",
                                                         "Lever · not synced"]
    assert cell(model, 2, "csat") == "4.6"
    assert cell(model, 2, "labels") == "Logistics, Austin"
    assert (cell(model, 2, "subs"), cell(model, 0, "subs")) == ("3", "—")
    assert cell(model, 0, "active_for") == "3 weeks"
    assert cell(model, 1, "active_for") == "2 weeks"  # stopped counting at the deadline
    assert cell(model, 2, "active_for") == "—"
    assert cell(model, 0, "created") == fmt.local_date_text(NOW - 30 * DAY)
    fg = Qt.ItemDataRole.ForegroundRole
    assert cell(model, 0, "deadline", fg) == fmt.WARNING_COLOR  # under 7 days
    assert cell(model, 2, "deadline", fg) == fmt.MUTED_COLOR
    assert cell(model, 3, "spend", fg) == fmt.DANGER_COLOR  # over budget
    assert cell(model, 0, "spend", fg) is None
    assert cell(model, 0, "name", ObjectRole) == rows[0]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Interviewer"


def test_formatting_helpers() -> None:
    assert fmt.money_text(100_000) == "$1k"
    assert fmt.money_text(150_000) == "$1.5k"
    assert fmt.money_text(199_999) == "$1.9k"  # never rounded up past the real figure
    assert fmt.money_text(250_000_000) == "$2.5M"
    assert fmt.money_text(1_299) == "$13"
    assert fmt.money_text(79) == "$0.79"
    assert fmt.money_text(500, "EUR") == "EUR 5"
    assert fmt.parse_dollars("$1,250.5") == 125_050
    assert fmt.parse_dollars(" 99.99 ") == 9_999
    assert fmt.parse_dollars("") is None
    for bad in ("abc", "1.234", "nan"):
        with pytest.raises(ValueError):
            fmt.parse_dollars(bad)
    assert fmt.duration_text(dt.timedelta(days=400)) == "1 year"
    assert fmt.duration_text(dt.timedelta(days=65)) == "2 months"
    assert fmt.duration_text(dt.timedelta(days=1)) == "1 day"
    assert fmt.duration_text(dt.timedelta(hours=3)) == "today"
    assert fmt.deadline_text(NOW - dt.timedelta(hours=2), NOW) == "Expired 2h ago"
    assert fmt.ago_text(NOW - dt.timedelta(minutes=5), NOW) == "5m ago"
    assert fmt.stage_cell_text(StageStatus.COMPLETED, 74.4, 2, 3) == "74% • 2/3"
    assert fmt.stage_cell_text(StageStatus.COMPLETED, 80.0, 0, 0) == "80%"
    assert fmt.stage_cell_text(None, None, 0, 0) == "pending"
    assert fmt.stage_cell_text(StageStatus.KNOCKED_OUT, None, 1, 3) == "knocked out"


def test_sort_asks_the_service_for_a_new_first_page(spawner: Spawner) -> None:
    service = FakeService([irow(i) for i in range(5)])
    model = InterviewersModel(service.page, spawner, clock=lambda: NOW)
    model.reload()
    spawner.run()
    model.sort(model.column_index("stats"), Qt.SortOrder.DescendingOrder)
    assert model.state == LoadState.LOADING
    spawner.run()
    query, after = service.calls[-1]
    assert (query.sort, query.descending, after) == ("candidates", True, None)
    assert query.filters == {"tab": "active"}
    calls = len(service.calls)
    model.sort(model.column_index("workflow"), Qt.SortOrder.AscendingOrder)  # not sortable
    model.sort(model.column_index("stats"), Qt.SortOrder.DescendingOrder)  # unchanged
    spawner.run()
    assert len(service.calls) == calls


def test_fetch_more_loads_the_next_page(spawner: Spawner) -> None:
    service = FakeService([irow(i) for i in range(25)])
    model = InterviewersModel(service.page, spawner, PageQuery("recent", True, limit=10),
                              clock=lambda: NOW)
    model.reload()
    spawner.run()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # in flight: no second request
    spawner.run()
    assert model.rowCount() == 20
    assert service.calls[-1][1] == (10,)
    model.fetchMore()
    spawner.run()
    assert model.rowCount() == 25 and not model.canFetchMore()
    assert [r.id for r in model.rows()] == list(range(25))


def test_stale_generation_is_dropped(spawner: Spawner) -> None:
    old = [irow(i, name=f"Old {i}") for i in range(3)]
    new = [irow(10 + i, name=f"New {i}") for i in range(2)]

    async def fetch(query: PageQuery, after: Cursor | None) -> Page[InterviewerRow]:
        return Page(tuple(new if query.filters.get("search") else old), None)

    model = InterviewersModel(fetch, spawner, clock=lambda: NOW)
    model.reload()  # first answer still in flight …
    model.set_filter("search", "new")  # … when the user types
    assert len(spawner.pending) == 2
    spawner.run()
    assert [r.name for r in model.rows()] == ["New 0", "New 1"]
    assert model.state == LoadState.READY


def crow(i: int, cells: tuple[StageCell | None, ...], **kw: Any) -> CandidateRow:
    values: dict[str, Any] = dict(
        id=i, candidate_id=100 + i, name=f"Person {i}", email=f"p{i}@example.com",
        location="Austin, TX", status=ApplicationStatus.COMPLETED, score=77.0,
        has_notes=False, created_at=NOW - DAY, last_engaged_at=NOW - dt.timedelta(hours=3),
        stages=cells)
    values.update(kw)
    return CandidateRow(**values)


def test_candidates_model_stage_columns(spawner: Spawner) -> None:
    stages = (StageDetail(11, 0, StageKind.RESUME, "Résumé", None),
              StageDetail(12, 1, StageKind.VOICE, "Voice", None))
    rows = [
        crow(1, (StageCell(11, StageStatus.COMPLETED, 74.0, 2, 3),
                 StageCell(12, StageStatus.COMPLETED, 80.0, 0, 0))),
        crow(2, (StageCell(11, StageStatus.KNOCKED_OUT, None, 1, 3), None),
             status=ApplicationStatus.KNOCKED_OUT, score=None, last_engaged_at=None),
    ]
    service = FakeService(rows)
    model = InterviewerCandidatesModel(service.page, spawner, clock=lambda: NOW)
    assert model.columnCount() == 5  # no interviewer yet: no stage columns
    model.set_interviewer(7, stages)
    spawner.run()
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert titles == ["Profile", "Résumé", "Voice", "Status", "Score", "Last engaged", "Invited"]
    assert service.calls[-1][0].filters == {"interviewer_id": 7}
    assert [cell(model, 0, k) for k in ("stage:0", "stage:1", "status", "score",
                                        "last_engaged")] == [
        "74% • 2/3", "80%", "Completed", "77", "3h ago"]
    assert [cell(model, 1, k) for k in ("stage:0", "stage:1", "status", "score",
                                        "last_engaged")] == [
        "knocked out", "—", "Knocked out", "—", "—"]  # no later stage after a knock-out
    fg = Qt.ItemDataRole.ForegroundRole
    assert cell(model, 1, "stage:0", fg) == fmt.DANGER_COLOR
    assert cell(model, 1, "stage:1", fg) == fmt.MUTED_COLOR
    assert "2 of 3 structured questions passed" in cell(
        model, 0, "stage:0", Qt.ItemDataRole.ToolTipRole)
    model.sort(model.column_index("score"), Qt.SortOrder.DescendingOrder)
    spawner.run()
    assert (service.calls[-1][0].sort, service.calls[-1][0].descending) == ("score", True)
