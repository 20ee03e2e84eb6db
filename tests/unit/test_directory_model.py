"""DirectoryModel without windows: display strings, paging with fetchMore, SQL sorting, and
answers to replaced queries dropped."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from milo_desktop.enums import CandidateSource
from milo_desktop.services.candidates import CandidateRow
from milo_desktop.services.core.paging import Cursor, Page, PageQuery
from milo_desktop.views.candidates.directory_model import DEFAULT_QUERY, DirectoryModel
from milo_desktop.views.widgets.paged_model import LoadState, ObjectRole

JOINED = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def row(i: int, name: str = "", **kw: Any) -> CandidateRow:
    values: dict[str, Any] = {
        "id": i,
        "full_name": name or f"Person {i:03d}",
        "email": f"p{i}@example.com",
        "phone_e164": "+12145550123",
        "location": "Dallas, TX",
        "source": CandidateSource.PHONE,
        "joined": JOINED,
        "interviews": 3,
        "name_key": (name or f"person {i:03d}").casefold(),
    }
    values.update(kw)
    return CandidateRow(**values)


class FakeService:
    """Answers page requests with futures the test resolves, and records every request."""

    def __init__(self) -> None:
        self.calls: list[tuple[PageQuery, Cursor | None, asyncio.Future[Page[CandidateRow]]]] = []

    async def page(self, query: PageQuery, after: Cursor | None) -> Page[CandidateRow]:
        future: asyncio.Future[Page[CandidateRow]] = asyncio.get_running_loop().create_future()
        self.calls.append((query, after, future))
        return await future


@pytest.fixture
def make_model(qloop: asyncio.AbstractEventLoop) -> Any:
    tasks: list[asyncio.Task[Any]] = []

    def spawn(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = qloop.create_task(coro, name=name)
        tasks.append(task)
        return task

    models: list[DirectoryModel] = []

    def make(service: FakeService, query: PageQuery = DEFAULT_QUERY) -> DirectoryModel:
        model = DirectoryModel(service.page, spawn, query)
        models.append(model)
        return model

    yield make
    for task in tasks:
        task.cancel()
    for model in models:
        model.deleteLater()


def cell(model: DirectoryModel, r: int, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(r, DirectoryModel.column_index(key)), role)


def test_display_strings(qtbot: Any, make_model: Any) -> None:
    service = FakeService()
    model = make_model(service)
    model.reload()
    qtbot.waitUntil(lambda: len(service.calls) == 1)
    long_name = "Maximiliana Alexandra Konstantinopoulou-Vanderbilt"
    service.calls[0][2].set_result(
        Page(
            (
                row(1, long_name),
                row(
                    2,
                    "Bo",
                    email=None,
                    phone_e164=None,
                    location=None,
                    interviews=0,
                    source=CandidateSource.ATS,
                ),
            ),
            None,
        )
    )
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert titles == ["Name", "Email", "Phone", "Location", "Source", "Joined", "Interviews", ""]
    local = JOINED.astimezone()
    joined = f"{local:%b} {local.day}, {local.year}"
    assert [cell(model, 0, c.key) for c in DirectoryModel.COLUMNS] == [
        long_name,
        "p1@example.com",
        "+1 214-555-0123",
        "Dallas, TX",
        "Phone",
        joined,
        "3",
        "View details",
    ]
    assert [cell(model, 1, k) for k in ("email", "phone", "location", "source", "interviews")] == [
        "",
        "",
        "",
        "ATS",
        "0",
    ]
    assert cell(model, 0, "name", Qt.ItemDataRole.ToolTipRole) == f"{long_name}\np1@example.com"
    assert cell(model, 1, "interviews", Qt.ItemDataRole.ForegroundRole) is not None  # muted 0
    assert cell(model, 0, "interviews", Qt.ItemDataRole.ForegroundRole) is None
    align = cell(model, 0, "interviews", Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    assert cell(model, 1, "name", ObjectRole).id == 2
    assert model.state == LoadState.READY


def test_fetch_more_pages_with_the_cursor(qtbot: Any, make_model: Any) -> None:
    service = FakeService()
    model = make_model(service, DEFAULT_QUERY.with_(limit=2))
    model.reload()
    qtbot.waitUntil(lambda: len(service.calls) == 1)
    assert not model.canFetchMore()
    service.calls[0][2].set_result(Page((row(1), row(2)), (JOINED, 2)))
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert model.canFetchMore()
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: len(service.calls) == 2)
    assert not model.canFetchMore()  # one page in flight at a time
    model.fetchMore(QModelIndex())
    query, after, future = service.calls[1]
    assert after == (JOINED, 2) and query == model.query
    future.set_result(Page((row(3),), None))
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert not model.canFetchMore()
    assert len(service.calls) == 2
    assert [r.id for r in model.rows()] == [1, 2, 3]


def test_header_sort_asks_the_service_for_a_new_query(qtbot: Any, make_model: Any) -> None:
    service = FakeService()
    model = make_model(service)
    model.reload()
    qtbot.waitUntil(lambda: len(service.calls) == 1)
    service.calls[0][2].set_result(Page((row(1),), None))
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    model.sort(DirectoryModel.column_index("name"), Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: len(service.calls) == 2)
    query, after, _ = service.calls[1]
    assert (query.sort, query.descending, after) == ("name", True, None)
    assert model.rowCount() == 0 and model.state == LoadState.LOADING
    model.sort(DirectoryModel.column_index("email"), Qt.SortOrder.AscendingOrder)  # not sortable
    model.sort(DirectoryModel.column_index("name"), Qt.SortOrder.DescendingOrder)  # unchanged
    qtbot.wait(20)
    assert len(service.calls) == 2


def test_answers_to_replaced_queries_are_dropped(qtbot: Any, make_model: Any) -> None:
    service = FakeService()
    model = make_model(service)
    model.reload()
    qtbot.waitUntil(lambda: len(service.calls) == 1)
    model.set_filter("search", "ada")
    qtbot.waitUntil(lambda: len(service.calls) == 2)
    model.set_filter("search", "ada l")
    qtbot.waitUntil(lambda: len(service.calls) == 3)
    assert service.calls[2][0].filters == {"search": "ada l"}
    # Answers arrive out of order: only the latest query's rows may show.
    service.calls[2][2].set_result(Page((row(7, "Ada Lovelace"),), None))
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    service.calls[1][2].set_result(Page((row(8, "Ada Byron"), row(9, "Adam Smith")), None))
    service.calls[0][2].set_result(Page(tuple(row(i) for i in range(20)), None))
    qtbot.wait(30)
    assert [r.full_name for r in model.rows()] == ["Ada Lovelace"]
    model.set_filter("search", "")
    qtbot.waitUntil(lambda: len(service.calls) == 4)
    assert service.calls[3][0].filters == {}
    service.calls[3][2].set_result(Page((), None))
    qtbot.waitUntil(lambda: model.state == LoadState.EMPTY)


def test_replace_rows_refreshes_in_place(qtbot: Any, make_model: Any) -> None:
    service = FakeService()
    model = make_model(service)
    model.reload()
    qtbot.waitUntil(lambda: len(service.calls) == 1)
    service.calls[0][2].set_result(Page((row(1), row(2)), None))
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    with qtbot.waitSignal(model.dataChanged):
        model.replace_rows([row(2, interviews=5)])
    assert cell(model, 1, "interviews") == "5"
    assert cell(model, 0, "interviews") == "3"


def test_model_deleted_while_a_page_loads_is_quiet(qtbot, qloop, sqlite_workspace) -> None:
    """Closing a screen mid-load must not raise 'Signal source has been deleted'."""
    import asyncio

    from shiboken6 import delete

    from milo_desktop.services.core.paging import Page, PageQuery
    from milo_desktop.views.widgets.paged_model import PagedTableModel

    release = asyncio.Event()
    finished: list[str] = []

    async def slow_fetch(query: PageQuery, after: object) -> Page[object]:
        await release.wait()
        return Page((), None)

    def spawn(coro, name):
        task = qloop.create_task(coro, name=name)
        task.add_done_callback(lambda t: finished.append("error" if t.exception() else "ok"))
        return task

    model = PagedTableModel(slow_fetch, spawn, PageQuery(sort="joined"))
    model.reload()
    delete(model)
    release.set()
    qtbot.waitUntil(lambda: finished == ["ok"], timeout=3000)
