"""Outreach: what the Waiting to send list and bounces need (filled by the outreach work; may stay empty)

Revision ID: 0011_outreach
Revises: 0010_entry_points
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0011_outreach"
down_revision: str | None = "0010_entry_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
