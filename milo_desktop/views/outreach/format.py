"""Small texts the outreach dialogs share: the report's tone and the business-hours note."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from milo_desktop.services.outreach import CommunicationPolicy, OutreachReport
from milo_desktop.views.widgets.formatting import local_datetime


def _tr(text: str) -> str:
    return QCoreApplication.translate("Outreach", text)


def report_tone(report: OutreachReport) -> str:
    """success: going out to everyone; warning: some wait or were held back; danger:
    nobody invited."""
    if report.queued == 0:
        return "danger" if (report.skipped_count or report.rate_limited) else "muted"
    held = report.skipped_count or report.rate_limited or report.waiting_count
    return "warning" if held else "success"


def schedule_text(policy: CommunicationPolicy, now: dt.datetime | None = None) -> str:
    """" Messages are off." / " Outside business hours: sent from <local time>." / ""."""
    if not policy.enabled:
        return " " + _tr("Outreach is switched off: nothing can be sent until it is on.")
    now = now or dt.datetime.now(dt.UTC)
    when = policy.next_open(now)
    if when <= now:
        return ""
    return " " + _tr("Outside business hours now: sent from {when}.").format(
        when=local_datetime(when))
