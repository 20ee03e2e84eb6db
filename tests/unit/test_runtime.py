"""The runtime pieces: event bus, task registry, database executors, log redaction, options."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from milo_desktop.app.config import parse_options
from milo_desktop.errors import DatabaseProblem, ValidationProblem
from milo_desktop.services.core.events import CandidatesChanged, EventBus, TaskFailed
from milo_desktop.services.core.logs import redact, setup_logging
from milo_desktop.services.core.tasks import TaskRegistry
from milo_desktop.services.workspace import Workspace


def test_bus_delivers_on_the_loop_thread_whatever_thread_publishes(arun) -> None:
    bus = EventBus()
    seen: list[tuple[tuple[int, ...], str]] = []

    async def scenario() -> None:
        bus.bind_loop(asyncio.get_running_loop())
        bus.subscribe(
            CandidatesChanged, lambda e: seen.append((e.ids, threading.current_thread().name))
        )
        worker = threading.Thread(
            target=lambda: bus.publish(CandidatesChanged((1, 2))), name="worker"
        )
        worker.start()
        worker.join()
        for _ in range(50):
            if seen:
                break
            await asyncio.sleep(0.01)

    arun(scenario())
    assert seen == [((1, 2), threading.main_thread().name)]


@pytest.mark.expect_log_warnings
def test_closed_subscription_stops_delivery_and_bad_handlers_do_not_starve_others(caplog) -> None:
    bus = EventBus()
    got: list[object] = []

    def broken(_e: object) -> None:
        raise RuntimeError("boom")

    bus.subscribe(CandidatesChanged, broken)
    sub = bus.subscribe(CandidatesChanged, got.append)
    bus.publish(CandidatesChanged((7,)))
    sub.close()
    bus.publish(CandidatesChanged((8,)))
    assert got == [CandidatesChanged((7,))]
    assert "boom" in caplog.text


@pytest.mark.expect_log_warnings
def test_task_registry_keeps_reports_and_cancels(arun, caplog) -> None:
    bus = EventBus()
    failures: list[TaskFailed] = []
    bus.subscribe(TaskFailed, failures.append)
    tasks = TaskRegistry(bus)

    async def fails() -> None:
        raise ValueError("our bug")

    async def user_problem() -> None:
        raise ValidationProblem("Budget must be positive")

    async def forever() -> None:
        await asyncio.sleep(3600)

    async def scenario() -> list[str]:
        tasks.spawn(fails(), name="fails")
        tasks.spawn(user_problem(), name="validation")
        tasks.spawn(forever(), name="forever")
        await asyncio.sleep(0.05)
        running = tasks.running
        await tasks.drain()
        return running

    with caplog.at_level(logging.WARNING):
        running = arun(scenario())
    assert running == ["forever"]
    assert tasks.running == []
    assert sorted(f.name for f in failures) == ["fails", "validation"]
    assert "task fails failed" in caplog.text  # our bug: logged with traceback
    assert "Budget must be positive" in caplog.text  # environment: logged as a warning


def test_database_work_runs_off_the_calling_thread(sqlite_workspace: Workspace, arun) -> None:
    names = arun(sqlite_workspace.db.read(lambda s: threading.current_thread().name))
    assert names.startswith("db-reader")
    assert arun(sqlite_workspace.db.write(lambda s: threading.current_thread().name)).startswith(
        "db-writer"
    )


def test_database_refuses_the_gui_thread_without_opt_in(sqlite_workspace: Workspace) -> None:
    with pytest.raises(RuntimeError, match="GUI thread"):
        sqlite_workspace.db._run(lambda s: 1, write=False)


def test_locked_database_becomes_a_user_message(tmp_path: Path, arun) -> None:
    import sqlite3

    ws = Workspace.open(f"sqlite:///{tmp_path / 'w.db'}")
    blocker = sqlite3.connect(tmp_path / "w.db", timeout=0.1)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        ws.db.engine.pool.dispose()
        with pytest.raises(DatabaseProblem, match="busy in another program"):
            arun(
                ws.db.write(
                    lambda s: (
                        s.execute(__import__("sqlalchemy").text("PRAGMA busy_timeout=50"))
                        and s.execute(
                            __import__("sqlalchemy").text(
                                "INSERT INTO labels (name, kind, color) VALUES ('x', 'd', '#000')"
                            )
                        )
                    )
                )
            )
    finally:
        blocker.rollback()
        blocker.close()
        ws.close()


@pytest.mark.parametrize(
    ("raw", "leaked"),
    [
        ("auth_token=0123456789abcdef0123456789abcdef sent", "0123456789abcdef0123456789abcdef"),
        ('{"password": "hunter2", "user": "amy"}', "hunter2"),
        ("Authorization: Basic QUMxMjM0NTY3ODk6c2VjcmV0", "QUMxMjM0NTY3ODk6c2VjcmV0"),
        ("connecting to postgresql://milo:pa55word@db.local/team", "pa55word"),
        ("sms body=Your interview code is 4417", "4417"),
    ],
)
def test_log_redaction(raw: str, leaked: str) -> None:
    assert leaked not in redact(raw)


@pytest.mark.expect_log_warnings
def test_log_file_never_holds_the_secret(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    log = logging.getLogger("milo_desktop.test")
    try:
        log.warning("twilio auth failed for token=%s", "f" * 32)
        try:
            raise RuntimeError("password=letmein")
        except RuntimeError:
            log.exception("while connecting")
        # A library's record reaches the file through propagation: the filter sits on the
        # handler, so it is redacted too (a filter on a logger would miss it).
        logging.getLogger("httpx").warning(
            "HTTP Request: GET https://api.twilio.com/2010-04-01/Messages.json?To=%%2B12145550142"
            " from %s", "ada@example.com")
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_milo", False):
                handler.close()
                logging.getLogger().removeHandler(handler)
    text = path.read_text()
    assert "f" * 32 not in text and "letmein" not in text
    assert "twilio auth failed" in text and "[redacted]" in text
    assert "2145550142" not in text and "ada@example.com" not in text
    assert "GET https://api.twilio.com/2010-04-01/Messages.json?[query] from [email]" in text


def test_options_pick_the_right_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MILO_DATA_DIR", raising=False)
    o = parse_options(["--data-dir", str(tmp_path)])
    assert o.db_url == f"sqlite:///{tmp_path.resolve()}/workspace.db" and not o.demo
    o = parse_options(["--data-dir", str(tmp_path), "--demo"])
    assert o.db_url.endswith("/demo.db") and o.demo and o.demo_candidates == 3000
    o = parse_options(["--data-dir", str(tmp_path), "--demo-candidates", "1000000"])
    assert o.db_url.endswith("/demo-1000000.db") and o.demo
    o = parse_options(["--db-url", "postgresql+psycopg://u@h/db", "--view", "interviewer:forklift"])
    assert o.db_url.startswith("postgresql") and o.view == "interviewer:forklift"
    monkeypatch.setenv("MILO_DATA_DIR", str(tmp_path / "env"))
    assert parse_options([]).paths.data_dir == (tmp_path / "env").resolve()
    for bad in (
        ["--view", "nowhere"],
        ["--demo-candidates", "0"],
        ["--demo-candidates", "1000001"],
    ):
        with pytest.raises(SystemExit):
            parse_options(bad)


def test_work_after_the_workspace_closed_is_abandoned_quietly(sqlite_url: str, arun) -> None:
    ws = Workspace.open(sqlite_url)
    ws.close()
    with pytest.raises(asyncio.CancelledError):
        arun(ws.db.read(lambda s: 1))


def test_full_collections_wait_for_an_idle_moment() -> None:
    """heap.py: after startup the heap is frozen, the collector's own full passes are made
    rare, and the idle collector runs the full pass only when not busy and not too often."""
    import gc

    from milo_desktop.app.heap import (
        DEFERRED_THRESHOLD2,
        IdleCollector,
        defer_full_collections,
        settle_heap,
    )

    before = gc.get_threshold()
    try:
        assert settle_heap() > 0
        defer_full_collections()
        assert gc.get_threshold() == (before[0], before[1], DEFERRED_THRESHOLD2)
        collector = IdleCollector(every_s=0.0)
        assert not collector.collect_if_idle(busy=True) and collector.passes == 0
        assert collector.collect_if_idle(busy=False) and collector.passes == 1
        patient = IdleCollector(every_s=3600)
        assert not patient.collect_if_idle(busy=False)  # ran too recently
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
