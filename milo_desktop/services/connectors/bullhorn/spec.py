"""Bullhorn's ``AtsSpec``: the four sign-in fields, the login server and the client factory.

The base URL is Bullhorn's login server (``https://rest.bullhornstaffing.com``), where
``/rest-services/loginInfo`` names the account's data centre; a sandbox is given as its own
origin (``MILO_BULLHORN_API_BASE=http://127.0.0.1:8123``) and answers loginInfo with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from milo_desktop.services.connectors.ats.client import AtsClient, AtsField, AtsSpec, Persist
from milo_desktop.services.connectors.bullhorn.client import BullhornClient

DEFAULT_BASE = "https://rest.bullhornstaffing.com"


async def make_client(fields: Mapping[str, str], base_url: str, persist: Persist) -> AtsClient:
    """A client that signs in on its first request (nothing rotates into the keychain: a
    spent refresh token is replaced by signing in with the API user's password)."""
    return BullhornClient(fields, base_url or DEFAULT_BASE)


SPEC = AtsSpec(
    service="bullhorn",
    title="Bullhorn",
    fields=(
        AtsField("client_id", "Client ID", secret=False,
                 help="The OAuth client ID of your Bullhorn REST API key (from Bullhorn "
                      "Support)."),
        AtsField("client_secret", "Client secret", help="The OAuth client secret of that key."),
        AtsField("username", "API username", secret=False,
                 help="The Bullhorn API user Milo Desktop signs in as (one per integration)."),
        AtsField("password", "API user password", help="That API user's password."),
    ),
    default_base=DEFAULT_BASE,
    make_client=make_client,
    docs_url="https://bullhorn.github.io/Getting-Started-with-REST/",
    # Reading a fresh event batch acknowledges the last one: never ask ahead of the store.
    prefetch=False,
    wording={"hired": "placed"},  # Bullhorn says a person is "Placed"
)

__all__ = ["DEFAULT_BASE", "SPEC", "make_client"]
