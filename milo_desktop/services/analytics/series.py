"""Time buckets for the analytics charts: which size, where each starts and ends, and the SQL
that names a row's bucket.

Buckets are UTC calendar days, ISO weeks (starting Monday) or months, named by the date they
start on; the first and last are clipped to the range, so a series sums to the range's total.

Two ways to count per bucket, chosen by table size:
- applications (a million rows): one index range count per bucket (``bucket_bounds``); no
  expression is computed per row and nothing is sorted, which is ten times faster on SQLite
  than grouping by a computed day;
- spend (small): GROUP BY a bucket key. Both databases produce the same text key
  ("2026-11-23"). SQLite keeps datetimes as UTC text ("2026-11-23 14:05:00.000000"): the day
  is a ``substr``, cheaper per row than a date function, so rows are first summed per day and
  only those day keys go through ``date()`` for weeks and months. PostgreSQL keeps
  ``timestamptz``, and ``date_trunc`` would truncate in the session's time zone, so values are
  first taken ``AT TIME ZONE 'UTC'``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum

from sqlalchemy import ColumnElement, Date, SQLColumnExpression, cast, func, literal


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


DAYS_PER_DAY_BUCKETS = 90  # longer ranges are shown per week …
DAYS_PER_WEEK_BUCKETS = 366  # … and ranges longer than a (leap) year per month


def bucket_for(start: dt.datetime, end: dt.datetime) -> Bucket:
    """The bucket size that keeps a chart readable: days up to 90 days, weeks up to a year,
    months beyond."""
    days = (end - start) / dt.timedelta(days=1)
    if days > DAYS_PER_WEEK_BUCKETS:
        return Bucket.MONTH
    if days > DAYS_PER_DAY_BUCKETS:
        return Bucket.WEEK
    return Bucket.DAY


def bucket_start(day: dt.date, bucket: Bucket) -> dt.date:
    """The first day of the bucket holding ``day`` (Monday for weeks, the 1st for months)."""
    if bucket is Bucket.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if bucket is Bucket.MONTH:
        return day.replace(day=1)
    return day


def next_bucket(day: dt.date, bucket: Bucket) -> dt.date:
    if bucket is Bucket.WEEK:
        return day + dt.timedelta(days=7)
    if bucket is Bucket.MONTH:
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=1)


def bucket_starts(start: dt.datetime, end: dt.datetime, bucket: Bucket) -> Iterator[dt.date]:
    """Every bucket the UTC range [start, end) touches, in order (the zero-filled axis)."""
    first = bucket_start(start.astimezone(dt.UTC).date(), bucket)
    last_moment = end.astimezone(dt.UTC) - dt.timedelta(microseconds=1)
    day = first
    while day <= last_moment.date():
        yield day
        day = next_bucket(day, bucket)


def bucket_bounds(start: dt.datetime, end: dt.datetime,
                  bucket: Bucket) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """Each bucket as (its first day, from, to) in UTC, clipped to [start, end)."""
    out = []
    for day in bucket_starts(start, end, bucket):
        lo = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        nxt = next_bucket(day, bucket)
        hi = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=dt.UTC)
        out.append((day, max(lo, start), min(hi, end)))
    return out


def day_key(dialect: str, column: SQLColumnExpression[dt.datetime]) -> ColumnElement[str]:
    """The UTC day of a stored datetime as "YYYY-MM-DD" text."""
    if dialect == "sqlite":
        return func.substr(column, 1, 10)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def bucket_of_day(dialect: str, day: ColumnElement[str], bucket: Bucket) -> ColumnElement[str]:
    """The bucket (as "YYYY-MM-DD" of its first day) of a ``day_key`` value."""
    if bucket is Bucket.DAY:
        return day
    if dialect == "sqlite":
        if bucket is Bucket.WEEK:  # back to the Monday on or before the day
            return func.date(day, "-6 days", "weekday 1")
        return func.substr(day, 1, 7).concat(literal("-01"))
    unit = "week" if bucket is Bucket.WEEK else "month"  # ISO weeks start on Monday here too
    return func.to_char(func.date_trunc(unit, cast(day, Date)), "YYYY-MM-DD")


def parse_key(key: str) -> dt.date:
    return dt.date.fromisoformat(key)
