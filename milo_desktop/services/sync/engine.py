"""The sync engine: a scheduler that runs each service's sync job every interval.

States, not error spam: a service is idle, syncing, offline (retried by itself, with the
interval backing off), auth_failed (stopped until ``resume``: the user has to fix the
credentials) or not_configured. Each change publishes ``SyncStatusChanged``; connectivity
flips publish ``ConnectivityChanged``; rounds publish ``SyncProgress``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.connectors.twilio.calls_job import NotConfigured, RoundCounts
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    CallUpdated,
    ConnectivityChanged,
    Event,
    EventBus,
    SpendChanged,
    SyncProgress,
)
from milo_desktop.services.core.tasks import TaskRegistry
from milo_desktop.services.sync.cursors import SyncIssue, list_issues, resolve_issues

log = logging.getLogger(__name__)
DEFAULT_INTERVALS = {"twilio": 10.0}
MAX_OFFLINE_INTERVAL = 120.0
INTERVALS_KEY = "sync.intervals"  # workspace setting: {service: seconds}, chosen in the UI
MIN_INTERVAL_S = 2.0
MAX_INTERVAL_S = 3600.0


class ServiceState(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    BUSY = "busy"  # rate limited / 5xx after every retry: tried again next round
    AUTH_FAILED = "auth_failed"
    NOT_CONFIGURED = "not_configured"
    FAILED = "failed"  # our bug; logged with its traceback


@dataclass(frozen=True)
class SyncStatusChanged(Event):
    service: str


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar and the Integrations screen show for one service."""

    service: str
    state: ServiceState = ServiceState.IDLE
    last_sync_at: dt.datetime | None = None
    done: int = 0  # records pulled so far in the running (or last) round
    message: str = ""  # the user-facing message for offline / auth_failed / not_configured
    interval_s: float = 10.0
    last_round: RoundCounts | None = None
    last_round_s: float | None = None


class SyncJob(Protocol):
    service: str

    async def run(self, progress: Callable[[int], None]) -> RoundCounts: ...


