"""The global analytics figures on SQLite and PostgreSQL: hand-made data with known answers
(bucket edges, empty buckets, one interviewer vs all, spend per kind, time zones) and the demo
workspace checked against direct SQL written here, independently of the service's queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import bindparam, text

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import InterviewerStatus, SpendKind, StageKind
from milo_desktop.models import SpendEntry, Stage
from milo_desktop.models.base import UTCDateTime
from milo_desktop.services.analytics import (
    AnalyticsFilter,
    Bucket,
    Preset,
    day_range,
    funnel_of,
    preset_range,
)
from milo_desktop.services.demo import build_demo
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

UTC = dt.UTC


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0,
       month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, micro, tzinfo=UTC)


WEEK_START, WEEK_END = at(2), at(9)  # Monday Nov 2 – Sunday Nov 8, 2026 (end exclusive)


def _stage_of(ws: Workspace, iid: int) -> int:
    return ws.db.run_sync(lambda s: s.query(Stage.id).filter_by(interviewer_id=iid).first()[0])


@pytest.fixture
def handmade(workspace: Workspace) -> dict[str, Any]:
    """Three interviewers (one archived), nine applications around the week's edges, spend.
    Each application's comment says what it adds to the week's figures."""
    ws = workspace
    alpha = make_interviewer(ws, "Alpha Picker", stages=(StageKind.VOICE,))
    bravo = make_interviewer(ws, "bravo driver", stages=(StageKind.VOICE,))
    charlie = make_interviewer(ws, "Charlie Cook", status=InterviewerStatus.ARCHIVED,
                               stages=(StageKind.VOICE,))
    c = [make_candidate(ws, f"Person {i}") for i in range(9)]
    ko_stage = _stage_of(ws, alpha)
    apps = {
        # invited Nov 2 00:00 (the first instant: in), started Nov 2, completed Nov 3
        1: make_application(ws, c[1], alpha, A.COMPLETED, created_at=at(2), score=80.0,
                            started_at=at(2, 10), completed_at=at(3, 9)),
        # the same person for bravo: counted once in "candidates" for all agents
        2: make_application(ws, c[1], bravo, A.SHORTLISTED, created_at=at(4, 12), score=90.0,
                            started_at=at(4, 13), completed_at=at(8, 23, 59, 59, 999_999)),
        # invited the instant before the week (out); started at its first instant (in);
        # knocked out: finished, but not a completion
        3: make_application(ws, c[2], alpha, A.KNOCKED_OUT, created_at=at(1, 23, 59, 59, 999_999),
                            started_at=at(2), completed_at=at(2, 5), knocked_out_stage_id=ko_stage),
        # invited at the week's end (exclusive): out
        4: make_application(ws, c[3], alpha, A.PENDING, created_at=at(9)),
        # started, still being evaluated: not completed
        5: make_application(ws, c[4], bravo, A.EVALUATING, created_at=at(5, 8),
                            started_at=at(5, 9)),
        # started before the week, completed in it: a completion, not in the rate's numerator
        6: make_application(ws, c[5], alpha, A.COMPLETED, created_at=at(3), score=70.0,
                            started_at=at(30, month=10), completed_at=at(6)),
        # invited Nov 7 02:00 at UTC+5, i.e. Nov 6 21:00 UTC: Nov 6's bucket
        7: make_application(ws, c[6], charlie, A.PENDING, created_at=dt.datetime(
            2026, 11, 7, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))),
        # dismissed before starting: invited only
        8: make_application(ws, c[7], bravo, A.DISMISSED, created_at=at(3, 15)),
        # completed at the week's end (exclusive): invited and started only
        9: make_application(ws, c[8], bravo, A.COMPLETED, created_at=at(8, 22), score=60.0,
                            started_at=at(8, 22, 30), completed_at=at(9)),
    }

    def spend(s: Any) -> None:
        for i, (kind, micros, when, iid) in enumerate((
            (SpendKind.CALL, 140_000, at(2, 10), alpha),
            (SpendKind.SMS, 7_900, at(2, 11), alpha),
            (SpendKind.RECORDING, 2_500, at(5), None),  # a receptionist's: all agents only
            (SpendKind.CALL, 13_000, at(9), alpha),  # at the end: out
            (SpendKind.LLM, 1_234, at(8, 23), bravo),
        )):
            s.add(SpendEntry(service="twilio", kind=kind, provider_sid=f"X{i}",
                             amount_micros=micros, interviewer_id=iid, occurred_at=when))

    ws.db.run_sync(spend, write=True)
    return {"ws": ws, "alpha": alpha, "bravo": bravo, "charlie": charlie, "apps": apps,
            "people": c}


def week(iid: int | None = None) -> AnalyticsFilter:
    return AnalyticsFilter(iid, WEEK_START, WEEK_END)


# ----- hand-made data ----------------------------------------------------------------------------
def test_totals_of_all_agents_and_of_one(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    t = arun(ws.analytics.totals(week()))
    assert (t.candidates, t.invited, t.started, t.completed, t.started_completed) == (6, 7, 5, 3, 2)
    assert t.completion_rate == pytest.approx(0.4)
    assert t.spend_micros == 140_000 + 7_900 + 2_500 + 1_234
    a = arun(ws.analytics.totals(week(handmade["alpha"])))
    assert (a.candidates, a.invited, a.started, a.completed, a.started_completed) == (2, 2, 2, 2, 1)
    assert a.completion_rate == pytest.approx(0.5) and a.spend_micros == 147_900
    b = arun(ws.analytics.totals(week(handmade["bravo"])))
    assert (b.candidates, b.invited, b.started, b.completed, b.started_completed) == (4, 4, 3, 1, 1)
    assert b.spend_micros == 1_234


def test_daily_activity_is_zero_filled_with_exact_edges(handmade: dict[str, Any],
                                                         arun: Any) -> None:
    ws = handmade["ws"]
    points = arun(ws.analytics.activity(week()))
    assert [p.start for p in points] == [dt.date(2026, 11, d) for d in range(2, 9)]
    assert [p.invited for p in points] == [1, 2, 1, 1, 1, 0, 1]
    assert [p.started for p in points] == [2, 0, 1, 1, 0, 0, 1]
    assert [p.completed for p in points] == [0, 1, 0, 0, 1, 0, 1]
    alpha = arun(ws.analytics.activity(week(handmade["alpha"])))
    assert [p.invited for p in alpha] == [1, 1, 0, 0, 0, 0, 0]
    assert [p.completed for p in alpha] == [0, 1, 0, 0, 1, 0, 0]


def test_weeks_start_on_monday_and_are_clipped_to_the_range(handmade: dict[str, Any],
                                                            arun: Any) -> None:
    ws = handmade["ws"]
    f = AnalyticsFilter(None, at(28, month=10), dt.datetime(2027, 1, 30, tzinfo=UTC))
    assert f.bucket is Bucket.WEEK  # 94 days
    points = arun(ws.analytics.activity(f))
    assert points[0].start == dt.date(2026, 10, 26)  # the Monday before Wednesday Oct 28
    assert all(p.start.weekday() == 0 for p in points)
    assert points[-1].start == dt.date(2027, 1, 25)
    by_week = {p.start: p for p in points}
    assert by_week[dt.date(2026, 10, 26)].started == 1  # app 6, started Friday Oct 30
    assert (by_week[dt.date(2026, 11, 2)].invited, by_week[dt.date(2026, 11, 2)].started) == (7, 5)
    assert by_week[dt.date(2026, 11, 9)].invited == 1 and by_week[dt.date(2026, 11, 9)].completed == 1
    t = arun(ws.analytics.totals(f))
    assert sum(p.invited for p in points) == t.invited == 9
    assert sum(p.started for p in points) == t.started == 6
    assert sum(p.completed for p in points) == t.completed == 4


def test_months_beyond_a_year(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    f = AnalyticsFilter(None, dt.datetime(2025, 6, 15, tzinfo=UTC), at(1, month=12))
    assert f.bucket is Bucket.MONTH
    points = arun(ws.analytics.activity(f))
    assert points[0].start == dt.date(2025, 6, 1) and points[-1].start == dt.date(2026, 11, 1)
    assert len(points) == 18
    nov, octo = points[-1], points[-2]
    assert (nov.invited, nov.started, nov.completed) == (9, 5, 4)
    assert (octo.invited, octo.started, octo.completed) == (0, 1, 0)
    assert sum(p.invited for p in points[:-1]) == 0  # 16 empty months, all there


def test_spend_per_bucket_and_kind(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    points = {p.start: p for p in arun(ws.analytics.spend_over_time(week()))}
    assert len(points) == 7
    assert points[dt.date(2026, 11, 2)].micros == 147_900
    assert points[dt.date(2026, 11, 2)].by_kind == {SpendKind.CALL: 140_000, SpendKind.SMS: 7_900}
    assert points[dt.date(2026, 11, 5)].by_kind == {SpendKind.RECORDING: 2_500}
    assert points[dt.date(2026, 11, 8)].by_kind == {SpendKind.LLM: 1_234}
    assert points[dt.date(2026, 11, 3)].micros == 0 and points[dt.date(2026, 11, 3)].by_kind == {}
    alpha = arun(ws.analytics.spend_over_time(week(handmade["alpha"])))
    assert [p.micros for p in alpha] == [147_900, 0, 0, 0, 0, 0, 0]
    month = arun(ws.analytics.spend_over_time(week(), Bucket.MONTH))
    assert [(p.start, p.micros) for p in month] == [(dt.date(2026, 11, 1), 151_634)]


def test_recent_completions_newest_first(handmade: dict[str, Any], arun: Any) -> None:
    ws, apps, people = handmade["ws"], handmade["apps"], handmade["people"]
    rows = arun(ws.analytics.recent_completions(week(), limit=10))
    assert [r.application_id for r in rows] == [apps[2], apps[6], apps[1]]  # no knock-out
    top = rows[0]
    assert (top.candidate_id, top.candidate_name, top.interviewer_name, top.score,
            top.status) == (people[1], "Person 1", "bravo driver", 90.0, A.SHORTLISTED)
    assert top.completed_at == at(8, 23, 59, 59, 999_999)
    assert [r.application_id for r in arun(ws.analytics.recent_completions(week(), limit=2))] \
        == [apps[2], apps[6]]
    alpha = arun(ws.analytics.recent_completions(week(handmade["alpha"])))
    assert [r.application_id for r in alpha] == [apps[6], apps[1]]


def test_ties_in_completion_time_put_the_newer_application_first(workspace: Workspace,
                                                                  arun: Any) -> None:
    iid = make_interviewer(workspace, "Tie Breaker")
    same = at(4, 12)
    ids = [make_application(workspace, make_candidate(workspace, f"T {i}"), iid, A.COMPLETED,
                            created_at=at(3), started_at=at(3, 1), completed_at=same)
           for i in range(3)]
    rows = arun(workspace.analytics.recent_completions(week()))
    assert [r.application_id for r in rows] == sorted(ids, reverse=True)


def test_overview_matches_the_separate_figures(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    for iid in (None, handmade["alpha"], handmade["bravo"], handmade["charlie"]):
        f = week(iid)
        o = arun(ws.analytics.overview(f, recent=5))
        assert o.totals == arun(ws.analytics.totals(f))
        assert o.activity == arun(ws.analytics.activity(f))
        assert o.spend == arun(ws.analytics.spend_over_time(f))
        assert o.recent == arun(ws.analytics.recent_completions(f, 5))
        assert o.bucket is Bucket.DAY and not o.empty


def test_an_empty_period(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    f = AnalyticsFilter(None, *day_range(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    o = arun(ws.analytics.overview(f))
    assert o.empty and o.totals.completion_rate is None and o.recent == ()
    assert len(o.activity) == 30 and {(p.invited, p.started, p.completed) for p in o.activity} \
        == {(0, 0, 0)}
    assert len(o.spend) == 30 and {p.micros for p in o.spend} == {0}


def test_interviewer_choices_include_archived_by_name(handmade: dict[str, Any],
                                                      arun: Any) -> None:
    choices = arun(handmade["ws"].analytics.interviewer_choices())
    assert [c.name for c in choices] == ["Alpha Picker", "bravo driver", "Charlie Cook"]
    assert choices[2].status == InterviewerStatus.ARCHIVED


def test_funnel_delegates_to_funnel_of(handmade: dict[str, Any], arun: Any) -> None:
    ws = handmade["ws"]
    ws.analytics.clock = lambda: NOW
    for iid in (handmade["alpha"], handmade["bravo"]):
        got = arun(ws.analytics.funnel(iid))
        assert got == ws.db.run_sync(lambda s, i=iid: funnel_of(s, i, NOW))
        assert got.interviewer_id == iid
    assert arun(ws.analytics.funnel(handmade["alpha"])).invited == 4


# ----- the demo workspace against direct SQL -----------------------------------------------------
T = UTCDateTime()


def _sql(ws: Workspace, sql: str, **params: Any) -> Any:
    stmt = text(sql).bindparams(*(bindparam(k, type_=T) for k in params
                                  if isinstance(params[k], dt.datetime)))
    return ws.db.run_sync(lambda s: s.execute(stmt, params).all())


def _one(ws: Workspace, sql: str, **params: Any) -> int:
    return int(_sql(ws, sql, **params)[0][0] or 0)


DONE = ("(status = 'completed' OR (status IN ('shortlisted', 'dismissed') "
        "AND knocked_out_stage_id IS NULL))")


def _who(iid: int | None) -> str:
    return "" if iid is None else f" AND interviewer_id = {int(iid)}"


def _buckets(f: AnalyticsFilter, bucket: Bucket) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
    """Written here from scratch: each bucket's first day and its [from, to) in the range."""
    day = f.start.date()
    if bucket is Bucket.WEEK:
        day -= dt.timedelta(days=day.weekday())
    elif bucket is Bucket.MONTH:
        day = day.replace(day=1)
    out = []
    while dt.datetime.combine(day, dt.time(), UTC) < f.end:
        if bucket is Bucket.DAY:
            nxt = day + dt.timedelta(days=1)
        elif bucket is Bucket.WEEK:
            nxt = day + dt.timedelta(days=7)
        else:
            nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        lo = max(dt.datetime.combine(day, dt.time(), UTC), f.start)
        hi = min(dt.datetime.combine(nxt, dt.time(), UTC), f.end)
        out.append((day, lo, hi))
        day = nxt
    return out


