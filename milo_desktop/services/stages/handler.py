"""The outbox handler that starts a screening stage: one Studio execution per candidate.

Outbox rows of kind ``flow_execution`` carry ``{"application_id", "stage_id", "to"}`` (the
invitation queues the first stage's, the stage sync the next stage's and the retries of a
call nobody answered). ``send`` makes sure the stage's flow is published (for a text stage,
its number's flow, which replies to the number reach), POSTs the execution with To = the
candidate and From = the stage's number, and records it on the stage result (in_progress,
``external_sid`` and the flow it runs on) and the application (in_progress, started). A text
stage waits while the candidate is still answering another text screening from the same
number: Twilio keeps one conversation per contact and number, and the replies would go to
the first. The execution carries the row's
idempotency key in its Parameters, so ``find_sent`` recognises exactly the execution a
crashed send started (listing the flow's executions since the row was queued) and records it
then; a second execution is never started for one row.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from milo_desktop.enums import ApplicationStatus, StageStatus
from milo_desktop.models import (
    Application,
    AuditEntry,
    Candidate,
    Interviewer,
    OutboxItem,
    Stage,
    StageResult,
)
from milo_desktop.models.base import utcnow
from milo_desktop.services.applications.status import check_stage_transition
from milo_desktop.services.connectors import NotFoundAtProvider, ProviderError
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.publisher import TwilioNotConnected, same_number
from milo_desktop.services.connectors.twilio.retry import with_retries
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ApplicationsChanged, EventBus
from milo_desktop.services.stages.config import E164_RE, RUNNABLE, TEXT_KINDS
from milo_desktop.services.stages.phrases import greeting
from milo_desktop.services.stages.runner import StageNotRunnable, StageRunner, sending_number
from milo_desktop.services.stages.studio import execution_parameters, executions_since
from milo_desktop.services.sync.outbox import (
    MaybeSent,
    NotSent,
    OutboxRow,
    Refused,
    Unresolvable,
    enqueue,
)

log = logging.getLogger(__name__)
FLOW_EXECUTION = "flow_execution"
# How far before the row's creation its execution may be dated (clock skew; the sandbox
# dates a finished call from its start).
RECONCILE_WINDOW = dt.timedelta(hours=1)
_CLOSED = frozenset({ApplicationStatus.COMPLETED, ApplicationStatus.KNOCKED_OUT,
                     ApplicationStatus.DISMISSED, ApplicationStatus.SHORTLISTED})


def execution_key(application_id: int, stage_id: int, attempt: int = 1) -> str:
    """The outbox idempotency key of a stage start (the invitation uses attempt 1's)."""
    base = f"{FLOW_EXECUTION}:{application_id}:{stage_id}"
    return base if attempt <= 1 else f"{base}:attempt{attempt}"


def enqueue_execution(s: Session, application_id: int, stage_id: int, to: str, *,
                      attempt: int = 1, not_before: dt.datetime | None = None,
                      now: dt.datetime | None = None) -> int | None:
    """Queue a stage start inside the caller's transaction (dated by the caller's clock
    ``now``); None when that start (this attempt) is queued already."""
    key = execution_key(application_id, stage_id, attempt)
    if s.scalar(select(OutboxItem.id).where(OutboxItem.idempotency_key == key)) is not None:
        return None
    payload = {"application_id": application_id, "stage_id": stage_id, "to": to}
    if attempt > 1:
        payload["attempt"] = attempt
    return enqueue(s, FLOW_EXECUTION, payload, key, not_before=not_before, now=now)


@dataclass(frozen=True)
class StartPlan:
    """What starting one stage for one application needs (read in one go)."""

    running_sid: str | None  # an execution already recorded for this stage
    from_number: str | None
    is_text: bool
    greeting: str
    busy: str | None = None  # why a text stage waits: another screening on the number


def plan_start(s: Session, application_id: int, stage_id: int) -> StartPlan:
    """Check the stage can start for the application; StageNotRunnable otherwise."""
    app = s.get(Application, application_id)
    stage = s.get(Stage, stage_id)
    if app is None or stage is None or stage.interviewer_id != app.interviewer_id:
        raise StageNotRunnable("The candidate's application or this stage no longer exists.")
    if app.status in _CLOSED:
        raise StageNotRunnable(f"The application is {app.status.value.replace('_', ' ')}; "
                               "the screening was not started.")
    if stage.kind not in RUNNABLE:
        raise StageNotRunnable(f"The {stage.name} stage does not run by phone or text.")
    result = s.scalar(select(StageResult).where(StageResult.application_id == application_id,
                                                StageResult.stage_id == stage_id))
    if result is not None and result.status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT):
        raise StageNotRunnable(f"The {stage.name} stage is already finished.")
    running = (result.external_sid if result is not None
               and result.status == StageStatus.IN_PROGRESS else None)
    candidate = s.get(Candidate, app.candidate_id)
    interviewer = s.get(Interviewer, app.interviewer_id)
    language = interviewer.language if interviewer is not None else "en"
    number = sending_number(s, stage_id)
    is_text = stage.kind in TEXT_KINDS
    if is_text and candidate is not None and candidate.sms_opted_out_at is not None:
        raise StageNotRunnable("The candidate opted out of texts (replied STOP), so the text "
                               "screening was not started.")
    busy = (_texting(s, candidate, stage_id, number)
            if is_text and number and candidate is not None and running is None else None)
    return StartPlan(running, number, is_text,
                     greeting(language, candidate.full_name if candidate else ""), busy)


