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

from milo_desktop.services.connectors.twilio.connector import TwilioConnector, page_of
from milo_desktop.services.connectors.twilio.records import price_micros
from milo_desktop.services.connectors.twilio.retry import with_retries

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


def _aware(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def _call(twilio: TwilioConnector, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
    return await with_retries(what, call, twilio.policy)


async def fetch_execution(twilio: TwilioConnector, flow_sid: str, sid: str) -> ExecutionInfo:
    """One execution (NotFoundAtProvider when Twilio no longer has it)."""
    ctx = twilio.studio.flows(flow_sid).executions(sid)
    got = await _call(twilio, "fetch execution", ctx.fetch_async)
    return ExecutionInfo(str(got.sid), str(got.status or ""),
                         str(got.contact_channel_address or ""),
                         _aware(got.date_created), _aware(got.date_updated))


async def end_execution(twilio: TwilioConnector, flow_sid: str, sid: str) -> None:
    """Stop an execution (Status=ended): its context stays readable."""
    ctx = twilio.studio.flows(flow_sid).executions(sid)
    await _call(twilio, "end execution", lambda: ctx.update_async(status="ended"))


async def _records(twilio: TwilioConnector, flow_sid: str, **filters: Any) -> list[dict[str, Any]]:
    lst = twilio.studio.flows(flow_sid).executions
    page = page_of("executions", await _call(
        twilio, "list executions", lambda: lst.page_async(page_size=twilio.page_size, **filters)))
    out = list(page.records)
    for _ in range(MAX_PAGES):
        url = page.next_url
        if not url:
            break
        page = page_of("executions", await _call(
            twilio, "list executions", lambda u=url: lst.get_page_async(u)))
        out.extend(page.records)
    return out


async def active_executions(twilio: TwilioConnector, flow_sid: str,
                            since: dt.datetime | None) -> set[str]:
    """The sids of the flow's executions still running, created at/after ``since``."""
    filters: dict[str, Any] = {"status": "active"}
    if since is not None:
        filters["date_created_from"] = since
    return {r["sid"] for r in await _records(twilio, flow_sid, **filters)}


async def executions_since(twilio: TwilioConnector, flow_sid: str,
                           since: dt.datetime) -> list[dict[str, Any]]:
    """Every execution of the flow created at/after ``since`` (raw records, newest first)."""
    return await _records(twilio, flow_sid, date_created_from=since)


async def execution_parameters(twilio: TwilioConnector, flow_sid: str,
                               sid: str) -> dict[str, Any]:
    """What the execution was started with (``flow.data``: our Parameters)."""
    context = await twilio.execution_context(flow_sid, sid)
    flow = context.get("flow") if isinstance(context, dict) else None
    data = flow.get("data") if isinstance(flow, dict) else None
    return dict(data) if isinstance(data, dict) else {}


async def message_price(twilio: TwilioConnector, sid: str) -> MessagePrice:
    """A message's price as Twilio reports it (None until priced)."""
    msg = await _call(twilio, "fetch message", twilio.account.messages(sid).fetch_async)
    return MessagePrice(str(msg.sid), price_micros(msg.price), str(msg.price_unit or "USD"),
                        _aware(msg.date_sent) or _aware(msg.date_created))
