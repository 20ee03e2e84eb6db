"""The units of work behind invite, nudge and blast: each runs inside one write transaction
over a chunk of ids and records its outcome in a ReportBuilder."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, CandidateSource, Channel
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer
from milo_desktop.models.messaging import Message
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.outreach import report as r
from milo_desktop.services.outreach.budget import budget_room
from milo_desktop.services.outreach.invitations import (
    check_accepts_new,
    message_values,
    queue_invitation,
    reachable,
    sms_sender,
)
from milo_desktop.services.outreach.policy import SETTING_KEY, CommunicationPolicy
from milo_desktop.services.outreach.queueing import queue_email, queue_sms
from milo_desktop.services.outreach.report import ReportBuilder
from milo_desktop.services.outreach.templates import (
    TemplateKind,
    load_template,
    render,
)
from milo_desktop.services.readiness import (
    email_connected,
    first_stage_needs_phone,
    interviewer_readiness,
)

OPEN = (ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS)
BLAST_WINDOW = dt.timedelta(hours=1)


def load_policy(s: Session) -> CommunicationPolicy:
    row = s.get(WorkspaceSetting, SETTING_KEY)
    return CommunicationPolicy.from_json(row.value if row is not None else None)


def _note_schedule(out: ReportBuilder, policy: CommunicationPolicy, now: dt.datetime) -> None:
    when = policy.next_open(now)
    if when > now:
        out.not_before = when


@dataclass(frozen=True)
class Touched:
    """What a batch changed, for the events published after it."""

    candidate_ids: tuple[int, ...] = ()
    application_ids: tuple[int, ...] = ()


def invite_batch(s: Session, candidate_ids: Sequence[int], interviewer_id: int,
                 source: CandidateSource, now: dt.datetime, out: ReportBuilder) -> Touched:
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise ValidationProblem("This interviewer no longer exists.")
    check_accepts_new(iv, now)
    readiness = interviewer_readiness(s, iv)
    if not readiness.ready:  # the flow cannot progress: nobody is invited, nothing queued
        raise ValidationProblem(f"Nobody was invited: “{iv.name}” cannot take candidates "
                                f"yet. {readiness.reason()}")
    needs_phone = first_stage_needs_phone(s, iv.id)
    mail_ok = email_connected(s)
    policy = load_policy(s)
    _note_schedule(out, policy, now)
    candidates = {c.id: c for c in s.scalars(select(Candidate).where(
        Candidate.id.in_(candidate_ids)))}
    invited = set(s.scalars(select(Application.candidate_id).where(
        Application.interviewer_id == iv.id, Application.candidate_id.in_(candidate_ids))))
    room = budget_room(s, iv, now)
    touched_c: list[int] = []
    touched_a: list[int] = []
    for cid in candidate_ids:
        c = candidates.get(cid)
        if c is None or c.erase_requested_at is not None:
            out.skip(r.NOT_FOUND, cid)
            continue
        if cid in invited:
            out.skip(r.ALREADY_INVITED, cid)
            continue
        if not reachable(c, iv, policy):
            out.skip(r.NO_EMAIL if not policy.sms_enabled else r.NO_CONTACT, cid)
            continue
        if needs_phone and not c.phone_e164:
            out.skip(r.NO_PHONE_FOR_STAGE, cid)
            continue
        if room.room is not None and room.room <= 0:
            out.skip(r.BUDGET, cid)
            out.note(room.reason)
            continue
        app = Application(candidate_id=cid, interviewer_id=iv.id,
                          status=ApplicationStatus.PENDING, source=source, created_at=now)
        s.add(app)
        s.flush()
        sent = queue_invitation(s, app, c, iv, policy, now)
        _note_email(out, cid, mail_ok, sent.emails > 0, sent.sms > 0 or sent.flow)
        invited.add(cid)
        out.queued += 1
        touched_c.append(cid)
        touched_a.append(app.id)
        if room.room is not None:
            room = replace(room, room=room.room - 1)
    return Touched(tuple(touched_c), tuple(touched_a))


def _note_email(out: ReportBuilder, item_id: int, mail_ok: bool, emailed: bool,
                other_now: bool) -> None:
    """Say what happens to an email queued while no email account is connected: the item
    waits when nothing else of it goes out now, else a note says the email waits."""
    if mail_ok or not emailed:
        return
    if other_now:
        out.note("Emails wait in the queue until you connect an email account "
                 "(Integrations → Email); the texts and screenings go out now.")
    else:
        out.wait(r.NO_EMAIL_ACCOUNT, item_id)


def _last_contact(s: Session, app_ids: Sequence[int]) -> dict[int, dt.datetime]:
    rows = s.execute(select(Message.application_id, func.max(Message.created_at)).where(
        Message.application_id.in_(app_ids),
        Message.purpose.in_(("invitation", "nudge", "final_nudge"))).group_by(
        Message.application_id))
    return {aid: when for aid, when in rows if aid is not None}


def nudge_batch(s: Session, application_ids: Sequence[int], now: dt.datetime,
                out: ReportBuilder) -> Touched:
    policy = load_policy(s)
    _note_schedule(out, policy, now)
    not_before = policy.next_open(now)
    mail_ok = email_connected(s)
    apps = {a.id: a for a in s.scalars(select(Application).where(
        Application.id.in_(application_ids)))}
    last = _last_contact(s, list(apps))
    cooldown = dt.timedelta(hours=policy.nudge_cooldown_hours)
    touched_c: list[int] = []
    touched_a: list[int] = []
    for aid in application_ids:
        app = apps.get(aid)
        if app is None:
            out.skip(r.NOT_FOUND, aid)
            continue
        c, iv = app.candidate, s.get(Interviewer, app.interviewer_id)
        assert iv is not None
        if app.status not in OPEN:
            out.skip(r.FINISHED, aid)
            continue
        if app.nudges_sent >= policy.max_nudges:
            out.skip(r.MAX_NUDGES, aid)
            continue
        since = max(last.get(aid, app.created_at), app.created_at)
        if now - since < cooldown:
            out.skip(r.COOLDOWN, aid)
            continue
        if not reachable(c, iv, policy):
            out.skip(r.NO_EMAIL if not policy.sms_enabled else r.NO_CONTACT, aid)
            continue
        final = app.nudges_sent + 1 >= policy.max_nudges
        kind = TemplateKind.FINAL_NUDGE if final else TemplateKind.NUDGE
        key = f"nudge:application:{aid}:{app.nudges_sent + 1}"
        texted = False
        if c.email:
            text = load_template(s, kind, Channel.EMAIL)
            values = message_values(s, iv, c.full_name, c.phone_e164, Channel.EMAIL, now,
                                    application_id=aid, policy=policy)
            queue_email(s, candidate_id=c.id, application_id=aid, purpose=kind.value,
                        to=c.email, subject=render(text.subject, values),
                        body=render(text.body, values), key=f"{key}:email", now=now,
                        not_before=not_before)
        sender = sms_sender(policy, iv)
        if policy.sms_enabled and c.phone_e164 and sender:
            text = load_template(s, kind, Channel.SMS)
            values = message_values(s, iv, c.full_name, c.phone_e164, Channel.SMS, now,
                                    application_id=aid, policy=policy)
            queue_sms(s, candidate_id=c.id, application_id=aid, purpose=kind.value,
                      to=c.phone_e164, from_=sender, body=render(text.body, values),
                      key=f"{key}:sms", now=now, not_before=not_before)
            texted = True
        _note_email(out, aid, mail_ok, bool(c.email), texted)
        app.nudges_sent += 1
        out.queued += 1
        touched_c.append(c.id)
        touched_a.append(aid)
    return Touched(tuple(touched_c), tuple(touched_a))


@dataclass(frozen=True)
class BlastText:
    email_subject: str | None
    email_body: str | None
    sms_body: str | None


def _recently_blasted(s: Session, candidate_ids: Sequence[int], now: dt.datetime) -> set[int]:
    return set(s.scalars(select(Message.candidate_id).where(
        Message.candidate_id.in_(candidate_ids), Message.purpose == "blast",
        Message.created_at > now - BLAST_WINDOW)))


def blast_batch(s: Session, application_ids: Sequence[int], text: BlastText,
                now: dt.datetime, out: ReportBuilder) -> Touched:
    """At most one blast per candidate per hour (whichever interviewer it came through)."""
    policy = load_policy(s)
    _note_schedule(out, policy, now)
    not_before = policy.next_open(now)
    apps = {a.id: a for a in s.scalars(select(Application).where(
        Application.id.in_(application_ids)))}
    recent = _recently_blasted(s, [a.candidate_id for a in apps.values()], now)
    mail_ok = email_connected(s)
    batch = uuid.uuid4().hex[:12]
    email = bool(text.email_subject and text.email_body)
    touched_c: list[int] = []
    touched_a: list[int] = []
    for aid in application_ids:
        app = apps.get(aid)
        if app is None:
            out.skip(r.NOT_FOUND, aid)
            continue
        c, iv = app.candidate, s.get(Interviewer, app.interviewer_id)
        assert iv is not None
        if c.id in recent:
            out.rate_limited.append(aid)
            continue
        sender = sms_sender(policy, iv)
        can_email = email and bool(c.email)
        can_sms = bool(policy.sms_enabled and text.sms_body and c.phone_e164 and sender)
        if not (can_email or can_sms):
            reason = (r.NO_EMAIL if email and not text.sms_body else
                      r.NO_PHONE if text.sms_body and not email else r.NO_CONTACT)
            out.skip(reason, aid)
            continue
        key = f"blast:{batch}:{aid}"
        if can_email:
            values = message_values(s, iv, c.full_name, c.phone_e164, Channel.EMAIL, now,
                                    application_id=aid, policy=policy)
            queue_email(s, candidate_id=c.id, application_id=aid, purpose="blast",
                        to=c.email or "", subject=render(text.email_subject or "", values),
                        body=render(text.email_body or "", values), key=f"{key}:email",
                        now=now, not_before=not_before)
        if can_sms:
            values = message_values(s, iv, c.full_name, c.phone_e164, Channel.SMS, now,
                                    application_id=aid, policy=policy)
            queue_sms(s, candidate_id=c.id, application_id=aid, purpose="blast",
                      to=c.phone_e164 or "", from_=sender, body=render(text.sms_body or "",
                                                                      values),
                      key=f"{key}:sms", now=now, not_before=not_before)
        _note_email(out, aid, mail_ok, can_email, can_sms)
        recent.add(c.id)
        out.queued += 1
        touched_c.append(c.id)
        touched_a.append(aid)
    return Touched(tuple(touched_c), tuple(touched_a))
