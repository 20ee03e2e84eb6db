"""Spend as the providers report it, against the budgets set on interviewers."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind, InterviewerStatus
from milo_desktop.models import Interviewer, SpendEntry
from milo_desktop.services.core.database import Database


@dataclass(frozen=True)
class SpendSummary:
    """This calendar month's spend (UTC) against the month's budget of live interviewers.

    The budget is the sum of all-time budgets plus daily budgets times the days in the month,
    over draft and active interviewers; ``budget_cents`` is None when no budget is set anywhere.
    """

    month_start: dt.datetime
    used_micros: int
    budget_cents: int | None
    currency: str = "USD"

    @property
    def used_cents(self) -> float:
        return self.used_micros / 10_000

    @property
    def fraction(self) -> float | None:
        if not self.budget_cents:
            return None
        return self.used_cents / self.budget_cents


class SpendService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def summary(self, now: dt.datetime | None = None) -> SpendSummary:
        now = now or dt.datetime.now(dt.UTC)
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        days = calendar.monthrange(now.year, now.month)[1]

        def q(s: Session) -> SpendSummary:
            used = s.scalar(
                select(func.coalesce(func.sum(SpendEntry.amount_micros), 0)).where(
                    SpendEntry.occurred_at >= start
                )
            )
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
            return SpendSummary(start, int(used or 0), int(budget) if with_budget else None)

        return await self.db.read(q)
