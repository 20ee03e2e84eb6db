"""Bullhorn's contract: the hand-written schemas in tests/data/ats-schemas/bullhorn/ are valid
and cite Bullhorn's documentation; every answer the sandbox gave the connector validates
against its endpoint's response schema; and EVERY request the connector made (exercising every
client method) has a schema and validates against its request schema."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from milo_desktop.sandbox.bullhorn import BullhornSandbox
from milo_desktop.services.connectors.ats.client import NewCandidate
from milo_desktop.services.connectors.ats.http import AtsHttp, RetryPolicy
from milo_desktop.services.connectors.bullhorn.client import BullhornClient
from tests.ats_schemas import check_request, check_response, endpoint_of, schemas

SERVICE = "bullhorn"
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_every_schema_is_valid_and_cites_bullhorns_docs() -> None:
    docs = schemas(SERVICE)
    assert len(docs) >= 15
    for name, doc in docs.items():
        assert urlsplit(doc["x-source"]).netloc == "bullhorn.github.io", name
        assert doc["x-path"].startswith(("/rest-services/", "/oauth/")), name


@pytest.fixture
def sandbox() -> Iterator[BullhornSandbox]:
    sb = BullhornSandbox()
    with sb.running():
        yield sb


async def _no_wait(_: float) -> None:
    return None


async def exercise(sb: BullhornSandbox, answers: list[tuple[str, str, int, Any]]) -> None:
    """Every client method, against the sandbox, recording each answer."""

    async def keep(resp: httpx.Response) -> None:
        await resp.aread()
        body = json.loads(resp.content) if resp.content and resp.headers.get(
            "content-type", "").startswith("application/json") else None
        answers.append((resp.request.method, resp.request.url.path, resp.status_code, body))

    transport = httpx.AsyncClient(event_hooks={"response": [keep]}, follow_redirects=False)
    creds = sb.credentials()
    http = AtsHttp(SERVICE, "Bullhorn", sb.base_url, None,  # type: ignore[arg-type]
                   client=transport, policy=RetryPolicy(base_delay=0, max_delay=0),
                   sleep=_no_wait)
    c = BullhornClient(creds, sb.base_url, http=http)
    job = sb.add_job("Staff Nurse", ["Phone Screen", "Interview"])
    people = [sb.add_candidate(f"F{i}", f"L{i}", f"p{i}@example.com", "+1617555", job)
              for i in range(4)]
    sb.max_page_size = 2
    await c.test_connection()
    token: str | None = None
    while True:
        page = await c.jobs_page(SINCE if token else None, token)
        token = page.next_url
        if token is None:
            break
    while True:
        page = await c.candidates_page(None, token)
        token = page.next_url
        if token is None:
            break
    sb.update_candidate(people[0], first="Changed")
    sb.set_status(sb.applications_of(people[1])[0], "Interview")
    sb.purge_candidate(people[2])
    page = await c.candidates_page(SINCE, None)  # a fresh batch, then "crash": read again
    page = await c.candidates_page(SINCE, None)
    while page.next_url:
        page = await c.candidates_page(SINCE, page.next_url)
    sb.drop_subscriptions()
    await c.candidates_page(SINCE, None)
    await c.stages(job)
    await c.find_by_email("p3@example.com")
    made = await c.create_candidate(NewCandidate("Ada", "Lovelace", "ada@example.com",
                                                 "+44123", job))
    app = made["applications"][0]["id"]
    await c.application(app)
    await c.add_note(made["id"], app, "Scores [milo:1]")
    await c.add_note(made["id"], None, "Plain note")
    await c.find_note(made["id"], app, "[milo:1]")
    await c.move(app, "Interview", None)
    await c.reject(app, "No")
    sb.expire_tokens()
    await c.application(app)
    await c.aclose()


def test_the_sandbox_and_the_connector_hold_to_the_schemas(sandbox: BullhornSandbox,
                                                           arun: Any) -> None:
    answers: list[tuple[str, str, int, Any]] = []
    arun(exercise(sandbox, answers))
    used: set[str] = set()
    assert sandbox.requests
    for r in sandbox.requests:
        name = endpoint_of(SERVICE, r.method, r.path)
        assert name is not None, f"no schema for {r.method} {r.path}"
        used.add(name)
        check_request(SERVICE, name, r.query, r.body)
    checked = 0
    for method, path, status, body in answers:
        if status >= 400:
            continue
        name = endpoint_of(SERVICE, method, path)
        assert name is not None, f"no schema for {method} {path}"
        check_response(SERVICE, name, body)
        checked += 1
    assert checked > 20
    assert used == set(schemas(SERVICE)), f"schemas never exercised: {set(schemas(SERVICE)) - used}"
