"""Part of the composition root: the background telephony of an open workspace.

Builds the Twilio sync engine (with call evaluation), the outbox worker and the receptionist
publisher over one connector factory, and starts them as registered tasks. Used by app.py for
real accounts and by app_demo.py over the sandbox; nothing else wires these together.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milo_desktop.services.call_evaluation import CallEvaluator
from milo_desktop.services.connectors import NotConfigured
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.connectors.twilio.http import shared_ssl_context
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.notifications.jobs import start_notification_jobs
from milo_desktop.services.outreach import EmailIntegration, outreach_handlers
from milo_desktop.services.stages import (
    FLOW_EXECUTION,
    FlowExecutionHandler,
    StageRunner,
    StageSync,
)
from milo_desktop.services.sync.engine import SyncEngine
from milo_desktop.services.sync.once import twilio_connector_factory
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace

DEFAULT_POLL_SECONDS = 10.0
STAGE_POLL_SECONDS = 30.0  # screenings run for days; a half-minute lag is plenty


def poll_seconds(env: Mapping[str, str] | None = None) -> float:
    """How often new calls are collected: MILO_TWILIO_POLL_SECONDS, default 10 s (min 2 s)."""
    raw = (env if env is not None else os.environ).get("MILO_TWILIO_POLL_SECONDS", "")
    try:
        return max(2.0, float(raw)) if raw else DEFAULT_POLL_SECONDS
    except ValueError:
        return DEFAULT_POLL_SECONDS


class _SharedConnector:
    """One connector reused for the call evaluations of a round (a backfill evaluates
    thousands): a fresh one per call cost a TLS handshake each. Renewed after a minute, so
    changed credentials are picked up."""

    MAX_AGE_S = 60.0

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self._connector: Any = None
        self._made_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> Any:
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


def _smtp_factory(ws: Workspace, store: CredentialStore | None) -> Any:
    """The email handler's connector factory: the Integrations service's (app), else the
    keychain's (headless); no keychain at all (the demo): email waits, never an error."""
    email = getattr(ws.integrations, "email", None)
    if email is None and store is not None:
        email = EmailIntegration(store, DatabaseSettings(ws.db))
    if email is not None:
        return email.make_connector

    async def not_connected() -> None:
        return None

    return not_connected


async def _warm_tls() -> None:
    await asyncio.get_running_loop().run_in_executor(None, shared_ssl_context)


@dataclass
class Telephony:
    engine: SyncEngine
    outbox: OutboxWorker
    evaluator: CallEvaluator
    factory: Any  # async () -> TwilioConnector | None
    contexts: Any = None  # the connector shared by call evaluations

    async def stop(self) -> None:
        await self.engine.stop()
        if self.contexts is not None:
            await self.contexts.close()


def start_telephony(
    ws: Workspace,
    data_dir: Path,
    *,
    store: CredentialStore | None,
    env: Mapping[str, str] | None = None,
    factory: Any = None,
) -> Telephony:
    """Start collecting calls, evaluating them and sending the outbox. Services that are not
    connected stay in a 'not configured' state (shown in the UI), never an error loop."""
    environment = dict(os.environ if env is None else env)
    # One factory for the sync, the outbox and call evaluation: the Integrations service's
    # (keychain, saved API bases, env overrides) in the app; env/keychain only headless.
    factory = factory or twilio_connector_factory(store, environment)

    contexts = _SharedConnector(factory)

    async def context_source(flow_sid: str, execution_sid: str) -> dict[str, Any]:
        connector = await contexts.get()
        if connector is None:
            raise NotConfigured("twilio", "Twilio is not connected.")
        return await connector.execution_context(flow_sid, execution_sid)

    evaluator = CallEvaluator(ws.db, ws.bus, ws.notifications, context_source)
    # Load the CA bundle once, in a worker, before any connector needs it on the GUI thread.
    ws.tasks.spawn(_warm_tls(), name="tls.warm")
    pinned = {"twilio": poll_seconds(environment)} if environment.get(
        "MILO_TWILIO_POLL_SECONDS") else None
    engine = SyncEngine(ws.db, ws.bus, intervals=pinned)
    engine.register(TwilioSync(ws.db, data_dir, factory, evaluate=evaluator.evaluate))
    # Screening stages: their executions → stage results, the next stage queued.
    engine.intervals.setdefault(StageSync.service, STAGE_POLL_SECONDS)
    engine.register(StageSync(ws.db, data_dir, factory, ws.applications, bus=ws.bus))
    # The interval chosen in Settings → Integrations → Sync, then the loop (the first round
    # starts at once either way; the saved interval applies from its first wait).
    ws.tasks.spawn(engine.load_intervals(), name="sync.intervals")
    engine.start(ws.tasks)
    ws.sync = engine  # the status bar and the Integrations screen read its statuses
    # Notifications from time and sync states: deadlines within 7 days, sync failures.
    start_notification_jobs(ws.notifications, ws.tasks, engine)
    # SMS via Twilio, email via SMTP, receptionist invitations: each kind waits on its own
    # service, so email goes out with no Twilio account (and SMS with no mail server).
    handlers = dict(outreach_handlers(ws.db, ws.bus, twilio=factory,
                                      smtp=_smtp_factory(ws, store)))
    handlers[FLOW_EXECUTION] = FlowExecutionHandler(ws.db, StageRunner(ws.db, factory),
                                                    bus=ws.bus)
    outbox = OutboxWorker(ws.db, handlers, gate=ws.outreach.gate, bus=ws.bus)
    ws.tasks.spawn(outbox.run_forever(), name="outbox.worker")
    return Telephony(engine, outbox, evaluator, factory, contexts)
