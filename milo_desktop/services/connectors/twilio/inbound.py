"""From Studio executions to InboundCall rows, and provider prices to spend rows.

``CallCollector.prepare`` does the network work for a page of executions (context, the call,
its recordings, the recording's audio) and returns plain ``CollectedCall`` values; the
``apply_*`` functions write them inside the page's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import CallStatus, SpendKind
from milo_desktop.files import private_dir, write_private
from milo_desktop.models.receptionists import InboundCall
from milo_desktop.models.system import SpendEntry
from milo_desktop.services.connectors import (
    MalformedRecord,
    NotFoundAtProvider,
    Quarantine,
)
from milo_desktop.services.connectors.twilio.connector import TwilioConnector, is_sid
from milo_desktop.services.connectors.twilio.records import (
    context_problem,
    first_time,
    int_or_none,
    parse_time,
    price_micros,
    problem_with,
    text_of,
)
from milo_desktop.services.flows import AnswerKey, ReceptionistConfig, extract_answers
from milo_desktop.services.flows.answers import CapturedAnswer, caller_id_of
from milo_desktop.services.receptionists.rules import normalise_number

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
    caller_number_raw: str | None = None  # the caller ID as Twilio sent it
    callback_number_raw: str | None = None  # the digits the caller typed, if any
    number_unverified: bool = False  # see CallerNumber
    # The call's or a recording's record could not be read: kept aside, the call is stored.
    quarantined: tuple[Quarantine, ...] = ()


@dataclass(frozen=True)
class CallerNumber:
    """Which number to call a caller back on, and what the provider sent.

    ``e164`` only ever holds a number that normalised. ``unverified``: the caller gave a number
    that did not (typed digits that read as no number, or a caller ID like "anonymous"), so
    ``e164`` is empty or is not the number they gave; nothing dials or texts it unconfirmed.
    """

    e164: str | None
    caller_raw: str | None
    callback_raw: str | None
    unverified: bool


def caller_number(context: Mapping[str, Any], callback: CapturedAnswer | None) -> CallerNumber:
    """The caller's number from the context's caller ID and the typed callback answer
    (``extract_answers``'s, which normalised the digits)."""
    caller_raw = caller_id_of(context).strip() or None
    caller_e164 = normalise_number(caller_raw) if caller_raw else None
    typed = callback.digits if callback is not None and callback.widget else None
    if typed:
        typed_e164 = callback.value if callback is not None else None
        return CallerNumber(typed_e164 or caller_e164, _cut(caller_raw), _cut(typed),
                            typed_e164 is None)
    return CallerNumber(caller_e164, _cut(caller_raw), None,
                        caller_raw is not None and caller_e164 is None)


def _cut(text: str | None, size: int = 80) -> str | None:
    return text[:size] if text else None


def is_yes(reply: str) -> bool:
    """Whether the caller's SMS reply confirms ("YES", "yes please", "Y")."""
    words = reply.strip().lower().replace("!", " ").replace(".", " ").split()
    return bool(words) and words[0] in YES_WORDS


def _answer(answers: list[CapturedAnswer], key: AnswerKey) -> CapturedAnswer | None:
    return next((a for a in answers if a.key == key), None)


def read_call(ex: Mapping[str, Any], context: Any, call: Any,
              recordings: Sequence[Any], receptionist_id: int) -> CollectedCall | Quarantine:
    """One execution, its context, its call's record ({} / None: none) and its recordings'
    records as a ``CollectedCall`` (recording not downloaded yet), or the Quarantine entry
    saying why the execution cannot be read. A call or recording record that cannot be read
    is set aside in ``quarantined``; the call is stored without it. Never raises."""
    problem = problem_with("executions", ex) or context_problem(context)
    if problem is not None:
        sid = ex.get("sid") if isinstance(ex, Mapping) else None
        return Quarantine.of(SERVICE, "executions", f"Call not collected: {problem}",
                             {"execution": ex, "context": context}, sid)
    set_aside: list[Quarantine] = []

    def checked(resource: str, record: Any) -> Mapping[str, Any] | None:
        trouble = problem_with(resource, record)
        if trouble is None and isinstance(record, Mapping):
            return record
        sid = record.get("sid") if isinstance(record, Mapping) else None
        set_aside.append(Quarantine.of(SERVICE, resource,
                                       trouble or "the record could not be read", record, sid))
        return None

    call = (checked("calls", call) if call not in (None, {}) else None) or {}
    recordings = [r for r in (recordings if isinstance(recordings, list | tuple)
                              else [recordings]) if checked("recordings", r) is not None]
    answers = extract_answers(context, _CONFIG)
    trigger = (context.get("trigger") or {}).get("call") or {}
    call_sid = trigger.get("CallSid")
    name, location = _answer(answers, AnswerKey.NAME), _answer(answers, AnswerKey.LOCATION)
    recording = _answer(answers, AnswerKey.RECORDING)
    reply = _answer(answers, AnswerKey.CONFIRMATION)
    recording_sid = recording.value if recording and is_sid(recording.value, "RE") else None
    prices: list[Price] = []
    micros = price_micros(call.get("price"))
    if micros is not None:
        prices.append(Price(call["sid"], SpendKind.CALL, micros,
                            text_of(call, "price_unit") or "USD",
                            parse_time(call.get("start_time")), receptionist_id))
    for rec in recordings:
        micros = price_micros(rec.get("price"))
        if micros is not None:
            prices.append(Price(rec["sid"], SpendKind.RECORDING, micros,
                                text_of(rec, "price_unit") or "USD",
                                parse_time(rec.get("date_created")), receptionist_id))
        recording_sid = recording_sid or rec["sid"]
    number = caller_number(context, _answer(answers, AnswerKey.CALLBACK))
    caller_id_name = text_of(trigger, "CallerName") or ""
    return CollectedCall(
        execution_sid=ex["sid"], receptionist_id=receptionist_id,
        call_sid=call_sid if is_sid(call_sid, "CA") else None,
        caller_name=((name.text if name else "") or caller_id_name)[:200],
        from_e164=number.e164,
        location=(location.text[:120] or None) if location else None,
        recording_sid=recording_sid, recording_path=None,
        duration_s=int_or_none(call.get("duration")),
        started_at=parse_time(call.get("start_time")) or parse_time(ex.get("date_created")),
        ended_at=parse_time(call.get("end_time")), ended=ex.get("status") == "ended",
        confirmed=bool(reply and is_yes(reply.text)), prices=tuple(prices),
        caller_number_raw=number.caller_raw, callback_number_raw=number.callback_raw,
        number_unverified=number.unverified, quarantined=tuple(set_aside),
    )


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

    async def prepare(self, executions: list[dict[str, Any]]
                      ) -> list[CollectedCall | Quarantine]:
        """Collect the executions not already collected in full (no network for those).

        An execution whose context or records cannot be read becomes a Quarantine entry (the
        page's transaction stores it) and the rest of the page goes on. The network and the
        credentials (Offline, AuthFailed, RateLimited, ProviderError) are not a record's
        fault: they fail the page, which is retried as a whole; so does any other exception
        (a crash mid-page leaves the cursor before the page)."""
        done = await self.finished([ex["sid"] for ex in executions])
        todo = [ex for ex in executions if ex["sid"] not in done]
        # Each execution costs four round trips (context, call, recordings, audio): a few at
        # a time, so a backfill waits on the network in parallel, not call after call. A
        # failure cancels the rest of the page (TaskGroup).
        gate = asyncio.Semaphore(COLLECT_CONCURRENCY)

        async def one(ex: dict[str, Any]) -> CollectedCall | Quarantine:
            async with gate:
                try:
                    return await self.collect(ex)
                except MalformedRecord as exc:
                    return exc.quarantine
                except NotFoundAtProvider:
                    return Quarantine.of(SERVICE, "executions", "Call not collected: the "
                                         "execution is no longer on Twilio", ex, ex["sid"])

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(ex)) for ex in todo]
        except BaseExceptionGroup as failed:
            # The engine tells Offline / AuthFailed / … apart: hand it the first problem as
            # itself, not wrapped in a group.
            raise failed.exceptions[0] from None
        return [t.result() for t in tasks]

    async def collect(self, ex: dict[str, Any]) -> CollectedCall | Quarantine:
        """One execution: its context, the call, the call's recordings and the audio; the
        reading itself is ``read_call``'s. MalformedRecord when the context is unreadable."""
        context = await self.twilio.execution_context(self.flow_sid, ex["sid"])
        problem = context_problem(context)
        if problem is not None:
            return Quarantine.of(SERVICE, "executions", f"Call not collected: {problem}",
                                 {"execution": ex, "context": context}, ex["sid"])
        call_sid = ((context.get("trigger") or {}).get("call") or {}).get("CallSid")
        call: dict[str, Any] = {}
        recordings: list[dict[str, Any]] = []
        set_aside: list[Quarantine] = []
        if is_sid(call_sid, "CA"):
            # A call or recording deleted in the console since: its cost and audio are gone.
            with contextlib.suppress(NotFoundAtProvider):
                try:
                    call = await self.twilio.fetch_call(call_sid)
                except MalformedRecord as exc:
                    set_aside.append(exc.quarantine)
                page = await self.twilio.call_recordings_page(call_sid)
                recordings, set_aside = list(page.records), [*set_aside, *page.quarantined]
        got = read_call(ex, context, call, recordings, self.receptionist_id)
        if isinstance(got, Quarantine):
            return got
        path = None
        if got.recording_sid:
            with contextlib.suppress(NotFoundAtProvider):  # deleted since: no audio
                path = await self._download(got.recording_sid)
        return dataclasses.replace(got, recording_path=path,
                                   quarantined=(*set_aside, *got.quarantined))

    async def _download(self, recording_sid: str) -> str:
        target = self.recordings_dir / f"{recording_sid}.wav"
        if not target.exists():
            audio = await self.twilio.download_recording(recording_sid)
            private_dir(self.recordings_dir)
            partial = target.with_suffix(".part")
            write_private(partial, audio)  # 0600: a candidate's voice
            partial.replace(target)  # atomic: a crash never leaves half a file under the name
        return str(target)


