"""The analytics figures as units of work (``fn(session)``), every count made by the database.

What the figures mean (the screen's tooltips say the same):
- candidates: distinct people with an application created (invited) in the range;
- interviews: applications started in the range (``started_at``);
- completed: applications completed in the range — the interview went through every stage and
  was scored (status completed, or shortlisted / dismissed after completing; never a
  knock-out), the same test as the per-interviewer funnel and the Interviewers table
  (``services/figures.py``);
- completion rate: of the interviews started in the range, the share completed in it (for a
  range ending today: completed by now);
- spend: what the providers reported in the range (``spend.amount_micros``); for all agents
  this includes the receptionists' calls, for one interviewer only its own.

Indexes: ``ix_applications_created`` / ``_started`` / ``_completed`` lead with their time and
cover the filters (migration 0004), so every count reads one index range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.expression import Executable

from milo_desktop.enums import SpendKind
from milo_desktop.models import (
    Application,
    ApplicationDay,
    Candidate,
    CompletionDay,
    Interviewer,
    SpendEntry,
)
from milo_desktop.models.base import UTCDateTime
from milo_desktop.services.analytics.figures import (
    ActivityPoint,
    RecentCompletion,
    SpendPoint,
    Totals,
)
from milo_desktop.services.analytics.ranges import AnalyticsFilter
from milo_desktop.services.analytics.series import (
    Bucket,
    bucket_bounds,
    bucket_of_day,
    bucket_start,
    bucket_starts,
    day_key,
    parse_key,
)
from milo_desktop.services.figures import completed_application as completed_application
from milo_desktop.services.figures import spend_micros

A = Application
SERIES = ("invited", "started", "completed")


def _in(column: Any, lo: dt.datetime, hi: dt.datetime) -> ColumnElement[bool]:
    return and_(column >= lo, column < hi)


def _scoped(stmt: Select[Any], f: AnalyticsFilter) -> Select[Any]:
    return stmt if f.interviewer_id is None else stmt.where(A.interviewer_id == f.interviewer_id)


def _count(f: AnalyticsFilter, *where: ColumnElement[bool]) -> Select[Any]:
    return _scoped(select(func.count()).select_from(A).where(*where), f)


def _dialect(s: Session) -> str:
    return s.get_bind().dialect.name


def count_candidates(s: Session, f: AnalyticsFilter) -> int:
    """Distinct candidates invited in the range.

    One interviewer has each candidate once (a unique constraint), so its count is a plain
    range count. Across all interviewers, SQLite counts distinct ids while walking
    ``ix_applications_candidate_created`` in candidate order (no sort); its planner would
    rather take the created_at range and sort ~a million ids (30× slower), so there the range
    is written ``+created_at``, which SQLite cannot serve from an index. PostgreSQL groups
    (a hash aggregate, cheaper than its sorting count(DISTINCT)).
    """
    if f.interviewer_id is not None:
        return int(s.scalar(_count(f, _in(A.created_at, f.start, f.end))) or 0)
    if _dialect(s) == "sqlite":
        created = literal_column(f"+{A.__tablename__}.created_at", UTCDateTime)
        return int(s.scalar(select(func.count(A.candidate_id.distinct()))
                            .where(_in(created, f.start, f.end))) or 0)
    people = select(A.candidate_id).where(_in(A.created_at, f.start, f.end)).group_by(
        A.candidate_id)
    return int(s.scalar(select(func.count()).select_from(people.subquery())) or 0)


def spend_total(s: Session, f: AnalyticsFilter) -> int:
    return spend_micros(s, interviewer_id=f.interviewer_id, since=f.start, until=f.end)


def totals_in(s: Session, f: AnalyticsFilter) -> Totals:
    """The header figures, each counted over the whole range."""
    completed = _in(A.completed_at, f.start, f.end)
    return Totals(
        candidates=count_candidates(s, f),
        invited=int(s.scalar(_count(f, _in(A.created_at, f.start, f.end))) or 0),
        started=int(s.scalar(_count(f, _in(A.started_at, f.start, f.end))) or 0),
        completed=int(s.scalar(_count(f, completed, completed_application())) or 0),
        # Completed in the range and started in it too (started_at <= completed_at).
        started_completed=int(s.scalar(_count(f, completed, completed_application(),
                                              A.started_at >= f.start)) or 0),
        spend_micros=spend_total(s, f),
    )


# ----- series ----------------------------------------------------------------------------------
_TIME_INDEX = {"created_at": "ix_applications_created", "started_at": "ix_applications_started",
               "completed_at": "ix_applications_completed"}  # migration 0004, leading by time


def _indexed_by(stmt: Select[Any], index: str) -> TextClause:
    """``stmt`` (over ``applications``) read through ``index`` on SQLite (``INDEXED BY``, which
    SQLAlchemy cannot render), its parameters and their types kept.

    The sampled statistics the demo builder leaves (``analysis_limit``) make SQLite count
    "started in a week" by skip-scanning ix_applications_funnel — a seek per interviewer ×
    source × status, ~1,400 a bucket, 0.8 s for a year of weeks at 1M — instead of the
    covering index that leads with the time."""
    compiled = stmt.compile(dialect=sqlite.dialect(paramstyle="named"))
    table = A.__tablename__
    sql = str(compiled).replace(f"FROM {table}", f"FROM {table} INDEXED BY {index}", 1)
    return text(sql).bindparams(*(bindparam(name, b.value, type_=b.type)
                                  for b, name in compiled.bind_names.items()))


def _per_span(s: Session, f: AnalyticsFilter, spans: list[tuple[dt.datetime, dt.datetime]],
              column: Any, where: tuple[ColumnElement[bool], ...],
              *aggregates: ColumnElement[Any]) -> list[tuple[int, ...]]:
    """``aggregates`` over the rows whose ``column`` falls in each span, in order.

    One small statement, run once per span with its bounds: each run is an index range walk
    of ``column``, and the statement is compiled (and prepared) once whatever the number of
    buckets — a UNION of 53 weekly selects took longer to compile than to run."""
    lo, hi = bindparam("lo", type_=UTCDateTime), bindparam("hi", type_=UTCDateTime)
    stmt = _scoped(select(*aggregates).select_from(A).where(column >= lo, column < hi, *where), f)
    run: Executable = stmt
    if f.interviewer_id is None and _dialect(s) == "sqlite":
        run = _indexed_by(stmt, _TIME_INDEX[column.key])
    return [tuple(int(v or 0) for v in s.execute(run, {"lo": b_lo, "hi": b_hi}).one())
            for b_lo, b_hi in spans]


def _raw_series(s: Session, f: AnalyticsFilter, spans: list[tuple[dt.datetime, dt.datetime]],
                series: tuple[str, ...]) -> list[dict[str, int]]:
    """The asked series counted from ``applications`` over each span (the walk per span)."""
    out: list[dict[str, int]] = [{} for _ in spans]
    if "invited" in series:
        for row, (n,) in zip(out, _per_span(s, f, spans, A.created_at, (), func.count()),
                             strict=True):
            row["invited"] = n
    if "started" in series:
        for row, (n,) in zip(out, _per_span(s, f, spans, A.started_at, (), func.count()),
                             strict=True):
            row["started"] = n
    if "completed" in series:
        from_start = case((A.started_at >= f.start, 1))  # NULL (never started) is not counted
        for row, (n, m) in zip(out, _per_span(s, f, spans, A.completed_at,
                                              (completed_application(),),
                                              func.count(), func.count(from_start)),
                               strict=True):
            row["completed"], row["started_completed"] = n, m
    return out


def _utc_midnight_after(moment: dt.datetime) -> dt.datetime:
    day = moment.astimezone(dt.UTC)
    floor = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return floor if floor == day else floor + dt.timedelta(days=1)


def _utc_midnight_before(moment: dt.datetime) -> dt.datetime:
    day = moment.astimezone(dt.UTC)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _kept_days(s: Session, f: AnalyticsFilter, lo: dt.datetime, hi: dt.datetime,
               series: tuple[str, ...]) -> dict[dt.date, dict[str, int]]:
    """The asked series per whole UTC day of [lo, hi) from the kept tables (migration 0015).

    Completions that started on the range's first, partial day at or after ``f.start`` are
    not told apart by their started day: those few are read from ``applications``."""
    days: dict[dt.date, dict[str, int]] = defaultdict(dict)
    first, last = lo.date(), hi.date()
    if "invited" in series or "started" in series:
        for day, invited, started in s.execute(
            select(ApplicationDay.day, ApplicationDay.invited, ApplicationDay.started)
            .where(ApplicationDay.day >= first, ApplicationDay.day < last)
        ):
            days[day] |= {"invited": invited, "started": started}
    if "completed" in series:
        started_from = _utc_midnight_after(f.start)
        cd = CompletionDay
        for day, n, m in s.execute(
            select(cd.completed_day, func.sum(cd.n),
                   func.sum(case((cd.started_day >= started_from.date(), cd.n), else_=0)))
            .where(cd.completed_day >= first, cd.completed_day < last)
            .group_by(cd.completed_day)
        ):
            days[day] |= {"completed": int(n), "started_completed": int(m or 0)}
        if started_from != f.start:  # the range starts mid-day (UTC)
            for (done,) in s.execute(
                select(A.completed_at).where(
                    _in(A.started_at, f.start, started_from),
                    _in(A.completed_at, lo, hi), completed_application())
            ):
                row = days[done.astimezone(dt.UTC).date()]
                row["started_completed"] = row.get("started_completed", 0) + 1
    return days


def activity_in(s: Session, f: AnalyticsFilter, bucket: Bucket,
                series: tuple[str, ...] = SERIES) -> dict[str, list[int]]:
    """Counts per bucket of the asked series: "invited" (created_at), "started"
    (started_at), "completed" (completed_at), and with "completed" also "started_completed"
    (those of them that started in the range), read in the same walk.

    For all interviewers the whole UTC days of the range are read from the per-day tables
    the database keeps (``application_days``, ``completion_days``: a few hundred rows for a
    year) and only the partial days at the ends (a range from local midnight) are counted
    from ``applications``; one interviewer's counts walk its rows."""
    names = [n for n in (*SERIES, "started_completed") if n in series
             or (n == "started_completed" and "completed" in series)]
    bounds = bucket_bounds(f.start, f.end, bucket)
    whole_lo, whole_hi = _utc_midnight_after(f.start), _utc_midnight_before(f.end)
    if f.interviewer_id is not None or whole_lo >= whole_hi:
        counted = _raw_series(s, f, [(lo, hi) for _d, lo, hi in bounds], series)
        return {n: [row[n] for row in counted] for n in names}
    edges = [(lo, min(hi, whole_lo)) for _d, lo, hi in bounds if lo < whole_lo]
    edges += [(max(lo, whole_hi), hi) for _d, lo, hi in bounds if hi > whole_hi]
    per_day = _kept_days(s, f, whole_lo, whole_hi, series)
    totals = [dict.fromkeys(names, 0) for _ in bounds]
    index = {d: i for i, (d, _lo, _hi) in enumerate(bounds)}
    for day, row in per_day.items():
        target = totals[index[bucket_start(day, bucket)]]
        for n in names:
            target[n] += row.get(n, 0)
    for (lo, _hi), row in zip(edges, _raw_series(s, f, edges, series), strict=True):
        target = totals[index[bucket_start(lo.astimezone(dt.UTC).date(), bucket)]]
        for n in names:
            target[n] += row[n]
    return {n: [row[n] for row in totals] for n in names}


