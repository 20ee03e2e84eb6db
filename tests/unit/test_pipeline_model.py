"""PipelineModel without windows: display strings, paging newest first with fetchMore,
filters, live inserts in newest-first order, and the pipeline's formatting."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from milo_desktop.enums import CallReview, CallStatus, InterviewerStatus
from milo_desktop.services.pipeline import CallRow, PipelineService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.receptionists.pipeline_model import DEFAULT_QUERY, PipelineModel
from milo_desktop.views.widgets.paged_model import LoadState, ObjectRole
from tests.factories import NOW
from tests.unit.test_pipeline_service import add_call, add_receptionist

MIN = dt.timedelta(minutes=1)


def row(i: int, started: dt.datetime, **kw: Any) -> CallRow:
    values: dict[str, Any] = dict(
        id=i, receptionist_id=1, receptionist_name="Dallas Line", caller_name=f"Caller {i}",
        from_e164="+12145550123", email=None, location=None, status=CallStatus.EVALUATED,
        review=CallReview.NEEDS_REVIEW, started_at=started, duration_s=154, evaluations=4,
        has_recording=True, score=71.6, candidate_id=None, unread=True)
    values.update(kw)
    return CallRow(**values)


@pytest.fixture
def model(qloop: asyncio.AbstractEventLoop, sqlite_workspace: Workspace,
          qtbot: Any) -> Any:
    ws = sqlite_workspace
    rid = add_receptionist(ws, "Dallas Line", "+12145550197", [])
    for i in range(7):
        add_call(ws, rid, f"Caller {i}", f"+1214555{i:04d}",
                 f"c{i}@mail.example" if i % 2 else None, NOW - i * MIN,
                 review=CallReview.APPROVED if i < 2 else CallReview.NEEDS_REVIEW,
                 duration_s=154 + i, evaluations=i, recording_sid="RE1" if i == 1 else None)
    svc = PipelineService(ws.db, ws.bus)

    def spawn(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return qloop.create_task(coro, name=name)

    m = PipelineModel(svc.page, spawn, DEFAULT_QUERY.with_(limit=3))
    yield m
    m.deleteLater()


def texts(m: PipelineModel, r: int) -> dict[str, Any]:
    return {c.key: m.data(m.index(r, i)) for i, c in enumerate(m.COLUMNS)}


def test_pages_newest_first_and_displays(model: PipelineModel, qtbot: Any) -> None:
    with qtbot.waitSignal(model.firstPageLoaded):
        model.reload()
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    first = texts(model, 0)
    assert first["caller"] == "Caller 0" and first["phone"] == "+1 214-555-0000"
    assert first["status"] == "Evaluated" and first["email"] == ""
    assert first["info"] == "2:34 · 0 evaluations"
    assert texts(model, 1)["info"] == "2:35 · 1 evaluation · ● recording"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()  # unread
    assert "Dallas Line" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, 0), ObjectRole).id == model.row_at(0).id
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model._loading)
    names = [r.caller_name for r in model.rows()]
    assert names == [f"Caller {i}" for i in range(7)]


def test_filters_reload(model: PipelineModel, qtbot: Any) -> None:
    with qtbot.waitSignal(model.firstPageLoaded):
        model.reload()
    with qtbot.waitSignal(model.firstPageLoaded):
        model.set_filter("tab", "approved")
    assert [r.caller_name for r in model.rows()] == ["Caller 0", "Caller 1"]
    with qtbot.waitSignal(model.firstPageLoaded):
        model.set_filter("search", "nobody here")
    assert model.state == LoadState.EMPTY and model.rowCount() == 0


def test_insert_sorted_places_new_calls(model: PipelineModel, qtbot: Any) -> None:
    with qtbot.waitSignal(model.firstPageLoaded):
        model.reload()
    loaded = model.rows()
    newer = row(100, NOW + MIN)
    between = row(101, loaded[1].started_at + dt.timedelta(seconds=1))
    older = row(102, NOW - dt.timedelta(days=3))  # below the loaded page: paging finds it
    inserted = model.insert_sorted([older, newer, between])
    assert [r.id for r in inserted] == [100, 101]
    assert [r.id for r in model.rows()][:3] == [100, loaded[0].id, 101]
    assert model.insert_sorted([newer]) == []  # never twice


def test_formatting() -> None:
    assert fmt.duration_text(None) == "—"
    assert fmt.duration_text(59) == "0:59"
    assert fmt.duration_text(3725) == "1:02:05"
    assert fmt.call_info_text(154, 4, True) == "2:34 · 4 evaluations · ● recording"
    assert fmt.status_text(CallStatus.AWAITING_CONFIRMATION) == "Awaiting Confirmation"
    assert fmt.review_text(CallReview.NEEDS_REVIEW) == "Needs review"
    assert list(fmt.tab_titles().values()) == [
        "All", "Evaluated", "Needs Review", "Approved", "Rejected"]
    assert fmt.interviewer_choice_text("Cook", InterviewerStatus.ARCHIVED, False, False,
                                       False) == "Cook — archived"
    assert fmt.interviewer_choice_text("Cook", InterviewerStatus.ACTIVE, True, True,
                                       True) == "Cook (default) — already invited"
