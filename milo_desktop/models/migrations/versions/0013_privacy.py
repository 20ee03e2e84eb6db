"""Privacy: erasure requests, retention rules (filled by the privacy work; may stay empty)

Revision ID: 0013_privacy
Revises: 0012_number_flows
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0013_privacy"
down_revision: str | None = "0012_number_flows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
