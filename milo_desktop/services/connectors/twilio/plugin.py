"""Twilio's entry in the background: the calls job (receptionists' executions → inbound calls,
spend), the screening-stages job, call evaluation, and the flow-execution outbox handler."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from milo_desktop.services.call_evaluation import CallEvaluator
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.connectors.twilio.calls_job import NOT_CONNECTED, TwilioSync
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.credentials import (
    ENV_API_BASE,
    ENV_STUDIO_BASE,
    twilio_connector_factory,
)
from milo_desktop.services.connectors.twilio.http import shared_ssl_context
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.stages import FLOW_EXECUTION, FlowExecutionHandler, StageRunner
from milo_desktop.services.sync.plugin import BackgroundContext, ConnectorPlugin, Contribution

SERVICE = "twilio"
POLL_ENV = "MILO_TWILIO_POLL_SECONDS"
DEFAULT_POLL_SECONDS = 10.0
STAGE_POLL_SECONDS = 30.0  # screenings run for days; a half-minute lag is plenty
Factory = Callable[[], Awaitable[TwilioConnector | None]]


def poll_seconds(env: Mapping[str, str]) -> float | None:
    """MILO_TWILIO_POLL_SECONDS when set (min 2 s): it pins the calls job's interval."""
    raw = env.get(POLL_ENV, "")
    try:
        return max(2.0, float(raw)) if raw else None
    except ValueError:
        return None


class SharedConnector:
    """One connector reused for the call evaluations of a round (a backfill evaluates
    thousands): a fresh one per call cost a TLS handshake each. Renewed after a minute, so
    changed credentials are picked up."""

    MAX_AGE_S = 60.0

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self._connector: TwilioConnector | None = None
        self._made_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> TwilioConnector | None:
        async with self._lock:
            now = time.monotonic()
            if self._connector is not None and now - self._made_at < self.MAX_AGE_S:
                return self._connector
            if self._connector is not None:
                await self._connector.aclose()
            self._connector = await self.factory()
            self._made_at = now
            return self._connector

    async def close(self) -> None:
        if self._connector is not None:
            await self._connector.aclose()
            self._connector = None


async def _warm_tls() -> None:
    """Load the CA bundle once, in a worker, before any connector needs it on the GUI thread."""
    await asyncio.get_running_loop().run_in_executor(None, shared_ssl_context)


def contribute(ctx: BackgroundContext) -> Contribution:
    ws = ctx.workspace
    factory: Factory = ctx.factories.get(SERVICE) or twilio_connector_factory(ctx.store, ctx.env)
    contexts = SharedConnector(factory)

    async def context_source(flow_sid: str, execution_sid: str) -> dict[str, Any]:
        connector = await contexts.get()
        if connector is None:
            raise NotConfigured(SERVICE, NOT_CONNECTED)
        return await connector.execution_context(flow_sid, execution_sid)

    evaluator = CallEvaluator(ws.db, ws.bus, ws.notifications, context_source)
    calls = TwilioSync(ws.db, ctx.data_dir, factory, evaluate=evaluator.evaluate)
    stages = StageSync(ws.db, ctx.data_dir, factory, ws.applications, bus=ws.bus)
    pinned = poll_seconds(ctx.env)
    return Contribution(
        factory=factory,
        jobs=[(calls, DEFAULT_POLL_SECONDS), (stages, STAGE_POLL_SECONDS)],
        pinned_intervals={SERVICE: pinned} if pinned is not None else {},
        handlers={FLOW_EXECUTION: FlowExecutionHandler(ws.db, StageRunner(ws.db, factory),
                                                       bus=ws.bus)},
        chores=[("tls.warm", _warm_tls)],
        closers=[contexts.close],
    )


PLUGIN = ConnectorPlugin(
    SERVICE, "Twilio", contribute,
    env_vars=(
        ("TWILIO_ACCOUNT_SID", "the Twilio account (with TWILIO_AUTH_TOKEN) instead of the "
                               "keychain's"),
        ("TWILIO_AUTH_TOKEN", "its Auth Token"),
        (ENV_API_BASE, "the 2010 REST API's base URL (a sandbox; default: real Twilio)"),
        (ENV_STUDIO_BASE, "Studio's base URL (likewise)"),
        (POLL_ENV, "seconds between call syncs in the app (pins the Sync card's choice)"),
    ),
)
