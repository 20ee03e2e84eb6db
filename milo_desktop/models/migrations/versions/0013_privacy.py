"""Privacy: erasure requests, retention rules (no schema change)

An erasure request is ``candidates.erase_requested_at`` (in the baseline; every reader
already leaves such people out) and runs once the grace period has passed since it; the
grace period, the retention rule and the exports folder are one ``workspace_settings`` row
(``privacy``); the note an erasure leaves is an ``audit_log`` row. So this revision only
keeps its place in the chain.

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
