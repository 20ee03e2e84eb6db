"""How a candidate starts, with no web server of ours: text a keyword to a number, call the
receptionist, email the apply address — and, only when the workspace hosts one, open the
candidate page. Each entry point is a URI a QR code carries (``sms:+1…?body=KEYWORD``,
``tel:+1…``, ``mailto:jobs+slug@…``, ``https://…``) and the words printed under it.

``next_step`` says in words how a candidate's next stage starts ("We'll call you from
+1 214 555 0142 within the hour"): invitations and nudges fill ``{{next_step}}`` with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, ReceptionistStatus, StageKind
from milo_desktop.models import (
    EntryKeyword,
    Interviewer,
    Receptionist,
    ReceptionistInterviewer,
    Stage,
    WorkspaceSetting,
)
from milo_desktop.services.email_intake.addresses import apply_address
from milo_desktop.services.entry.keywords import default_keyword, taken_on
from milo_desktop.services.links import link_for

TEXT_KINDS = frozenset({StageKind.SMS, StageKind.FORM})
POLICY_KEY = "outreach.policy"  # = outreach.policy.SETTING_KEY (outreach imports us)
# Why an interviewer has no keyword although it has a number: a receptionist answers on each.
NO_SPARE_NUMBER = ("Texting a keyword needs a number no receptionist answers on: set the SMS "
                   "sender under Outreach → Communication policy to a spare number of your "
                   "Twilio account.")


def stage_number(stage: Stage, iv: Interviewer) -> str | None:
    """The number a stage calls and texts from (= ``stages.config.stage_number``; kept here
    because the stages package imports outreach, which imports us)."""
    own = (stage.settings or {}).get("phone_number")
    return (own if isinstance(own, str) and own.strip() else None) or iv.phone_number


def default_number(s: Session) -> str | None:
    """The workspace's SMS sender (the communication policy's), if any."""
    row = s.get(WorkspaceSetting, POLICY_KEY)
    value = row.value.get("sms_from") if row is not None and isinstance(row.value, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def number_key(number: str) -> str:
    """``number`` compared as E.164 (spaces, dashes and brackets ignored; = publisher's
    ``same_number``)."""
    return re.sub(r"[^\d+]", "", number)


def receptionist_numbers(s: Session) -> set[str]:
    """The numbers (``number_key``) a receptionist answers on: its flow reads the texts sent
    to it, so they carry no keyword. (Text screenings share their number with keywords: the
    number's one flow holds both, services/entry/number_flow.py.)"""
    return {number_key(str(n)) for n in s.scalars(select(Receptionist.phone_number).where(
        Receptionist.phone_number.is_not(None)))}


def _first_free(candidates: Sequence[str | None], taken: set[str]) -> str | None:
    return next((n for n in candidates if n and number_key(n) not in taken), None)


class EntryKind(StrEnum):
    TEXT = "text"
    CALL = "call"
    EMAIL = "email"
    LINK = "link"


@dataclass(frozen=True)
class EntryPoint:
    kind: EntryKind
    uri: str  # what the QR code carries
    words: str  # "Text FORKLIFT to +1 214 555 0142"
    target: str  # the number, address or link alone (for Copy)


@dataclass(frozen=True)
class EntryPoints:
    interviewer_id: int
    title: str
    slug: str
    points: tuple[EntryPoint, ...]
    keyword: str | None
    text_number: str | None
    problem: str | None  # why there is no way in at all, in the recruiter's words
    # Why there is no text entry point although the interviewer has a number (each carries
    # a text screening), in the recruiter's words; None otherwise.
    note: str | None = None

    def of(self, kind: EntryKind) -> EntryPoint | None:
        return next((p for p in self.points if p.kind == kind), None)


def spoken_number(e164: str) -> str:
    """``+12145550142`` → ``+1 214 555 0142`` (international, spaces only)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text.replace("-", " ")


def text_number(s: Session, iv: Interviewer, blocked: set[str] | None = None) -> str | None:
    """The number candidates text: the first of the interviewer's own number and the
    workspace's SMS sender that no receptionist answers on (``receptionist_numbers``; pass
    it as ``blocked`` when already known); None when there is none."""
    if blocked is None:
        blocked = receptionist_numbers(s)
    return _first_free([iv.phone_number, default_number(s)], blocked)


def no_keyword_note(s: Session, iv: Interviewer) -> str | None:
    """``NO_SPARE_NUMBER`` when the interviewer has a number to text but a receptionist
    answers on each; None otherwise."""
    numbers = [n for n in (iv.phone_number, default_number(s)) if n]
    if not numbers or text_number(s, iv) is not None:
        return None
    return NO_SPARE_NUMBER


def ensure_keyword(s: Session, iv: Interviewer,
                   blocked: set[str] | None = None) -> tuple[str, str] | None:
    """(keyword, number) of the interviewer, giving it its default keyword on its text number
    when it has none yet, or moving it when the number changed; None without a number no
    receptionist answers on (a keyword left on such a number is removed)."""
    number = text_number(s, iv, blocked)
    row = s.scalar(select(EntryKeyword).where(EntryKeyword.interviewer_id == iv.id))
    if number is None:
        if row is not None:
            s.delete(row)
            s.flush()
        return None
    if row is not None and row.phone_number == number:
        return row.keyword, number
    taken = taken_on(s, number, iv.id)
    word = row.keyword if row is not None and row.keyword not in taken else \
        default_keyword(iv.slug, taken)
    if row is None:
        s.add(EntryKeyword(interviewer_id=iv.id, phone_number=number, keyword=word))
    else:
        row.phone_number, row.keyword = number, word
    s.flush()
    return word, number


def receptionist_number(s: Session, interviewer_id: int) -> str | None:
    """The number of an active receptionist that routes callers to this interviewer."""
    return s.scalar(select(Receptionist.phone_number).join(
        ReceptionistInterviewer, ReceptionistInterviewer.receptionist_id == Receptionist.id)
        .where(ReceptionistInterviewer.interviewer_id == interviewer_id,
               Receptionist.status == ReceptionistStatus.LIVE,
               Receptionist.phone_number.is_not(None))
        .order_by(Receptionist.id).limit(1))


def build_points(interviewer_id: int, title: str, slug: str, keyword: tuple[str, str] | None,
                 call: str | None, address: str | None, link: str | None,
                 note: str | None = None) -> EntryPoints:
    """The entry points from what is known (pure: the wizard builds them for a draft)."""
    points: list[EntryPoint] = []
    if keyword is not None:
        word, number = keyword
        points.append(EntryPoint(EntryKind.TEXT, f"sms:{number}?body={quote(word)}",
                                 f"Text {word} to {spoken_number(number)}", number))
    if call:
        points.append(EntryPoint(EntryKind.CALL, f"tel:{call}",
                                 f"Call {spoken_number(call)}", call))
    if address:
        points.append(EntryPoint(EntryKind.EMAIL, f"mailto:{address}",
                                 f"Email your résumé to {address}", address))
    if link:
        points.append(EntryPoint(EntryKind.LINK, link, link, link))
    problem = None if points else (
        "Candidates have no way in yet: give this interviewer a phone number (or set the SMS "
        "sender under Outreach) so they can text a keyword, route a receptionist to it, or "
        "set up the apply mailbox under Integrations → Email.")
    return EntryPoints(interviewer_id, title, slug, tuple(points),
                       keyword[0] if keyword else None, keyword[1] if keyword else None,
                       problem, note if keyword is None else None)


def entry_points(s: Session, interviewer_id: int) -> EntryPoints:
    """Every way in for the interviewer (a write: a missing keyword gets its default)."""
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        return EntryPoints(interviewer_id, "", "", (), None, None,
                           "This interviewer no longer exists.")
    return build_points(iv.id, iv.position_title, iv.slug, ensure_keyword(s, iv),
                        receptionist_number(s, iv.id), apply_address(s, iv.slug),
                        link_for(s, iv.slug), no_keyword_note(s, iv))


def draft_points(s: Session, interviewer_id: int | None, title: str, slug: str,
                 number: str | None) -> EntryPoints:
    """The entry points an interviewer not saved yet (or being edited) will have: its keyword
    as it is or will be by default, on ``number`` (else the workspace's SMS sender) unless a
    receptionist answers on it."""
    candidates = [number, default_number(s)]
    number = _first_free(candidates, receptionist_numbers(s))
    note = NO_SPARE_NUMBER if number is None and any(candidates) else None
    keyword: tuple[str, str] | None = None
    if number:
        row = (s.scalar(select(EntryKeyword).where(EntryKeyword.interviewer_id == interviewer_id))
               if interviewer_id is not None else None)
        taken = taken_on(s, number, interviewer_id)
        word = row.keyword if row is not None and row.keyword not in taken else \
            default_keyword(slug, taken)
        keyword = (word, number)
    call = receptionist_number(s, interviewer_id) if interviewer_id is not None else None
    return build_points(interviewer_id or 0, title, slug, keyword, call,
                        apply_address(s, slug), link_for(s, slug), note)


def next_step(s: Session, iv: Interviewer, stage: Stage | None, channel: Channel, *,
              can_call: bool, open_now: bool) -> str:
    """How ``stage`` (the candidate's next one) starts, in words for a message sent by
    ``channel``. ``can_call``: we have the candidate's phone, so a phone or text stage starts
    by itself; ``open_now``: messages may go out now (else "during business hours")."""
    when = "within the hour" if open_now else "during our business hours"
    if stage is not None and stage.kind in (StageKind.VOICE, StageKind.SMS, StageKind.FORM):
        number = stage_number(stage, iv) or default_number(s)
        spoken = spoken_number(number) if number else None
        if can_call and spoken:
            if stage.kind == StageKind.VOICE:
                return f"We'll call you from {spoken} {when}."
            if channel == Channel.SMS:
                return (f"Our questions come by text from {spoken} {when}: reply to each "
                        "one.")
            return f"We'll text you from {spoken} {when}: reply to that text to answer."
        kw = ensure_keyword(s, iv)
        if kw is not None:
            return f"To start, text {kw[0]} to {spoken_number(kw[1])}."
    if stage is not None and stage.kind == StageKind.RESUME:
        address = apply_address(s, iv.slug)
        if channel == Channel.EMAIL:
            return ("Reply to this email with your résumé attached." if address is None else
                    f"Reply with your résumé attached, or send it to {address}.")
        if address:
            return f"Email your résumé to {address}."
        return "Reply to this text and we'll tell you where to send your résumé."
    link = link_for(s, iv.slug)
    if link:
        return f"Start here: {link}"
    return ("Reply to this email and we'll tell you how to start." if channel == Channel.EMAIL
            else "Reply to this text and we'll tell you how to start.")
