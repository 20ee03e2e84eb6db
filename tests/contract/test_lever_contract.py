"""The Lever schemas (tests/data/ats-schemas/lever/) hold both sides: every schema is valid
and cites Lever's documentation; the sandbox's answers to each endpoint validate; and every
request the connector makes while doing all it can do has a schema and validates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest

from milo_desktop.sandbox.lever import LeverSandbox
from milo_desktop.services.connectors.ats.client import NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.lever.spec import SPEC
from tests.ats_schemas import check_request, check_response, endpoint_of, schemas

SERVICE = "lever"


@pytest.fixture
def sb() -> Iterator[LeverSandbox]:
    box = LeverSandbox()
    with box.running():
        job = box.add_job("Backend Engineer", ["New applicant", "Phone screen", "Offer"])
        cids = [box.add_candidate(f"Ann{i}", f"Lee{i}", f"ann{i}@example.com", "+4915100",
                                  job, linkedin="https://linkedin.com/in/ann")
                for i in range(4)]
        box.add_opportunity(cids[0], box.add_job("Designer", ["Applied"]))
        box.delete_candidate(cids[3])
        box.max_page_size = 2
        yield box


def test_every_schema_is_valid_and_cites_lever() -> None:
    found = schemas(SERVICE)
    assert len(found) >= 12
    for name, doc in found.items():
        assert doc["x-source"].startswith("https://hire.lever.co/developer/"), name
        assert doc["x-path"].startswith(("/v1/", "/oauth/")), name


def _call(sb: LeverSandbox, method: str, path: str, **kw: Any) -> Any:
    resp = httpx.request(method, f"{sb.root_url}{path}", auth=(sb.api_key, ""), **kw)
    assert resp.status_code < 300, resp.text
    name = endpoint_of(SERVICE, method, path)
    assert name is not None, path
    check_response(SERVICE, name, resp.json())
    return resp.json()


def test_the_sandbox_answers_validate(sb: LeverSandbox) -> None:
    user = sb.state.user["id"]
    who = {"perform_as": user}
    page = _call(sb, "GET", "/v1/opportunities", params={"limit": "2"})
    assert page["hasNext"] is True
    _call(sb, "GET", "/v1/opportunities", params={"offset": page["next"]})
    _call(sb, "GET", "/v1/opportunities",
          params=[("expand", "applications"), ("expand", "stage"), ("email", "ann1@example.com")])
    deleted = _call(sb, "GET", "/v1/opportunities/deleted", params={"deleted_at_start": "0"})
    assert deleted["data"] and "deletedAt" in deleted["data"][0]
    opp = page["data"][0]["id"]
    _call(sb, "GET", f"/v1/opportunities/{opp}", params=[("expand", "applications")])
    posting = _call(sb, "GET", "/v1/postings")["data"][0]["id"]
    stages = _call(sb, "GET", "/v1/stages")["data"]
    reasons = _call(sb, "GET", "/v1/archive_reasons")["data"]
    _call(sb, "GET", f"/v1/users/{user}")
    _call(sb, "POST", "/v1/opportunities", params=who,
          json={"name": "Cy Vega", "emails": ["cy@example.com"], "postings": [posting]})
    _call(sb, "POST", f"/v1/opportunities/{opp}/notes", params=who, json={"value": "hello"})
    _call(sb, "GET", f"/v1/opportunities/{opp}/notes")
    _call(sb, "PUT", f"/v1/opportunities/{opp}/stage", params=who,
          json={"stage": stages[1]["id"]})
    archived = _call(sb, "PUT", f"/v1/opportunities/{opp}/archived", params=who,
                     json={"reason": reasons[1]["id"]})
    assert archived["data"]["archived"]["reason"] == reasons[1]["id"]
    token = httpx.post(f"{sb.root_url}/oauth/token", data={
        "grant_type": "refresh_token", "client_id": sb.client_id,
        "client_secret": sb.client_secret, "refresh_token": sb.refresh_token})
    check_response(SERVICE, "oauth_token", token.json())


def test_a_broken_answer_breaks_its_schema(sb: LeverSandbox) -> None:
    """The schemas are not vacuous: Lever's shapes with a field wrong do not validate."""
    page = httpx.get(f"{sb.base_url}/opportunities", auth=(sb.api_key, "")).json()
    page["data"][0]["archived"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        check_response(SERVICE, "opportunities_list", page)
    del page["hasNext"]
    with pytest.raises(jsonschema.ValidationError):
        check_response(SERVICE, "opportunities_list", page)
    with pytest.raises(jsonschema.ValidationError):
        check_request(SERVICE, "note_create", {}, {"value": "no perform_as"})


def test_every_request_of_the_connector_has_a_schema_and_validates(sb: LeverSandbox,
                                                                   arun: Any) -> None:
    async def persist(field: str, value: str) -> None:
        return None

    async def go() -> None:
        c = await SPEC.make_client(sb.credentials(), sb.base_url, persist)
        c.http.policy = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0)  # type: ignore[attr-defined]
        await c.test_connection()
        for kind in ("jobs", "candidates"):
            token = None
            while True:
                page = await (c.jobs_page if kind == "jobs" else c.candidates_page)(None, token)
                token = page.next_url
                if token is None:
                    break
        since = sb.now
        sb.update_candidate(sb.state.contacts[next(iter(sb.state.contacts))].id, first="Bo")
        token = None
        while True:
            page = await c.candidates_page(since, token)
            token = page.next_url
            if token is None:
                break
        job = (await c.jobs_page(None, None)).records[0]["id"]
        stages = await c.stages(job)
        await c.find_by_email("ann1@example.com")
        made = await c.create_candidate(NewCandidate("Cy", "Vega", "cy@example.com", "+1", job))
        app = made["applications"][0]["id"]
        await c.add_note(made["id"], None, "note [m]")
        await c.find_note(made["id"], None, "[m]")
        await c.move(app, stages[1]["id"], None)
        await c.reject(app, "Withdrew")
        await c.application(app)
        sb.expire_tokens()
        await c.stages(job)
        await c.aclose()

    arun(go())
    seen = set()
    for r in sb.requests:
        name = endpoint_of(SERVICE, r.method, r.path)
        assert name is not None, f"{r.method} {r.path} has no schema"
        check_request(SERVICE, name, r.query, r.body)
        seen.add(name)
    assert seen == set(schemas(SERVICE))  # every schema is one the connector uses
