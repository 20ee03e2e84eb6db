"""The text-to-apply job (service ``twilio_entry``, every 30 s by the sync engine).

Each round:

1. **Number flows.** Every number that carries keywords of interviewers taking candidates,
   or from which a text screening is sent, has one Studio flow (``number_flow.py``: the
   keyword router and the text screenings together), published when its definition changed
   since the last publish (hash in ``entry_routers``; ``number_flows.publish_number``), with
   the number's SmsUrl pointed at it (its VoiceUrl — a receptionist's — is kept). A number
   whose keywords all went away keeps its flow, which then answers every text politely.
2. **Texts.** The number flows' executions created since the last round (a few minutes of
   overlap) are read; each ended one that came from a text (not a screening the app started)
   is taken once (``intake.take_execution``): the candidate and the application are created
   and the interviewer's first stage starts as an invitation starts it; STOP records the
   texter's opt-out. A context the app cannot read is quarantined with its reason.

Everything is idempotent (the hash, the execution's ``external_ids`` row, keyed outbox rows),
so a crash anywhere in a round is repaired by the next.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from milo_desktop.models import EntryKeyword, EntryRouter, Interviewer, SyncCursor
from milo_desktop.models.base import utcnow
from milo_desktop.services.accepting import accepting_clause
from milo_desktop.services.connectors import MalformedRecord, NotFoundAtProvider
from milo_desktop.services.connectors.twilio.calls_job import NOT_CONNECTED
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.retry import SERVICE as TWILIO
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    Event,
    EventBus,
)
from milo_desktop.services.entry.intake import take_execution
from milo_desktop.services.entry.number_flows import forget_flow, plans, publish_number
from milo_desktop.services.entry.points import ensure_keyword
from milo_desktop.services.stages.runner import ConnectorFactory
from milo_desktop.services.stages.studio import executions_since
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
SERVICE = "twilio_entry"
RESOURCE = "router_executions"
OVERLAP = dt.timedelta(minutes=10)  # executions may be dated a little before we saw them
FIRST_LOOK = dt.timedelta(days=2)  # how far back a new router's executions are read
SEEN_MAX = 10_000  # executions remembered as read in this session


def ensure_keywords(s: Session, now: dt.datetime) -> int:
    """Give every interviewer taking candidates that has a number but no keyword yet its
    default keyword (``points.ensure_keyword``); returns how many were given."""
    missing = list(s.scalars(select(Interviewer).where(
        accepting_clause(now), ~exists().where(EntryKeyword.interviewer_id == Interviewer.id))))
    return sum(ensure_keyword(s, iv) is not None for iv in missing)


def _since(s: Session, flow_sid: str, now: dt.datetime) -> dt.datetime:
    row = s.get(SyncCursor, (SERVICE, f"{RESOURCE}:{flow_sid}"))
    if row is None or not row.cursor:
        return now - FIRST_LOOK
    try:
        return dt.datetime.fromisoformat(row.cursor) - OVERLAP
    except ValueError:
        return now - FIRST_LOOK


def _save_since(s: Session, flow_sid: str, when: dt.datetime) -> None:
    key = (SERVICE, f"{RESOURCE}:{flow_sid}")
    row = s.get(SyncCursor, key)
    if row is None:
        row = SyncCursor(service=SERVICE, resource=key[1])
        s.add(row)
    row.cursor = when.isoformat()
    row.last_success_at = utcnow()


class TextEntrySync:
    """Publishes the routers and turns keyword texts into screenings (see module doc)."""

    service = SERVICE
    default_interval = 30.0

    def __init__(self, db: Database, connector: ConnectorFactory, *,
                 bus: EventBus | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.connector = connector
        self.bus = bus
        self.clock = clock
        # Executions already read this session: the overlap lists them again, and their
        # contexts need not be fetched again (a keyword's is also kept in external_ids).
        self._seen: dict[str, None] = {}

    async def run(self, progress: Progress) -> RoundResult:
        async with open_connector(self.connector, TWILIO, NOT_CONNECTED) as twilio:
            return await self.round(twilio, progress)

    async def round(self, twilio: TwilioConnector,
                    progress: Progress = lambda _n: None) -> RoundResult:
        now = self.clock()
        await self.db.write(lambda s: ensure_keywords(s, now))
        wanted = await self.db.read(lambda s: plans(s, now))
        published = 0
        for plan in wanted:
            if not plan.current:
                published += await publish_number(self.db, twilio, plan.number,
                                                  now) is not None
        routers = await self.db.read(_router_flows)
        started = quarantined = texts = 0
        candidates: set[int] = set()
        for flow_sid in routers:
            since = await self.db.read(functools.partial(_since, flow_sid=flow_sid, now=now))
            try:
                records = await executions_since(twilio, flow_sid, since)
            except NotFoundAtProvider:  # deleted in the console: published again next round
                await self.db.write(functools.partial(forget_flow, flow_sid=flow_sid))
                continue
            for record in sorted(records, key=lambda r: str(r.get("date_created") or "")):
                if record.get("status") != "ended":
                    continue
                sid = str(record["sid"])
                if sid in self._seen:
                    continue
                try:
                    context = await twilio.execution_context(flow_sid, sid)
                except MalformedRecord as exc:
                    context = {"unreadable": str(exc)}
                taken = await self.db.write(functools.partial(
                    take_execution, execution_sid=sid, context=context, now=self.clock()))
                self._remember(sid)
                texts += taken.outcome != "already"
                started += taken.outcome == "started"
                quarantined += taken.outcome == "quarantined"
                if taken.application_id is not None and taken.outcome == "started":
                    candidates.add(taken.application_id)
                progress(texts)
            # Read from this round's start (less the overlap) next time.
            await self.db.write(functools.partial(_save_since, flow_sid=flow_sid, when=now))
        if started:
            log.info("text to apply: %d screening(s) started", started)
        events: tuple[Event, ...] = ()
        if started:
            events = (ApplicationsChanged(tuple(sorted(candidates))), CandidatesChanged(()))
        return RoundResult({"texts": texts, "screenings started": started,
                            "routers published": published}, quarantined,
                           events)

    def _remember(self, sid: str) -> None:
        self._seen[sid] = None
        while len(self._seen) > SEEN_MAX:  # the oldest go first (dicts keep insertion order)
            del self._seen[next(iter(self._seen))]


def _router_flows(s: Session) -> list[str]:
    return [r.flow_sid for r in s.scalars(select(EntryRouter).order_by(EntryRouter.id))
            if r.flow_sid]
