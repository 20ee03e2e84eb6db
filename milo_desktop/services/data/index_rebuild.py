"""Rebuilding the search index with progress and Cancel (Data → "Rebuild search index").

``SearchService.rebuild_index`` is one FTS5 'rebuild' statement: nothing to show while a
million rows are read, and nothing to stop. Here the same work is done in batches:

- SQLite: in ONE write transaction, 'delete-all' then the rows inserted batch by batch by id
  (what 'rebuild' does inside), 'optimize' at the end. Cancel raises between batches and the
  transaction rolls back, so a cancelled rebuild leaves the index exactly as it was, and no
  write lands between batches to be indexed twice (the triggers keep working on commit).
- PostgreSQL: ``REINDEX INDEX CONCURRENTLY`` index by index, teammates reading and writing
  meanwhile; Cancel stops before the next index (each one done is whole, the rest as they
  were).

``on_progress`` is called on the database thread (a view hands it on with a Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from milo_desktop.services.core.database import Database
from milo_desktop.services.search import reindex_postgres

log = logging.getLogger(__name__)

BATCH = 5_000
_SQLITE_TABLES = (("candidates_fts", "candidates"), ("interviewers_fts", "interviewers"))


@dataclass(frozen=True)
class RebuildProgress:
    done: int  # rows (SQLite) or indexes (PostgreSQL) rebuilt so far
    total: int
    unit: str  # "rows" | "indexes"


class _Cancelled(Exception):
    """Raised between batches to roll the transaction back."""


class IndexRebuild:
    """One rebuild: ``await run()`` once (True: finished, False: cancelled); ``cancel()`` from
    any thread."""

    def __init__(self, db: Database,
                 on_progress: Callable[[RebuildProgress], None] | None = None, *,
                 batch: int = BATCH) -> None:
        self.db = db
        self.on_progress = on_progress
        self.batch = max(1, batch)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    async def run(self) -> bool:
        try:
            if self.db.dialect == "sqlite":
                await self.db.write(self._sqlite)
            else:
                await self.db.read(self._postgres)
        except _Cancelled:
            log.info("search index rebuild cancelled")
            return False
        return True

    def _step(self, done: int, total: int, unit: str) -> None:
        if self._cancel.is_set():
            raise _Cancelled
        if self.on_progress is not None:
            self.on_progress(RebuildProgress(done, total, unit))

    def _sqlite(self, s: Session) -> None:
        total = sum(int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                    for _fts, table in _SQLITE_TABLES)
        done = 0
        self._step(done, total, "rows")
        for fts, table in _SQLITE_TABLES:
            cols = ", ".join(r[1] for r in s.execute(text(f"PRAGMA table_info({fts})")))
            s.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')"))
            last = 0
            while True:
                high = s.execute(text(
                    f"SELECT max(id), count(*) FROM (SELECT id FROM {table} WHERE id > :lo "
                    f"ORDER BY id LIMIT :n)"), {"lo": last, "n": self.batch}).one()
                if not high[1]:
                    break
                s.execute(text(f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM "
                               f"{table} WHERE id > :lo AND id <= :hi"),
                          {"lo": last, "hi": high[0]})
                last, done = int(high[0]), done + int(high[1])
                self._step(done, total, "rows")
        for fts, _table in _SQLITE_TABLES:
            s.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))

    def _postgres(self, s: Session) -> None:
        reindex_postgres(s, lambda done, total: self._step(done, total, "indexes"))
