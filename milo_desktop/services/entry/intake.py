"""Texts that reached a router flow become screenings (the app's side of ``router.py``).

Each ended execution of a router flow whose context went through ``kw_<interviewer id>``
is one candidate who texted that interviewer's keyword: the candidate is found by phone or
created, the application is created (source "phone") or reused, and the interviewer's first
stage is started exactly as an invitation starts it (``queue_invitation`` with no email or
SMS of its own: the router already answered). An execution is taken once: its sid is kept as
an ``external_ids`` row (unique), so reading the same executions again creates nothing.
Contexts the app cannot read go to quarantine with the reason and the raw context.

The number's flow also runs the text screenings the app starts (number_flow.py): those
executions carry ``flow.data.stage_id`` and are the stage sync's to read, not ours. A text
that went to ``opt_out`` marks the texter's candidate (by phone) as opted out of texts on
STOP and its relatives, and back in on START / UNSTOP: nothing more is texted to them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, CandidateSource, Channel, Direction, MessageStatus
from milo_desktop.models import Application, Candidate, ExternalIdentity, Interviewer, Message
from milo_desktop.services.accepting import refusal
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.entry.number_flow import stage_of_context
from milo_desktop.services.entry.router import OPT_OUT, interviewer_of_widget
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.invitations import queue_invitation
from milo_desktop.services.sync.cursors import add_quarantine

PROVIDER = "twilio"
KIND = "text_entry"  # external_ids.kind of a router execution taken
RESOURCE = "router_executions"
E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")
# Twilio's default opt-out and opt-in words (its Advanced Opt-Out keeps these lists).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                        "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP"})
OPT_PURPOSE = {"out": "opt_out", "in": "opt_in"}


@dataclass(frozen=True)
class Taken:
    execution_sid: str
    interviewer_id: int | None
    application_id: int | None
    # "started", "already", "opt_out", "opt_in", "unknown", "closed", "quarantined",
    # "screening" (an execution the app started: not a text to take)
    outcome: str


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


def opt_word(context: Any) -> str | None:
    """"out" or "in" when the text went to the router's opt-out branch as STOP (and its
    relatives) or START / UNSTOP; None otherwise (HELP, INFO…)."""
    if not isinstance(context, dict):
        return None
    flow = context.get("flow")
    variables = flow.get("variables") if isinstance(flow, dict) else None
    widgets = context.get("widgets")
    routed = (isinstance(variables, dict) and variables.get("route") == OPT_OUT) or (
        isinstance(widgets, dict) and OPT_OUT in widgets)
    if not routed:
        return None
    word = _body(context).strip().strip(".!").upper()
    if word in STOP_WORDS:
        return "out"
    if word in START_WORDS:
        return "in"
    return None


def _body(context: dict[str, Any]) -> str:
    trigger = context.get("trigger")
    message = trigger.get("message") if isinstance(trigger, dict) else None
    body = message.get("Body") if isinstance(message, dict) else None
    return str(body or "")


def _opt(s: Session, execution_sid: str, phone: str, context: dict[str, Any],
         opt: str, now: dt.datetime) -> Taken:
    """Record an opt-out (or back in) on every candidate with the texter's number, with the
    text in each one's contact history; once per execution."""
    flow = context.get("flow")
    channel = flow.get("channel") if isinstance(flow, dict) else None
    ours = str(channel.get("address") or "") if isinstance(channel, dict) else ""
    word = _body(context).strip()[:20]
    changed = None
    for candidate in s.scalars(select(Candidate).where(Candidate.phone_e164 == phone)):
        if (candidate.sms_opted_out_at is not None) == (opt == "out"):
            continue
        candidate.sms_opted_out_at = now if opt == "out" else None
        s.add(Message(candidate_id=candidate.id, channel=Channel.SMS,
                      direction=Direction.INBOUND, purpose=OPT_PURPOSE[opt], to_addr=ours,
                      from_addr=phone, body=word, status=MessageStatus.RECEIVED,
                      created_at=now, sent_at=now))
        changed = changed or candidate.id
    if changed is not None:
        s.add(ExternalIdentity(provider=PROVIDER, kind=KIND, external_id=execution_sid,
                               candidate_id=changed))
        s.flush()
    return Taken(execution_sid, None, None, "opt_out" if opt == "out" else "opt_in")


def take_execution(s: Session, execution_sid: str, context: Any, now: dt.datetime) -> Taken:
    """One router execution, in the caller's transaction (see module doc)."""
    seen = s.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == PROVIDER, ExternalIdentity.kind == KIND,
        ExternalIdentity.external_id == execution_sid))
    if seen is not None:
        return Taken(execution_sid, None, seen.application_id, "already")
    if stage_of_context(context) is not None:
        return Taken(execution_sid, None, None, "screening")
    interviewer_id, phone, problem = read_choice(context)
    if problem is not None or phone is None:
        add_quarantine(s, [Quarantine.of(PROVIDER, RESOURCE, f"Text to apply: {problem}",
                                         context, execution_sid)])
        return Taken(execution_sid, None, None, "quarantined")
    if interviewer_id is None:
        opt = opt_word(context)
        if opt is not None:
            return _opt(s, execution_sid, phone, context, opt, now)
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
