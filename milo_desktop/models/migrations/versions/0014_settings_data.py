"""Settings and Data: labels, account branding, AI defaults (filled by that work; may stay empty)

Revision ID: 0014_settings_data
Revises: 0013_privacy
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0014_settings_data"
down_revision: str | None = "0013_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
