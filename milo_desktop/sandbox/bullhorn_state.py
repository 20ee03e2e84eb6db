"""The Bullhorn sandbox's data: candidates, job orders, job submissions, notes, the event
subscriptions, and the small Lucene / where-clause evaluator its search and query answer with.

Kept apart from the HTTP routes (``bullhorn.py``). Everything is in memory and indexed so
200,000 candidates page in O(page) per request: ids only grow, so ``cand_ids`` stays sorted and
a keyset query (``id:[N TO *]``) starts with a bisection.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

DEFAULT_STATUSES = ["New Lead", "Submitted", "Client Rejected", "Interview Scheduled",
                    "Offer Extended", "Placed"]


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def lucene_ms(value: str) -> int | None:
    """"20261101000005" (yyyyMMddHHmmss, UTC) → epoch ms; "*" → None."""
    if value == "*":
        return None
    when = dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    return ms(when)


def state_of(status: str) -> str:
    """The neutral state of a status (rejected / hired / active), by its wording."""
    low = status.lower()
    if "reject" in low or "not interested" in low:
        return "rejected"
    if "placed" in low or "hired" in low or "offer accepted" in low:
        return "hired"
    return "active"


class QueryError(ValueError):
    """A query the sandbox (like Bullhorn) cannot parse: answered 400."""


Predicate = Callable[[dict[str, Any]], bool]
_RANGE = re.compile(r"^([\w.]+):\[(\S+) TO (\S+)\]$")
_TERM = re.compile(r'^([\w.]+):(?:"([^"]*)"|(\S+))$')


def _value(rec: dict[str, Any], name: str) -> Any:
    for part in name.split("."):
        rec = rec.get(part) if isinstance(rec, dict) else None  # type: ignore[assignment]
    return rec


def _clause(text: str) -> tuple[Predicate, int | None]:
    """One clause → (predicate, lowest id when it is an id range)."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        parts = [_clause(p)[0] for p in text[1:-1].split(" OR ")]
        return (lambda r: any(p(r) for p in parts)), None
    m = _RANGE.match(text)
    if m:
        name, lo, hi = m.groups()
        if name == "id":
            low = None if lo == "*" else int(lo)
            high = None if hi == "*" else int(hi)
            return (lambda r: (low is None or r["id"] >= low)
                    and (high is None or r["id"] <= high)), low
        try:
            lo_ms, hi_ms = lucene_ms(lo), lucene_ms(hi)
        except ValueError as exc:
            raise QueryError(f"bad date in {text!r}") from exc
        return (lambda r: isinstance(_value(r, name), int)
                and (lo_ms is None or _value(r, name) >= lo_ms)
                and (hi_ms is None or _value(r, name) <= hi_ms)), None
    m = _TERM.match(text)
    if not m:
        raise QueryError(f"cannot parse {text!r}")
    name, quoted, bare = m.groups()
    want = quoted if quoted is not None else bare
    if name in ("isDeleted", "isOpen"):
        flag = want.lower() in ("1", "true")
        return (lambda r: bool(_value(r, name)) is flag), None
    low_want = want.lower()
    return (lambda r: isinstance(_value(r, name), str)
            and _value(r, name).lower() == low_want), None


def compile_query(query: str) -> tuple[Predicate, int | None]:
    """A Lucene query of the forms our connector sends (clauses joined by AND; a clause is a
    range, a term, or a parenthesised OR of terms) → (predicate, lowest id)."""
    preds: list[Predicate] = []
    lowest: int | None = None
    for part in query.split(" AND "):
        pred, low = _clause(part)
        if low is not None:
            lowest = low
        preds.append(pred)
    return (lambda r: all(p(r) for p in preds)), lowest


_WHERE_IN = re.compile(r"^candidate\.id IN \(([\d,\s]*)\)$")


def where_ids(where: str) -> list[int]:
    m = _WHERE_IN.match(where.strip())
    if not m:
        raise QueryError(f"cannot parse where {where!r}")
    return [int(x) for x in m.group(1).split(",") if x.strip()]


@functools.lru_cache(maxsize=64)
def _names(fields: str) -> frozenset[str]:
    return frozenset({re.sub(r"\(.*", "", f).strip()
                      for f in re.split(r",(?![^(]*\))", fields)} | {"id"})


