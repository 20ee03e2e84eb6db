"""An invitation inside one transaction: the application's stage results, the invitation email
(and SMS when enabled) as messages + outbox rows, and — when the first stage runs on the
phone — the outbound flow execution for services/stages.

Shared by ``OutreachService.invite`` (application created here) and the "invitation" outbox
handler (the application was created by the receptionist pipeline). Outbox keys derive from
the application (``invitation:application:<id>:email`` …), so an invitation can never be
queued twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, StageKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer, Stage, StageResult
from milo_desktop.services.accepting import refusal
from milo_desktop.services.entry.points import next_step
from milo_desktop.services.links import link_for
from milo_desktop.services.outreach.policy import CommunicationPolicy
from milo_desktop.services.outreach.queueing import queue_email, queue_sms
from milo_desktop.services.outreach.templates import (
    TemplateKind,
    load_template,
    placeholder_values,
    render,
)
from milo_desktop.services.sync.outbox import enqueue

FLOW_EXECUTION = "flow_execution"
PHONE_STAGES = (StageKind.VOICE, StageKind.SMS)


def invitation_key(application_id: int) -> str:
    """The pipeline's key for an invitation row, and the prefix of the rows it becomes."""
    return f"invitation:application:{application_id}"


def check_accepts_new(iv: Interviewer, now: dt.datetime) -> None:
    """ValidationProblem unless ``iv`` takes new candidates (``services/accepting.py``)."""
    problem = refusal(iv.name, iv.status, iv.deadline, now)
    if problem is not None:
        raise ValidationProblem(problem)


def sms_sender(policy: CommunicationPolicy, iv: Interviewer) -> str:
    """The number invitations by SMS come from: the interviewer's own, else the policy's."""
    return iv.phone_number or policy.sms_from


def reachable(candidate: Candidate, iv: Interviewer, policy: CommunicationPolicy) -> bool:
    return bool(candidate.email) or bool(
        policy.sms_enabled and candidate.phone_e164 and sms_sender(policy, iv))


def next_stage(s: Session, iv: Interviewer, application_id: int | None) -> Stage | None:
    """The stage a candidate does next: the first not finished (the first stage when there
    is no application yet)."""
    stages = list(s.scalars(select(Stage).where(Stage.interviewer_id == iv.id)
                            .order_by(Stage.position, Stage.id)))
    if application_id is None:
        return stages[0] if stages else None
    done = set(s.scalars(select(StageResult.stage_id).where(
        StageResult.application_id == application_id,
        StageResult.status.in_((StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)))))
    return next((st for st in stages if st.id not in done), None)


def message_values(s: Session, iv: Interviewer, candidate_name: str, phone: str | None,
                   channel: Channel, now: dt.datetime, *,
                   application_id: int | None = None,
                   policy: CommunicationPolicy | None = None) -> dict[str, str]:
    """The placeholder values of one message to a candidate, ``{{next_step}}`` in the words
    of its channel (``services/entry/points.py``) for the candidate's next stage."""
    open_now = policy.is_open(now) if policy is not None else True
    words = next_step(s, iv, next_stage(s, iv, application_id), channel,
                      can_call=bool(phone), open_now=open_now)
    return placeholder_values(candidate_name, iv.position_title, link_for(s, iv.slug), words)


@dataclass(frozen=True)
class Queued:
    emails: int = 0
    sms: int = 0
    flow: bool = False


def ensure_stage_results(s: Session, app: Application, stages: list[Stage]) -> None:
    have = set(s.scalars(select(StageResult.stage_id).where(
        StageResult.application_id == app.id)))
    for stage in stages:
        if stage.id not in have:
            s.add(StageResult(application_id=app.id, stage_id=stage.id,
                              status=StageStatus.NOT_STARTED))


def queue_invitation(s: Session, app: Application, candidate: Candidate, iv: Interviewer,
                     policy: CommunicationPolicy, now: dt.datetime, *,
                     channels: Collection[str] = (Channel.EMAIL, Channel.SMS)) -> Queued:
    """Everything an invitation sends, for an application that exists (see module doc)."""
    stages = list(s.scalars(select(Stage).where(Stage.interviewer_id == iv.id)
                            .order_by(Stage.position, Stage.id)))
    ensure_stage_results(s, app, stages)
    not_before = policy.next_open(now)
    key = invitation_key(app.id)
    link = link_for(s, iv.slug)
    first = stages[0] if stages else None
    open_now = not_before <= now

    def values(channel: Channel) -> dict[str, str]:
        """The placeholders, ``{{next_step}}`` in the words of this message's channel."""
        words = next_step(s, iv, first, channel, can_call=bool(candidate.phone_e164),
                          open_now=open_now)
        return placeholder_values(candidate.full_name, iv.position_title, link, words)

    emails = sms = 0
    if Channel.EMAIL in channels and candidate.email:
        text = load_template(s, TemplateKind.INVITATION, Channel.EMAIL, iv.email_template)
        queue_email(s, candidate_id=candidate.id, application_id=app.id, purpose="invitation",
                    to=candidate.email, subject=render(text.subject, values(Channel.EMAIL)),
                    body=render(text.body, values(Channel.EMAIL)), key=f"{key}:email", now=now,
                    not_before=not_before)
        emails = 1
    sender = sms_sender(policy, iv)
    if (Channel.SMS in channels and policy.sms_enabled and candidate.phone_e164 and sender):
        text = load_template(s, TemplateKind.INVITATION, Channel.SMS)
        sms = len(queue_sms(s, candidate_id=candidate.id, application_id=app.id,
                            purpose="invitation", to=candidate.phone_e164, from_=sender,
                            body=render(text.body, values(Channel.SMS)), key=f"{key}:sms",
                            now=now,
                            not_before=not_before))
    flow = False
    if first is not None and candidate.phone_e164 and (
            first.kind in PHONE_STAGES or first.kind == StageKind.FORM):
        enqueue(s, FLOW_EXECUTION, {"application_id": app.id, "stage_id": first.id,
                                    "to": candidate.phone_e164},
                f"{FLOW_EXECUTION}:{app.id}:{first.id}", not_before=not_before, now=now)
        flow = True
    return Queued(emails, sms, flow)