def activity_points(f: AnalyticsFilter, bucket: Bucket,
                    counts: dict[str, list[int]]) -> tuple[ActivityPoint, ...]:
    days = [d for d, _lo, _hi in bucket_bounds(f.start, f.end, bucket)]
    return tuple(ActivityPoint(d, i, st, c) for d, i, st, c in
                 zip(days, counts["invited"], counts["started"], counts["completed"],
                     strict=True))


def spend_in(s: Session, f: AnalyticsFilter, bucket: Bucket) -> tuple[SpendPoint, ...]:
    """Spend per bucket and kind, grouped by the UTC day and then by bucket (series.py)."""
    dialect = _dialect(s)
    day = day_key(dialect, SpendEntry.occurred_at).label("day")
    per_day = select(day, SpendEntry.kind, func.sum(SpendEntry.amount_micros).label("micros")
                     ).where(_in(SpendEntry.occurred_at, f.start, f.end))
    if f.interviewer_id is not None:
        per_day = per_day.where(SpendEntry.interviewer_id == f.interviewer_id)
    days = per_day.group_by(day, SpendEntry.kind).subquery()
    key = bucket_of_day(dialect, days.c.day, bucket).label("bucket")
    found: dict[dt.date, dict[SpendKind, int]] = {}
    for k, kind, micros in s.execute(
        select(key, days.c.kind, func.sum(days.c.micros)).group_by(key, days.c.kind)
    ):
        found.setdefault(parse_key(k), {})[SpendKind(kind)] = int(micros)
    return tuple(SpendPoint(b, sum(found.get(b, {}).values()), dict(found.get(b, {})))
                 for b in bucket_starts(f.start, f.end, bucket))


def recent_in(s: Session, f: AnalyticsFilter, limit: int) -> tuple[RecentCompletion, ...]:
    """The newest completions in the range (ties: the newer application first).

    The rows come from ``ix_applications_completed`` alone, then their names by primary key:
    joined in one statement, SQLite's planner starts from the interviewers and walks every
    application (seconds at a million)."""
    rows = s.execute(_scoped(
        select(A.id, A.candidate_id, A.interviewer_id, A.score, A.status, A.completed_at)
        .where(_in(A.completed_at, f.start, f.end), completed_application())
        .order_by(A.completed_at.desc(), A.id.desc()).limit(limit), f)).all()
    people = dict(s.execute(
        select(Candidate.id, Candidate.full_name)
        .where(Candidate.id.in_({r.candidate_id for r in rows}))).tuples().all())
    roles = dict(s.execute(
        select(Interviewer.id, Interviewer.name)
        .where(Interviewer.id.in_({r.interviewer_id for r in rows}))).tuples().all())
    return tuple(
        RecentCompletion(r.id, r.candidate_id, people[r.candidate_id], r.interviewer_id,
                         roles[r.interviewer_id], r.score, r.status, r.completed_at)
        for r in rows)
