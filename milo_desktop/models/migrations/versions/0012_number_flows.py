"""Number flows: the flow each stage execution runs on, and SMS opt-outs

Text screenings now run inside their number's flow (services/entry/number_flow.py), so the
flow an execution runs on is kept with it (an execution started before a stage moved to
another number, or before this change, is still read from its own flow). A candidate who
texts STOP is marked so nothing more is texted to them.

Revision ID: 0012_number_flows
Revises: 0011_outreach
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_number_flows"
down_revision: str | None = "0011_outreach"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stage_results", sa.Column("flow_sid", sa.String(34)))
    op.add_column("candidates", sa.Column("sms_opted_out_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("sms_opted_out_at")
    with op.batch_alter_table("stage_results") as batch:
        batch.drop_column("flow_sid")
