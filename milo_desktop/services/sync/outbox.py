"""The outbox worker: sends what the app queued, exactly once as far as the provider can tell.

Rows go pending → sending → done / failed. A row is marked ``sending`` (attempts + 1) in its
own transaction BEFORE the provider is called, and ``done`` after; so a crash in between leaves
it in ``sending``, and such rows are reconciled against the provider (for Twilio SMS: list the
Messages to the number since the row was created and match body + sender) BEFORE anything is
sent again. A send whose outcome is unknown (the connection dropped mid-request) also stays in
``sending`` and is reconciled on its next try. 429s are retried inside the connector (Twilio
never processed them); definite rejections (4xx) fail the row with the provider's message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from milo_desktop.enums import MessageStatus, OutboxStatus
from milo_desktop.models.base import utcnow
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.connectors.twilio.connector import SentMessage, TwilioConnector
from milo_desktop.services.connectors.twilio.records import parse_time
from milo_desktop.services.database import Database

log = logging.getLogger(__name__)
SMS = "sms"
RECONCILE_SKEW = dt.timedelta(minutes=10)  # clock difference tolerated between us and Twilio


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    payload: dict[str, Any]
    idempotency_key: str
    status: OutboxStatus
    attempts: int
    created_at: dt.datetime
    last_error: str | None
    provider_ref: str | None


def _row(item: OutboxItem) -> OutboxRow:
    return OutboxRow(item.id, item.kind, dict(item.payload), item.idempotency_key, item.status,
                     item.attempts, item.created_at, item.last_error, item.provider_ref)


def enqueue(s: Session, kind: str, payload: dict[str, Any], idempotency_key: str | None = None,
            message_id: int | None = None) -> int:
    """Queue work inside the caller's transaction (with the user's action); returns its id."""
    item = OutboxItem(kind=kind, payload=payload, message_id=message_id,
                      idempotency_key=idempotency_key or uuid.uuid4().hex)
    s.add(item)
    s.flush()
    return item.id


def enqueue_sms(s: Session, to: str, from_: str, body: str, idempotency_key: str | None = None,
                message_id: int | None = None) -> int:
    """Queue an SMS (see ``enqueue``)."""
    return enqueue(s, SMS, {"to": to, "from": from_, "body": body}, idempotency_key, message_id)


@dataclass(frozen=True)
class OutboxPolicy:
    max_attempts: int = 6
    base_delay: float = 5.0
    max_delay: float = 900.0

    def next_try(self, attempts: int, now: dt.datetime) -> dt.datetime:
        wait = min(self.base_delay * 2 ** max(attempts - 1, 0), self.max_delay)
        return now + dt.timedelta(seconds=wait * (1 + random.uniform(0, 0.25)))


class OutboxWorker:
    """Sends due outbox rows through the Twilio connector (``kind == "sms"``)."""

    def __init__(self, db: Database, connector: Callable[[], Awaitable[TwilioConnector | None]],
                 *, policy: OutboxPolicy | None = None,
                 status_callback: str | None = None,
                 after_send: Callable[[OutboxRow, SentMessage], Awaitable[None]] | None = None
                 ) -> None:
        self.db = db
        self.connector = connector
        self.policy = policy or OutboxPolicy()
        self.status_callback = status_callback  # base URL; the idempotency key rides along
        self.after_send = after_send  # tests: a pause between the provider's OK and "done"

    # -- database steps (each its own short transaction) --------------------------------------
    async def _rows(self, status: OutboxStatus, due_only: bool) -> list[OutboxRow]:
        def q(s: Session) -> list[OutboxRow]:
            stmt = select(OutboxItem).where(OutboxItem.status == status,
                                            OutboxItem.kind == SMS)
            if due_only:
                stmt = stmt.where(OutboxItem.next_try_at <= utcnow())
            return [_row(i) for i in s.scalars(stmt.order_by(OutboxItem.id).limit(200))]
        return await self.db.read(q)

    async def _update(self, row_id: int, **values: Any) -> None:
        def w(s: Session) -> None:
            item = s.get(OutboxItem, row_id)
            assert item is not None
            for key, value in values.items():
                setattr(item, key, value)
            if values.get("status") == OutboxStatus.DONE and item.message_id is not None:
                msg = s.get(Message, item.message_id)
                if msg is not None:
                    msg.status, msg.sent_at = MessageStatus.SENT, utcnow()
                    msg.provider_sid = values.get("provider_ref") or msg.provider_sid
        await self.db.write(w)

    async def _claim(self, row_id: int) -> bool:
        def w(s: Session) -> bool:
            item = s.get(OutboxItem, row_id)
            if item is None or item.status != OutboxStatus.PENDING:
                return False
            item.status = OutboxStatus.SENDING
            item.attempts += 1
            return True
        return await self.db.write(w)

    # -- the work ----------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Reconcile rows left in ``sending`` then send due pending rows; returns how many
        rows reached done. Offline / busy / refused: rows wait for the next run."""
        twilio = await self.connector()
        if twilio is None:
            return 0
        try:
            await self.reconcile(twilio, due_only=False)
            return await self._send_due(twilio)
        except (Offline, AuthFailed, ServiceUnavailable) as exc:
            log.info("outbox paused: %s", exc.message)
            return 0
        finally:
            await twilio.aclose()

    async def reconcile(self, twilio: TwilioConnector, *, due_only: bool) -> int:
        """For each row in ``sending``: did the provider get it? Yes → done; no → pending."""
        fixed = 0
        for row in await self._rows(OutboxStatus.SENDING, due_only):
            sid = await self._find_sent(twilio, row)
            if sid is not None:
                await self._update(row.id, status=OutboxStatus.DONE, provider_ref=sid,
                                   last_error=None)
                fixed += 1
            else:
                await self._update(row.id, status=OutboxStatus.PENDING)
        return fixed

    async def _find_sent(self, twilio: TwilioConnector, row: OutboxRow) -> str | None:
        p = row.payload
        used = await self.db.read(lambda s: set(s.scalars(
            select(OutboxItem.provider_ref).where(OutboxItem.provider_ref.is_not(None),
                                                  OutboxItem.id != row.id))))
        floor = row.created_at - RECONCILE_SKEW
        url: str | None = None
        while True:
            page = await twilio.messages_page(None, url, to=p["to"])
            for m in page.records:  # newest first
                created = parse_time(m.get("date_created"))
                if created is not None and created < floor:
                    return None
                if (m.get("body") == p["body"] and m.get("to") == p["to"]
                        and m.get("from") in (p.get("from"), None) and m["sid"] not in used):
                    return str(m["sid"])
            url = page.next_url
            if not url:
                return None

    async def _send_due(self, twilio: TwilioConnector) -> int:
        sent = 0
        for row in await self._rows(OutboxStatus.PENDING, due_only=True):
            if not await self._claim(row.id):
                continue
            sent += await self._send(twilio, row)
        return sent

    async def _send(self, twilio: TwilioConnector, row: OutboxRow) -> int:
        p = row.payload
        callback = (f"{self.status_callback}?key={row.idempotency_key}"
                    if self.status_callback else None)
        now = utcnow()
        attempts = row.attempts + 1
        try:
            msg = await twilio.send_sms(p["to"], p["from"], p["body"], callback)
        except Offline as exc:
            # The request may or may not have reached Twilio: stay in sending, reconcile later.
            await self._update(row.id, last_error=exc.message,
                               next_try_at=self.policy.next_try(attempts, now))
            raise
        except (ServiceUnavailable, AuthFailed) as exc:  # not processed by Twilio
            await self._retry_or_fail(row.id, attempts, exc.message, now)
            raise
        except TwilioRestException as exc:
            if exc.status >= 500:
                await self._update(row.id, last_error=str(exc.msg),
                                   next_try_at=self.policy.next_try(attempts, now))
                return 0
            await self._update(row.id, status=OutboxStatus.FAILED,
                               last_error=f"Twilio refused the message ({exc.code}): {exc.msg}")
            return 0
        if self.after_send is not None:
            await self.after_send(row, msg)
        await self._update(row.id, status=OutboxStatus.DONE, provider_ref=msg.sid,
                           last_error=None)
        return 1

    async def _retry_or_fail(self, row_id: int, attempts: int, error: str,
                             now: dt.datetime) -> None:
        if attempts >= self.policy.max_attempts:
            await self._update(row_id, status=OutboxStatus.FAILED, last_error=error)
        else:
            await self._update(row_id, status=OutboxStatus.PENDING, last_error=error,
                               next_try_at=self.policy.next_try(attempts, now))

    async def run_forever(self, interval: float = 5.0) -> None:
        """The worker loop (spawn it as a registered task); offline just waits."""
        while True:
            await self.run_once()
            await asyncio.sleep(interval)
