"""AtsHttp, the one HTTP client every ATS connector uses, against a sandbox over a socket:
rate-limit headers read and waited out, Retry-After in both forms, 401 → one refresh, page
links kept on the provider's host, an unreachable ATS is Offline."""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any

import pytest

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp, AtsSandbox
from milo_desktop.services.connectors.ats.http import AtsHttp, RetryPolicy, retry_after
from milo_desktop.services.connectors.errors import (
    AuthFailed,
    NotFoundAtProvider,
    Offline,
    ProviderError,
    RateLimited,
)

FAST = RetryPolicy(attempts=3, base_delay=0.0, max_delay=30.0, network_attempts=2)


class Echo(AtsSandbox):
    service = "echo"

    def __init__(self) -> None:
        super().__init__()
        self.tokens = {"good"}

    def handle(self, req: AtsReq) -> AtsResp:
        if req.headers.get("authorization") not in {f"Bearer {t}" for t in self.tokens}:
            return AtsResp(401, {"message": "Unauthorized"})
        if req.path == "/missing":
            return AtsResp(404, {"message": "Not found"})
        if req.path == "/refuse":
            return AtsResp(422, {"message": "Validation error"})
        return AtsResp(200, {"ok": True, "path": req.path})


class Auth:
    def __init__(self, token: str, fresh: str | None = None) -> None:
        self.token, self.fresh, self.refreshed = token, fresh, 0

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def refresh(self) -> None:
        self.refreshed += 1
        if self.fresh is None:
            raise AuthFailed("echo", "refused")
        self.token = self.fresh


@pytest.fixture
def box() -> Any:
    b = Echo()
    with b.running():
        yield b


def client(box: Echo, auth: Auth, waits: list[float]) -> AtsHttp:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return AtsHttp("echo", "Echo", box.base_url, auth, policy=FAST, sleep=sleep)


def test_a_spent_rate_limit_window_is_waited_out_before_the_next_request(
        box: Echo, arun: Any) -> None:
    box.rate_limit = (2, 60.0)  # two requests a minute; the headers say so
    waits: list[float] = []
    http = client(box, Auth("good"), waits)
    for _ in range(2):
        arun(http.request("GET", "/a"))
    assert waits == []
    # The window is spent: the client waits for its reset before asking again (this test's
    # sleep passes no time, so the sandbox still refuses and the client ends up busy).
    with pytest.raises(RateLimited):
        arun(http.request("GET", "/a"))
    assert 0 < waits[0] <= 61
    assert box.count("/a") == 2 + FAST.attempts
    arun(http.aclose())


def test_429_storms_honour_retry_after_then_give_up_as_rate_limited(box: Echo,
                                                                   arun: Any) -> None:
    waits: list[float] = []
    http = client(box, Auth("good"), waits)
    box.inject("429", count=2, retry_after=7)
    resp = arun(http.request("GET", "/a"))
    assert resp.status_code == 200 and len(waits) == 2
    assert all(7 <= w <= 7 * 1.25 for w in waits)  # Retry-After, plus jitter
    box.inject("429", count=5, retry_after=3)
    with pytest.raises(RateLimited) as caught:
        arun(http.request("GET", "/a"))
    assert caught.value.retry_after == 3 and "busy" in caught.value.message
    arun(http.aclose())


def test_retry_after_as_an_http_date_and_reset_headers() -> None:
    now = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=90), usegmt=True)
    assert retry_after({"Retry-After": later}, now.timestamp()) == pytest.approx(90)
    assert retry_after({"x-ratelimit-reset": str(int(now.timestamp()) + 12)},
                       now.timestamp()) == pytest.approx(12)
    assert retry_after({"X-Rate-Limit-Reset": "5"}, now.timestamp()) == 5
    assert retry_after({}, now.timestamp()) is None


def test_401_refreshes_once_then_is_refused_with_words(box: Echo, arun: Any) -> None:
    waits: list[float] = []
    auth = Auth("stale", fresh="good")
    http = client(box, auth, waits)
    assert arun(http.request("GET", "/a")).status_code == 200 and auth.refreshed == 1
    box.tokens.clear()  # revoked: the refresh works but the ATS still refuses
    auth.fresh = "good"
    with pytest.raises(AuthFailed) as caught:
        arun(http.request("GET", "/a"))
    assert auth.refreshed == 2 and "Echo refused the credentials" in caught.value.message
    arun(http.aclose())


def test_404_and_other_4xx_are_classified(box: Echo, arun: Any) -> None:
    http = client(box, Auth("good"), [])
    with pytest.raises(NotFoundAtProvider):
        arun(http.request("GET", "/missing"))
    with pytest.raises(ProviderError) as caught:
        arun(http.request("GET", "/refuse?email=ana@example.com"))
    assert caught.value.status == 422 and caught.value.request == "GET /refuse"  # no query
    arun(http.aclose())


def test_a_link_to_another_host_is_never_followed_with_our_credentials(box: Echo,
                                                                        arun: Any) -> None:
    http = client(box, Auth("good"), [])
    with pytest.raises(ProviderError, match="another host"):
        arun(http.request("GET", "https://evil.example/v3/candidates?cursor=x"))
    assert box.count() == 0
    arun(http.aclose())


def test_an_unreachable_ats_is_offline(arun: Any) -> None:
    box = Echo()
    box.start_in_thread()
    base = box.base_url
    box.stop_thread()  # nothing listens there any more
    http = AtsHttp("echo", "Echo", base, Auth("good"), policy=FAST, sleep=_no_wait)
    with pytest.raises(Offline, match="cannot be reached"):
        arun(http.request("GET", "/a"))
    arun(http.aclose())


async def _no_wait(_seconds: float) -> None:
    return None
