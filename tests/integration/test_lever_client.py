"""The Lever connector against the Lever sandbox over real sockets: sign-in both ways
(API key, OAuth with rotating refresh tokens), paging, the "updated since" filter,
deletions, 429 / 401 / malformed / poison pages, and every write with Lever's quirks
(perform_as, de-duplication by email, archive = reject, already archived = done)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.lever import LeverSandbox
from milo_desktop.services.connectors import AuthFailed, NotConfigured, RateLimited
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.lever.auth import token_url
from milo_desktop.services.connectors.lever.client import LeverClient
from milo_desktop.services.connectors.lever.spec import SPEC

STAGES = ["New applicant", "Phone screen", "Onsite", "Offer"]
NO_WAIT = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)


@pytest.fixture
def sb() -> Iterator[LeverSandbox]:
    box = LeverSandbox()
    with box.running():
        yield box


class Keychain:
    """The persist callback: what the keychain would hold, and when it was written."""

    def __init__(self, sb: LeverSandbox) -> None:
        self.sb = sb
        self.saved: dict[str, str] = {}
        self.last_request_at_save: list[str] = []

    async def __call__(self, field: str, value: str) -> None:
        self.saved[field] = value
        last = self.sb.requests[-1]
        self.last_request_at_save.append(f"{last.method} {last.path}")


async def client(sb: LeverSandbox, fields: dict[str, str] | None = None,
                 keychain: Keychain | None = None) -> LeverClient:
    made = await SPEC.make_client(fields if fields is not None else sb.credentials(),
                                  sb.base_url, keychain or Keychain(sb))
    assert isinstance(made, LeverClient)
    made.http.policy = NO_WAIT
    return made


async def walk(c: LeverClient, since: dt.datetime | None = None, kind: str = "candidates"
               ) -> tuple[list[dict[str, Any]], list[AtsPage]]:
    pages: list[AtsPage] = []
    token: str | None = None
    while True:
        page = await (c.candidates_page if kind == "candidates" else c.jobs_page)(since, token)
        pages.append(page)
        token = page.next_url
        if token is None:
            break
    by_id: dict[str, dict[str, Any]] = {}
    for page in pages:
        for record in page.records:
            by_id[record["id"]] = dict(record)
    return list(by_id.values()), pages


def seed(sb: LeverSandbox, n: int = 7) -> tuple[str, list[str]]:
    job = sb.add_job("Backend Engineer", STAGES)
    cids = [sb.add_candidate(f"Ann{i}", f"Lee{i}", f"ann{i}@example.com", f"+4915100{i}", job,
                             linkedin=f"https://www.linkedin.com/in/ann-{i}/")
            for i in range(n)]
    return job, cids


# -- sign-in ---------------------------------------------------------------------------
@pytest.mark.parametrize(("base", "url"), [
    ("https://api.lever.co/v1", "https://auth.lever.co/oauth/token"),
    ("https://api.eu.lever.co/v1", "https://auth.lever.co/oauth/token"),
    ("https://api.sandbox.lever.co/v1", "https://sandbox-lever.auth0.com/oauth/token"),
    ("http://127.0.0.1:8123/v1", "http://127.0.0.1:8123/oauth/token"),
])
def test_token_endpoint_follows_the_base_url(base: str, url: str) -> None:
    assert token_url(base) == url


def test_connection_with_oauth_and_with_api_key(sb: LeverSandbox, arun: Any) -> None:
    async def go() -> None:
        c = await client(sb)
        assert await c.test_connection() == "Connected to Lever as Riley Recruiter (OAuth)."
        k = await client(sb, sb.credentials("api_key"))
        assert "(API key)" in await k.test_connection()
        assert sb.requests[-1].headers["authorization"].startswith("Basic ")
        await c.aclose()
        await k.aclose()
    arun(go())


def test_wrong_api_key_is_auth_failed_in_the_users_words(sb: LeverSandbox, arun: Any) -> None:
    async def go() -> None:
        c = await client(sb, {"api_key": "nope", "perform_as": "u"})
        with pytest.raises(AuthFailed, match="Lever refused the API key"):
            await c.test_connection()
        await c.aclose()
    arun(go())


def test_spent_refresh_token_is_auth_failed(sb: LeverSandbox, arun: Any) -> None:
    async def go() -> None:
        creds = sb.credentials()
        first = await client(sb, dict(creds))
        await first.test_connection()  # spends creds["refresh_token"]
        again = await client(sb, dict(creds))
        with pytest.raises(AuthFailed, match="Connect Lever again"):
            await again.test_connection()
        await first.aclose()
        await again.aclose()
    arun(go())


@pytest.mark.parametrize(("fields", "words"), [
    ({"perform_as": "u"}, "either an API key, or the OAuth"),
    ({"oauth_client_id": "x", "refresh_token": "y", "perform_as": "u"}, "incomplete"),
])
def test_neither_credential_set_is_not_configured(sb: LeverSandbox, arun: Any,
                                                  fields: dict[str, str], words: str) -> None:
    async def go() -> None:
        c = await client(sb, fields)
        with pytest.raises(NotConfigured, match=words):
            await c.test_connection()
        await c.aclose()
    arun(go())
    assert sb.requests == []  # nothing was sent without credentials


def test_token_expiry_refreshes_and_rotates_the_refresh_token(sb: LeverSandbox,
                                                              arun: Any) -> None:
    seed(sb, 2)
    keychain = Keychain(sb)

    async def go() -> None:
        c = await client(sb, keychain=keychain)
        await walk(c)
        first = keychain.saved["refresh_token"]
        assert first == sb.refresh_token
        sb.expire_tokens()
        records, _ = await walk(c)  # 401 → refresh → the same request again
        assert len(records) == 2
        assert keychain.saved["refresh_token"] == sb.refresh_token != first
        assert first in sb.spent_refresh_tokens
        await c.aclose()
    arun(go())
    # the rotated token was in the keychain before any request used the new access token
    assert keychain.last_request_at_save == ["POST /oauth/token", "POST /oauth/token"]
    assert sb.token_requests == 2


def test_concurrent_requests_after_expiry_all_succeed(sb: LeverSandbox, arun: Any) -> None:
    import asyncio
    seed(sb, 3)

    async def go() -> None:
        c = await client(sb)
        await c.test_connection()
        sb.expire_tokens()
        pages = await asyncio.gather(*(c.jobs_page(None, None) for _ in range(6)))
        assert all(len(p.records) == 1 for p in pages)
        await c.aclose()
    arun(go())


def test_persistent_401_is_auth_failed(sb: LeverSandbox, arun: Any) -> None:
    async def go() -> None:
        c = await client(sb)
        sb.inject("401", count=10, path=r"^/v1/")
        with pytest.raises(AuthFailed):
            await c.jobs_page(None, None)
        await c.aclose()
    arun(go())


# -- lists ---------------------------------------------------------------------------------
def test_jobs_pages_and_since(sb: LeverSandbox, arun: Any) -> None:
    ids = [sb.add_job(f"Job {i}", STAGES) for i in range(3)]
    since = sb.now + dt.timedelta(milliseconds=1)  # Job 3 and 4 are newer
    ids += [sb.add_job(f"Job {i}", STAGES) for i in range(3, 5)]
    sb.max_page_size = 3

    async def go() -> None:
        c = await client(sb)
        jobs, pages = await walk(c, kind="jobs")
        assert sorted(j["id"] for j in jobs) == sorted(ids) and len(pages) == 2
        assert {j["status"] for j in jobs} == {"open"} and jobs[0]["stages"] == []
        newer, _ = await walk(c, since, kind="jobs")
        assert sorted(j["title"] for j in newer) == ["Job 3", "Job 4"]
        assert [s["name"] for s in await c.stages(ids[0])] == STAGES
        await c.aclose()
    arun(go())


def test_candidates_paged_with_every_application_of_each_person(sb: LeverSandbox,
                                                                 arun: Any) -> None:
    job, cids = seed(sb, 7)
    other = sb.add_job("Designer", ["Applied", "Interview"])
    second = sb.add_opportunity(cids[0], other)  # on the last page of opportunities
    sb.max_page_size = 3

    async def go() -> None:
        c = await client(sb)
        people, pages = await walk(c)
        assert len(pages) == 3 and sorted(p["id"] for p in people) == sorted(cids)
        ann0 = next(p for p in people if p["id"] == cids[0])
        assert {a["job_id"] for a in ann0["applications"]} == {job, other}
        assert second in {a["id"] for a in ann0["applications"]}
        assert ann0["first_name"] == "Ann0" and ann0["emails"] == ["ann0@example.com"]
        assert ann0["linkedin_url"] == "linkedin.com/in/ann-0"
        app = ann0["applications"][0]
        assert app["stage_name"] in ("New applicant", "Applied") and app["status"] == "active"
        # bounded: the page and its contacts' opportunities (paged too), never one per person
        assert sb.count(r"^/v1/opportunities/[^/]+$", "GET") == 0
        assert sb.count(r"^/v1/opportunities$", "GET") <= 3 * len(pages)
        await c.aclose()
    arun(go())


def test_since_is_sent_and_honoured_and_deletions_arrive(sb: LeverSandbox, arun: Any) -> None:
    _, cids = seed(sb, 6)
    sb.max_page_size = 3
    since = sb.now + dt.timedelta(seconds=1)
    sb.update_candidate(cids[1], first="Bea")
    sb.delete_candidate(cids[4])

    async def go() -> None:
        c = await client(sb)
        people, _ = await walk(c, since)
        assert {p["id"]: (p["first_name"], p["deleted"]) for p in people} == {
            cids[1]: ("Bea", False), cids[4]: ("Ann4", True)}
        await c.aclose()
    arun(go())
    sent = [r.query for r in sb.requests if r.path == "/v1/opportunities"
            and "contact_id" not in r.query]
    assert sent and all(q["updated_at_start"] == [str(int(since.timestamp() * 1000))]
                        for q in sent)
    assert any(r.path == "/v1/opportunities/deleted"
               and r.query["deleted_at_start"] == sent[0]["updated_at_start"]
               for r in sb.requests)


def test_429_storm_is_honoured_then_succeeds(sb: LeverSandbox, arun: Any) -> None:
    seed(sb, 2)
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        c = await client(sb)
        await c.test_connection()
        c.http.policy = RetryPolicy(attempts=5, base_delay=0.0, max_delay=60.0)
        c.http.sleep = no_sleep
        sb.inject("429", count=3, path=r"^/v1/opportunities$", retry_after=7)
        people, _ = await walk(c)
        assert len(people) == 2
        sb.inject("429", count=10, path=r"^/v1/postings$", retry_after=1)
        with pytest.raises(RateLimited):
            await c.jobs_page(None, None)
        await c.aclose()
    arun(go())
    assert sum(1 for w in waits if w >= 7) >= 3


def test_malformed_page_is_broken(sb: LeverSandbox, arun: Any) -> None:
    seed(sb, 2)

    async def go() -> None:
        c = await client(sb)
        sb.inject("malformed", path=r"^/v1/opportunities$")
        page = await c.candidates_page(None, None)
        assert page.broken and page.records == [] and len(page.quarantined) == 1
        sb.inject("malformed", path=r"^/v1/postings$")
        assert (await c.jobs_page(None, None)).broken
        await c.aclose()
    arun(go())


def test_poison_record_is_quarantined_and_the_rest_kept(sb: LeverSandbox, arun: Any) -> None:
    seed(sb, 3)

    async def go() -> None:
        c = await client(sb)
        sb.inject("poison", path=r"^/v1/opportunities$")
        page = await c.candidates_page(None, None)
        assert len(page.records) == 3 and len(page.quarantined) == 1
        assert "contact" in page.quarantined[0].reason
        await c.aclose()
    arun(go())


# -- writes --------------------------------------------------------------------------------
def test_find_create_note_move_reject(sb: LeverSandbox, arun: Any) -> None:
    job, cids = seed(sb, 2)

    async def go() -> None:
        c = await client(sb)
        found = await c.find_by_email("ANN1@example.com")
        assert [p["id"] for p in found] == [cids[1]]
        assert await c.find_by_email("nobody@example.com") == []
        made = await c.create_candidate(NewCandidate("Cy", "Vega", "cy@example.com",
                                                     "+4917000", job))
        assert made["first_name"] == "Cy" and made["emails"] == ["cy@example.com"]
        app = made["applications"][0]
        assert app["job_id"] == job and sb.applications_of(made["id"]) == [app["id"]]
        note = await c.add_note(made["id"], None, "Score 4/5 [milo:n1]")
        assert sb.notes_of(made["id"]) == ["Score 4/5 [milo:n1]"]
        ref = await c.find_note(made["id"], None, "[milo:n1]")
        assert ref is not None and ref.id == note and ref.body == "Score 4/5 [milo:n1]"
        assert await c.find_note(made["id"], app["id"], "[milo:other]") is None
        stages = await c.stages(job)
        await c.move(app["id"], stages[2]["id"], app["stage_id"])
        assert sb.stage_of(app["id"]) == stages[2]["id"]
        await c.reject(app["id"], "Not a fit")
        assert sb.status_of(app["id"]) == "rejected"
        archives = sb.count(r"/archived$", "PUT")
        await c.reject(app["id"], "Not a fit")  # already archived: done, nothing sent
        assert sb.count(r"/archived$", "PUT") == archives == 1
        current = await c.application(app["id"])
        assert current is not None and current["status"] == "rejected"
        await c.aclose()
    arun(go())
    put = next(r for r in sb.requests if r.path.endswith("/archived"))
    assert put.body["reason"] == next(r["id"] for r in sb.state.reasons
                                      if r["text"] == "Not a fit")
    assert all(r.query.get("perform_as") == [sb.state.user["id"]] for r in sb.requests
               if r.method in ("POST", "PUT") and r.path.startswith("/v1/"))


def test_create_with_a_known_email_joins_that_contact(sb: LeverSandbox, arun: Any) -> None:
    """Lever's own rule: one contact per email - a second job for the same person."""
    job, cids = seed(sb, 1)
    other = sb.add_job("Designer", ["Applied"])

    async def go() -> None:
        c = await client(sb)
        made = await c.create_candidate(NewCandidate("Ann0", "Lee0", "ann0@example.com",
                                                     None, other))
        assert made["id"] == cids[0]
        assert {a["job_id"] for a in made["applications"]} == {job, other}
        await c.aclose()
    arun(go())


