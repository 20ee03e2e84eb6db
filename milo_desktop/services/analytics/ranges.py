"""What the analytics screen looks at: an interviewer (or all) and a UTC date range, and the
preset ranges its header offers.

Ranges are whole UTC days, end exclusive, so a day's bucket on the chart holds exactly the
rows counted for that day in the totals (the screen says the days are UTC).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.analytics.series import Bucket, bucket_for

MAX_RANGE_DAYS = 366 * 10  # a decade of monthly buckets; anything longer is a typo


class Preset(StrEnum):
    LAST_7_DAYS = "7d"
    LAST_30_DAYS = "30d"
    LAST_90_DAYS = "90d"
    LAST_12_MONTHS = "12m"
    THIS_YEAR = "year"


# The period the Analytics section opens on, and the top bar's spend chip's (services/spend.py).
DEFAULT_PRESET = Preset.LAST_30_DAYS


@dataclass(frozen=True)
class AnalyticsFilter:
    """One interviewer (``interviewer_id``) or all of them (None), over [start, end) in UTC."""

    interviewer_id: int | None
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("analytics ranges are timezone-aware (UTC)")
        if self.end <= self.start:
            raise ValidationProblem("The end date must be on or after the start date.")
        if self.end - self.start > dt.timedelta(days=MAX_RANGE_DAYS):
            raise ValidationProblem("Choose a range of ten years or less.")

    @property
    def bucket(self) -> Bucket:
        return bucket_for(self.start, self.end)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC range covering the calendar days ``first`` … ``last`` (both included)."""
    if last < first:
        raise ValidationProblem("The end date must be on or after the start date.")
    return _midnight(first), _midnight(last) + dt.timedelta(days=1)


def preset_range(preset: Preset, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The UTC range a preset means at ``now``: whole days, ending with today (UTC)."""
    today = now.astimezone(dt.UTC).date()
    end = _midnight(today) + dt.timedelta(days=1)
    days = {Preset.LAST_7_DAYS: 7, Preset.LAST_30_DAYS: 30, Preset.LAST_90_DAYS: 90}
    if preset in days:
        return end - dt.timedelta(days=days[preset]), end
    if preset is Preset.THIS_YEAR:
        return _midnight(today.replace(month=1, day=1)), end
    # Last 12 months: from the day after this day a year ago (Feb 29 → Mar 1).
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = dt.date(today.year - 1, 2, 28)
    return _midnight(year_ago) + dt.timedelta(days=1), end
