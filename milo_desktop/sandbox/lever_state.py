"""The data of the Lever sandbox (``lever.py``): users, stages, archive reasons, postings,
contacts, opportunities, notes - and how they look on the wire.

Lever's model: a *contact* (the person, one per email: Lever de-duplicates by email) has
many *opportunities*, one per posting it is considered for; each opportunity carries the
contact's name, emails, phones and links, its own stage (stages are account-wide) and its
``archived`` state ({reason, archivedAt} or null). Times are epoch milliseconds.

Everything is kept in insertion order with indexes (id → position, email → contact), so
paging 200,000 opportunities is linear, never quadratic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ORIGIN = "https://hire.lever.co"


def uid(kind: int, n: int) -> str:
    """A deterministic UUID-shaped id: ``kind`` tells what it is (readable in logs)."""
    return f"{kind:08x}-{(n >> 48) & 0xFFFF:04x}-4{(n >> 36) & 0xFFF:03x}-8{(n >> 24) & 0xFFF:03x}-" \
           f"{n & 0xFFFFFFFFFFFF:012x}"


USER, STAGE, REASON, POSTING, CONTACT, OPP, APP, NOTE = range(1, 9)


@dataclass
class Contact:
    id: str
    name: str
    emails: list[str]
    phones: list[dict[str, str]]
    links: list[str]
    location: str
    opps: list[str] = field(default_factory=list)


@dataclass
class Opp:
    id: str
    contact: str
    posting: str | None
    app_id: str
    stage: str
    created: int
    updated: int
    origin: str = "applied"
    archived: dict[str, Any] | None = None
    deleted_at: int | None = None
    advanced: int = 0


@dataclass
class Posting:
    id: str
    text: str
    stages: list[str]  # stage ids this posting's pipeline starts with (seeding)
    state: str
    created: int
    updated: int
    location: str = "Remote"


class LeverState:
    """Records and indexes (see the module docstring); no locking here (the sandbox holds
    its lock around every call)."""

    def __init__(self) -> None:
        self._n = 0
        self.user: dict[str, Any] = {"id": uid(USER, 1), "name": "Riley Recruiter",
                     "username": "riley", "email": "riley@agency.example",
                     "accessRole": "super admin", "photo": None, "createdAt": 1_700_000_000_000,
                     "deactivatedAt": None, "externalDirectoryId": None, "linkedContactIds": [],
                     "jobTitle": "Recruiter", "managerId": None}
        self.stages: list[dict[str, str]] = []
        self._stage_by_name: dict[str, str] = {}
        self.reasons = [
            {"id": uid(REASON, 1), "text": "Hired", "status": "active", "type": "hired"},
            {"id": uid(REASON, 2), "text": "Underqualified", "status": "active",
             "type": "non-hired"},
            {"id": uid(REASON, 3), "text": "Not a fit", "status": "active",
             "type": "non-hired"},
            {"id": uid(REASON, 4), "text": "Withdrew", "status": "active",
             "type": "non-hired"},
        ]
        self.hired_reasons = {r["id"] for r in self.reasons if r["type"] == "hired"}
        self.postings: dict[str, Posting] = {}
        self.posting_order: list[str] = []
        self.contacts: dict[str, Contact] = {}
        self.by_email: dict[str, str] = {}
        self.opps: dict[str, Opp] = {}
        self.order: list[str] = []  # opportunity ids, creation order
        self.position: dict[str, int] = {}
        self.deleted: list[str] = []  # opportunity ids, deletion order
        self.deleted_position: dict[str, int] = {}
        self.notes: dict[str, list[dict[str, Any]]] = {}

    def next_id(self, kind: int) -> str:
        self._n += 1
        return uid(kind, self._n)

    # -- seeding ---------------------------------------------------------------------
    def stage_id(self, name: str) -> str:
        found = self._stage_by_name.get(name.casefold())
        if found is None:
            found = self.next_id(STAGE)
            self.stages.append({"id": found, "text": name})
            self._stage_by_name[name.casefold()] = found
        return found

    def add_posting(self, title: str, stages: list[str], now: int) -> str:
        ids = [self.stage_id(s) for s in stages] or [self.stage_id("New applicant")]
        pid = self.next_id(POSTING)
        self.postings[pid] = Posting(pid, title, ids, "published", now, now)
        self.posting_order.append(pid)
        return pid

    def add_contact(self, name: str, emails: list[str], phones: list[dict[str, str]],
                    links: list[str], location: str = "") -> Contact:
        contact = Contact(self.next_id(CONTACT), name, emails, phones, links, location)
        self.contacts[contact.id] = contact
        for email in emails:
            self.by_email.setdefault(email.casefold(), contact.id)
        return contact

    def add_opp(self, contact: Contact, posting: str | None, now: int, *,
                stage: str | None = None, origin: str = "applied") -> Opp:
        first = self.postings[posting].stages[0] if posting else None
        stage = stage or first or self.stage_id("New lead")
        opp = Opp(self.next_id(OPP), contact.id, posting, self.next_id(APP), stage, now, now,
                  origin=origin, advanced=now)
        self.opps[opp.id] = opp
        self.position[opp.id] = len(self.order)
        self.order.append(opp.id)
        contact.opps.append(opp.id)
        return opp

    def live_opps(self, contact: Contact) -> list[Opp]:
        return [o for o in (self.opps[i] for i in contact.opps) if o.deleted_at is None]

    def delete_opp(self, opp: Opp, now: int) -> None:
        if opp.deleted_at is not None:
            return
        opp.deleted_at = now
        self.deleted_position[opp.id] = len(self.deleted)
        self.deleted.append(opp.id)

    # -- the wire ----------------------------------------------------------------------
    def stage_of(self, sid: str) -> dict[str, str]:
        for stage in self.stages:
            if stage["id"] == sid:
                return dict(stage)
        return {"id": sid, "text": ""}

    def render_posting(self, p: Posting) -> dict[str, Any]:
        return {
            "id": p.id, "text": p.text, "state": p.state, "createdAt": p.created,
            "updatedAt": p.updated, "user": self.user["id"], "owner": self.user["id"],
            "hiringManager": None, "confidentiality": "non-confidential",
            "categories": {"team": "Recruiting", "department": "Operations",
                           "location": p.location, "allLocations": [p.location],
                           "commitment": "Full-time", "level": None},
            "content": {"description": "", "descriptionHtml": "", "lists": [],
                        "closing": "", "closingHtml": ""},
            "country": None, "followers": [self.user["id"]], "tags": [],
            "distributionChannels": ["public"], "reqCode": None, "requisitionCodes": [],
            "salaryDescription": None, "salaryRange": None, "workplaceType": "onsite",
            "urls": {"list": "https://jobs.lever.co/agency",
                     "show": f"https://jobs.lever.co/agency/{p.id}",
                     "apply": f"https://jobs.lever.co/agency/{p.id}/apply"},
        }

    def render_opp(self, o: Opp, expand: set[str]) -> dict[str, Any]:
        c = self.contacts[o.contact]
        archived = dict(o.archived) if o.archived else None
        app: Any = o.app_id
        if "applications" in expand:
            app = {"id": o.app_id, "type": "posting" if o.posting else "user",
                   "candidateId": o.id, "opportunityId": o.id, "posting": o.posting,
                   "postingHiringManager": None, "postingOwner": self.user["id"],
                   "name": c.name, "company": None, "phone": c.phones[0] if c.phones else None,
                   "email": c.emails[0] if c.emails else None, "links": list(c.links),
                   "comments": None, "user": None, "customQuestions": [],
                   "createdAt": o.created, "archived": archived, "requisitionForHire": None}
        body: dict[str, Any] = {
            "id": o.id, "name": c.name, "headline": "", "contact": o.contact,
            "emails": list(c.emails), "phones": [dict(p) for p in c.phones],
            "confidentiality": "non-confidential", "location": c.location,
            "links": list(c.links), "archived": archived, "createdAt": o.created,
            "updatedAt": o.updated, "lastInteractionAt": o.updated,
            "lastAdvancedAt": o.advanced, "snoozedUntil": None,
            "stage": self.stage_of(o.stage) if "stage" in expand else o.stage,
            "stageChanges": [{"toStageId": o.stage, "toStageIndex": 0, "updatedAt": o.advanced,
                              "userId": self.user["id"]}],
            "owner": self.user["id"], "tags": [], "sources": ["Milo"], "origin": o.origin,
            "sourcedBy": None, "applications": [app], "resume": None,
            "followers": [self.user["id"]],
            "urls": {"list": f"{ORIGIN}/candidates", "show": f"{ORIGIN}/candidates/{o.id}"},
            "dataProtection": None, "isAnonymized": False,
        }
        if o.deleted_at is not None:
            body["deletedAt"] = o.deleted_at
        return body

    def status(self, o: Opp) -> str:
        if o.archived is None:
            return "active"
        return "hired" if o.archived.get("reason") in self.hired_reasons else "rejected"


__all__ = ["Contact", "LeverState", "Opp", "Posting", "uid"]
