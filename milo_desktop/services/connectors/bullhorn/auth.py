"""Signing in to Bullhorn: loginInfo → OAuth authorize → token → REST login.

Bullhorn API users sign in with four things (client id and secret of the OAuth key, the API
user's name and password):

1. ``GET {base}/rest-services/loginInfo?username=…`` names the user's data centre: its
   ``oauthUrl`` and ``restUrl``. The base URL is the only configured address (the real
   ``https://rest.bullhornstaffing.com``, or a sandbox); every other address comes from
   Bullhorn's answers, so a sandbox that answers loginInfo with its own origin needs no
   special case. Hosts named by those answers are trusted only when they belong to the base
   URL's domain (``*.bullhornstaffing.com``), or are the base host itself.
2. ``GET {oauthUrl}/authorize?client_id&response_type=code&action=Login&username&password``
   answers 302 with ``code`` in the Location (we read it, never follow it).
3. ``POST {oauthUrl}/token?grant_type=authorization_code&code&client_id&client_secret`` →
   ``access_token`` (10 minutes) and a ``refresh_token`` (single use, rotates).
4. ``GET {restUrl}/login?version=*&access_token=…`` → ``BhRestToken`` and the session's
   ``restUrl`` (with the corporation token), trusted as a host of this connection.

The session token travels in the ``BhRestToken`` header, never in a URL. When a session
expires (401), ``refresh()`` trades the refresh token for a new access token and logs in
again; a refused refresh falls back to the password grant. A wrong data centre answers 307:
the redirect is followed (same method) when it stays with the provider.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from milo_desktop.services.connectors.ats.http import AtsHttp, request_line
from milo_desktop.services.connectors.errors import AuthFailed, ProviderError

SERVICE = "bullhorn"
TITLE = "Bullhorn"
WHERE = "Check them under From ATS → Bullhorn; Bullhorn sync is paused until then."
WRONG_USER = f"Bullhorn refused the API username or password. {WHERE}"
WRONG_CLIENT = f"Bullhorn refused the client ID or secret. {WHERE}"
TERMS = ("Bullhorn asks this API user to accept its terms first: sign in once as that user in "
         f"a browser and agree. {WHERE}")
WRONG_SESSION = f"Bullhorn refused to open a session for this API user. {WHERE}"
SESSION_REFUSED = (f"Bullhorn refused this API user's session even after signing in again. "
                   f"{WHERE}")
MAX_REDIRECTS = 3


def _domain(host: str) -> str | None:
    """"rest-emea.bullhornstaffing.com" → "bullhornstaffing.com"; None for IPs and one-label
    hosts (only the exact host is trusted then)."""
    name = host.split(":")[0].strip("[]").lower()
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    labels = name.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else None


class BullhornAuth:
    """The ``Auth`` of a Bullhorn connection (see the module docstring)."""

    def __init__(self, fields: Mapping[str, str], base_url: str) -> None:
        self.client_id = fields.get("client_id", "")
        self.client_secret = fields.get("client_secret", "")
        self.username = fields.get("username", "")
        self.password = fields.get("password", "")
        self.base_url = base_url.rstrip("/")
        self.http: AtsHttp | None = None
        self._oauth_url = ""
        self._login_url = ""
        self._refresh_token = ""
        self._token = ""
        self.rest_url = ""
        self._lock = asyncio.Lock()
        self.sign_ins = 0  # how many REST logins this connection made (tests)

    def bind(self, http: AtsHttp) -> None:
        self.http = http

    # -- Auth protocol ---------------------------------------------------------------------
    async def headers(self) -> Mapping[str, str]:
        if not self._token:
            async with self._lock:
                if not self._token:
                    await self._sign_in(use_refresh=False)
        return {"BhRestToken": self._token}

    async def refresh(self) -> None:
        async with self._lock:
            self._token = ""
            await self._sign_in(use_refresh=True)

    async def session_url(self) -> str:
        """The session's REST URL ("https://rest9.bullhornstaffing.com/rest-services/abc/"),
        signing in first when needed."""
        await self.headers()
        return self.rest_url

    # -- the flow --------------------------------------------------------------------------
    async def _sign_in(self, *, use_refresh: bool) -> None:
        if not all((self.client_id, self.client_secret, self.username, self.password)):
            raise AuthFailed(SERVICE, f"Bullhorn needs a client ID, secret, API username and "
                             f"password. {WHERE}")
        if not self._oauth_url:
            await self._login_info()
        access = ""
        if use_refresh and self._refresh_token:
            access = await self._token_grant({"grant_type": "refresh_token",
                                              "refresh_token": self._refresh_token},
                                             refused=None)
        if not access:
            code = await self._authorize()
            access = await self._token_grant({"grant_type": "authorization_code", "code": code},
                                             refused=WRONG_CLIENT)
        await self._rest_login(access)

    async def _login_info(self) -> None:
        body = await self._json("GET", f"{self.base_url}/rest-services/loginInfo",
                                {"username": self.username})
        oauth = body.get("oauthUrl") if isinstance(body, dict) else None
        rest = body.get("restUrl") if isinstance(body, dict) else None
        if not isinstance(oauth, str) or not isinstance(rest, str):
            raise self._odd("GET", "/rest-services/loginInfo", body)
        self._oauth_url = self._trusted(oauth).rstrip("/")
        self._login_url = self._trusted(rest).rstrip("/")

    async def _authorize(self) -> str:
        params = {"client_id": self.client_id, "response_type": "code", "action": "Login",
                  "username": self.username, "password": self.password}
        resp = await self._send("GET", f"{self._oauth_url}/authorize", params,
                                ok=(200, 302, 400, 401))
        if resp.status_code == 302:
            query = parse_qs(urlsplit(resp.headers.get("location", "")).query)
            code = (query.get("code") or [""])[0]
            if code:
                return str(code)
            error = (query.get("error") or [""])[0]
            if error in ("invalid_client", "unauthorized_client"):
                raise AuthFailed(SERVICE, WRONG_CLIENT, detail=f"authorize: {error}")
            if not error:  # sent to a page (the terms of service) instead of back with a code
                raise AuthFailed(SERVICE, TERMS, detail="authorize: 302 without a code")
        if resp.status_code == 400:
            raise AuthFailed(SERVICE, WRONG_CLIENT, detail="authorize: HTTP 400")
        # 200 (the login page again) or 401: the username / password were not accepted.
        raise AuthFailed(SERVICE, WRONG_USER, detail=f"authorize: HTTP {resp.status_code}")

    async def _token_grant(self, grant: dict[str, str], refused: str | None) -> str:
        params = {**grant, "client_id": self.client_id, "client_secret": self.client_secret}
        resp = await self._send("POST", f"{self._oauth_url}/token", params, ok=(400, 401))
        body = _json_of(resp)
        if resp.status_code in (400, 401):
            if refused is None:  # a spent refresh token: the caller uses the password grant
                self._refresh_token = ""
                return ""
            raise AuthFailed(SERVICE, refused, detail=f"token: HTTP {resp.status_code}")
        access = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access, str) or not access:
            raise self._odd("POST", "/oauth/token", body)
        refresh = body.get("refresh_token") if isinstance(body, dict) else None
        self._refresh_token = refresh if isinstance(refresh, str) else ""
        return access

    async def _rest_login(self, access: str) -> None:
        resp = await self._send("GET", f"{self._login_url}/login",
                                {"version": "*", "access_token": access}, ok=(400, 401))
        if resp.status_code in (400, 401):
            raise AuthFailed(SERVICE, WRONG_SESSION, detail=f"login: HTTP {resp.status_code}")
        body = _json_of(resp)
        token = body.get("BhRestToken") if isinstance(body, dict) else None
        rest = body.get("restUrl") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token or not isinstance(rest, str):
            raise self._odd("GET", "/rest-services/login", body)
        self.rest_url = self._trusted(rest).rstrip("/") + "/"
        self._token = token
        self.sign_ins += 1

    # -- plumbing ----------------------------------------------------------------------------
    def _trusted(self, url: str) -> str:
        """``url`` when it is on the base host or the provider's domain (then its host is
        trusted by the http client); else a ProviderError: credentials never go elsewhere."""
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        same = parts.netloc == base.netloc
        domain = _domain(base.netloc)
        if parts.scheme not in ("http", "https") or not parts.netloc or not (
                same or (domain is not None and _domain(parts.netloc) == domain)):
            raise ProviderError(SERVICE, "Bullhorn pointed to another host; the link was not "
                                "followed (our credentials stay with the provider).",
                                status=0, request=request_line("GET", url))
        assert self.http is not None
        self.http.add_host(url)
        return url

    async def _send(self, method: str, url: str, params: Mapping[str, str] | None,
                    ok: tuple[int, ...]) -> httpx.Response:
        """One unsigned request; a 307 (another data centre) is followed with the same
        method while it stays with the provider."""
        assert self.http is not None
        for _ in range(MAX_REDIRECTS + 1):
            resp = await self.http.request(method, url, params=params, signed=False,
                                           ok=(*ok, 307))
            if resp.status_code != 307:
                return resp
            location = resp.headers.get("location", "")
            url = self._trusted(str(httpx.URL(url).join(location)))
            params = None  # the Location carries the query
        raise ProviderError(SERVICE, "Bullhorn kept redirecting the sign-in to another data "
                            "centre.", status=307, request=request_line(method, url))

    async def _json(self, method: str, url: str, params: Mapping[str, str]) -> Any:
        return _json_of(await self._send(method, url, params, ok=()))

    @staticmethod
    def _odd(method: str, path: str, body: Any) -> ProviderError:
        return ProviderError(SERVICE, f"Bullhorn answered {method} {path} in a way Milo "
                             "Desktop does not understand.", status=0,
                             request=f"{method} {path}")  # no answer: it may hold tokens


def _json_of(resp: httpx.Response) -> Any:
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return None


__all__ = ["SERVICE", "SESSION_REFUSED", "TITLE", "WRONG_CLIENT", "WRONG_USER",
           "BullhornAuth"]
