"""How numbers, money and dates read in the UI (local time, recruiter-friendly)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("format", text)


def money_short(cents: float, currency: str = "USD") -> str:
    """$3, $12.40, $1.2k, $45k — compact, for chips and table cells."""
    symbol = "$" if currency == "USD" else f"{currency} "
    dollars = cents / 100
    if abs(dollars) >= 1000:
        value = f"{dollars / 1000:.1f}".rstrip("0").rstrip(".")
        return f"{symbol}{value}k"
    if abs(dollars) >= 100 or dollars == int(dollars):
        return f"{symbol}{dollars:,.0f}"
    return f"{symbol}{dollars:,.2f}"


def local_date(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%b %-d, %Y")


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%b %-d, %Y %H:%M")


def ago(value: dt.datetime, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return tr("just now")
    if seconds < 3600:
        return tr("%n min ago").replace("%n", str(seconds // 60))
    if seconds < 86400:
        return tr("%n h ago").replace("%n", str(seconds // 3600))
    days = seconds // 86400
    if days < 30:
        return tr("%n d ago").replace("%n", str(days))
    return local_date(value)
