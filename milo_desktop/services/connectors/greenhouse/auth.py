"""Greenhouse Harvest v3 sign-in: OAuth 2.0 client credentials, one token at a time.

``POST {auth_base}/token`` with HTTP Basic ``client_id:client_secret`` and the form
``grant_type=client_credentials&sub={user_id}`` (harvestdocs.greenhouse.io/docs/authentication)
answers a bearer token that lasts an hour. The answer's field names are not spelled out in the
guide; public v3 clients (conductorone/baton-greenhouse, Airbyte's source-greenhouse tests)
read ``access_token`` and ``expires_at`` (an ISO time, "+00:00" or "+0000"); generic OAuth
says ``expires_in`` (seconds). Both are read, a number in ``expires_at`` is taken as Unix
seconds, and with neither we assume the documented hour. The token is renewed ``MARGIN`` seconds before it runs out, and at once when
the API answers 401 (``AtsHttp`` calls ``refresh``). Concurrent requests share one renewal.

Where the token endpoint lives: the real one is on another host (auth.greenhouse.io) than the
API (harvest.greenhouse.io), so ``token_url`` decides it once: the ``auth_base`` field (env
``MILO_GREENHOUSE_AUTH_BASE``) when given; else, when the API base is on this machine (a
sandbox on 127.0.0.1 / localhost), that same origin, which serves ``/token`` too; else
``https://auth.greenhouse.io``. The secret and the token are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from milo_desktop.services.connectors.errors import AuthFailed, ProviderError

if TYPE_CHECKING:
    from milo_desktop.services.connectors.ats.http import AtsHttp

DEFAULT_AUTH_BASE = "https://auth.greenhouse.io"
MARGIN = 60.0  # seconds before the stated expiry when a token is renewed
DEFAULT_LIFETIME = 3600.0  # "access tokens last 1 hour"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

WRONG_SECRET = ("Greenhouse refused the client ID or secret. Check them under From ATS → "
                "Greenhouse (Dev Center → API Credentials, Harvest V3 OAuth); Greenhouse sync is "
                "paused until then.")
WRONG_USER = ("Greenhouse refused the user ID. Enter the numeric ID of a Greenhouse user with "
              "the permissions Milo Desktop needs (it is in the address of the user's page); "
              "Greenhouse sync is paused until then.")


def token_url(api_base: str, auth_base: str = "") -> str:
    """Where tokens come from (see the module docstring for the rule)."""
    if auth_base.strip():
        return auth_base.strip().rstrip("/") + "/token"
    parts = urlsplit(api_base)
    if (parts.hostname or "") in LOOPBACK:
        return f"{parts.scheme}://{parts.netloc}/token"
    return DEFAULT_AUTH_BASE + "/token"


def expiry_of(answer: Mapping[str, Any], now: float) -> float:
    """The Unix time a token answer says it expires (``expires_at`` or ``expires_in``)."""
    at = answer.get("expires_at")
    if isinstance(at, str):
        try:
            when = dt.datetime.fromisoformat(at.strip().replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None:
            return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
    elif isinstance(at, int | float) and not isinstance(at, bool) and at == at:
        return float(at) / (1000 if at > 100_000_000_000 else 1)
    seconds = answer.get("expires_in")
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds == seconds:
        return now + float(seconds)
    if isinstance(seconds, str) and seconds.strip().isdigit():
        return now + float(seconds)
    return now + DEFAULT_LIFETIME


class ClientCredentials:
    """``Auth`` for ``AtsHttp``: a bearer token from the client-credentials grant."""

    def __init__(self, url: str, client_id: str, client_secret: str, user_id: str, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.user_id = user_id
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.http: AtsHttp | None = None  # set by the client: tokens go through its policy
        self.issued = 0  # how many tokens were fetched (tests)

    def __repr__(self) -> str:
        return f"ClientCredentials({self.url!r})"

    async def headers(self) -> Mapping[str, str]:
        if self._token is None or self._clock() >= self._expires - MARGIN:
            seen = self._token
            async with self._lock:
                if self._token is seen:  # nobody renewed it while we waited
                    await self._fetch()
        return {"Authorization": f"Bearer {self._token}"}

    async def refresh(self) -> None:
        seen = self._token
        async with self._lock:
            if self._token is seen:
                await self._fetch()

    async def _fetch(self) -> None:
        if self.http is None:
            raise RuntimeError("ClientCredentials.http is not set")
        resp = await self.http.request(
            "POST", self.url, signed=False, ok=(400, 401, 403),
            data={"grant_type": "client_credentials", "sub": self.user_id},
            headers={"Authorization": f"Basic {self._basic}", "Accept": "application/json"})
        answer: Any = None
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        error = answer.get("error") if isinstance(answer, Mapping) else None
        if resp.status_code in (401, 403) or error == "invalid_client":
            raise AuthFailed("greenhouse", WRONG_SECRET,
                             detail=f"POST /token: HTTP {resp.status_code}")
        if resp.status_code == 400:
            raise AuthFailed("greenhouse", WRONG_USER,
                             detail=f"POST /token: HTTP 400 {str(error or '')[:40]}")
        token = answer.get("access_token") if isinstance(answer, Mapping) else None
        if not isinstance(token, str) or not token:
            raise ProviderError("greenhouse", "Greenhouse answered the sign-in without a "
                                "token. Milo Desktop will try again shortly.",
                                status=resp.status_code, request="POST /token")
        self._token = token
        self._expires = expiry_of(answer, self._clock())
        self.issued += 1


__all__ = ["DEFAULT_AUTH_BASE", "MARGIN", "ClientCredentials", "expiry_of", "token_url"]
