"""Parsed résumés with the line each field came from

- parsed_resumes: one row per scored Résumé stage result (unique stage_result_id): the
  parse as JSON, the parser version, the kept file's path and original name; indexed by
  candidate for the profile.

Revision ID: 0009_parsed_resumes
Revises: 0008_email_intake
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_parsed_resumes"
down_revision: str | None = "0008_email_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "parsed_resumes",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("stage_result_id", sa.BigInteger(),
                  sa.ForeignKey("stage_results.id", ondelete="CASCADE"), nullable=False),
        sa.Column("application_id", sa.BigInteger(),
                  sa.ForeignKey("applications.id", ondelete="CASCADE"), nullable=False),
        sa.Column("candidate_id", sa.BigInteger(),
                  sa.ForeignKey("candidates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("parser_version", sa.Integer(), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("file_path", sa.String(400), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("stage_result_id", name="uq_parsed_resumes_stage_result_id"),
    )
    op.create_index("ix_parsed_resumes_candidate", "parsed_resumes", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_parsed_resumes_candidate", table_name="parsed_resumes")
    op.drop_table("parsed_resumes")
