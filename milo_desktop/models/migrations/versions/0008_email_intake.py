"""Apply via Email: the mailbox's intake state and quarantined messages (filled by the email intake work)

Revision ID: 0008_email_intake
Revises: 0007_ats
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0008_email_intake"
down_revision: str | None = "0007_ats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
