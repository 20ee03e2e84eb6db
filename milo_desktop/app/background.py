"""Part of the composition root: the background work of an open workspace, built once.

``build_background`` composes, from the connector registry below, the sync engine's jobs, the
outbox with every handler, the long-running workers and the periodic notification jobs, all
under one supervisor. The app, demo mode (over the sandbox) and ``sync --once`` use it alike.

Adding a connector = a folder under services/connectors/ with a ``plugin.py`` exposing
``PLUGIN`` (a ``ConnectorPlugin``) + one line in ``CONNECTORS`` (docs/architecture.md,
"Adding a connector").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from milo_desktop.services.connectors.bullhorn.plugin import PLUGIN as BULLHORN
from milo_desktop.services.connectors.bullhorn.plugin import SPEC as BULLHORN_SPEC
from milo_desktop.services.connectors.email.plugin import PLUGIN as EMAIL
from milo_desktop.services.connectors.greenhouse.plugin import PLUGIN as GREENHOUSE
from milo_desktop.services.connectors.greenhouse.plugin import SPEC as GREENHOUSE_SPEC
from milo_desktop.services.connectors.lever.plugin import PLUGIN as LEVER
from milo_desktop.services.connectors.lever.plugin import SPEC as LEVER_SPEC
from milo_desktop.services.connectors.twilio.plugin import PLUGIN as TWILIO
from milo_desktop.services.connectors.workable.plugin import PLUGIN as WORKABLE
from milo_desktop.services.connectors.workable.plugin import SPEC as WORKABLE_SPEC
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.core.supervisor import Supervisor
from milo_desktop.services.entry.plugin import PLUGIN as ENTRY
from milo_desktop.services.notifications.jobs import start_notification_jobs
from milo_desktop.services.notifications.workers import record_worker_failure
from milo_desktop.services.outreach import outreach_handlers
from milo_desktop.services.privacy import privacy_worker
from milo_desktop.services.sync.engine import ServiceState, SyncEngine
from milo_desktop.services.sync.outbox import OutboxHandler, OutboxWorker
from milo_desktop.services.sync.plugin import (
    BackgroundContext,
    ConnectorPlugin,
    Contribution,
    Factory,
    Worker,
)
from milo_desktop.services.sync.summary import ServiceSummary, SyncSummary
from milo_desktop.services.workspace import Workspace

log = logging.getLogger(__name__)

# The connector registry: one line per connector.
CONNECTORS: tuple[ConnectorPlugin, ...] = (
    TWILIO,
    EMAIL,
    GREENHOUSE,
    LEVER,
    WORKABLE,
    BULLHORN,
    ENTRY,
)
# The ATS connectors' specs, for the From ATS screen (connect, test, disconnect).
ATS_SPECS = (GREENHOUSE_SPEC, LEVER_SPEC, WORKABLE_SPEC, BULLHORN_SPEC)


async def _none() -> None:
    return None


@dataclass
class Background:
    """The composed background of one workspace: ``start()`` it (app, demo) or ``run_once()``
    it (``sync --once``), then ``stop()`` it."""

    workspace: Workspace
    engine: SyncEngine
    outbox: OutboxWorker
    supervisor: Supervisor
    factories: dict[str, Factory]
    workers: list[tuple[str, Worker]] = field(default_factory=list)
    chores: list[tuple[str, Worker]] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def factory(self, service: str) -> Factory:
        """A connector's factory ("twilio" → async () -> TwilioConnector | None)."""
        return self.factories.get(service, _none)

    def start(self) -> None:
        """Every sync job on its interval, the outbox and the workers, each supervised;
        the start-up chores once. The status bar and Integrations read ``ws.sync``."""
        ws = self.workspace
        ws.sync = self.engine
        ws.supervisor = self.supervisor
        ws.outbox = self.outbox  # Waiting to send: why rows wait, and Retry now
        for name, chore in self.chores:
            ws.tasks.spawn(chore(), name=name)
        # The interval chosen in Settings → Integrations → Sync applies from the first wait.
        ws.tasks.spawn(self.engine.load_intervals(), name="sync.intervals")
        self.engine.start(self.supervisor)
        self.supervisor.supervise("outbox", self.outbox.run_forever)
        for name, worker in self.workers:
            self.supervisor.supervise(name, worker)
        # Notifications from time and sync states: deadlines within 7 days, sync failures.
        start_notification_jobs(ws.notifications, ws.tasks, self.engine,
                                supervisor=self.supervisor)

    async def run_once(self) -> SyncSummary:
        """One round of every service, then one outbox round: what ``sync --once`` prints."""
        for _name, chore in self.chores:
            await chore()
        summaries = []
        for service in self.engine.services:
            status = await self.engine.run_once(service)
            if status.state == ServiceState.IDLE and status.last_round is not None:
                summaries.append(ServiceSummary(service, status.state, status.last_round,
                                                status.last_round_s or 0.0))
            else:
                summaries.append(ServiceSummary(service, status.state, message=status.message))
        try:
            sent = await self.outbox.run_once()
        except Exception:  # our bug: logged with its traceback; the summary says so
            log.exception("the outbox round failed")
            summaries.append(ServiceSummary("outbox", ServiceState.FAILED, message=(
                "sending stopped because of an internal error (details in the log)")))
            sent = 0
        return SyncSummary(tuple(summaries), sent)

    async def stop(self) -> None:
        await self.supervisor.stop()
        for close in self.closers:
            await close()


