"""The Workable connector against its sandbox over real sockets: Test connection, paging,
"updated since", rate limits, 401, malformed and poisoned pages, every write, and Workable's
quirks (member_id for writes, stage names vs slugs, 422 on re-disqualify, Hiring Plan)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.workable import WorkableSandbox
from milo_desktop.services.connectors import (
    AuthFailed,
    NotConfigured,
    ProviderError,
    RateLimited,
)
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.connectors.workable.client import WorkableClient
from milo_desktop.services.connectors.workable.spec import SPEC, base_url_for

NO_WAIT = RetryPolicy(attempts=5, base_delay=0.0, max_delay=0.0)
STAGES = ["Applied", "Phone Screen", "Interview", "Hired"]


@pytest.fixture
def sandbox() -> Iterator[WorkableSandbox]:
    sb = WorkableSandbox()
    with sb.running():
        yield sb


@pytest.fixture
def job(sandbox: WorkableSandbox) -> str:
    return sandbox.add_job("Backend Engineer", STAGES)


async def _persist(field: str, value: str) -> None:
    raise AssertionError("Workable has no rotating secret to persist")


async def client_for(sb: WorkableSandbox, **fields: str) -> WorkableClient:
    creds = {**sb.credentials(), **fields}
    client = await SPEC.make_client(creds, sb.base_url, _persist)
    assert isinstance(client, WorkableClient)
    client.http.policy = NO_WAIT
    return client


def seed(sb: WorkableSandbox, job: str, n: int) -> list[str]:
    return [sb.add_candidate(f"First{i}", f"Last{i}", f"person{i}@example.com",
                             f"+3021000000{i:02d}", job) for i in range(n)]


async def walk(client: WorkableClient, resource: str,
               since: dt.datetime | None = None) -> list[AtsPage]:
    fetch = client.jobs_page if resource == "jobs" else client.candidates_page
    pages = [await fetch(since, None)]
    while pages[-1].next_url:
        pages.append(await fetch(since, pages[-1].next_url))
    return pages


def ids(pages: list[AtsPage]) -> list[str]:
    return [r["id"] for p in pages for r in p.records]


# -- Test connection --------------------------------------------------------------------------
def test_connection_names_the_member_and_counts_jobs(sandbox: WorkableSandbox, job: str,
                                                     arun: Any) -> None:
    async def go() -> str:
        client = await client_for(sandbox)
        try:
            return await client.test_connection()
        finally:
            await client.aclose()

    assert arun(go()) == "Connected to Workable (sandbox) as Jane Recruiter · 1 job"


def test_connection_without_member_lists_the_members_to_choose(sandbox: WorkableSandbox,
                                                               arun: Any) -> None:
    async def go() -> str:
        client = await client_for(sandbox, member_id="")
        try:
            return await client.test_connection()
        finally:
            await client.aclose()

    said = arun(go())
    assert said.startswith("Connected to Workable (sandbox) · 0 jobs. Choose the member")
    assert "Jane Recruiter (id 13e0eb0e)" in said and "Sam Hiring (id 2a7c91f4)" in said


def test_wrong_token_is_auth_failed_in_the_recruiters_words(sandbox: WorkableSandbox,
                                                            arun: Any) -> None:
    async def go() -> None:
        client = await client_for(sandbox, access_token="not-the-token")
        try:
            await client.test_connection()
        finally:
            await client.aclose()

    with pytest.raises(AuthFailed) as err:
        arun(go())
    assert "Workable refused the access token for sandbox.workable.com" in str(err.value)
    assert "From ATS → Workable" in str(err.value)


def test_unknown_member_id_is_refused_at_test_connection(sandbox: WorkableSandbox,
                                                         arun: Any) -> None:
    async def go() -> None:
        client = await client_for(sandbox, member_id="ffffffff")
        try:
            await client.test_connection()
        finally:
            await client.aclose()

    with pytest.raises(AuthFailed, match="no member with the id ffffffff"):
        arun(go())


def test_base_url_is_built_from_the_subdomain_unless_overridden() -> None:
    assert base_url_for({"subdomain": "https://Acme.workable.com/"}, SPEC.default_base) \
        == "https://acme.workable.com/spi/v3"
    assert base_url_for({"subdomain": "acme"}, "http://127.0.0.1:9/spi/v3") \
        == "http://127.0.0.1:9/spi/v3"
    with pytest.raises(NotConfigured, match="subdomain"):
        base_url_for({"subdomain": "not a subdomain!"}, SPEC.default_base)


# -- reading ----------------------------------------------------------------------------------
def test_jobs_and_candidates_pages_carry_every_record(sandbox: WorkableSandbox, job: str,
                                                      arun: Any) -> None:
    other = sandbox.add_job("Designer", ["Applied", "Portfolio review", "Hired"])
    first = seed(sandbox, job, 4)
    seeded = [*first, sandbox.add_candidate("Ana", "Costa", "ana@example.com", None, other)]

    async def go() -> tuple[list[AtsPage], list[AtsPage]]:
        client = await client_for(sandbox)
        try:
            return await walk(client, "jobs"), await walk(client, "candidates")
        finally:
            await client.aclose()

    jobs, cands = arun(go())
    assert ids(jobs) == [job, other]
    assert {r["status"] for p in jobs for r in p.records} == {"open"}
    assert ids(cands) == seeded
    ana = cands[-1].records[-1]
    assert ana["emails"] == ["ana@example.com"] and ana["first_name"] == "Ana"
    (app,) = ana["applications"]
    assert app == {**app, "id": seeded[-1], "job_id": other, "stage_id": "applied",
                   "stage_name": "Applied", "status": "active"}


def test_paging_by_next_url_with_a_small_page(sandbox: WorkableSandbox, job: str,
                                              arun: Any) -> None:
    sandbox.max_page_size = 3
    seeded = seed(sandbox, job, 8)

    async def go() -> list[AtsPage]:
        client = await client_for(sandbox)
        try:
            return await walk(client, "candidates")
        finally:
            await client.aclose()

    pages = arun(go())
    assert [len(p.records) for p in pages] == [3, 3, 2]
    assert ids(pages) == seeded
    assert pages[-1].next_url is None and all(p.next_url for p in pages[:-1])
    assert all("since_id=" in str(p.next_url) for p in pages[:-1])
    assert sandbox.count(r"/candidates$", "GET") == 3


def test_since_is_sent_as_updated_after_and_honoured(sandbox: WorkableSandbox, job: str,
                                                     arun: Any) -> None:
    sandbox.max_page_size = 3
    seeded = seed(sandbox, job, 10)
    watermark = sandbox.now
    sandbox.update_candidate(seeded[2], phone="+302100000999")
    sandbox.update_candidate(seeded[7], first="Renamed")

    async def go() -> list[AtsPage]:
        client = await client_for(sandbox)
        try:
            return await walk(client, "candidates", since=watermark)
        finally:
            await client.aclose()

    pages = arun(go())
    # One second of overlap: the record at the watermark itself is read again (idempotent).
    assert ids(pages) == [seeded[2], seeded[7], seeded[9]]
    sent = [r for r in sandbox.requests if r.path.endswith("/candidates")]
    expected = (watermark - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert sent[0].query["updated_after"] == [expected]
    assert all(r.query.get("updated_after") == [expected] for r in sent)  # kept in next links


def test_rate_limit_storm_is_waited_out(sandbox: WorkableSandbox, job: str,
                                        arun: Any) -> None:
    seed(sandbox, job, 2)
    sandbox.inject("429", count=3, path=r"/candidates$", retry_after=1)
    waits: list[float] = []

    async def go() -> AtsPage:
        client = await client_for(sandbox)

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        client.http.sleep = sleep
        client.http.policy = RetryPolicy(attempts=5, base_delay=0.0, max_delay=5.0)
        try:
            return await client.candidates_page(None, None)
        finally:
            await client.aclose()

    page = arun(go())
    assert len(page.records) == 2
    # Each retry waited Retry-After (1 s, plus at most 25 % jitter); the other waits are
    # the pauses X-Rate-Limit-Remaining: 0 asks for until X-Rate-Limit-Reset.
    assert len([w for w in waits if 1.0 <= w <= 1.25]) == 3
    assert sandbox.count(r"/candidates$") == 4


def test_endless_429_ends_as_rate_limited(sandbox: WorkableSandbox, arun: Any) -> None:
    sandbox.inject("429", count=50, path=r"/candidates$")

    async def go() -> None:
        client = await client_for(sandbox)
        try:
            await client.candidates_page(None, None)
        finally:
            await client.aclose()

    with pytest.raises(RateLimited):
        arun(go())


def test_rate_limit_headers_pause_the_next_request(sandbox: WorkableSandbox, job: str,
                                                   arun: Any) -> None:
    sandbox.rate_limit = (2, 10.0)  # Workable's window, made tiny
    waits: list[float] = []

    async def go() -> None:
        client = await client_for(sandbox)

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        client.http.sleep = sleep
        client.http.policy = RetryPolicy(attempts=5, base_delay=0.0, max_delay=30.0)
        try:
            await client.jobs_page(None, None)
            await client.jobs_page(None, None)  # X-Rate-Limit-Remaining: 0 after this one
            assert waits == []
            sandbox.rate_limit = None  # the window has passed by the time the wait is over
            await client.jobs_page(None, None)
        finally:
            await client.aclose()

    arun(go())
    # The third request first waited for X-Rate-Limit-Reset (a Unix time ~10 s away).
    assert len(waits) == 1 and 5.0 < waits[0] <= 30.0
    assert sandbox.count(r"/jobs$") == 3  # and was not refused


def test_token_expiry_changes_nothing_and_one_401_is_retried(sandbox: WorkableSandbox,
                                                             job: str, arun: Any) -> None:
    seed(sandbox, job, 2)

    async def go() -> tuple[int, int]:
        client = await client_for(sandbox)
        try:
            first = len((await client.candidates_page(None, None)).records)
            sandbox.expire_tokens()  # account tokens do not expire
            sandbox.inject("401", count=1, path=r"/candidates$")
            second = len((await client.candidates_page(None, None)).records)
            return first, second
        finally:
            await client.aclose()

    assert arun(go()) == (2, 2)
    assert sandbox.count(r"/candidates$") == 3


def test_revoked_token_is_auth_failed(sandbox: WorkableSandbox, job: str, arun: Any) -> None:
    async def go() -> None:
        client = await client_for(sandbox)
        try:
            await client.jobs_page(None, None)
            sandbox.revoke_token()
            await client.jobs_page(None, None)
        finally:
            await client.aclose()

    with pytest.raises(AuthFailed, match="paste it under From ATS → Workable"):
        arun(go())
    assert sandbox.count(r"/jobs$") == 3  # one refresh-and-retry, then stop


def test_malformed_page_is_a_broken_page(sandbox: WorkableSandbox, job: str,
                                         arun: Any) -> None:
    seed(sandbox, job, 2)
    sandbox.inject("malformed", path=r"/candidates$")

    async def go() -> AtsPage:
        client = await client_for(sandbox)
        try:
            return await client.candidates_page(None, None)
        finally:
            await client.aclose()

    page = arun(go())
    assert page.broken and not page.records and page.next_url is None
    (q,) = page.quarantined
    assert q.resource == "candidates" and "not a list of candidates" in q.reason
    assert "unexpected" in q.payload


def test_poison_record_is_quarantined_and_the_rest_kept(sandbox: WorkableSandbox, job: str,
                                                        arun: Any) -> None:
    seeded = seed(sandbox, job, 4)
    sandbox.inject("poison", path=r"/candidates$")
    sandbox.inject("poison", path=r"/jobs$")

    async def go() -> tuple[AtsPage, AtsPage]:
        client = await client_for(sandbox)
        try:
            return await client.candidates_page(None, None), await client.jobs_page(None, None)
        finally:
            await client.aclose()

    cands, jobs = arun(go())
    assert [r["id"] for r in cands.records] == seeded and not cands.broken
    assert len(cands.quarantined) == 1 and "without an id" in cands.quarantined[0].reason
    assert [r["id"] for r in jobs.records] == [job]
    assert len(jobs.quarantined) == 1 and "shortcode" in jobs.quarantined[0].reason


# -- writing ----------------------------------------------------------------------------------
def test_find_by_email_create_note_move_reject(sandbox: WorkableSandbox, job: str,
                                               arun: Any) -> None:
    seed(sandbox, job, 3)

    async def go() -> dict[str, Any]:
        client = await client_for(sandbox)
        try:
            out: dict[str, Any] = {"before": await client.find_by_email("NEW@example.com")}
            made = await client.create_candidate(
                NewCandidate("Nina", "New", "new@example.com", "+302100000777", job))
            out["made"] = made
            out["found"] = await client.find_by_email(" new@example.com ")
            cid = made["id"]
            out["note_id"] = await client.add_note(cid, cid, "Score 8/10 [milo:run-42]")
            out["note"] = await client.find_note(cid, cid, "[milo:run-42]")
            out["missing"] = await client.find_note(cid, cid, "[milo:run-43]")
            await client.move(cid, "interview", "applied")
            await client.reject(cid, "Not a fit")
            await client.reject(cid, "Not a fit")  # already disqualified: done, not an error
            out["app"] = await client.application(cid)
            return out
        finally:
            await client.aclose()

    out = arun(go())
    assert out["before"] == []
    made = out["made"]
    assert made["first_name"] == "Nina" and made["emails"] == ["new@example.com"]
    assert made["applications"][0]["job_id"] == job
    assert [c["id"] for c in out["found"]] == [made["id"]]
    assert out["note"] is not None and out["note"].id == out["note_id"]
    assert out["missing"] is None
    assert sandbox.notes_of(made["id"]) == ["Score 8/10 [milo:run-42]"]
    assert sandbox.stage_of(made["id"]) == "interview"
    assert sandbox.status_of(made["id"]) == "rejected"
    assert out["app"]["status"] == "rejected" and out["app"]["stage_id"] == "interview"
    disq = [r for r in sandbox.requests if r.path.endswith("/disqualify")]
    assert len(disq) == 2 and all(r.body["member_id"] == "13e0eb0e" for r in disq)
    comment = next(r for r in sandbox.requests if r.path.endswith("/comments"))
    assert comment.body["comment"]["policy"] == ["simple", "recruiter"]


def test_move_takes_a_stage_name_or_slug(sandbox: WorkableSandbox, job: str,
                                         arun: Any) -> None:
    cid = seed(sandbox, job, 1)[0]

    async def go() -> list[str]:
        client = await client_for(sandbox)
        try:
            await client.move(cid, "Phone Screen", None)  # the name a candidate shows
            return [s["id"] for s in await client.stages(job)]
        finally:
            await client.aclose()

    stages = arun(go())
    assert sandbox.stage_of(cid) == "phone_screen"
    assert {"applied", "phone_screen", "interview", "hired"} <= set(stages)
    move = next(r for r in sandbox.requests if r.path.endswith("/move"))
    assert move.body == {"member_id": "13e0eb0e", "target_stage": "phone_screen"}


def test_writes_without_a_member_say_which_to_choose(sandbox: WorkableSandbox, job: str,
                                                     arun: Any) -> None:
    cid = seed(sandbox, job, 1)[0]

    async def go() -> None:
        client = await client_for(sandbox, member_id="")
        try:
            await client.add_note(cid, cid, "hello")
        finally:
            await client.aclose()

    with pytest.raises(NotConfigured, match="Jane Recruiter \\(id 13e0eb0e\\)"):
        arun(go())
    assert sandbox.notes_of(cid) == []
    assert sandbox.count(r"/comments$") == 0


def test_single_member_account_writes_as_that_member(sandbox: WorkableSandbox, job: str,
                                                     arun: Any) -> None:
    cid = seed(sandbox, job, 1)[0]
    del sandbox.account.members[1:]

    async def go() -> None:
        client = await client_for(sandbox, member_id="")
        try:
            await client.add_note(cid, cid, "hello")
        finally:
            await client.aclose()

    arun(go())
    assert sandbox.notes_of(cid) == ["hello"]


def test_hiring_plan_move_to_hired_is_a_clear_refusal(sandbox: WorkableSandbox, job: str,
                                                      arun: Any) -> None:
    cid = seed(sandbox, job, 1)[0]
    sandbox.hiring_plan = True

    async def go() -> None:
        client = await client_for(sandbox)
        try:
            await client.move(cid, "hired", None)
        finally:
            await client.aclose()

    with pytest.raises(ProviderError, match="Hiring Plan") as err:
        arun(go())
    assert err.value.status == 422
    assert sandbox.stage_of(cid) == "applied"


def test_application_of_a_deleted_candidate_is_none(sandbox: WorkableSandbox, job: str,
                                                    arun: Any) -> None:
    cid = seed(sandbox, job, 2)[0]
    sandbox.delete_candidate(cid)

    async def go() -> tuple[Any, list[str]]:
        client = await client_for(sandbox)
        try:
            return await client.application(cid), ids(await walk(client, "candidates"))
        finally:
            await client.aclose()

    app, listed = arun(go())
    assert app is None and cid not in listed and len(listed) == 1


def test_a_cut_answer_and_server_errors_are_retried(sandbox: WorkableSandbox, job: str,
                                                    arun: Any) -> None:
    seeded = seed(sandbox, job, 3)
    sandbox.inject("cut", path=r"/candidates$")
    sandbox.inject("500", count=2, path=r"/candidates$")

    async def go() -> AtsPage:
        client = await client_for(sandbox)
        try:
            return await client.candidates_page(None, None)
        finally:
            await client.aclose()

    page = arun(go())
    assert [r["id"] for r in page.records] == seeded and not page.broken
    assert sandbox.count(r"/candidates$") == 4


def test_jobs_page_by_next_url_and_map_every_state(sandbox: WorkableSandbox, job: str,
                                                   arun: Any) -> None:
    sandbox.max_page_size = 2
    more = [sandbox.add_job(f"Job {i}", ["Applied"]) for i in range(4)]
    for code, state in zip(more, ("draft", "closed", "archived", "published"), strict=True):
        sandbox.account.jobs[code].state = state

    async def go() -> list[AtsPage]:
        client = await client_for(sandbox)
        try:
            return await walk(client, "jobs", since=sandbox.now)  # since is not a filter here
        finally:
            await client.aclose()

    pages = arun(go())
    assert [len(p.records) for p in pages] == [2, 2, 1]
    assert ids(pages) == [job, *more]
    assert [r["status"] for p in pages for r in p.records] == [
        "open", "draft", "closed", "archived", "open"]
    assert all("updated_after" not in r.query for r in sandbox.requests)
