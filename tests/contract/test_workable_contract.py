"""Workable: the hand-written schemas (tests/data/ats-schemas/workable/) hold both the sandbox's
answers and every request the connector makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest

from milo_desktop.sandbox.workable import WorkableSandbox
from milo_desktop.services.connectors.ats.client import NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.workable.spec import SPEC
from tests.ats_schemas import check_request, check_response, endpoint_of, schemas

SERVICE = "workable"
EXPECTED = {"members", "stages", "jobs", "candidates", "candidate", "candidate_activities",
            "candidate_comment", "candidate_move", "candidate_disqualify",
            "job_candidates_create"}


@pytest.fixture
def sandbox() -> Iterator[WorkableSandbox]:
    sb = WorkableSandbox()
    with sb.running():
        job = sb.add_job("Backend Engineer", ["Applied", "Phone Screen", "Interview", "Hired"])
        for i in range(5):
            sb.add_candidate(f"First{i}", f"Last{i}", f"p{i}@example.com", None, job,
                             linkedin=f"https://www.linkedin.com/in/p{i}")
        yield sb


def test_every_schema_is_valid_and_cites_workable_docs() -> None:
    docs = schemas(SERVICE)  # checks x-method / x-path / x-source and the metaschema
    assert set(docs) == EXPECTED
    for name, doc in docs.items():
        assert doc["x-source"].startswith("https://workable.readme.io/"), name
        assert doc["x-path"].startswith("/spi/v3/"), name
        assert doc["description"], name


def test_a_schema_rejects_what_workable_would_not_send() -> None:
    with pytest.raises(jsonschema.ValidationError):
        check_response(SERVICE, "candidates", {"candidates": [{"id": "1"}]})  # no name, job…
    with pytest.raises(jsonschema.ValidationError):
        check_request(SERVICE, "candidate_move", {}, {"target_stage": "interview"})  # no member
    with pytest.raises(jsonschema.ValidationError):
        check_request(SERVICE, "candidates", {"limit": ["500"]}, None)  # over 100 per page


def _get(sb: WorkableSandbox, method: str, path: str, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {sb.token}"}
    return httpx.request(method, sb.base_url + path, headers=headers, timeout=10, **kw)


def test_the_sandbox_answers_validate(sandbox: WorkableSandbox) -> None:
    sandbox.max_page_size = 2
    job = next(iter(sandbox.account.jobs))
    cid = sandbox.applications_of(next(iter(sandbox.account.by_id)))[0]
    member = sandbox.credentials()["member_id"]
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/members", {}), ("GET", "/stages", {}), ("GET", "/jobs", {}),
        ("GET", "/candidates", {"params": {"limit": "2"}}),
        ("GET", "/candidates", {"params": {"email": "p1@example.com"}}),
        ("GET", f"/candidates/{cid}", {}),
        ("POST", f"/candidates/{cid}/comments",
         {"json": {"member_id": member, "comment": {"body": "hi", "policy": ["simple"]}}}),
        ("GET", f"/candidates/{cid}/activities", {}),
        ("POST", f"/candidates/{cid}/move",
         {"json": {"member_id": member, "target_stage": "interview"}}),
        ("POST", f"/candidates/{cid}/disqualify",
         {"json": {"member_id": member, "disqualification_reason": "no"}}),
        ("POST", f"/jobs/{job}/candidates",
         {"json": {"sourced": True, "candidate": {"name": "New Person",
                                                  "email": "new@example.com"}}}),
    ]
    seen = set()
    for method, path, kw in calls:
        resp = _get(sandbox, method, path, **kw)
        assert resp.status_code in (200, 201), (path, resp.text)
        name = endpoint_of(SERVICE, method, "/spi/v3" + path)
        assert name is not None, path
        check_response(SERVICE, name, resp.json() if resp.content else None)
        seen.add(name)
    first = _get(sandbox, "GET", "/candidates", params={"limit": "2"}).json()
    nxt = _get(sandbox, "GET", "", params=None)  # the base itself is no endpoint
    assert nxt.status_code == 404 and nxt.json() == {"error": "Not found"}
    page2 = httpx.get(first["paging"]["next"], headers={"Authorization": f"Bearer "
                                                        f"{sandbox.token}"}, timeout=10)
    check_response(SERVICE, "candidates", page2.json())
    assert seen == EXPECTED


def test_every_request_the_connector_makes_has_a_schema_and_validates(
        sandbox: WorkableSandbox, arun: Any) -> None:
    sandbox.max_page_size = 2
    job = next(iter(sandbox.account.jobs))

    async def persist(field: str, value: str) -> None:
        return None

    async def go() -> None:
        client = await SPEC.make_client(sandbox.credentials(), sandbox.base_url, persist)
        client.http.policy = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0)
        try:
            await client.test_connection()
            for since in (None, sandbox.now - dt.timedelta(seconds=2)):
                token = None
                while True:
                    page = await client.candidates_page(since, token)
                    token = page.next_url
                    if not token:
                        break
            await client.jobs_page(None, None)
            await client.stages(job)
            await client.find_by_email("p1@example.com")
            made = await client.create_candidate(
                NewCandidate("Nina", "New", "nina@example.com", "+302100000777", job))
            cid = made["id"]
            await client.add_note(cid, cid, "Score [milo:1]")
            await client.find_note(cid, cid, "[milo:1]")
            await client.move(cid, "interview", None)
            await client.reject(cid, "Not a fit")
            await client.reject(cid, "Not a fit")
            await client.application(cid)
        finally:
            await client.aclose()

    arun(go())
    used = set()
    for rec in sandbox.requests:
        name = endpoint_of(SERVICE, rec.method, rec.path)
        assert name is not None, f"no schema for {rec.method} {rec.path}"
        check_request(SERVICE, name, rec.query, rec.body)
        used.add(name)
    assert used == EXPECTED
