"""Who a caller is in the directory. A caller is linked to a candidate by the same email or the
same E.164 phone when the names agree too (a caller who gave no name: by the email, or the
phone); the same phone or email under a different name is only a *possible* match
("Possible match: Elizabeth Kumar (same phone or email)"), never linked by itself —
families and flatmates share numbers, and numbers are reassigned. Ingest then asks whether to
use that person or add a new one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.models import Candidate, InboundCall
from milo_desktop.services.candidates.names import names_agree

_PHONE_MATCHES = 5  # people sharing one number are a handful; look at a few


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
    by_email = None
    if email and email.strip():
        by_email = s.scalars(select(Candidate).where(Candidate.email == email.strip().lower())
                             .order_by(Candidate.id).limit(1)).first()
        # The same email under another name is only possible too (a shared family address,
        # a typo): never linked by itself (issue 11: one person, many sources).
        if by_email is not None and (not name.strip() or names_agree(by_email.full_name, name)):
            return CallerMatch(by_email)
    return CallerMatch(possible=by_phone[0] if by_phone else by_email)


def call_match(s: Session, call: InboundCall) -> tuple[CallerMatch, bool]:
    """The call's linked candidate (linked: True), else its match; and whether linked."""
    if call.candidate_id is not None:
        linked = s.get(Candidate, call.candidate_id)
        if linked is not None:
            return CallerMatch(linked), True
    return match_caller(s, call.from_e164, call.email, call.caller_name or ""), False


__all__ = ["CallerMatch", "call_match", "match_caller", "names_agree"]
