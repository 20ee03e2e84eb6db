"""How the Lever connector signs its requests: an API key, or OAuth with rotating refresh
tokens.

* API key: HTTP Basic with the key as the username and a blank password (customers create
  keys under Settings → Integrations and API);
* OAuth (partner apps): an access token lasts 1 hour and is refreshed with the refresh
  token, which Lever ROTATES on every use: the old one stops working the moment the new pair
  is issued. The new refresh token is therefore handed to ``persist`` (the keychain) BEFORE
  the new access token is used; if the app dies in between, the keychain already holds the
  token that works. Refreshes are serialised so two requests never spend the same refresh
  token.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from milo_desktop.services.connectors.ats.client import Persist
from milo_desktop.services.connectors.ats.http import AtsHttp
from milo_desktop.services.connectors.errors import AuthFailed, NotConfigured

SERVICE = "lever"
TITLE = "Lever"
REAL_TOKEN_URL = "https://auth.lever.co/oauth/token"
SANDBOX_TOKEN_URL = "https://sandbox-lever.auth0.com/oauth/token"
EARLY = 60.0  # refresh this many seconds before the access token runs out


def token_url(base_url: str) -> str:
    """Lever's token endpoint for a base URL: auth.lever.co for Lever's API hosts, Lever's
    sandbox auth server for api.sandbox.lever.co, else ``/oauth/token`` on the base's own
    host (our sandbox server, or a proxy in front of Lever)."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if host == "lever.co" or host.endswith(".lever.co"):
        # EU accounts (api.eu.lever.co) sign in at auth.lever.co too: Lever routes them.
        return SANDBOX_TOKEN_URL if ".sandbox." in f".{host}" else REAL_TOKEN_URL
    return f"{parts.scheme}://{parts.netloc}/oauth/token"


def basic_header(api_key: str) -> dict[str, str]:
    raw = base64.b64encode(f"{api_key}:".encode()).decode("ascii")
    return {"Authorization": f"Basic {raw}"}


class MissingAuth:
    """Neither an API key nor a complete OAuth set: every request says so in the user's
    words (the client itself is still made, so the Connect dialog can show the problem)."""

    def __init__(self, message: str) -> None:
        self.message = message

    async def headers(self) -> Mapping[str, str]:
        raise NotConfigured(SERVICE, self.message)

    async def refresh(self) -> None:
        raise NotConfigured(SERVICE, self.message)


REFUSED = ("Lever refused the OAuth sign-in (the client ID, the secret or the refresh token). "
           "Connect Lever again under From ATS → Lever; Lever sync is paused until then.")


class OAuthAuth:
    """Bearer tokens from a rotating refresh token (see the module docstring)."""

    def __init__(self, client_id: str, client_secret: str, refresh_token: str,
                 persist: Persist, url: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._refresh_token = refresh_token
        self._persist = persist
        self.url = url
        self._clock = clock
        self._access: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self._generation = 0  # bumped on every new access token
        self.http: AtsHttp | None = None  # set by the client (the token request goes through it)

    def __repr__(self) -> str:  # never the secrets
        return f"OAuthAuth(client_id={self.client_id!r}, url={self.url!r})"

    async def headers(self) -> Mapping[str, str]:
        if self._access is None or self._clock() >= self._expires - EARLY:
            await self._renew(self._generation)
        return {"Authorization": f"Bearer {self._access}"}

    async def refresh(self) -> None:
        """After a 401: a new access token (unless another request already got one)."""
        await self._renew(self._generation)

    async def _renew(self, seen: int) -> None:
        async with self._lock:
            if self._generation != seen and self._access is not None:
                return  # renewed while we waited for the lock
            if self.http is None:
                raise RuntimeError("OAuthAuth.http is not set")
            resp = await self.http.request(
                "POST", self.url, signed=False, ok=(400, 401, 403),
                data={"grant_type": "refresh_token", "client_id": self.client_id,
                      "client_secret": self._secret, "refresh_token": self._refresh_token})
            body: Any
            try:
                body = resp.json()
            except ValueError:
                body = None
            if resp.status_code >= 400 or not isinstance(body, dict):
                raise AuthFailed(SERVICE, REFUSED, detail=f"POST /oauth/token: HTTP "
                                 f"{resp.status_code}")
            access, rotated = body.get("access_token"), body.get("refresh_token")
            expires = body.get("expires_in")
            if not isinstance(access, str) or not access:
                raise AuthFailed(SERVICE, REFUSED, detail="token answer without access_token")
            if isinstance(rotated, str) and rotated and rotated != self._refresh_token:
                # Lever has already spent the old refresh token: keep the new one first.
                await self._persist("refresh_token", rotated)
                self._refresh_token = rotated
            life = (float(expires) if isinstance(expires, (int, float))
                    and not isinstance(expires, bool) and 0 < expires < 10_000_000 else 3600.0)
            self._access = access
            self._expires = self._clock() + life
            self._generation += 1


__all__ = ["REAL_TOKEN_URL", "MissingAuth", "OAuthAuth", "basic_header", "token_url"]