def build_background(
    ws: Workspace,
    data_dir: Path,
    *,
    store: CredentialStore | None,
    env: Mapping[str, str] | None = None,
    factories: Mapping[str, Factory] | None = None,
    plugins: tuple[ConnectorPlugin, ...] = CONNECTORS,
) -> Background:
    """Compose the background from the connector registry. Services that are not connected
    stay in a 'not configured' state (shown in the UI), never an error loop; nothing starts
    until ``start()`` (or ``run_once()``)."""
    ctx = BackgroundContext(ws, Path(data_dir), store, dict(os.environ if env is None else env),
                            dict(factories or {}))
    parts: dict[str, Contribution] = {p.service: p.contribute(ctx) for p in plugins}
    pinned = {k: v for part in parts.values() for k, v in part.pinned_intervals.items()}
    engine = SyncEngine(ws.db, ws.bus, intervals=pinned or None)
    # The From ATS screen connects, tests and syncs through the workspace's AtsService.
    ws.ats.attach(ATS_SPECS, store=store, env=ctx.env, engine=engine, outreach=ws.outreach)
    handlers: dict[str, OutboxHandler] = {}
    made: dict[str, Factory] = {}
    for service, part in parts.items():
        if part.factory is not None:
            made[service] = part.factory
        for job, interval in part.jobs:
            engine.register(job, interval=interval)
        handlers.update(part.handlers)
    # SMS via Twilio, email via SMTP, invitations: each kind waits on its own service, so
    # email goes out with no Twilio account (and SMS with no mail server).
    handlers.update(outreach_handlers(ws.db, ws.bus, twilio=made.get("twilio", _none),
                                      smtp=made.get("email", _none)))
    outbox = OutboxWorker(ws.db, handlers, gate=ws.outreach.gate, bus=ws.bus)

    async def on_episode(name: str, exc: BaseException) -> None:
        await record_worker_failure(ws.db, ws.notifications, name, exc)

    supervisor = Supervisor(ws.tasks, ws.bus, on_episode=on_episode)
    return Background(
        ws, engine, outbox, supervisor, made,
        workers=[*(w for part in parts.values() for w in part.workers),
                 privacy_worker(ws, ctx.data_dir)],  # due erasures and retention, daily
        chores=[c for part in parts.values() for c in part.chores],
        closers=[c for part in parts.values() for c in part.closers],
    )