def _texting(s: Session, candidate: Candidate, stage_id: int, number: str) -> str | None:
    """Why another text screening to the candidate's phone (whichever candidate record it
    is under) holds ``number`` now (None: none does)."""
    same_person = (Candidate.phone_e164 == candidate.phone_e164 if candidate.phone_e164
                   else Candidate.id == candidate.id)
    rows = s.execute(
        select(StageResult.stage_id, Stage.name, Interviewer.name)
        .join(Application, StageResult.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Stage, StageResult.stage_id == Stage.id)
        .join(Interviewer, Application.interviewer_id == Interviewer.id)
        .where(same_person, StageResult.stage_id != stage_id,
               StageResult.status == StageStatus.IN_PROGRESS,
               StageResult.external_sid.is_not(None), Stage.kind.in_(TEXT_KINDS))).all()
    for other_id, stage_name, interviewer_name in rows:
        if same_number(sending_number(s, other_id) or "", number):
            return (f"Waits until the candidate finishes the “{stage_name}” screening of "
                    f"“{interviewer_name}”, texted from the same number.")
    return None


def record_started(s: Session, application_id: int, stage_id: int, execution_sid: str,
                   now: dt.datetime, flow_sid: str | None = None) -> bool:
    """The stage is in progress with ``execution_sid``; the application has started. False
    when the stage finished meanwhile (nothing is changed then)."""
    app = s.get(Application, application_id)
    if app is None:
        return False
    result = s.scalar(select(StageResult).where(StageResult.application_id == application_id,
                                                StageResult.stage_id == stage_id))
    if result is None:  # an application from before its stage results were created
        result = StageResult(application_id=application_id, stage_id=stage_id,
                             status=StageStatus.NOT_STARTED)
        s.add(result)
    if result.status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT):
        return False
    if result.status != StageStatus.IN_PROGRESS:
        check_stage_transition(result.status, StageStatus.IN_PROGRESS)
        result.status = StageStatus.IN_PROGRESS
    result.started_at = result.started_at or now
    result.external_sid = execution_sid
    result.flow_sid = flow_sid or s.scalar(select(Stage.flow_sid).where(Stage.id == stage_id))
    if app.status == ApplicationStatus.PENDING:
        app.status = ApplicationStatus.IN_PROGRESS
    app.started_at = app.started_at or now
    s.add(AuditEntry(action="stage.started", entity="application", entity_id=application_id,
                     detail={"stage_id": stage_id, "execution_sid": execution_sid}))
    return True


async def start_execution(twilio: TwilioConnector, flow_sid: str, to: str, from_: str,
                          parameters: dict[str, object]) -> str:
    """POST an execution. A 5xx is not retried here: it may have started one (the outbox
    reconciles instead); 429s are (Twilio never processed them)."""
    executions = twilio.studio.flows(flow_sid).executions
    policy = dataclasses.replace(twilio.policy, retry_server_errors=False)
    created = await with_retries("create execution", lambda: executions.create_async(
        to=to, from_=from_, parameters=parameters), policy)
    return str(created.sid)


