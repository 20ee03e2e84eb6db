"""The plain data the ATS screens show (frozen; no ORM objects leave the services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Our outcomes a job link maps to an ATS stage (or "reject"), in the order the UI lists them.
OUTCOMES = ("completed", "shortlisted", "knocked_out", "dismissed")
OUTCOME_WORDS = {"completed": "Completed the interview", "shortlisted": "Shortlisted",
                 "knocked_out": "Knocked out", "dismissed": "Dismissed"}
REJECT = "reject"  # the mapping value meaning "reject at the ATS" rather than a stage id
DEFAULT_WRITE_BACK: dict[str, Any] = {"note": True, "move": True, "reject": False,
                                      "reject_reason": "Did not pass the screening"}


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    secret: bool
    required: bool
    help: str
    value: str = ""  # filled for non-secret fields only (the base URL, an id)


@dataclass(frozen=True)
class AtsConnectionView:
    """A card on Source Candidates → From ATS."""

    service: str
    title: str
    connected: bool
    state: str  # not_connected, idle, syncing, offline, busy, provider_error, auth_failed, failed
    message: str  # the state in words ("Synced 2 min ago", "Greenhouse refused the secret…")
    last_sync_at: dt.datetime | None
    jobs: int
    linked_jobs: int
    candidates: int
    problems: int  # unresolved quarantined records of this ATS
    fields: tuple[FieldView, ...]
    base_url: str
    default_base: str
    from_env: bool = False  # the connection comes from environment variables (read only)


@dataclass(frozen=True)
class AtsJobRow:
    """A job in the jobs list beside our interviewers."""

    id: int
    service: str
    service_title: str
    external_id: str
    title: str
    status: str
    location: str | None
    stages: tuple[tuple[str, str], ...]  # (ATS stage id, name)
    candidates: int  # people with an application to this job
    waiting: int  # of those, linked-job people not invited yet
    interviewer_id: int | None
    interviewer_name: str | None
    auto_invite: bool
    stage_mapping: dict[str, str] = field(default_factory=dict)
    write_back: dict[str, Any] = field(default_factory=dict)
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class LinkSettings:
    """What the interviewer's Integrations tab edits for its linked job."""

    stage_mapping: dict[str, str]  # outcome → ATS stage id or "reject"
    write_back: dict[str, Any]  # {"note": bool, "move": bool, "reject": bool, "reject_reason": str}
    auto_invite: bool


@dataclass(frozen=True)
class SendReport:
    """What "Send results to ATS" did: queued per ATS, and skipped with the reason."""

    queued: int
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason → application ids

    def describe(self) -> str:
        parts = [f"{self.queued} queued to send" if self.queued else "Nothing to send"]
        for reason, ids in self.skipped.items():
            parts.append(f"{len(ids)} skipped: {reason}")
        return "; ".join(parts)


__all__ = ["DEFAULT_WRITE_BACK", "OUTCOMES", "OUTCOME_WORDS", "REJECT", "AtsConnectionView",
           "AtsJobRow", "FieldView", "LinkSettings", "SendReport"]
