"""The twilio package's HTTP transport, over httpx instead of aiohttp/requests.

``HttpxTwilioClient`` is a ``twilio.http.AsyncHttpClient``: the twilio ``Client``'s ``*_async``
methods call ``ClientBase.request_async``, which awaits ``http_client.request(...)``. It also
rewrites scheme + host of the two API domains to the configured bases (the sandbox, tests),
which covers Studio's absolute ``next_page_url`` and recording media URLs too.
"""

from __future__ import annotations

import functools
import logging
import ssl
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

REAL_API_BASE = "https://api.twilio.com"
REAL_STUDIO_BASE = "https://studio.twilio.com"
DEFAULT_TIMEOUT = 30.0

# The last response seen by the current task: the twilio library drops headers from
# TwilioRestException, and Retry-After lives there.
last_response: ContextVar[Response | None] = ContextVar("twilio_last_response", default=None)
# The last request of the current task as "GET /2010-04-01/…/Calls.json": the path only, never
# the query string (it holds phone numbers), for the sync issue a refused request records.
last_request: ContextVar[str | None] = ContextVar("twilio_last_request", default=None)


def request_line(method: str, url: str) -> str:
    """"GET /2010-04-01/Accounts/AC…/Calls.json": method and path, without the query."""
    return f"{method.upper()} {urlsplit(url).path}"


@dataclass(frozen=True)
class ApiBases:
    """Where the 2010 REST API and Studio live (real Twilio unless configured)."""

    api: str = REAL_API_BASE
    studio: str = REAL_STUDIO_BASE

    def rewrite(self, url: str) -> str:
        """``url`` with a real Twilio host swapped for its configured base."""
        parts = urlsplit(url)
        for real, base in ((REAL_API_BASE, self.api), (REAL_STUDIO_BASE, self.studio)):
            real_host = urlsplit(real).netloc
            if parts.netloc == real_host and base.rstrip("/") != real:
                target = urlsplit(base)
                path = target.path.rstrip("/") + parts.path
                return urlunsplit((target.scheme, target.netloc, path, parts.query, ""))
        return url


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every connector: building one loads the CA bundle (60–200 ms),
    which must not happen per request or on the GUI thread (warm it in a worker first)."""
    return ssl.create_default_context()


class HttpxTwilioClient(AsyncHttpClient):
    """An async twilio HttpClient on one shared ``httpx.AsyncClient``. Close with ``aclose``."""

    def __init__(self, bases: ApiBases | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        # The library's own request logging (URLs with phone numbers, headers) would go to
        # this logger: one under "twilio", which setup_logging keeps below INFO.
        super().__init__(logging.getLogger("twilio.http_client"), True, timeout)
        self.bases = bases or ApiBases()
        self.session = httpx.AsyncClient(timeout=timeout, verify=shared_ssl_context())

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send one request; transport errors (httpx.TransportError) propagate."""
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        target = self.bases.rewrite(url)
        last_request.set(request_line(method, url))
        kwargs: dict[str, Any] = {
            "params": _pairs(params),
            "headers": headers,
            "auth": auth,
            "follow_redirects": allow_redirects,
        }
        if data:
            kwargs["data"] = data
        if timeout is not None:
            kwargs["timeout"] = timeout
        # Not logging the request: URLs carry phone numbers, and headers the credentials.
        resp = await self.session.request(method.upper(), target, **kwargs)
        result = Response(resp.status_code, resp.text, resp.headers)
        last_response.set(result)
        return result

    async def download(self, url: str, auth: tuple[str, str]) -> tuple[Response, bytes]:
        """GET binary content (recording media): Basic auth, redirects followed. Returns the
        response (text only when it is an error body) and the bytes."""
        last_request.set(request_line("GET", url))
        resp = await self.session.get(self.bases.rewrite(url), auth=auth, follow_redirects=True)
        text = resp.text if resp.status_code >= 400 else ""
        result = Response(resp.status_code, text, resp.headers)
        last_response.set(result)
        return result, resp.content

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.session.aclose()


def _pairs(params: dict[str, object] | None) -> list[tuple[str, str]] | None:
    """Query parameters as pairs, dropping the library's unset / None values."""
    if not params:
        return None
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        out.extend((key, str(v)) for v in values)
    return out
