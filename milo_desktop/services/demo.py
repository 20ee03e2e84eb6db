"""The demo workspace behind ``milo-desktop --demo``: realistic, deterministic, and big on demand.

Same ``seed`` and ``now`` give the same rows (one ``random.Random``, no wall clock, no uuid4).
Dates are relative to ``now`` so the screens show "4d left", "joined 3 days ago" and so on.

Built for scale: a million candidates must load in well under three minutes on a laptop, so
the big tables are written with plain DBAPI ``executemany`` (SQLite) or ``COPY`` (PostgreSQL)
from tuples, with ids assigned here so no row needs a round-trip for its key. On SQLite the
secondary indexes and the search-index insert trigger are dropped for the load and recreated
from their own DDL afterwards (sorting once is far cheaper than millions of random B-tree
inserts). Everything runs in one transaction: the demo is either fully there or not at all.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from milo_desktop.models import Base, Candidate, Interviewer, Label, WorkspaceSetting
from milo_desktop.services import demo_data as D
from milo_desktop.services.database import Database
from milo_desktop.services.demo_data import DAY
from milo_desktop.services.demo_people import People
from milo_desktop.services.demo_roles import Roles

Progress = Callable[[str, int, int], None]
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


def is_demo_built(db: Database) -> bool:
    """True when the workspace already holds a finished demo (so a second open reuses it)."""
    return db.run_sync(lambda s: s.get(WorkspaceSetting, DEMO_KEY) is not None)


def demo_settings(db: Database) -> dict[str, Any] | None:
    """The stored description of the demo (seed, candidates, now, built_at, counts), or None."""

    def read(s: Session) -> dict[str, Any] | None:
        row = s.get(WorkspaceSetting, DEMO_KEY)
        return dict(row.value) if row is not None else None

    return db.run_sync(read)


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
        counts = builder.run(candidates)
        summary = DemoSummary(seed=seed, candidates=candidates, **counts)
        value = {"seed": seed, "candidates": candidates, "now": now.isoformat(),
                 "built_at": dt.datetime.now(dt.UTC).isoformat(), "counts": counts}
        conn.execute(insert(WorkspaceSetting.__table__), [{"key": DEMO_KEY, "value": value}])
        builder.finish()
        return summary

    summary = db.run_sync(build, write=True)
    if db.dialect == "sqlite":
        # Outside the transaction: fold the big WAL back into the file and shrink it.
        db.run_sync(lambda s: s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
    return DemoSummary(**{**summary.__dict__, "seconds": round(time.perf_counter() - started, 2)})


class _Builder:
    """One build: the rng, the clock and the connection, plus the ids handed out so far."""

    def __init__(self, conn: Connection, rng: Random, now: dt.datetime, report: Progress) -> None:
        self.conn, self.rng, self.now, self.report = conn, rng, now, report
        self.now_t = now.timestamp()
        self.sqlite = conn.dialect.name == "sqlite"
        self.cursor: Any = conn.connection.cursor()  # the DBAPI cursor, for the fast path
        self.saved_ddl: list[str] = []
        self.cache_size: int | None = None

    # -- time -------------------------------------------------------------------------------
    def at(self, t: float) -> dt.datetime:
        """An aware datetime for a POSIX time (Core inserts apply the column type)."""
        return dt.datetime.fromtimestamp(int(t), dt.UTC)

    def raw_time(self, t: float | None) -> Any:
        """A value for the bulk path: SQLAlchemy's own SQLite text format, or a datetime."""
        if t is None:
            return None
        if self.sqlite:
            return (_EPOCH + dt.timedelta(seconds=int(t))).isoformat(" ", "microseconds")
        return _EPOCH_UTC + dt.timedelta(seconds=int(t))

    def ago(self, days_lo: float, days_hi: float) -> float:
        return self.now_t - self.rng.uniform(days_lo, days_hi) * DAY

    # -- writing ----------------------------------------------------------------------------
    def core(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(Base.metadata.tables[table]), rows)

    def bulk(self, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(cols)
        if self.sqlite:
            marks = ", ".join("?" * len(cols))
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        else:
            with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def sql(self, statement: str) -> Any:
        return self.conn.exec_driver_sql(statement)

    # -- the build --------------------------------------------------------------------------
    def run(self, n_candidates: int) -> dict[str, int]:
        self.report("interviewers", 0, len(D.ROLES))
        roles = Roles(self)
        roles.build()  # labels, interviewers, stages, questions, subscribers, templates, team
        self.report("interviewers", len(D.ROLES), len(D.ROLES))
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
            "receptionists": len(D.RECEPTIONISTS), "inbound_calls": calls,
            "spend_entries": spend, "notifications": notes,
        }

    def _prepare_sqlite_load(self) -> None:
        # pysqlite opens its transaction lazily at the first DML; the interviewers above were
        # DML, so the DDL below is part of the transaction and rolls back with it on failure.
        assert self.conn.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
        tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
        rows = self.sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
            f"((type = 'index' AND tbl_name IN ({tables})) OR name = 'candidates_fts_ai')"
        ).all()
        for kind, name, ddl in rows:
            self.saved_ddl.append(ddl)
            self.sql(f"DROP {'TRIGGER' if kind == 'trigger' else 'INDEX'} {name}")
        self.cache_size = self.sql("PRAGMA cache_size").scalar_one()
        self.sql("PRAGMA cache_size=-262144")  # 256 MB while loading, restored in finish()

    def finish(self) -> None:
        """Indexes, search index, sequences and planner statistics after the load."""
        if self.sqlite:
            self.report("search index", 0, 1)
            for ddl in self.saved_ddl:
                self.sql(ddl)
            self.sql("INSERT INTO candidates_fts(candidates_fts) VALUES('rebuild')")
            self.report("search index", 1, 1)
            self.report("statistics", 0, 1)
            self.sql("PRAGMA analysis_limit=1000")  # sampled ANALYZE: seconds, not minutes
            self.sql("ANALYZE")
            self.sql(f"PRAGMA cache_size={self.cache_size}")
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


_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