class SyncEngine:
    """Schedules registered jobs; ``run_once`` runs one round now (CLI, tests)."""

    def __init__(self, db: Database, bus: EventBus,
                 intervals: dict[str, float] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.intervals = {**DEFAULT_INTERVALS, **(intervals or {})}
        # Intervals given here (the environment's MILO_TWILIO_POLL_SECONDS, tests) win over
        # the ones saved from the UI, which ``load_intervals`` applies otherwise.
        self._pinned = set(intervals or {})
        self._jobs: dict[str, SyncJob] = {}
        self._status: dict[str, SyncStatus] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._online = True

    def register(self, job: SyncJob) -> None:
        self._jobs[job.service] = job
        self._status[job.service] = SyncStatus(job.service,
                                               interval_s=self.intervals.get(job.service, 60.0))

    # -- status ----------------------------------------------------------------------------
    def status(self, service: str) -> SyncStatus:
        return self._status[service]

    def statuses(self) -> list[SyncStatus]:
        return [self._status[s] for s in sorted(self._status)]

    @property
    def online(self) -> bool:
        return self._online

    async def sync_issues(self, *, include_resolved: bool = False) -> list[SyncIssue]:
        """Quarantined records with their reasons (newest first), for the Sync issues panel."""
        return await self.db.read(lambda s: list_issues(s, include_resolved=include_resolved))

    async def resolve_issues(self, ids: list[int]) -> int:
        """The user reviewed these quarantined records: hide them from the panel (kept)."""
        now = dt.datetime.now(dt.UTC)
        changed = await self.db.write(lambda s: resolve_issues(s, ids, now))
        for service in self._status:
            self.bus.publish(SyncStatusChanged(service))  # the cards' issue counts
        return changed

    def _set(self, service: str, **changes: object) -> None:
        self._status[service] = replace(self._status[service], **changes)  # type: ignore[arg-type]
        self.bus.publish(SyncStatusChanged(service))

    def _connectivity(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.bus.publish(ConnectivityChanged(online))

    # -- intervals -------------------------------------------------------------------------
    def interval_pinned(self, service: str) -> bool:
        """Whether the environment fixed this service's interval (the UI shows it read-only)."""
        return service in self._pinned

    async def load_intervals(self) -> None:
        """Apply the intervals saved from the UI (those not pinned by the environment)."""
        saved = await self.db.read(_saved_intervals)
        for service, seconds in saved.items():
            if service not in self._pinned and isinstance(seconds, int | float):
                self._apply_interval(service, _clamp(float(seconds)))

    async def set_interval(self, service: str, seconds: float) -> None:
        """Change how often ``service`` syncs, remember it in the workspace and take it into
        account at once (the wait in progress is cut short)."""
        if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
            raise ValidationProblem(
                f"Choose an interval between {MIN_INTERVAL_S:g} seconds and "
                f"{MAX_INTERVAL_S / 60:g} minutes.")

        def save(s: Session) -> None:
            row = s.get(WorkspaceSetting, INTERVALS_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
            value[service] = seconds
            if row is None:
                s.add(WorkspaceSetting(key=INTERVALS_KEY, value=value))
            else:
                row.value = value

        await self.db.write(save)
        self._pinned.discard(service)
        self._apply_interval(service, seconds)
        self.wake(service)

    def _apply_interval(self, service: str, seconds: float) -> None:
        self.intervals[service] = seconds
        if service in self._status:
            self._set(service, interval_s=seconds)

    # -- rounds ----------------------------------------------------------------------------
    async def run_once(self, service: str) -> SyncStatus:
        """Run one round of ``service`` now; problems become its state, never exceptions
        (except our bugs, which propagate after the state is set to failed)."""
        job = self._jobs[service]
        if self._status[service].state == ServiceState.AUTH_FAILED:
            return self._status[service]  # stopped until resume(): hammering a 401 helps nobody
        self._set(service, state=ServiceState.SYNCING, done=0)
        started = time.monotonic()

        def progress(done: int) -> None:
            self._status[service] = replace(self._status[service], done=done)
            self.bus.publish(SyncProgress(service, done))

        try:
            counts = await job.run(progress)
        except AuthFailed as exc:
            log.info("%s sync stopped: %s", service, exc.message)
            self._set(service, state=ServiceState.AUTH_FAILED, message=exc.message)
        except Offline as exc:
            log.info("%s offline: %s", service, exc.detail)
            self._set(service, state=ServiceState.OFFLINE, message=exc.message)
            self._connectivity(False)
        except ServiceUnavailable as exc:
            self._set(service, state=ServiceState.BUSY, message=exc.message)
        except NotConfigured as exc:
            self._set(service, state=ServiceState.NOT_CONFIGURED, message=exc.message)
        except BaseException:
            self._set(service, state=ServiceState.FAILED,
                      message="Sync stopped because of an internal error (see the log).")
            raise
        else:
            self._connectivity(True)
            self._set(service, state=ServiceState.IDLE, message="",
                      last_sync_at=dt.datetime.now(dt.UTC), last_round=counts,
                      last_round_s=time.monotonic() - started)
            for call_id in counts.changed_call_ids:
                self.bus.publish(CallUpdated(call_id))
            if counts.calls or counts.messages or counts.inbound_calls:
                self.bus.publish(SpendChanged())
        return self._status[service]

    def resume(self, service: str) -> None:
        """After the user fixed the credentials: run again (and right away)."""
        if self._status[service].state == ServiceState.AUTH_FAILED:
            self._set(service, state=ServiceState.IDLE, message="")
        self.wake(service)

    def wake(self, service: str) -> None:
        """Sync ``service`` now instead of at the end of its interval."""
        if service in self._wake:
            self._wake[service].set()

    # -- scheduling --------------------------------------------------------------------------
    def start(self, tasks: TaskRegistry) -> None:
        """Run every registered job on its interval, as registered background tasks."""
        for service in self._jobs:
            self._wake[service] = asyncio.Event()
            self._tasks.append(tasks.spawn(self._loop(service), name=f"sync:{service}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        self._tasks.clear()

    async def _loop(self, service: str) -> None:
        offline_rounds = 0
        while True:
            status = await self.run_once(service)
            interval = self.intervals.get(service, 60.0)
            if status.state in (ServiceState.OFFLINE, ServiceState.BUSY):
                offline_rounds += 1
                interval = min(interval * 2 ** min(offline_rounds, 6), MAX_OFFLINE_INTERVAL)
            else:
                offline_rounds = 0
            wake = self._wake[service]
            try:
                await asyncio.wait_for(wake.wait(), timeout=interval)
            except TimeoutError:
                pass
            wake.clear()


def _clamp(seconds: float) -> float:
    return min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, seconds))


def _saved_intervals(s: Session) -> dict[str, object]:
    row = s.get(WorkspaceSetting, INTERVALS_KEY)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}
