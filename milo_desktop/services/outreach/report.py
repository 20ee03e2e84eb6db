"""What an invite, nudge or blast did: how many were queued, who was held back and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Why someone was skipped (keys of ``OutreachReport.skipped``) and how a summary says it.
NO_EMAIL = "no_email"
NO_PHONE = "no_phone"
NO_CONTACT = "no_contact"
ALREADY_INVITED = "already_invited"
BUDGET = "budget"
COOLDOWN = "cooldown"
MAX_NUDGES = "max_nudges"
FINISHED = "finished"
NOT_FOUND = "not_found"

REASONS = {
    NO_EMAIL: "without an email address",
    NO_PHONE: "without a mobile number",
    NO_CONTACT: "without an email address or phone number",
    ALREADY_INVITED: "already invited",
    BUDGET: "over the interviewer's budget",
    COOLDOWN: "nudged or invited too recently",
    MAX_NUDGES: "already nudged the maximum number of times",
    FINISHED: "already finished, dismissed or knocked out",
    NOT_FOUND: "no longer in the workspace",
}


@dataclass(frozen=True)
class OutreachReport:
    """``queued``: candidates (invite) or applications (nudge, blast) something was queued
    for; ``rate_limited`` and ``skipped`` hold candidate ids (invite) or application ids."""

    queued: int
    rate_limited: list[int] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    not_before: dt.datetime | None = None  # outside business hours: when they go out
    notes: tuple[str, ...] = ()  # e.g. the budget's explanation

    def summary(self) -> str:
        """"Sent to 12; 3 rate-limited (one per hour); 2 without an email address"."""
        parts = [f"Sent to {self.queued}" if self.not_before is None
                 else f"Queued for {self.queued} (they go out when business hours start)"]
        if self.rate_limited:
            parts.append(f"{len(self.rate_limited)} rate-limited (one per hour)")
        for reason, ids in self.skipped.items():
            if ids:
                parts.append(f"{len(ids)} {REASONS.get(reason, reason.replace('_', ' '))}")
        return "; ".join(parts)

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())


class ReportBuilder:
    """Collects outcomes while a batch is written."""

    def __init__(self) -> None:
        self.queued = 0
        self.rate_limited: list[int] = []
        self.skipped: dict[str, list[int]] = {}
        self.not_before: dt.datetime | None = None
        self.notes: list[str] = []

    def skip(self, reason: str, item_id: int) -> None:
        self.skipped.setdefault(reason, []).append(item_id)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def build(self) -> OutreachReport:
        return OutreachReport(self.queued, list(self.rate_limited), dict(self.skipped),
                              self.not_before, tuple(self.notes))
