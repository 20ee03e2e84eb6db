"""Entry points: keywords per interviewer, router flows per number, after-screening settings (filled by the entry-points work)

Revision ID: 0010_entry_points
Revises: 0009_parsed_resumes
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_entry_points"
down_revision: str | None = "0009_parsed_resumes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _dt() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "entry_keywords",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("interviewer_id", sa.BigInteger(),
                  sa.ForeignKey("interviewers.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("phone_number", sa.String(20), nullable=False),
        sa.Column("keyword", sa.String(20), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.UniqueConstraint("phone_number", "keyword", name="uq_entry_keywords"),
    )
    op.create_table(
        "entry_routers",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("phone_number", sa.String(20), nullable=False, unique=True),
        sa.Column("flow_sid", sa.String(34)),
        sa.Column("webhook_url", sa.String(300)),
        sa.Column("definition_hash", sa.String(64)),
        sa.Column("published_at", _dt()),
    )


def downgrade() -> None:
    op.drop_table("entry_routers")
    op.drop_table("entry_keywords")
