"""One Twilio sync round: each receptionist flow's executions (→ InboundCall rows with their
answers, call details and recording), then calls and messages (→ spend rows), then the
evaluation hook for calls that reached Processing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import CallStatus, SpendKind
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.models.receptionists import InboundCall, Receptionist
from milo_desktop.services.connectors import NotFoundAtProvider, Page, Quarantine
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.inbound import (
    SERVICE,
    CallCollector,
    CollectedCall,
    Price,
    apply_calls,
    apply_prices,
    quarantined_of,
    record_price,
)
from milo_desktop.services.connectors.twilio.records import first_time, parse_time
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CallUpdated, Event, SpendChanged
from milo_desktop.services.sync.cursors import add_quarantine
from milo_desktop.services.sync.pull import AfterPage, PullResult, Resource, pull
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
Evaluate = Callable[[int], Awaitable[None]]
ConnectorFactory = Callable[[], Awaitable["TwilioConnector | None"]]
FINAL_CALL_STATES = ("completed", "busy", "failed", "no-answer", "canceled")
UNPRICED_FINAL_MESSAGES = ("failed", "undelivered", "canceled")


# Executions are read again from a little before the watermark: one created late but dated
# early (a long call, clock skew between Twilio's hosts) is still found; the upsert by
# execution sid makes the overlap harmless.
EXECUTION_OVERLAP = dt.timedelta(hours=2)


NOT_CONNECTED = ("Twilio is not connected. Add your Account SID and Auth Token in Settings → "
                 "Integrations → Twilio.")


class TwilioSync:
    """The Twilio sync job the engine schedules (``service`` / ``run``)."""

    service = SERVICE
    default_interval = 10.0  # new calls show within seconds

    def __init__(self, db: Database, data_dir: Path, connector: ConnectorFactory, *,
                 evaluate: Evaluate | None = None, after_page: AfterPage | None = None) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self.connector = connector
        self.evaluate = evaluate
        self.after_page = after_page  # tests: raise here to simulate a crash mid-round
        self._evaluated: set[int] = set()

    async def run(self, progress: Progress) -> RoundResult:
        """One round; raises the connector errors (services/connectors/errors.py)."""
        async with open_connector(self.connector, SERVICE, NOT_CONNECTED) as twilio:
            return await self._round(twilio, progress)

    async def _round(self, twilio: TwilioConnector, progress: Progress) -> RoundResult:
        receptionists = await self.db.read(_receptionists)
        numbers = {phone: rid for rid, _flow, phone in receptionists if phone}
        written: list[int] = []
        set_aside = [0]  # records quarantined while preparing (beyond the pages' own)
        done = 0
        results: list[PullResult] = []

        def tick(n: int) -> None:
            progress(done + n)

        for rid, flow_sid, _phone in receptionists:
            if not flow_sid:
                continue
            collector = CallCollector(twilio, self.data_dir, flow_sid, rid, self._finished)

            def apply(s: Session, items: list[CollectedCall | Quarantine]) -> None:
                written.extend(apply_calls(s, items))
                set_aside[0] += add_quarantine(s, quarantined_of(items))

            def executions(since: dt.datetime | None, url: str | None,
                           f: str = flow_sid) -> Awaitable[Page]:
                return twilio.executions_page(f, since - EXECUTION_OVERLAP if since else None,
                                              url)

            res: Resource[CollectedCall | Quarantine] = Resource(
                SERVICE, f"executions:{flow_sid}", executions,
                collector.prepare, apply,
                lambda r: parse_time(r.get("date_created")),
                # An execution still running is read again next round (the caller may reply).
                lambda r: r.get("status") == "ended")
            try:
                results.append(await pull(self.db, res, after_page=self.after_page, on_page=tick))
            except NotFoundAtProvider:
                # The flow was deleted on Twilio: its receptionist needs republishing; the
                # other receptionists' calls still come in.
                log.warning("receptionist %s: flow %s is gone on Twilio", rid, flow_sid)
                continue
            done += results[-1].pulled

        for name, kind, fetch, settled in (
            ("calls", SpendKind.CALL, twilio.calls_page, _call_settled),
            ("messages", SpendKind.SMS, twilio.messages_page, _message_settled),
        ):
            def store(s: Session, items: list[Price | Quarantine]) -> None:
                apply_prices(s, items)
                set_aside[0] += add_quarantine(s, quarantined_of(items))

            spend: Resource[Price | Quarantine] = Resource(
                SERVICE, name, fetch, _prices(kind, numbers), store, _when, settled)
            results.append(await pull(self.db, spend, after_page=self.after_page, on_page=tick))
            done += results[-1].pulled

        by_name = {r.resource: r for r in results}
        changed = sorted(set(written))
        pulled = {
            "calls": by_name["calls"].pulled,
            "messages": by_name["messages"].pulled,
            "executions": sum(r.pulled for r in results if r.resource.startswith("executions:")),
            "callers": len(changed),
        }
        events: list[Event] = [CallUpdated(call_id) for call_id in changed]
        if pulled["calls"] or pulled["messages"] or changed:
            events.append(SpendChanged())
        await self._evaluate_processing()
        return RoundResult(pulled, sum(r.quarantined for r in results) + set_aside[0],
                           tuple(events))

    async def _finished(self, sids: list[str]) -> set[str]:
        def q(s: Session) -> set[str]:
            rows = s.scalars(select(InboundCall.execution_sid).where(
                InboundCall.execution_sid.in_(sids),
                InboundCall.status.in_((CallStatus.PROCESSING, CallStatus.EVALUATED))))
            return {r for r in rows if r}
        return await self.db.read(q) if sids else set()

    async def _evaluate_processing(self) -> None:
        """Hand calls in Processing to the evaluator (once per call per session; a crash
        before it finished leaves the call in Processing, picked up after the restart)."""
        if self.evaluate is None:
            return
        ids = await self.db.read(lambda s: list(s.scalars(
            select(InboundCall.id).where(InboundCall.status == CallStatus.PROCESSING))))
        for call_id in ids:
            if call_id in self._evaluated:
                continue
            self._evaluated.add(call_id)
            try:
                await self.evaluate(call_id)
            except EnvironmentProblem as exc:
                self._evaluated.discard(call_id)  # offline / auth: try again next round
                log.warning("evaluating inbound call %s: %s", call_id, exc.message)
            except Exception:
                log.exception("evaluating inbound call %s failed", call_id)


def _receptionists(s: Session) -> list[tuple[int, str | None, str | None]]:
    rows = s.execute(select(Receptionist.id, Receptionist.flow_sid, Receptionist.phone_number)
                     .order_by(Receptionist.id))
    return [(r[0], r[1], r[2]) for r in rows]


def _prices(kind: SpendKind, numbers: dict[str, int]) -> Callable[
        [list[dict[str, Any]]], Awaitable[list[Price | Quarantine]]]:
    async def prepare(records: list[dict[str, Any]]) -> list[Price | Quarantine]:
        return [p for r in records if (p := record_price(r, kind, numbers)) is not None]
    return prepare


def _when(record: dict[str, Any]) -> dt.datetime | None:
    return first_time(record, "start_time", "date_sent", "date_created")


def _call_settled(record: dict[str, Any]) -> bool:
    # Completed calls get a price a little after they end; the rest never will.
    return record.get("price") not in (None, "") or (
        record.get("status") in FINAL_CALL_STATES and record.get("status") != "completed")


def _message_settled(record: dict[str, Any]) -> bool:
    return record.get("price") not in (None, "") or record.get("status") in UNPRICED_FINAL_MESSAGES
