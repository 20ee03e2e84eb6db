"""What an invite, nudge or blast did, in words that say what really happened: how many are
going out now, how many are queued and why they wait (an email account to connect, business
hours), and who was skipped and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from milo_desktop.services.readiness import WAITING_FOR_EMAIL

# Why someone was skipped (keys of ``OutreachReport.skipped``) and how a summary says it.
NO_EMAIL = "no_email"
NO_PHONE = "no_phone"
NO_PHONE_FOR_STAGE = "no_phone_for_stage"
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
    NO_PHONE_FOR_STAGE: "without a mobile number (the first stage calls or texts them)",
    NO_CONTACT: "without an email address or phone number",
    ALREADY_INVITED: "already invited",
    BUDGET: "over the interviewer's budget",
    COOLDOWN: "nudged or invited too recently",
    MAX_NUDGES: "already nudged the maximum number of times",
    FINISHED: "already finished, dismissed or knocked out",
    NOT_FOUND: "no longer in the workspace",
}

# Why something queued cannot go out yet (keys of ``OutreachReport.waiting``).
NO_EMAIL_ACCOUNT = "no_email_account"
WAITING = {NO_EMAIL_ACCOUNT: WAITING_FOR_EMAIL}  # the contact history says the same


@dataclass(frozen=True)
class OutreachReport:
    """``queued``: candidates (invite) or applications (nudge, blast) something was queued
    for; ``rate_limited`` and ``skipped`` hold candidate ids (invite) or application ids."""

    queued: int
    rate_limited: list[int] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)
    not_before: dt.datetime | None = None  # outside business hours: when they go out
    notes: tuple[str, ...] = ()  # e.g. the budget's explanation
    # Of ``queued``: those for whom nothing can go out yet, by reason (WAITING), same ids.
    waiting: dict[str, list[int]] = field(default_factory=dict)

    @property
    def waiting_count(self) -> int:
        return len({i for ids in self.waiting.values() for i in ids})

    @property
    def going(self) -> int:
        """How many have something going out now (queued, not waiting)."""
        return self.queued - self.waiting_count

    def summary(self) -> str:
        """What happened, split into going out now / queued and why / skipped: "Sending to
        12; 2 queued — connect an email account to send; 3 rate-limited (one per hour);
        skipped 2 without an email address"."""
        parts = []
        if self.not_before is not None and self.going:
            parts.append(f"Queued for {self.going} (they go out when business hours start)")
        elif self.going or not (self.waiting_count or self.skipped_count
                                or self.rate_limited):
            parts.append(f"Sending to {self.going}")
        for reason, ids in self.waiting.items():
            if ids:
                parts.append(f"{len(ids)} queued — {WAITING.get(reason, reason)}")
        if self.rate_limited:
            parts.append(f"{len(self.rate_limited)} rate-limited (one per hour)")
        skipped = [f"{len(ids)} {REASONS.get(reason, reason.replace('_', ' '))}"
                   for reason, ids in self.skipped.items() if ids]
        if skipped:
            parts.append("skipped " + ", ".join(skipped))
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

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
        self.waiting: dict[str, list[int]] = {}

    def skip(self, reason: str, item_id: int) -> None:
        self.skipped.setdefault(reason, []).append(item_id)

    def wait(self, reason: str, item_id: int) -> None:
        """``item_id`` is queued, but nothing of it can go out yet (``reason``: WAITING)."""
        self.waiting.setdefault(reason, []).append(item_id)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def build(self) -> OutreachReport:
        return OutreachReport(self.queued, list(self.rate_limited), dict(self.skipped),
                              self.not_before, tuple(self.notes),
                              {k: list(v) for k, v in self.waiting.items()})
