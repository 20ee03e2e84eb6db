"""The pipeline's writes: approve, reject and ingest a caller, and read marks.

Ingest does everything in one transaction: the call approved and linked, the candidate found
(same phone or email) or created, the application created unless one exists, and the
invitation written to the outbox, so a crash leaves either all of it or none of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import (
    ApplicationStatus,
    CallReview,
    CandidateSource,
    Channel,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Application,
    AuditEntry,
    Candidate,
    InboundCall,
    Interviewer,
    OutboxItem,
    ReceptionistInterviewer,
)
from milo_desktop.services.accepting import refusal
from milo_desktop.services.candidates.identity import note_lookalikes
from milo_desktop.services.pipeline.listing import interviewer_usable, unverified_warning
from milo_desktop.services.pipeline.matching import call_match
from milo_desktop.services.pipeline.rows import (
    CallNotFound,
    IngestResult,
    ReviewUndo,
    UnverifiedNumber,
)
from milo_desktop.services.readiness import email_connected

INVITATION = "invitation"


def audit(s: Session, action: str, call_id: int, **detail: Any) -> None:
    s.add(AuditEntry(action=action, entity="inbound_call", entity_id=call_id, detail=detail))


def get_call(s: Session, call_id: int) -> InboundCall:
    call = s.get(InboundCall, call_id)
    if call is None:
        raise CallNotFound("This call no longer exists.")
    return call


def set_review(s: Session, call_id: int, review: CallReview, now: dt.datetime) -> CallReview:
    """Set the call's review state; returns the one it had before."""
    call = get_call(s, call_id)
    before = CallReview(call.review)
    call.review = review
    call.read_at = call.read_at or now  # deciding on a caller means it has been seen
    audit(s, f"call.{review.value}", call_id, before=before.value)
    return before


def undo_review(s: Session, undo: ReviewUndo) -> None:
    """Put the call's review back as it was before ``undo.applied``; refused when it changed
    since (ingested, decided again)."""
    call = get_call(s, undo.call_id)
    if call.review != undo.applied:
        raise ValidationProblem(
            "Not undone: this caller was decided on again since (now "
            f"{CallReview(call.review).value.replace('_', ' ')}).")
    call.review = undo.previous
    audit(s, "call.undo", undo.call_id, undid=undo.applied.value, back_to=undo.previous.value)


def _refusal(iv: Interviewer, now: dt.datetime) -> str:
    return refusal(iv.name, iv.status, iv.deadline, now) or (
        f"“{iv.name}” takes no new candidates. Choose another interviewer.")


def ingest(s: Session, call_id: int, interviewer_id: int, now: dt.datetime, *,
           confirm_unverified: bool = False,
           use_possible_match: bool = False) -> tuple[IngestResult, bool]:
    """The unit of work of ``PipelineService.ingest``; also says whether anything new was
    written for the directory (a candidate or an application)."""
    call = get_call(s, call_id)
    allowed = s.get(ReceptionistInterviewer, (call.receptionist_id, interviewer_id))
    iv = s.get(Interviewer, interviewer_id)
    if iv is None or allowed is None:
        raise ValidationProblem(
            "That interviewer is not one this receptionist routes callers to. "
            "Choose one of the receptionist's interviewers.")
    if not interviewer_usable(iv, now):
        raise ValidationProblem(_refusal(iv, now))

    match, _linked = call_match(s, call)
    candidate = match.candidate
    if candidate is None and use_possible_match:
        candidate = match.possible  # same phone, another name: the user said it is them
    created = candidate is None
    if candidate is None and not call.from_e164 and not call.email:
        if call.number_unverified:
            raise ValidationProblem(unverified_warning(call, None) + " They left no email "
                                    "either: there is no way to invite them.")
        raise ValidationProblem("This caller left no phone number or email to invite.")
    if call.number_unverified and not confirm_unverified:
        # Never dialled or texted, nor left out, without the user saying so.
        raise UnverifiedNumber(unverified_warning(call, candidate) + " Invite them anyway?")
    if candidate is None:
        name = call.caller_name.strip() or (call.from_e164 or call.email or "")
        candidate = Candidate(
            full_name=name, name_key=name.casefold(),
            email=call.email.strip().lower() if call.email else None,
            phone_e164=call.from_e164, location=call.location, source=CandidateSource.PHONE,
            created_at=now, updated_at=now,
        )
        s.add(candidate)
        s.flush()
        note_lookalikes(s, candidate, "call")
    call.candidate_id = candidate.id
    call.review = CallReview.APPROVED
    call.routed_interviewer_id = iv.id
    call.read_at = call.read_at or now

    app = s.scalars(select(Application).where(Application.candidate_id == candidate.id,
                                              Application.interviewer_id == iv.id)).first()
    already = app is not None
    outbox_id = None
    if app is None:
        app = Application(candidate_id=candidate.id, interviewer_id=iv.id,
                          status=ApplicationStatus.PENDING, source=CandidateSource.PHONE,
                          created_at=now)
        s.add(app)
        s.flush()
        # The invitation always goes by email when there is an address, and by SMS to the
        # number the caller rang from; the outbox worker renders and sends it.
        channels = [c.value for c, to in ((Channel.EMAIL, candidate.email),
                                          (Channel.SMS, candidate.phone_e164)) if to]
        item = OutboxItem(
            kind=INVITATION,
            payload={"candidate_id": candidate.id, "interviewer_id": iv.id,
                     "application_id": app.id, "inbound_call_id": call.id,
                     "channel": channels[0], "channels": channels},
            # One application per (interviewer, candidate): its id makes a stable, unique key.
            idempotency_key=f"invitation:application:{app.id}",
            next_try_at=now, created_at=now, updated_at=now,
        )
        s.add(item)
        s.flush()
        outbox_id = item.id
    audit(s, "call.ingest", call.id, interviewer_id=iv.id, candidate_id=candidate.id,
          candidate_created=created, already_invited=already,
          confirmed_unverified=bool(call.number_unverified),
          used_possible_match=bool(use_possible_match and match.candidate is None
                                   and match.possible is not None))
    email_waiting = (outbox_id is not None and bool(candidate.email)
                     and not email_connected(s))
    result = IngestResult(call.id, candidate.id, created, iv.id, iv.name, already, app.id,
                          outbox_id, email_waiting)
    return result, created or not already
