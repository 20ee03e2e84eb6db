"""Global analytics on SQLite read each series through the index that leads with its time,
whatever the planner's statistics say (services/analytics/queries.py, ``_indexed_by``)."""

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
    end = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    f = AnalyticsFilter(None, end - dt.timedelta(days=28), end)
    ws.db.run_sync(lambda s: q.activity_in(s, f, Bucket.WEEK))
    event.remove(ws.db.engine, "before_cursor_execute", explain)
    assert plans, "no per-bucket counts were run"
    for plan in plans:
        assert "ix_applications_funnel" not in plan, plan
        assert any(f"COVERING INDEX {ix}" in plan for ix in
                   ("ix_applications_created", "ix_applications_started",
                    "ix_applications_completed")), plan
