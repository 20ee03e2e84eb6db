"""What the Workable connector declares: its fields, its base URL and its client factory.

The base URL depends on the account: ``https://{subdomain}.workable.com/spi/v3``. A base URL
given as an override (a sandbox, ``MILO_WORKABLE_API_BASE``) wins; otherwise the subdomain is
put into the template. The subdomain is asked for as the recruiter knows it: "acme",
"acme.workable.com" or "https://acme.workable.com" are all read as "acme".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from milo_desktop.services.connectors import NotConfigured
from milo_desktop.services.connectors.ats.client import AtsField, AtsSpec, Persist
from milo_desktop.services.connectors.workable.client import TITLE, WorkableClient
from milo_desktop.services.connectors.workable.parse import SERVICE

DEFAULT_BASE = "https://{subdomain}.workable.com/spi/v3"
DOCS_URL = "https://workable.readme.io/"
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")

FIELDS = (
    AtsField("subdomain", "Account subdomain", secret=False,
             help="The part before .workable.com in your Workable address (acme for "
                  "acme.workable.com)."),
    AtsField("access_token", "Access token",
             help="Workable → Settings → Integrations → Access token. It needs the "
                  "r_jobs, r_candidates and w_candidates scopes."),
    AtsField("member_id", "Member ID (writes as)", secret=False, required=False,
             help="The Workable member whose name Milo's comments, moves and "
                  "disqualifications carry. Leave empty and press Test connection to see "
                  "the members to choose from."),
)


def normalise_subdomain(value: str) -> str:
    """"https://Acme.workable.com/" → "acme" (what the recruiter pasted, as a subdomain)."""
    raw = value.strip().lower()
    raw = re.sub(r"^https?://", "", raw).split("/", 1)[0]
    if raw.endswith(".workable.com"):
        raw = raw[: -len(".workable.com")]
    return raw


def base_url_for(fields: Mapping[str, str], base_url: str) -> str:
    """The API base: the override as given, or the template with the subdomain put in."""
    if "{subdomain}" not in base_url:
        return base_url.rstrip("/")
    sub = normalise_subdomain(fields.get("subdomain", ""))
    if not _SUBDOMAIN.match(sub):
        raise NotConfigured(SERVICE, "Workable's account subdomain is missing or not valid: "
                            "it is the part before .workable.com in your Workable address "
                            "(acme for acme.workable.com). Fix it under From ATS → Workable.")
    return base_url.replace("{subdomain}", sub).rstrip("/")


async def make_client(fields: Mapping[str, str], base_url: str,
                      persist: Persist) -> WorkableClient:
    """A client over the fields; nothing is sent until its first request."""
    token = fields.get("access_token", "").strip()
    if not token:
        raise NotConfigured(SERVICE, "Workable's access token is missing. Paste it under "
                            "From ATS → Workable.")
    return WorkableClient(base_url_for(fields, base_url or DEFAULT_BASE), token,
                          member_id=fields.get("member_id", ""),
                          subdomain=normalise_subdomain(fields.get("subdomain", "")))


SPEC = AtsSpec(
    service=SERVICE,
    title=TITLE,
    fields=FIELDS,
    default_base=DEFAULT_BASE,
    make_client=make_client,
    docs_url=DOCS_URL,
    wording={"rejected": "disqualified"},
)

__all__ = ["DEFAULT_BASE", "FIELDS", "SPEC", "base_url_for", "make_client",
           "normalise_subdomain"]
