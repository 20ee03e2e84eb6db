"""Total parsers: Workable SPI v3 JSON → neutral records, or a ``Quarantine`` with its reason.

Nothing here raises, whatever the answer holds (NaN, huge numbers, lone surrogates, missing
keys, wrong types): a record we cannot read is set aside with the reason a recruiter or a
support engineer can act on, the rest of its page is kept.

Workable's model, as the connector maps it (https://workable.readme.io/reference/job-candidates-index):

* a Workable *candidate* belongs to ONE job. The same person applying to two jobs is two
  candidates with two ids. So a ``CandidateRecord`` is one Workable candidate, carrying ONE
  ``ApplicationRecord`` whose id is the same candidate id and whose job is the job's
  shortcode;
* the candidate's ``stage`` is the stage's *name* ("Phone Screen"); moves take the stage's
  *slug* ("phone_screen"), listed with its ``kind`` by ``GET /stages``. ``Stages`` maps one to
  the other, so an application carries the slug as its stage id (what the stage mapping and
  ``move`` use);
* ``disqualified: true`` → "rejected"; a stage of kind "hired" (or a ``hired_at``) → "hired".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

SERVICE = "workable"

JOB_STATES: dict[str, JobStatus] = {
    "published": "open",
    "closed": "closed",
    "draft": "draft",
    "archived": "archived",
}


@dataclass(frozen=True)
class Stage:
    slug: str
    name: str
    kind: str
    position: int


@dataclass(frozen=True)
class Stages:
    """The account's pipeline stages (``GET /stages``), looked up by name or slug."""

    ordered: tuple[Stage, ...] = ()
    _by_name: Mapping[str, Stage] = field(default_factory=dict)
    _by_slug: Mapping[str, Stage] = field(default_factory=dict)

    @classmethod
    def of(cls, stages: Sequence[Stage]) -> Stages:
        ordered = tuple(sorted(stages, key=lambda s: s.position))
        return cls(ordered, {s.name.casefold(): s for s in ordered},
                   {s.slug: s for s in ordered})

    def find(self, name_or_slug: str) -> Stage | None:
        return self._by_slug.get(name_or_slug) or self._by_name.get(name_or_slug.casefold())

    def records(self) -> list[StageRecord]:
        return [StageRecord(id=s.slug, name=s.name) for s in self.ordered]


def parse_stages(body: Any) -> Stages:
    """``{"stages": [{slug, name, kind, position}]}`` → ``Stages`` (unreadable rows skipped:
    a stage list is configuration, not data to quarantine)."""
    rows = body.get("stages") if isinstance(body, dict) else None
    found: list[Stage] = []
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        slug, name = ident(row.get("slug")), text(row.get("name"), 120)
        if slug is None or not name:
            continue
        pos = row.get("position")
        position = pos if isinstance(pos, int) and not isinstance(pos, bool) \
            and abs(pos) < 10**6 else 10**6 + i
        found.append(Stage(slug, name, text(row.get("kind"), 40).lower(), position))
    return Stages.of(found)


def _quarantine(resource: str, reason: str, record: Any) -> Quarantine:
    rid = record.get("id") if isinstance(record, dict) else None
    return Quarantine.of(SERVICE, resource, reason, record, external_id=ident(rid))


