"""An interviewer's apply address: ONE function, used by every producer of it — the
interviewer's Integrations tab, the wizard's Share step and poster (``mailto:``), invitations
("Reply to this email with your résumé attached") — and by the intake, which reads it back.

The mailbox (Integrations → Email → Mailbox) stores, under ``MAILBOX_KEY``, the address people
write to (``jobs@agency.example``) and how interviewers get theirs: plus-addressing
(``jobs+<slug>@agency.example``, the default) or aliases (``{slug: "forklift@agency.example"}``).
No mailbox address → no apply address (entry points then offer text and call only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from milo_desktop.models.system import WorkspaceSetting

MAILBOX_KEY = "email.mailbox"  # {"address": "...", "mode": "plus" | "aliases", "aliases": {...}}


def plus_address(mailbox: str, slug: str) -> str:
    """``jobs@agency.example`` + ``forklift-dallas`` → ``jobs+forklift-dallas@agency.example``
    (an existing ``+tag`` on the mailbox is replaced)."""
    local, _, domain = mailbox.strip().partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+{slug.strip().lower()}@{domain.lower()}"


def address_for(settings: Mapping[str, Any] | None, slug: str) -> str | None:
    """The apply address of ``slug`` under the mailbox settings, or None when there is none."""
    if not isinstance(settings, Mapping):
        return None
    mailbox = settings.get("address")
    if not isinstance(mailbox, str) or "@" not in mailbox:
        return None
    if settings.get("mode") == "aliases":
        aliases = settings.get("aliases")
        alias = aliases.get(slug) if isinstance(aliases, Mapping) else None
        return alias.strip().lower() if isinstance(alias, str) and "@" in alias else None
    return plus_address(mailbox, slug)


def slug_for(settings: Mapping[str, Any] | None, recipient: str) -> str | None:
    """Which interviewer's slug a recipient address names (the intake's reverse lookup), or
    None when it names none (the mailbox's bare address, or a stranger's)."""
    if not isinstance(settings, Mapping):
        return None
    mailbox = settings.get("address")
    if not isinstance(mailbox, str) or "@" not in mailbox:
        return None
    to = recipient.strip().lower()
    if settings.get("mode") == "aliases":
        aliases = settings.get("aliases")
        if isinstance(aliases, Mapping):
            for slug, alias in aliases.items():
                if isinstance(alias, str) and alias.strip().lower() == to:
                    return str(slug)
        return None
    local, _, domain = to.partition("@")
    box_local, _, box_domain = mailbox.strip().lower().partition("@")
    base, plus, tag = local.partition("+")
    if not plus or not tag or domain != box_domain or base != box_local.split("+", 1)[0]:
        return None
    return tag


def mailbox_settings(s: Session) -> Mapping[str, Any] | None:
    row = s.get(WorkspaceSetting, MAILBOX_KEY)
    return row.value if row is not None and isinstance(row.value, dict) else None


def apply_address(s: Session, slug: str) -> str | None:
    """The apply address of the interviewer ``slug`` in this workspace, or None."""
    return address_for(mailbox_settings(s), slug)


__all__ = ["MAILBOX_KEY", "address_for", "apply_address", "mailbox_settings", "plus_address",
           "slug_for"]