def project(rec: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """The record with only the requested top-level fields (nested selections whole)."""
    if not fields or fields == "*":
        return dict(rec)
    names = _names(fields)
    return {k: v for k, v in rec.items() if k in names}


@dataclass
class Subscription:
    names: set[str]
    types: set[str]
    created: int
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    last_request: int = 0
    last_batch: list[dict[str, Any]] = field(default_factory=list)
    rereadable: bool = True


class Store:
    """The account's records (see the module docstring). Not thread-safe by itself: the
    sandbox holds its lock around every use."""

    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self.now = now
        self.candidates: dict[int, dict[str, Any]] = {}
        self.cand_ids: list[int] = []
        self.jobs: dict[int, dict[str, Any]] = {}
        self.job_ids: list[int] = []
        self.job_first: dict[int, str] = {}
        self.submissions: dict[int, dict[str, Any]] = {}
        self.subs_of: dict[int, list[int]] = {}
        self.notes: dict[int, dict[str, Any]] = {}
        self.notes_of: dict[int, list[int]] = {}
        self.note_entities: list[dict[str, Any]] = []
        self.statuses = list(DEFAULT_STATUSES)
        self.subscriptions: dict[str, Subscription] = {}
        self._next_id = 1000
        self._event_seq = 0

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- events ----------------------------------------------------------------------
    def event(self, entity: str, eid: int, kind: str, props: Iterable[str] = ()) -> None:
        if not self.subscriptions:
            return
        self._event_seq += 1
        ev = {"eventId": f"ID:JBM-{self._event_seq:08d}", "eventType": "ENTITY",
              "entityName": entity, "eventMetadata": {}, "updatedProperties": list(props),
              "entityEventType": kind, "eventTimestamp": ms(self.now()), "entityId": eid}
        for sub in self.subscriptions.values():
            if entity in sub.names and kind in sub.types:
                sub.queue.append(ev)

    # -- records ---------------------------------------------------------------------
    def add_candidate(self, fields: dict[str, Any], when: dt.datetime) -> int:
        cid = self.new_id()
        first, last = fields.get("firstName"), fields.get("lastName")
        rec = {"id": cid, "firstName": first, "lastName": last,
               "name": fields.get("name") or f"{first or ''} {last or ''}".strip(),
               "email": fields.get("email"), "email2": None, "email3": None,
               "mobile": None, "phone": fields.get("phone"), "workPhone": None,
               "companyURL": fields.get("companyURL"),
               "address": {"address1": "", "city": "Boston", "state": "MA", "zip": "",
                           "countryID": 1},
               "status": fields.get("status") or "New Lead", "source": fields.get("source"),
               "dateAdded": ms(when), "dateLastModified": ms(when), "isDeleted": False,
               "isAnonymized": False}
        self.candidates[cid] = rec
        self.cand_ids.append(cid)
        self.event("Candidate", cid, "INSERTED")
        return cid

    def add_submission(self, cid: int, jid: int, status: str, when: dt.datetime) -> int:
        sid = self.new_id()
        self.submissions[sid] = {
            "id": sid, "candidate": {"id": cid}, "jobOrder": {"id": jid}, "status": status,
            "dateAdded": ms(when), "dateLastModified": ms(when), "isDeleted": False}
        self.subs_of.setdefault(cid, []).append(sid)
        self.event("JobSubmission", sid, "INSERTED")
        return sid

    def add_job(self, title: str, stages: list[str], when: dt.datetime) -> int:
        jid = self.new_id()
        for stage in stages:
            if stage not in self.statuses:
                self.statuses.append(stage)
        self.job_first[jid] = stages[0] if stages else self.statuses[0]
        self.jobs[jid] = {"id": jid, "title": title, "status": "Accepting Candidates",
                          "isOpen": True, "isDeleted": False,
                          "address": {"city": "Boston", "state": "MA", "countryID": 1},
                          "dateAdded": ms(when), "dateLastModified": ms(when)}
        self.job_ids.append(jid)
        return jid

    # -- reads -----------------------------------------------------------------------
    def search(self, entity: str, query: str, start: int, count: int
               ) -> tuple[int, list[dict[str, Any]]]:
        """(total, the page) of a search, in id order."""
        store, ids = ((self.candidates, self.cand_ids) if entity == "Candidate"
                      else (self.jobs, self.job_ids))
        pred, lowest = compile_query(query)
        pos = bisect.bisect_left(ids, lowest) if lowest is not None else 0
        plain = all(c.strip().startswith("id:[") for c in query.split(" AND "))
        if plain:  # a bare keyset: the total is arithmetic, the page a slice
            page = [store[i] for i in ids[pos + start:pos + start + count]]
            return len(ids) - pos, [r for r in page if pred(r)]
        matches: Iterator[dict[str, Any]] = (store[i] for i in ids[pos:] if pred(store[i]))
        total, page = 0, []
        for rec in matches:
            if start <= total < start + count:
                page.append(rec)
            total += 1
        return total, page
