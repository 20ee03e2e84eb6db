"""How the analytics screen writes its figures: rates, dollars from micro-units, bucket and
period labels (buckets are UTC days, so their labels are calendar days, not local times)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate

from milo_desktop.services.analytics import Bucket
from milo_desktop.views.widgets.formatting import display_locale, local_day, money_text


def tr(text: str) -> str:
    return QCoreApplication.translate("Analytics", text)


def percent_text(rate: float | None) -> str:
    """"76%", "4.9%" (one decimal below 10%), "—" when there is nothing to divide by."""
    if rate is None:
        return "—"
    pct = rate * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"


def micros_money(micros: int) -> str:
    """Provider spend (micro-dollars) in the app's compact money style ("$1.5k")."""
    return money_text(micros / 10_000)


def dollars_text(micros: int) -> str:
    """Exact enough for a tooltip: "$12.34", "$0.0079" below a cent."""
    dollars = micros / 1_000_000
    if 0 < dollars < 0.01:
        return f"${dollars:.4f}"
    return "$" + display_locale().toString(dollars, "f", 2)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def axis_label(day: dt.date, bucket: Bucket) -> str:
    """Short tick labels: "Nov 3" for days and weeks, "Nov 2026" for months."""
    fmt = "MMM yyyy" if bucket is Bucket.MONTH else "MMM d"
    return display_locale().toString(_qdate(day), fmt)


def bucket_label(day: dt.date, bucket: Bucket) -> str:
    """What a hovered point is: "Nov 3, 2026", "Week of Nov 3, 2026", "November 2026"."""
    if bucket is Bucket.MONTH:
        return display_locale().toString(_qdate(day), "MMMM yyyy")
    if bucket is Bucket.WEEK:
        return tr("Week of {day}").format(day=local_day(day))
    return local_day(day)


def period_text(start: dt.datetime, end: dt.datetime, bucket: Bucket) -> str:
    """"Oct 24 – Nov 22, 2026 · per day · UTC" (``end`` is exclusive)."""
    last = (end - dt.timedelta(microseconds=1)).date()
    per = {Bucket.DAY: tr("per day"), Bucket.WEEK: tr("per week"),
           Bucket.MONTH: tr("per month")}[bucket]
    return tr("{first} – {last} · {per} · days in UTC").format(
        first=local_day(start.date()), last=local_day(last), per=per)
