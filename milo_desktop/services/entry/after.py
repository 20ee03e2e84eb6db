"""After the screening, per interviewer: a scheduling link (any booking page) sent by itself
to candidates who pass or are shortlisted, as the interviewer chooses, with a closing message;
and the role details (pay, shifts, location, benefits) the phone and text flows read out when
a candidate asks, beside the workspace's company information (Settings → Account).

Stored in ``Interviewer.settings``: ``after_screening`` = {"send_on": "off" | "pass" |
"shortlist", "scheduling_link": "https://…", "closing_message": "…"} and ``role_details`` =
{"pay", "shifts", "location", "benefits"}.

Sending is a sweep (``queue_due``, run by the ``after_screening`` job): every application of
such an interviewer that has passed (completed without a knock-out) or been shortlisted, as
chosen, gets ONE email and/or SMS through the outbox, keyed by the application
(``after_screening:application:<id>:email|sms``), so it goes out exactly once whatever the
number of sweeps, restarts or crashes. Only applications finished since the sending was
switched on (``since``) count: switching it on never mails everyone who finished before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer, OutboxItem
from milo_desktop.services.entry.after_settings import (
    PASSED,
    AfterScreening,
    SendOn,
    merged,
    read,
)
from milo_desktop.services.outreach.batches import load_policy
from milo_desktop.services.outreach.invitations import sms_sender
from milo_desktop.services.outreach.queueing import queue_email, queue_sms
from milo_desktop.services.outreach.templates import FALLBACK_NAME, one_line

DEFAULT_CLOSING = ("Thank you for taking the time to complete your screening. We'd like to "
                   "meet you: please pick a time that suits you.")
PURPOSE = "after_screening"


def store(s: Session, interviewer_id: int, after: AfterScreening,
          now: dt.datetime) -> AfterScreening:
    """Save the interviewer's after-screening settings and role details."""
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise ValidationProblem("This interviewer no longer exists.")
    iv.settings, saved = merged(iv.settings, after, now)
    return saved


def message_text(after: AfterScreening, name: str, title: str) -> tuple[str, str, str]:
    """(subject, email body, SMS body) of the after-screening message."""
    hello = f"Hi {one_line(name) or FALLBACK_NAME},"
    closing = after.closing_message.strip() or DEFAULT_CLOSING
    subject = f"Next step for {one_line(title)}"[:200]
    email = f"{hello}\n\n{closing}\n\nBook your interview: {after.scheduling_link}"
    sms = f"{hello} {one_line(closing)} Book here: {after.scheduling_link}"
    return subject, email, sms


def key_of(application_id: int) -> str:
    return f"{PURPOSE}:application:{application_id}"


def due(after: AfterScreening, status: ApplicationStatus) -> bool:
    if after.send_on == SendOn.PASS:
        return status in PASSED
    if after.send_on == SendOn.SHORTLIST:
        return status == ApplicationStatus.SHORTLISTED
    return False


def any_sends(s: Session) -> bool:
    """Whether any interviewer sends a scheduling link (else the sweep has nothing to do)."""
    return any(read(settings).send_on != SendOn.OFF
               for settings in s.scalars(select(Interviewer.settings)))


def queue_due(s: Session, now: dt.datetime) -> int:
    """Queue the message of every application that is due and has none yet; returns how many
    applications were queued (see module doc)."""
    policy = load_policy(s)
    queued = 0
    done: set[str] | None = None  # the keys queued before, read once when needed
    for iv in s.scalars(select(Interviewer)):
        after = read(iv.settings)
        if after.send_on == SendOn.OFF or not after.scheduling_link or after.since is None:
            continue
        statuses = [st for st in PASSED if due(after, st)]
        rows = s.execute(select(Application, Candidate).join(
            Candidate, Candidate.id == Application.candidate_id).where(
            Application.interviewer_id == iv.id, Application.status.in_(statuses),
            or_(Application.completed_at >= after.since,
                Application.completed_at.is_(None)))).all()
        if rows and done is None:
            done = {":".join(k.split(":")[:3]) for k in s.scalars(select(
                OutboxItem.idempotency_key).where(
                OutboxItem.idempotency_key.like(f"{PURPOSE}:application:%")))}
        for app, candidate in rows:
            key = key_of(app.id)
            if done is not None and key in done:
                continue
            subject, email, sms = message_text(after, candidate.full_name, iv.position_title)
            not_before = policy.next_open(now)
            any_sent = False
            if candidate.email:
                queue_email(s, candidate_id=candidate.id, application_id=app.id,
                            purpose=PURPOSE, to=candidate.email, subject=subject, body=email,
                            key=f"{key}:email", now=now, not_before=not_before)
                any_sent = True
            sender = sms_sender(policy, iv)
            if candidate.phone_e164 and sender and (policy.sms_enabled or not candidate.email):
                queue_sms(s, candidate_id=candidate.id, application_id=app.id,
                          purpose=PURPOSE, to=candidate.phone_e164, from_=sender, body=sms,
                          key=f"{key}:sms", now=now, not_before=not_before)
                any_sent = True
            queued += any_sent
    return queued
