"""Opening the workspace database: engine set-up, SQLite pragmas, owner-only file, migrations."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from milo_desktop.errors import DatabaseProblem, SchemaTooNew
from milo_desktop.files import private_dir, private_file, tighten

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BACKUPS_KEPT = 3


@dataclass(frozen=True)
class DatabaseInfo:
    """What the status bar shows: which database, where."""

    dialect: str  # "sqlite" or "postgresql"
    location: str  # file path, or host/database without the password

    @property
    def is_team(self) -> bool:
        return self.dialect == "postgresql"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _prepare_sqlite_file(path: Path) -> None:
    """Create the file owner-only (0600) before SQLite does, so it never exists readable by
    others, in a 0700 folder when the folder is new (an existing one is the data dir, made
    private by the app, or a place the user chose for it).

    SQLite creates the -wal, -shm and -journal files with the database file's own permission
    bits: it sets them to match right after creating them, whatever the umask (os_unix.c,
    ``findCreateFileMode`` / ``robust_open``), so a 0600 database gives 0600 side files. Ones an
    older version left wider are tightened here. Setting ``os.umask`` around connection
    creation was not chosen: the umask is process-wide, so it would race with every other
    thread creating files meanwhile, and the pool opens connections later anyway."""
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        tighten(path.with_name(path.name + suffix))


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-32000")  # 32 MB page cache per connection
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def create_workspace_engine(url: str) -> Engine:
    """An engine for a workspace URL, with the SQLite settings the app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _prepare_sqlite_file(Path(parsed.database))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 5},
            pool_size=4,
            max_overflow=4,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=4, max_overflow=4, pool_pre_ping=True)


def describe(engine: Engine) -> DatabaseInfo:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return DatabaseInfo("sqlite", url.database or ":memory:")
    return DatabaseInfo(
        "postgresql", f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
    )


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def _backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy the live database with SQLite's backup API (safe with WAL), keep the newest few."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{revision or 'empty'}.{stamp}.bak")
    private_file(target)  # 0600 before SQLite writes the copy (and its journal) into it
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    old = sorted(path.parent.glob(f"{path.name}.*.bak"), key=lambda p: p.stat().st_mtime)
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)
    log.info("backed up the workspace before migrating: %s", target)
    return target


def migrate(engine: Engine) -> str | None:
    """Bring the schema to head; returns the path of the backup taken (or None).

    A database stamped with a revision this build does not know was written by a newer
    Milo Desktop: refuse it rather than guess.
    """
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseProblem(
            "The workspace database could not be read. It may be damaged or locked by "
            "another program.",
            detail=str(exc),
        ) from exc
    head = script.get_current_head()
    if current == head:
        return None
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise SchemaTooNew(
                "This workspace was saved by a newer version of Milo Desktop "
                f"(schema {current}). Please update Milo Desktop to open it; "
                "the database was left untouched.",
            ) from exc
    backup = None
    on_file = engine.url.get_backend_name() == "sqlite" and engine.url.database not in (None, ":memory:")
    if on_file and current is not None:  # a fresh file has nothing worth a copy
        backup = str(_backup_sqlite(Path(engine.url.database or ""), current))
    log.info("migrating workspace schema %s -> %s", current, head)
    command.upgrade(alembic_config(engine), "head")
    return backup


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services hand out plain data built inside the session anyway,
    # and it spares a refresh round-trip after every write.
    return sessionmaker(engine, expire_on_commit=False)
