"""A candidate's web link: ONE function, used by every producer of it — the wizard's Configure
and Share steps, the QR poster, templates' ``{{link}}`` (previews, invitations, nudges, blasts;
email and SMS).

The app runs no web server, so a link exists ONLY when the workspace has set the address of a
candidate page it hosts itself (Settings → Account → "Candidate page address"); the link is
then ``<address>/<slug>``. With no address there is no link (``None``): entry points are the
keyword text, the receptionist's number and the apply address (``services/entry/``), and
``{{link}}`` is never offered.

The address lives under ``ACCOUNT_KEY`` (``{"candidate_page": "https://…"}``). Workspaces from
before this rule may hold it in the communication policy's ``link_base`` or under the wizard's
older key ``interview_link_base``; those are read (and moved here on the next save) unless they
are the old placeholder on ``interview.milo.example``, a host that never existed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting

ACCOUNT_KEY = "account"  # {"candidate_page": str, "company_info": str}
POLICY_KEY = "outreach.policy"  # = policy.SETTING_KEY (kept literal: policy imports us)
LEGACY_KEY = "interview_link_base"
_PLACEHOLDER_HOST = "interview.milo.example"  # the old default: never a real page
MAX_ADDRESS = 300


def interview_link(base: str, slug: str) -> str:
    """``https://jobs.agency.example/interview/forklift-dallas``: the base without its
    trailing slash, then the slug (URL-quoted). ``base`` must be a real address."""
    return f"{base.strip().rstrip('/')}/{quote(slug.strip())}"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _usable(value: Any) -> str | None:
    text = _text(value)
    if text is None or urlsplit(text).hostname == _PLACEHOLDER_HOST:
        return None
    return text.rstrip("/")


def check_address(address: str) -> str:
    """The address as stored ("" clears it), or ValidationProblem saying what is wrong."""
    text = address.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise ValidationProblem("The candidate page address must be a web address such as "
                                "https://jobs.agency.example/apply.")
    if len(text) > MAX_ADDRESS:
        raise ValidationProblem(f"The candidate page address is {len(text)} characters; the "
                                f"limit is {MAX_ADDRESS}.")
    if parts.hostname == _PLACEHOLDER_HOST:
        raise ValidationProblem(f"{_PLACEHOLDER_HOST} is a placeholder, not a page you host. "
                                "Enter the address of your own candidate page, or leave it "
                                "empty.")
    return text.rstrip("/")


def account_settings(s: Session) -> dict[str, Any]:
    row = s.get(WorkspaceSetting, ACCOUNT_KEY)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


def link_base(s: Session) -> str | None:
    """The workspace's candidate page address, or None when it hosts none (module doc)."""
    account = account_settings(s)
    if "candidate_page" in account:  # set here (even to ""): the older keys are history
        return _usable(account.get("candidate_page"))
    row = s.get(WorkspaceSetting, POLICY_KEY)
    stored = row.value.get("link_base") if row is not None and isinstance(row.value, dict) \
        else None
    if _usable(stored):
        return _usable(stored)
    legacy = s.get(WorkspaceSetting, LEGACY_KEY)
    return _usable(legacy.value) if legacy is not None else None


def set_account(s: Session, **values: str) -> None:
    """Store Settings → Account's values (``candidate_page``, ``company_info``)."""
    row = s.get(WorkspaceSetting, ACCOUNT_KEY)
    merged = {**account_settings(s), **values}
    if row is None:
        s.add(WorkspaceSetting(key=ACCOUNT_KEY, value=merged))
    else:
        row.value = merged


def link_for(s: Session, slug: str) -> str | None:
    """The candidate link of ``slug`` in this workspace, or None without an address."""
    base = link_base(s)
    return interview_link(base, slug) if base else None
