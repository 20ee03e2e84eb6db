"""Workable's parsers are total: random JSON and mutated real records always give a record or
a Quarantine, never an exception; the records they give are plain, storable JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.sandbox.workable_state import Account
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.workable.parse import (
    Stages,
    page_items,
    parse_candidate,
    parse_job,
    parse_stages,
)

NOW = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)

scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                            blacklist_categories=()), max_size=30)
           | st.sampled_from(["\ud800", "x\udfffy", "\x00", "2026-11-01T00:00:00Z",
                              "published", "Hired", "a@b.co", "NaN", "9" * 400]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5),
                           max_leaves=20)


def _real() -> tuple[dict[str, Any], dict[str, Any], Stages, dict[str, Any]]:
    acc = Account()
    job = acc.add_job("Backend Engineer", ["Applied", "Interview", "Hired"], NOW)
    cand = acc.add("Ana", "Costa", "Ana@Example.com", "+302100000001", job, NOW,
                   linkedin="https://www.linkedin.com/in/ana-costa/")
    stages = parse_stages({"stages": [s.json() for s in acc.stages.values()]})
    return (acc.candidate_json(cand, full=True), job.json(acc.subdomain), stages,
            {"stages": [s.json() for s in acc.stages.values()]})


REAL_CAND, REAL_JOB, STAGES, REAL_STAGES = _real()


def _well_formed(result: Any, kind: str) -> None:
    if isinstance(result, Quarantine):
        assert result.reason and result.service == "workable"
        json.dumps([result.reason, result.payload, result.external_id]).encode("utf-8")
        return
    assert result["kind"] == kind
    # storable: no NaN, no lone surrogate
    json.dumps(result, allow_nan=False, ensure_ascii=False).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_random_json_never_raises(value: Any) -> None:
    _well_formed(parse_candidate(value, STAGES), "candidate")
    _well_formed(parse_job(value), "job")
    parse_stages(value)
    found = page_items(value, "candidates")
    assert found is None or isinstance(found[0], list)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(REAL_CAND)), json_values, max_size=6),
       st.sets(st.sampled_from(sorted(REAL_CAND)), max_size=4))
def test_mutated_real_candidates_give_a_record_or_a_quarantine(
        changes: dict[str, Any], dropped: set[str]) -> None:
    raw = {k: v for k, v in {**REAL_CAND, **changes}.items() if k not in dropped}
    _well_formed(parse_candidate(raw, STAGES), "candidate")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(REAL_JOB)), json_values, max_size=5),
       st.sets(st.sampled_from(sorted(REAL_JOB)), max_size=3))
def test_mutated_real_jobs_give_a_record_or_a_quarantine(changes: dict[str, Any],
                                                         dropped: set[str]) -> None:
    raw = {k: v for k, v in {**REAL_JOB, **changes}.items() if k not in dropped}
    _well_formed(parse_job(raw), "job")


@settings(max_examples=100, deadline=None)
@given(st.lists(json_values, max_size=5))
def test_mutated_stage_lists_never_raise(rows: list[Any]) -> None:
    stages = parse_stages({"stages": [*REAL_STAGES["stages"], *rows]})
    assert stages.find("Applied") is not None


def test_a_real_candidate_reads_whole() -> None:
    rec = parse_candidate(REAL_CAND, STAGES)
    assert not isinstance(rec, Quarantine)
    assert (rec["first_name"], rec["last_name"], rec["emails"]) == ("Ana", "Costa",
                                                                     ["ana@example.com"])
    assert rec["linkedin_url"] == "linkedin.com/in/ana-costa"
    (app,) = rec["applications"]
    assert (app["id"], app["job_id"], app["stage_id"], app["stage_name"], app["status"]) \
        == (REAL_CAND["id"], REAL_JOB["shortcode"], "applied", "Applied", "active")


def test_status_from_disqualified_and_a_hired_stage() -> None:
    rejected = parse_candidate({**REAL_CAND, "disqualified": True}, STAGES)
    hired = parse_candidate({**REAL_CAND, "stage": "Hired"}, STAGES)
    assert not isinstance(rejected, Quarantine) and not isinstance(hired, Quarantine)
    assert rejected["applications"][0]["status"] == "rejected"
    assert hired["applications"][0]["status"] == "hired"
    assert hired["applications"][0]["stage_id"] == "hired"


def test_unreadable_values_are_quarantined_with_a_reason() -> None:
    cases = {
        "without an id": {**REAL_CAND, "id": {"$oid": 1}},
        "has no name": {**REAL_CAND, "name": None, "firstname": "", "lastname": None},
        "unreadable stage": {**REAL_CAND, "stage": 3},
        "disqualified flag": {**REAL_CAND, "disqualified": "yes"},
        "not valid Unicode": {**REAL_CAND, "firstname": "An\ud800a"},
    }
    for reason, raw in cases.items():
        got = parse_candidate(raw, STAGES)
        assert isinstance(got, Quarantine) and reason in got.reason, reason
    bad_job = parse_job({**REAL_JOB, "state": "pending"})
    assert isinstance(bad_job, Quarantine) and "unknown state (pending)" in bad_job.reason
    assert bad_job.external_id == REAL_JOB["id"]


def test_a_name_only_candidate_is_split() -> None:
    raw = {**REAL_CAND, "firstname": None, "lastname": None, "name": "Maria de la Cruz"}
    rec = parse_candidate(raw, STAGES)
    assert not isinstance(rec, Quarantine)
    assert (rec["first_name"], rec["last_name"]) == ("Maria", "de la Cruz")


def test_page_shapes() -> None:
    assert page_items({"candidates": [], "paging": {"next": "https://x.workable.com/n"}},
                      "candidates") == ([], "https://x.workable.com/n")
    assert page_items({"candidates": [1]}, "candidates") == ([1], None)  # last page
    assert page_items(["candidates"], "candidates") is None
    assert page_items({"candidates": {}}, "candidates") is None
    assert page_items({"candidates": [], "paging": {"next": 5}}, "candidates") is None
