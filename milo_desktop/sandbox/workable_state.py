"""The Workable sandbox's account: members, stages, jobs, candidates and their comments, and
the JSON shapes Workable SPI v3 answers with (https://workable.readme.io/).

Kept apart from the HTTP side (``workable.py``) so the seeding API and the shapes read on
their own. Built for size: candidates live in a list indexed by an insertion sequence (their
id is that sequence in hex, so ``since_id`` paging is a slice, never a scan from the start),
with an index by id and one by email; 200,000 seeded candidates page through in O(n).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

ID_BASE = 0x1000000  # candidate ids look like Workable's: 7 hex digits ("ce4da98")
DEFAULT_STAGES = (("Sourced", "sourced"), ("Applied", "applied"),
                  ("Phone Screen", "phone-screen"), ("Assessment", "assessment"),
                  ("Interview", "interview"), ("Offer", "offer"), ("Hired", "hired"))
_KINDS = ("sourced", "applied", "phone-screen", "assessment", "interview", "offer", "hired")


def stamp(when: dt.datetime) -> str:
    """Workable's timestamps: ISO 8601, UTC, whole seconds ("2015-06-08T00:00:00Z")."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "stage"


def kind_of(name: str) -> str:
    """A stage kind for a stage added by name (custom stages are interview-like)."""
    low = name.lower()
    for kind in _KINDS:
        if kind.replace("-", " ") in low:
            return kind
    if "hire" in low:
        return "hired"
    if "screen" in low:
        return "phone-screen"
    return "interview"


@dataclass
class Stage:
    slug: str
    name: str
    kind: str
    position: int

    def json(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "kind": self.kind,
                "position": self.position}


@dataclass
class Job:
    seq: int
    id: str
    shortcode: str
    title: str
    stages: list[str]  # slugs, the first is where new candidates start
    created_at: dt.datetime
    state: str = "published"
    department: str | None = None
    city: str = "Athens"

    def json(self, subdomain: str) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "full_title": f"{self.title} - {self.city}",
            "shortcode": self.shortcode, "code": None, "state": self.state,
            "department": self.department, "department_hierarchy": [],
            "url": f"https://{subdomain}.workable.com/jobs/{self.seq}",
            "application_url": f"https://{subdomain}.workable.com/jobs/{self.seq}/candidates/new",
            "shortlink": f"https://{subdomain}.workable.com/j/{self.shortcode}",
            "location": {"location_str": self.city, "country": "Greece", "country_code": "GR",
                         "region": "Attica", "region_code": "I", "city": self.city,
                         "zip_code": None, "telecommuting": False},
            "created_at": stamp(self.created_at),
        }


@dataclass
class Activity:
    id: str
    action: str  # "comment", "move", "disqualification"
    body: str | None
    created_at: dt.datetime
    member: dict[str, str]
    stage_name: str | None = None

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "action": self.action, "stage_name": self.stage_name,
                "created_at": stamp(self.created_at), "body": self.body,
                "member": self.member}


@dataclass(slots=True)
class Cand:
    seq: int
    id: str
    first: str
    last: str
    email: str | None
    phone: str | None
    job: str  # shortcode
    stage: str  # slug
    created_at: dt.datetime
    updated_at: dt.datetime
    linkedin: str | None = None
    sourced: bool = True
    disqualified: bool = False
    disqualification_reason: str | None = None
    disqualified_at: dt.datetime | None = None
    hired_at: dt.datetime | None = None
    activities: list[Activity] | None = None


