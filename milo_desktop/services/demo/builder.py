"""The demo workspace behind ``milo-desktop --demo``: realistic, deterministic, and big on demand.

Same ``seed`` and ``now`` give the same rows (one ``random.Random``, no wall clock, no uuid4).
Dates are relative to ``now`` so the screens show "4d left", "joined 3 days ago" and so on.

Built for scale: a million candidates must load in well under three minutes on a laptop, so
the big tables are written with plain DBAPI ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)
from tuples, with ids assigned here so no row needs a round-trip for its key. On SQLite the
secondary indexes of those tables are dropped for the load and recreated from their own DDL
afterwards (sorting once beats millions of random B-tree inserts), and the search index's
per-row insert trigger is replaced by one INSERT…SELECT per batch, run in a worker thread
while the next batch is generated. Everything runs in one transaction: the demo is either
fully there or not at all (a failed or cancelled build leaves the schema as it was).
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from random import Random
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from milo_desktop.models import Base, Candidate, Interviewer, Label, WorkspaceSetting
from milo_desktop.services.core.database import Database
from milo_desktop.services.demo import data
from milo_desktop.services.demo.base import Progress
from milo_desktop.services.demo.data import DAY
from milo_desktop.services.demo.people import People
from milo_desktop.services.demo.roles import Roles

# The exact text SQLAlchemy stores for a DateTime on SQLite ("2026-11-22 12:00:00.000000"),
# so bulk rows sort and parse like ORM rows. CAST truncates like int(): no rounding up.
_SQLITE_TIME = "strftime('%Y-%m-%d %H:%M:%S.000000', CAST(? AS INTEGER), 'unixepoch')"
DEMO_KEY = "demo"  # workspace_settings row that marks a built demo
# Tables the bulk loader fills; on SQLite their secondary indexes are rebuilt after the load.
BULK_TABLES = ("candidates", "applications", "stage_results", "answers", "candidate_notes",
               "messages")


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build wrote; ``seconds`` is informative and ignored when comparing."""

    seed: int
    candidates: int
    interviewers: int
    applications: int
    stage_results: int
    answers: int
    notes: int
    messages: int
    receptionists: int
    inbound_calls: int
    spend_entries: int
    notifications: int
    seconds: float = field(default=0.0, compare=False)


def is_demo_built(db: Database | Session) -> bool:
    """True when the workspace already holds a finished demo (so a second open reuses it).

    Takes the ``Database`` (blocking) or a ``Session``, so it also works as a unit of work:
    ``await db.read(is_demo_built)``.
    """
    if isinstance(db, Session):
        return db.get(WorkspaceSetting, DEMO_KEY) is not None
    return db.run_sync(is_demo_built)


def demo_settings(db: Database | Session) -> dict[str, Any] | None:
    """The stored description of the demo (seed, candidates, now, built_at, counts), or None.

    Like ``is_demo_built``, takes the ``Database`` or a ``Session``.
    """
    if isinstance(db, Session):
        row = db.get(WorkspaceSetting, DEMO_KEY)
        return dict(row.value) if row is not None else None
    return db.run_sync(demo_settings)


