"""The stage sync job: screening executions in progress → stage results, next stages, spend.

Each round (``StageSync.run``, scheduled by the ``SyncEngine`` as service ``twilio_stages``):

1. The stage results in progress with an execution (``StageResult.external_sid``) are the
   watch list. Per flow, one listing of its *active* executions tells which of them ended;
   an active one past the candidate's time (started + the interviewer's days to complete) is
   ended through the API and read like the others.
2. An ended execution is read back (``collect``): answers, transcript, the call's recording,
   costs. With answers it goes to ``ApplicationsService.complete_stage`` (which scores it,
   moves the application and notifies; storing a replay is a no-op); then the next stage, when
   it runs by phone or text, is queued as a ``flow_execution`` outbox row.
3. Without any answer: a call nobody took is tried again later (up to ``MAX_CALL_ATTEMPTS``
   within the candidate's time); otherwise the execution has **expired** — the stage result
   stays ``in_progress`` (so a nudge or a retake can start it again), its execution is no
   longer watched, and the application's ``last_engaged_at`` records when we last tried.
4. Costs become spend rows per interviewer and stage (upserted by the provider's sid; a price
   Twilio has not set yet is filled in by the Twilio sync's calls / messages pull).
5. A context the app cannot read is quarantined with its reason and no longer watched.

The job keeps no cursor: the stage results in progress are its position, and every step is
idempotent (complete_stage replays, keyed outbox rows, upserted spend, quarantine without
duplicates), so a crash anywhere in a round is repaired by the next round.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, SpendKind, StageKind, StageStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.models import (
    Application,
    AuditEntry,
    Candidate,
    Interviewer,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.models.base import utcnow
from milo_desktop.services.applications.service import ApplicationsService
from milo_desktop.services.connectors import MalformedRecord, NotFoundAtProvider, Quarantine
from milo_desktop.services.connectors.payloads import dump_payload
from milo_desktop.services.connectors.twilio.calls_job import NOT_CONNECTED
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.retry import SERVICE as TWILIO
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ApplicationsChanged, EventBus, SpendChanged
from milo_desktop.services.entry.number_flow import stage_context
from milo_desktop.services.stages.collect import BadContext, CollectedRun, Cost, collect
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import RUNNABLE, load_stage
from milo_desktop.services.stages.handler import enqueue_execution
from milo_desktop.services.stages.next_stages import queue_next_stages
from milo_desktop.services.stages.runner import ConnectorFactory
from milo_desktop.services.stages.studio import active_executions, end_execution, fetch_execution
from milo_desktop.services.sync.cursors import add_quarantine
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
SERVICE = "twilio_stages"
RESOURCE = "stage_executions"
MAX_CALL_ATTEMPTS = 3
CALL_RETRY_DELAY = dt.timedelta(hours=4)
LISTING_SLACK = dt.timedelta(hours=1)  # executions may be dated a little before we saw them
# The recruiter decided already (dismissed, or shortlisted early): results are still stored,
# but nobody is called or texted for the next stage.
REVIEWED = frozenset({ApplicationStatus.DISMISSED, ApplicationStatus.SHORTLISTED})


@dataclass(frozen=True)
class Watched:
    """A stage result waiting for its execution."""

    result_id: int
    application_id: int
    stage_id: int
    interviewer_id: int
    kind: StageKind
    flow_sid: str | None
    execution_sid: str
    started_at: dt.datetime | None
    deadline: dt.datetime | None
    to: str | None  # the candidate's phone


def _watched(s: Session) -> list[Watched]:
    rows = s.execute(
        select(StageResult, Stage.kind,
               func.coalesce(StageResult.flow_sid, Stage.flow_sid), Application.interviewer_id,
               Interviewer.days_to_complete, Candidate.phone_e164)
        .join(Stage, StageResult.stage_id == Stage.id)
        .join(Application, StageResult.application_id == Application.id)
        .join(Interviewer, Application.interviewer_id == Interviewer.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .where(StageResult.status == StageStatus.IN_PROGRESS,
               StageResult.external_sid.is_not(None))
        .order_by(StageResult.id)).all()
    out = []
    for result, kind, flow_sid, interviewer_id, days, phone in rows:
        started = result.started_at
        deadline = started + dt.timedelta(days=max(1, days or 7)) if started else None
        out.append(Watched(result.id, result.application_id, result.stage_id, interviewer_id,
                           StageKind(kind), flow_sid, str(result.external_sid), started,
                           deadline, phone))
    return out


def _unwatch(s: Session, w: Watched, action: str, now: dt.datetime, **detail: Any) -> None:
    """Stop watching ``w``'s execution; the stage stays in progress (see the module doc)."""
    result = s.get(StageResult, w.result_id)
    if result is None or result.external_sid != w.execution_sid:
        return
    result.external_sid = None
    app = s.get(Application, w.application_id)
    if app is not None and action == "stage.expired":
        app.last_engaged_at = now
    s.add(AuditEntry(action=action, entity="application", entity_id=w.application_id,
                     detail={"stage_id": w.stage_id, "execution_sid": w.execution_sid,
                             **detail}))


