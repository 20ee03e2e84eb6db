"""Parsed résumés with the line each field came from (filled by the résumé parser work)

Revision ID: 0009_parsed_resumes
Revises: 0008_email_intake
Create Date: 2026-12-07
"""

from collections.abc import Sequence

revision: str = "0009_parsed_resumes"
down_revision: str | None = "0008_email_intake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
