"""Apply via Email: the mailbox's intake state (one row per message decided on)

- email_intake: mailbox, Message-ID (or content hash), UIDVALIDITY + UID, outcome, the
  candidate / application / quarantine row / bounced message it led to, the kept raw file,
  and when it was moved to the processed folder. Unique per (mailbox, message key).

Revision ID: 0008_email_intake
Revises: 0007_ats
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_email_intake"
down_revision: str | None = "0007_ats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _dt() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "email_intake",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("mailbox", sa.String(254), nullable=False),
        sa.Column("message_key", sa.String(255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("candidate_id", sa.BigInteger(),
                  sa.ForeignKey("candidates.id", ondelete="SET NULL")),
        sa.Column("application_id", sa.BigInteger(),
                  sa.ForeignKey("applications.id", ondelete="SET NULL")),
        sa.Column("quarantine_id", sa.BigInteger(),
                  sa.ForeignKey("quarantine.id", ondelete="SET NULL")),
        sa.Column("message_row_id", sa.BigInteger(),
                  sa.ForeignKey("messages.id", ondelete="SET NULL")),
        sa.Column("raw_path", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("processed_at", _dt()),
        sa.UniqueConstraint("mailbox", "message_key", name="uq_email_intake_message"),
    )
    op.create_index("ix_email_intake_uid", "email_intake", ["mailbox", "uidvalidity", "uid"])


def downgrade() -> None:
    op.drop_index("ix_email_intake_uid", table_name="email_intake")
    op.drop_table("email_intake")
