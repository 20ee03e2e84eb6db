"""Reading Twilio records defensively: dates, prices and the checks that send a record to
quarantine instead of into the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any


@dataclass(frozen=True)
class ResourceSpec:
    """What a record of one list resource must look like."""

    key: str  # the list envelope's key ("calls", "executions"…)
    sid_prefixes: tuple[str, ...]
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()  # strings (or numbers) that must read as decimals


SPECS: dict[str, ResourceSpec] = {
    spec.key: spec
    for spec in (
        ResourceSpec("calls", ("CA",), ("date_created", "start_time", "end_time"),
                     ("price", "duration")),
        ResourceSpec("messages", ("SM", "MM"), ("date_created", "date_sent"), ("price",)),
        ResourceSpec("recordings", ("RE",), ("date_created", "start_time"),
                     ("price", "duration")),
        ResourceSpec("incoming_phone_numbers", ("PN",), ("date_created",)),
        ResourceSpec("flows", ("FW",), ("date_created", "date_updated")),
        ResourceSpec("executions", ("FN",), ("date_created", "date_updated")),
        ResourceSpec("steps", ("FT",), ("date_created",)),
    )
}


def parse_time(value: Any) -> dt.datetime | None:
    """A Twilio timestamp (RFC 2822 on the 2010 API, ISO 8601 on Studio) as aware UTC.
    None for null / empty; ValueError when it is something else."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    try:
        if text[:4].isdigit() and "-" in text[:8]:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not a date: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"not a number: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def price_micros(value: Any) -> int | None:
    """A provider price ("-0.00790", or a number on some endpoints) as a positive cost in
    micro-units; None when not priced yet. Twilio reports charges as negative amounts."""
    amount = _decimal(value)
    if amount is None:
        return None
    return int((abs(amount) * 1_000_000).to_integral_value())


def int_or_none(value: Any) -> int | None:
    """A count or duration given as "12", 12 or "" / None."""
    amount = _decimal(value)
    return None if amount is None else int(amount)


def problem_with(resource: str, record: Any) -> str | None:
    """Why ``record`` cannot be accepted, or None when it can."""
    if not isinstance(record, dict):
        return f"the record is a {type(record).__name__}, not an object"
    spec = SPECS.get(resource)
    sid = record.get("sid")
    if not isinstance(sid, str) or not sid:
        return "the record has no sid"
    if spec is None:
        return None
    if not sid.startswith(spec.sid_prefixes):
        return f"the sid {sid!r} is not a {'/'.join(spec.sid_prefixes)} sid"
    for name in spec.dates:
        try:
            parse_time(record.get(name))
        except ValueError:
            return f"{name} is not a date: {record.get(name)!r}"
    for name in spec.numbers:
        try:
            _decimal(record.get(name))
        except ValueError:
            return f"{name} is not a number: {record.get(name)!r}"
    return None
