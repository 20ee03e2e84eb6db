"""Spend as the providers report it, against the budgets set on interviewers.

The top bar shows the workspace's spend over the Analytics section's default period (the last
30 days, whole UTC days ending today: ``analytics.ranges.preset_range``), summed by the shared
``services/figures.spend_micros``, so on a first look both screens show the same figure; the
chip's label names the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind, InterviewerStatus
from milo_desktop.models import Interviewer
from milo_desktop.models.base import utcnow
from milo_desktop.services.analytics.ranges import DEFAULT_PRESET, preset_range
from milo_desktop.services.core.database import Database
from milo_desktop.services.figures import spend_micros

PERIOD = DEFAULT_PRESET  # the Analytics section's default period


@dataclass(frozen=True)
class SpendSummary:
    """The workspace's spend over ``[start, end)`` (UTC) against the period's budget of live
    interviewers.

    The budget is the sum of all-time budgets plus daily budgets times the period's days,
    over draft and active interviewers; ``budget_cents`` is None when no budget is set anywhere.
    """

    start: dt.datetime
    end: dt.datetime
    used_micros: int
    budget_cents: int | None
    currency: str = "USD"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def used_cents(self) -> float:
        return self.used_micros / 10_000

    @property
    def fraction(self) -> float | None:
        if not self.budget_cents:
            return None
        return self.used_cents / self.budget_cents


class SpendService:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock  # tests pin time here

    async def summary(self, now: dt.datetime | None = None) -> SpendSummary:
        start, end = preset_range(PERIOD, now or self.clock())
        days = (end - start).days

        def q(s: Session) -> SpendSummary:
            used = spend_micros(s, since=start, until=end)
            budget_expr = case(
                (Interviewer.budget_kind == BudgetKind.DAILY, Interviewer.budget_cents * days),
                (Interviewer.budget_kind == BudgetKind.ALL_TIME, Interviewer.budget_cents),
                else_=0,
            )
            budget, with_budget = s.execute(
                select(
                    func.coalesce(func.sum(budget_expr), 0),
                    func.count().filter(Interviewer.budget_kind != BudgetKind.NONE),
                ).where(Interviewer.status.in_([InterviewerStatus.DRAFT, InterviewerStatus.ACTIVE]))
            ).one()
            return SpendSummary(start, end, used, int(budget) if with_budget else None)

        return await self.db.read(q)