@dataclass
class Account:
    """Everything the sandbox account holds (no HTTP here)."""

    subdomain: str = "sandbox"
    name: str = "Sandbox Recruiting"
    members: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": "13e0eb0e", "name": "Jane Recruiter", "headline": "Talent lead",
         "email": "jane@sandbox.example", "role": "admin", "roles": ["ats.admin"]},
        {"id": "2a7c91f4", "name": "Sam Hiring", "headline": "Hiring manager",
         "email": "sam@sandbox.example", "role": "simple", "roles": ["ats.simple"]},
    ])
    stages: dict[str, Stage] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    job_order: list[Job] = field(default_factory=list)
    order: list[Cand | None] = field(default_factory=list)
    by_id: dict[str, Cand] = field(default_factory=dict)
    by_email: dict[str, set[int]] = field(default_factory=dict)
    activity_seq: int = 0

    def __post_init__(self) -> None:
        for name, kind in DEFAULT_STAGES:
            self.ensure_stage(name, kind)

    # -- stages and jobs ------------------------------------------------------------------
    def ensure_stage(self, name: str, kind: str | None = None) -> Stage:
        for st in self.stages.values():
            if st.name.casefold() == name.casefold():
                return st
        slug = slugify(name)
        while slug in self.stages:
            slug += "_2"
        st = Stage(slug, name, kind or kind_of(name), len(self.stages))
        self.stages[slug] = st
        return st

    def stage_name(self, cand: Cand) -> str:
        st = self.stages.get(cand.stage)
        return st.name if st else cand.stage

    def add_job(self, title: str, stages: list[str], now: dt.datetime) -> Job:
        seq = len(self.job_order)
        slugs = [self.ensure_stage(n).slug for n in stages] or list(self.stages)
        job = Job(seq, f"{0x61884e2 + seq:x}", f"{0x9FA20A268C + seq * 7919:X}"[-10:],
                  title, slugs, now)
        self.jobs[job.shortcode] = job
        self.job_order.append(job)
        return job

    # -- candidates -----------------------------------------------------------------------
    def seq_of(self, cid: str) -> int | None:
        try:
            seq = int(cid, 16) - ID_BASE
        except ValueError:
            return None
        return seq if seq >= 0 else None

    def add(self, first: str, last: str, email: str | None, phone: str | None, job: Job,
            now: dt.datetime, linkedin: str | None = None, sourced: bool = True,
            stage: str | None = None) -> Cand:
        seq = len(self.order)
        cand = Cand(seq, f"{ID_BASE + seq:x}", first, last, email, phone, job.shortcode,
                    stage or job.stages[0], now, now, linkedin, sourced)
        self.order.append(cand)
        self.by_id[cand.id] = cand
        if email:
            self.by_email.setdefault(email.lower(), set()).add(seq)
        return cand

    def set_email(self, cand: Cand, email: str | None) -> None:
        if cand.email:
            self.by_email.get(cand.email.lower(), set()).discard(cand.seq)
        cand.email = email
        if email:
            self.by_email.setdefault(email.lower(), set()).add(cand.seq)

    def remove(self, cid: str) -> bool:
        cand = self.by_id.pop(cid, None)
        if cand is None:
            return False
        self.set_email(cand, None)
        self.order[cand.seq] = None
        return True

    def log(self, cand: Cand, action: str, body: str | None, member: dict[str, Any],
            now: dt.datetime, stage_name: str | None = None) -> Activity:
        self.activity_seq += 1
        act = Activity(f"{0x3b000000 + self.activity_seq:x}", action, body, now,
                       {"id": member["id"], "name": member["name"]}, stage_name)
        if cand.activities is None:
            cand.activities = []
        cand.activities.append(act)
        return act

    def status(self, cand: Cand) -> str:
        if cand.disqualified:
            return "rejected"
        st = self.stages.get(cand.stage)
        return "hired" if st is not None and st.kind == "hired" else "active"

    # -- shapes ---------------------------------------------------------------------------
    def candidate_json(self, cand: Cand, full: bool = False) -> dict[str, Any]:
        """A candidate as ``GET /candidates`` lists it; ``full`` adds what
        ``GET /candidates/{id}`` shows besides (social profiles, tags…)."""
        job = self.jobs.get(cand.job)
        st = self.stages.get(cand.stage)
        out: dict[str, Any] = {
            "id": cand.id, "name": f"{cand.first} {cand.last}".strip(),
            "firstname": cand.first, "lastname": cand.last, "headline": None,
            "account": {"subdomain": self.subdomain, "name": self.name},
            "job": {"shortcode": cand.job, "title": job.title if job else None},
            "stage": st.name if st else cand.stage,
            "disqualified": cand.disqualified,
            "disqualification_reason": cand.disqualification_reason,
            "hired_at": stamp(cand.hired_at) if cand.hired_at else None,
            "sourced": cand.sourced,
            "profile_url": f"https://{self.subdomain}.workable.com/backend/candidates/"
                           f"{cand.seq}",
            "address": None, "phone": cand.phone, "email": cand.email, "domain": None,
            "created_at": stamp(cand.created_at), "updated_at": stamp(cand.updated_at),
        }
        if full:
            out["social_profiles"] = ([{"type": "linkedin", "name": "LinkedIn",
                                        "url": cand.linkedin}] if cand.linkedin else [])
            out["tags"] = []
            out["disqualified_at"] = (stamp(cand.disqualified_at)
                                      if cand.disqualified_at else None)
        return out


__all__ = ["DEFAULT_STAGES", "ID_BASE", "Account", "Activity", "Cand", "Job", "Stage",
           "kind_of", "parse_stamp", "slugify", "stamp"]
