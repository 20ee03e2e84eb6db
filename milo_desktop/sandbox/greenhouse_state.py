"""The Greenhouse sandbox's data: users, jobs, stages, candidates, applications, notes.

Records are kept in the v3 shapes they are served in (bare dicts, ids as integers, times as
"2026-11-01T00:00:01.000Z"), each kind in a dict by id plus an ascending id list, so a list
page is a bisect and a slice however many people there are (200,000 for the benchmark):
no sorting or scanning from the start per request. Deleted people leave the dict (and are
skipped in the id list): Greenhouse deletes for good, and v3 lists have no "deleted since"
filter, so an incremental pull cannot see a deletion (only a full walk can).

``seed_many`` fills the sandbox with fictional people in bulk: names from fixed lists,
emails on example.com / .net / .org, phones in the 555-01xx fictional range, last updated one
second apart.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from typing import Any

FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tara",
         "Umar", "Vera", "Wen", "Xavi", "Yara", "Zane")
LAST = ("Abbott", "Bianchi", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Patel",
        "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Young", "Zeller")
DOMAINS = ("example.com", "example.net", "example.org")
# Area codes for the fictional 555-01xx numbers: enough of them that seeded people rarely
# share a number (a few hundred thousand people, ~20 000 numbers), as real applicants don't.
AREA_CODES = (
    201, 204, 207, 210, 214, 217, 220, 225, 228, 234, 239, 249, 252, 256, 262, 269, 273,
    279, 289, 303, 306, 309, 313, 316, 319, 323, 326, 330, 334, 339, 343, 350, 353, 361,
    365, 369, 385, 402, 405, 408, 412, 415, 418, 424, 430, 434, 438, 443, 448, 463, 469,
    474, 479, 500, 503, 506, 509, 513, 516, 519, 522, 527, 530, 533, 540, 548, 559, 563,
    567, 572, 575, 580, 584, 587, 601, 604, 607, 610, 614, 617, 620, 626, 630, 636, 641,
    647, 656, 659, 662, 670, 678, 682, 689, 703, 706, 709, 714, 717, 720, 726, 730, 734,
    740, 747, 754, 762, 769, 772, 775, 780, 784, 787, 802, 805, 808, 812, 815, 818, 821,
    828, 831, 835, 840, 845, 849, 855, 858, 862, 865, 870, 876, 879, 901, 904, 907, 910,
    914, 917, 920, 929, 934, 938, 941, 945, 949, 954, 970, 973, 979, 984, 989,
)


def stamp(when: dt.datetime) -> str:
    """v3's time format: ISO 8601 UTC with milliseconds."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{when.microsecond // 1000:03d}Z"


class Table:
    """Records of one kind: by id, plus every id ever added in ascending order."""

    def __init__(self, first_id: int) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.order: list[int] = []
        self.next_id = first_id

    def add(self, row: dict[str, Any]) -> int:
        rid = self.next_id
        self.next_id += 1
        row["id"] = rid
        self.rows[rid] = row
        self.order.append(rid)
        return rid

    def after(self, last: int) -> int:
        """Index in ``order`` of the first id greater than ``last``."""
        return bisect.bisect_right(self.order, last)


