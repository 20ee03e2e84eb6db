"""Writing what an ATS sent into the workspace, one page per transaction.

``apply_jobs`` upserts the jobs (a job's link to an interviewer is ours and is never touched).
``apply_candidates`` stores a page of people with their applications:

* a person already known at this ATS (``external_ids``) is updated: the ATS owns the fields
  it gave (name, email, phone, location) on a person it brought; on a person who came from
  elsewhere it only fills what is missing;
* a person new to this ATS is resolved in the directory (``candidates/identity.py``: linked
  by email / phone / LinkedIn when the names agree, else created, with possible duplicates
  kept for review), and gets an identity row;
* each application gets an identity row with its ATS job, stage and status; when the job is
  linked to an interviewer, the person is that interviewer's: the application is tied to
  ours if they have one, otherwise they wait to be invited (``PageOutcome.to_invite`` when
  the link says auto-invite);
* a person deleted or anonymised at the ATS is marked so (``deleted_at``) — nothing of ours
  is deleted.

New rows go in with Core ``INSERT … RETURNING`` (SQLAlchemy's insertmanyvalues), so a
200,000-person first import is not 200,000 ORM flushes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.models import Application, AtsJob, Candidate, ExternalIdentity
from milo_desktop.services.candidates.identity import (
    Person,
    fill_missing,
    record_possible_many,
    resolve,
)
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    JobRecord,
    email_key,
    parse_iso,
)
from milo_desktop.services.flows.config import to_e164

CANDIDATE = "candidate"
APPLICATION = "application"


@dataclass
class PageOutcome:
    """What one page changed: people created / updated, and whom to invite where."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    to_invite: dict[int, list[int]] = field(default_factory=dict)  # interviewer → candidates
    possible_duplicates: int = 0


def apply_jobs(s: Session, provider: str, records: Sequence[Mapping[str, Any]],
               now: dt.datetime) -> int:
    jobs = [cast(JobRecord, r) for r in records]
    ids = [j["id"] for j in jobs]
    existing = {j.external_id: j for j in s.scalars(
        select(AtsJob).where(AtsJob.provider == provider, AtsJob.external_id.in_(ids)))}
    for j in jobs:
        row = existing.get(j["id"])
        if row is None:
            row = AtsJob(provider=provider, external_id=j["id"], stage_mapping={},
                         write_back={}, auto_invite=False)
            s.add(row)
            existing[j["id"]] = row
        row.title = j["title"][:300] or f"Job {j['id']}"
        row.status = j["status"]
        row.location = j["location"][:200] if j["location"] else None
        if j["stages"] or not row.stages:
            row.stages = [dict(st) for st in j["stages"]]
        row.updated_at = parse_iso(j["updated_at"])
        row.deleted = j["deleted"]
        row.seen_at = now
    return len(jobs)


@functools.lru_cache(maxsize=100_000)
def _e164(raw: str) -> str | None:
    """``to_e164`` remembered: parsing with phonenumbers costs ~0.2 ms a number, and an
    import meets the same numbers again (re-reads, incremental rounds)."""
    return to_e164(raw)


def reserve_ids(s: Session, table: str, n: int) -> list[int]:
    """``n`` new primary keys for ``table``, so a page's rows go in as one plain executemany
    (``INSERT … RETURNING`` in parameter order runs row by row on SQLite). On SQLite the
    workspace's single writer thread holds the write transaction; on PostgreSQL the ids come
    from the table's own sequence, safe beside other writers."""
    if s.get_bind().dialect.name == "postgresql":
        return list(s.scalars(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}))
    top = s.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) or 0
    return list(range(int(top) + 1, int(top) + 1 + n))


def person_of(r: CandidateRecord) -> Person:
    name = " ".join(x for x in (r["first_name"], r["last_name"]) if x).strip()
    phone = next((p for p in (_e164(raw) for raw in r["phones"][:3]) if p), None)
    email = next((e for e in map(email_key, r["emails"][:3]) if e), None)
    return Person(full_name=name, email=email,
                  phone_e164=phone, linkedin_url=r["linkedin_url"],
                  location=r["location"])


