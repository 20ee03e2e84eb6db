"""``AtsHttp``: an ATS connector's httpx client, with every answer classified.

* 401 → the auth's ``refresh()`` once (a new OAuth token, a new Bullhorn session), then the
  request again; a second 401, or a 403, → ``AuthFailed`` with the connector's words;
* 404 / 410 → ``NotFoundAtProvider``;
* 408, 429 and 5xx → retried with exponential backoff plus jitter, honouring ``Retry-After``
  (seconds or an HTTP date) or else the vendor's rate-limit reset header (a Unix time or
  seconds), a bounded number of times; then ``RateLimited`` / ``ProviderError``;
* any other 4xx → ``ProviderError`` at once, with the request (method and path, never the
  query: it holds emails) and an excerpt of the answer;
* transport errors → retried briefly, then ``Offline``.

Rate limits are read, not hard-coded: when an answer says no request is left in the window
(``X-RateLimit-Remaining: 0`` and its spellings), the next request waits for the reset.
Absolute URLs (next-page links) must stay on the base URL's host: our credentials never go
anywhere else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from milo_desktop.services.connectors.errors import (
    AuthFailed,
    NotFoundAtProvider,
    Offline,
    ProviderError,
    RateLimited,
)
from milo_desktop.services.connectors.twilio.http import shared_ssl_context

log = logging.getLogger(__name__)

REMAINING_HEADERS = ("X-RateLimit-Remaining", "X-Rate-Limit-Remaining")
RESET_HEADERS = ("X-RateLimit-Reset", "X-Rate-Limit-Reset")
DEFAULT_TIMEOUT = 30.0


class Auth(Protocol):
    """How a connector signs its requests."""

    async def headers(self) -> Mapping[str, str]:
        """The headers that sign a request (a fresh token is fetched here when needed)."""
        ...

    async def refresh(self) -> None:
        """Called after a 401: get new credentials (raise AuthFailed when that is refused)."""
        ...


class StaticAuth:
    """Headers that never change (an API key): a 401 is final."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    async def headers(self) -> Mapping[str, str]:
        return self._headers

    async def refresh(self) -> None:
        return None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    network_attempts: int = 2

    def delay(self, attempt: int, hinted: float | None) -> float:
        if hinted is not None:
            wait = min(hinted, self.max_delay)
        else:
            wait = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return wait + random.uniform(0, max(wait, self.base_delay) * 0.25)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "an error"


def retry_after(headers: Mapping[str, str], now: float | None = None, *,
                reset_only: bool = False) -> float | None:
    """Seconds to wait from Retry-After (delta-seconds or HTTP date), else from a rate-limit
    reset header (a Unix time, or seconds when it is small); None when there is neither.
    Header names are matched whatever their case."""
    headers = httpx.Headers(headers)
    current = time.time() if now is None else now
    raw = None if reset_only else headers.get("Retry-After")
    if raw:
        text = raw.strip()
        try:
            seconds = float(text)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=dt.UTC)
                return max(0.0, when.timestamp() - current)
        else:
            if seconds == seconds and seconds != float("inf"):
                return max(0.0, seconds)
    for name in RESET_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            value = float(raw.strip())
        except ValueError:
            try:  # Workable's reset may be an ISO time
                value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
        if value != value or value == float("inf"):
            continue
        if value > 1_000_000_000:  # a Unix time (seconds, or milliseconds)
            if value > 100_000_000_000:
                value /= 1000
            return max(0.0, value - current)
        return max(0.0, value)
    return None


def request_line(method: str, url: str) -> str:
    """"GET /v3/candidates": method and path, never the query."""
    return f"{method.upper()} {urlsplit(url).path}"


