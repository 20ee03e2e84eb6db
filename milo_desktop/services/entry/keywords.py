"""An interviewer's keyword: the word a candidate texts to its number to start a screening.

Upper-case letters and digits, 2–20 characters, unique per number (case-insensitive), never a
word carriers reserve for opting out or in (STOP, HELP, START…: Twilio answers those itself).
The default comes from the interviewer's slug ("forklift-operator-nights" → FORKLIFT) and is
made unique on its number with a digit when needed (FORKLIFT2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import EntryKeyword, Interviewer

KEYWORD_RE = re.compile(r"^[A-Z0-9]{2,20}$")
MAX_LEN = 20
# Twilio's default opt-out / opt-in / help words (Advanced Opt-Out), and a few more that mean
# "no" or "yes" in a reply: a keyword must never be one of them.
RESERVED = frozenset({
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
    "START", "YES", "UNSTOP", "HELP", "INFO", "NO", "Y", "N",
})
_FILLER = frozenset({"THE", "AND", "FOR", "OF", "A", "AN", "TO", "IN", "AT", "JOB", "JOBS"})


@dataclass(frozen=True)
class KeywordRow:
    interviewer_id: int
    interviewer_name: str
    phone_number: str
    keyword: str


def normalise(text: str) -> str:
    return "".join(text.split()).upper()


def problem_with(keyword: str) -> str | None:
    """Why ``keyword`` cannot be a keyword, in the recruiter's words, or None."""
    word = normalise(keyword)
    if not word:
        return "Enter a keyword, e.g. FORKLIFT."
    if not KEYWORD_RE.match(word):
        return ("A keyword is one word of 2 to 20 letters or digits (no spaces, accents or "
                "punctuation), e.g. FORKLIFT or COOK2.")
    if word in RESERVED:
        return (f"{word} is a word phones and carriers reserve for opting in or out "
                "(STOP, START, HELP…). Choose another keyword.")
    return None


def default_keyword(slug: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The first meaningful word of ``slug`` in capitals, unique among ``taken``."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", slug.upper()) if w]
    useful = [w for w in words if w not in _FILLER and w not in RESERVED and len(w) >= 2]
    base = (useful[0] if useful else "APPLY")[:MAX_LEN - 2]
    if len(base) < 2:
        base = "APPLY"
    word, n = base, 2
    while word in taken or word in RESERVED:
        word, n = f"{base}{n}", n + 1
    return word


def taken_on(s: Session, number: str, except_interviewer: int | None = None) -> set[str]:
    stmt = select(EntryKeyword.keyword).where(EntryKeyword.phone_number == number)
    if except_interviewer is not None:
        stmt = stmt.where(EntryKeyword.interviewer_id != except_interviewer)
    return set(s.scalars(stmt))


def set_keyword(s: Session, interviewer_id: int, number: str, keyword: str | None) -> str:
    """Give the interviewer ``keyword`` on ``number`` (None: the default); returns it.
    ValidationProblem when it is not a valid keyword or another interviewer has it there."""
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise ValidationProblem("This interviewer no longer exists.")
    taken = taken_on(s, number, interviewer_id)
    word = default_keyword(iv.slug, taken) if keyword is None else normalise(keyword)
    problem = problem_with(word)
    if problem:
        raise ValidationProblem(problem)
    if word in taken:
        owner = s.scalar(select(Interviewer.name).join(
            EntryKeyword, EntryKeyword.interviewer_id == Interviewer.id).where(
            EntryKeyword.phone_number == number, EntryKeyword.keyword == word))
        raise ValidationProblem(f"{word} is already the keyword of “{owner}” on {number}. "
                                "Choose another keyword.")
    row = s.scalar(select(EntryKeyword).where(EntryKeyword.interviewer_id == interviewer_id))
    if row is None:
        s.add(EntryKeyword(interviewer_id=interviewer_id, phone_number=number, keyword=word))
    else:
        row.phone_number, row.keyword = number, word
    s.flush()
    return word


def keyword_of(s: Session, interviewer_id: int) -> KeywordRow | None:
    row = s.execute(select(EntryKeyword, Interviewer.name).join(
        Interviewer, Interviewer.id == EntryKeyword.interviewer_id).where(
        EntryKeyword.interviewer_id == interviewer_id)).first()
    if row is None:
        return None
    kw, name = row
    return KeywordRow(kw.interviewer_id, name, kw.phone_number, kw.keyword)


def keywords_on(s: Session, number: str) -> list[KeywordRow]:
    """Every interviewer's keyword on ``number``, by keyword."""
    rows = s.execute(select(EntryKeyword, Interviewer.name).join(
        Interviewer, Interviewer.id == EntryKeyword.interviewer_id).where(
        EntryKeyword.phone_number == number).order_by(EntryKeyword.keyword))
    return [KeywordRow(kw.interviewer_id, name, kw.phone_number, kw.keyword)
            for kw, name in rows]
