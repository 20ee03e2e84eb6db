"""Buckets, ranges and presets of the analytics screen, and its CSV / file exports."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from milo_desktop.enums import SpendKind
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.analytics import (
    ActivityPoint,
    AnalyticsFilter,
    Bucket,
    Preset,
    SpendPoint,
    bucket_for,
    day_range,
    preset_range,
)
from milo_desktop.services.analytics.export import activity_csv, spend_csv, write_export
from milo_desktop.services.analytics.series import bucket_bounds, bucket_starts

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("days", "bucket"), [
    (1, Bucket.DAY), (90, Bucket.DAY), (91, Bucket.WEEK), (365, Bucket.WEEK),
    (366, Bucket.WEEK), (367, Bucket.MONTH), (3000, Bucket.MONTH),
])
def test_bucket_size_follows_the_range(days: int, bucket: Bucket) -> None:
    start = utc(2026, 1, 1)
    assert bucket_for(start, start + dt.timedelta(days=days)) is bucket


def test_bounds_cover_the_range_exactly() -> None:
    start, end = utc(2026, 1, 7, 15), utc(2026, 3, 4, 9)  # a Wednesday afternoon …
    for bucket in Bucket:
        bounds = bucket_bounds(start, end, bucket)
        assert bounds[0][1] == start and bounds[-1][2] == end
        assert all(a[2] == b[1] for a, b in itertools.pairwise(bounds))
        assert [d for d, _lo, _hi in bounds] == list(bucket_starts(start, end, bucket))
    weeks = bucket_bounds(start, end, Bucket.WEEK)
    assert weeks[0][0] == dt.date(2026, 1, 5) and weeks[1][1] == utc(2026, 1, 12)
    months = bucket_bounds(start, end, Bucket.MONTH)
    assert [d for d, _lo, _hi in months] == [dt.date(2026, m, 1) for m in (1, 2, 3)]
    days = bucket_bounds(start, end, Bucket.DAY)
    assert len(days) == 57 and days[-1][0] == dt.date(2026, 3, 4)


def test_an_end_at_midnight_adds_no_empty_bucket() -> None:
    assert list(bucket_starts(utc(2026, 11, 2), utc(2026, 11, 9), Bucket.DAY))[-1] \
        == dt.date(2026, 11, 8)
    assert list(bucket_starts(utc(2026, 1, 1), utc(2026, 2, 1), Bucket.MONTH)) \
        == [dt.date(2026, 1, 1)]


def test_buckets_are_utc_whatever_zone_the_range_is_given_in() -> None:
    plus5 = dt.timezone(dt.timedelta(hours=5))
    start = dt.datetime(2026, 11, 3, 2, 0, tzinfo=plus5)  # Nov 2, 21:00 UTC
    assert next(bucket_starts(start, start + dt.timedelta(hours=6), Bucket.DAY)) \
        == dt.date(2026, 11, 2)


def test_presets_end_with_today_in_utc() -> None:
    now = utc(2026, 11, 22, 23, 30)
    tomorrow = utc(2026, 11, 23)
    assert preset_range(Preset.LAST_7_DAYS, now) == (utc(2026, 11, 16), tomorrow)
    assert preset_range(Preset.LAST_30_DAYS, now) == (utc(2026, 10, 24), tomorrow)
    assert preset_range(Preset.LAST_90_DAYS, now) == (utc(2026, 8, 25), tomorrow)
    assert preset_range(Preset.LAST_12_MONTHS, now) == (utc(2025, 11, 23), tomorrow)
    assert preset_range(Preset.THIS_YEAR, now) == (utc(2026, 1, 1), tomorrow)
    # Local evening of Nov 22 at UTC-8 is already Nov 23 in UTC.
    pacific = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    assert preset_range(Preset.LAST_7_DAYS, pacific)[1] == utc(2026, 11, 24)
    assert preset_range(Preset.LAST_12_MONTHS, utc(2028, 2, 29))[0] == utc(2027, 3, 1)
    assert bucket_for(*preset_range(Preset.LAST_12_MONTHS, now)) is Bucket.WEEK
    assert bucket_for(*preset_range(Preset.LAST_90_DAYS, now)) is Bucket.DAY


def test_filters_refuse_what_makes_no_sense() -> None:
    assert day_range(dt.date(2026, 3, 1), dt.date(2026, 3, 1)) == (utc(2026, 3, 1),
                                                                   utc(2026, 3, 2))
    with pytest.raises(ValidationProblem, match="end date"):
        day_range(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    with pytest.raises(ValidationProblem, match="end date"):
        AnalyticsFilter(None, utc(2026, 3, 2), utc(2026, 3, 2))
    with pytest.raises(ValidationProblem, match="ten years"):
        AnalyticsFilter(None, utc(2000, 1, 1), utc(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        AnalyticsFilter(None, dt.datetime(2026, 1, 1), utc(2026, 2, 1))


def test_csv_of_each_chart() -> None:
    activity = (ActivityPoint(dt.date(2026, 11, 2), 5, 3, 1),
                ActivityPoint(dt.date(2026, 11, 9), 0, 0, 0))
    assert activity_csv(activity, Bucket.WEEK) == (
        "week_start_utc,invited,started,completed\r\n"
        "2026-11-02,5,3,1\r\n"
        "2026-11-09,0,0,0\r\n")
    spend = (SpendPoint(dt.date(2026, 11, 2), 147_900,
                        {SpendKind.CALL: 140_000, SpendKind.SMS: 7_900}),
             SpendPoint(dt.date(2026, 11, 3), 0, {}),
             SpendPoint(dt.date(2026, 11, 4), 12_345_678_901, {SpendKind.LLM: 12_345_678_901}))
    assert spend_csv(spend, Bucket.DAY) == (
        "day_start_utc,total_usd,call_usd,sms_usd,recording_usd,email_usd,llm_usd\r\n"
        "2026-11-02,0.147900,0.140000,0.007900,0.000000,0.000000,0.000000\r\n"
        "2026-11-03,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000\r\n"
        "2026-11-04,12345.678901,0.000000,0.000000,0.000000,0.000000,12345.678901\r\n")


def test_write_export_replaces_whole_files_and_explains_failures(tmp_path: Path,
                                                                 arun: Any) -> None:
    target = tmp_path / "chart.csv"
    target.write_text("old")
    arun(write_export(target, b"new,data\r\n"))
    assert target.read_bytes() == b"new,data\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.csv"]  # no .part left behind
    with pytest.raises(EnvironmentProblem, match="Could not save"):
        arun(write_export(tmp_path / "missing-folder" / "chart.png", b"x"))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(EnvironmentProblem, match="Could not save"):
        arun(write_export(blocker / "chart.png", b"x"))
