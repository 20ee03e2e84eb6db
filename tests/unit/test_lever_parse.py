"""The Lever parsers are total: random JSON and mutated real records (as the Lever sandbox
renders them) always give a record or a Quarantine, never an exception - and a record
only ever holds storable values."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milo_desktop.sandbox.lever_state import LeverState
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.lever import parse

SURROGATE = "\ud800"

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=20), st.just(SURROGATE), st.just("x" * 500))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=25)


def _real() -> tuple[LeverState, dict[str, Any], dict[str, Any]]:
    state = LeverState()
    job = state.add_posting("Engineer", ["New applicant", "Onsite"], 1_790_000_000_000)
    contact = state.add_contact("Ann Lee", ["Ann@Example.com"], [{"type": "mobile",
                                                                   "value": "+4915100"}],
                                ["https://www.linkedin.com/in/ann-lee/"], "Berlin")
    opp = state.add_opp(contact, job, 1_790_000_000_001)
    opp.archived = {"reason": state.reasons[0]["id"], "archivedAt": 1_790_000_000_002}
    return (state, state.render_opp(opp, {"applications", "stage"}),
            state.render_posting(state.postings[job]))


STATE, OPPORTUNITY, POSTING = _real()
HIRED = frozenset(STATE.hired_reasons)
KEYS_OPP = sorted(OPPORTUNITY)
KEYS_POSTING = sorted(POSTING)


def _storable(value: Any) -> None:
    """What a record holds can be stored: no NaN, no lone surrogates, no NUL."""
    if isinstance(value, str):
        assert SURROGATE not in value and "\x00" not in value
        value.encode("utf-8")
    elif isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for v in value.values():
            _storable(v)
    elif isinstance(value, list):
        for v in value:
            _storable(v)


def test_real_records_parse() -> None:
    record, bad = parse.parse_person(OPPORTUNITY["contact"], [OPPORTUNITY], HIRED)
    assert bad == [] and record is not None
    assert (record["first_name"], record["last_name"]) == ("Ann", "Lee")
    assert record["emails"] == ["ann@example.com"] and record["phones"] == ["+4915100"]
    assert record["linkedin_url"] == "linkedin.com/in/ann-lee"
    app = record["applications"][0]
    assert app["status"] == "hired" and app["stage_name"] == "New applicant"
    assert app["job_id"] == POSTING["id"]
    job = parse.parse_posting(POSTING)
    assert not isinstance(job, Quarantine) and job["status"] == "open"
    assert job["location"] == "Remote"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_random_json_never_raises(value: Any) -> None:
    for result in (parse.parse_posting(value), parse.parse_application(value, HIRED)):
        assert isinstance(result, (dict, Quarantine))
        if isinstance(result, dict):
            _storable(result)
    record, bad = parse.parse_person("c1", [value, value], HIRED)
    assert all(isinstance(q, Quarantine) for q in bad)
    if record is not None:
        _storable(record)
    parse.list_body(value)
    parse.single(value)
    parse.note_body(value)
    parse.group_by_contact(value if isinstance(value, list) else [value])
    parse.hired_reasons(value if isinstance(value, list) else [value])


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS_OPP), json_values, st.booleans())
def test_mutated_opportunities_give_a_record_or_a_quarantine(key: str, value: Any,
                                                              drop: bool) -> None:
    raw = json.loads(json.dumps(OPPORTUNITY))
    if drop:
        raw.pop(key)
    else:
        raw[key] = value
    groups, bad = parse.group_by_contact([raw])
    for contact, opps in groups.items():
        record, more = parse.parse_person(contact, opps, HIRED)
        assert (record is None) == bool(more)  # one opportunity: a record, or set aside
        if record is not None:
            _storable(record)
            assert record["applications"][0]["status"] in ("active", "rejected", "hired")
    assert all(isinstance(q, Quarantine) and q.reason for q in [*bad])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS_POSTING), json_values)
def test_mutated_postings_give_a_record_or_a_quarantine(key: str, value: Any) -> None:
    raw = json.loads(json.dumps(POSTING))
    raw[key] = value
    result = parse.parse_posting(raw)
    if isinstance(result, Quarantine):
        assert result.reason and result.service == "lever"
    else:
        _storable(result)
        assert result["status"] in ("open", "closed", "draft", "archived")


def test_specific_poison_goes_to_quarantine() -> None:
    for key, value in [("id", math.nan), ("id", True), ("stage", 1.5), ("archived", "yes"),
                       ("name", "Ann " + SURROGATE), ("emails", "a@b.c"),
                       ("applications", {"posting": "x"})]:
        raw = dict(OPPORTUNITY, **{key: value})
        record, bad = parse.parse_person(OPPORTUNITY["contact"], [raw], HIRED)
        assert record is None and len(bad) == 1, key
    assert isinstance(parse.parse_posting(dict(POSTING, state="open")), Quarantine)
    assert parse.list_body({"data": {}}) is None and parse.list_body([]) is None
    body = parse.list_body({"data": [], "hasNext": True})
    assert body is not None and body.has_next is False  # no token: no next page


def test_a_huge_or_nan_time_is_no_time() -> None:
    raw = dict(OPPORTUNITY, updatedAt=1e300)
    record, _ = parse.parse_person(OPPORTUNITY["contact"], [raw], HIRED)
    assert record is not None and record["updated_at"] is None
