"""The global Analytics section (totals, activity and spend charts, recent completions)."""

from milo_desktop.views.analytics.section import AnalyticsSection

__all__ = ["AnalyticsSection"]
