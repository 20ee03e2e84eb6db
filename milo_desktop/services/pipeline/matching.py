"""Who a caller is in the directory. A caller is linked to a candidate by the same email, or by
the same E.164 phone when the names agree too; the same phone under a different name is only a
*possible* match ("Possible match: Elizabeth Kumar (same phone)"), never linked by itself —
families and flatmates share numbers, and numbers are reassigned. Ingest then asks whether to
use that person or add a new one."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.models import Candidate, InboundCall

_PHONE_MATCHES = 5  # people sharing one number are a handful; look at a few


def _words(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in plain).split()


def _same_word(x: str, y: str) -> bool:
    # An initial stands for the word it starts ("R." for "Ruiz").
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def names_agree(a: str, b: str) -> bool:
    """The same person's name, give or take case, accents, punctuation, a middle name and
    initials: first and last words agree ("Keisha Haddad" / "keisha m. haddad" /
    "Keisha H."). An empty name agrees with nothing."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return wa == wb
    return _same_word(wa[0], wb[0]) and _same_word(wa[-1], wb[-1])


@dataclass(frozen=True)
class CallerMatch:
    """``candidate``: the person the caller is (same email, or same phone and name).
    ``possible``: someone with the caller's phone but another name — ask, never assume."""

    candidate: Candidate | None = None
    possible: Candidate | None = None


def match_caller(s: Session, phone: str | None, email: str | None, name: str) -> CallerMatch:
    """The directory's person for a caller (see the module's rule). A caller who gave no name
    is matched on the phone alone: there is no other name to disagree with."""
    by_phone: list[Candidate] = []
    if phone:
        by_phone = list(s.scalars(select(Candidate).where(Candidate.phone_e164 == phone)
                                  .order_by(Candidate.id).limit(_PHONE_MATCHES)))
        agreeing = [c for c in by_phone if not name.strip() or names_agree(c.full_name, name)]
        if agreeing:
            return CallerMatch(agreeing[0])
    if email and email.strip():
        found = s.scalars(select(Candidate).where(Candidate.email == email.strip().lower())
                          .order_by(Candidate.id).limit(1)).first()
        if found is not None:
            return CallerMatch(found)
    return CallerMatch(possible=by_phone[0] if by_phone else None)


def call_match(s: Session, call: InboundCall) -> tuple[CallerMatch, bool]:
    """The call's linked candidate (linked: True), else its match; and whether linked."""
    if call.candidate_id is not None:
        linked = s.get(Candidate, call.candidate_id)
        if linked is not None:
            return CallerMatch(linked), True
    return match_caller(s, call.from_e164, call.email, call.caller_name or ""), False
