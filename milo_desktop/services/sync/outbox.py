"""The outbox worker: sends what the app queued, exactly once as far as each provider can tell.

Everything the app sends is first an ``outbox`` row written in the user's transaction; this
worker hands each due row to the handler registered for its ``kind`` ("sms", "email",
"invitation" from services/outreach, "flow_execution" from services/stages).

Rows go pending → sending → done / failed. A row is claimed (``sending``, attempts + 1, a lease
on ``next_try_at``) in its own transaction BEFORE the handler runs, and marked done after; a
crash in between leaves it in ``sending``, and such rows are reconciled with the handler's
``find_sent`` (e.g. Twilio: list the Messages to the number since the row was created) BEFORE
anything is sent again. The first round of a worker reconciles every ``sending`` row at once,
whatever its lease (crash recovery): one the provider has is marked done, one that never left
is sent in that same round. Later rounds reconcile only the rows whose lease or retry time
has passed, so a teammate's desktop sharing a PostgreSQL workspace never reconciles a row
another worker is sending - except the rows this worker itself claimed in a round that was
interrupted by an error (``run_forever`` restarted by the supervisor), which are reconciled
at once too.

``run_forever`` is safe to supervise (services/core/supervisor.py): a kind's unexpected error
does not keep the other kinds from their round; it is raised once every kind has had its turn.

What a handler's ``send`` may raise, and what happens:

- ``Offline`` or ``MaybeSent``: the provider may have the message → stays ``sending`` with a
  later next try, reconciled first. Offline also pauses that kind for the round.
- ``AuthFailed`` / ``ServiceUnavailable`` (not processed) or ``NotSent`` (certainly not sent) →
  back to ``pending`` with backoff. Offline and refused credentials never fail a row (the
  work waits for the network or the user); other retries count towards ``max_attempts``.
- ``Refused`` → ``failed`` with the provider's reason; its message becomes failed / bounced.

``find_sent`` may raise ``Unresolvable`` when it cannot tell and a resend could duplicate:
the row fails with that explanation and is never resent automatically.

Any hook's (``start_round``, ``find_sent``, ``send``, ``end_round``) connector problem
(``ConnectorProblem``: offline, refused credentials, rate limited, a provider error, not
configured…) pauses that kind for the round; it never escapes the worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import MessageStatus, OutboxStatus
from milo_desktop.models.base import utcnow
from milo_desktop.models.messaging import Message, OutboxItem
from milo_desktop.services.connectors import (
    AuthFailed,
    ConnectorProblem,
    NotConfigured,
    Offline,
    RateLimited,
    ServiceUnavailable,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import Event, EventBus, MessagesChanged

log = logging.getLogger(__name__)
SMS = "sms"
EMAIL = "email"
INVITATION = "invitation"
LEASE = dt.timedelta(minutes=5)  # a claimed row is not reconciled by anyone for this long
PAUSING = (Offline, AuthFailed, ServiceUnavailable)


@dataclass(frozen=True)
class OutboxChanged(Event):
    """Rows were sent, failed, retried, cancelled, or a kind's state changed (Waiting to
    send and the status bar's count reload)."""


@dataclass(frozen=True)
class KindState:
    """Why a kind's rows did not go in the worker's last round (Waiting to send says it):
    ``problem`` is "not_connected", "offline", "auth_failed", "rate_limited" or
    "provider_error"; ``message`` the connector's words."""

    problem: str
    message: str
    since: dt.datetime


def problem_name(exc: ConnectorProblem) -> str:
    if isinstance(exc, Offline):
        return "offline"
    if isinstance(exc, AuthFailed):
        return "auth_failed"
    if isinstance(exc, NotConfigured):
        return "not_connected"
    if isinstance(exc, RateLimited):
        return "rate_limited"
    return "provider_error"


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
    message_id: int | None = None


