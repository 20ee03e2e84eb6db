"""The analytics service on ``workspace.analytics``: the global screen's figures and one
interviewer's funnel. Every figure is counted by the database (queries.py, funnel.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.models import Interviewer
from milo_desktop.models.base import utcnow
from milo_desktop.services.analytics import queries as q
from milo_desktop.services.analytics.figures import (
    ActivityPoint,
    InterviewerChoice,
    Overview,
    RecentCompletion,
    SpendPoint,
    Totals,
)
from milo_desktop.services.analytics.funnel import InterviewerFunnel, funnel_of
from milo_desktop.services.analytics.ranges import AnalyticsFilter
from milo_desktop.services.analytics.series import Bucket
from milo_desktop.services.core.database import Database


class AnalyticsService:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock  # tests pin time here

    async def totals(self, f: AnalyticsFilter) -> Totals:
        return await self.db.read(lambda s: q.totals_in(s, f))

    async def recent_completions(self, f: AnalyticsFilter,
                                 limit: int = 10) -> tuple[RecentCompletion, ...]:
        return await self.db.read(lambda s: q.recent_in(s, f, limit))

    async def activity(self, f: AnalyticsFilter,
                       bucket: Bucket | None = None) -> tuple[ActivityPoint, ...]:
        """Invited / started / completed per bucket (default: the range's size), zero-filled."""
        b = bucket or f.bucket
        counts = await self.db.read(lambda s: q.activity_in(s, f, b))
        return q.activity_points(f, b, counts)

    async def spend_over_time(self, f: AnalyticsFilter,
                              bucket: Bucket | None = None) -> tuple[SpendPoint, ...]:
        b = bucket or f.bucket
        return await self.db.read(lambda s: q.spend_in(s, f, b))

    async def overview(self, f: AnalyticsFilter, recent: int = 10) -> Overview:
        """What the screen shows, in a few reads that run side by side on the reader pool.

        The invited / started / completed totals are the sums of their series (buckets are
        clipped to the range), so each of those counts is made once, not twice."""
        b = f.bucket

        def head(s: Session) -> tuple[int, int]:
            return q.count_candidates(s, f), q.spend_total(s, f)

        def rest(s: Session) -> tuple[tuple[SpendPoint, ...], tuple[RecentCompletion, ...]]:
            return q.spend_in(s, f, b), q.recent_in(s, f, recent)

        (people, spend), (spend_series, latest), early, late = await asyncio.gather(
            self.db.read(head), self.db.read(rest),
            self.db.read(lambda s: q.activity_in(s, f, b, ("invited", "started"))),
            self.db.read(lambda s: q.activity_in(s, f, b, ("completed",))),
        )
        activity = q.activity_points(f, b, early | late)
        totals = Totals(
            candidates=people,
            invited=sum(p.invited for p in activity),
            started=sum(p.started for p in activity),
            completed=sum(p.completed for p in activity),
            started_completed=sum(late["started_completed"]),
            spend_micros=spend,
        )
        return Overview(f, b, totals, activity, spend_series, latest)

    async def interviewer_choices(self) -> tuple[InterviewerChoice, ...]:
        """Every interviewer, archived ones too (their history still counts), by name."""

        def read(s: Session) -> tuple[InterviewerChoice, ...]:
            rows = s.execute(select(Interviewer.id, Interviewer.name, Interviewer.status)
                             .order_by(func.lower(Interviewer.name), Interviewer.id))
            return tuple(InterviewerChoice(*row) for row in rows)

        return await self.db.read(read)

    async def funnel(self, interviewer_id: int) -> InterviewerFunnel:
        """One interviewer's funnel by stage (H8's ``funnel_of``), read off the GUI thread."""
        now = self.clock()
        return await self.db.read(lambda s: funnel_of(s, interviewer_id, now))
