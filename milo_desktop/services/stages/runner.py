"""Publishing stage flows and routing text replies to them.

``StageRunner.ensure_published(stage_id)`` compiles the stage and publishes it through
``TwilioPublisher`` only when the definition changed since the last publish (its hash is kept
in ``Stage.settings["flow_hash"]``, the flow in ``Stage.flow_sid``); a new revision keeps the
flow's sid, and executions already running finish on the revision they started with.

Text stages also need their number: Studio hands a candidate's reply to the waiting execution
only when the number's SmsUrl points at that flow. ``route_replies`` points it (keeping the
number's VoiceUrl) and refuses, with a message the recruiter can act on, when the number is a
receptionist's or another text stage still has candidates answering on it. A text-to-apply
router (services/entry/) never owns a text stage's number: one found there is released.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import EntryRouter, Interviewer, Receptionist, Stage, StageResult
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
from milo_desktop.services.flows.checks import check_definition
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import (
    TEXT_KINDS,
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


def _has_router(s: Session, number: str) -> bool:
    return any(same_number(r.phone_number, number) for r in s.scalars(
        select(EntryRouter).where(EntryRouter.webhook_url.is_not(None))))


def release_router(s: Session, number: str) -> None:
    """The text-to-apply router on ``number`` (if any) stops owning its texts: a text stage
    sends from it, and Studio hands a candidate's reply only to the flow the number's SmsUrl
    points at. Its flow is kept; a cleared hash makes the job publish and point it again
    should the number become free."""
    for router in s.scalars(select(EntryRouter)):
        if same_number(router.phone_number, number):
            router.webhook_url, router.definition_hash = None, None


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


def number_taken(s: Session, stage_id: int, number: str) -> str | None:
    """Why text replies to ``number`` cannot come to this stage's flow now (None: they can)."""
    receptionist = s.scalar(select(Receptionist.name).where(
        Receptionist.phone_number == number))
    if receptionist is not None:
        return (f"{number} answers for the receptionist “{receptionist}”, so text replies "
                "cannot reach this screening. Give the stage or its interviewer another number.")
    busy = s.execute(
        select(Stage.id, Stage.name, Interviewer.name).join(
            Interviewer, Stage.interviewer_id == Interviewer.id).join(
            StageResult, StageResult.stage_id == Stage.id)
        .where(Stage.id != stage_id, Stage.kind.in_(TEXT_KINDS),
               StageResult.status == StageStatus.IN_PROGRESS,
               StageResult.external_sid.is_not(None)).distinct()).all()
    for other_id, stage_name, interviewer_name in busy:
        if same_number(sending_number(s, other_id) or "", number):
            return (f"{number} is collecting text replies for the “{stage_name}” stage of "
                    f"“{interviewer_name}” while candidates are still answering. Give this "
                    "stage its own number (or wait until they finish).")
    return None


class StageRunner:
    """Publishes stage flows (create or update, only when changed) and routes replies."""

    def __init__(self, db: Database, connector_factory: ConnectorFactory) -> None:
        self.db = db
        self.connector_factory = connector_factory
        self.publisher = TwilioPublisher(connector_factory)
        self._locks: dict[int, asyncio.Lock] = {}
        self._routed: dict[str, str] = {}  # number → webhook pointed at in this session

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
        changed since its last publish. Raises StageNotRunnable, TwilioNotConnected and the
        connector's AuthFailed / Offline / ServiceUnavailable."""
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

    async def republish(self, stage_id: int) -> str:
        """Publish afresh (the stored flow is gone on Twilio)."""
        await self.db.write(lambda s: forget_published(s, stage_id))
        return await self.ensure_published(stage_id)

    async def route_replies(self, twilio: TwilioConnector, stage_id: int, number: str) -> None:
        """Point ``number``'s SmsUrl at the text stage's flow (VoiceUrl kept). A text-to-apply
        router there (services/entry/) is released first: its flow would take the
        candidate's replies, and one text stage per number is the rule (``number_taken``)."""
        if await self.db.read(lambda s: _has_router(s, number)):
            await self.db.write(lambda s: release_router(s, number))
            self._routed.pop(number, None)
        _, _, webhook = await self.db.read(lambda s: _published(s, stage_id))
        if not webhook:
            raise AssertionError(f"stage {stage_id} is routed before it is published")
        if self._routed.get(number) == webhook:
            return
        problem = await self.db.read(lambda s: number_taken(s, stage_id, number))
        if problem:
            raise StageNotRunnable(problem)
        numbers = await twilio.list_numbers()
        found = next((x for x in numbers if same_number(x.phone_number, number)), None)
        if found is None:
            raise StageNotRunnable(
                f"{number} is not a phone number of the connected Twilio account. Choose one "
                "of the account's numbers for this interviewer.")
        if found.sms_url != webhook:
            await twilio.point_number(found.sid, found.voice_url, webhook)
            log.info("text replies to %s now reach stage %s", number, stage_id)
        self._routed[number] = webhook

    async def connector(self) -> TwilioConnector:
        """A fresh connector (the caller closes it); TwilioNotConnected without credentials."""
        twilio = await self.connector_factory()
        if twilio is None:
            raise TwilioNotConnected(SERVICE, NOT_CONNECTED)
        return twilio
