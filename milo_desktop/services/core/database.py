"""Database work off the GUI thread.

One writer thread (SQLite has a single writer; serialising writes here avoids busy waits) and
a small pool of readers, each unit of work in its own short-lived session. Services call
``await db.read(fn)`` / ``await db.write(fn)`` where ``fn(session)`` runs in a worker thread
and returns plain data, never ORM objects.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from milo_desktop.errors import DatabaseProblem, DiskFull
from milo_desktop.models.db import DatabaseInfo, describe, make_session_factory

T = TypeVar("T")
log = logging.getLogger(__name__)

_GUI_THREAD_NAME = "MainThread"


def _classify(exc: OperationalError) -> Exception:
    """Turn the environment's database failures into messages; leave our bugs alone."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = text.lower()
    if "database or disk is full" in lowered or "no space left" in lowered:
        return DiskFull("The disk holding your workspace is full. Free some space and retry.")
    if "database is locked" in lowered:
        return DatabaseProblem(
            "The workspace is busy in another program. Close other copies of Milo Desktop "
            "and try again.",
            detail=text,
        )
    if "could not connect" in lowered or "connection refused" in lowered:
        return DatabaseProblem(
            "The team database server cannot be reached. Check the network or the server.",
            detail=text,
        )
    return exc


class Database:
    """The engine plus the executors every service shares."""

    def __init__(self, engine: Engine, *, readers: int = 3) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.info: DatabaseInfo = describe(engine)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="db-reader")
        self._closed = False

    @property
    def dialect(self) -> str:
        return self.info.dialect

    def _run(self, fn: Callable[[Session], T], *, write: bool) -> T:
        if threading.current_thread().name == _GUI_THREAD_NAME and not _allow_sync.is_set():
            # A guard, not a style rule: database calls on the GUI thread freeze the window.
            raise RuntimeError("database work on the GUI thread; use await db.read/write")
        try:
            with self.sessions() as session:
                if write:
                    with session.begin():
                        return fn(session)
                return fn(session)
        except OperationalError as exc:
            classified = _classify(exc)
            if classified is exc:
                raise
            raise classified from exc

    def _check_open(self) -> None:
        if self._closed:
            # The workspace closed under a background task (quitting, switching workspace):
            # abandon the work quietly, as a cancellation, not as a crash.
            raise asyncio.CancelledError("the workspace is closed")

    async def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in a reader thread and return its (plain) result."""
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._readers, functools.partial(self._run, fn, write=False)
        )

    async def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in the single writer thread, inside one transaction."""
        self._check_open()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._writer, functools.partial(self._run, fn, write=True)
        )

    def run_sync(self, fn: Callable[[Session], T], *, write: bool = False) -> T:
        """For worker threads, command-line tools, benchmarks and tests without an event loop."""
        if threading.current_thread().name != _GUI_THREAD_NAME:
            return self._run(fn, write=write)
        with allow_sync():
            return self._run(fn, write=write)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._readers.shutdown(wait=True, cancel_futures=True)
        self.engine.dispose()


_allow_sync = threading.Event()


class allow_sync:  # noqa: N801 - used as a context manager
    """Permit synchronous database calls on the main thread (CLI paths, never the GUI)."""

    def __enter__(self) -> None:
        self._was = _allow_sync.is_set()
        _allow_sync.set()

    def __exit__(self, *exc: object) -> None:
        if not self._was:
            _allow_sync.clear()
