"""screening ratings: the candidate's 1–5 rating of a stage, the source of CSAT

Voice, SMS and Form stages end with an optional question: how would you rate this screening,
1 to 5? The answer is kept on the stage result (never scored), and an interviewer's CSAT is
the mean of its results' ratings, counted in SQL (services/interviewers/csat.py). The
interviewer's own ``csat`` number, which nothing but the demo ever wrote, goes.

- stage_results.rating: 1–5, NULL when not asked, skipped or unreadable.
- ix_stage_results_rating (stage_id, rating) WHERE rating IS NOT NULL: the rated results only,
  covering the per-interviewer mean and count.
- interviewers.csat: dropped (its value cannot be turned into ratings; the downgrade brings
  the column back empty).

Revision ID: 0006_screening_ratings
Revises: 0005_unverified_numbers
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_screening_ratings"
down_revision: str | None = "0005_unverified_numbers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RATED = sa.text("rating IS NOT NULL")


def upgrade() -> None:
    op.add_column("stage_results", sa.Column("rating", sa.SmallInteger(), nullable=True))
    op.create_index("ix_stage_results_rating", "stage_results", ["stage_id", "rating"],
                    sqlite_where=_RATED, postgresql_where=_RATED)
    # SQLite (3.35+) drops a column in place: the table and its search triggers stay.
    op.drop_column("interviewers", "csat")


def downgrade() -> None:
    op.add_column("interviewers", sa.Column("csat", sa.Float(), nullable=True))
    op.drop_index("ix_stage_results_rating", table_name="stage_results")
    with op.batch_alter_table("stage_results") as batch:
        batch.drop_column("rating")
