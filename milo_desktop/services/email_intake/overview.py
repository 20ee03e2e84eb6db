"""What Source Candidates → Apply via Email shows: the mailbox's address, each interviewer
taking candidates with its apply address (``addresses.address_for``, the one rule every
producer uses) and how many applications arrived by email in the period, and the intake's
totals — emails read, applications, messages waiting for review in Sync issues.

Every figure is counted by the database in one short read; the period ends at the injected
clock's ``now`` so the figures (and the tests) never depend on today's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.models import Application, Interviewer, QuarantinedRecord
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.services.accepting import accepting_clause
from milo_desktop.services.core.database import Database
from milo_desktop.services.email_intake.addresses import address_for, mailbox_settings
from milo_desktop.services.email_intake.store import SERVICE

PERIOD_DAYS = 30


@dataclass(frozen=True)
class ApplyAddressRow:
    """One interviewer taking candidates, as the Apply via Email table lists it."""

    interviewer_id: int
    name: str
    slug: str
    address: str | None  # None: no mailbox address (or no alias for it) yet
    applications: int  # applications that came by email in the period


@dataclass(frozen=True)
class EmailIntakeOverview:
    mailbox_address: str | None  # the address people write to, as saved
    rows: tuple[ApplyAddressRow, ...]
    emails_read: int  # messages the intake decided on in the period
    applications: int  # applications by email in the period, every interviewer
    needs_review: int  # quarantined messages not yet reviewed (any age)
    since: dt.datetime
    until: dt.datetime

    @property
    def period_days(self) -> int:
        return round((self.until - self.since) / dt.timedelta(days=1))


def read_overview(s: Session, now: dt.datetime, *,
                  days: int = PERIOD_DAYS) -> EmailIntakeOverview:
    """The overview at ``now`` over the ``days`` before it (both ends included)."""
    since = now - dt.timedelta(days=days)
    settings = mailbox_settings(s)
    raw = settings.get("address") if settings is not None else None
    mailbox = raw.strip() if isinstance(raw, str) and "@" in raw else None
    interviewers = s.execute(
        select(Interviewer.id, Interviewer.name, Interviewer.slug)
        .where(accepting_clause(now))
        .order_by(func.lower(Interviewer.name), Interviewer.id)).all()
    in_period = (Application.source == CandidateSource.EMAIL,
                 Application.created_at >= since, Application.created_at <= now)
    counts: dict[int, int] = {}
    ids = [iv.id for iv in interviewers]
    if ids:
        counts = {int(iv_id): int(n) for iv_id, n in s.execute(
            select(Application.interviewer_id, func.count())
            .where(Application.interviewer_id.in_(ids), *in_period)
            .group_by(Application.interviewer_id)).all()}
    rows = tuple(ApplyAddressRow(iv.id, iv.name, iv.slug, address_for(settings, iv.slug),
                                 counts.get(iv.id, 0)) for iv in interviewers)
    applications = s.scalar(select(func.count()).select_from(Application).where(*in_period))
    read = s.scalar(select(func.count()).select_from(EmailIntakeRecord).where(
        EmailIntakeRecord.created_at >= since, EmailIntakeRecord.created_at <= now))
    review = s.scalar(select(func.count()).select_from(QuarantinedRecord).where(
        QuarantinedRecord.service == SERVICE, QuarantinedRecord.resolved_at.is_(None)))
    return EmailIntakeOverview(mailbox, rows, int(read or 0), int(applications or 0),
                               int(review or 0), since, now)


class EmailIntakeOverviewService:
    """``overview()`` on the reader pool; ``clock`` is injected (tests pin it)."""

    def __init__(self, db: Database, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    async def overview(self, *, days: int = PERIOD_DAYS) -> EmailIntakeOverview:
        """Apply via Email's table and totals, counted now."""
        now = self.clock()
        return await self.db.read(lambda s: read_overview(s, now, days=days))


__all__ = ["PERIOD_DAYS", "ApplyAddressRow", "EmailIntakeOverview", "EmailIntakeOverviewService",
           "read_overview"]
