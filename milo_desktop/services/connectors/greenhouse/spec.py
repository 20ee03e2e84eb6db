"""What the Greenhouse connector declares: its fields, its real base URL, its client.

One credential per agency (Greenhouse: Dev Center → API Credentials → Harvest V3 (OAuth)):
the client ID and secret, and the numeric id of the Greenhouse user the API acts as (the
token's ``sub``, and ``On-Behalf-Of`` on writes). ``auth_base`` is optional: where tokens come
from when that is neither auth.greenhouse.io nor a sandbox on this machine (see auth.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from milo_desktop.services.connectors.ats.client import AtsClient, AtsField, AtsSpec, Persist
from milo_desktop.services.connectors.greenhouse.auth import ClientCredentials, token_url
from milo_desktop.services.connectors.greenhouse.client import GreenhouseClient

DEFAULT_BASE = "https://harvest.greenhouse.io"


async def make_client(fields: Mapping[str, str], base_url: str,
                      persist: Persist) -> AtsClient:
    """A client over these fields; it signs in on its first request (``persist`` is unused:
    client credentials do not rotate)."""
    del persist
    base = base_url or DEFAULT_BASE
    auth = ClientCredentials(token_url(base, fields.get("auth_base", "")),
                             fields.get("client_id", "").strip(),
                             fields.get("client_secret", "").strip(),
                             fields.get("user_id", "").strip())
    return GreenhouseClient(auth, base)


SPEC = AtsSpec(
    service="greenhouse",
    title="Greenhouse",
    fields=(
        AtsField("client_id", "Client ID", secret=False,
                 help="Greenhouse → Configure → Dev Center → API Credentials → "
                      "Harvest V3 (OAuth)."),
        AtsField("client_secret", "Client secret",
                 help="Shown once when the credential is created in Greenhouse."),
        AtsField("user_id", "Greenhouse user ID", secret=False,
                 help="The number in the address of a Greenhouse user's page; notes and "
                      "moves are recorded as made by this user."),
        AtsField("auth_base", "Sign-in address", secret=False, required=False,
                 help="Leave empty: https://auth.greenhouse.io is used (or the sandbox's own "
                      "address when the API address is on this computer)."),
    ),
    default_base=DEFAULT_BASE,
    make_client=make_client,
    docs_url="https://harvestdocs.greenhouse.io/docs/authentication",
)

__all__ = ["DEFAULT_BASE", "SPEC", "make_client"]
