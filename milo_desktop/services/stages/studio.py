"""The few Studio and 2010 calls stage runs need beyond ``TwilioConnector``'s own: one
execution's status, ending one, the active executions of a flow, executions since a time,
and one message's price. Each goes through the connector's retry policy, so 429 / 401 /
offline behave exactly as they do everywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from milo_desktop.services.connectors import MalformedRecord, Quarantine
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.records import (
    first_time,
    parse_time,
    price_micros,
    text_of,
)
from milo_desktop.services.connectors.twilio.retry import SERVICE, with_retries

MAX_PAGES = 200  # a flow with more active executions than this is read again next round


@dataclass(frozen=True)
class ExecutionInfo:
    sid: str
    status: str  # "active" | "ended"
    contact: str
    created: dt.datetime | None
    updated: dt.datetime | None


@dataclass(frozen=True)
class MessagePrice:
    sid: str
    micros: int | None  # None while Twilio has not priced it yet
    currency: str
    sent_at: dt.datetime | None


async def _call(twilio: TwilioConnector, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
    return await with_retries(what, call, twilio.policy)


def execution_info(record: dict[str, Any]) -> ExecutionInfo:
    """An execution record (checked by the connector: ``problem_with("executions")``)."""
    return ExecutionInfo(str(record["sid"]), text_of(record, "status") or "",
                         text_of(record, "contact_channel_address") or "",
                         parse_time(record.get("date_created")),
                         parse_time(record.get("date_updated")))


async def fetch_execution(twilio: TwilioConnector, flow_sid: str, sid: str) -> ExecutionInfo:
    """One execution (NotFoundAtProvider when Twilio no longer has it; MalformedRecord when
    its answer cannot be read)."""
    return execution_info(await twilio.execution(flow_sid, sid))


async def end_execution(twilio: TwilioConnector, flow_sid: str, sid: str) -> None:
    """Stop an execution (Status=ended): its context stays readable."""
    ctx = twilio.studio.flows(flow_sid).executions(sid)
    await _call(twilio, "end execution", lambda: ctx.update_async(status="ended"))


async def _records(twilio: TwilioConnector, flow_sid: str, since: dt.datetime | None,
                   status: str | None = None) -> list[dict[str, Any]]:
    """The flow's executions (checked raw records). Malformed ones are left out, and a page
    that cannot be read ends the listing: callers read what they need again next round."""
    page = await twilio.executions_page(flow_sid, since, status=status)
    out = list(page.records)
    for _ in range(MAX_PAGES):
        if not page.next_url or page.broken:
            break
        page = await twilio.executions_page(flow_sid, since, page.next_url)
        out.extend(page.records)
    return out


async def active_executions(twilio: TwilioConnector, flow_sid: str,
                            since: dt.datetime | None) -> set[str]:
    """The sids of the flow's executions still running, created at/after ``since``."""
    return {r["sid"] for r in await _records(twilio, flow_sid, since, "active")}


async def executions_since(twilio: TwilioConnector, flow_sid: str,
                           since: dt.datetime) -> list[dict[str, Any]]:
    """Every execution of the flow created at/after ``since`` (raw records, newest first)."""
    return await _records(twilio, flow_sid, since)


async def execution_parameters(twilio: TwilioConnector, flow_sid: str,
                               sid: str) -> dict[str, Any]:
    """What the execution was started with (``flow.data``: our Parameters)."""
    try:
        context = await twilio.execution_context(flow_sid, sid)
    except MalformedRecord:
        return {}  # unreadable: not ours to recognise
    flow = context.get("flow") if isinstance(context, dict) else None
    data = flow.get("data") if isinstance(flow, dict) else None
    return dict(data) if isinstance(data, dict) else {}


def message_price_of(record: dict[str, Any]) -> MessagePrice | Quarantine:
    """A message record's price (checked by the connector: ``problem_with("messages")``)."""
    try:
        micros = price_micros(record.get("price"))
    except ValueError as exc:
        return Quarantine.of(SERVICE, "messages", f"price: {exc}", record, record.get("sid"))
    return MessagePrice(str(record["sid"]), micros, text_of(record, "price_unit") or "USD",
                        first_time(record, "date_sent", "date_created"))


async def message_price(twilio: TwilioConnector, sid: str) -> MessagePrice:
    """A message's price as Twilio reports it (None until priced); MalformedRecord when the
    message cannot be read."""
    got = message_price_of(await twilio.fetch_message(sid))
    if isinstance(got, Quarantine):
        raise MalformedRecord(got)
    return got
