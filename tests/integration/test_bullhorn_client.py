"""The Bullhorn connector against its sandbox over real sockets: the OAuth + REST login, the
keyset initial load, the event queue as a crash-safe cursor (a kill between fetch and store),
a dropped subscription, session expiry, 429, 401, broken and poisoned pages, and the writes.
Bullhorn's other quirks: test_bullhorn_quirks.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.bullhorn import BullhornSandbox
from milo_desktop.services.connectors import AuthFailed
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.bullhorn.auth import (
    SESSION_REFUSED,
    WRONG_CLIENT,
    WRONG_USER,
)
from milo_desktop.services.connectors.bullhorn.client import BullhornClient
from milo_desktop.services.connectors.bullhorn.spec import SPEC

STAGES = ["Phone Screen", "Interview", "Placed"]
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
SEARCH = r"/search/Candidate$"


@pytest.fixture
def sandbox() -> Iterator[BullhornSandbox]:
    sb = BullhornSandbox()
    with sb.running():
        yield sb


async def _nothing(_: str, __: str) -> None:
    return None


async def _no_wait(_: float) -> None:
    return None


async def client(sb: BullhornSandbox, **changes: str) -> BullhornClient:
    made = await SPEC.make_client({**sb.credentials(), **changes}, sb.base_url, _nothing)
    assert isinstance(made, BullhornClient)
    made.http.policy = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)
    made.http.sleep = _no_wait
    return made


def seed(sb: BullhornSandbox, n: int) -> tuple[str, list[str]]:
    job = sb.add_job("Staff Nurse", STAGES)
    return job, [sb.add_candidate(f"First{i}", f"Last{i}", f"p{i}@example.com",
                                  f"+1617555{i:04d}", job) for i in range(n)]


async def walk(c: BullhornClient, since: dt.datetime | None,
               token: str | None = None) -> tuple[list[dict[str, Any]], list[AtsPage]]:
    records: list[dict[str, Any]] = []
    pages: list[AtsPage] = []
    while True:
        page = await c.candidates_page(since, token)
        pages.append(page)
        records += [dict(r) for r in page.records]
        token = page.next_url
        if token is None:
            return records, pages


def test_connection_signs_in_with_oauth_and_keeps_the_session_out_of_urls(
        sandbox: BullhornSandbox, arun: Any) -> None:
    seed(sandbox, 1)

    async def go() -> None:
        c = await client(sandbox)
        assert await c.test_connection() == "Connected to Bullhorn as milo.api · 1 open job"
        await c.aclose()

    arun(go())
    paths = [r.path for r in sandbox.requests]
    assert paths[:4] == ["/rest-services/loginInfo", "/oauth/authorize", "/oauth/token",
                         "/rest-services/login"]
    rest = [r for r in sandbox.requests if r.path.startswith("/rest-services/sbx1/")]
    assert rest and all(r.headers.get("bhresttoken") for r in rest)
    assert not any("BhRestToken" in r.query for r in sandbox.requests)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("password", "wrong", WRONG_USER), ("username", "nobody", WRONG_USER),
    ("client_secret", "wrong", WRONG_CLIENT), ("client_id", "wrong", WRONG_CLIENT)])
def test_wrong_credentials_fail_in_the_recruiters_words(
        sandbox: BullhornSandbox, arun: Any, field: str, value: str, words: str) -> None:
    async def go() -> None:
        c = await client(sandbox, **{field: value})
        with pytest.raises(AuthFailed) as err:
            await c.test_connection()
        assert str(err.value) == words
        await c.aclose()

    arun(go())


def test_jobs_page_and_its_since_filter(sandbox: BullhornSandbox, arun: Any) -> None:
    old = sandbox.add_job("Old job", STAGES)
    mark = sandbox.now
    new = sandbox.add_job("New job", STAGES)

    async def go() -> None:
        c = await client(sandbox)
        page = await c.jobs_page(None, None)
        assert [j["id"] for j in page.records] == [old, new] and page.next_url is None
        assert page.records[0]["status"] == "open" and page.records[0]["stages"] == []
        page = await c.jobs_page(mark + dt.timedelta(seconds=1), None)
        assert [j["id"] for j in page.records] == [new]
        await c.aclose()

    arun(go())
    sent = [r.query["query"][0] for r in sandbox.requests if r.path.endswith("search/JobOrder")]
    assert sent[-1] == f"id:[1 TO *] AND dateLastModified:[{(mark + dt.timedelta(seconds=1)):%Y%m%d%H%M%S} TO *]"


def test_initial_load_pages_by_id_keyset_with_applications(sandbox: BullhornSandbox,
                                                           arun: Any) -> None:
    job, ids = seed(sandbox, 7)
    sandbox.max_page_size = 3

    async def go() -> None:
        c = await client(sandbox)
        records, pages = await walk(c, None)
        assert [r["id"] for r in records] == ids
        assert [p.next_url for p in pages] == [f"search:*:{ids[2]}", f"search:*:{ids[5]}", None]
        first = records[0]
        assert first["emails"] == ["p0@example.com"] and first["phones"] == ["+16175550000"]
        assert [(a["job_id"], a["stage_id"], a["status"]) for a in first["applications"]] == [
            (job, "Phone Screen", "active")]
        await c.aclose()

    arun(go())
    # The subscription is made before the first search; applications: one query per page.
    rest = [r.path.rsplit("/", 2)[-2:] for r in sandbox.requests if "/sbx1/" in r.path]
    assert rest[0][0] == "subscription" and sandbox.count(SEARCH) == 3
    assert sandbox.count(r"/query/JobSubmission$") == 3


def test_incremental_reads_the_event_queue(sandbox: BullhornSandbox, arun: Any) -> None:
    job, ids = seed(sandbox, 4)

    async def go() -> None:
        c = await client(sandbox)
        await walk(c, None)
        sandbox.update_candidate(ids[0], first="Renamed")
        sandbox.delete_candidate(ids[1])
        sandbox.purge_candidate(ids[2])
        sandbox.set_status(sandbox.applications_of(ids[3])[0], "Interview")
        added = sandbox.add_candidate("New", "Person", "new@example.com", None, job)
        records, pages = await walk(c, SINCE)
        got = {r["id"]: r for r in records}
        assert got[ids[0]]["first_name"] == "Renamed" and not got[ids[0]]["deleted"]
        assert got[ids[1]]["deleted"] and got[ids[2]]["deleted"]
        assert got[ids[3]]["applications"][0]["stage_id"] == "Interview"
        assert got[added]["applications"][0]["job_id"] == job
        assert pages[-1].next_url is None and pages[0].next_url == "events:1"
        await c.aclose()

    arun(go())


def test_a_crash_between_fetch_and_store_loses_no_event(sandbox: BullhornSandbox,
                                                        arun: Any) -> None:
    """The core stores a page's token with its rows; a crash before that store must make the
    next call answer the same batch again (Bullhorn has already moved its queue on). Each of
    300 people changes once, so their 300 events fill three batches with different people:
    a lost batch would lose 100 of them."""
    job = sandbox.add_job("Staff Nurse", STAGES)
    ids = sandbox.seed_many(300, [job])

    async def go() -> None:
        c = await client(sandbox)
        await walk(c, None)
        for cid in ids:
            sandbox.update_candidate(cid, first=f"changed-{cid}")
        stored: str | None = None  # what the core committed with the last page
        applied: set[str] = set()
        fetches = 0
        while True:
            page = await c.candidates_page(SINCE, stored)
            fetches += 1
            if fetches in (1, 4):  # killed before the page's transaction: at the round's
                await c.aclose()   # start (no token) and mid-walk ("events:2")
                c = await client(sandbox)
                continue
            applied |= {r["id"] for r in page.records if r["first_name"].startswith("changed")}
            stored = page.next_url
            if stored is None:
                break
        assert applied == set(ids)
        await c.aclose()

    arun(go())
    rereads = [r.query["requestId"][0] for r in sandbox.requests if "requestId" in r.query]
    assert rereads == ["1", "3"]


def test_changes_during_the_initial_load_come_through_events(sandbox: BullhornSandbox,
                                                             arun: Any) -> None:
    _, ids = seed(sandbox, 6)
    sandbox.max_page_size = 3

    async def go() -> None:
        c = await client(sandbox)
        page = await c.candidates_page(None, None)
        sandbox.update_candidate(ids[0], last="Changed")  # already read by this walk
        await walk(c, None, page.next_url)
        searches = sandbox.count(SEARCH)
        records, _ = await walk(c, SINCE)
        assert [r["last_name"] for r in records if r["id"] == ids[0]] == ["Changed"]
        assert sandbox.count(SEARCH) == searches  # the queue had it: no catch-up search
        await c.aclose()

    arun(go())


def test_a_dropped_subscription_catches_up_by_search_since(sandbox: BullhornSandbox,
                                                           arun: Any) -> None:
    _, ids = seed(sandbox, 3)

    async def go() -> None:
        c = await client(sandbox)
        await walk(c, None)
        mark = sandbox.now + dt.timedelta(seconds=1)
        sandbox.drop_subscriptions()  # unused for 30 days
        sandbox.update_candidate(ids[1], first="Later")
        records, pages = await walk(c, mark)
        assert [r["id"] for r in records] == [ids[1]]
        assert pages[0].next_url is None
        sandbox.update_candidate(ids[2], first="Queued")  # the new subscription has it
        records, _ = await walk(c, mark)
        assert "Queued" in [r["first_name"] for r in records]
        await c.aclose()

    arun(go())
    searches = [r.query["query"][0] for r in sandbox.requests if r.path.endswith("search/Candidate")]
    assert "dateLastModified:[" in searches[-1]


def test_session_expiry_is_refreshed_transparently(sandbox: BullhornSandbox,
                                                   arun: Any) -> None:
    seed(sandbox, 2)

    async def go() -> None:
        c = await client(sandbox)
        await c.jobs_page(None, None)
        sandbox.expire_tokens()
        page = await c.jobs_page(None, None)
        assert len(page.records) == 1 and c.auth.sign_ins == 2
        sandbox._refresh.clear()  # the refresh token is spent too: sign in with the password
        sandbox.expire_tokens()
        assert len((await c.jobs_page(None, None)).records) == 1
        await c.aclose()

    arun(go())
    grants = [r.query.get("grant_type", [""])[0] for r in sandbox.requests
              if r.path == "/oauth/token"]
    assert grants == ["authorization_code", "refresh_token", "refresh_token",
                      "authorization_code"]


def test_a_429_storm_is_waited_out(sandbox: BullhornSandbox, arun: Any) -> None:
    seed(sandbox, 2)

    async def go() -> None:
        c = await client(sandbox)
        await c.test_connection()
        sandbox.inject("429", count=3, path=SEARCH, retry_after=1)
        records, _ = await walk(c, None)
        assert len(records) == 2
        await c.aclose()

    arun(go())
    assert sandbox.count(SEARCH) == 4


def test_a_persistent_401_is_auth_failed(sandbox: BullhornSandbox, arun: Any) -> None:
    seed(sandbox, 1)

    async def go() -> None:
        c = await client(sandbox)
        await c.test_connection()
        sandbox.inject("401", count=5, path=r"/search/JobOrder$")
        with pytest.raises(AuthFailed) as err:
            await c.jobs_page(None, None)
        assert str(err.value) == SESSION_REFUSED
        assert c.auth.sign_ins == 2  # it signed in again once before giving up
        await c.aclose()

    arun(go())


def test_malformed_page_is_broken_and_poison_is_quarantined(sandbox: BullhornSandbox,
                                                           arun: Any) -> None:
    _, ids = seed(sandbox, 3)

    async def go() -> None:
        c = await client(sandbox)
        sandbox.inject("malformed", path=SEARCH)
        page = await c.candidates_page(None, None)
        assert page.broken and page.quarantined and not page.records
        sandbox.inject("poison", path=SEARCH)
        page = await c.candidates_page(None, None)
        assert [r["id"] for r in page.records] == ids and len(page.quarantined) == 1
        assert not page.broken
        await c.aclose()

    arun(go())


def test_writes_search_create_note_move_reject(sandbox: BullhornSandbox, arun: Any) -> None:
    job, ids = seed(sandbox, 2)
    app = sandbox.applications_of(ids[0])[0]

    async def go() -> None:
        c = await client(sandbox)
        found = await c.find_by_email("P1@Example.com")
        assert [r["id"] for r in found] == [ids[1]]
        made = await c.create_candidate(NewCandidate("Ada", "Lovelace", "ada@example.com",
                                                     "+441234", job))
        assert made["first_name"] == "Ada" and made["applications"][0]["job_id"] == job
        note = await c.add_note(ids[0], app, "Scores: 8/10 [milo:abc]")
        ref = await c.find_note(ids[0], app, "[milo:abc]")
        assert ref is not None and ref.id == note
        assert await c.find_note(ids[0], app, "[milo:other]") is None
        stages = [s["id"] for s in await c.stages(job)]
        assert set(STAGES) <= set(stages) and "Client Rejected" in stages
        await c.move(app, "Interview", "Phone Screen")
        assert sandbox.stage_of(app) == "Interview"
        await c.reject(app, "Not a fit")
        await c.reject(app, "Not a fit")  # again: done, not an error
        got = await c.application(app)
        assert got is not None and got["status"] == "rejected"
        assert await c.application("999999") is None
        await c.aclose()

    arun(go())
    assert sandbox.notes_of(ids[0]) == ["Scores: 8/10 [milo:abc]"]
    assert sandbox.status_of(app) == "rejected"
    assert sandbox.count(r"/entity/NoteEntity$", "PUT") == 1
