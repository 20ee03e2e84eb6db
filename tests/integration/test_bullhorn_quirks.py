"""Bullhorn's quirks against the sandbox: terms of service never accepted, a moved data centre
(307), per-tenant statuses, the search index lagging behind creates, hosts loginInfo must not
send us to, page tokens that are not ours, unreadable submissions, a batch that can no longer
be re-read, hidden records (403) and an unconfirmed event subscription."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp
from milo_desktop.sandbox.bullhorn import BullhornSandbox
from milo_desktop.services.connectors import AuthFailed, ProviderError, ServiceUnavailable
from milo_desktop.services.connectors.ats.client import NewCandidate
from milo_desktop.services.connectors.bullhorn.auth import TERMS
from tests.integration.test_bullhorn_client import SEARCH, SINCE, client, seed, walk


@pytest.fixture
def sandbox() -> Iterator[BullhornSandbox]:
    sb = BullhornSandbox()
    with sb.running():
        yield sb


def test_a_status_the_tenant_does_not_have_is_refused(sandbox: BullhornSandbox,
                                                      arun: Any) -> None:
    _, ids = seed(sandbox, 1)

    async def go() -> None:
        c = await client(sandbox)
        with pytest.raises(ProviderError) as err:
            await c.move(sandbox.applications_of(ids[0])[0], "Made Up", None)
        assert err.value.status == 400
        await c.aclose()

    arun(go())


def test_a_moved_data_centre_is_followed(sandbox: BullhornSandbox, arun: Any) -> None:
    seed(sandbox, 1)
    sandbox.moved_data_centre = True

    async def go() -> None:
        c = await client(sandbox)
        assert "1 open job" in await c.test_connection()
        await c.aclose()

    arun(go())
    assert [r.path for r in sandbox.requests][1:7] == [
        "/oauth/authorize", "/dc2/oauth/authorize", "/oauth/token", "/dc2/oauth/token",
        "/rest-services/login", "/dc2/rest-services/login"]


def test_the_search_index_lags_behind_creates(sandbox: BullhornSandbox, arun: Any) -> None:
    """Bullhorn's search index trails its database: a person just created is not found by
    email for a moment (the outbox reconciles by its own records, not by search alone)."""
    job, _ = seed(sandbox, 1)
    sandbox.index_lag = 1

    async def go() -> None:
        c = await client(sandbox)
        made = await c.create_candidate(NewCandidate("Lag", "Person", "lag@example.com", None,
                                                     job))
        assert await c.find_by_email("lag@example.com") == []
        assert [r["id"] for r in await c.find_by_email("lag@example.com")] == [made["id"]]
        await c.aclose()

    arun(go())


class _Elsewhere(BullhornSandbox):
    def handle(self, req: AtsReq) -> AtsResp:
        if req.path == "/rest-services/loginInfo":
            return AtsResp(200, {"oauthUrl": "https://evil.example.net/oauth",
                                 "restUrl": f"{req.origin}/rest-services"})
        return super().handle(req)


def test_credentials_never_go_to_a_host_login_info_names_elsewhere(arun: Any) -> None:
    sb = _Elsewhere()
    with sb.running():
        async def go() -> None:
            c = await client(sb)
            with pytest.raises(ServiceUnavailable):
                await c.test_connection()
            await c.aclose()

        arun(go())
        assert [r.path for r in sb.requests] == ["/rest-services/loginInfo"]


def test_a_token_that_is_not_ours_is_refused_as_a_4xx(sandbox: BullhornSandbox,
                                                      arun: Any) -> None:
    async def go() -> None:
        c = await client(sandbox)
        for token in ("search:x:1", "events:abc", "https://elsewhere/"):
            with pytest.raises(ProviderError) as err:
                await c.candidates_page(SINCE, token)
            assert err.value.status == 400
        await c.aclose()

    arun(go())


def test_unreadable_submissions_break_the_page(sandbox: BullhornSandbox, arun: Any) -> None:
    """People without their applications would look as if they had none: the page is kept
    in quarantine whole instead."""
    seed(sandbox, 2)

    async def go() -> None:
        c = await client(sandbox)
        sandbox.inject("malformed", path=r"/query/JobSubmission$")
        page = await c.candidates_page(None, None)
        assert page.broken and not page.records and page.next_url is None
        await c.aclose()

    arun(go())


def test_a_batch_bullhorn_can_no_longer_reread_does_not_stick(sandbox: BullhornSandbox,
                                                              arun: Any) -> None:
    _, ids = seed(sandbox, 2)

    async def go() -> None:
        c = await client(sandbox)
        await walk(c, None)
        sandbox.update_candidate(ids[0], first="One")
        await walk(c, SINCE)
        sandbox.lose_last_batch()
        sandbox.update_candidate(ids[1], first="Two")
        records, pages = await walk(c, SINCE)  # the round's re-read fails: the queue goes on
        assert [r["first_name"] for r in records] == ["Two"] and pages[0].records == []
        await c.aclose()

    arun(go())


def test_a_record_hidden_from_the_api_user_is_not_an_auth_failure(sandbox: BullhornSandbox,
                                                                  arun: Any) -> None:
    _, ids = seed(sandbox, 1)
    app = sandbox.applications_of(ids[0])[0]

    async def go() -> None:
        c = await client(sandbox)
        assert await c.application(app) is not None
        sandbox.hidden.add(int(app))
        assert await c.application(app) is None  # 403 "hidden": not ours to see
        await c.aclose()

    arun(go())


def test_an_unconfirmed_subscription_breaks_the_first_page(sandbox: BullhornSandbox,
                                                           arun: Any) -> None:
    """Reading on without a subscription would lose the changes made during the load."""
    seed(sandbox, 2)

    async def go() -> None:
        c = await client(sandbox)
        sandbox.inject("malformed", path=r"/event/subscription/", method="PUT")
        page = await c.candidates_page(None, None)
        assert page.broken and not page.records
        assert sandbox.count(SEARCH) == 0
        await c.aclose()

    arun(go())


def test_terms_never_accepted_are_explained(sandbox: BullhornSandbox, arun: Any) -> None:
    sandbox.terms_pending = True

    async def go() -> None:
        c = await client(sandbox)
        with pytest.raises(AuthFailed) as err:
            await c.test_connection()
        assert str(err.value) == TERMS
        await c.aclose()

    arun(go())