@pytest.fixture
def demo(workspace: Workspace) -> Workspace:
    build_demo(workspace.db, candidates=400, seed=7, now=NOW)
    return workspace


def _filters(ws: Workspace) -> list[AnalyticsFilter]:
    busiest = _sql(ws, "SELECT interviewer_id, count(*) AS n FROM applications "
                       "GROUP BY interviewer_id ORDER BY n DESC, interviewer_id LIMIT 1")[0][0]
    return [
        AnalyticsFilter(None, *preset_range(Preset.LAST_30_DAYS, NOW)),
        AnalyticsFilter(None, *preset_range(Preset.LAST_12_MONTHS, NOW)),
        AnalyticsFilter(busiest, *preset_range(Preset.LAST_90_DAYS, NOW)),
        AnalyticsFilter(busiest, *preset_range(Preset.THIS_YEAR, NOW)),
        AnalyticsFilter(None, *day_range(dt.date(2026, 9, 3), dt.date(2026, 10, 17))),
        AnalyticsFilter(None, dt.datetime(2024, 1, 1, tzinfo=UTC), NOW),  # months
    ]


def test_demo_figures_match_direct_sql(demo: Workspace, arun: Any) -> None:
    ws = demo
    seen_buckets = set()
    for f in _filters(ws):
        w, s, e = _who(f.interviewer_id), f.start, f.end
        expected = (
            _one(ws, f"SELECT count(DISTINCT candidate_id) FROM applications "
                     f"WHERE created_at >= :s AND created_at < :e{w}", s=s, e=e),
            _one(ws, f"SELECT count(*) FROM applications WHERE created_at >= :s "
                     f"AND created_at < :e{w}", s=s, e=e),
            _one(ws, f"SELECT count(*) FROM applications WHERE started_at >= :s "
                     f"AND started_at < :e{w}", s=s, e=e),
            _one(ws, f"SELECT count(*) FROM applications WHERE completed_at >= :s "
                     f"AND completed_at < :e AND {DONE}{w}", s=s, e=e),
            _one(ws, f"SELECT count(*) FROM applications WHERE started_at >= :s "
                     f"AND started_at < :e AND completed_at < :e AND {DONE}{w}", s=s, e=e),
            _one(ws, "SELECT sum(amount_micros) FROM spend WHERE occurred_at >= :s AND "
                     "occurred_at < :e" + ("" if f.interviewer_id is None else
                                           f" AND interviewer_id = {f.interviewer_id}"),
                 s=s, e=e),
        )
        t = arun(ws.analytics.totals(f))
        assert (t.candidates, t.invited, t.started, t.completed, t.started_completed,
                t.spend_micros) == expected, f
        assert t.invited > 0 and t.completed > 0, f  # the demo has activity in every filter
        o = arun(ws.analytics.overview(f))
        assert o.totals == t

        seen_buckets.add(f.bucket)
        bounds = _buckets(f, f.bucket)
        assert [p.start for p in o.activity] == [d for d, _lo, _hi in bounds]
        for p, (_d, lo, hi) in zip(o.activity, bounds, strict=True):
            assert (p.invited, p.started, p.completed) == (
                _one(ws, f"SELECT count(*) FROM applications WHERE created_at >= :lo "
                         f"AND created_at < :hi{w}", lo=lo, hi=hi),
                _one(ws, f"SELECT count(*) FROM applications WHERE started_at >= :lo "
                         f"AND started_at < :hi{w}", lo=lo, hi=hi),
                _one(ws, f"SELECT count(*) FROM applications WHERE completed_at >= :lo "
                         f"AND completed_at < :hi AND {DONE}{w}", lo=lo, hi=hi),
            ), (f, p)
        spend_where = "" if f.interviewer_id is None else f" AND interviewer_id = {f.interviewer_id}"
        for p, (_d, lo, hi) in zip(o.spend, bounds, strict=True):
            rows = _sql(ws, "SELECT kind, sum(amount_micros) FROM spend WHERE occurred_at >= :lo "
                            f"AND occurred_at < :hi{spend_where} GROUP BY kind", lo=lo, hi=hi)
            assert p.by_kind == {SpendKind(k): int(v) for k, v in rows}, (f, p)
            assert p.micros == sum(int(v) for _k, v in rows)

        latest = _sql(ws, f"SELECT a.id, c.full_name, i.name, a.score FROM applications a "
                          f"JOIN candidates c ON c.id = a.candidate_id "
                          f"JOIN interviewers i ON i.id = a.interviewer_id "
                          f"WHERE a.completed_at >= :s AND a.completed_at < :e AND "
                          f"{DONE.replace('status', 'a.status').replace('knocked', 'a.knocked')}"
                          f"{w.replace('interviewer_id', 'a.interviewer_id')} "
                          f"ORDER BY a.completed_at DESC, a.id DESC LIMIT 10", s=s, e=e)
        assert [(r.application_id, r.candidate_name, r.interviewer_name, r.score)
                for r in o.recent] == [tuple(row) for row in latest]
    assert seen_buckets == {Bucket.DAY, Bucket.WEEK, Bucket.MONTH}
