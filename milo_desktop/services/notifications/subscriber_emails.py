"""Emails to an interviewer's subscribers when one of its candidates finishes the interview.

A subscriber (``InterviewerSubscriber``, set in the Create Interviewer wizard) is a hiring
manager or teammate who wants to hear about results without opening Milo. When a candidate
completes every stage — or is knocked out, which also ends the interview — each subscriber
gets one email: the overall score in the subject, the score of each stage in the body and a
line saying where and why a knock-out happened.

The emails go through the outbox like every other email ("email" rows sent by the SMTP handler
once an email connection exists; the communication policy's master switch and business hours
hold them like they hold candidate emails). Each has a ``Message`` row for its delivery status,
with no candidate: it is about the candidate, not contact with them, so it stays out of their
contact history. Queued in the caller's transaction (the one storing the notification), at most
once per (application, subscriber address): the idempotency key is derived from both.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, Direction, MessageStatus, StageStatus
from milo_desktop.models import Application, Candidate, Interviewer, Stage, StageResult
from milo_desktop.models.interviewers import InterviewerSubscriber
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.authoring.validation import is_email
from milo_desktop.services.sync.outbox import EMAIL, enqueue

PURPOSE = "subscriber_report"
SUBJECT_MAX = 200  # messages.subject is String(200)


def report_key(application_id: int, address: str) -> str:
    """The outbox idempotency key of one subscriber's report (≤ 80 characters)."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:24]
    return f"{PURPOSE}:{application_id}:{digest}"


def score_text(score: float | None) -> str:
    return "no score" if score is None else f"{round(score)}/100"


def _stage_line(stage: Stage, result: StageResult) -> str:
    requirements = (f" · {result.structured_passed}/{result.structured_total} requirements met"
                    if result.structured_total else "")
    if result.status == StageStatus.COMPLETED:
        score = f"{round(result.score)}/100" if result.score is not None else "done"
        return f"- {stage.name}: {score}{requirements}"
    if result.status == StageStatus.KNOCKED_OUT:
        score = f", score {round(result.score)}/100" if result.score is not None else ""
        return f"- {stage.name}: knocked out{score}{requirements}"
    return f"- {stage.name}: not reached"


def compose_report(candidate: str, interviewer: str, score: float | None,
                   stages: list[tuple[Stage, StageResult]], knocked_out_at: str | None,
                   knockout: str) -> tuple[str, str]:
    """(subject, body) of the email every subscriber receives."""
    if knocked_out_at is not None:
        subject = f"{candidate} was knocked out of {interviewer} — {knocked_out_at}"
        opening = f"{candidate} was knocked out of the {interviewer} interview."
    else:
        subject = f"{candidate} completed {interviewer} — {score_text(score)}"
        opening = f"{candidate} completed the {interviewer} interview."
    lines = [opening, "", f"Overall score: {score_text(score)}", "", "Stages:"]
    lines += [_stage_line(stage, result) for stage, result in stages] or ["- (none)"]
    if knocked_out_at is not None:
        lines += ["", f"Knocked out at {knocked_out_at}: {knockout or 'a dealbreaker was not met'}"]
    lines += ["", "Open Milo Desktop to read the answers, the evidence and the transcript.", "",
              f"You receive this email because you subscribed to {interviewer}."]
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[:SUBJECT_MAX - 1].rstrip() + "…"
    return subject, "\n".join(lines)


def queue_subscriber_reports(s: Session, application_id: int, *, knockout: str,
                             now: dt.datetime) -> list[int]:
    """Queue the report for every subscriber not sent one for this application yet (inside
    ``db.write``); returns the new outbox rows' ids. ``knockout`` is the knock-out's reason
    (empty for a completion). Addresses that are not email addresses are skipped."""
    app = s.get(Application, application_id)
    if app is None:
        return []
    addresses: dict[str, str] = {}
    for sub in s.scalars(select(InterviewerSubscriber)
                         .where(InterviewerSubscriber.interviewer_id == app.interviewer_id)
                         .order_by(InterviewerSubscriber.id)):
        address = sub.email.strip()
        if is_email(address):
            addresses.setdefault(report_key(application_id, address), address)
    if not addresses:
        return []
    done = set(s.scalars(select(OutboxItem.idempotency_key)
                         .where(OutboxItem.idempotency_key.in_(list(addresses)))))
    todo = {key: address for key, address in addresses.items() if key not in done}
    if not todo:
        return []
    candidate = s.get(Candidate, app.candidate_id)
    interviewer = s.get(Interviewer, app.interviewer_id)
    stages = [(stage, result) for stage, result in s.execute(
        select(Stage, StageResult).join(StageResult, StageResult.stage_id == Stage.id)
        .where(StageResult.application_id == application_id)
        .order_by(Stage.position, Stage.id)).tuples()]
    knocked = next((stage.name for stage, result in stages
                    if result.status == StageStatus.KNOCKED_OUT), None)
    subject, body = compose_report(candidate.full_name if candidate else "A candidate",
                                   interviewer.name if interviewer else "an interviewer",
                                   app.score, stages, knocked, knockout)
    ids = []
    for key, address in todo.items():
        msg = Message(candidate_id=None, application_id=application_id, channel=Channel.EMAIL,
                      direction=Direction.OUTBOUND, purpose=PURPOSE, to_addr=address,
                      subject=subject, body=body, status=MessageStatus.QUEUED, created_at=now)
        s.add(msg)
        s.flush()
        ids.append(enqueue(s, EMAIL, {"to": address, "subject": subject, "body": body},
                           key, msg.id, not_before=now, now=now))
    return ids