def quarantined_of(items: Sequence[CollectedCall | Price | Quarantine]) -> list[Quarantine]:
    """Every Quarantine entry among prepared items (and inside collected calls)."""
    out: list[Quarantine] = []
    for item in items:
        if isinstance(item, Quarantine):
            out.append(item)
        elif isinstance(item, CollectedCall):
            out.extend(item.quarantined)
    return out


def apply_calls(s: Session, calls: Sequence[CollectedCall | Quarantine]) -> list[int]:
    """Upsert InboundCall rows by execution sid; returns the ids written. Quarantine entries
    among ``calls`` are left to the caller (``quarantined_of``)."""
    ids = []
    for c in calls:
        if not isinstance(c, CollectedCall):
            continue
        row = s.scalar(select(InboundCall).where(InboundCall.execution_sid == c.execution_sid))
        if row is None:
            row = InboundCall(execution_sid=c.execution_sid, receptionist_id=c.receptionist_id)
            s.add(row)
        row.call_sid = c.call_sid or row.call_sid
        row.caller_name = (c.caller_name or row.caller_name or "")[:200]
        if c.from_e164 or c.caller_number_raw or c.callback_number_raw:
            # What this read of the call says about the number replaces the last read's.
            row.from_e164 = c.from_e164
            row.caller_number_raw = c.caller_number_raw
            row.callback_number_raw = c.callback_number_raw
            row.number_unverified = c.number_unverified
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


def apply_prices(s: Session, prices: Sequence[Price | Quarantine]) -> int:
    """Upsert spend rows by (service, provider sid); returns how many were new. Quarantine
    entries among ``prices`` are left to the caller (``quarantined_of``)."""
    added = 0
    for p in prices:
        if not isinstance(p, Price):
            continue
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


def record_price(record: Mapping[str, Any], kind: SpendKind,
                 numbers: Mapping[str, int]) -> Price | Quarantine | None:
    """A call's or message's spend row (None while unpriced; a Quarantine entry when the
    record cannot be read); the receptionist is found by the Twilio number on either end."""
    resource = "calls" if kind == SpendKind.CALL else "messages"
    problem = problem_with(resource, record)
    if problem is not None:
        sid = record.get("sid") if isinstance(record, Mapping) else None
        return Quarantine.of(SERVICE, resource, problem, record, sid)
    micros = price_micros(record.get("price"))
    if micros is None:
        return None
    receptionist = (numbers.get(text_of(record, "to") or "")
                    or numbers.get(text_of(record, "from") or ""))
    when = first_time(record, "start_time", "date_sent", "date_created")
    return Price(str(record["sid"]), kind, micros, text_of(record, "price_unit") or "USD", when,
                 receptionist)