class FlowExecutionHandler:
    """``OutboxHandler`` (and ``RoundAware``) for rows of kind ``flow_execution``."""

    kind = FLOW_EXECUTION

    def __init__(self, db: Database, runner: StageRunner, *, bus: EventBus | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.runner = runner
        self.bus = bus
        self.clock = clock
        self._twilio: TwilioConnector | None = None

    # -- RoundAware: one connection per outbox round ---------------------------------------
    async def start_round(self) -> bool:
        self._twilio = await self.runner.connector_factory()
        return self._twilio is not None

    async def end_round(self) -> None:
        if self._twilio is not None:
            await self._twilio.aclose()
            self._twilio = None

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[TwilioConnector]:
        if self._twilio is not None:
            yield self._twilio
            return
        twilio = await self.runner.connector()
        try:
            yield twilio
        finally:
            await twilio.aclose()

    # -- OutboxHandler ---------------------------------------------------------------------
    async def send(self, row: OutboxRow) -> str:
        """Start the stage for the row's candidate; returns the execution sid."""
        app_id, stage_id, to = _payload(row)
        if not E164_RE.fullmatch(to):
            raise StageNotRunnable(f"{to!r} is not a phone number in international format.")
        plan = await self.db.read(lambda s: plan_start(s, app_id, stage_id))
        if plan.running_sid:
            return plan.running_sid  # a second row for a stage already running
        if plan.busy:
            raise NotSent(plan.busy, waits=True)
        if not plan.from_number:
            raise StageNotRunnable(
                "There is no number to call or text from. Give the interviewer a phone number, "
                "or set the SMS sender under Outreach.")
        parameters: dict[str, object] = {
            "application_id": app_id, "stage_id": stage_id, "greeting": plan.greeting,
            "outbox_key": row.idempotency_key,
        }
        try:
            async with self._connection() as twilio:
                sid, flow_sid = await self._start(twilio, stage_id, to, plan, parameters)
        except TwilioNotConnected as exc:  # disconnected between two rounds: wait
            raise NotSent(exc.message) from exc
        await self._record(app_id, stage_id, sid, flow_sid)
        return sid

    async def _start(self, twilio: TwilioConnector, stage_id: int, to: str, plan: StartPlan,
                     parameters: dict[str, object]) -> tuple[str, str]:
        """(the execution's sid, the flow it runs on)."""
        flow_sid = await self.runner.ensure_published(stage_id)
        try:
            return await self._post(twilio, flow_sid, to, plan, parameters), flow_sid
        except NotFoundAtProvider:
            # The flow was deleted in the Twilio console: publish it again, once.
            log.info("stage %s: flow %s is gone on Twilio; republishing", stage_id, flow_sid)
            flow_sid = await self.runner.republish(stage_id)
        try:
            return await self._post(twilio, flow_sid, to, plan, parameters), flow_sid
        except NotFoundAtProvider as exc:
            raise NotSent("Twilio does not find the screening's flow just published; "
                          "trying again later.") from exc

    async def _post(self, twilio: TwilioConnector, flow_sid: str, to: str,
                    plan: StartPlan, parameters: dict[str, object]) -> str:
        assert plan.from_number is not None
        try:
            return await start_execution(twilio, flow_sid, to, plan.from_number, parameters)
        except TwilioRestException as exc:
            raise MaybeSent(f"Twilio answered {exc.status} while starting the "
                            "screening; checking before trying again.") from exc
        except ProviderError as exc:
            if exc.server_side:
                raise MaybeSent(f"Twilio answered {exc.status} while starting the "
                                "screening; checking before trying again.") from exc
            raise Refused(f"Twilio refused to start the screening "
                          f"({exc.code or exc.status}): {exc.answer[:200]}") from exc

    async def find_sent(self, row: OutboxRow) -> str | None:
        """The execution a crashed ``send`` of this row started, if any (recorded then)."""
        try:
            app_id, stage_id, to = _payload(row)
        except Refused as exc:  # nothing can have been started from it
            raise Unresolvable(exc.message) from exc
        flow_sid = await self.db.read(lambda s: _flow_of(s, stage_id))
        if not flow_sid:
            return None  # never published, so never started
        async with self._connection() as twilio:
            try:
                records = await executions_since(twilio, flow_sid,
                                                 row.created_at - RECONCILE_WINDOW)
                for record in records:
                    if not same_number(str(record.get("contact_channel_address") or ""), to):
                        continue
                    params = await execution_parameters(twilio, flow_sid, record["sid"])
                    if params.get("outbox_key") == row.idempotency_key:
                        await self._record(app_id, stage_id, record["sid"], flow_sid)
                        return str(record["sid"])
            except NotFoundAtProvider:
                return None  # the flow is gone, and its executions with it
        return None

    async def _record(self, app_id: int, stage_id: int, sid: str, flow_sid: str) -> None:
        now = self.clock()
        changed = await self.db.write(
            lambda s: record_started(s, app_id, stage_id, sid, now, flow_sid))
        if changed and self.bus is not None:
            self.bus.publish(ApplicationsChanged((app_id,)))


def _payload(row: OutboxRow) -> tuple[int, int, str]:
    p = row.payload
    try:
        return int(p["application_id"]), int(p["stage_id"]), str(p["to"]).strip()
    except (KeyError, TypeError, ValueError) as exc:
        raise Refused(f"This queued screening start is incomplete ({exc!r}).") from exc


def _flow_of(s: Session, stage_id: int) -> str | None:
    stage = s.get(Stage, stage_id)
    return stage.flow_sid if stage is not None else None