class AtsHttp:
    """One connector's HTTP client; ``request`` answers an ``httpx.Response`` with a 2xx
    status or raises a connector error."""

    def __init__(self, service: str, title: str, base_url: str, auth: Auth, *,
                 policy: RetryPolicy | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 client: httpx.AsyncClient | None = None,
                 extra_hosts: tuple[str, ...] = (),
                 auth_message: str = "", timeout: float = DEFAULT_TIMEOUT) -> None:
        self.service = service
        self.title = title
        self.base_url = base_url.rstrip("/") + "/"
        self.auth = auth
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        # One shared TLS context: building one loads the CA bundle (60-200 ms), which must not
        # happen per round on the GUI thread (the Twilio plugin warms it in a worker).
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                                   verify=shared_ssl_context())
        self.hosts = {urlsplit(self.base_url).netloc, *extra_hosts}
        self.auth_message = auth_message or (
            f"{title} refused the credentials. Check them under From ATS → {title}; "
            f"{title} sync is paused until then.")
        self._paused_until = 0.0  # the rate-limit window is spent until then (monotonic)
        self.requests = 0  # how many requests went out (tests, benchmarks)

    def url(self, path_or_url: str) -> str:
        """An absolute URL on the base; an absolute one must stay on the provider's hosts."""
        if path_or_url.startswith(("http://", "https://")):
            if urlsplit(path_or_url).netloc not in self.hosts:
                raise ProviderError(
                    self.service, f"{self.title} pointed to another host; the link was not "
                    "followed (our credentials stay with the provider).", status=0,
                    request=request_line("GET", path_or_url))
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def add_host(self, url: str) -> None:
        """Trust another host of the same provider (Bullhorn's restUrl after login)."""
        self.hosts.add(urlsplit(url).netloc)

    async def request(self, method: str, path_or_url: str, *,
                      params: Mapping[str, Any] | None = None, json: Any = None,
                      data: Mapping[str, str] | None = None,
                      headers: Mapping[str, str] | None = None,
                      signed: bool = True, retry_server_errors: bool = True,
                      ok: tuple[int, ...] = ()) -> httpx.Response:
        """Send one request under the policy (see the module docstring). ``ok``: statuses
        that are answers, not errors (Greenhouse's 422 on an already rejected application)."""
        url = self.url(path_or_url)
        line = request_line(method, url)
        attempt = network_failures = 0
        refreshed = False
        while True:
            attempt += 1
            wait = self._paused_until - time.monotonic()
            if wait > 0:
                await self.sleep(min(wait, self.policy.max_delay))
            sent_headers = dict(headers or {})
            if signed:
                sent_headers.update(await self.auth.headers())
            try:
                self.requests += 1
                resp = await self._client.request(method, url, params=params, json=json,
                                                  data=data, headers=sent_headers)
            except httpx.TransportError as exc:
                network_failures += 1
                if (network_failures >= self.policy.network_attempts
                        or attempt >= self.policy.attempts):
                    raise Offline(self.service, f"{self.title} cannot be reached. It will "
                                  "sync when the connection is back.",
                                  detail=f"{line}: {type(exc).__name__}") from exc
                await self.sleep(self.policy.delay(attempt, None))
                continue
            self._note_limits(resp.headers)
            status = resp.status_code
            if status < 300 or status in ok:
                return resp
            if status == 401 and signed and not refreshed:
                refreshed = True
                await self.auth.refresh()
                attempt -= 1  # the refresh is not a retry
                continue
            if status in (401, 403):
                raise AuthFailed(self.service, self.auth_message, detail=f"{line}: HTTP {status}")
            if status in (404, 410):
                raise NotFoundAtProvider(self.service, f"{self.title} has no such record "
                                         f"({line}).", detail=f"HTTP {status}")
            limited = status in (408, 429)
            server = status >= 500
            if not (limited or (server and retry_server_errors)):
                raise ProviderError(
                    self.service, f"{self.title} refused a request ({line}): HTTP {status}, "
                    f"{_reason(status)}. The details are under Sync issues.",
                    status=status, request=line, answer=resp.text)
            hinted = retry_after(resp.headers)
            if attempt >= self.policy.attempts:
                if limited:
                    raise RateLimited(
                        self.service, f"{self.title} is busy (too many requests). Milo "
                        "Desktop will try again shortly.",
                        detail=f"{line}: HTTP {status} after {attempt} tries",
                        retry_after=hinted)
                raise ProviderError(
                    self.service, f"{self.title} answered HTTP {status} ({_reason(status)}). "
                    "Milo Desktop will try again shortly.", status=status, request=line,
                    answer=resp.text, detail=f"{line}: HTTP {status} after {attempt} tries")
            delay = self.policy.delay(attempt, hinted)
            self._paused_until = 0.0  # this wait honours the answer; no second wait on top
            log.info("%s %s: HTTP %s, retry %d in %.1f s", self.service, line, status,
                     attempt, delay)
            await self.sleep(delay)

    def _note_limits(self, headers: Mapping[str, str]) -> None:
        for name in REMAINING_HEADERS:
            raw = headers.get(name)
            if raw is None:
                continue
            try:
                remaining = int(raw.strip())
            except ValueError:
                return
            if remaining <= 0:
                wait = retry_after(headers, reset_only=True)
                self._paused_until = time.monotonic() + min(wait if wait is not None else 1.0,
                                                            self.policy.max_delay)
            return

    async def json(self, method: str, path_or_url: str, **kw: Any) -> tuple[Any, httpx.Response]:
        """``request`` and its JSON body (None for an empty body). A body that is not JSON
        raises ``ProviderError`` (status 0: "answered in a way we do not understand")."""
        resp = await self.request(method, path_or_url, **kw)
        if not resp.content:
            return None, resp
        try:
            return resp.json(), resp
        except ValueError as exc:
            raise ProviderError(
                self.service, f"{self.title} answered {request_line(method, str(resp.url))} "
                "with something that is not JSON.", status=resp.status_code,
                request=request_line(method, str(resp.url)), answer=resp.text) from exc

    async def aclose(self) -> None:
        await self._client.aclose()


__all__ = ["AtsHttp", "Auth", "RetryPolicy", "StaticAuth", "request_line", "retry_after"]
