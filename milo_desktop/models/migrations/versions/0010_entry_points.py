"""Entry points: keywords per interviewer, router flows per number, after-screening settings (filled by the entry-points work)

Revision ID: 0010_entry_points
Revises: 0009_parsed_resumes
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0010_entry_points"
down_revision: str | None = "0009_parsed_resumes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