def _linked_jobs(s: Session, provider: str, job_ids: set[str]) -> dict[str, tuple[int, bool]]:
    """ATS job id → (interviewer id, auto-invite) for the linked jobs among ``job_ids``."""
    if not job_ids:
        return {}
    rows = s.execute(select(AtsJob.external_id, AtsJob.interviewer_id, AtsJob.auto_invite)
                     .where(AtsJob.provider == provider, AtsJob.external_id.in_(job_ids),
                            AtsJob.interviewer_id.is_not(None)))
    return {ext: (iv, auto) for ext, iv, auto in rows if iv is not None}


def apply_candidates(s: Session, provider: str, records: Sequence[Mapping[str, Any]],
                     now: dt.datetime) -> PageOutcome:
    people = [cast(CandidateRecord, r) for r in records]
    out = PageOutcome()
    if not people:
        return out
    known = dict(s.execute(
        select(ExternalIdentity.external_id, ExternalIdentity.candidate_id).where(
            ExternalIdentity.provider == provider, ExternalIdentity.kind == CANDIDATE,
            ExternalIdentity.external_id.in_([r["id"] for r in people]))).tuples().all())
    fresh = [r for r in people if r["id"] not in known]
    # The same person twice on one page (a vendor quirk): the last one wins.
    fresh = list({r["id"]: r for r in fresh}.values())
    persons = [person_of(r) for r in fresh]
    resolutions = resolve(s, persons)
    new_rows: list[dict[str, Any]] = []
    new_index: list[int] = []
    for i, (r, p, res) in enumerate(zip(fresh, persons, resolutions, strict=True)):
        if r["deleted"] and res.candidate_id is None:
            continue  # someone deleted at the ATS before we ever saw them: nothing to keep
        if res.candidate_id is not None:
            known[r["id"]] = res.candidate_id
            c = s.get(Candidate, res.candidate_id)
            if c is not None and fill_missing(c, p):
                out.updated.append(c.id)
            continue
        name = p.full_name or p.email or p.phone_e164 or f"{provider.title()} {r['id']}"
        new_rows.append({"full_name": name[:200], "name_key": name.casefold()[:200],
                         "email": p.email, "phone_e164": p.phone_e164,
                         "linkedin_url": p.linkedin_url,
                         "location": p.location[:120] if p.location else None,
                         "source": CandidateSource.ATS, "ats_provider": provider,
                         "ats_candidate_id": r["id"], "created_at": now, "updated_at": now})
        new_index.append(i)
    if new_rows:
        ids = reserve_ids(s, "candidates", len(new_rows))
        s.execute(insert(Candidate), [{"id": i, **row} for i, row in zip(ids, new_rows,
                                                                          strict=True)])
        for i, cid in zip(new_index, ids, strict=True):
            known[fresh[i]["id"]] = cid
            out.created.append(cid)
        out.possible_duplicates += record_possible_many(
            s, [(cid, resolutions[i].possible) for i, cid in zip(new_index, ids, strict=True)
                if resolutions[i].possible], provider)
    _update_known(s, provider, [r for r in people if r["id"] in known
                                and known[r["id"]] not in out.created], known, out)
    _store_identities(s, provider, people, known, now, out)
    return out


def _update_known(s: Session, provider: str, people: list[CandidateRecord],
                  known: dict[str, int], out: PageOutcome) -> None:
    """People this ATS brought before: its fields win on those it owns."""
    if not people:
        return
    rows = {c.id: c for c in s.scalars(select(Candidate).where(
        Candidate.id.in_({known[r["id"]] for r in people})))}
    for r in people:
        c = rows.get(known[r["id"]])
        if c is None or r["deleted"]:
            continue
        p = person_of(r)
        if c.ats_provider == provider and c.ats_candidate_id == r["id"]:
            changed = False
            for attr, value in (("full_name", p.full_name), ("email", p.email),
                                ("phone_e164", p.phone_e164), ("location", p.location),
                                ("linkedin_url", p.linkedin_url)):
                if value and getattr(c, attr) != value:
                    setattr(c, attr, value[:200] if attr == "full_name" else value)
                    changed = True
            if changed:
                c.name_key = c.full_name.casefold()[:200]
                out.updated.append(c.id)
        elif fill_missing(c, p):
            out.updated.append(c.id)


