"""The Greenhouse Harvest v3 client against the Greenhouse sandbox, over real sockets: sign-in
and token renewal, cursor paging, the "updated since" filter, 429 / 401 / malformed / poison
answers, writes (create, note, move, reject) and the vendor's quirks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.connectors import AuthFailed, NotFoundAtProvider
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.ats.records import parse_iso
from milo_desktop.services.connectors.greenhouse import SPEC, GreenhouseClient

STAGES = ["Application Review", "Phone Screen", "Onsite", "Offer"]


@pytest.fixture
def sandbox() -> Iterator[GreenhouseSandbox]:
    sb = GreenhouseSandbox()
    with sb.running():
        yield sb


class Sleeps:
    """A sleep that records how long it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def connect(arun: Any) -> Iterator[Any]:
    """connect(sandbox, **fields) -> a client made by SPEC.make_client, with no real waits;
    every client is closed at the end."""
    made: list[GreenhouseClient] = []

    async def persist(field: str, value: str) -> None:
        raise AssertionError("client credentials never rotate")

    def make(sb: GreenhouseSandbox, **fields: str) -> GreenhouseClient:
        client = arun(SPEC.make_client({**sb.credentials(), **fields}, sb.base_url, persist))
        assert isinstance(client, GreenhouseClient)
        client.http.policy = RetryPolicy(base_delay=0.0, max_delay=0.0)
        client.http.sleep = Sleeps()
        made.append(client)
        return client

    yield make
    for client in made:
        arun(client.aclose())


async def walk(fetch: Any, since: dt.datetime | None = None) -> list[AtsPage]:
    pages = [await fetch(since, None)]
    while pages[-1].next_url:
        pages.append(await fetch(since, pages[-1].next_url))
    return pages


def people(sb: GreenhouseSandbox, job: str, n: int) -> list[str]:
    return [sb.add_candidate(f"Person{i}", "Fictional", f"person{i}@example.org",
                             f"+1 202-555-01{i:02d}", job) for i in range(n)]


