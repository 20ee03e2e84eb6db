"""Writes tests/data/workspace-0001_baseline.sqlite: a workspace saved at the baseline schema
with a few rows, as an early user's file would be. Run once per new baseline; commit the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from milo_desktop.models.db import alembic_config, create_workspace_engine

TARGET = Path(__file__).with_name("workspace-0001_baseline.sqlite")


def main() -> None:
    TARGET.unlink(missing_ok=True)
    engine = create_workspace_engine(f"sqlite:///{TARGET}")
    command.upgrade(alembic_config(engine), "0001_baseline")
    engine.dispose()
    conn = sqlite3.connect(TARGET)
    with conn:
        conn.executemany(
            "INSERT INTO candidates (id, full_name, name_key, email, phone_e164, source, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'manual', '2026-01-05 09:00:00', '2026-01-05 09:00:00')",
            [
                (
                    1,
                    "Natalia Ortega",
                    "natalia ortega",
                    "natalia.ortega@example.com",
                    "+12145550101",
                ),
                (2, "Wei Zhang", "wei zhang", "wei.zhang@example.com", "+14695550102"),
            ],
        )
        conn.execute(
            "INSERT INTO interviewers (id, slug, name, position_title, job_description, status, language,"
            " created_at, days_to_complete, retakes, budget_kind, currency, report_to_candidate, settings)"
            " VALUES (1, 'forklift-dallas', 'Forklift Operator — Dallas', 'Forklift Operator', '', 'active',"
            " 'en', '2026-01-02 08:00:00', 7, 0, 'none', 'USD', 0, '{}')"
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
