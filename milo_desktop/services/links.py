"""A candidate's interview link: ONE function, used by every producer of it — the wizard's
Configure and Share steps, the QR poster, templates' ``{{link}}`` (previews, invitations,
nudges, blasts; email and SMS).

The link is ``<base>/<slug>``. Product: "a link only to a candidate page the agency hosts
itself", so the base is a workspace setting — the communication policy's ``link_base``
(Settings → Integrations → Communication, "Interview link address") — with one default,
``DEFAULT_LINK_BASE``, a placeholder on a reserved example domain. Workspaces from before
this rule may hold a base under the older key ``interview_link_base`` (the wizard's); it is
used only while the policy has no ``link_base`` of its own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from milo_desktop.models.system import WorkspaceSetting

DEFAULT_LINK_BASE = "https://interview.milo.example"
POLICY_KEY = "outreach.policy"  # = policy.SETTING_KEY (kept literal: policy imports us)
LEGACY_KEY = "interview_link_base"


def interview_link(base: str, slug: str) -> str:
    """``https://jobs.agency.example/interview/forklift-dallas``: the base without its
    trailing slash, then the slug (URL-quoted)."""
    return f"{(base or DEFAULT_LINK_BASE).strip().rstrip('/')}/{quote(slug.strip())}"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def link_base(s: Session) -> str:
    """The workspace's candidate page base (see module doc)."""
    row = s.get(WorkspaceSetting, POLICY_KEY)
    stored = row.value.get("link_base") if row is not None and isinstance(row.value, dict) \
        else None
    if _text(stored):
        return str(_text(stored)).rstrip("/")
    legacy = s.get(WorkspaceSetting, LEGACY_KEY)
    old = _text(legacy.value) if legacy is not None else None
    return (old or DEFAULT_LINK_BASE).rstrip("/")


def link_for(s: Session, slug: str) -> str:
    """The interview link of ``slug`` in this workspace."""
    return interview_link(link_base(s), slug)