def test_connection_names_the_user_and_counts_open_jobs(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    sandbox.add_job("Barista", STAGES)
    sandbox.add_job("Cook", STAGES)
    client = connect(sandbox)
    assert arun(client.test_connection()) == ("Connected to Greenhouse as Kate Austen · "
                                              "2 open jobs")
    token = next(r for r in sandbox.requests if r.path == "/token")
    assert token.headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize(("field", "value", "words"), [
    ("client_secret", "wrong", "refused the client ID or secret"),
    ("client_id", "gh-client-nobody", "refused the client ID or secret"),
    ("user_id", "999999", "refused the user ID"),
])
def test_wrong_credentials_are_auth_failed_in_the_users_words(sandbox: GreenhouseSandbox,
        arun: Any, connect: Any, field: str, value: str, words: str) -> None:
    client = connect(sandbox, **{field: value})
    with pytest.raises(AuthFailed) as err:
        arun(client.test_connection())
    assert words in str(err.value)
    assert value not in str(err.value) and value not in err.value.detail
    assert sandbox.count(r"^/v3/") == 0  # nothing was asked without a token


def test_jobs_come_with_their_stages_in_order_across_cursor_pages(sandbox: GreenhouseSandbox,
        arun: Any, connect: Any) -> None:
    jobs = [sandbox.add_job(f"Job {i}", STAGES[: 2 + i % 3]) for i in range(7)]
    sandbox.max_page_size = 3
    client = connect(sandbox)
    pages = arun(walk(client.jobs_page))
    assert len(pages) == 3
    got = [r for p in pages for r in p.records]
    assert [r["id"] for r in got] == jobs
    assert [s["name"] for s in got[1]["stages"]] == STAGES[:3]
    assert all(r["status"] == "open" and not r["deleted"] for r in got)
    listed = [r for r in sandbox.requests if r.path == "/v3/jobs"]
    assert listed[0].query["per_page"] == ["500"]
    assert all(list(r.query) == ["cursor"] for r in listed[1:])  # the cursor travels alone


def test_candidates_pages_carry_applications_with_bounded_requests(sandbox: GreenhouseSandbox,
        arun: Any, connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    ids = people(sandbox, job, 8)
    sandbox.add_candidate("Lin", "Ked", "lin@example.net", None, job,
                          linkedin="https://www.linkedin.com/in/Lin-Ked/?trk=x")
    sandbox.max_page_size = 3
    client = connect(sandbox)
    pages = arun(walk(client.candidates_page))
    got = [r for p in pages for r in p.records]
    assert [r["id"] for r in got[:8]] == ids and len(got) == 9 and len(pages) == 3
    first = got[0]
    assert first["emails"] == ["person0@example.org"]
    assert first["phones"] == ["+1 202-555-0100"]
    app = first["applications"][0]
    assert app["id"] == sandbox.applications_of(ids[0])[0]
    assert (app["job_id"], app["stage_name"], app["status"]) == (job, STAGES[0], "active")
    assert got[-1]["linkedin_url"] == "linkedin.com/in/lin-ked"
    # one applications request per page, one stage request for the one job: no N+1
    assert sandbox.count(r"^/v3/applications$") == len(pages)
    assert sandbox.count(r"^/v3/job_stages$") == 2  # the one job's 4 stages, 3 a page


def test_since_filter_is_sent_and_honoured(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    ids = people(sandbox, job, 4)
    client = connect(sandbox)
    first = [r for p in arun(walk(client.candidates_page)) for r in p.records]
    mark = max(parse_iso(r["updated_at"]) for r in first)
    assert mark is not None
    sandbox.update_candidate(ids[2], first="Renamed")
    sandbox.delete_candidate(ids[3])
    again = [r for p in arun(walk(client.candidates_page, mark + dt.timedelta(seconds=1)))
             for r in p.records]
    assert [(r["id"], r["first_name"]) for r in again] == [(ids[2], "Renamed")]
    sent = [r for r in sandbox.requests if r.path == "/v3/candidates"][-1]
    assert sent.query["updated_at"][0].startswith("gte|") and "per_page" in sent.query
    everyone = [r["id"] for p in arun(walk(client.candidates_page)) for r in p.records]
    assert ids[3] not in everyone  # deleted at Greenhouse: no longer listed


@pytest.mark.parametrize("style", ["expires_at", "expires_in"])
def test_expired_token_is_renewed_transparently(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any, style: str) -> None:
    sandbox.token_style = style
    job = sandbox.add_job("Barista", STAGES)
    people(sandbox, job, 2)
    client = connect(sandbox)
    arun(client.jobs_page(None, None))
    sandbox.expire_tokens()
    page = arun(client.candidates_page(None, None))
    assert len(page.records) == 2
    assert client.auth.issued == 2 and sandbox.count("^/token$") == 2


def test_token_is_renewed_a_minute_before_it_expires(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    sandbox.token_ttl = 30  # already inside the 60 s margin: every use renews it first
    sandbox.add_job("Barista", STAGES)
    client = connect(sandbox)
    arun(client.jobs_page(None, None))
    arun(client.jobs_page(None, None))
    # a fresh token before each request (jobs, job_stages, then jobs: stages are cached)
    assert client.auth.issued == sandbox.count("^/v3/") == 3


def test_429_storm_waits_as_told_then_succeeds(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    people(sandbox, job, 2)
    client = connect(sandbox)
    client.http.policy = RetryPolicy(attempts=5, base_delay=0.0, max_delay=30.0)
    sandbox.inject("429", 3, path=r"^/v3/candidates$", retry_after=7)
    page = arun(client.candidates_page(None, None))
    assert len(page.records) == 2
    waits = client.http.sleep.waits  # type: ignore[attr-defined]
    assert sandbox.count(r"^/v3/candidates$") == 4
    # three retries, each after Retry-After (7 s) or the spent window's X-RateLimit-Reset
    assert len(waits) >= 3 and all(w >= 7 for w in waits)


def test_persistent_401_is_auth_failed(sandbox: GreenhouseSandbox, arun: Any, connect: Any) -> None:
    sandbox.add_job("Barista", STAGES)
    client = connect(sandbox)
    sandbox.inject("401", 5, path=r"^/v3/jobs$")
    with pytest.raises(AuthFailed) as err:
        arun(client.jobs_page(None, None))
    assert "Greenhouse" in str(err.value)
    assert client.auth.issued == 2  # refreshed once, then gave up


def test_malformed_page_is_broken_and_kept(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    people(sandbox, job, 2)
    client = connect(sandbox)
    sandbox.inject("malformed", 1, path=r"^/v3/candidates$")
    page = arun(client.candidates_page(None, None))
    assert page.broken and not page.records and page.next_url is None
    assert "not a list" in page.quarantined[0].reason
    assert "unexpected" in page.quarantined[0].payload


def test_poison_record_is_quarantined_and_the_rest_kept(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    ids = people(sandbox, job, 3)
    client = connect(sandbox)
    sandbox.inject("poison", 1, path=r"^/v3/candidates$")
    page = arun(client.candidates_page(None, None))
    assert [r["id"] for r in page.records] == ids
    assert len(page.quarantined) == 1 and not page.broken
    assert page.quarantined[0].resource == "candidates"


def test_find_by_email_ignores_case(sandbox: GreenhouseSandbox, arun: Any, connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    ids = people(sandbox, job, 3)
    client = connect(sandbox)
    found = arun(client.find_by_email("PERSON1@Example.org"))
    assert [r["id"] for r in found] == [ids[1]]
    assert found[0]["applications"][0]["stage_name"] == STAGES[0]
    assert arun(client.find_by_email("nobody@example.com")) == []


def test_create_candidate_outlasts_the_read_after_write_lag(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    sandbox.fresh_lag = 2
    client = connect(sandbox)
    made = arun(client.create_candidate(NewCandidate("Ada", "Abbott", "Ada@Example.com",
                                                     "+1 202-555-0142", job)))
    assert made["emails"] == ["ada@example.com"] and made["phones"] == ["+1 202-555-0142"]
    app = made["applications"][0]
    assert (app["job_id"], app["stage_name"]) == (job, STAGES[0])
    assert sandbox.applications_of(made["id"]) == [app["id"]]
    assert sandbox.count(r"^/v3/applications$", "POST") == 3  # two "not yet" 404s, then 201
    sandbox.fresh_lag = 1
    made = arun(client.create_candidate(NewCandidate("Ben", "Bianchi", None, None, job)))
    fresh = made["applications"][0]["id"]
    read = arun(client.application(fresh))  # the new application: one "not yet" 404 first
    assert read is not None and read["id"] == fresh
    assert len([r for r in sandbox.requests if r.query.get("ids") == [fresh]]) == 2
    writes = [r for r in sandbox.requests if r.method == "POST" and r.path.startswith("/v3/")]
    assert all(r.headers["on-behalf-of"] == sandbox.credentials()["user_id"] for r in writes)


def test_a_record_that_never_appears_is_not_found(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    sandbox.fresh_lag = 50
    client = connect(sandbox)
    with pytest.raises(NotFoundAtProvider):
        arun(client.create_candidate(NewCandidate("Ada", "Abbott", None, None, job)))


def test_note_is_added_and_found_by_its_marker(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    cid = people(sandbox, job, 1)[0]
    aid = sandbox.applications_of(cid)[0]
    client = connect(sandbox)
    note_id = arun(client.add_note(cid, aid, "Score 4.2/5 [milo:send-17]"))
    assert sandbox.notes_of(cid) == ["Score 4.2/5 [milo:send-17]"]
    found = arun(client.find_note(cid, aid, "[milo:send-17]"))
    assert found is not None and found.id == note_id
    assert arun(client.find_note(cid, aid, "[milo:send-18]")) is None


def test_move_reads_the_current_stage_when_not_given(sandbox: GreenhouseSandbox, arun: Any,
        connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    stages = sandbox.stages_of_job(job)
    aid = sandbox.applications_of(people(sandbox, job, 1)[0])[0]
    client = connect(sandbox)
    arun(client.move(aid, stages[2], None))
    assert sandbox.stage_of(aid) == stages[2]
    arun(client.move(aid, stages[1], stages[2]))
    assert sandbox.stage_of(aid) == stages[1]
    moved = [r.body for r in sandbox.requests if r.path.endswith("/move")]
    assert moved == [{"from_stage_id": int(stages[0]), "to_stage_id": int(stages[2])},
                     {"from_stage_id": int(stages[2]), "to_stage_id": int(stages[1])}]
    current = arun(client.application(aid))
    assert current is not None and current["stage_name"] == STAGES[1]


def test_reject_twice_is_done_twice(sandbox: GreenhouseSandbox, arun: Any, connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    aid = sandbox.applications_of(people(sandbox, job, 1)[0])[0]
    client = connect(sandbox)
    arun(client.reject(aid, "Not a fit for the schedule"))
    assert sandbox.status_of(aid) == "rejected"
    arun(client.reject(aid, "Not a fit for the schedule"))  # Greenhouse says 422: done
    assert sandbox.count(r"/reject$", "POST") == 2
    assert arun(client.application("1")) is None


def test_sandbox_refuses_what_greenhouse_refuses(sandbox: GreenhouseSandbox) -> None:
    """The sandbox is strict where v3 is, so a connector that breaks a rule fails here."""
    import httpx

    creds = sandbox.credentials()
    job = sandbox.add_job("Barista", STAGES)
    aid = sandbox.applications_of(people(sandbox, job, 2)[0])[0]
    sandbox.max_page_size = 1
    with httpx.Client(base_url=sandbox.base_url) as http:
        got = http.post("/token", auth=(creds["client_id"], creds["client_secret"]),
                        data={"grant_type": "client_credentials", "sub": creds["user_id"]})
        bearer = {"Authorization": f"Bearer {got.json()['access_token']}"}
        first = http.get("/v3/candidates", headers=bearer, params={"per_page": "1"})
        cursor = httpx.URL(first.links["next"]["url"]).params["cursor"]
        assert http.get("/v3/candidates", headers=bearer,
                        params={"cursor": cursor}).status_code == 200
        mixed = http.get("/v3/candidates", headers=bearer,
                         params={"cursor": cursor, "per_page": "1"})
        assert mixed.status_code == 422
        assert http.get("/v3/candidates", headers=bearer,
                        params={"per_page": "501"}).status_code == 422
        anonymous = http.post(f"/v3/applications/{aid}/reject", headers=bearer, json={})
        assert anonymous.status_code == 422  # writes need On-Behalf-Of
        assert anonymous.json()["errors"][0]["field"] == "On-Behalf-Of"
        writer = {**bearer, "On-Behalf-Of": creds["user_id"]}
        assert http.post(f"/v3/applications/{aid}/reject", headers=writer,
                         json={}).status_code == 204
        again = http.post(f"/v3/applications/{aid}/reject", headers=writer, json={})
        assert again.status_code == 422 and "already rejected" in again.text
        assert http.get("/v3/candidates").status_code == 401


def test_seed_many_is_deterministic_fictional_and_pages_whole(sandbox: GreenhouseSandbox,
                                                              arun: Any, connect: Any) -> None:
    import re

    job = sandbox.add_job("Barista", STAGES)
    ids = sandbox.seed_many(1200, [job], seed=7)
    twin = GreenhouseSandbox()
    twin.add_job("Barista", STAGES)
    assert [twin.state.candidates.rows[int(c)]["first_name"]
            for c in twin.seed_many(1200, [job], seed=7)] == \
        [sandbox.state.candidates.rows[int(c)]["first_name"] for c in ids]
    client = connect(sandbox)
    got = [r for p in arun(walk(client.candidates_page)) for r in p.records]
    assert [r["id"] for r in got] == ids  # every person once, in order, across 3 pages
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\.\d+@example\.(com|net|org)", r["emails"][0])
               for r in got)
    phones = [r["phones"][0] for r in got if r["phones"]]
    assert len(phones) == len(got) // 10  # only fictional numbers, one person in ten
    assert all(re.fullmatch(r"\+1 \d{3}-555-01\d\d", p) for p in phones)
    assert all(r["applications"][0]["stage_name"] == STAGES[0] for r in got)
    assert sandbox.count(r"^/v3/candidates$") == 3  # 500 a page
    # people are spread one second apart: a round with 5 minutes of overlap reads a tail
    mark = max(d for r in got if (d := parse_iso(r["updated_at"])) is not None)
    tail = [r for p in arun(walk(client.candidates_page, mark - dt.timedelta(minutes=5)))
            for r in p.records]
    assert [r["id"] for r in tail] == ids[-301:]
    changed = ids[5]
    sandbox.update_candidate(changed, last="Changed")  # later than every seeded person
    assert [r["id"] for p in arun(walk(client.candidates_page, mark + dt.timedelta(seconds=1)))
            for r in p.records] == [changed]


def test_move_with_a_stale_from_stage_rereads_and_is_idempotent(
        sandbox: GreenhouseSandbox, arun: Any, connect: Any) -> None:
    job = sandbox.add_job("Barista", STAGES)
    stages = sandbox.stages_of_job(job)
    aid = sandbox.applications_of(people(sandbox, job, 1)[0])[0]
    client = connect(sandbox)
    arun(client.move(aid, stages[1], stages[0]))
    arun(client.move(aid, stages[1], stages[0]))  # a resend after a crash: already there
    assert sandbox.stage_of(aid) == stages[1]
    assert sandbox.count(r"/move$") == 2  # the resend's 422 and a re-read, no second move
    arun(client.move(aid, stages[3], stages[0]))  # moved at Greenhouse meanwhile: from there
    assert sandbox.stage_of(aid) == stages[3]
    arun(client.reject(aid, "Closed"))
    from milo_desktop.services.connectors import ProviderError

    with pytest.raises(ProviderError) as err:  # a rejected application cannot move
        arun(client.move(aid, stages[2], stages[3]))
    assert err.value.status == 422
