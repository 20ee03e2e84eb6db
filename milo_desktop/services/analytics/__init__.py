"""Analytics: the global screen's totals, recent completions and charts (service.py, all
counted in SQL by queries.py over UTC buckets from series.py) and one interviewer's funnel
(funnel.py)."""

from milo_desktop.services.analytics.figures import (
    ActivityPoint,
    InterviewerChoice,
    Overview,
    RecentCompletion,
    SpendPoint,
    Totals,
)
from milo_desktop.services.analytics.funnel import InterviewerFunnel, StageFunnel, funnel_of
from milo_desktop.services.analytics.ranges import (
    AnalyticsFilter,
    Preset,
    day_range,
    preset_range,
)
from milo_desktop.services.analytics.series import Bucket, bucket_for
from milo_desktop.services.analytics.service import AnalyticsService

__all__ = [
    "ActivityPoint",
    "AnalyticsFilter",
    "AnalyticsService",
    "Bucket",
    "InterviewerChoice",
    "InterviewerFunnel",
    "Overview",
    "Preset",
    "RecentCompletion",
    "SpendPoint",
    "StageFunnel",
    "Totals",
    "bucket_for",
    "day_range",
    "funnel_of",
    "preset_range",
]