def _storable(value: Any) -> bool:
    """Every string in a parsed record is valid UTF-8 (no lone surrogate from ``\\ud800``)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(v) for v in value.values())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


def _printable(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def parse_job(raw: Any) -> JobRecord | Quarantine:
    """One entry of ``GET /jobs`` → ``JobRecord``. The job's id is its shortcode: that is
    what candidates point to (``job.shortcode``) and what create / list filters take."""
    if not isinstance(raw, dict):
        return _quarantine("jobs", "a job that is not a JSON object", raw)
    shortcode = ident(raw.get("shortcode"))
    if shortcode is None:
        return _quarantine("jobs", "a job without a shortcode", raw)
    title = text(raw.get("title")) or text(raw.get("full_title"))
    if not title:
        return _quarantine("jobs", f"job {_printable(shortcode)} has no title", raw)
    state = raw.get("state")
    status = JOB_STATES.get(state) if isinstance(state, str) else None
    if status is None:
        shown = _printable(text(state, 40)) or type(state).__name__
        return _quarantine("jobs", f"job {_printable(shortcode)} has an unknown state "
                           f"({shown})", raw)
    loc = raw.get("location")
    location = None
    if isinstance(loc, dict):
        location = text(loc.get("location_str")) or text(loc.get("city")) or None
    job = JobRecord(kind="job", id=shortcode, title=title, status=status,
                    location=location, stages=[],
                    updated_at=iso_time(raw.get("updated_at")) or iso_time(
                        raw.get("created_at")),
                    deleted=False)
    if not _storable(job):
        return _quarantine("jobs", f"job {_printable(shortcode)} has text that is not valid "
                           "Unicode", raw)
    return job


def _names(raw: Mapping[str, Any]) -> tuple[str, str]:
    first, last = text(raw.get("firstname"), 120), text(raw.get("lastname"), 120)
    if first or last:
        return first, last
    full = text(raw.get("name"), 240)
    if not full:
        return "", ""
    head, _, tail = full.partition(" ")
    return head, tail.strip()


def _linkedin(raw: Mapping[str, Any]) -> str | None:
    profiles = raw.get("social_profiles")
    if isinstance(profiles, list):
        for p in profiles:
            if isinstance(p, dict) and (found := linkedin_key(p.get("url"))):
                return found
    return linkedin_key(raw.get("profile_url"))


def _state(raw: Mapping[str, Any], stage: Stage | None) -> ApplicationState | None:
    disq = raw.get("disqualified")
    if disq is not None and not isinstance(disq, bool):
        return None
    if disq:
        return "rejected"
    if (stage is not None and stage.kind == "hired") or iso_time(raw.get("hired_at")):
        return "hired"
    return "active"


def parse_candidate(raw: Any, stages: Stages) -> CandidateRecord | Quarantine:
    """One Workable candidate (list entry, ``GET /candidates/{id}``'s ``candidate``, or a
    create's answer) → ``CandidateRecord`` with its one application."""
    if not isinstance(raw, dict):
        return _quarantine("candidates", "a candidate that is not a JSON object", raw)
    cid = ident(raw.get("id"))
    if cid is None:
        return _quarantine("candidates", "a candidate without an id", raw)
    shown = _printable(cid)
    first, last = _names(raw)
    if not (first or last):
        return _quarantine("candidates", f"candidate {shown} has no name", raw)
    job = raw.get("job")
    if job is not None and not isinstance(job, dict):
        return _quarantine("candidates", f"candidate {shown} has an unreadable job", raw)
    shortcode = ident(job.get("shortcode")) if isinstance(job, dict) else None
    stage_raw = raw.get("stage")
    if stage_raw is not None and not isinstance(stage_raw, str):
        return _quarantine("candidates", f"candidate {shown} has an unreadable stage", raw)
    stage_name = text(stage_raw, 120) or None
    stage = stages.find(stage_name) if stage_name else None
    state = _state(raw, stage)
    if state is None:
        return _quarantine("candidates", f"candidate {shown} has an unreadable "
                           "disqualified flag", raw)
    updated = iso_time(raw.get("updated_at")) or iso_time(raw.get("created_at"))
    email = email_key(raw.get("email"))
    phone = text(raw.get("phone"), 60)
    address = raw.get("address")
    app = ApplicationRecord(id=cid, job_id=shortcode,
                            stage_id=stage.slug if stage else None,
                            stage_name=stage.name if stage else stage_name,
                            status=state, updated_at=updated)
    record = CandidateRecord(kind="candidate", id=cid, first_name=first, last_name=last,
                             emails=[email] if email else [],
                             phones=[phone] if phone else [], linkedin_url=_linkedin(raw),
                             location=(text(address) or None) if isinstance(address, str)
                             else None,
                             updated_at=updated, deleted=False, applications=[app])
    if not _storable(record):
        return _quarantine("candidates", f"candidate {shown} has text that is not valid "
                           "Unicode", raw)
    return record


def page_items(body: Any, key: str) -> tuple[list[Any], str | None] | None:
    """``{key: [...], "paging": {"next": url}}`` → (items, next url); None when the body is
    not that shape (the page is broken). No ``paging`` (or no ``next``) is the last page."""
    if not isinstance(body, dict):
        return None
    items = body.get(key)
    if not isinstance(items, list):
        return None
    paging = body.get("paging")
    nxt = paging.get("next") if isinstance(paging, dict) else None
    if nxt is not None and not (isinstance(nxt, str) and nxt.startswith(("http://", "https://"))
                                and len(nxt) < 4000):
        return None
    return items, nxt


__all__ = ["JOB_STATES", "SERVICE", "Stage", "Stages", "page_items", "parse_candidate",
           "parse_job", "parse_stages"]
