"""unverified numbers: what the provider sent beside the E.164 number, and a flag

An inbound call's caller ID or typed callback number that does not normalise to E.164
("+1 (555) 01", "00000", "anonymous", an emoji) never goes into ``from_e164``: it is kept as
sent in ``caller_number_raw`` / ``callback_number_raw`` and the call is flagged
``number_unverified`` (nothing dials or texts it without the user's confirmation).

- inbound_calls.caller_number_raw: the caller ID as the provider sent it.
- inbound_calls.callback_number_raw: the digits the caller typed as their callback number.
- inbound_calls.number_unverified: false by default.

Calls stored before this revision may hold such text in ``from_e164`` (earlier versions copied
the caller ID in unchecked): it moves to ``caller_number_raw``, ``from_e164`` is emptied and the
call flagged. Valid numbers are left exactly as they were.

Revision ID: 0005_unverified_numbers
Revises: 0004_analytics_time_indexes
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0005_unverified_numbers"
down_revision: str | None = "0004_analytics_time_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _is_e164(number: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164) == number


def upgrade() -> None:
    op.add_column("inbound_calls", sa.Column("caller_number_raw", sa.String(length=80),
                                             nullable=True))
    op.add_column("inbound_calls", sa.Column("callback_number_raw", sa.String(length=80),
                                             nullable=True))
    op.add_column("inbound_calls", sa.Column("number_unverified", sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    calls = sa.table("inbound_calls", sa.column("id", sa.Integer),
                     sa.column("from_e164", sa.String), sa.column("caller_number_raw", sa.String),
                     sa.column("number_unverified", sa.Boolean))
    bind = op.get_bind()
    bad = [(cid, number) for cid, number in bind.execute(
        sa.select(calls.c.id, calls.c.from_e164).where(calls.c.from_e164.is_not(None)))
        if not _is_e164(number)]
    for cid, number in bad:
        bind.execute(calls.update().where(calls.c.id == cid).values(
            from_e164=None, caller_number_raw=number, number_unverified=True))


def downgrade() -> None:
    # Back where earlier versions kept it (cut to the column), so nothing is lost.
    calls = sa.table("inbound_calls", sa.column("from_e164", sa.String),
                     sa.column("caller_number_raw", sa.String),
                     sa.column("number_unverified", sa.Boolean))
    op.execute(calls.update().where(calls.c.from_e164.is_(None),
                                    calls.c.caller_number_raw.is_not(None),
                                    calls.c.number_unverified.is_(True))
               .values(from_e164=sa.func.substr(calls.c.caller_number_raw, 1, 20)))
    with op.batch_alter_table("inbound_calls") as batch:
        batch.drop_column("number_unverified")
        batch.drop_column("callback_number_raw")
        batch.drop_column("caller_number_raw")
