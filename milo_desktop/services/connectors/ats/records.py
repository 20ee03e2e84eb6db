"""The neutral records an ATS connector produces, and total readers of vendor values.

A connector's parser turns one vendor record into one of these TypedDicts or a
``Quarantine`` (never an exception). Ids are strings whatever the vendor uses; dates are
ISO-8601 UTC strings ("2026-11-20T10:00:00+00:00") or None; emails are lower-cased; phones
are kept as the ATS wrote them (the importer normalises them to E.164).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal, TypedDict

JobStatus = Literal["open", "closed", "draft", "archived"]
ApplicationState = Literal["active", "rejected", "hired"]


class StageRecord(TypedDict):
    id: str
    name: str


class JobRecord(TypedDict):
    kind: Literal["job"]
    id: str
    title: str
    status: JobStatus
    location: str | None
    stages: list[StageRecord]  # in the ATS's order; [] when the ATS has per-account stages
    updated_at: str | None
    deleted: bool


class ApplicationRecord(TypedDict):
    id: str  # Greenhouse application, Lever opportunity, Workable candidate, Bullhorn submission
    job_id: str | None
    stage_id: str | None
    stage_name: str | None
    status: ApplicationState
    updated_at: str | None


class CandidateRecord(TypedDict):
    kind: Literal["candidate"]
    id: str  # the person at the ATS (Lever: the contact)
    first_name: str
    last_name: str
    emails: list[str]  # lower-cased, first = primary
    phones: list[str]  # as written at the ATS
    linkedin_url: str | None  # normalised (linkedin_key)
    location: str | None
    updated_at: str | None
    deleted: bool  # deleted / anonymised at the ATS
    applications: list[ApplicationRecord]


def text(value: Any, limit: int = 300) -> str:
    """A vendor string, stripped and cut; anything else becomes ""."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()[:limit]


def ident(value: Any) -> str | None:
    """A vendor id (int or non-empty string) as text, or None (bools, floats, objects…)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 80 and "\x00" not in value:
        return value.strip()
    return None


def iso_time(value: Any) -> str | None:
    """An ISO-8601 string (any offset, "Z") or epoch milliseconds as ISO UTC; None if it is
    not a usable time (NaN, huge numbers, garbage)."""
    when: dt.datetime | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or not 0 <= value < 4_102_444_800_000:  # before 2100
            return None
        when = dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    elif isinstance(value, str) and 0 < len(value) <= 40:
        try:
            when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
    if when is None:
        return None
    return when.astimezone(dt.UTC).isoformat()


def parse_iso(value: str | None) -> dt.datetime | None:
    """The datetime of an ``iso_time`` string (None stays None)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


def email_key(value: Any) -> str | None:
    """A plausible email, stripped and lower-cased (the de-duplication key), or None."""
    raw = text(value, 254).lower()
    return raw if raw and _EMAIL.match(raw) else None


_LINKEDIN = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub)/([^/?#\s]+)",
                       re.IGNORECASE)


def linkedin_key(value: Any) -> str | None:
    """"https://www.linkedin.com/in/jane-doe-123/?trk=x" → "linkedin.com/in/jane-doe-123"
    (the de-duplication key); None when it is not a LinkedIn profile URL."""
    raw = text(value, 300)
    m = _LINKEDIN.match(raw)
    if not m:
        return None
    return f"linkedin.com/{m.group(1).lower()}/{m.group(2).lower()}"


__all__ = [
    "ApplicationRecord",
    "ApplicationState",
    "CandidateRecord",
    "JobRecord",
    "JobStatus",
    "StageRecord",
    "email_key",
    "ident",
    "iso_time",
    "linkedin_key",
    "parse_iso",
    "text",
]
