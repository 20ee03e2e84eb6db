"""The Greenhouse v3 parsers are total: random JSON and mutated real records give a record or
a Quarantine, never an exception; plus the small wire helpers (token URL rule, expiry, the
"updated since" filter, the Link header)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.greenhouse.auth import expiry_of, token_url
from milo_desktop.services.connectors.greenhouse.listing import link_next, since_filter
from milo_desktop.services.connectors.greenhouse.parse import (
    parse_application,
    parse_candidate,
    parse_job,
    parse_stage,
)

CANDIDATE: dict[str, Any] = {
    "id": 978031, "first_name": "Ada", "last_name": "Abbott", "company": None, "title": None,
    "is_private": False, "created_at": "2026-11-01T00:00:01.000Z",
    "updated_at": "2026-11-01T00:00:02.000Z", "last_activity_at": "2026-11-01T00:00:02.000Z",
    "email_addresses": [{"value": " Ada@Example.COM ", "type": "personal"},
                        {"value": "not an email", "type": "work"}],
    "phone_numbers": [{"value": "+1 202-555-0142", "type": "mobile"}],
    "addresses": [], "website_addresses": [],
    "social_media_addresses": [{"value": "https://www.linkedin.com/in/Ada-A/"}], "tags": []}
APPLICATION: dict[str, Any] = {
    "id": 985314, "candidate_id": 978031, "job_id": 127001, "prospect": False,
    "status": "active", "current_stage_id": 62801, "applied_at": "2026-11-01T00:00:01.000Z",
    "rejected_at": None, "created_at": "2026-11-01T00:00:01.000Z",
    "updated_at": "2026-11-01T00:00:03.000Z"}
JOB: dict[str, Any] = {"id": 127001, "name": "Barista", "status": "open",
                       "requisition_id": None, "confidential": False,
                       "created_at": "2026-11-01T00:00:01.000Z",
                       "updated_at": "2026-11-01T00:00:01.000Z"}

ODD = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                st.floats(allow_nan=True, allow_infinity=True),
                st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFFFF,
                                               blacklist_categories=())),
                st.sampled_from(["\ud800", "2026-13-45T99:99:99Z", "NaN", "", "0"]))
JSONISH = st.recursive(ODD, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=20), inner, max_size=6)),
    max_leaves=20)
KEYS = st.sampled_from(sorted({*CANDIDATE, *APPLICATION, *JOB, "id", "value"}))


def _is_record_or_quarantine(result: Any, kind: str | None) -> None:
    if isinstance(result, Quarantine):
        assert result.service == "greenhouse" and result.reason
        json.dumps(result.payload)  # storable
        return
    assert isinstance(result, dict)
    if kind:
        assert result["kind"] == kind
    json.dumps(result, allow_nan=False).encode("utf-8")  # clean, storable text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSONISH)
def test_random_json_never_raises(raw: Any) -> None:
    _is_record_or_quarantine(parse_candidate(raw), "candidate")
    _is_record_or_quarantine(parse_job(raw), "job")
    _is_record_or_quarantine(parse_application(raw, {"62801": "Phone Screen"}), None)
    assert parse_stage(raw) is None or isinstance(parse_stage(raw), dict)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(KEYS, JSONISH, st.booleans())
def test_mutated_real_records_never_raise(key: str, value: Any, drop: bool) -> None:
    for base, parse, kind in ((CANDIDATE, parse_candidate, "candidate"),
                              (JOB, parse_job, "job")):
        raw = dict(base)
        if drop:
            raw.pop(key, None)
        else:
            raw[key] = value
        _is_record_or_quarantine(parse(raw), kind)
    raw = dict(APPLICATION)
    raw[key] = value
    _is_record_or_quarantine(parse_application(raw, {}), None)


def test_a_real_candidate_reads_as_the_neutral_record() -> None:
    app = parse_application(APPLICATION, {"62801": "Application Review"})
    assert not isinstance(app, Quarantine)
    person = parse_candidate(CANDIDATE, [app])
    assert not isinstance(person, Quarantine)
    assert person["id"] == "978031" and person["emails"] == ["ada@example.com"]
    assert person["linkedin_url"] == "linkedin.com/in/ada-a"
    assert person["updated_at"] == "2026-11-01T00:00:02+00:00"
    assert person["applications"][0] == {
        "id": "985314", "job_id": "127001", "stage_id": "62801",
        "stage_name": "Application Review", "status": "active",
        "updated_at": "2026-11-01T00:00:03+00:00"}


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("id", None, "id"), ("id", 2**64, "id"), ("id", 12.0, "id"), ("id", True, "id"),
    ("updated_at", float("nan"), "updated_at"), ("updated_at", 1e308, "updated_at"),
    ("updated_at", "yesterday", "updated_at"), ("first_name", "Ad\ud800a", "first_name"),
    ("first_name", 7, "first_name"), ("email_addresses", "ada@example.com", "email_addresses"),
])
def test_unreadable_candidates_are_quarantined_with_the_reason(key: str, value: Any,
                                                               reason: str) -> None:
    got = parse_candidate({**CANDIDATE, key: value})
    assert isinstance(got, Quarantine) and reason in got.reason
    assert got.resource == "candidates"


@pytest.mark.parametrize(("raw", "reason"), [
    ({**APPLICATION, "status": "archived"}, "status"),
    ({**APPLICATION, "candidate_id": None}, "candidate_id"),
    ({**APPLICATION, "current_stage_id": "x"}, "current_stage_id"),
])
def test_unreadable_applications_are_quarantined(raw: dict[str, Any], reason: str) -> None:
    got = parse_application(raw, {})
    assert isinstance(got, Quarantine) and reason in got.reason


def test_jobs_need_a_known_status_and_a_name() -> None:
    assert isinstance(parse_job({**JOB, "status": "paused"}), Quarantine)
    assert isinstance(parse_job({**JOB, "name": ""}), Quarantine)
    job = parse_job(JOB, [{"id": "1", "name": "Review"}])
    assert not isinstance(job, Quarantine) and job["stages"] == [{"id": "1", "name": "Review"}]


def test_token_url_rule() -> None:
    assert token_url("https://harvest.greenhouse.io") == "https://auth.greenhouse.io/token"
    assert token_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123/token"
    assert token_url("http://localhost:9/v3") == "http://localhost:9/token"
    assert token_url("https://harvest.greenhouse.io", "https://auth.eu.example/") == \
        "https://auth.eu.example/token"


def test_expiry_reads_both_forms() -> None:
    now = 1_800_000_000.0
    at = dt.datetime.fromtimestamp(now + 3600, dt.UTC)
    assert expiry_of({"expires_at": at.isoformat()}, now) == now + 3600
    assert expiry_of({"expires_at": at.strftime("%Y-%m-%dT%H:%M:%S+0000")}, now) == now + 3600
    assert expiry_of({"expires_in": 120}, now) == now + 120
    assert expiry_of({"expires_at": now + 30}, now) == now + 30
    assert expiry_of({}, now) == now + 3600  # the documented hour
    assert expiry_of({"expires_at": "soon", "expires_in": float("nan")}, now) == now + 3600


def test_since_filter_and_link_header() -> None:
    when = dt.datetime(2026, 11, 1, 10, 0, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert since_filter(when) == "gte|2026-11-01T08:00:05.123Z"
    resp = httpx.Response(200, headers={
        "Link": '<https://harvest.greenhouse.io/v3/candidates?cursor=abc%3D>; rel="next"'})
    assert link_next(resp) == "https://harvest.greenhouse.io/v3/candidates?cursor=abc%3D"
    assert link_next(httpx.Response(200)) is None