def _row(item: OutboxItem) -> OutboxRow:
    return OutboxRow(item.id, item.kind, dict(item.payload), item.idempotency_key, item.status,
                     item.attempts, item.created_at, item.last_error, item.provider_ref,
                     item.message_id)


# ----- what handlers raise --------------------------------------------------------------------
class NotSent(Exception):
    """Certainly not sent: back to pending. ``problem`` (Offline / AuthFailed /
    ServiceUnavailable) pauses the kind for this round; ``waits``: not yet, for a reason
    that passes by itself (the try does not count towards giving up)."""

    def __init__(self, message: str, *, problem: ConnectorProblem | None = None,
                 waits: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem
        self.waits = waits


class MaybeSent(Exception):
    """The outcome is unknown (e.g. a 5xx answer): stay in sending, reconcile before resend."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(Exception):
    """The provider will never take this message as it is."""

    def __init__(self, message: str, *, bounced: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.bounced = bounced  # the recipient was refused (email)


class Unresolvable(Exception):
    """Raised by ``find_sent``: the provider can't say whether it has the message, and a resend
    might duplicate it. The row fails with this explanation (a person decides)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@runtime_checkable
class OutboxHandler(Protocol):
    """Sends one kind of outbox row; ``send`` returns the provider's reference."""

    async def send(self, row: OutboxRow) -> str: ...

    async def find_sent(self, row: OutboxRow) -> str | None: ...


@runtime_checkable
class RoundAware(Protocol):
    """Optional: a handler that opens a connection per round. ``start_round`` returns False
    when its service is not configured (its rows wait)."""

    async def start_round(self) -> bool: ...

    async def end_round(self) -> None: ...


Gate = Callable[[str, dt.datetime], Awaitable[dt.datetime | None]]
"""(kind, now) → None to send now, or when this kind's rows may go (the communication policy:
master switch, business hours)."""


def enqueue(s: Session, kind: str, payload: dict[str, Any], idempotency_key: str | None = None,
            message_id: int | None = None, *, not_before: dt.datetime | None = None,
            now: dt.datetime | None = None) -> int:
    """Queue work inside the caller's transaction (with the user's action); returns its id.
    ``now`` is the caller's clock (a service's injected one): the row is dated by it and due
    at ``not_before`` or then, whichever is later."""
    now = now or utcnow()
    item = OutboxItem(kind=kind, payload=payload, message_id=message_id,
                      idempotency_key=idempotency_key or uuid.uuid4().hex,
                      next_try_at=max(not_before or now, now), created_at=now, updated_at=now)
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


class _Paused(Exception):
    def __init__(self, problem: ConnectorProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class OutboxWorker:
    """Sends due rows kind by kind through ``handlers``; kinds without a handler wait."""

    def __init__(self, db: Database,
                 handlers: Mapping[str, OutboxHandler], *,
                 policy: OutboxPolicy | None = None, gate: Gate | None = None,
                 bus: EventBus | None = None,
                 after_send: Callable[[OutboxRow, str], Awaitable[None]] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.db = db
        self.handlers = dict(handlers)
        self.policy = policy or OutboxPolicy()
        self.gate = gate
        self.bus = bus
        self.after_send = after_send  # tests: a pause between the provider's OK and "done"
        self.sleep = sleep  # between rounds of run_forever
        self._recovered: set[str] = set()  # kinds whose crash leftovers were reconciled
        self._claimed: set[int] = set()  # rows this worker claimed and has not settled yet
        self.kind_states: dict[str, KindState] = {}  # kinds held back in the last round
        self._woken: asyncio.Event | None = None  # made on the loop that runs the worker

    # -- the work ----------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Reconcile rows left in ``sending``, then send due pending rows, for every kind;
        returns how many rows reached done. Offline / busy / refused: rows wait. A kind's
        unexpected error is raised after the other kinds had their turn (the first one;
        later ones are logged)."""
        done = 0
        failure: Exception | None = None
        for kind, handler in self.handlers.items():
            try:
                done += await self._run_kind(kind, handler)
            except Exception as exc:
                if failure is not None:
                    log.error("outbox %s failed too", kind, exc_info=exc)
                failure = failure or exc
        if failure is not None:
            raise failure
        return done

    async def run_forever(self, interval: float = 5.0) -> None:
        """The worker loop, to run under the supervisor (``supervise("outbox",
        worker.run_forever)``); offline just waits. Restarted after an error, it first
        reconciles the rows its failed round left in ``sending``."""
        while True:
            await self.run_once()
            await self._rest(interval)

    def wake(self) -> None:
        """Start the next round now (Retry now) instead of at the end of the interval."""
        if self._woken is not None:
            self._woken.set()

    async def _rest(self, interval: float) -> None:
        if self._woken is None:
            self._woken = asyncio.Event()
        woken = self._woken
        rest = asyncio.ensure_future(self.sleep(interval))
        wait = asyncio.ensure_future(woken.wait())
        try:
            await asyncio.wait({rest, wait}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (rest, wait):
                task.cancel()
            woken.clear()

    def _held(self, kind: str, problem: str, message: str) -> None:
        known = self.kind_states.get(kind)
        if known is None or (known.problem, known.message) != (problem, message):
            self.kind_states[kind] = KindState(problem, message, utcnow())
            self._publish_change()

    def _free(self, kind: str) -> None:
        if self.kind_states.pop(kind, None) is not None:
            self._publish_change()

    def _publish_change(self) -> None:
        if self.bus is not None:
            self.bus.publish(OutboxChanged())

    async def _run_kind(self, kind: str, handler: OutboxHandler) -> int:
        aware = handler if isinstance(handler, RoundAware) else None
        if aware is not None:
            try:
                if not await aware.start_round():
                    self._held(kind, "not_connected", "")
                    return 0
            except ConnectorProblem as exc:
                log.info("outbox %s paused: %s", kind, exc.message)
                self._held(kind, problem_name(exc), exc.message)
                return 0
        try:
            await self.reconcile(kind, handler, everything=kind not in self._recovered)
            self._recovered.add(kind)
            now = utcnow()
            hold = await self.gate(kind, now) if self.gate is not None else None
            if hold is not None and hold > now:
                await self._postpone(kind, hold)
                self._free(kind)
                return 0
            sent = await self._send_due(kind, handler)
            self._free(kind)
            return sent
        except _Paused as paused:
            log.info("outbox %s paused: %s", kind, paused.problem.message)
            self._held(kind, problem_name(paused.problem), paused.problem.message)
            return 0
        finally:
            if aware is not None:
                await self._end_round(kind, aware)

    @staticmethod
    async def _end_round(kind: str, handler: RoundAware) -> None:
        try:
            await handler.end_round()
        except ConnectorProblem as exc:  # e.g. refreshing statuses met a 429 storm
            log.info("outbox %s: end of round: %s", kind, exc.message)

    async def reconcile(self, kind: str, handler: OutboxHandler, *, everything: bool) -> int:
        """For each row in ``sending``: did the provider get it? Yes → done; no → pending and
        due now (sent in this same round). ``everything``: every such row whatever its lease
        (a worker's first round); otherwise those past their lease or retry time, and the
        ones this worker claimed in a round an error interrupted."""
        fixed = 0
        orphans = set(self._claimed)
        for row in await self._rows(kind, OutboxStatus.SENDING, due_only=not everything,
                                    also=orphans):
            try:
                ref = await handler.find_sent(row)
            except Unresolvable as exc:
                await self._finish(row, OutboxStatus.FAILED, error=exc.message,
                                   message_status=MessageStatus.FAILED)
                self._claimed.discard(row.id)
                continue
            except ConnectorProblem as exc:
                raise _Paused(exc) from exc
            if ref is not None:
                await self._finish(row, OutboxStatus.DONE, ref=ref)
                fixed += 1
            else:
                await self._update(row.id, status=OutboxStatus.PENDING, next_try_at=utcnow())
            self._claimed.discard(row.id)
        return fixed

    async def _send_due(self, kind: str, handler: OutboxHandler) -> int:
        """Claim and send the due rows. A row whose sending raised an unexpected error stays
        in ``sending`` (it may have left), noted, and is reconciled first when the worker
        runs again; the other rows still go, and the first such error is raised at the end
        (the supervisor logs it and restarts the worker)."""
        sent = 0
        failure: Exception | None = None
        for row in await self._rows(kind, OutboxStatus.PENDING, due_only=True):
            if not await self._claim(row.id):
                continue
            self._claimed.add(row.id)
            try:
                sent += await self._send(handler, row)
            except _Paused:
                self._claimed.discard(row.id)  # settled before pausing
                raise
            except Exception as exc:
                if failure is not None:
                    log.error("outbox %s: row %s failed too", kind, row.id, exc_info=exc)
                failure = failure or exc
                await self._note_internal_error(row, exc)
                continue
            self._claimed.discard(row.id)
        if failure is not None:
            raise failure
        return sent

    async def _note_internal_error(self, row: OutboxRow, exc: Exception) -> None:
        """Best effort (the database may be what failed): say so on the row; after
        ``max_attempts`` such errors it fails instead of looping."""
        error = (f"Milo stopped while sending this message because of an internal error "
                 f"({type(exc).__name__}); it is checked with the provider before any resend.")
        try:
            if row.attempts + 1 >= self.policy.max_attempts:
                await self._finish(row, OutboxStatus.FAILED, error=(
                    f"Milo could not send this message: an internal error ({type(exc).__name__})"
                    f" stopped it {row.attempts + 1} times. It may or may not have gone out; "
                    "it is not sent again automatically."), message_status=MessageStatus.FAILED)
                self._claimed.discard(row.id)
            else:
                await self._update(row.id, last_error=error)
        except Exception:
            log.exception("outbox: could not note the error on row %s", row.id)

    async def _send(self, handler: OutboxHandler, row: OutboxRow) -> int:
        now = utcnow()
        attempts = row.attempts + 1
        later = self.policy.next_try(attempts, now)
        try:
            ref = await handler.send(row)
        except (Offline, MaybeSent) as exc:
            # The request may have reached the provider: stay in sending, reconcile later.
            await self._update(row.id, last_error=_text(exc), next_try_at=later,
                               note_message=True)
            if isinstance(exc, Offline):
                raise _Paused(exc) from exc
            return 0
        except NotSent as exc:
            problem = exc.problem
            waits = exc.waits or isinstance(problem, (Offline, AuthFailed))
            await self._retry_or_fail(row, attempts, exc.message, now, counts=not waits)
            if problem is not None and isinstance(problem, PAUSING):
                raise _Paused(problem) from exc
            return 0
        except (AuthFailed, ServiceUnavailable) as exc:  # not processed by the provider
            await self._retry_or_fail(row, attempts, exc.message, now,
                                      counts=isinstance(exc, ServiceUnavailable))
            raise _Paused(exc) from exc
        except ConnectorProblem as exc:  # not configured any more, not found…: not sent
            await self._retry_or_fail(row, attempts, exc.message, now,
                                      counts=not isinstance(exc, NotConfigured))
            raise _Paused(exc) from exc
        except Refused as exc:
            await self._finish(row, OutboxStatus.FAILED, error=exc.message,
                               message_status=(MessageStatus.BOUNCED if exc.bounced
                                               else MessageStatus.FAILED))
            return 0
        if self.after_send is not None:
            await self.after_send(row, ref)
        await self._finish(row, OutboxStatus.DONE, ref=ref)
        return 1

    async def _retry_or_fail(self, row: OutboxRow, attempts: int, error: str,
                             now: dt.datetime, *, counts: bool) -> None:
        if counts and attempts >= self.policy.max_attempts:
            await self._finish(row, OutboxStatus.FAILED, error=error,
                               message_status=MessageStatus.FAILED)
        else:
            await self._update(row.id, status=OutboxStatus.PENDING, last_error=error,
                               next_try_at=self.policy.next_try(attempts, now),
                               note_message=True)

    # -- database steps (each its own short transaction) --------------------------------------
    async def _rows(self, kind: str, status: OutboxStatus, due_only: bool,
                    also: set[int] | None = None) -> list[OutboxRow]:
        """Rows of ``kind`` in ``status`` (with ``due_only``: those due, plus the ``also``
        ids whatever their time)."""
        def q(s: Session) -> list[OutboxRow]:
            stmt = select(OutboxItem).where(OutboxItem.status == status, OutboxItem.kind == kind)
            if due_only:
                due = OutboxItem.next_try_at <= utcnow()
                stmt = stmt.where(or_(due, OutboxItem.id.in_(sorted(also))) if also else due)
            return [_row(i) for i in s.scalars(stmt.order_by(OutboxItem.id).limit(200))]
        return await self.db.read(q)

    async def _claim(self, row_id: int) -> bool:
        """pending → sending, atomically (one UPDATE), so two workers never both send it."""
        def w(s: Session) -> bool:
            now = utcnow()
            done = s.execute(update(OutboxItem).where(
                OutboxItem.id == row_id, OutboxItem.status == OutboxStatus.PENDING).values(
                status=OutboxStatus.SENDING, attempts=OutboxItem.attempts + 1,
                next_try_at=now + LEASE, updated_at=now))
            return bool(getattr(done, "rowcount", 0))
        return await self.db.write(w)

    async def _postpone(self, kind: str, until: dt.datetime) -> None:
        def w(s: Session) -> None:
            s.execute(update(OutboxItem).where(
                OutboxItem.kind == kind, OutboxItem.status == OutboxStatus.PENDING,
                OutboxItem.next_try_at < until).values(next_try_at=until))
        await self.db.write(w)

    async def _update(self, row_id: int, *, note_message: bool = False, **values: Any) -> None:
        """Change the row; with ``note_message`` its message shows the last error too."""
        def w(s: Session) -> int | None:
            item = s.get(OutboxItem, row_id)
            assert item is not None
            for key, value in values.items():
                setattr(item, key, value)
            msg = s.get(Message, item.message_id) if item.message_id is not None else None
            if note_message and msg is not None and "last_error" in values:
                msg.error = values["last_error"]
                return msg.candidate_id
            return None
        self._changed(await self.db.write(w))

    async def _finish(self, row: OutboxRow, status: OutboxStatus, *, ref: str | None = None,
                      error: str | None = None,
                      message_status: MessageStatus | None = None) -> None:
        """done (with the provider's reference) or failed (with the reason), and the row's
        message with it, in one transaction."""
        def w(s: Session) -> int | None:
            item = s.get(OutboxItem, row.id)
            assert item is not None
            item.status, item.last_error = status, error
            if ref is not None:
                item.provider_ref = ref[:64]
            msg = s.get(Message, item.message_id) if item.message_id is not None else None
            if msg is None:
                return None
            if status == OutboxStatus.DONE:
                if msg.status == MessageStatus.QUEUED:  # never undo "delivered"
                    msg.status = MessageStatus.SENT
                msg.sent_at = msg.sent_at or utcnow()
                msg.provider_sid = msg.provider_sid or (ref[:64] if ref else None)
                msg.error = None
            else:
                msg.status = message_status or MessageStatus.FAILED
                msg.error = error
            return msg.candidate_id
        self._changed(await self.db.write(w))

    def _changed(self, candidate_id: int | None) -> None:
        if candidate_id is not None and self.bus is not None:
            self.bus.publish(MessagesChanged((candidate_id,)))
        self._publish_change()


def _text(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or exc)
