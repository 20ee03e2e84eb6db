"""Writing one page of the mailbox into the workspace, in ONE transaction.

For each message: an ``email_intake`` row (mailbox + Message-ID, UIDVALIDITY + UID) and what it
led to — a candidate and their application in the interviewer the recipient names (invited
as the outreach rules say), a bounced message marked "Bounced", or a quarantine row with the
reason and the kept raw file. The page's cursor (UIDVALIDITY + last UID) is saved in the same
transaction, so a crash anywhere resumes without loss or doubles; a message whose key is
already recorded (read again after a crash or a UIDVALIDITY change) is only queued for the
move to the processed folder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    StageStatus,
)
from milo_desktop.models import Application, Candidate, Interviewer, Stage, StageResult
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.models.system import QuarantinedRecord, SyncCursor
from milo_desktop.services.accepting import refusal
from milo_desktop.services.candidates.identity import (
    Person,
    fill_missing,
    new_candidate,
    record_possible,
    resolve,
)
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.email_intake.addresses import slug_for
from milo_desktop.services.email_intake.parse import Applicant, Attachment, Bounce, Rejected
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.budget import budget_room
from milo_desktop.services.outreach.invitations import queue_invitation
from milo_desktop.services.readiness import interviewer_readiness

SERVICE = "email"
RESOURCE = "message"
APPLIED, QUARANTINED, BOUNCE = "applied", "quarantined", "bounce"


@dataclass(frozen=True)
class Item:
    """One message as read from the mailbox, ready to be stored."""

    uid: int
    key: str
    size: int
    reading: Applicant | Bounce | Rejected
    raw_path: str | None = None  # the kept raw file (quarantined mail, bounces)


@dataclass
class Outcome:
    """What one page (or one retry) changed, for what runs after the commit."""

    applied: list[tuple[int, int, int, tuple[Attachment, ...]]] = field(default_factory=list)
    # ^ (candidate id, interviewer id, application id, résumés) of NEW applications
    created: list[int] = field(default_factory=list)  # new people
    touched: list[int] = field(default_factory=list)  # linked people
    quarantined: int = 0
    bounced: list[int] = field(default_factory=list)  # candidate ids whose message bounced
    seen: int = 0  # already recorded: only moved
    discard: list[str] = field(default_factory=list)  # kept raw files no longer needed
    # application id → its raw message, kept until its résumé is scored (a crash between the
    # commit and the scoring leaves it for the next round: ``resumes_to_score``)
    kept: dict[int, str] = field(default_factory=dict)
    # What one transaction reads once (the policy, each interviewer's readiness and stages)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    invited: int = 0


# ----- cursor --------------------------------------------------------------------------------
def cursor_resource(account: str) -> str:
    import hashlib

    return "imap:" + hashlib.sha1(account.encode()).hexdigest()[:32]


def load_position(s: Session, account: str) -> tuple[int, int]:
    """(UIDVALIDITY, last UID stored) of the mailbox; (0, 0) before the first page."""
    row = s.get(SyncCursor, (SERVICE, cursor_resource(account)))
    try:
        raw = json.loads(row.cursor) if row is not None and row.cursor else {}
        return int(raw.get("uidvalidity", 0)), int(raw.get("uid", 0))
    except (ValueError, TypeError, AttributeError):
        return 0, 0


def save_position(s: Session, account: str, uidvalidity: int, uid: int, now: dt.datetime) -> None:
    key = (SERVICE, cursor_resource(account))
    row = s.get(SyncCursor, key)
    if row is None:
        row = SyncCursor(service=SERVICE, resource=key[1])
        s.add(row)
    row.cursor = json.dumps({"uidvalidity": uidvalidity, "uid": uid})
    row.last_error = None
    row.last_success_at = now


# ----- a page --------------------------------------------------------------------------------
def store_page(s: Session, account: str, uidvalidity: int, items: Sequence[Item],
               addresses: Mapping[str, Any], now: dt.datetime, *, position: int | None,
               region: str = "US") -> Outcome:
    """Store a page's messages (see the module's doc) and, unless ``position`` is None, the
    cursor after it."""
    out = Outcome()
    keys = [i.key for i in items]
    known = {r.message_key: r for r in s.scalars(select(EmailIntakeRecord).where(
        EmailIntakeRecord.mailbox == account, EmailIntakeRecord.message_key.in_(keys)))} \
        if keys else {}
    for item in items:
        rec = known.get(item.key)
        if rec is not None:  # read again: only the move is left to do
            rec.uidvalidity, rec.uid, rec.processed_at = uidvalidity, item.uid, None
            out.seen += 1
            continue
        rec = EmailIntakeRecord(mailbox=account, message_key=item.key, uidvalidity=uidvalidity,
                                uid=item.uid, outcome=QUARANTINED, raw_path=item.raw_path,
                                created_at=now)
        s.add(rec)
        known[item.key] = rec
        apply_reading(s, rec, item, account, addresses, now, out)
    if position is not None:
        save_position(s, account, uidvalidity, position, now)
    return out


def apply_reading(s: Session, rec: EmailIntakeRecord, item: Item, account: str,
                  addresses: Mapping[str, Any], now: dt.datetime, out: Outcome) -> None:
    """Decide one message into ``rec`` (an application, a bounce or quarantine)."""
    r = item.reading
    if isinstance(r, Rejected):
        _quarantine(s, rec, item, account, r.reason, r.summary, out)
    elif isinstance(r, Bounce):
        _bounce(s, rec, item, account, r, out)
    else:
        _apply(s, rec, item, account, r, addresses, now, out)


def _quarantine(s: Session, rec: EmailIntakeRecord, item: Item, account: str, reason: str,
                summary: Mapping[str, str], out: Outcome) -> None:
    payload = json.dumps({"mailbox": account, "uid": item.uid, "size": item.size,
                          "message_id": item.key, "raw_file": item.raw_path, **summary},
                         ensure_ascii=False)
    q = Quarantine(SERVICE, RESOURCE, reason, payload, external_id=item.key[:80])
    row = QuarantinedRecord(service=q.service, resource=q.resource, external_id=q.external_id,
                            reason=q.reason, payload=q.payload)
    s.add(row)
    s.flush()
    rec.outcome, rec.reason, rec.quarantine_id = QUARANTINED, reason, row.id
    out.quarantined += 1


def _bounce(s: Session, rec: EmailIntakeRecord, item: Item, account: str, b: Bounce,
            out: Outcome) -> None:
    ids = list(b.original_ids)
    wanted = set(ids) | {i[:64] for i in ids}
    found = s.scalars(select(Message).where(
        Message.channel == Channel.EMAIL, Message.direction == Direction.OUTBOUND,
        or_(Message.provider_sid.in_(wanted),
            Message.id.in_(select(OutboxItem.message_id).where(
                OutboxItem.provider_ref.in_(wanted)))))).all()
    if b.recipients:
        found = [m for m in found if m.to_addr.lower() in b.recipients] or found
    if not found:
        _quarantine(s, rec, item, account, "A bounce report for a message Milo did not send "
                    "(or no longer has).", {"status": b.status, "diagnostic": b.diagnostic},
                    out)
        return
    for m in found:
        m.status = MessageStatus.BOUNCED
        m.error = f"Bounced ({b.status}): {b.diagnostic}" if b.diagnostic else \
            f"Bounced ({b.status})"
        if m.candidate_id is not None:
            out.bounced.append(m.candidate_id)
    rec.outcome, rec.message_row_id = BOUNCE, found[0].id
    rec.reason = f"Bounce report: {b.status}"


def interviewer_for(s: Session, recipients: Sequence[str],
                    addresses: Mapping[str, Any]) -> tuple[Interviewer | None, str | None]:
    """The interviewer the first recipient naming one names, with its slug."""
    for to in recipients:
        slug = slug_for(addresses, to)
        if slug:
            iv = s.scalar(select(Interviewer).where(Interviewer.slug == slug))
            return iv, slug
    return None, None


def _apply(s: Session, rec: EmailIntakeRecord, item: Item, account: str, a: Applicant,
           addresses: Mapping[str, Any], now: dt.datetime, out: Outcome) -> None:
    summary = {"from": a.email, "subject": a.subject[:300]}
    iv, slug = interviewer_for(s, a.recipients, addresses)
    if iv is None:
        why = (f"Sent to the apply address of “{slug}”, but no interviewer has that URL name."
               if slug else "Sent to no interviewer's apply address (the mailbox's own "
                            "address, or a copy), so Milo cannot tell which role it is for.")
        _quarantine(s, rec, item, account, why, summary, out)
        return
    closed = refusal(iv.name, iv.status, iv.deadline, now)
    if closed is not None:
        _quarantine(s, rec, item, account, f"An application for a closed interviewer: {closed}",
                    summary, out)
        return
    person = Person(full_name=a.name, email=a.email, phone_e164=a.phone_e164)
    res = resolve(s, [person])[0]
    cid = res.candidate_id
    possible = list(res.possible)
    if cid is None and not a.name:  # no name at all: the same email is the same person
        cid = next((c for c, key in possible if key == "email"), None)
        possible = [(c, k) for c, k in possible if c != cid]
    if cid is None:
        c = new_candidate(Person(a.name or a.email.split("@")[0], a.email, a.phone_e164),
                          CandidateSource.EMAIL)
        c.created_at = c.updated_at = now
        s.add(c)
        s.flush()
        if possible:
            record_possible(s, c.id, possible, SERVICE)
        out.created.append(c.id)
    else:
        found = s.get(Candidate, cid)
        if found is None:
            raise LookupError(cid)
        c = found
        if fill_missing(c, person):
            c.updated_at = now
        out.touched.append(c.id)
    rec.candidate_id = c.id
    rec.outcome = APPLIED
    rec.reason = None
    # An application: the message itself stays in the processed folder; the kept copy is
    # needed only until its résumé is scored.
    rec.raw_path = None
    app = s.scalar(select(Application).where(Application.candidate_id == c.id,
                                             Application.interviewer_id == iv.id))
    if app is not None:  # already in this interviewer: one application, no second invite
        rec.application_id = app.id
        rec.reason = "Already applied to this interviewer; nothing new was created."
        if item.raw_path:
            out.discard.append(item.raw_path)
        return
    # The budget is checked as an invitation would check it (before this application counts).
    room = budget_room(s, iv, now).room
    app = Application(candidate_id=c.id, interviewer_id=iv.id, status=ApplicationStatus.PENDING,
                      source=CandidateSource.EMAIL, created_at=now, last_engaged_at=now)
    s.add(app)
    s.flush()
    rec.application_id = app.id
    cache = out.cache
    if ("stages", iv.id) not in cache:
        cache[("stages", iv.id)] = list(s.scalars(select(Stage).where(
            Stage.interviewer_id == iv.id).order_by(Stage.position, Stage.id)))
        cache[("ready", iv.id)] = interviewer_readiness(s, iv).ready
    if "policy" not in cache:
        cache["policy"] = load_policy(s)
    for stage in cache[("stages", iv.id)]:  # a new application: every stage not started
        s.add(StageResult(application_id=app.id, stage_id=stage.id,
                          status=StageStatus.NOT_STARTED))
    policy = cache["policy"]
    if policy.enabled and cache[("ready", iv.id)] and (room is None or room > 0):
        queue_invitation(s, app, c, iv, policy, now)
        out.invited += 1
    out.applied.append((c.id, iv.id, app.id, a.resumes))
    if item.raw_path:
        if a.resumes:
            rec.raw_path = item.raw_path
            out.kept[app.id] = item.raw_path
        else:
            out.discard.append(item.raw_path)


def resumes_to_score(s: Session) -> list[tuple[int, str]]:
    """(application id, kept raw message) of applications whose résumé was not scored yet
    (the app stopped between the commit and the scoring)."""
    return [(int(app_id), str(path)) for app_id, path in s.execute(
        select(EmailIntakeRecord.application_id, EmailIntakeRecord.raw_path).where(
            EmailIntakeRecord.outcome == APPLIED, EmailIntakeRecord.raw_path.is_not(None),
            EmailIntakeRecord.application_id.is_not(None)).order_by(EmailIntakeRecord.id))]


def resume_scored(s: Session, application_ids: Sequence[int]) -> None:
    """The résumés of these applications were scored (or refused with their reason)."""
    for rec in s.scalars(select(EmailIntakeRecord).where(
            EmailIntakeRecord.outcome == APPLIED,
            EmailIntakeRecord.application_id.in_(list(application_ids)))):
        rec.raw_path = None


def pending_moves(s: Session, account: str, uidvalidity: int) -> list[int]:
    """UIDs stored but not yet moved to the processed folder."""
    return list(s.scalars(select(EmailIntakeRecord.uid).where(
        EmailIntakeRecord.mailbox == account, EmailIntakeRecord.uidvalidity == uidvalidity,
        EmailIntakeRecord.processed_at.is_(None)).order_by(EmailIntakeRecord.uid)))


def mark_moved(s: Session, account: str, uidvalidity: int, uids: Sequence[int],
               now: dt.datetime) -> None:
    for rec in s.scalars(select(EmailIntakeRecord).where(
            EmailIntakeRecord.mailbox == account, EmailIntakeRecord.uidvalidity == uidvalidity,
            EmailIntakeRecord.uid.in_(list(uids)))):
        rec.processed_at = now


__all__ = ["APPLIED", "BOUNCE", "QUARANTINED", "RESOURCE", "SERVICE", "Item", "Outcome",
           "apply_reading", "cursor_resource", "interviewer_for", "load_position",
           "mark_moved", "pending_moves", "resume_scored", "resumes_to_score", "save_position",
           "store_page"]