def test_writes_need_the_acting_user(sb: LeverSandbox, arun: Any) -> None:
    _, cids = seed(sb, 1)
    app = sb.applications_of(cids[0])[0]

    async def go() -> None:
        fields = sb.credentials()
        fields.pop("perform_as")
        c = await client(sb, fields)
        assert "Add the user ID" in await c.test_connection()
        with pytest.raises(NotConfigured, match="acts as"):
            await c.add_note(cids[0], app, "hello")
        await c.aclose()
    arun(go())
    assert sb.count(r"/notes$", "POST") == 0


def test_sandbox_refuses_writes_without_perform_as(sb: LeverSandbox) -> None:
    import httpx
    _, cids = seed(sb, 1)
    app = sb.applications_of(cids[0])[0]
    auth = (sb.api_key, "")
    resp = httpx.post(f"{sb.base_url}/opportunities/{app}/notes", json={"value": "x"},
                      auth=auth)
    assert resp.status_code == 400 and resp.json()["code"] == "BadRequestError"
    ok = httpx.post(f"{sb.base_url}/opportunities/{app}/notes", json={"value": "x"},
                    auth=auth, params={"perform_as": sb.state.user["id"]})
    assert ok.status_code == 201


def test_a_deleted_opportunity_reads_as_gone(sb: LeverSandbox, arun: Any) -> None:
    _, cids = seed(sb, 1)
    app = sb.applications_of(cids[0])[0]
    sb.delete_candidate(cids[0])

    async def go() -> None:
        c = await client(sb)
        assert await c.application(app) is None
        await c.aclose()
    arun(go())
