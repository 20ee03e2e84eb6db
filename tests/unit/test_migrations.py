"""Migrations: fresh databases, upgrading a file saved at the baseline, refusing newer schemas."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from milo_desktop.errors import SchemaTooNew
from milo_desktop.models import Base
from milo_desktop.models.db import create_workspace_engine, current_revision, head_revision
from milo_desktop.services.workspace import Workspace

BASELINE = Path(__file__).parents[1] / "data" / "workspace-0001_baseline.sqlite"


def test_fresh_workspace_has_every_table_at_head(db_url: str) -> None:
    ws = Workspace.open(db_url)
    try:
        tables = set(inspect(ws.db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert current_revision(ws.db.engine) == head_revision()
        assert ws.backup_path is None  # nothing to back up in a new workspace
    finally:
        ws.close()


def test_models_match_the_migrations(db_url: str) -> None:
    """Autogenerate finds no difference: the migrations build exactly what the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ws = Workspace.open(db_url)
    try:
        with ws.db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = [
                d
                for d in compare_metadata(ctx, Base.metadata)
                # FTS5 tables, trigram and pattern indexes are raw SQL in 0002, on purpose.
                if not any(k in str(part) for part in d for k in ("fts", "trgm", "_prefix"))
            ]
        assert diff == []
    finally:
        ws.close()


def test_sqlite_file_is_owner_only_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    ws = Workspace.open(f"sqlite:///{path}")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with ws.db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        ws.close()


def test_upgrades_a_database_saved_at_the_baseline(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(BASELINE, path)
    ws = Workspace.open(f"sqlite:///{path}")
    try:
        assert current_revision(ws.db.engine) == head_revision()
        # the backup copy was taken before migrating, and is the untouched baseline
        assert ws.backup_path is not None
        backup = sqlite3.connect(ws.backup_path)
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001_baseline",
        )
        assert backup.execute("SELECT count(*) FROM candidates").fetchone() == (2,)
        backup.close()
        assert stat.S_IMODE(Path(ws.backup_path).stat().st_mode) == 0o600
        # the rows survived, and the new search index covers the rows that were already there
        with ws.db.engine.connect() as conn:
            names = (
                conn.execute(text("SELECT full_name FROM candidates ORDER BY id")).scalars().all()
            )
            assert names == ["Natalia Ortega", "Wei Zhang"]
            hits = (
                conn.execute(
                    text("SELECT rowid FROM candidates_fts WHERE candidates_fts MATCH '\"tali\"'")
                )
                .scalars()
                .all()
            )
            assert hits == [1]
            assert conn.execute(
                text("SELECT rowid FROM interviewers_fts WHERE interviewers_fts MATCH '\"klift\"'")
            ).scalars().all() == [1]
    finally:
        ws.close()
    # opening again at head takes no new backup
    ws = Workspace.open(f"sqlite:///{path}")
    try:
        assert ws.backup_path is None
    finally:
        ws.close()


def test_refuses_a_database_from_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    shutil.copy(BASELINE, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()

    def schema_and_rows() -> tuple[object, ...]:
        c = sqlite3.connect(path)
        try:
            return (
                c.execute("SELECT version_num FROM alembic_version").fetchall(),
                c.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall(),
                c.execute("SELECT * FROM candidates ORDER BY id").fetchall(),
            )
        finally:
            c.close()

    before = schema_and_rows()
    with pytest.raises(SchemaTooNew, match="newer version of Milo Desktop"):
        Workspace.open(f"sqlite:///{path}")
    assert schema_and_rows() == before
    assert not list(tmp_path.glob("*.bak"))


def test_engine_url_for_postgres_is_described_without_password() -> None:
    from milo_desktop.models.db import describe

    engine = create_workspace_engine("postgresql+psycopg://milo:s3cret@db.example:6543/team")
    try:
        info = describe(engine)
        assert info.is_team
        assert info.location == "db.example:6543/team"
        assert "s3cret" not in info.location
    finally:
        engine.dispose()


def test_0005_moves_numbers_that_are_not_e164_beside_the_column(db_url: str) -> None:
    """Calls stored by earlier versions with a caller ID that does not normalise: the text
    moves to caller_number_raw, from_e164 is emptied, the call flagged; valid numbers stay.
    Downgrading puts the text back."""
    from alembic import command

    from milo_desktop.models.db import alembic_config

    engine = create_workspace_engine(db_url)
    try:
        cfg = alembic_config(engine)
        command.upgrade(cfg, "0004_analytics_time_indexes")
        numbers = ["+12145550197", "+1 (555) 01", "00000", "anonymous", "😀", "+266696687"]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO receptionists (id, name, agent_name, voice, "
                              "intro_message, language_mode, manual_approval, disclosures, "
                              "custom_context, routing_threshold, status, created_at) VALUES "
                              "(1, 'Desk', 'Milo', 'v', '', 'english', false, '{}', '{}', 70, "
                              "'inactive', '2026-01-01 00:00:00')"))
            for i, number in enumerate(numbers, 1):
                conn.execute(text(
                    "INSERT INTO inbound_calls (id, receptionist_id, caller_name, from_e164, "
                    "status, review, evaluations, transcript, started_at) VALUES (:i, 1, '', "
                    ":n, 'processing', 'pending', 0, '', '2026-01-01 00:00:00')"),
                    {"i": i, "n": number})
        command.upgrade(cfg, "0005_unverified_numbers")

        def rows() -> list[tuple[object, ...]]:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(
                    "SELECT from_e164, caller_number_raw, number_unverified FROM inbound_calls "
                    "ORDER BY id"))]

        assert rows() == [("+12145550197", None, False)] + [
            (None, n, True) for n in numbers[1:]]
        command.downgrade(cfg, "0004_analytics_time_indexes")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT from_e164 FROM inbound_calls ORDER BY id")
                                ).scalars().all() == numbers
    finally:
        engine.dispose()
