"""Reading Twilio records defensively: dates, prices, counts and the checks that send a record
to quarantine instead of into the database.

``problem_with`` is total: whatever JSON it is given, it answers None (the record can be
stored) or a reason. The field readers (``parse_time``, ``price_micros``, ``int_or_none``)
answer a value or raise ``ValueError`` with the reason, never anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from milo_desktop.services.connectors.payloads import kind_of, poison_in, show

# Twilio sids: two capital letters and 32 hex digits (they fill String(34) columns).
SID_RE = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
MAX_PRICE = Decimal(1_000_000)  # one record's charge, in its currency: more is nonsense
MAX_COUNT = 1_000_000_000  # seconds, segments…: fits an Integer column on both databases
MAX_NUMBER_TEXT = 40  # characters of a number written as text ("-0.00790")
MAX_DATE_TEXT = 64
_NUMBER_TEXT = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?\s*")


@dataclass(frozen=True)
class ResourceSpec:
    """What a record of one list resource must look like."""

    key: str  # the list envelope's key ("calls", "executions"…)
    sid_prefixes: tuple[str, ...]
    dates: tuple[str, ...] = ()
    prices: tuple[str, ...] = ()  # amounts of money (strings or numbers)
    counts: tuple[str, ...] = ()  # whole non-negative numbers (seconds, segments)
    numbers: tuple[str, ...] = ()  # any finite decimal (strings or numbers)
    texts: tuple[str, ...] = ()  # text or null, never an object, a list or a number


SPECS: dict[str, ResourceSpec] = {
    spec.key: spec
    for spec in (
        ResourceSpec("calls", ("CA",), ("date_created", "start_time", "end_time"),
                     ("price",), ("duration",),
                     texts=("to", "from", "status", "price_unit", "direction", "caller_name")),
        ResourceSpec("messages", ("SM", "MM"), ("date_created", "date_sent"), ("price",),
                     texts=("to", "from", "status", "price_unit", "body", "error_message")),
        # A recording still in progress reports a duration of -1: a number, not a count.
        ResourceSpec("recordings", ("RE",), ("date_created", "start_time"), ("price",),
                     numbers=("duration",), texts=("call_sid", "price_unit", "status")),
        ResourceSpec("incoming_phone_numbers", ("PN",), ("date_created",),
                     texts=("phone_number", "friendly_name", "voice_url", "sms_url")),
        ResourceSpec("flows", ("FW",), ("date_created", "date_updated"),
                     texts=("friendly_name", "status")),
        ResourceSpec("executions", ("FN",), ("date_created", "date_updated"),
                     texts=("status", "contact_channel_address", "flow_sid")),
        ResourceSpec("steps", ("FT",), ("date_created",),
                     texts=("name", "transitioned_from", "transitioned_to")),
    )
}


def parse_time(value: Any) -> dt.datetime | None:
    """A Twilio timestamp (RFC 2822 on the 2010 API, ISO 8601 on Studio) as aware UTC.
    None for null / empty; ValueError when it is something else."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_DATE_TEXT:
        raise ValueError(f"not a date: {show(value)}")
    text = value.strip()
    try:
        if text[:4].isdigit() and "-" in text[:8]:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = parsedate_to_datetime(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise ValueError(f"not a date: {show(value)}") from exc


def _decimal(value: Any, limit: Decimal) -> Decimal | None:
    """A finite decimal no larger than ``limit`` either way; None for null / empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {show(value)}")
    if isinstance(value, int):
        if value.bit_length() > 128:
            raise ValueError(f"not a sensible number: {show(value)}")
        amount = Decimal(value)
    elif isinstance(value, float | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_TEXT and _NUMBER_TEXT.fullmatch(value):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {show(value)}") from exc
    else:
        raise ValueError(f"not a number: {show(value)}")
    if not amount.is_finite():
        raise ValueError(f"not a finite number: {show(value)}")
    if abs(amount) > limit:
        raise ValueError(f"not a sensible number: {show(value)}")
    return amount


def price_micros(value: Any) -> int | None:
    """A provider price ("-0.00790", or a number on some endpoints) as a positive cost in
    micro-units; None when not priced yet. Twilio reports charges as negative amounts."""
    amount = _decimal(value, MAX_PRICE)
    if amount is None:
        return None
    return int((abs(amount) * 1_000_000).to_integral_value())


def int_or_none(value: Any) -> int | None:
    """A count or duration given as "12", 12 or "" / None; ValueError when negative, not a
    number or beyond any sensible size."""
    amount = _decimal(value, Decimal(MAX_COUNT))
    if amount is None:
        return None
    if amount < 0:
        raise ValueError(f"not a count (negative): {show(value)}")
    return int(amount)


def text_of(record: Mapping[str, Any], name: str) -> str | None:
    """A text field of a checked record (None when absent, null or not text)."""
    value = record.get(name)
    return value if isinstance(value, str) else None


def first_time(record: Mapping[str, Any], *names: str) -> dt.datetime | None:
    """The first of ``names`` that holds a readable date (unreadable ones are skipped)."""
    for name in names:
        try:
            moment = parse_time(record.get(name))
        except ValueError:
            continue
        if moment is not None:
            return moment
    return None


def sid_problem(sid: Any, prefixes: tuple[str, ...] = ()) -> str | None:
    """Why ``sid`` is not a Twilio sid (of one of ``prefixes`` when given), or None."""
    if sid is None or sid == "":
        return "the record has no sid"
    if not isinstance(sid, str):
        return f"the sid is {kind_of(sid)}, not text"
    if not SID_RE.fullmatch(sid):
        return f"the sid {show(sid)} is not a Twilio sid"
    if prefixes and not sid.startswith(prefixes):
        return f"the sid {show(sid)} is not a {'/'.join(prefixes)} sid"
    return None


def problem_with(resource: str, record: Any) -> str | None:
    """Why ``record`` cannot be accepted, or None when it can."""
    if not isinstance(record, Mapping):
        return f"the record is {kind_of(record)}, not an object"
    poison = poison_in(record)
    if poison is not None:
        return poison
    spec = SPECS.get(resource)
    problem = sid_problem(record.get("sid"), spec.sid_prefixes if spec else ())
    if problem is not None or spec is None:
        return problem
    checks = ((spec.dates, parse_time, "a date"), (spec.prices, price_micros, "a price"),
              (spec.counts, int_or_none, "a count"),
              (spec.numbers, lambda v: _decimal(v, Decimal(MAX_COUNT)), "a number"))
    for names, read, what in checks:
        for name in names:
            try:
                read(record.get(name))
            except ValueError:
                return f"{name} is not {what}: {show(record.get(name))}"
    for name in spec.texts:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} is {kind_of(value)}, not text"
    return None


# What the readers take from a widget's entry: each must be text (or a number) when present.
_WIDGET_FIELDS = ("CallSid", "Sid", "MessageSid", "SpeechResult", "Digits", "Confidence",
                  "Body", "RecordingUrl", "RecordingSid", "RecordingDuration")
_CALL_FIELDS = ("CallSid", "From", "To", "CallerName")
_CONTEXT_OBJECTS = ("flow", "widgets", "trigger", "contact")


def _scalar(value: Any) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def context_problem(context: Any, required: tuple[str, ...] = ()) -> str | None:
    """Why a Studio execution context cannot be read, or None. ``required`` names the parts
    that must be there (``flow`` / ``widgets``); the others must be objects when present, the
    trigger's call and each widget's answers text, and the call's sid a CA sid."""
    if not isinstance(context, Mapping):
        return f"the execution context is {kind_of(context)}, not an object"
    poison = poison_in(context, "the execution context")
    if poison is not None:
        return poison
    for key in _CONTEXT_OBJECTS:
        value = context.get(key)
        if not isinstance(value, Mapping) and (value is not None or key in required):
            what = "" if value is None else f" (it is {kind_of(value)})"
            return f"the execution context has no {key!r} object{what}"
    trigger, contact = context.get("trigger") or {}, context.get("contact") or {}
    for owner, name, fields in ((trigger, "trigger.call", _CALL_FIELDS),
                                (contact, "contact.channel", ("address",))):
        part = owner.get(name.split(".")[1])
        if part is None:
            continue
        if not isinstance(part, Mapping):
            return f"the execution context's {name} is {kind_of(part)}, not an object"
        for field in fields:
            if not _scalar(part.get(field)):
                return f"the execution context's {name}.{field} is {kind_of(part.get(field))}"
    call_sid = trigger.get("call", {}).get("CallSid") if trigger.get("call") else None
    if call_sid not in (None, "") and sid_problem(call_sid, ("CA",)) is not None:
        return f"the execution context's call has a bad sid: {sid_problem(call_sid, ('CA',))}"
    for name, entry in (context.get("widgets") or {}).items():
        if not isinstance(entry, Mapping):
            return f"widget {show(name)} in the execution context is not an object"
        for part in (entry, entry.get("inbound"), entry.get("outbound")):
            if part is None:
                continue
            if not isinstance(part, Mapping):
                return f"widget {show(name)} has a message that is {kind_of(part)}"
            for field in _WIDGET_FIELDS:
                if not _scalar(part.get(field)):
                    return f"widget {show(name)}: {field} is {kind_of(part.get(field))}, not text"
    return None
