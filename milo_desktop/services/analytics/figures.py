"""The plain data the analytics screen shows (frozen; no ORM objects leave the service)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from milo_desktop.enums import ApplicationStatus, InterviewerStatus, SpendKind
from milo_desktop.services.analytics.ranges import AnalyticsFilter
from milo_desktop.services.analytics.series import Bucket


@dataclass(frozen=True)
class Totals:
    """The header cards. ``started`` is the "interviews" figure; ``started_completed`` how many
    of those interviews have been completed by now (the completion rate's numerator)."""

    candidates: int
    invited: int
    started: int
    completed: int
    started_completed: int
    spend_micros: int

    @property
    def completion_rate(self) -> float | None:
        return self.started_completed / self.started if self.started else None


@dataclass(frozen=True)
class RecentCompletion:
    application_id: int
    candidate_id: int
    candidate_name: str
    interviewer_id: int
    interviewer_name: str
    score: float | None  # 0–100; None while it is still being evaluated
    status: ApplicationStatus
    completed_at: dt.datetime


@dataclass(frozen=True)
class ActivityPoint:
    start: dt.date  # the bucket's first UTC day
    invited: int
    started: int
    completed: int


@dataclass(frozen=True)
class SpendPoint:
    start: dt.date
    micros: int
    by_kind: dict[SpendKind, int] = field(default_factory=dict)  # only kinds with spend


@dataclass(frozen=True)
class InterviewerChoice:
    id: int
    name: str
    status: InterviewerStatus


@dataclass(frozen=True)
class Overview:
    """Everything the screen shows for one filter, read in one go."""

    filter: AnalyticsFilter
    bucket: Bucket
    totals: Totals
    activity: tuple[ActivityPoint, ...]
    spend: tuple[SpendPoint, ...]
    recent: tuple[RecentCompletion, ...]

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: the screen says so instead of drawing flat lines."""
        t = self.totals
        return not (t.invited or t.started or t.completed or t.spend_micros)
