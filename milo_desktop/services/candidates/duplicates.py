"""``DuplicatesService`` (``workspace.duplicates``): the "Possible duplicates" review.

People who share an email, phone or LinkedIn profile under different names, or who only have
the same or a similar name, are never linked by themselves (``identity.py``); they are listed
here for a recruiter to decide: "Merge…" (``merge.py``: one transaction, logged, undoable for
30 days) or "Not the same person" (resolution "distinct": the pair is never suggested again,
because ``record_possible`` skips every pair it has seen, resolved or not).

``scan_names`` looks for people with the same or a similar name in the whole directory:
exact names by grouping ``name_key`` in SQL (index-only on ``ix_candidates_name_key``), then
similar names (``names_agree``'s rule: an initial for the first or the last name, middle names,
accents; "K. Haddad" / "Keisha H." is too vague and is not listed) within blocks of the same
first letter and last name, or first name and last initial, read in one pass over the name
index. Very common names are skipped (a block of forty "Maria Garcia" says nothing about any
two of them) and the number of new pairs per scan is capped, so the work stays bounded at a
million people (one pass over 1M names: 7–9 s in a reader thread on a busy 2-core machine,
most of it fetching the rows; the window never waits for it).
"""

from __future__ import annotations

import datetime as dt
import getpass
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Application,
    Candidate,
    ExternalIdentity,
    Interviewer,
    MergeLog,
    PossibleDuplicate,
)
from milo_desktop.models.base import utcnow
from milo_desktop.services.candidates.merge import (
    KEPT,
    MERGE_FIELDS,
    MERGED,
    UNDO_DAYS,
    MergeDone,
    merge_people,
    undo_merge,
    undo_problem,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CandidatesChanged, EventBus
from milo_desktop.services.core.paging import Page

BLOCK_MAX = 12  # people in one name block compared pairwise; a bigger block is a common name
SCAN_MAX_NEW = 2000  # new pairs recorded by one scan
_CHUNK = 400  # IN lists stay well under SQLite's parameter limit
SAME_NAME = "Same name, no shared email or phone"
SIMILAR_NAME = "Similar names (initials, middle name or accents), no shared email or phone"


@dataclass(frozen=True)
class PersonSide:
    """One of the two people, as the review shows them."""

    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    linkedin_url: str | None
    location: str | None
    source: CandidateSource
    ats_provider: str | None
    ats_candidate_id: str | None
    providers: tuple[str, ...]  # ATSs that know them ("greenhouse", …)
    created_at: dt.datetime
    updated_at: dt.datetime
    applications: int
    interviewers: tuple[str, ...]  # where they applied (a few names)

    def value(self, field: str) -> str | None:
        """A merge field's value as one text (None: empty)."""
        if field == "ats":
            return (f"{self.ats_provider} {self.ats_candidate_id}"
                    if self.ats_provider else None)
        value = getattr(self, field)
        return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class DuplicatePair:
    id: int
    key: str  # email, phone, linkedin, name
    reason: str  # "Same phone, different names"
    source: str  # where the second one came from (greenhouse, csv, call…; "" unknown)
    created_at: dt.datetime
    first: PersonSide  # the one who joined first (kept by default)
    second: PersonSide

    def differing_fields(self) -> tuple[str, ...]:
        return tuple(f for f in MERGE_FIELDS
                     if self.first.value(f) != self.second.value(f))

    def default_choices(self) -> dict[str, str]:
        """Keeping ``first``: each differing field from whoever has it, the more recently
        updated person's value when both do."""
        newer_is_second = self.second.updated_at > self.first.updated_at
        out = {}
        for f in self.differing_fields():
            a, b = self.first.value(f), self.second.value(f)
            out[f] = MERGED if (a is None or (b is not None and newer_is_second)) else KEPT
        return out


@dataclass(frozen=True)
class MergeView:
    """A merge in the log, for "Recently merged"."""

    id: int
    kept_id: int
    kept_name: str  # both names as they were when merged
    merged_name: str
    actor: str
    created_at: dt.datetime
    undo_until: dt.datetime
    can_undo: bool
    why_not: str | None  # why Undo is refused, in the recruiter's words


@dataclass(frozen=True)
class ScanResult:
    compared: int  # people read
    same_name: int  # new "same name" pairs
    similar_name: int  # new "similar name" pairs


class DuplicatesService:
    def __init__(self, db: Database, bus: EventBus, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock

    # ----- the list ---------------------------------------------------------------------------
    async def count_open(self) -> int:
        return await self.db.read(lambda s: int(s.scalar(
            select(func.count()).select_from(PossibleDuplicate)
            .where(PossibleDuplicate.resolved_at.is_(None))) or 0))

    async def open_pairs(self, after: int | None = None, limit: int = 50) -> Page[DuplicatePair]:
        """Open pairs, newest first, ``limit`` at a time (``after``: the last page's cursor)."""
        return await self.db.read(lambda s: _open_pairs(s, after, limit))

    async def pair(self, pair_id: int) -> DuplicatePair | None:
        return await self.db.read(lambda s: _pairs(s, [s.get(PossibleDuplicate, pair_id)]))

    async def mark_distinct(self, pair_id: int, actor: str = "") -> None:
        """"Not the same person": resolved, and never suggested again."""
        now = self.clock()

        def w(s: Session) -> tuple[int, int]:
            p = s.get(PossibleDuplicate, pair_id)
            if p is None:
                raise ValidationProblem("This pair is no longer in the list.")
            p.resolved_at, p.resolution = now, "distinct"
            return p.candidate_id, p.other_id

        ids = await self.db.write(w)
        self.bus.publish(CandidatesChanged(ids))

    # ----- merge and undo ----------------------------------------------------------------------
    async def merge(self, keep_id: int, merge_id: int, choices: Mapping[str, str],
                    actor: str = "") -> MergeDone:
        """Merge ``merge_id`` into ``keep_id``, each field from the side ``choices`` names
        ("kept" | "merged"; a field not named keeps the kept person's value)."""
        now, who = self.clock(), actor or _login()
        done = await self.db.write(lambda s: merge_people(s, keep_id, merge_id, choices, who,
                                                          now))
        self.bus.publish(CandidatesChanged((keep_id, merge_id)))
        return done

    async def undo_merge(self, log_id: int, actor: str = "") -> tuple[int, ...]:
        """Put both people back as they were; refused (ValidationProblem) after 30 days."""
        now, who = self.clock(), actor or _login()
        ids = await self.db.write(lambda s: undo_merge(s, log_id, now, who))
        self.bus.publish(CandidatesChanged(ids))
        return ids

    async def recent_merges(self, limit: int = 50) -> list[MergeView]:
        """Merges of the last 30 days not undone, newest first."""
        now = self.clock()

        def r(s: Session) -> list[MergeView]:
            logs = s.scalars(select(MergeLog).where(
                MergeLog.undone_at.is_(None),
                MergeLog.created_at >= now - dt.timedelta(days=UNDO_DAYS))
                .order_by(MergeLog.id.desc()).limit(limit)).all()
            out = []
            for log in logs:
                problem = undo_problem(s, log, now)
                out.append(MergeView(
                    log.id, log.kept_id, str(log.snapshot["kept"]["full_name"]),
                    str(log.snapshot["merged"]["full_name"]), log.actor, log.created_at,
                    log.created_at + dt.timedelta(days=UNDO_DAYS), problem is None, problem))
            return out

        return await self.db.read(r)

    # ----- scanning -----------------------------------------------------------------------------
    async def scan_names(self, *, block_max: int = BLOCK_MAX,
                         max_new: int = SCAN_MAX_NEW) -> ScanResult:
        """Record people with the same or a similar name as possible duplicates (key "name")."""
        now = self.clock()
        # Read outside the write transaction: a long scan must not hold up the app's writes.
        same, similar, read = await self.db.read(lambda s: find_name_pairs(s, block_max))
        added = await self.db.write(lambda s: record_name_pairs(s, same, similar, now,
                                                                 max_new))
        if any(added):
            self.bus.publish(CandidatesChanged())
        return ScanResult(read, *added)


# ----- reading pairs --------------------------------------------------------------------------
def _open_pairs(s: Session, after: int | None, limit: int) -> Page[DuplicatePair]:
    q = select(PossibleDuplicate).where(PossibleDuplicate.resolved_at.is_(None))
    if after is not None:
        q = q.where(PossibleDuplicate.id < after)
    rows = list(s.scalars(q.order_by(PossibleDuplicate.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    pairs = _pairs_list(s, rows[:limit])
    return Page(tuple(pairs), (rows[limit - 1].id,) if more and limit else None)


def _pairs(s: Session, rows: Sequence[PossibleDuplicate | None]) -> DuplicatePair | None:
    found = _pairs_list(s, [r for r in rows if r is not None])
    return found[0] if found else None


def _pairs_list(s: Session, rows: Sequence[PossibleDuplicate]) -> list[DuplicatePair]:
    ids = {i for r in rows for i in (r.candidate_id, r.other_id)}
    people = _people(s, ids)
    out = []
    for r in rows:
        a, b = people.get(r.candidate_id), people.get(r.other_id)
        if a is None or b is None:
            continue
        first, second = (a, b) if (a.created_at, a.id) <= (b.created_at, b.id) else (b, a)
        out.append(DuplicatePair(r.id, r.key, r.reason, r.source, r.created_at, first, second))
    return out


def _people(s: Session, ids: Iterable[int]) -> dict[int, PersonSide]:
    wanted = sorted(ids)
    if not wanted:
        return {}
    apps: dict[int, list[str]] = defaultdict(list)
    for cid, name in s.execute(select(Application.candidate_id, Interviewer.name)
                               .join(Interviewer, Interviewer.id == Application.interviewer_id)
                               .where(Application.candidate_id.in_(wanted))
                               .order_by(Application.created_at)).tuples():
        apps[cid].append(name)
    providers: dict[int, set[str]] = defaultdict(set)
    for cid, provider in s.execute(select(ExternalIdentity.candidate_id, ExternalIdentity.provider)
                                   .where(ExternalIdentity.candidate_id.in_(wanted),
                                          ExternalIdentity.kind == "candidate")).tuples():
        providers[cid].add(provider)
    out = {}
    for c in s.scalars(select(Candidate).where(Candidate.id.in_(wanted),
                                               Candidate.erase_requested_at.is_(None))):
        known = set(providers[c.id]) | ({c.ats_provider} if c.ats_provider else set())
        out[c.id] = PersonSide(
            c.id, c.full_name, c.email, c.phone_e164, c.linkedin_url, c.location,
            CandidateSource(c.source), c.ats_provider, c.ats_candidate_id,
            tuple(sorted(known)), c.created_at, c.updated_at, len(apps[c.id]),
            tuple(apps[c.id][:3]))
    return out


# ----- scanning -------------------------------------------------------------------------------
_ASCII_WORDS = re.compile(r"[a-z0-9]+")
_Named = tuple[int, str, str, str]  # id, name_key, first word, last word


def _block_words(name_key: str) -> list[str]:
    """The name's words as ``names_agree`` reads them: no accents, no punctuation
    ("josé-luis" → ["jose", "luis"]); the common all-ASCII name takes a fast path."""
    if name_key.isascii():
        return _ASCII_WORDS.findall(name_key.lower())
    decomposed = unicodedata.normalize("NFKD", name_key.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch.isalnum() else " " for ch in plain).split()


def find_name_pairs(s: Session, block_max: int = BLOCK_MAX) -> tuple[list[tuple[int, int]],
                                                                     list[tuple[int, int]], int]:
    """(same-name pairs, similar-name pairs, people read); read-only, index-only scans."""
    same: list[tuple[int, int]] = []
    # 1. Exact names: grouped by the database; only the small groups are read back.
    groups = (select(Candidate.name_key).group_by(Candidate.name_key)
              .having(func.count() > 1).having(func.count() <= block_max).subquery())
    by_key: dict[str, list[int]] = defaultdict(list)
    for cid, key in s.execute(select(Candidate.id, Candidate.name_key).where(
            Candidate.name_key.in_(select(groups.c.name_key)))).tuples():
        by_key[key].append(cid)
    for ids in by_key.values():
        ids.sort()
        same.extend((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    # 2. Similar names: one pass in name order. Two blockings catch an initial on either
    # side: (first letter, last word) finds "K. Haddad", (first word, last initial) finds
    # "Keisha H.". A letter's people are read together (in SQLite's binary order an accented
    # first letter comes after "z": those names are compared among themselves).
    found: set[tuple[int, int]] = set()
    by_last: dict[str, list[_Named]] = defaultdict(list)
    by_first: dict[tuple[str, str], list[_Named]] = defaultdict(list)
    letter, read = "", 0
    # Core on the session's connection (no ORM row loading: a third of the time at 1M rows),
    # streamed (a server-side cursor on PostgreSQL).
    stream = s.connection().execute(select(Candidate.id, Candidate.name_key)
                                    .order_by(Candidate.name_key, Candidate.id)
                                    .execution_options(yield_per=10_000)).tuples()
    for cid, key in stream:
        read += 1
        words = _block_words(key)
        if len(words) < 2:
            continue
        if words[0][0] != letter:
            found.update(_similar(by_last, block_max))
            found.update(_similar(by_first, block_max))
            by_last.clear()
            by_first.clear()
            letter = words[0][0]
        person = (cid, key, words[0], words[-1])
        by_last[words[-1]].append(person)
        by_first[(words[0], words[-1][0])].append(person)
    found.update(_similar(by_last, block_max))
    found.update(_similar(by_first, block_max))
    return same, sorted(found), read


def _same_word(x: str, y: str) -> bool:
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def _similar(blocks: Mapping[Any, list[_Named]], block_max: int) -> Iterable[tuple[int, int]]:
    """Pairs of a block whose first and last words agree — ``names_agree``'s rule on words
    already split (the same word, or an initial and a word it starts). Exactly the same names
    are left to the SQL grouping."""
    for people in blocks.values():
        if len(people) < 2 or len(people) > block_max:
            continue
        for i, (a, ka, fa, la) in enumerate(people):
            for b, kb, fb, lb in people[i + 1:]:
                if ka != kb and _same_word(fa, fb) and _same_word(la, lb):
                    yield (min(a, b), max(a, b))


def record_name_pairs(s: Session, same: Sequence[tuple[int, int]],
                      similar: Sequence[tuple[int, int]], now: dt.datetime,
                      max_new: int = SCAN_MAX_NEW) -> tuple[int, int]:
    """Store the pairs not seen before (resolved ones included: "Not the same person" is
    final), leaving out people being erased or gone; (same added, similar added)."""
    wanted = [(p, SAME_NAME) for p in same] + [(p, SIMILAR_NAME) for p in similar]
    ids = sorted({i for (a, b), _r in wanted for i in (a, b)})
    live: set[int] = set()  # still there (not merged away since the read) and not erased
    for i in range(0, len(ids), _CHUNK):
        live.update(s.scalars(select(Candidate.id).where(
            Candidate.id.in_(ids[i:i + _CHUNK]), Candidate.erase_requested_at.is_(None))))
    wanted = [(p, r) for p, r in wanted if p[0] in live and p[1] in live]
    counts = {SAME_NAME: 0, SIMILAR_NAME: 0}
    pd = PossibleDuplicate
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i:i + _CHUNK]
        seen = set(s.execute(select(pd.candidate_id, pd.other_id).where(
            tuple_(pd.candidate_id, pd.other_id).in_([p for p, _r in chunk]))).tuples())
        for (a, b), reason in chunk:
            if (a, b) in seen or sum(counts.values()) >= max_new:
                continue
            seen.add((a, b))
            s.add(pd(candidate_id=a, other_id=b, key="name", reason=reason, source="scan",
                     created_at=now))
            counts[reason] += 1
    return counts[SAME_NAME], counts[SIMILAR_NAME]


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes: an unsigned merge is fine
        return ""


__all__ = ["DuplicatePair", "DuplicatesService", "MergeView", "PersonSide", "ScanResult",
           "find_name_pairs", "record_name_pairs"]
