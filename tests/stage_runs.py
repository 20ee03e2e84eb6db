"""Shared set-up for the stage-run tests: a sandbox Twilio on a socket, an interviewer with
phone / text stages and questions, an invited candidate, and the real outbox worker, stage
runner, handler and stage sync wired to them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from milo_desktop.enums import (
    ApplicationStatus,
    InterviewerStatus,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.models import (
    Application,
    Candidate,
    Interviewer,
    OutboxItem,
    Question,
    Stage,
    StageResult,
)
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.stages.config import RUNNABLE
from milo_desktop.services.stages.handler import (
    FLOW_EXECUTION,
    FlowExecutionHandler,
    enqueue_execution,
)
from milo_desktop.services.stages.runner import StageRunner
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace

NUMBER = "+15550001111"  # the interviewer's Twilio number
ADA = "+15557654321"
BOB = "+15557654322"

LICENCE = {"kind": QuestionKind.YES_NO, "prompt": "Do you have a forklift licence?",
           "expected_yes": True, "dealbreaker": True}
STORY = {"kind": QuestionKind.SCORED, "prompt": "Tell me about your last warehouse job.",
         "rubric_low": "No relevant work", "rubric_high": "Years on forklifts, safety, training"}
YEARS = {"kind": QuestionKind.MIN_AMOUNT, "prompt": "How many years on a forklift?",
         "min_value": 2, "unit": "years"}
SHIFT = {"kind": QuestionKind.MULTIPLE_CHOICE, "prompt": "Which shift suits you?",
         "choices": ["Day", "Night"], "accepted_choices": ["Day"]}


def connector_factory(sb: TwilioSandbox, base: str | None = None) -> Callable[[], Any]:
    async def make() -> TwilioConnector:
        url = base or sb.base_url
        return TwilioConnector(TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token),
                               ApiBases(url, url), policy=RetryPolicy(attempts=2, base_delay=0.01))
    return make


@dataclass(frozen=True)
class Screening:
    interviewer_id: int
    stage_ids: tuple[int, ...]
    question_ids: tuple[tuple[int, ...], ...]  # per stage

    def widget(self, stage: int, question: int) -> str:
        """The flow widget asking question ``question`` of stage ``stage`` (0-based)."""
        return f"q_{self.question_ids[stage][question]}"


def make_screening(ws: Workspace, stages: Sequence[tuple[StageKind, Sequence[dict[str, Any]]]],
                   *, phone_number: str | None = NUMBER, days_to_complete: int = 7,
                   language: str = "en") -> Screening:
    def write(s: Any) -> Screening:
        iv = Interviewer(slug=f"forklift-{uuid.uuid4().hex[:8]}", name="Forklift Dallas",
                         position_title="Forklift Operator", status=InterviewerStatus.ACTIVE,
                         phone_number=phone_number, days_to_complete=days_to_complete,
                         language=language)
        s.add(iv)
        s.flush()
        stage_ids, question_ids = [], []
        for position, (kind, questions) in enumerate(stages):
            stage = Stage(interviewer_id=iv.id, position=position, kind=kind,
                          name=f"{kind.value.title()} screen")
            s.add(stage)
            s.flush()
            ids = []
            for n, spec in enumerate(questions):
                q = Question(stage_id=stage.id, position=n, **spec)
                s.add(q)
                s.flush()
                ids.append(q.id)
            stage_ids.append(stage.id)
            question_ids.append(tuple(ids))
        return Screening(iv.id, tuple(stage_ids), tuple(question_ids))
    return ws.db.run_sync(write, write=True)


def invite(ws: Workspace, screening: Screening, name: str, phone: str | None) -> int:
    """The candidate's application (pending, every stage not started) and, with a phone and
    a first stage run by phone or text, that stage's start queued — what the invitation
    writes."""
    def write(s: Any) -> int:
        candidate = Candidate(full_name=name, name_key=name.casefold(), phone_e164=phone,
                              email=f"{name.split()[0].lower()}@example.com")
        s.add(candidate)
        s.flush()
        app = Application(candidate_id=candidate.id, interviewer_id=screening.interviewer_id,
                          status=ApplicationStatus.PENDING)
        s.add(app)
        s.flush()
        for stage_id in screening.stage_ids:
            s.add(StageResult(application_id=app.id, stage_id=stage_id,
                              status=StageStatus.NOT_STARTED))
        first = s.get(Stage, screening.stage_ids[0])
        if phone and first.kind in RUNNABLE:
            enqueue_execution(s, app.id, first.id, phone)
        return app.id
    return ws.db.run_sync(write, write=True)


@dataclass
class Rig:
    """The real parts under test, over one sandbox and one workspace."""

    ws: Workspace
    sb: TwilioSandbox
    runner: StageRunner
    handler: FlowExecutionHandler
    worker: OutboxWorker
    sync: StageSync


def rig(ws: Workspace, sb: TwilioSandbox, data_dir: Path,
        clock: Callable[[], dt.datetime] | None = None) -> Rig:
    factory = connector_factory(sb)
    runner = StageRunner(ws.db, factory)
    extra = {"clock": clock} if clock is not None else {}
    handler = FlowExecutionHandler(ws.db, runner, bus=ws.bus, **extra)
    worker = OutboxWorker(ws.db, {FLOW_EXECUTION: handler}, bus=ws.bus)
    sync = StageSync(ws.db, data_dir, factory, ws.applications, bus=ws.bus, **extra)
    return Rig(ws, sb, runner, handler, worker, sync)


def result_of(ws: Workspace, app_id: int, stage_id: int) -> StageResult:
    def q(s: Any) -> StageResult:
        r = s.scalar(select(StageResult).where(StageResult.application_id == app_id,
                                               StageResult.stage_id == stage_id))
        s.expunge(r)
        return r
    return ws.db.run_sync(q)


def application(ws: Workspace, app_id: int) -> Application:
    def q(s: Any) -> Application:
        a = s.get(Application, app_id)
        s.expunge(a)
        return a
    return ws.db.run_sync(q)


def outbox_rows(ws: Workspace) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """(idempotency key, status, provider ref, payload) of every flow_execution row."""
    def q(s: Any) -> list[tuple[str, str, str | None, dict[str, Any]]]:
        return [(o.idempotency_key, o.status.value, o.provider_ref, dict(o.payload))
                for o in s.scalars(select(OutboxItem).where(OutboxItem.kind == FLOW_EXECUTION)
                                   .order_by(OutboxItem.id))]
    return ws.db.run_sync(q)


def executions_to(sb: TwilioSandbox, phone: str) -> list[str]:
    with sb.state.lock:
        return [e.sid for e in sb.state.executions.values()
                if e.data["contact_channel_address"] == phone]


GOOD_STORY = ("I drove sit-down forklifts for three years, kept a clean safety record and "
              "trained two new hires on the scanners.")


class Clock:
    """A clock the test moves (the sandbox's and the sync's); it starts at ``start`` (the
    machine's time when not given)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@contextmanager
def numbered_sandbox(clock: Clock) -> Iterator[TwilioSandbox]:
    """The sandbox Twilio on ``clock``, running, with the screenings' ``NUMBER``."""
    sb = TwilioSandbox(clock=clock)
    with sb.running():
        sb.add_number(NUMBER)
        yield sb

