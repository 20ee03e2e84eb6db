"""analytics indexes: covering indexes for the analytics screens' aggregates

Analytics counts are grouped aggregates over a popular role's tens of thousands of
applications and stage results. Without covering indexes each counted row is a random read of
its table row (a 1,000,000-candidate workspace took ~500 ms for one funnel); with them the
counts read only the index.

- ix_applications_funnel: one interviewer's applications by source and status, with the
  columns the funnel's responded / completed tests read (services/analytics/funnel.py).
- ix_stage_results_funnel: one stage's results by status, with the times the started test
  and the median time in stage read.

Revision ID: 0003_analytics_indexes
Revises: 0002_search_index
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_analytics_indexes"
down_revision: str | None = "0002_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_applications_funnel": ("applications", ["interviewer_id", "source", "status",
                                                "started_at", "completed_at",
                                                "knocked_out_stage_id"]),
    "ix_stage_results_funnel": ("stage_results", ["stage_id", "status", "started_at",
                                                  "completed_at"]),
}


def upgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)
    # SQLite's planner weighs indexes by their statistics: where the others have some (the
    # demo's do), a new index without any can lose to ix_stage_results_stage_id. Sampled.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None:
        op.execute("PRAGMA analysis_limit=1000")
        for name in _INDEXES:
            op.execute(f"ANALYZE {name}")
        op.execute("PRAGMA analysis_limit=0")


def downgrade() -> None:
    for name, (table, _columns) in _INDEXES.items():
        op.drop_index(name, table_name=table)
