"""Shared fixtures: a real workspace on SQLite and (where reachable) PostgreSQL, an event loop
for services, and a qasync loop for the GUI tests."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

# Offscreen, on a desktop-sized screen (the plugin's default is 800×800, smaller than our
# minimum window, so geometry would be clamped).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _screen = os.path.join(os.path.dirname(__file__), "data", "offscreen-screen.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

from milo_desktop.services.workspace import Workspace
from tests.inputs import missing

PG_URL = os.environ.get("MILO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_reason: str | None = None


def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when the server answers."""
    global _pg_reason
    if _pg_reason is None:
        try:
            import psycopg

            dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(dsn, connect_timeout=3) as conn:
                stray = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
            # Test schemas search public too (for pg_trgm); a workspace left in public would
            # shadow theirs.
            _pg_reason = (
                f"the public schema of {PG_URL} holds a workspace; drop its tables first"
                if stray and stray[0]
                else ""
            )
        except Exception as exc:
            _pg_reason = f"no PostgreSQL server reachable at {PG_URL}: {exc}"
    return _pg_reason or None


def _pg_schema_url() -> tuple[str, str]:
    schema = f"milo_t_{uuid.uuid4().hex[:10]}"
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema},public", schema


def _drop_schema(schema: str) -> None:
    import psycopg

    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh, empty workspace URL on each database the app supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workspace.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        missing(reason)  # a skip; under CI=true a failure
    url, schema = _pg_schema_url()
    try:
        yield url
    finally:
        _drop_schema(schema)


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'workspace.db'}"


@pytest.fixture
def workspace(db_url: str) -> Iterator[Workspace]:
    """A migrated, empty workspace on SQLite and on PostgreSQL (service-level tests)."""
    ws = Workspace.open(db_url)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def sqlite_workspace(sqlite_url: str) -> Iterator[Workspace]:
    """A migrated, empty workspace on SQLite only (GUI tests)."""
    ws = Workspace.open(sqlite_url)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def arun() -> Iterator[Any]:
    """Run a coroutine to completion on a plain asyncio loop (service tests, no Qt)."""
    loop = asyncio.new_event_loop()

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))

    try:
        yield run
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop made the running loop, so tasks advance whenever Qt processes events
    (qtbot.waitUntil / waitSignal) exactly as they do under the app's qasync.run."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        asyncio.events._set_running_loop(None)
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        asyncio.set_event_loop(None)
        loop.close()


def multimedia_problem() -> str | None:
    """Why QtMultimedia cannot load here (the app's own probe), or None."""
    from milo_desktop.views.widgets import media

    return media.multimedia_problem()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.requires_multimedia``: skip with the reason where QtMultimedia is missing
    (a machine without libpulse); under CI=true, which installs it, fail instead."""
    if item.get_closest_marker("requires_multimedia") is not None:
        problem = multimedia_problem()
        if problem is not None:
            missing(f"QtMultimedia is unavailable on this machine: {problem}")


@pytest.fixture
def multimedia_unavailable() -> Iterator[str]:
    """QtMultimedia made to fail to load, through the app's probe (as on a machine without
    libpulse); yields the reason the app gives. The real probe is back afterwards."""
    from milo_desktop.views.widgets import media

    def no_libpulse() -> Any:
        raise ImportError("libpulse.so.0: cannot open shared object file: No such file or "
                          "directory", name="PySide6.QtMultimedia")

    media.use_importer(no_libpulse)
    problem = media.multimedia_problem()
    assert problem is not None
    try:
        yield problem
    finally:
        media.use_importer(None)


class _LogFail(logging.Handler):
    """Collects WARNING+ records from our own loggers (qutebrowser's logfail habit)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_our_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A warning or error logged by milo_desktop fails the test unless the test expects it
    (``@pytest.mark.expect_log_warnings``)."""
    handler = _LogFail()
    logger = logging.getLogger("milo_desktop")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("expect_log_warnings") is None:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"unexpected warnings logged:\n{lines}", pytrace=False)


@pytest.fixture(autouse=True)
def _memory_keychain() -> Iterator[None]:
    """Every test's default keychain is a fresh in-memory one: no test reads or writes the
    machine's keychain, and none depends on whether the machine has one (CI has none)."""
    import keyring
    import keyring.core

    from tests.keychains import MemoryKeychain

    before = keyring.core._keyring_backend
    keyring.set_keyring(MemoryKeychain())
    try:
        yield
    finally:
        keyring.core._keyring_backend = before
