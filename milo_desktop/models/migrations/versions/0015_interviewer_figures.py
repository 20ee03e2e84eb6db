"""Per-interviewer figures kept current by the writes (filled by the speed work; may stay empty)

Revision ID: 0015_interviewer_figures
Revises: 0014_settings_data
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0015_interviewer_figures"
down_revision: str | None = "0014_settings_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
