"""search index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL

Type-ahead over candidates (name, email, phone) and interviewers (name, slug). On SQLite the
index is an external-content FTS5 table kept in step by triggers; on PostgreSQL, trigram GIN
indexes serve ILIKE '%…%' directly, and a text_pattern_ops index serves the name_key prefix
match used for queries too short for trigrams.

Revision ID: 0002_search_index
Revises: 0001_baseline
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_search_index"
down_revision: str | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_INDEXES = {
    # table: (fts table, columns)
    "candidates": ("candidates_fts", ("full_name", "email", "phone_e164")),
    "interviewers": ("interviewers_fts", ("name", "slug")),
}


def _sqlite_upgrade() -> None:
    for table, (fts, cols) in _SQLITE_INDEXES.items():
        col_list = ", ".join(cols)
        new_vals = ", ".join(f"new.{c}" for c in cols)
        old_vals = ", ".join(f"old.{c}" for c in cols)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({col_list}, content='{table}', "
            f"content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {col_list}) VALUES (new.id, {new_vals}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {col_list}) VALUES ('delete', old.id, {old_vals}); END"
        )
        # Only when a searched column changes: status updates must not churn the index.
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {col_list} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {col_list}) VALUES ('delete', old.id, {old_vals}); "
            f"INSERT INTO {fts}(rowid, {col_list}) VALUES (new.id, {new_vals}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _postgres_upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expr in (
        ("ix_candidates_name_trgm", "candidates", "lower(full_name)"),
        ("ix_candidates_email_trgm", "candidates", "email"),
        ("ix_candidates_phone_trgm", "candidates", "phone_e164"),
        ("ix_interviewers_name_trgm", "interviewers", "lower(name)"),
        ("ix_interviewers_slug_trgm", "interviewers", "slug"),
    ):
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (({expr}) gin_trgm_ops)")
    # Queries under 3 characters cannot use trigrams: they are a name_key prefix instead.
    # ix_candidates_name_key follows the database collation (often en_US…), where neither
    # LIKE 'ab%' can use it nor is a range the same as "starts with"; text_pattern_ops can.
    op.execute(
        "CREATE INDEX ix_candidates_name_key_prefix ON candidates (name_key text_pattern_ops)"
    )


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for fts, _cols in _SQLITE_INDEXES.values():
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    else:
        for name in (
            "ix_candidates_name_trgm",
            "ix_candidates_email_trgm",
            "ix_candidates_phone_trgm",
            "ix_interviewers_name_trgm",
            "ix_interviewers_slug_trgm",
            "ix_candidates_name_key_prefix",
        ):
            op.execute(f"DROP INDEX IF EXISTS {name}")
