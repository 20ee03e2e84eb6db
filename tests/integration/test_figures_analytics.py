"""Global analytics: the per-day tables kept by the database give the same series as counting
the applications, and on SQLite the counts still made from the rows read each series through
the index that leads with its time, whatever the planner's statistics say
(services/analytics/queries.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, text

from milo_desktop.services.analytics import AnalyticsFilter
from milo_desktop.services.analytics import queries as q
from milo_desktop.services.analytics.series import Bucket
from milo_desktop.services.workspace import Workspace

# What the demo builder's sampled ANALYZE left on a 1M workspace: the funnel index looks
# selective on its first three columns, the started index hugely duplicated.
SAMPLED_STATS = {
    "ix_applications_funnel": "718536 1001 1001 1001 1 1 1",
    "ix_applications_started": "8449896 2 2",
    "ix_applications_created": "901098 1 1",
    "ix_applications_completed": "2008395 2 2 2 2 1",
}


def test_global_series_use_their_time_index(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    plans: list[str] = []

    def stats(s: Any) -> None:
        s.execute(text("ANALYZE"))  # creates sqlite_stat1
        for index, stat in SAMPLED_STATS.items():
            s.execute(text("DELETE FROM sqlite_stat1 WHERE idx = :i"), {"i": index})
            s.execute(text("INSERT INTO sqlite_stat1 VALUES ('applications', :i, :s)"),
                      {"i": index, "s": stat})

    ws.db.run_sync(stats, write=True)
    ws.db.engine.dispose()  # new connections load the statistics

    def explain(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("SELECT count(*)") and "FROM applications" in statement:
            plans.append(" ".join(str(r[-1]) for r in cursor.connection.execute(
                "EXPLAIN QUERY PLAN " + statement, params)))

    event.listen(ws.db.engine, "before_cursor_execute", explain)
    end = dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)  # mid-day ends are counted from the rows
    f = AnalyticsFilter(None, end - dt.timedelta(days=28), end)
    ws.db.run_sync(lambda s: q.activity_in(s, f, Bucket.WEEK))
    event.remove(ws.db.engine, "before_cursor_execute", explain)
    assert plans, "no per-bucket counts were run"
    for plan in plans:
        assert "ix_applications_funnel" not in plan, plan
        assert any(f"COVERING INDEX {ix}" in plan for ix in
                   ("ix_applications_created", "ix_applications_started",
                    "ix_applications_completed")), plan


def _series_both_ways(ws: Workspace, f: AnalyticsFilter, bucket: Bucket
                      ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The global series as the screen reads them (kept days + partial edges) and counted
    from the applications bucket by bucket (the definition)."""
    from milo_desktop.services.analytics.series import bucket_bounds

    def read(s: Any) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        kept = q.activity_in(s, f, bucket)
        spans = [(lo, hi) for _d, lo, hi in bucket_bounds(f.start, f.end, bucket)]
        rows = q._raw_series(s, f, spans, q.SERIES)
        return kept, {n: [r[n] for r in rows] for n in kept}

    return ws.db.run_sync(read)


def test_kept_days_equal_a_recount_after_every_write(workspace: Workspace) -> None:
    """application_days / completion_days (migration 0015) give the same series as counting
    the applications, for ranges starting and ending mid-day, after inserts, status and
    time changes, moves and deletes, on SQLite and PostgreSQL."""
    from sqlalchemy import delete, update

    from milo_desktop.enums import ApplicationStatus as S
    from milo_desktop.models import Application
    from tests.factories import make_application, make_candidate, make_interviewer

    ws = workspace
    base = dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.UTC)
    a, b = make_interviewer(ws, "Forklift Driver"), make_interviewer(ws, "Line Cook")
    apps = []
    for i in range(24):
        created = base + dt.timedelta(hours=31 * i)
        started = created + dt.timedelta(hours=5 + i % 3 * 20) if i % 4 else None
        done = started + dt.timedelta(hours=30) if started and i % 3 else None
        status = (S.COMPLETED if done and i % 2 else S.SHORTLISTED if done else
                  S.IN_PROGRESS if started else S.PENDING)
        apps.append(make_application(ws, make_candidate(ws, f"Person {i}"), a if i % 2 else b,
                                     status, created_at=created, started_at=started,
                                     completed_at=done))
    ranges = [  # mid-day ends (a local midnight), UTC midnights, shorter than a day
        AnalyticsFilter(None, dt.datetime(2026, 10, 3, 5, tzinfo=dt.UTC),
                        dt.datetime(2026, 10, 30, 5, tzinfo=dt.UTC)),
        AnalyticsFilter(None, dt.datetime(2026, 10, 2, tzinfo=dt.UTC),
                        dt.datetime(2026, 11, 2, tzinfo=dt.UTC)),
        AnalyticsFilter(None, dt.datetime(2026, 10, 4, 22, tzinfo=dt.UTC),
                        dt.datetime(2026, 10, 5, 20, tzinfo=dt.UTC)),
    ]

    def check(step: str) -> None:
        for f in ranges:
            for bucket in Bucket:
                kept, counted = _series_both_ways(ws, f, bucket)
                assert kept == counted, (step, f, bucket)

    check("created")
    nothing = [0] * 5
    assert _series_both_ways(ws, ranges[1], Bucket.WEEK)[0]["invited"] != nothing

    def write(stmt: Any) -> None:
        ws.db.run_sync(lambda s: s.execute(stmt), write=True)

    write(update(Application).where(Application.id == apps[3])
          .values(status=S.COMPLETED, completed_at=base + dt.timedelta(days=5)))
    check("completed")
    write(update(Application).where(Application.id == apps[5]).values(status=S.DISMISSED))
    check("dismissed after completing")
    write(update(Application).where(Application.id == apps[7])
          .values(started_at=base + dt.timedelta(days=2, hours=3)))
    check("start moved")
    write(update(Application).where(Application.id == apps[9])
          .values(created_at=base + dt.timedelta(days=11), interviewer_id=b))
    check("invitation moved")
    write(update(Application).where(Application.id == apps[11]).values(status=S.KNOCKED_OUT))
    check("knocked out")
    write(delete(Application).where(Application.id.in_(apps[12:16])))
    check("deleted")
