"""analytics time indexes: applications by when they were invited, started and completed

The global analytics screen counts applications per day / week / month of ``created_at``,
``started_at`` and ``completed_at`` over up to a year, across every interviewer. Each bucket is
an index range count, so each time needs an index leading with it, carrying the columns its
filters read (interviewer, status, knock-out, start) so the count never touches the table.
Distinct candidates are counted by walking ``(candidate_id, created_at)`` in order, which
replaces the single-column candidate index (it serves every lookup that one did).

- ix_applications_created: invited per bucket.
- ix_applications_started: started per bucket.
- ix_applications_completed: completed per bucket (and how many of those started in the
  range: the completion rate), and the newest completions.
- ix_applications_candidate_created: distinct candidates invited in a range.

On SQLite, a workspace whose planner statistics exist (the demo's do) gets statistics for the
new indexes too, sampled, so the planner does not guess about them.

Revision ID: 0004_analytics_time_indexes
Revises: 0003_analytics_indexes
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_analytics_time_indexes"
down_revision: str | None = "0003_analytics_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_applications_created": ["created_at", "interviewer_id"],
    "ix_applications_started": ["started_at", "interviewer_id"],
    "ix_applications_completed": ["completed_at", "interviewer_id", "status",
                                  "knocked_out_stage_id", "started_at"],
    "ix_applications_candidate_created": ["candidate_id", "created_at"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "applications", columns)
    op.drop_index("ix_applications_candidate", table_name="applications")
    bind = op.get_bind()
    analysed = bind.dialect.name == "sqlite" and bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is not None
    if analysed:
        op.execute("PRAGMA analysis_limit=1000")
        for name in _INDEXES:
            op.execute(f"ANALYZE {name}")
        op.execute("PRAGMA analysis_limit=0")


def downgrade() -> None:
    op.create_index("ix_applications_candidate", "applications", ["candidate_id"])
    for name in _INDEXES:
        op.drop_index(name, table_name="applications")