def build_demo(
    db: Database,
    *,
    candidates: int = 3000,
    seed: int = 7,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty workspace with the demo data set; blocking (run it off the GUI thread).

    ``progress(stage, done, total)`` is called as work advances; if it raises (a cancel
    button), the whole build is rolled back and the exception propagates.
    Raises ``ValueError`` when the workspace already has interviewers, candidates or labels.
    """
    if candidates < 0:
        raise ValueError("candidates must be zero or more")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    now = now.astimezone(dt.UTC)
    report: Progress = progress or (lambda _stage, _done, _total: None)
    started = time.perf_counter()

    def build(session: Session) -> DemoSummary:
        conn = session.connection()
        for model in (Interviewer, Candidate, Label):
            if conn.execute(select(func.count()).select_from(model)).scalar_one():
                raise ValueError("the demo can only be built in an empty workspace")
        builder = _Builder(conn, Random(seed), now, report)
        try:
            counts = builder.run(candidates)
            value = {"seed": seed, "candidates": candidates, "now": now.isoformat(),
                     "built_at": dt.datetime.now(dt.UTC).isoformat(), "counts": counts}
            settings = Base.metadata.tables[WorkspaceSetting.__tablename__]
            conn.execute(insert(settings), [{"key": DEMO_KEY, "value": value}])
            builder.finish()
        finally:
            builder.restore()  # the connection goes back to the pool either way
        return DemoSummary(seed=seed, candidates=candidates, **counts)

    summary = db.run_sync(build, write=True)
    if db.dialect == "sqlite":
        # Outside the transaction: fold the big WAL back into the file and shrink it.
        db.run_sync(lambda s: s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
    return replace(summary, seconds=round(time.perf_counter() - started, 2))


class _Builder:
    """One build: the rng, the clock and the connection, plus the ids handed out so far."""

    def __init__(self, conn: Connection, rng: Random, now: dt.datetime, report: Progress) -> None:
        self.conn, self.rng, self.now, self.report = conn, rng, now, report
        self.now_t = now.timestamp()
        self.sqlite = conn.dialect.name == "sqlite"
        self.cursor: Any = conn.connection.cursor()  # the DBAPI cursor, for the fast path
        self.saved_ddl: list[str] = []
        self.ids: dict[str, int] = {}  # last id handed out per table, where shared
        self.cache_size: int | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-index")
        self.pending: Future[Any] | None = None
        self.fts_cols: list[str] = []

    # -- time -------------------------------------------------------------------------------
    def at(self, t: float) -> dt.datetime:
        """An aware datetime for a POSIX time (Core inserts apply the column type)."""
        return dt.datetime.fromtimestamp(int(t), dt.UTC)

    def ago(self, days_lo: float, days_hi: float) -> float:
        return self.now_t - self.rng.uniform(days_lo, days_hi) * DAY

    # -- writing ----------------------------------------------------------------------------
    def core(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.wait()
        if rows:
            self.conn.execute(insert(Base.metadata.tables[table]), rows)

    def bulk(self, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert tuples in ``cols`` order; ``*_at`` columns hold POSIX seconds (or None)."""
        self.wait()
        if not rows:
            return
        names = ", ".join(cols)
        if self.sqlite:
            # SQLite turns the seconds into SQLAlchemy's text format itself, in C: formatting
            # ~10 million datetimes in Python was the largest cost of a 1M build.
            marks = ", ".join(_SQLITE_TIME if c.endswith("_at") else "?" for c in cols)
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        times = [i for i, c in enumerate(cols) if c.endswith("_at")]
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = list(row)
                for i in times:
                    values[i] = None if values[i] is None else self.at(values[i])
                copy.write_row(values)

    def sql(self, statement: str) -> Any:
        self.wait()
        return self.conn.exec_driver_sql(statement)

    def index_candidates(self, first_id: int, last_id: int) -> None:
        """Add a batch of candidates to the SQLite search index in a worker thread.

        SQLite releases the GIL while one long statement runs, so the trigram indexing of
        batch k (a quarter of a 1M build's time) overlaps the generation of batch k+1 in
        Python. Every other use of the connection waits for it first (``wait``).
        """
        if not self.sqlite:
            return  # PostgreSQL's trigram indexes are maintained by the inserts
        self.wait()
        cols = ", ".join(self.fts_cols)
        statement = (f"INSERT INTO candidates_fts(rowid, {cols}) SELECT id, {cols} "
                     "FROM candidates WHERE id BETWEEN ? AND ?")
        self.pending = self.worker.submit(self.cursor.execute, statement, (first_id, last_id))

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # re-raises the worker's error here

    # -- the build --------------------------------------------------------------------------
    def run(self, n_candidates: int) -> dict[str, int]:
        self.report("interviewers", 0, len(data.ROLES))
        roles = Roles(self)
        roles.build()  # labels, interviewers, stages, questions, subscribers, templates, team
        self.report("interviewers", len(data.ROLES), len(data.ROLES))
        if self.sqlite:
            self._prepare_sqlite_load()
        people = People(self, roles.open_interviewers())
        people.build(n_candidates)
        calls = roles.receptionists(people.sample)
        spend = roles.spend()
        notes = roles.notifications(people, calls)
        roles.audit()
        return {
            "interviewers": len(roles.interviewers), "applications": people.n_apps,
            "stage_results": people.n_stages, "answers": people.n_answers + roles.n_call_answers,
            "notes": people.n_notes, "messages": people.n_messages,
            "receptionists": len(data.RECEPTIONISTS), "inbound_calls": calls,
            "spend_entries": spend, "notifications": notes,
        }

    def _prepare_sqlite_load(self) -> None:
        # pysqlite opens its transaction lazily at the first DML; the interviewers above were
        # DML, so the DDL below is part of the transaction and rolls back with it on failure.
        dbapi = self.conn.connection.dbapi_connection  # a sqlite3.Connection (not in its type)
        assert getattr(dbapi, "in_transaction", False)
        tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
        rows = self.sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
            f"((type = 'index' AND tbl_name IN ({tables})) OR name = 'candidates_fts_ai')"
        ).all()
        for kind, name, ddl in rows:
            self.saved_ddl.append(ddl)
            self.sql(f"DROP {'TRIGGER' if kind == 'trigger' else 'INDEX'} {name}")
        # The indexed columns, as the migration defined them (full_name, email, phone_e164).
        self.fts_cols = [r[1] for r in self.sql("PRAGMA table_info(candidates_fts)").all()]
        self.cache_size = self.sql("PRAGMA cache_size").scalar_one()
        self.sql("PRAGMA cache_size=-262144")  # 256 MB while loading, restored in restore()

    def finish(self) -> None:
        """Indexes, search index, sequences and planner statistics after the load."""
        if self.sqlite:
            self.report("indexes", 0, len(self.saved_ddl))
            for n, ddl in enumerate(self.saved_ddl):  # the search index is already filled
                self.sql(ddl)
                self.report("indexes", n + 1, len(self.saved_ddl))
            self.report("statistics", 0, 1)
            self.sql("PRAGMA analysis_limit=1000")  # sampled ANALYZE: seconds, not minutes
            self.sql("ANALYZE")
            self.sql("PRAGMA analysis_limit=0")  # the connection goes back to the pool
        else:
            self.report("statistics", 0, 1)
            # Ids were given explicitly, so move each serial sequence past the highest one.
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    self.sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
            self.sql("ANALYZE")
        self.report("statistics", 1, 1)

    def restore(self) -> None:
        """Leave the connection as found, whether the build worked or not."""
        if self.pending is not None:
            # Only after a failure: let the indexing statement end before the rollback, and
            # keep the original exception (this one, if any, is a consequence of it).
            self.pending.exception()
            self.pending = None
        self.worker.shutdown(wait=True)
        if self.cache_size is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(self.cache_size)}")

