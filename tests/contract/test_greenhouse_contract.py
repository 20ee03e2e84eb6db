"""Greenhouse Harvest v3: the hand-written schemas (tests/data/ats-schemas/greenhouse/) hold
both the sandbox's answers and the connector's requests.

Every client method is exercised against the sandbox (with its read-after-write lag and a
second page), every answer the sandbox gave with a 2xx status is validated against the schema
of its endpoint, and every request the client sent must have a schema and fit it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp
from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.connectors.ats.client import NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.greenhouse import SPEC, GreenhouseClient
from tests.ats_schemas import check_request, check_response, endpoint_of, schemas

SERVICE = "greenhouse"


class Exercised:
    """A sandbox run through every client method, with the answers it gave."""

    def __init__(self, sandbox: GreenhouseSandbox,
                 answers: list[tuple[AtsReq, AtsResp]]) -> None:
        self.sandbox = sandbox
        self.answers = answers


async def _noop(seconds: float) -> None:
    return None


async def _every_method(client: GreenhouseClient, job: str, cid: str, aid: str,
                        stages: list[str]) -> None:
    await client.test_connection()
    page = await client.jobs_page(None, None)
    while page.next_url:
        page = await client.jobs_page(None, page.next_url)
    page = await client.candidates_page(None, None)
    page = await client.candidates_page(None, page.next_url)
    await client.stages(job)
    await client.find_by_email("person1@example.org")
    made = await client.create_candidate(NewCandidate("Ada", "Abbott", "ada@example.com",
                                                      "+1 202-555-0142", job))
    new_app = made["applications"][0]["id"]
    await client.add_note(made["id"], new_app, "Sent from Milo [m:1]")
    await client.add_note(cid, None, "No application [m:2]")
    await client.find_note(made["id"], new_app, "[m:1]")
    await client.move(aid, stages[1], None)
    await client.move(new_app, stages[2], stages[0])
    await client.reject(aid, "Not a fit")
    await client.reject(aid, "Not a fit")
    await client.application(aid)


@pytest.fixture(scope="module")
def exercised() -> Iterator[Exercised]:
    import asyncio

    sb = GreenhouseSandbox()
    answers: list[tuple[AtsReq, AtsResp]] = []
    handle = sb.handle

    def recording(req: AtsReq) -> AtsResp:
        resp = handle(req)
        answers.append((req, resp))
        return resp

    sb.handle = recording  # type: ignore[method-assign]
    with sb.running():
        job = sb.add_job("Barista", ["Application Review", "Phone Screen", "Onsite"])
        sb.add_job("Cook", ["Application Review", "Offer"])
        ids = [sb.add_candidate(f"Person{i}", "Fictional", f"person{i}@example.org",
                                f"+1 202-555-01{i:02d}", job) for i in range(4)]
        sb.max_page_size = 3
        stages = sb.stages_of_job(job)
        aid = sb.applications_of(ids[0])[0]

        async def run() -> None:
            async def persist(field: str, value: str) -> None:
                return None

            client = await SPEC.make_client(sb.credentials(), sb.base_url, persist)
            assert isinstance(client, GreenhouseClient)
            client.http.policy = RetryPolicy(base_delay=0.0, max_delay=0.0)
            client.http.sleep = _noop
            try:
                await _every_method(client, job, ids[1], aid, stages)
            finally:
                await client.aclose()

        asyncio.run(run())
        yield Exercised(sb, answers)


def test_every_schema_is_valid_and_cites_its_vendor_page() -> None:
    docs = schemas(SERVICE)
    assert len(docs) >= 12
    for name, doc in docs.items():
        assert doc["x-source"].startswith("https://harvestdocs.greenhouse.io/"), name
        assert doc["x-path"] == "/token" or doc["x-path"].startswith("/v3/"), name


def test_every_endpoint_was_exercised(exercised: Exercised) -> None:
    used = {endpoint_of(SERVICE, r.method, r.path) for r in exercised.sandbox.requests}
    assert used == set(schemas(SERVICE))


def test_every_request_the_client_sent_fits_its_schema(exercised: Exercised) -> None:
    for r in exercised.sandbox.requests:
        name = endpoint_of(SERVICE, r.method, r.path)
        assert name is not None, f"no schema for {r.method} {r.path}"
        check_request(SERVICE, name, r.query, r.body)


def test_every_sandbox_answer_fits_its_schema(exercised: Exercised) -> None:
    checked = set()
    for req, resp in exercised.answers:
        if resp.status >= 300:
            continue
        name = endpoint_of(SERVICE, req.method, req.path)
        assert name is not None, f"no schema for {req.method} {req.path}"
        check_response(SERVICE, name, resp.body)
        checked.add(name)
    assert checked == set(schemas(SERVICE))


def test_the_quirks_were_met_on_the_wire(exercised: Exercised) -> None:
    statuses = [(req.method, req.path.rsplit("/", 1)[-1], resp.status)
                for req, resp in exercised.answers]
    assert ("POST", "reject", 422) in statuses  # the second reject
    assert ("POST", "applications", 404) in statuses  # read-after-write lag
    follow_ups = [r for r in exercised.sandbox.requests if "cursor" in r.query]
    assert follow_ups and all(list(r.query) == ["cursor"] for r in follow_ups)


@pytest.mark.parametrize(("name", "query", "body"), [
    ("candidates_list", {"cursor": "abc", "per_page": "3"}, None),  # cursor travels alone
    ("candidates_list", {"per_page": "501"}, None),
    ("candidates_list", {"updated_at": "2026-11-01T00:00:00Z"}, None),  # no operator
    ("applications_move", {}, {"to_stage_id": 5}),  # from_stage_id is required
    ("candidates_create", {}, {"first_name": "Ada"}),
])
def test_the_schemas_refuse_what_greenhouse_refuses(name: str, query: dict[str, str],
                                                     body: Any) -> None:
    with pytest.raises(jsonschema.ValidationError):
        check_request(SERVICE, name, query, body)


def test_the_schemas_refuse_a_wrong_answer() -> None:
    with pytest.raises(jsonschema.ValidationError):
        check_response(SERVICE, "candidates_list", {"candidates": []})  # not a bare array
    with pytest.raises(jsonschema.ValidationError):
        check_response(SERVICE, "applications_list", [{"id": 1, "candidate_id": 2,
                                                       "status": "archived",
                                                       "created_at": "x", "updated_at": "y"}])
