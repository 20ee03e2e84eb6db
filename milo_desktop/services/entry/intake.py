"""Texts that reached a router flow become screenings (the app's side of ``router.py``).

Each ended execution of a router flow whose context went through ``kw_<interviewer id>``
is one candidate who texted that interviewer's keyword: the candidate is found by phone or
created, the application is created (source "phone") or reused, and the interviewer's first
stage is started exactly as an invitation starts it (``queue_invitation`` with no email or
SMS of its own: the router already answered). An execution is taken once: its sid is kept as
an ``external_ids`` row (unique), so reading the same executions again creates nothing.
Contexts the app cannot read go to quarantine with the reason and the raw context.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, CandidateSource
from milo_desktop.models import Application, Candidate, ExternalIdentity, Interviewer
from milo_desktop.services.accepting import refusal
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.entry.router import interviewer_of_widget
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.invitations import queue_invitation
from milo_desktop.services.sync.cursors import add_quarantine

PROVIDER = "twilio"
KIND = "text_entry"  # external_ids.kind of a router execution taken
RESOURCE = "router_executions"
E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class Taken:
    execution_sid: str
    interviewer_id: int | None
    application_id: int | None
    outcome: str  # "started", "already", "opt_out", "unknown", "closed", "quarantined"


def read_choice(context: Any) -> tuple[int | None, str | None, str | None]:
    """(interviewer id or None, the texter's E.164 number, a problem) from a context."""
    if not isinstance(context, dict):
        return None, None, "the execution context is not an object"
    widgets = context.get("widgets")
    contact = context.get("contact")
    channel = contact.get("channel") if isinstance(contact, dict) else None
    phone = channel.get("address") if isinstance(channel, dict) else None
    if not isinstance(phone, str) or not E164_RE.match(phone):
        return None, None, "the texter's number is missing or not in international format"
    chosen = [i for i in (interviewer_of_widget(str(k)) for k in widgets or {})
              if i is not None] if isinstance(widgets, dict) else []
    return (chosen[0] if chosen else None), phone, None


def take_execution(s: Session, execution_sid: str, context: Any, now: dt.datetime) -> Taken:
    """One router execution, in the caller's transaction (see module doc)."""
    seen = s.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == PROVIDER, ExternalIdentity.kind == KIND,
        ExternalIdentity.external_id == execution_sid))
    if seen is not None:
        return Taken(execution_sid, None, seen.application_id, "already")
    interviewer_id, phone, problem = read_choice(context)
    if problem is not None or phone is None:
        add_quarantine(s, [Quarantine.of(PROVIDER, RESOURCE, f"Text to apply: {problem}",
                                         context, execution_sid)])
        return Taken(execution_sid, None, None, "quarantined")
    if interviewer_id is None:
        return Taken(execution_sid, None, None, "unknown")  # answered by the router itself
    iv = s.get(Interviewer, interviewer_id)
    if iv is None or refusal(iv.name, iv.status, iv.deadline, now) is not None:
        return Taken(execution_sid, interviewer_id, None, "closed")
    candidate = s.scalar(select(Candidate).where(Candidate.phone_e164 == phone)
                         .order_by(Candidate.id).limit(1))
    if candidate is None:
        candidate = Candidate(full_name="", name_key="", phone_e164=phone,
                              source=CandidateSource.PHONE)
        s.add(candidate)
        s.flush()
    app = s.scalar(select(Application).where(Application.candidate_id == candidate.id,
                                             Application.interviewer_id == iv.id))
    outcome = "already"
    if app is None:
        app = Application(candidate_id=candidate.id, interviewer_id=iv.id,
                          status=ApplicationStatus.PENDING, source=CandidateSource.PHONE)
        s.add(app)
        s.flush()
        queue_invitation(s, app, candidate, iv, load_policy(s), now, channels=())
        outcome = "started"
    s.add(ExternalIdentity(provider=PROVIDER, kind=KIND, external_id=execution_sid,
                           candidate_id=candidate.id, application_id=app.id))
    s.flush()
    return Taken(execution_sid, iv.id, app.id, outcome)
