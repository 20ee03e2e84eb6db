"""What the Lever connector declares: its fields, its real base URL, ``make_client``.

Lever takes EITHER an API key OR an OAuth set (client ID, client secret, refresh token):
every credential field is optional in the dialog and ``make_client`` picks the set that is
complete; with neither, the client answers every request with ``NotConfigured`` in the
recruiter's words. The user ID Lever writes as (``perform_as``) is required: Lever refuses
notes, moves and archives without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from milo_desktop.services.connectors.ats.client import AtsField, AtsSpec, Persist
from milo_desktop.services.connectors.ats.http import Auth, StaticAuth
from milo_desktop.services.connectors.lever.auth import (
    SERVICE,
    TITLE,
    MissingAuth,
    OAuthAuth,
    basic_header,
    token_url,
)
from milo_desktop.services.connectors.lever.client import LeverClient, make_http

DEFAULT_BASE = "https://api.lever.co/v1"
OAUTH_FIELDS = ("oauth_client_id", "oauth_client_secret", "refresh_token")
NEITHER = ("Lever needs either an API key, or the OAuth client ID, client secret and refresh "
           "token of a Lever partner app. Fill in one of the two under From ATS → Lever.")
HALF = ("The OAuth sign-in for Lever is incomplete: it needs the client ID, the client secret "
        "and the refresh token together (or use an API key instead).")

FIELDS = (
    AtsField("api_key", "API key", required=False,
             help="Lever → Settings → Integrations and API → API Credentials. Leave empty "
                  "when you connect with OAuth."),
    AtsField("oauth_client_id", "OAuth client ID", secret=False, required=False,
             help="Only for a Lever partner app (OAuth), instead of an API key."),
    AtsField("oauth_client_secret", "OAuth client secret", required=False),
    AtsField("refresh_token", "OAuth refresh token", required=False,
             help="Lever replaces it on every use; Milo Desktop keeps the newest one."),
    AtsField("perform_as", "Acting as (Lever user ID)", secret=False,
             help="The Lever user the notes, moves and archives are made as."),
)


def choose_auth(fields: Mapping[str, str], base_url: str, persist: Persist
                ) -> tuple[Auth, tuple[str, ...], str]:
    """(auth, extra trusted hosts, words for the mode) for the filled-in fields."""
    key = (fields.get("api_key") or "").strip()
    oauth = [(fields.get(name) or "").strip() for name in OAUTH_FIELDS]
    if all(oauth):
        url = token_url(base_url)
        return OAuthAuth(oauth[0], oauth[1], oauth[2], persist, url), \
            (urlsplit(url).netloc,), "OAuth"
    if key:
        return StaticAuth(basic_header(key)), (), "API key"
    return MissingAuth(HALF if any(oauth) else NEITHER), (), "not connected"


async def make_client(fields: Mapping[str, str], base_url: str,
                      persist: Persist) -> LeverClient:
    """A client over the fields; it signs in on its first request (lazily)."""
    auth, hosts, mode = choose_auth(fields, base_url, persist)
    http = make_http(base_url or DEFAULT_BASE, auth, hosts)
    if isinstance(auth, OAuthAuth):
        auth.http = http
    return LeverClient(http, perform_as=(fields.get("perform_as") or "").strip(), mode=mode)


SPEC = AtsSpec(
    service=SERVICE, title=TITLE, fields=FIELDS, default_base=DEFAULT_BASE,
    make_client=make_client,
    docs_url="https://hire.lever.co/developer/documentation",
    wording={"rejected": "archived", "hired": "hired"},
)

__all__ = ["DEFAULT_BASE", "FIELDS", "SPEC", "choose_auth", "make_client"]
