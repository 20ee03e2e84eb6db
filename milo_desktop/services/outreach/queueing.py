"""Writing what goes out: a ``Message`` (the contact history, status queued) and its outbox row,
in the caller's transaction, so the history never shows a message the outbox doesn't have (or
the other way round).

Twilio takes at most 1,600 characters per SMS, while a blast may be 2,000: longer texts are
split at word boundaries into numbered parts, each its own message and outbox row (each sent
exactly once).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milo_desktop.enums import Channel, Direction, MessageStatus
from milo_desktop.models.messaging import Message
from milo_desktop.services.sync.outbox import EMAIL, SMS, enqueue

SMS_PART_MAX = 1600  # Twilio's limit for one message body (error 21617 above it)
PART_MARK = 8  # room for " (1/2)"


def _message(s: Session, *, candidate_id: int, application_id: int | None, channel: Channel,
             purpose: str, to: str, subject: str, body: str, now: dt.datetime) -> Message:
    msg = Message(candidate_id=candidate_id, application_id=application_id, channel=channel,
                  direction=Direction.OUTBOUND, purpose=purpose, to_addr=to[:254],
                  subject=subject[:200], body=body, status=MessageStatus.QUEUED, created_at=now)
    s.add(msg)
    s.flush()
    return msg


def queue_email(s: Session, *, candidate_id: int, application_id: int | None, purpose: str,
                to: str, subject: str, body: str, key: str, now: dt.datetime,
                not_before: dt.datetime) -> int:
    """One email (message + outbox row); returns the message's id."""
    msg = _message(s, candidate_id=candidate_id, application_id=application_id,
                   channel=Channel.EMAIL, purpose=purpose, to=to, subject=subject, body=body,
                   now=now)
    enqueue(s, EMAIL, {"to": to, "subject": subject, "body": body},
            key, msg.id, not_before=not_before, now=now)
    return msg.id


def queue_sms(s: Session, *, candidate_id: int, application_id: int | None, purpose: str,
              to: str, from_: str, body: str, key: str, now: dt.datetime,
              not_before: dt.datetime) -> list[int]:
    """One SMS, or numbered parts when longer than Twilio takes; returns the message ids."""
    parts = split_sms(body)
    ids = []
    for n, part in enumerate(parts, 1):
        text = part if len(parts) == 1 else f"{part} ({n}/{len(parts)})"
        msg = _message(s, candidate_id=candidate_id, application_id=application_id,
                       channel=Channel.SMS, purpose=purpose, to=to, subject="", body=text,
                       now=now)
        msg.from_addr = from_
        part_key = key if len(parts) == 1 else f"{key}:part{n}"
        enqueue(s, SMS, {"to": to, "from": from_, "body": text},
                part_key, msg.id, not_before=not_before, now=now)
        ids.append(msg.id)
    return ids


def split_sms(body: str, limit: int = SMS_PART_MAX) -> list[str]:
    """``body`` in pieces Twilio accepts, cut at the last space before the limit."""
    if len(body) <= limit:
        return [body]
    room = limit - PART_MARK
    parts: list[str] = []
    rest = body
    while len(rest) > room:
        cut = rest.rfind(" ", room // 2, room)
        cut = cut if cut > 0 else room
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