def _store_identities(s: Session, provider: str, people: list[CandidateRecord],
                      known: dict[str, int], now: dt.datetime, out: PageOutcome) -> None:
    people = [r for r in people if r["id"] in known]
    apps: list[tuple[CandidateRecord, ApplicationRecord]] = [
        (r, a) for r in people for a in r["applications"]]
    existing: dict[tuple[str, str], ExternalIdentity] = {}
    # One query per kind: (provider, kind, external_id) is the unique index's order.
    for kind, keys in ((CANDIDATE, [r["id"] for r in people]),
                       (APPLICATION, [a["id"] for _r, a in apps])):
        if keys:
            existing.update({(kind, row.external_id): row for row in s.scalars(
                select(ExternalIdentity).where(ExternalIdentity.provider == provider,
                                               ExternalIdentity.kind == kind,
                                               ExternalIdentity.external_id.in_(keys)))})
    inserts: list[dict[str, Any]] = []
    for r in people:
        row = existing.get((CANDIDATE, r["id"]))
        values: dict[str, Any] = {"candidate_id": known[r["id"]], "updated_at": parse_iso(r["updated_at"]),
                  "deleted_at": now if r["deleted"] else None}
        if row is None:
            inserts.append({"provider": provider, "kind": CANDIDATE, "external_id": r["id"],
                            **values})
        else:
            if row.deleted_at is not None and r["deleted"]:
                values["deleted_at"] = row.deleted_at
            for k, v in values.items():
                setattr(row, k, v)
    linked = _linked_jobs(s, provider, {a["job_id"] for _r, a in apps if a["job_id"]})
    ours = _our_applications(s, {(known[r["id"]], linked[a["job_id"]][0]) for r, a in apps
                                 if a["job_id"] in linked})
    for r, a in apps:
        cid = known[r["id"]]
        link = linked.get(a["job_id"] or "")
        app_id = ours.get((cid, link[0])) if link else None
        fields: dict[str, Any] = {"candidate_id": cid, "job_external_id": a["job_id"],
                  "stage_external_id": a["stage_id"],
                  "stage_name": a["stage_name"][:200] if a["stage_name"] else None,
                  "status": a["status"], "updated_at": parse_iso(a["updated_at"]),
                  "deleted_at": now if r["deleted"] else None}
        if app_id is not None:
            fields["application_id"] = app_id
        row = existing.get((APPLICATION, a["id"]))
        if row is None:
            inserts.append({"provider": provider, "kind": APPLICATION, "external_id": a["id"],
                            "application_id": app_id, **fields})
        else:
            for k, v in fields.items():
                setattr(row, k, v)
        if link and app_id is None and link[1] and a["status"] == "active" and not r["deleted"]:
            out.to_invite.setdefault(link[0], []).append(cid)
    if inserts:
        full = [{"application_id": None, "job_external_id": None, "stage_external_id": None,
                 "stage_name": None, "status": None, **row} for row in inserts]
        s.execute(insert(ExternalIdentity), full)


def _our_applications(s: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    if not pairs:
        return {}
    cids = {c for c, _ in pairs}
    ivs = {i for _, i in pairs}
    rows = s.execute(select(Application.candidate_id, Application.interviewer_id, Application.id)
                     .where(Application.candidate_id.in_(cids),
                            Application.interviewer_id.in_(ivs)))
    return {(c, i): a for c, i, a in rows if (c, i) in pairs}


def tie_applications(s: Session, provider: str, interviewer_id: int, job_external_id: str) -> int:
    """After an invitation: tie the ATS applications of a linked job to the applications it
    created (so results can be sent back); returns how many were tied."""
    rows = s.execute(select(ExternalIdentity.id, Application.id)
                     .join(Application, (Application.candidate_id == ExternalIdentity.candidate_id)
                           & (Application.interviewer_id == interviewer_id))
                     .where(ExternalIdentity.provider == provider,
                            ExternalIdentity.kind == APPLICATION,
                            ExternalIdentity.job_external_id == job_external_id,
                            ExternalIdentity.application_id.is_(None))).all()
    for ident_id, app_id in rows:
        s.execute(update(ExternalIdentity).where(ExternalIdentity.id == ident_id)
                  .values(application_id=app_id))
    return len(rows)


__all__ = ["APPLICATION", "CANDIDATE", "PageOutcome", "apply_candidates", "apply_jobs",
           "person_of", "tie_applications"]