class GreenhouseState:
    """Everything the sandbox knows (the server guards it with its lock)."""

    def __init__(self) -> None:
        self.users = Table(4080)
        self.jobs = Table(127001)
        self.stages = Table(62801)
        self.candidates = Table(978001)
        self.applications = Table(985001)
        self.notes = Table(50001)
        self.reasons = Table(8)
        self.apps_by_candidate: dict[int, list[int]] = {}
        self.notes_by_candidate: dict[int, list[int]] = {}
        self.stages_by_job: dict[int, list[int]] = {}
        self.updated: dict[int, float] = {}  # candidate id → updated_at as a Unix time

    # -- building blocks (the caller passes the sandbox clock's time) ---------------------
    def job(self, title: str, stages: list[str], now: dt.datetime) -> int:
        t = stamp(now)
        jid = self.jobs.add({"name": title, "requisition_id": None, "status": "open",
                             "confidential": False, "created_at": t, "updated_at": t,
                             "opened_at": t, "closed_at": None})
        self.stages_by_job[jid] = []
        for order, name in enumerate(stages):
            sid = self.stages.add({"job_id": jid, "name": name, "sort_order": order,
                                   "created_at": t, "updated_at": t})
            self.stages_by_job[jid].append(sid)
        return jid

    def candidate(self, first: str, last: str, emails: list[str], phones: list[str],
                  now: dt.datetime, linkedin: str | None = None) -> int:
        t = stamp(now)
        cid = self.candidates.add({
            "first_name": first, "last_name": last, "company": None, "title": None,
            "is_private": False, "created_at": t, "updated_at": t, "last_activity_at": t,
            "email_addresses": [{"value": e, "type": "personal"} for e in emails],
            "phone_numbers": [{"value": p, "type": "mobile"} for p in phones],
            "addresses": [], "website_addresses": [],
            "social_media_addresses": [{"value": linkedin}] if linkedin else [],
            "tags": []})
        self.updated[cid] = now.timestamp()
        return cid

    def application(self, cid: int, jid: int, now: dt.datetime,
                    stage_id: int | None = None) -> int:
        t = stamp(now)
        stages: list[int | None] = [*self.stages_by_job.get(jid, [])] or [None]
        aid = self.applications.add({
            "candidate_id": cid, "job_id": jid, "prospect": False, "status": "active",
            "current_stage_id": stage_id or stages[0], "applied_at": t, "rejected_at": None,
            "last_activity_at": t, "created_at": t, "updated_at": t, "source_id": None,
            "credited_to_id": None})
        self.apps_by_candidate.setdefault(cid, []).append(aid)
        self.touch(cid, now)
        return aid

    def touch(self, cid: int, now: dt.datetime) -> None:
        """The person changed (themselves or one of their applications): a new updated_at,
        so an "updated since" pull sees it."""
        row = self.candidates.rows.get(cid)
        if row is not None:
            row["updated_at"] = row["last_activity_at"] = stamp(now)
            self.updated[cid] = now.timestamp()

    def note(self, cid: int, aid: int | None, uid: int, body: str, visibility: str,
             now: dt.datetime) -> int:
        t = stamp(now)
        nid = self.notes.add({"candidate_id": cid, "application_id": aid, "user_id": uid,
                              "body": body, "visibility": visibility, "created_at": t,
                              "updated_at": t})
        self.notes_by_candidate.setdefault(cid, []).append(nid)
        return nid

    def delete(self, cid: int) -> None:
        self.candidates.rows.pop(cid, None)
        self.updated.pop(cid, None)
        for aid in self.apps_by_candidate.pop(cid, []):
            self.applications.rows.pop(aid, None)
        for nid in self.notes_by_candidate.pop(cid, []):
            self.notes.rows.pop(nid, None)

    def seed_many(self, n: int, job_ids: list[int], seed: int, start: dt.datetime) -> list[int]:
        """``n`` fictional people, each with one application to ``job_ids[i % len]`` in the
        job's first stage, built directly. Person ``i`` was last updated at ``start + i`` s:
        a real account's people are spread over time, so an "updated since" pull with the
        sync core's overlap re-reads a small tail, not everyone (the caller moves its clock
        past the last one)."""
        rng = random.Random(seed)
        base = start.timestamp()
        millis = f".{start.microsecond // 1000:03d}Z"
        made: list[int] = []
        cands, apps = self.candidates, self.applications
        for i in range(n):
            ts = base + i
            t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + millis
            first, last = rng.choice(FIRST), rng.choice(LAST)
            cid = cands.next_id
            email = f"{first.lower()}.{last.lower()}.{cid}@{DOMAINS[i % 3]}"
            # Only fictional numbers may be seeded (555-01xx: 100 per area code), so only one
            # person in ten has one: a few hundred thousand people barely share a number.
            phone = (f"+1 {rng.choice(AREA_CODES)}-555-01{rng.randrange(100):02d}"
                     if i % 10 == 0 else None)
            cands.add({"first_name": first, "last_name": last, "company": None,
                       "title": None, "is_private": False, "created_at": t, "updated_at": t,
                       "last_activity_at": t,
                       "email_addresses": [{"value": email, "type": "personal"}],
                       "phone_numbers": [{"value": phone, "type": "mobile"}] if phone else [],
                       "addresses": [], "website_addresses": [], "social_media_addresses": [],
                       "tags": []})
            self.updated[cid] = ts
            if job_ids:
                jid = job_ids[i % len(job_ids)]
                job_stages = self.stages_by_job.get(jid)
                first_stage = job_stages[0] if job_stages else None
                aid = apps.add({"candidate_id": cid, "job_id": jid, "prospect": False,
                                "status": "active", "current_stage_id": first_stage,
                                "applied_at": t, "rejected_at": None, "last_activity_at": t,
                                "created_at": t, "updated_at": t, "source_id": None,
                                "credited_to_id": None})
                self.apps_by_candidate[cid] = [aid]
            made.append(cid)
        return made


__all__ = ["DOMAINS", "FIRST", "LAST", "GreenhouseState", "Table", "stamp"]
