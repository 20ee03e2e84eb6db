"""From Studio executions to InboundCall rows, and provider prices to spend rows.

``CallCollector.prepare`` does the network work for a page of executions (context, the call,
its recordings, the recording's audio) and returns plain ``CollectedCall`` values; the
``apply_*`` functions write them inside the page's transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import CallStatus, SpendKind
from milo_desktop.models.receptionists import InboundCall
from milo_desktop.models.system import SpendEntry
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.records import int_or_none, parse_time, price_micros
from milo_desktop.services.flows import AnswerKey, ReceptionistConfig, extract_answers

log = logging.getLogger(__name__)
SERVICE = "twilio"
COLLECT_CONCURRENCY = 6  # executions of one page collected at once
YES_WORDS = ("yes", "y", "yeah", "yep", "si", "sí", "ok", "confirm")
# Only what extract_answers reads for the fields stored on a call; questions are the
# evaluator's business.
_CONFIG = ReceptionistConfig(agent_name="", intro_message="", questions=(),
                             collect_location=True)


@dataclass(frozen=True)
class Price:
    sid: str
    kind: SpendKind
    micros: int
    currency: str
    occurred_at: dt.datetime | None
    receptionist_id: int | None


@dataclass(frozen=True)
class CollectedCall:
    """Everything one execution told us, as plain values."""

    execution_sid: str
    receptionist_id: int
    call_sid: str | None
    caller_name: str
    from_e164: str | None
    location: str | None
    recording_sid: str | None
    recording_path: str | None
    duration_s: int | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    ended: bool
    confirmed: bool
    prices: tuple[Price, ...]


def is_yes(reply: str) -> bool:
    """Whether the caller's SMS reply confirms ("YES", "yes please", "Y")."""
    words = reply.strip().lower().replace("!", " ").replace(".", " ").split()
    return bool(words) and words[0] in YES_WORDS


def _answer(answers: list[Any], key: AnswerKey) -> Any:
    return next((a for a in answers if a.key == key), None)


class CallCollector:
    """Prepares executions of one receptionist's flow."""

    def __init__(self, twilio: TwilioConnector, data_dir: Path, flow_sid: str,
                 receptionist_id: int,
                 finished: Callable[[list[str]], Awaitable[set[str]]]) -> None:
        self.twilio = twilio
        self.recordings_dir = data_dir / "recordings"
        self.flow_sid = flow_sid
        self.receptionist_id = receptionist_id
        self.finished = finished  # which executions are already fully collected

    async def prepare(self, executions: list[dict[str, Any]]) -> list[CollectedCall]:
        """Collect the executions not already collected in full (no network for those)."""
        done = await self.finished([ex["sid"] for ex in executions])
        todo = [ex for ex in executions if ex["sid"] not in done]
        # Each execution costs four round trips (context, call, recordings, audio): a few at
        # a time, so a backfill waits on the network in parallel, not call after call. A
        # failure cancels the rest of the page (TaskGroup), which is then retried as a whole.
        gate = asyncio.Semaphore(COLLECT_CONCURRENCY)

        async def one(ex: dict[str, Any]) -> CollectedCall:
            async with gate:
                return await self.collect(ex)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(ex)) for ex in todo]
        except BaseExceptionGroup as failed:
            # The engine tells Offline / AuthFailed / … apart: hand it the first problem as
            # itself, not wrapped in a group.
            raise failed.exceptions[0] from None
        return [t.result() for t in tasks]

    async def collect(self, ex: dict[str, Any]) -> CollectedCall:
        context = await self.twilio.execution_context(self.flow_sid, ex["sid"])
        answers = extract_answers(context, _CONFIG)
        trigger = (context.get("trigger") or {}).get("call") or {}
        call_sid = trigger.get("CallSid") or None
        call = await self.twilio.fetch_call(call_sid) if call_sid else {}
        name, callback = _answer(answers, AnswerKey.NAME), _answer(answers, AnswerKey.CALLBACK)
        location = _answer(answers, AnswerKey.LOCATION)
        recording = _answer(answers, AnswerKey.RECORDING)
        reply = _answer(answers, AnswerKey.CONFIRMATION)
        recording_sid = recording.value if recording is not None and recording.value else None
        prices: list[Price] = []
        if call.get("price") not in (None, ""):
            prices.append(Price(call["sid"], SpendKind.CALL, price_micros(call["price"]) or 0,
                                call.get("price_unit") or "USD",
                                parse_time(call.get("start_time")), self.receptionist_id))
        path = None
        if call_sid:
            for rec in await self.twilio.call_recordings(call_sid):
                micros = price_micros(rec.get("price"))
                if micros is not None:
                    prices.append(Price(rec["sid"], SpendKind.RECORDING, micros,
                                        rec.get("price_unit") or "USD",
                                        parse_time(rec.get("date_created")), self.receptionist_id))
                recording_sid = recording_sid or rec["sid"]
        if recording_sid:
            path = await self._download(recording_sid)
        started = parse_time(call.get("start_time")) or parse_time(ex.get("date_created"))
        return CollectedCall(
            execution_sid=ex["sid"], receptionist_id=self.receptionist_id, call_sid=call_sid,
            caller_name=(name.text if name else "") or trigger.get("CallerName") or "",
            from_e164=(callback.value if callback else None) or trigger.get("From"),
            location=(location.text or None) if location else None,
            recording_sid=recording_sid, recording_path=path,
            duration_s=int_or_none(call.get("duration")), started_at=started,
            ended_at=parse_time(call.get("end_time")), ended=ex.get("status") == "ended",
            confirmed=bool(reply and is_yes(reply.text)), prices=tuple(prices),
        )

    async def _download(self, recording_sid: str) -> str:
        target = self.recordings_dir / f"{recording_sid}.wav"
        if not target.exists():
            audio = await self.twilio.download_recording(recording_sid)
            self.recordings_dir.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(audio)
            partial.replace(target)  # atomic: a crash never leaves half a file under the name
        return str(target)


