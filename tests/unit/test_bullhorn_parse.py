"""Bullhorn's parsers are total: random JSON and mutated real records always give a record or
a Quarantine, never an exception; and what they accept is well-formed."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.bullhorn import parse

CANDIDATE = {"id": 5059165, "firstName": "Alanzo", "lastName": "Smith",
             "email": "Alanzo.Smith@Example.com", "email2": "", "email3": None,
             "mobile": "+1 617 555 0100", "phone": "617-555-0100", "workPhone": None,
             "companyURL": "https://www.linkedin.com/in/alanzo-smith/?trk=x",
             "address": {"address1": "", "city": "Sacramento", "state": "CA", "zip": "",
                         "countryID": 1},
             "dateLastModified": 1793491200000, "isDeleted": False, "isAnonymized": False}
SUBMISSION = {"id": 901, "status": "Client Rejected", "candidate": {"id": 5059165},
              "jobOrder": {"id": 77}, "dateLastModified": 1793491200000, "isDeleted": False}
JOB = {"id": 77, "title": "Staff Nurse", "status": "Accepting Candidates", "isOpen": True,
       "isDeleted": False, "address": {"city": "Boston", "state": "MA"},
       "dateLastModified": 1793491200000}

WEIRD = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.just("\ud800"), st.just("x\x00y"), st.just(""), st.just([]), st.just({}))
JSON = st.recursive(WEIRD, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=5)),
    max_leaves=20)


def _json_safe(record: Any) -> None:
    json.dumps(record)  # what a record holds is storable as JSON


def _mutations(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    def mutate(key: str, value: Any, drop: bool) -> dict[str, Any]:
        out = copy.deepcopy(base)
        if drop:
            out.pop(key, None)
        else:
            out[key] = value
        return out
    return st.builds(mutate, st.sampled_from(sorted(base)), JSON, st.booleans())


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_random_json_never_raises(raw: Any) -> None:
    for fn in (parse.parse_candidate, parse.parse_submission, parse.parse_job):
        out = fn(raw)
        assert isinstance(out, (Quarantine, dict, tuple))
    parse.data_list(raw)


@settings(max_examples=250, deadline=None)
@given(_mutations(CANDIDATE))
def test_mutated_candidates_are_a_record_or_quarantined(raw: dict[str, Any]) -> None:
    out = parse.parse_candidate(raw)
    if isinstance(out, Quarantine):
        assert out.reason and out.service == "bullhorn"
        return
    assert out["id"].isdigit() and all("@" in e and e == e.lower() for e in out["emails"])
    out["first_name"].encode("utf-8")
    _json_safe(out)


@settings(max_examples=200, deadline=None)
@given(_mutations(SUBMISSION))
def test_mutated_submissions_are_a_record_or_quarantined(raw: dict[str, Any]) -> None:
    out = parse.parse_submission(raw)
    if isinstance(out, Quarantine):
        return
    cid, app, _ = out
    assert cid.isdigit() and app["status"] in ("active", "rejected", "hired")
    _json_safe(app)


@settings(max_examples=200, deadline=None)
@given(_mutations(JOB))
def test_mutated_jobs_are_a_record_or_quarantined(raw: dict[str, Any]) -> None:
    out = parse.parse_job(raw)
    if not isinstance(out, Quarantine):
        assert out["status"] in ("open", "closed", "archived") and out["title"]
        _json_safe(out)


def test_a_real_candidate_reads_fully() -> None:
    out = parse.parse_candidate(CANDIDATE)
    assert not isinstance(out, Quarantine)
    assert out["emails"] == ["alanzo.smith@example.com"]
    assert out["phones"] == ["+1 617 555 0100", "617-555-0100"]
    assert out["linkedin_url"] == "linkedin.com/in/alanzo-smith"
    assert out["location"] == "Sacramento, CA" and out["updated_at"] == "2026-11-01T00:00:00+00:00"


def test_what_is_quarantined_and_why() -> None:
    cases = {"no id": {**CANDIDATE, "id": None}, "text id": {**CANDIDATE, "id": "12"},
             "huge id": {**CANDIDATE, "id": 2**80}, "bool id": {**CANDIDATE, "id": True},
             "nan date": {**CANDIDATE, "dateLastModified": float("nan")},
             "surrogate": {**CANDIDATE, "firstName": "A\udc00"},
             "object name": {**CANDIDATE, "lastName": {"x": 1}}}
    for what, raw in cases.items():
        assert isinstance(parse.parse_candidate(raw), Quarantine), what
    assert isinstance(parse.parse_submission({**SUBMISSION, "status": 3}), Quarantine)
    assert isinstance(parse.parse_job({**JOB, "title": None}), Quarantine)


def test_statuses_in_neutral_words() -> None:
    assert parse.status_state("Client Rejected") == "rejected"
    assert parse.status_state("Candidate Not Interested") == "rejected"
    assert parse.status_state("Placed") == "hired"
    assert parse.status_state("Interview Scheduled") == "active"
    sub = parse.parse_submission(SUBMISSION)
    assert not isinstance(sub, Quarantine) and sub[1]["status"] == "rejected"
    deleted = parse.parse_candidate({**CANDIDATE, "isAnonymized": True})
    assert not isinstance(deleted, Quarantine) and deleted["deleted"]
