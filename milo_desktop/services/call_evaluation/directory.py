"""The directory side of an evaluated call, inside the evaluation's transaction: link the caller
to the candidate who has the same phone or email, and invite an approved caller to the
receptionist's default interviewer through the outbox (never twice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, CandidateSource, Channel
from milo_desktop.models import (
    Application,
    Candidate,
    InboundCall,
    Interviewer,
    OutboxItem,
    Receptionist,
)
from milo_desktop.services.accepting import interviewer_accepts
from milo_desktop.services.candidates.identity import note_lookalikes
from milo_desktop.services.pipeline import INVITATION
from milo_desktop.services.pipeline.listing import call_candidate


@dataclass(frozen=True)
class DirectoryLink:
    """What the evaluation did to the directory."""

    candidate_id: int | None = None
    candidate_created: bool = False
    interviewer_id: int | None = None
    interviewer_name: str | None = None
    application_id: int | None = None
    application_created: bool = False
    outbox_id: int | None = None
    already_invited: bool = False
    # Approved, but not invited: the caller's number is unverified, and nothing dials or
    # texts it without the user (who ingests the call from the pipeline, confirming).
    held_unverified: bool = False

    @property
    def directory_changed(self) -> bool:
        return self.candidate_created or self.application_created


def default_interviewer(s: Session, receptionist: Receptionist,
                        now: dt.datetime) -> Interviewer | None:
    """The receptionist's default interviewer when it takes new candidates (active, not past
    its deadline); approved callers are invited there automatically."""
    if receptionist.default_interviewer_id is None:
        return None
    iv = s.get(Interviewer, receptionist.default_interviewer_id)
    if iv is None or not interviewer_accepts(iv, now):
        return None
    return iv


def _new_candidate(s: Session, call: InboundCall, now: dt.datetime) -> Candidate | None:
    if not call.from_e164 and not call.email:
        return None  # nobody to invite: no number, no address
    name = call.caller_name.strip() or (call.from_e164 or call.email or "")
    candidate = Candidate(
        full_name=name[:200], name_key=name.casefold()[:200],
        email=call.email.strip().lower() if call.email else None,
        phone_e164=call.from_e164, location=call.location, source=CandidateSource.PHONE,
        created_at=now, updated_at=now,
    )
    s.add(candidate)
    s.flush()
    note_lookalikes(s, candidate, "call")
    return candidate


def _invitation(s: Session, candidate: Candidate, iv: Interviewer, app: Application,
                call: InboundCall, now: dt.datetime) -> int | None:
    # The same item the pipeline's Ingest writes (pipeline/actions.py): email when there is an
    # address, SMS to the caller's number; the outbox worker renders and sends it.
    channels = [c.value for c, to in ((Channel.EMAIL, candidate.email),
                                      (Channel.SMS, candidate.phone_e164)) if to]
    if not channels:
        return None
    key = f"invitation:application:{app.id}"
    existing = s.scalar(select(OutboxItem.id).where(OutboxItem.idempotency_key == key))
    if existing is not None:
        return existing
    item = OutboxItem(
        kind=INVITATION,
        payload={"candidate_id": candidate.id, "interviewer_id": iv.id,
                 "application_id": app.id, "inbound_call_id": call.id,
                 "channel": channels[0], "channels": channels},
        idempotency_key=key, next_try_at=now, created_at=now, updated_at=now,
    )
    s.add(item)
    s.flush()
    return item.id


def link_and_invite(s: Session, call: InboundCall, receptionist: Receptionist, *, invite: bool,
                    now: dt.datetime) -> DirectoryLink:
    """Link ``call`` to its candidate (same E.164 phone, then same lower-cased email); with
    ``invite`` and a usable default interviewer, also create the candidate if needed, the
    application (source phone) and its invitation — unless the candidate already has an
    application there, or the caller's number is unverified (``held_unverified``: the user
    decides, from the pipeline)."""
    candidate, _linked = call_candidate(s, call)
    iv = default_interviewer(s, receptionist, now) if invite else None
    if iv is not None and call.number_unverified:
        if candidate is not None:
            call.candidate_id = candidate.id
        return DirectoryLink(candidate.id if candidate else None, held_unverified=True)
    created = False
    if candidate is None and iv is not None:
        candidate = _new_candidate(s, call, now)
        created = candidate is not None
    if candidate is None:
        return DirectoryLink()
    call.candidate_id = candidate.id
    if iv is None:
        return DirectoryLink(candidate.id, created)
    call.routed_interviewer_id = iv.id
    app = s.scalars(select(Application).where(Application.candidate_id == candidate.id,
                                              Application.interviewer_id == iv.id)).first()
    if app is not None:
        return DirectoryLink(candidate.id, created, iv.id, iv.name, app.id,
                             already_invited=True)
    app = Application(candidate_id=candidate.id, interviewer_id=iv.id,
                      status=ApplicationStatus.PENDING, source=CandidateSource.PHONE,
                      created_at=now)
    s.add(app)
    s.flush()
    outbox_id = _invitation(s, candidate, iv, app, call, now)
    return DirectoryLink(candidate.id, created, iv.id, iv.name, app.id, True, outbox_id)
