"""One person, many sources: who an arriving person is in the directory.

Every source (an ATS import, a CSV row, an emailed application, a call, the kiosk) describes
the person it brings as a ``Person``; ``resolve`` finds them in the directory by the
de-duplication keys — normalised email, E.164 phone, LinkedIn URL — in a few indexed queries
per batch:

* a key match whose name agrees (``names_agree``: case, accents, middle names, initials) is
  the same person: linked, their history becomes one;
* a key match under another name is NOT linked: the arrival becomes a new person and the
  pair goes to "Possible duplicates" ("Same email, different names"), for someone to decide;
* a similar name alone never links anyone: with ``by_name`` (one person at a time: the
  kiosk, a CSV row typed in by hand) exactly the same name as someone already there is
  recorded as a possible duplicate ("Same name"); bulk imports leave names to the
  Possible duplicates scan, where common names ("John Smith") are judged together.

A key shared by many people (a front desk's number, a family's email) links to none of them
beyond the first few: ``MAX_PER_KEY`` people per key are considered.

``store`` applies a resolution in the caller's transaction: the linked person's empty fields
are filled (never overwritten), a new person is created with the source, and possible
duplicates are recorded once per pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.models import Candidate, PossibleDuplicate
from milo_desktop.models.base import utcnow
from milo_desktop.services.candidates.names import names_agree

KEY_WORDS = {"email": "Same email", "phone": "Same phone", "linkedin": "Same LinkedIn profile",
             "name": "Same name"}
_CHUNK = 400  # IN lists stay well under SQLite's parameter limit
MAX_PER_KEY = 5


@dataclass(frozen=True)
class Person:
    """What a source knows about someone (keys already normalised: lower-cased email,
    E.164 phone, ``linkedin_key`` URL)."""

    full_name: str
    email: str | None = None
    phone_e164: str | None = None
    linkedin_url: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Resolution:
    """``candidate_id``: the directory's person this is (None: a new person);
    ``possible``: (candidate id, key) pairs that look alike but were not linked."""

    candidate_id: int | None = None
    possible: tuple[tuple[int, str], ...] = field(default_factory=tuple)


_Row = tuple[int, str, str | None, str | None, str | None]


def _rows(s: Session, column: Any, values: set[str]) -> list[_Row]:
    found: list[_Row] = []
    vals = sorted(values)
    for i in range(0, len(vals), _CHUNK):
        found.extend(s.execute(
            select(Candidate.id, Candidate.full_name, Candidate.email, Candidate.phone_e164,
                   Candidate.linkedin_url).where(column.in_(vals[i:i + _CHUNK]))
        ).tuples())
    return found


def resolve(s: Session, people: Sequence[Person], *, by_name: bool = False) -> list[Resolution]:
    """Who each of ``people`` is (see the module's rule), in a few queries for the batch."""
    emails = {p.email for p in people if p.email}
    phones = {p.phone_e164 for p in people if p.phone_e164}
    links = {p.linkedin_url for p in people if p.linkedin_url}
    by_key: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for column, kind, values in ((Candidate.email, "email", emails),
                                 (Candidate.phone_e164, "phone", phones),
                                 (Candidate.linkedin_url, "linkedin", links)):
        if not values:
            continue
        for cid, name, email, phone, link in _rows(s, column, values):
            value = {"email": email, "phone": phone, "linkedin": link}[kind]
            if value:
                found = by_key.setdefault((kind, value), [])
                if len(found) < MAX_PER_KEY:
                    found.append((cid, name))
    names: dict[str, list[int]] = {}
    if by_name:
        keys = {p.full_name.casefold().strip() for p in people if p.full_name.strip()}
        wanted = sorted(keys)
        for i in range(0, len(wanted), _CHUNK):
            for cid, key in s.execute(select(Candidate.id, Candidate.name_key)
                                      .where(Candidate.name_key.in_(wanted[i:i + _CHUNK]))):
                names.setdefault(key, []).append(cid)
    out = []
    for p in people:
        linked: int | None = None
        possible: dict[int, str] = {}
        for kind, value in (("email", p.email), ("linkedin", p.linkedin_url),
                            ("phone", p.phone_e164)):
            if not value:
                continue
            for cid, name in sorted(by_key.get((kind, value), [])):
                if linked is None and names_agree(name, p.full_name):
                    linked = cid
                elif cid != linked:
                    possible.setdefault(cid, kind)
        if linked is None and by_name:
            for cid in names.get(p.full_name.casefold().strip(), [])[:5]:
                possible.setdefault(cid, "name")
        if linked is not None:
            possible.pop(linked, None)
        out.append(Resolution(linked, tuple(sorted(possible.items()))))
    return out


def fill_missing(c: Candidate, p: Person) -> bool:
    """Fill the person's empty fields from ``p`` (never overwrite); True when one changed."""
    changed = False
    for attr, value in (("email", p.email), ("phone_e164", p.phone_e164),
                        ("linkedin_url", p.linkedin_url), ("location", p.location)):
        if value and not getattr(c, attr):
            setattr(c, attr, value)
            changed = True
    return changed


def new_candidate(p: Person, source: CandidateSource, *, ats_provider: str | None = None,
                  ats_candidate_id: str | None = None) -> Candidate:
    name = p.full_name.strip() or (p.email or p.phone_e164 or "Unnamed")
    return Candidate(full_name=name[:200], name_key=name.casefold()[:200], email=p.email,
                     phone_e164=p.phone_e164, linkedin_url=p.linkedin_url,
                     location=(p.location or None) and p.location[:120], source=source,
                     ats_provider=ats_provider, ats_candidate_id=ats_candidate_id)


def record_possible(s: Session, candidate_id: int, possible: Sequence[tuple[int, str]],
                    source: str) -> int:
    """Store possible duplicates of ``candidate_id`` (each pair once, lower id first);
    returns how many were new."""
    return record_possible_many(s, [(candidate_id, possible)], source)


def record_possible_many(s: Session,
                         items: Sequence[tuple[int, Sequence[tuple[int, str]]]],
                         source: str) -> int:
    """``record_possible`` for a batch (one query for what is already there, one insert)."""
    pairs: dict[tuple[int, int], str] = {}
    for candidate_id, possible in items:
        for other, key in possible:
            if other != candidate_id:
                pairs.setdefault((min(candidate_id, other), max(candidate_id, other)), key)
    if not pairs:
        return 0
    wanted = list(pairs)
    existing: set[tuple[int, int]] = set()
    for i in range(0, len(wanted), _CHUNK):
        existing.update(s.execute(
            select(PossibleDuplicate.candidate_id, PossibleDuplicate.other_id)
            .where(tuple_(PossibleDuplicate.candidate_id, PossibleDuplicate.other_id)
                   .in_(wanted[i:i + _CHUNK]))).tuples())
    rows = [{"candidate_id": a, "other_id": b, "key": key, "source": source[:40],
             "reason": (f"{KEY_WORDS.get(key, key)}, different names" if key != "name"
                        else "Same name, no shared email or phone"),
             "created_at": utcnow(), "resolved_at": None, "resolution": None}
            for (a, b), key in pairs.items() if (a, b) not in existing]
    if rows:
        s.execute(insert(PossibleDuplicate), rows)
    return len(rows)


def note_lookalikes(s: Session, c: Candidate, source: str) -> int:
    """A person just created by one of the one-at-a-time sources (a call, the kiosk, an
    emailed application): anyone sharing a key with them goes to Possible duplicates."""
    res = resolve(s, [Person(c.full_name, c.email, c.phone_e164, c.linkedin_url)])[0]
    possible = [(cid, key) for cid, key in res.possible if cid != c.id]
    if res.candidate_id is not None and res.candidate_id != c.id:
        possible.append((res.candidate_id, "email" if c.email else "phone"))
    return record_possible(s, c.id, possible, source)


__all__ = ["KEY_WORDS", "Person", "Resolution", "fill_missing", "new_candidate", "note_lookalikes",
           "record_possible", "record_possible_many", "resolve"]
