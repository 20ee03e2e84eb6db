"""How numbers, money and dates read everywhere in the UI: local time, the user's locale,
one style for every screen ("Nov 3, 2026", "$1.5k", "5m ago").

Every date shown, in a label, a table cell or a date field (``QDateEdit.setDisplayFormat``),
goes through ``date_format()``: the system locale's own order and words with a short month
name, so a date never reads "7 01 2027" on one screen and "Jan 7, 2027" on another."""

from __future__ import annotations

import datetime as dt
import math
import re

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone


def tr(text: str) -> str:
    return QCoreApplication.translate("format", text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Qt's marker, typed (PySide6's stub answers ``object``): puts ``text`` in ``context`` for
    lupdate, which finds the calls by this name, and returns it untranslated; it is translated
    with ``QCoreApplication.translate(context, text)`` when shown."""
    return text


def display_locale() -> QLocale:
    """The user's locale; US English when the system has none ("C": no digit grouping,
    which makes 1234567 candidates hard to read)."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def date_format(locale: QLocale | None = None) -> str:
    """The app's one date pattern, from the locale's long date without the weekday and with
    the short month name: "MMM d, yyyy" (US: Jan 7, 2027), "d MMM yyyy" (UK: 7 Jan 2027),
    "d. MMM yyyy" (German: 7. Jan. 2027), "yyyy年M月d日" (Japanese)."""
    pattern = (locale or display_locale()).dateFormat(QLocale.FormatType.LongFormat)
    pattern = re.sub(r"^dddd[\s,،、]*|[\s,،、]*dddd$", "", pattern)  # the weekday goes
    pattern = re.sub(r"(?<!M)MMMM(?!M)", "MMM", pattern)
    return pattern.strip() or "MMM d, yyyy"


def qdate_text(value: QDate) -> str:
    """A QDate in the app's date style."""
    return display_locale().toString(value, date_format())


def py_date(value: QDate) -> dt.date:
    """A QDate as a date (PySide6's ``toPython()`` is typed as returning object)."""
    return dt.date(value.year(), value.month(), value.day())


def py_time(value: QTime) -> dt.time:
    """A QTime as a time, to the millisecond."""
    return dt.time(value.hour(), value.minute(), value.second(), value.msec() * 1000)


def to_qdatetime(value: dt.datetime) -> QDateTime:
    """A stored (UTC) datetime as a QDateTime in the user's local time."""
    utc = value.astimezone(dt.UTC)
    q = QDateTime(
        QDate(utc.year, utc.month, utc.day),
        QTime(utc.hour, utc.minute, utc.second, utc.microsecond // 1000),
        QTimeZone.utc(),
    )
    return q.toLocalTime()


def local_date(value: dt.datetime | None) -> str:
    """The day in the user's time zone and language, e.g. "Nov 3, 2026" (not 11/3/26)."""
    if value is None:
        return ""
    return qdate_text(to_qdatetime(value).date())


def local_day(day: dt.date) -> str:
    """A calendar day (no time zone involved) in the same style as ``local_date``."""
    return qdate_text(QDate(day.year, day.month, day.day))


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    q = to_qdatetime(value)
    locale = display_locale()
    time = locale.toString(q.time(), QLocale.FormatType.ShortFormat)
    return f"{qdate_text(q.date())} {time}"


def count_text(n: int) -> str:
    return display_locale().toString(n)


def score_text(score: float | None) -> str:
    """0-100 scores: "80", "82.5"; empty when not scored yet."""
    if score is None:
        return ""
    rounded = round(score, 1)
    return display_locale().toString(rounded, "f", 0 if rounded.is_integer() else 1)


def _symbol(currency: str) -> str:
    return "$" if currency in ("USD", "") else f"{currency} "


def _trim(value: float) -> str:
    text = f"{math.floor(value * 10) / 10:.1f}"  # floor: never overstate a budget
    return text[:-2] if text.endswith(".0") else text


def money_text(cents: float, currency: str = "USD") -> str:
    """Compact money for narrow cells: "$0.79", "$3", "$12", "$1k", "$1.5k", "$2.3M"."""
    sym = _symbol(currency)
    dollars = cents / 100
    if dollars >= 1_000_000:
        return f"{sym}{_trim(dollars / 1_000_000)}M"
    if dollars >= 1_000:
        return f"{sym}{_trim(dollars / 1_000)}k"
    if dollars < 10 and round(cents) % 100:
        return f"{sym}{dollars:.2f}"
    return f"{sym}{round(dollars):d}"


def ago_text(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """"just now", "5m ago", "3h ago", "2d ago", then a date."""
    if when is None:
        return "—"
    delta = (now or dt.datetime.now(dt.UTC)) - when
    if delta < dt.timedelta(minutes=1):
        return tr("just now")
    if delta < dt.timedelta(hours=1):
        return tr("{n}m ago").format(n=delta.seconds // 60)
    if delta < dt.timedelta(days=1):
        return tr("{n}h ago").format(n=delta.seconds // 3600)
    if delta < dt.timedelta(days=30):
        return tr("{n}d ago").format(n=delta.days)
    return local_date(when)
