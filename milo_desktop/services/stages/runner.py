"""Publishing stage flows and routing text replies to them.

``StageRunner.ensure_published(stage_id)`` compiles the stage and publishes it through
``TwilioPublisher`` only when the definition changed since the last publish (its hash is kept
in ``Stage.settings["flow_hash"]``, the flow in ``Stage.flow_sid``); a new revision keeps the
flow's sid, and executions already running finish on the revision they started with.

Text stages run inside their number's flow instead (services/entry/number_flow.py): Studio
hands a candidate's reply to the waiting execution only when the number's SmsUrl points at the
execution's flow, so one flow per number holds the keyword router and every text screening
sent from it, and any number of text stages share a number. ``ensure_published`` publishes
that flow (``number_flows.publish_number``, which also points the number's texts at it) and
refuses, with a message the recruiter can act on, a number a receptionist answers on.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer, Receptionist, Stage
from milo_desktop.models.base import utcnow
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.publisher import (
    NOT_CONNECTED,
    TwilioNotConnected,
    TwilioPublisher,
    same_number,
)
from milo_desktop.services.connectors.twilio.retry import SERVICE
from milo_desktop.services.core.database import Database

# As a module: number_flows compiles stages (this package), so its names are read at call time.
from milo_desktop.services.entry import number_flows
from milo_desktop.services.flows.checks import check_definition
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import (
    StageFlowConfig,
    default_number,
    load_stage,
    stage_number,
)
from milo_desktop.services.sync.outbox import Refused

log = logging.getLogger(__name__)
ConnectorFactory = Callable[[], Awaitable[TwilioConnector | None]]
HASH_KEY = "flow_hash"
WEBHOOK_KEY = "flow_webhook"


class StageNotRunnable(ValidationProblem, Refused):
    """This stage cannot be started as it is (no questions, no number, a busy number). In
    the outbox it is a refusal (the row fails with this message); elsewhere a message for the
    recruiter, who fixes the interviewer."""


def definition_hash(name: str, definition: dict[str, object]) -> str:
    """What identifies a published revision: the flow's name and definition."""
    text = json.dumps({"name": name, "definition": definition}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _published(s: Session, stage_id: int) -> tuple[str | None, str | None, str | None]:
    stage = s.get(Stage, stage_id)
    if stage is None:
        return None, None, None
    settings = stage.settings or {}
    return stage.flow_sid, settings.get(HASH_KEY), settings.get(WEBHOOK_KEY)


def _store_published(s: Session, stage_id: int, flow_sid: str, digest: str,
                     webhook: str) -> None:
    stage = s.get(Stage, stage_id)
    if stage is None:
        return
    stage.flow_sid = flow_sid
    # A new dict: JSON columns only notice reassignment.
    stage.settings = {**(stage.settings or {}), HASH_KEY: digest, WEBHOOK_KEY: webhook,
                      "flow_published_at": utcnow().isoformat()}


def forget_published(s: Session, stage_id: int) -> None:
    """Make the next ``ensure_published`` publish again (the flow is gone on Twilio)."""
    stage = s.get(Stage, stage_id)
    if stage is not None:
        stage.flow_sid = None
        stage.settings = {k: v for k, v in (stage.settings or {}).items()
                          if k not in (HASH_KEY, WEBHOOK_KEY)}


def sending_number(s: Session, stage_id: int) -> str | None:
    """The number a stage calls and texts from: its own, its interviewer's, else the
    workspace's default sender."""
    stage = s.get(Stage, stage_id)
    interviewer = s.get(Interviewer, stage.interviewer_id) if stage is not None else None
    if stage is None or interviewer is None:
        return None
    return stage_number(stage, interviewer) or default_number(s)


def receptionist_problem(s: Session, number: str) -> str | None:
    """Why a text stage cannot send from ``number`` (None: it can)."""
    for name, phone in s.execute(select(Receptionist.name, Receptionist.phone_number).where(
            Receptionist.phone_number.is_not(None))).tuples():
        if same_number(str(phone), number):
            return (f"{number} answers for the receptionist “{name}”, so text replies "
                    "cannot reach this screening. Give the stage or its interviewer another "
                    "number.")
    return None


class StageRunner:
    """Publishes stage flows (create or update, only when changed) and routes replies."""

    def __init__(self, db: Database, connector_factory: ConnectorFactory) -> None:
        self.db = db
        self.connector_factory = connector_factory
        self.publisher = TwilioPublisher(connector_factory)
        self._locks: dict[int, asyncio.Lock] = {}

    async def config(self, stage_id: int) -> StageFlowConfig:
        """The stage's flow configuration; StageNotRunnable when it cannot be run."""
        config = await self.db.read(lambda s: load_stage(s, stage_id))
        if config is None:
            raise StageNotRunnable("The stage no longer exists.")
        problems = config.problems()
        if problems:
            raise StageNotRunnable(" ".join(problems))
        return config

    async def definition(self, stage_id: int) -> tuple[StageFlowConfig, dict[str, object]]:
        """The stage's configuration and its compiled, checked definition."""
        config = await self.config(stage_id)
        definition = compile_stage(config)
        problems = check_definition(definition)
        if problems:  # the compiler wrote a broken flow: our bug, not the recruiter's
            raise AssertionError(f"stage {stage_id} compiled to a broken flow: {problems}")
        return config, definition

    async def ensure_published(self, stage_id: int) -> str:
        """The stage's published flow sid, publishing (create or update) when the stage
        changed since its last publish; a text stage's is its number's flow. Raises
        StageNotRunnable, TwilioNotConnected and the connector's AuthFailed / Offline /
        ServiceUnavailable."""
        config = await self.config(stage_id)
        if config.is_text:
            return await self._number_flow(config)
        lock = self._locks.setdefault(stage_id, asyncio.Lock())
        async with lock:  # two sends for one stage must not create two flows
            config, definition = await self.definition(stage_id)
            name = config.friendly_name()
            digest = definition_hash(name, definition)
            flow_sid, stored, _ = await self.db.read(lambda s: _published(s, stage_id))
            if flow_sid and stored == digest:
                return flow_sid
            sid, webhook = await self.publisher.publish_flow(name, definition, flow_sid=flow_sid)
            await self.db.write(lambda s: _store_published(s, stage_id, sid, digest, webhook))
            log.info("stage %s published as flow %s", stage_id, sid)
            return sid

    async def _number_flow(self, config: StageFlowConfig) -> str:
        """The flow of the number a text stage sends from, published when it changed."""
        stage_id = config.stage_id
        number = await self.db.read(lambda s: sending_number(s, stage_id))
        if not number:
            raise StageNotRunnable(
                "There is no number to text from. Give the interviewer a phone number, or "
                "set the SMS sender under Outreach.")
        problem = await self.db.read(lambda s: receptionist_problem(s, number))
        if problem:
            raise StageNotRunnable(problem)
        now = utcnow()
        found = await self.db.read(lambda s: number_flows.plans(s, now, only=[number]))
        plan = found[0] if found else None
        if plan is not None and stage_id in plan.left_out:
            raise StageNotRunnable(plan.left_out[stage_id])
        stage_flow = await self.db.read(lambda s: _published(s, stage_id)[0])
        if plan is not None and plan.current and stage_flow == plan.flow_sid:
            return str(plan.flow_sid)
        twilio = await self.connector()
        try:
            published = await number_flows.publish_number(self.db, twilio, number, now)
        finally:
            await twilio.aclose()
        if published is None or published.flow_sid is None:
            raise StageNotRunnable(
                f"{number} is not a phone number of the connected Twilio account. Choose one "
                "of the account's numbers for this interviewer.")
        if stage_id not in published.stage_ids:
            raise StageNotRunnable(published.left_out.get(stage_id) or (
                f"The stage could not be added to the flow of {number}."))
        return published.flow_sid

    async def republish(self, stage_id: int) -> str:
        """Publish afresh (the stored flow is gone on Twilio)."""
        flow_sid = await self.db.read(lambda s: _published(s, stage_id)[0])
        if flow_sid:
            await self.db.write(lambda s: number_flows.forget_flow(s, flow_sid))
        await self.db.write(lambda s: forget_published(s, stage_id))
        return await self.ensure_published(stage_id)

    async def connector(self) -> TwilioConnector:
        """A fresh connector (the caller closes it); TwilioNotConnected without credentials."""
        twilio = await self.connector_factory()
        if twilio is None:
            raise TwilioNotConnected(SERVICE, NOT_CONNECTED)
        return twilio
