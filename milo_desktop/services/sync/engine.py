"""The sync engine: a scheduler that runs each service's sync job every interval.

Provider-neutral: a job (``services/sync/round.py``) returns a ``RoundResult`` and the engine
publishes the events it carries; it knows nothing of calls or candidates.

States, not error spam: a service is idle, syncing, offline or busy (retried by itself, with
the interval backing off), provider_error (the service answered an error; retried likewise,
with the words of the answer: "Twilio answered HTTP 503"), auth_failed (stopped until
``resume``: the user has to fix the credentials), not_configured, or failed (our bug: the
round's loop raises it to its supervisor, which restarts it). Each change publishes
``SyncStatusChanged``; connectivity flips publish ``ConnectivityChanged``; rounds publish
``SyncProgress``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.connectors.errors import (
    AuthFailed,
    NotConfigured,
    Offline,
    ProviderError,
    RateLimited,
    ServiceUnavailable,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ConnectivityChanged, Event, EventBus, SyncProgress
from milo_desktop.services.sync.cursors import SyncIssue, list_issues, resolve_issues
from milo_desktop.services.sync.round import RoundResult

if TYPE_CHECKING:
    from milo_desktop.services.core.supervisor import Supervisor
    from milo_desktop.services.sync.round import SyncJob

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 60.0  # a service whose connector gave no interval of its own
MAX_OFFLINE_INTERVAL = 120.0
INTERVALS_KEY = "sync.intervals"  # workspace setting: {service: seconds}, chosen in the UI
MIN_INTERVAL_S = 2.0
MAX_INTERVAL_S = 3600.0


class ServiceState(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    BUSY = "busy"  # rate limited (408 / 429 after every retry): tried again, backing off
    PROVIDER_ERROR = "provider_error"  # the service answered an error (5xx, odd 4xx): likewise
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
    last_round: RoundResult | None = None
    last_round_s: float | None = None

    @property
    def failed(self) -> bool:
        """The last round did not sync (not connected is no failure: nothing to sync)."""
        return self.state not in (ServiceState.IDLE, ServiceState.SYNCING,
                                  ServiceState.NOT_CONFIGURED)


class SyncEngine:
    """Schedules registered jobs; ``run_once`` runs one round now (CLI, tests)."""

    def __init__(self, db: Database, bus: EventBus,
                 intervals: dict[str, float] | None = None) -> None:
        self.db = db
        self.bus = bus
        self.intervals = dict(intervals or {})
        # Intervals given here (the environment's MILO_TWILIO_POLL_SECONDS, tests) win over
        # the ones saved from the UI, which ``load_intervals`` applies otherwise.
        self._pinned = set(intervals or {})
        self._jobs: dict[str, SyncJob] = {}
        self._status: dict[str, SyncStatus] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._online = True
        self._supervisor: Supervisor | None = None

    def register(self, job: SyncJob, *, interval: float | None = None) -> None:
        """Add a job; ``interval`` (else the job's ``default_interval``) is its default
        interval: one pinned by the environment or saved from the UI wins."""
        if interval is None:
            interval = getattr(job, "default_interval", None)
        if interval is not None:
            self.intervals.setdefault(job.service, float(interval))
        self._jobs[job.service] = job
        self._status[job.service] = SyncStatus(
            job.service, interval_s=self.intervals.get(job.service, DEFAULT_INTERVAL_S))

    @property
    def services(self) -> list[str]:
        return sorted(self._jobs)

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
        """Run one round of ``service`` now (the CLI, tests, "Sync now"). Problems become its
        state, never exceptions: our own bugs too (logged with their traceback, state
        ``failed``)."""
        try:
            return await self._round(service)
        except Exception:
            log.exception("%s sync round failed", service)
            return self._status[service]

    async def _round(self, service: str) -> SyncStatus:
        """One round; environment problems become the state, our bugs are raised (after the
        state says so) for the supervisor of the loop to restart it."""
        job = self._jobs[service]
        if self._status[service].state == ServiceState.AUTH_FAILED:
            return self._status[service]  # stopped until resume(): hammering a 401 helps nobody
        self._set(service, state=ServiceState.SYNCING, done=0)
        started = time.monotonic()

        def progress(done: int) -> None:
            self._status[service] = replace(self._status[service], done=done)
            self.bus.publish(SyncProgress(service, done))

        try:
            result = await job.run(progress)
        except AuthFailed as exc:
            log.info("%s sync stopped: %s", service, exc.message)
            self._set(service, state=ServiceState.AUTH_FAILED, message=exc.message)
        except Offline as exc:
            log.info("%s offline: %s", service, exc.detail)
            self._set(service, state=ServiceState.OFFLINE, message=exc.message)
            self._connectivity(False)
        except RateLimited as exc:
            log.info("%s rate limited: %s", service, exc.detail)
            self._set(service, state=ServiceState.BUSY, message=exc.message)
            self._connectivity(True)
        except (ProviderError, ServiceUnavailable) as exc:
            log.info("%s answered an error: %s", service, exc.detail)
            self._set(service, state=ServiceState.PROVIDER_ERROR, message=exc.message)
            self._connectivity(True)
        except NotConfigured as exc:
            self._set(service, state=ServiceState.NOT_CONFIGURED, message=exc.message)
        except asyncio.CancelledError:
            self._set(service, state=ServiceState.IDLE)
            raise
        except Exception:
            self._set(service, state=ServiceState.FAILED,
                      message="Sync stopped because of an internal error; Milo Desktop "
                              "restarts it by itself (details in the log).")
            raise
        else:
            self._connectivity(True)
            self._set(service, state=ServiceState.IDLE, message="",
                      last_sync_at=dt.datetime.now(dt.UTC), last_round=result,
                      last_round_s=time.monotonic() - started)
            for event in result.events:
                self.bus.publish(event)
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
    def start(self, supervisor: Supervisor) -> None:
        """Run every registered job on its interval, each loop supervised ("sync:<service>"):
        an unexpected error restarts the loop with backoff and is reported once."""
        self._supervisor = supervisor
        for service in self._jobs:
            self._wake[service] = asyncio.Event()
            supervisor.supervise(f"sync:{service}", functools.partial(self._loop, service))

    async def stop(self) -> None:
        """Stop the loops (with everything else their supervisor runs)."""
        if self._supervisor is not None:
            await self._supervisor.stop()

    async def _loop(self, service: str) -> None:
        backoff_rounds = 0
        while True:
            status = await self._round(service)
            interval = self.intervals.get(service, DEFAULT_INTERVAL_S)
            if status.state in (ServiceState.OFFLINE, ServiceState.BUSY,
                                ServiceState.PROVIDER_ERROR):
                backoff_rounds += 1
                interval = min(interval * 2 ** min(backoff_rounds, 6), MAX_OFFLINE_INTERVAL)
            else:
                backoff_rounds = 0
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
