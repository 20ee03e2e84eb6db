"""Greenhouse Harvest v3 JSON → neutral records, totally: never an exception.

v3 keeps children out of their parents ("Standardizations": parent ids are in the child,
child ids are not in the parent), so a candidate arrives without its applications and an
application carries ``candidate_id``, ``job_id`` and ``current_stage_id`` (no stage name):
``parse_candidate`` is given the person's applications and the stage names the client
collected for the page. Anything we cannot read with confidence - a missing or non-integer
id, a name that is not text, NaN or a huge number where a time belongs, lone surrogates - is
a ``Quarantine`` with the reason, kept with the raw record, so the rest of the page goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    ApplicationState,
    CandidateRecord,
    JobRecord,
    JobStatus,
    StageRecord,
    email_key,
    ident,
    iso_time,
    linkedin_key,
    text,
)

SERVICE = "greenhouse"
MAX_ID = 2**63 - 1  # Greenhouse ids are 64-bit integers

_JOB_STATUS: dict[str, JobStatus] = {"open": "open", "closed": "closed", "draft": "draft"}
_APP_STATUS: dict[str, ApplicationState] = {"active": "active", "rejected": "rejected",
                                            "hired": "hired"}


class _Bad(ValueError):
    """Why a record is set aside (internal: turned into a Quarantine, never escapes)."""


def _id(raw: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return str(value)
    if isinstance(value, str) and value.isdigit() and len(value) <= 19:
        return ident(value)
    raise _Bad(f"{key} is not a Greenhouse id")


def _text(raw: Mapping[str, Any], key: str, limit: int = 300) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{key} is not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Bad(f"{key} holds characters that are not text") from exc
    return text(value, limit)


def _time(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    found = iso_time(value) if isinstance(value, str) else None  # v3: ISO strings only
    if found is None:
        raise _Bad(f"{key} is not a time")
    return found


def _values(raw: Mapping[str, Any], key: str) -> list[str]:
    """The ``value`` of each ``[{value, type}]`` entry (email_addresses, phone_numbers…)."""
    items = raw.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise _Bad(f"{key} is not a list")
    found = []
    for item in items:
        value = item.get("value") if isinstance(item, Mapping) else item
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _Bad(f"{key} holds characters that are not text") from exc
            if text(value):
                found.append(text(value))
    return found


def _quarantine(resource: str, reason: str, raw: Any) -> Quarantine:
    rid = raw.get("id") if isinstance(raw, Mapping) else None
    return Quarantine.of(SERVICE, resource, reason, raw, external_id=ident(rid))


def parse_stage(raw: Any) -> StageRecord | None:
    """A v3 job stage ``{id, name, job_id, sort_order…}``; None when unreadable."""
    if not isinstance(raw, Mapping):
        return None
    try:
        return StageRecord(id=_id(raw, "id") or "", name=_text(raw, "name", 120))
    except _Bad:
        return None


def parse_job(raw: Any, stages: Sequence[StageRecord] = ()) -> JobRecord | Quarantine:
    """A v3 job ``{id, name, status, updated_at…}`` with its stages (in their order)."""
    if not isinstance(raw, Mapping):
        return _quarantine("jobs", "a job that is not an object", raw)
    try:
        jid = _id(raw, "id") or ""
        status = raw.get("status")
        if not isinstance(status, str) or status not in _JOB_STATUS:
            raise _Bad("status is not one of open, closed, draft")
        title = _text(raw, "name")
        if not title:
            raise _Bad("the job has no name")
        return JobRecord(kind="job", id=jid, title=title, status=_JOB_STATUS[status],
                         location=(_text(raw, "location") or None)
                         if isinstance(raw.get("location"), str) else None,
                         stages=list(stages), updated_at=_time(raw, "updated_at"),
                         deleted=False)
    except _Bad as exc:
        return _quarantine("jobs", f"Greenhouse job unreadable: {exc}", raw)


def parse_application(raw: Any,
                      stage_names: Mapping[str, str]) -> ApplicationRecord | Quarantine:
    """A v3 application ``{id, candidate_id, job_id, current_stage_id, status, …}``."""
    if not isinstance(raw, Mapping):
        return _quarantine("applications", "an application that is not an object", raw)
    try:
        aid = _id(raw, "id") or ""
        _id(raw, "candidate_id")
        status = raw.get("status")
        if not isinstance(status, str) or status not in _APP_STATUS:
            raise _Bad("status is not one of active, rejected, hired")
        stage_id = _id(raw, "current_stage_id", required=False)
        return ApplicationRecord(
            id=aid, job_id=_id(raw, "job_id", required=False), stage_id=stage_id,
            stage_name=stage_names.get(stage_id) if stage_id else None,
            status=_APP_STATUS[status], updated_at=_time(raw, "updated_at"))
    except _Bad as exc:
        return _quarantine("applications", f"Greenhouse application unreadable: {exc}", raw)


def parse_candidate(raw: Any, applications: Sequence[ApplicationRecord] = ()
                    ) -> CandidateRecord | Quarantine:
    """A v3 candidate ``{id, first_name, last_name, email_addresses, phone_numbers,
    social_media_addresses, website_addresses, updated_at…}`` with its applications."""
    if not isinstance(raw, Mapping):
        return _quarantine("candidates", "a candidate that is not an object", raw)
    try:
        cid = _id(raw, "id") or ""
        emails: list[str] = []
        for value in _values(raw, "email_addresses"):
            key = email_key(value)
            if key and key not in emails:
                emails.append(key)
        linkedin = None
        for value in (*_values(raw, "social_media_addresses"),
                      *_values(raw, "website_addresses")):
            linkedin = linkedin or linkedin_key(value)
        return CandidateRecord(
            kind="candidate", id=cid, first_name=_text(raw, "first_name", 120),
            last_name=_text(raw, "last_name", 120), emails=emails,
            phones=_values(raw, "phone_numbers")[:10], linkedin_url=linkedin,
            location=None, updated_at=_time(raw, "updated_at"), deleted=False,
            applications=list(applications))
    except _Bad as exc:
        return _quarantine("candidates", f"Greenhouse candidate unreadable: {exc}", raw)


def broken_page(resource: str, reason: str, raw_text: str) -> Quarantine:
    """The whole answer set aside: the body was not the bare JSON array v3 lists answer."""
    return Quarantine(SERVICE, resource, reason, raw_text)


__all__ = ["SERVICE", "broken_page", "parse_application", "parse_candidate", "parse_job",
           "parse_stage"]
