"""``milo-desktop sync --once``: one headless round of every service, and a summary.

Credentials come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN when set, else the keychain;
API bases from MILO_TWILIO_API_BASE / MILO_TWILIO_STUDIO_BASE (else real Twilio).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from milo_desktop.services.connectors.twilio.calls_job import Evaluate, TwilioSync
from milo_desktop.services.connectors.twilio.connector import TwilioConnector
from milo_desktop.services.connectors.twilio.credentials import (
    api_bases,
    credentials_from_env,
    load_credentials,
)
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.sync.engine import ServiceState, SyncEngine
from milo_desktop.services.sync.outbox import OutboxWorker


@dataclass(frozen=True)
class ServiceSummary:
    service: str
    state: ServiceState
    calls: int = 0
    messages: int = 0
    inbound_calls: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    message: str = ""

    def line(self) -> str:
        """"twilio: 12 calls, 3 messages, 0 quarantined, 0.8 s" (or the problem)."""
        if self.state != ServiceState.IDLE:
            return f"{self.service}: {self.state.value.replace('_', ' ')} - {self.message}"
        return (f"{self.service}: {self.calls} calls, {self.messages} messages, "
                f"{self.quarantined} quarantined, {self.seconds:.1f} s")


@dataclass(frozen=True)
class SyncSummary:
    services: tuple[ServiceSummary, ...]
    outbox_sent: int = 0

    @property
    def ok(self) -> bool:
        """Every service synced (the command's exit status: 0 when ok, else 1)."""
        return all(s.state == ServiceState.IDLE for s in self.services)

    def lines(self) -> list[str]:
        return [s.line() for s in self.services]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def twilio_connector_factory(
    store: CredentialStore | None, env: Mapping[str, str] | None = None
) -> Callable[[], Awaitable[TwilioConnector | None]]:
    """A factory the sync job and outbox call each round (credentials may change between
    rounds): a TwilioConnector, or None when not connected."""

    async def make() -> TwilioConnector | None:
        creds = credentials_from_env(env) or await load_credentials(store, env)
        return TwilioConnector(creds, api_bases(env=env)) if creds is not None else None

    return make


async def sync_once_async(data_dir: Path, db_url: str, *, store: CredentialStore | None = None,
                          env: Mapping[str, str] | None = None,
                          evaluate: Evaluate | None = None) -> SyncSummary:
    """One round on an event loop (the workspace is opened and closed here)."""
    from milo_desktop.services.stages import (
        FLOW_EXECUTION,
        FlowExecutionHandler,
        StageRunner,
        StageSync,
    )
    from milo_desktop.services.workspace import Workspace

    ws = await asyncio.get_running_loop().run_in_executor(None, Workspace.open, db_url)
    try:
        factory = twilio_connector_factory(store, env)
        engine = SyncEngine(ws.db, ws.bus)
        engine.register(TwilioSync(ws.db, Path(data_dir), factory, evaluate=evaluate))
        engine.register(StageSync(ws.db, Path(data_dir), factory, ws.applications, bus=ws.bus))
        summaries = []
        for status in [await engine.run_once(s.service) for s in engine.statuses()]:
            counts = status.last_round
            if status.state == ServiceState.IDLE and counts is not None:
                summaries.append(ServiceSummary(
                    status.service, status.state, counts.calls, counts.messages,
                    counts.inbound_calls, counts.quarantined, status.last_round_s or 0.0))
            else:
                summaries.append(ServiceSummary(status.service, status.state,
                                                message=status.message))
        from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
        from milo_desktop.services.outreach import EmailIntegration, outreach_handlers

        async def no_smtp() -> None:
            return None

        smtp = EmailIntegration(store, DatabaseSettings(ws.db)).make_connector if store else no_smtp
        handlers = dict(outreach_handlers(ws.db, ws.bus, twilio=factory, smtp=smtp))
        handlers[FLOW_EXECUTION] = FlowExecutionHandler(ws.db, StageRunner(ws.db, factory),
                                                        bus=ws.bus)
        sent = await OutboxWorker(ws.db, handlers, gate=ws.outreach.gate).run_once()
        return SyncSummary(tuple(summaries), sent)
    finally:
        ws.close()


def run_sync_once(data_dir: str | Path, db_url: str) -> SyncSummary:
    """For ``milo-desktop sync --once --data-dir DIR``: run one round, return the summary
    (print ``str(summary)``; exit 0 if ``summary.ok`` else 1). Blocking; no Qt."""
    return asyncio.run(sync_once_async(Path(data_dir), db_url, store=CredentialStore()))