def _starts(s: Session, w: Watched) -> int:
    """How many executions this stage has had for this application (calls tried)."""
    rows = s.scalars(select(AuditEntry.detail).where(
        AuditEntry.action == "stage.started", AuditEntry.entity == "application",
        AuditEntry.entity_id == w.application_id)).all()
    return sum(1 for d in rows if isinstance(d, dict) and d.get("stage_id") == w.stage_id)


def store_costs(s: Session, costs: tuple[Cost, ...], interviewer_id: int,
                stage_id: int) -> None:
    """Upsert spend rows by provider sid, attributed to the interviewer and stage (an
    unpriced one at 0 until the Twilio sync reads its price)."""
    for c in costs:
        row = s.scalar(select(SpendEntry).where(SpendEntry.service == TWILIO,
                                                SpendEntry.provider_sid == c.sid))
        if row is None:
            row = SpendEntry(service=TWILIO, kind=c.kind, provider_sid=c.sid, amount_micros=0)
            s.add(row)
        if c.micros is not None:
            row.amount_micros = c.micros
        row.currency = c.currency[:3].upper()
        row.interviewer_id = interviewer_id
        row.stage_id = stage_id
        if c.occurred_at is not None:
            row.occurred_at = c.occurred_at
    s.flush()


class StageSync:
    """The sync job for screening stages (``service`` / ``run`` for the SyncEngine)."""

    service = SERVICE
    default_interval = 30.0  # screenings run for days; a half-minute lag is plenty

    def __init__(self, db: Database, data_dir: Path, connector: ConnectorFactory,
                 applications: ApplicationsService, *, bus: EventBus | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self.connector = connector
        self.applications = applications
        self.bus = bus
        self.clock = clock

    async def run(self, progress: Progress) -> RoundResult:
        """One round; raises the connector errors (services/connectors/errors.py)."""
        async with open_connector(self.connector, TWILIO, NOT_CONNECTED) as twilio:
            return await self._round(twilio, progress)

    async def _round(self, twilio: TwilioConnector, progress: Progress) -> RoundResult:
        watched = await self.db.read(_watched)
        by_flow: dict[str | None, list[Watched]] = {}
        for w in watched:
            by_flow.setdefault(w.flow_sid, []).append(w)
        counts = _Counts()
        for flow_sid, rows in by_flow.items():
            await self._flow(twilio, flow_sid, rows, counts)
            progress(counts.executions)
        queued = await self.db.write(lambda s: queue_next_stages(s, self.clock()))
        if queued:
            log.info("queued %d next stage(s) found waiting", queued)
        return RoundResult({"screenings": counts.executions, "calls": counts.calls,
                            "messages": counts.messages}, counts.quarantined,
                           (SpendChanged(),) if counts.calls or counts.messages else ())

    async def _flow(self, twilio: TwilioConnector, flow_sid: str | None,
                    rows: list[Watched], counts: _Counts) -> None:
        if flow_sid is None:
            for w in rows:  # a stage unpublished since (edited and reset): nothing to read
                await self._quarantine(w, "the stage's flow is no longer published", {}, counts)
            return
        starts = [w.started_at for w in rows if w.started_at is not None]
        since = min(starts) - LISTING_SLACK if starts else None
        try:
            active = await active_executions(twilio, flow_sid, since)
        except NotFoundAtProvider:
            for w in rows:
                await self._quarantine(w, "the screening's Twilio flow was deleted, so its "
                                          "answers cannot be read", {}, counts)
            return
        now = self.clock()
        for w in rows:
            if w.execution_sid in active:
                if w.deadline is None or now < w.deadline:
                    continue  # still running
                # The candidate's time is up: stop the execution and keep what it has.
                with contextlib.suppress(NotFoundAtProvider):  # gone: quarantined below
                    await end_execution(twilio, flow_sid, w.execution_sid)
            await self._ended(twilio, flow_sid, w, counts)

    async def _ended(self, twilio: TwilioConnector, flow_sid: str, w: Watched,
                     counts: _Counts) -> None:
        try:
            info = await fetch_execution(twilio, flow_sid, w.execution_sid)
            if info.status != "ended":
                return  # the listing lagged; next round
            context = await twilio.execution_context(flow_sid, w.execution_sid)
        except NotFoundAtProvider:
            await self._quarantine(w, "the execution is no longer on Twilio", {}, counts)
            return
        except MalformedRecord as exc:  # its answer cannot be read: kept aside, not retried
            await self._quarantine(w, exc.quarantine.reason, exc.quarantine, counts)
            return
        config = await self.db.read(lambda s: load_stage(s, w.stage_id))
        if config is None:
            return  # the stage was deleted (its results with it)
        if config.is_text and isinstance(context, dict):  # its number's flow: our widgets
            context = stage_context(context, w.stage_id)
        try:
            run = await collect(twilio, self.data_dir, context, compile_stage(config),
                                config.questions)
        except BadContext as exc:
            await self._quarantine(w, str(exc), context, counts)
            return
        counts.executions += 1

        def costs(s: Session) -> int:
            store_costs(s, run.costs, w.interviewer_id, w.stage_id)
            return add_quarantine(s, list(run.quarantined))  # a call, recording… unreadable

        counts.quarantined += await self.db.write(costs)
        priced = [c for c in run.costs if c.micros is not None]
        counts.calls += sum(1 for c in priced if c.kind != SpendKind.SMS)
        counts.messages += sum(1 for c in priced if c.kind == SpendKind.SMS)
        if run.answered:
            await self._complete(w, run, counts)
        else:
            await self._unanswered(w)

    async def _complete(self, w: Watched, run: CollectedRun, counts: _Counts) -> None:
        try:
            advance = await self.applications.complete_stage(
                w.application_id, w.stage_id, run.answers, transcript=run.transcript,
                recording_path=run.recording_path, external_sid=w.execution_sid,
                rating=run.rating)
        except ValidationProblem as exc:
            # The result cannot be stored (the stage left the candidate's workflow …): keep
            # the raw answers where the recruiter sees them rather than lose them.
            await self._quarantine(w, f"the stage result was refused: {exc.message}",
                                   {"answers": run.answers, "transcript": run.transcript},
                                   counts)
            return
        except EnvironmentProblem as exc:  # the LLM evaluator is offline …: next round
            log.info("stage %s of application %s waits for its evaluation: %s", w.stage_id,
                     w.application_id, exc.message)
            return
        if advance.next_stage_id is not None and not (advance.knocked_out or advance.completed) \
                and advance.application_status not in REVIEWED:
            await self.db.write(lambda s: self._queue_next(s, w, advance.next_stage_id))

    def _queue_next(self, s: Session, w: Watched, stage_id: int | None) -> None:
        stage = s.get(Stage, stage_id) if stage_id is not None else None
        if stage is None or stage.kind not in RUNNABLE or not w.to:
            return  # a résumé stage waits for its file; no phone: the kiosk or a nudge
        enqueue_execution(s, w.application_id, stage.id, w.to, now=self.clock())

    async def _unanswered(self, w: Watched) -> None:
        now = self.clock()

        def write(s: Session) -> str:
            tries = _starts(s, w)
            later = now + CALL_RETRY_DELAY
            if (w.kind == StageKind.VOICE and w.to and tries < MAX_CALL_ATTEMPTS
                    and (w.deadline is None or later < w.deadline)):
                enqueue_execution(s, w.application_id, w.stage_id, w.to, attempt=tries + 1,
                                  not_before=later, now=now)
                _unwatch(s, w, "stage.call_unanswered", now, retry_at=later.isoformat())
                return "retry"
            _unwatch(s, w, "stage.expired", now, attempts=tries)
            return "expired"

        outcome = await self.db.write(write)
        log.info("stage %s of application %s: no answer (%s)", w.stage_id, w.application_id,
                 outcome)
        if self.bus is not None:
            self.bus.publish(ApplicationsChanged((w.application_id,)))

    async def _quarantine(self, w: Watched, reason: str, payload: Any,
                          counts: _Counts) -> None:
        raw = payload.payload if isinstance(payload, Quarantine) else dump_payload(payload)
        record = Quarantine(TWILIO, RESOURCE, f"Screening of application {w.application_id}: "
                            f"{reason}", raw, w.execution_sid)
        now = self.clock()

        def write(s: Session) -> int:
            added = add_quarantine(s, [record])
            _unwatch(s, w, "stage.quarantined", now, reason=reason)
            return added

        counts.quarantined += await self.db.write(write)
        log.info("stage execution %s quarantined: %s", w.execution_sid, reason)


@dataclass
class _Counts:
    executions: int = 0
    calls: int = 0
    messages: int = 0
    quarantined: int = 0