def apply_calls(s: Session, calls: list[CollectedCall]) -> list[int]:
    """Upsert InboundCall rows by execution sid; returns the ids written."""
    ids = []
    for c in calls:
        row = s.scalar(select(InboundCall).where(InboundCall.execution_sid == c.execution_sid))
        if row is None:
            row = InboundCall(execution_sid=c.execution_sid, receptionist_id=c.receptionist_id)
            s.add(row)
        row.call_sid = c.call_sid or row.call_sid
        row.caller_name = (c.caller_name or row.caller_name or "")[:200]
        row.from_e164 = c.from_e164 or row.from_e164
        row.location = (c.location or row.location or None)
        row.recording_sid = c.recording_sid or row.recording_sid
        row.recording_path = c.recording_path or row.recording_path
        row.duration_s = c.duration_s if c.duration_s is not None else row.duration_s
        if c.started_at is not None:
            row.started_at = c.started_at
        row.ended_at = c.ended_at or row.ended_at
        if row.status in (None, CallStatus.AWAITING_CONFIRMATION):
            # Never moves backwards: Processing / Evaluated rows keep their status.
            row.status = CallStatus.CONFIRMED if c.confirmed else CallStatus.AWAITING_CONFIRMATION
        if c.ended and row.status in (CallStatus.AWAITING_CONFIRMATION, CallStatus.CONFIRMED):
            # The flow has ended (confirmed, or no reply before its timeout): all there is to
            # know is in, so the call goes on to evaluation.
            row.status = CallStatus.PROCESSING
        apply_prices(s, list(c.prices))
        s.flush()
        ids.append(row.id)
    return ids


def apply_prices(s: Session, prices: list[Price]) -> int:
    """Upsert spend rows by (service, provider sid); returns how many were new."""
    added = 0
    for p in prices:
        row = s.scalar(select(SpendEntry).where(SpendEntry.service == SERVICE,
                                                SpendEntry.provider_sid == p.sid))
        if row is None:
            row = SpendEntry(service=SERVICE, kind=p.kind, provider_sid=p.sid)
            s.add(row)
            added += 1
        row.amount_micros = p.micros
        row.currency = p.currency[:3].upper()
        row.receptionist_id = p.receptionist_id or row.receptionist_id
        if p.occurred_at is not None:
            row.occurred_at = p.occurred_at
    s.flush()
    return added


def record_price(record: dict[str, Any], kind: SpendKind,
                 numbers: dict[str, int]) -> Price | None:
    """A call's or message's spend row (None while unpriced); the receptionist is found by
    the Twilio number on either end."""
    micros = price_micros(record.get("price"))
    if micros is None:
        return None
    receptionist = numbers.get(record.get("to") or "") or numbers.get(record.get("from") or "")
    when = (parse_time(record.get("start_time")) or parse_time(record.get("date_sent"))
            or parse_time(record.get("date_created")))
    return Price(record["sid"], kind, micros, record.get("price_unit") or "USD", when,
                 receptionist)
