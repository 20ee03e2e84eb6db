"""The notification producers that watch time and the sync engine rather than a user action.

- ``DeadlineCheck``: at start and every few hours, one "deadline near" notification per active
  interviewer whose deadline falls within the next 7 days. Never repeated for the same
  deadline: an interviewer already has one when a "deadline near" notification for it was
  recorded inside the current deadline's 7-day window (so extending the deadline by weeks
  starts a new window; a draft, expired or archived interviewer gets none). The interviewer
  rows are locked while checking, so two desktops sharing a team database do not both add it.
- ``SyncFailureWatch``: one "sync failed" notification when a sync service enters auth_failed
  or failed, and none again until that service completes a successful round (one per failure
  episode, however many rounds fail and whatever offline / busy states come in between). The
  open episodes are kept in the workspace (``notifications.sync_failures``), so restarting
  the app while the credentials are still wrong announces nothing new.

``start_notification_jobs`` starts both (the composition root calls it with the sync engine
and its supervisor: the deadline loop then runs as the supervised worker
"notifications.deadlines", restarted after an error).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import InterviewerStatus, NotificationKind
from milo_desktop.models import Interviewer, Notification
from milo_desktop.models.base import utcnow
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.core.supervisor import Supervisor
from milo_desktop.services.core.tasks import TaskRegistry
from milo_desktop.services.notifications.service import NotificationService, kind_switches, record
from milo_desktop.services.sync.engine import (
    ServiceState,
    SyncEngine,
    SyncStatus,
    SyncStatusChanged,
)
from milo_desktop.services.sync.names import service_name

DEADLINE_WINDOW = dt.timedelta(days=7)
DEADLINE_EVERY_S = 4 * 3600.0
DEADLINES_WORKER = "notifications.deadlines"
EPISODES_KEY = "notifications.sync_failures"
# Our own bugs are the supervisor's to report (once per episode, services/notifications/
# workers.py): here only what the user must act on.
FAILING = frozenset({ServiceState.AUTH_FAILED})


# ----- deadlines ------------------------------------------------------------------------------
def _closes_in(left: dt.timedelta) -> str:
    days = left.days
    if days < 1:
        return "closes within a day"
    return f"closes in {days} day{'s' if days != 1 else ''}"


def deadline_notices(s: Session, now: dt.datetime) -> list[int]:
    """Record the notices due at ``now`` (inside ``db.write``); returns the new ids."""
    if not kind_switches(s)[NotificationKind.DEADLINE_NEAR]:
        return []  # switched off: recorded nothing, so switching on later still announces
    due = list(s.scalars(select(Interviewer).where(
        Interviewer.status == InterviewerStatus.ACTIVE, Interviewer.deadline.is_not(None),
        Interviewer.deadline > now, Interviewer.deadline <= now + DEADLINE_WINDOW)
        .order_by(Interviewer.deadline, Interviewer.id).with_for_update()))
    if not due:
        return []
    latest = dict(s.execute(
        select(Notification.interviewer_id, func.max(Notification.created_at))
        .where(Notification.kind == NotificationKind.DEADLINE_NEAR,
               Notification.interviewer_id.in_([iv.id for iv in due]))
        .group_by(Notification.interviewer_id)).tuples().all())
    ids = []
    for iv in due:
        assert iv.deadline is not None
        last = latest.get(iv.id)
        if last is not None and last >= iv.deadline - DEADLINE_WINDOW:
            continue  # already told about this deadline
        local = iv.deadline.astimezone()
        body = (f"The deadline is {local:%a %d %b %Y, %H:%M}. After it, no new candidates can "
                "start; extend it from the interviewer's menu to keep accepting them.")
        nid = record(s, NotificationKind.DEADLINE_NEAR,
                     f"{iv.name} {_closes_in(iv.deadline - now)}", body,
                     interviewer_id=iv.id, now=now)
        if nid is not None:
            ids.append(nid)
    return ids


class DeadlineCheck:
    """The daily-ish deadline check (see the module doc)."""

    def __init__(self, notifications: NotificationService, *,
                 clock: Callable[[], dt.datetime] = utcnow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.notifications = notifications
        self.clock = clock
        self.sleep = sleep

    async def run_once(self) -> list[int]:
        now = self.clock()
        ids = await self.notifications.db.write(lambda s: deadline_notices(s, now))
        self.notifications.publish(ids)
        return ids

    async def run_forever(self, every_s: float = DEADLINE_EVERY_S) -> None:
        """The loop (safe to supervise: each check is one transaction and idempotent)."""
        while True:
            await self.run_once()
            await self.sleep(every_s)


# ----- sync failures --------------------------------------------------------------------------
def _episodes(s: Session) -> tuple[WorkspaceSetting | None, dict[str, object]]:
    row = s.get(WorkspaceSetting, EPISODES_KEY)
    value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
    return row, value


def open_episode(s: Session, service: str, state: ServiceState, message: str,
                 now: dt.datetime) -> int | None:
    """The service started failing: note the episode and record the notification, unless
    an episode is already open (inside ``db.write``)."""
    row, episodes = _episodes(s)
    if service in episodes:
        return None
    episodes[service] = {"since": now.isoformat(), "state": state.value}
    if row is None:
        s.add(WorkspaceSetting(key=EPISODES_KEY, value=episodes))
    else:
        row.value = episodes
    name = service_name(service)
    if state == ServiceState.AUTH_FAILED:
        body = (message or f"{name} refused Milo's credentials.") + \
            " Reconnect it in Settings → Integrations; syncing stays stopped until then."
    else:
        body = (message or "Sync stopped because of an internal error.") + \
            " Milo Desktop restarts it by itself; the log has the details."
    return record(s, NotificationKind.SYNC_FAILED, f"{name} sync failed", body, now=now)


def close_episode(s: Session, service: str) -> bool:
    """The service synced successfully: its episode (if any) is over."""
    row, episodes = _episodes(s)
    if row is None or service not in episodes:
        return False
    del episodes[service]
    row.value = episodes
    return True


class SyncFailureWatch:
    """Follows the engine's states (``SyncStatusChanged``) and records episodes."""

    def __init__(self, engine: SyncEngine, notifications: NotificationService,
                 tasks: TaskRegistry, *, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.notifications = notifications
        self.tasks = tasks
        self.clock = clock
        self._failing: dict[str, bool] = {}  # in memory; unknown until the first state
        # A success is a round that moved last_sync_at (resume() alone sets idle, too).
        self._synced_at = {st.service: st.last_sync_at for st in engine.statuses()}
        self._lock: asyncio.Lock | None = None
        self._subscription = engine.bus.subscribe(SyncStatusChanged, self._on_status)

    def close(self) -> None:
        self._subscription.close()

    def _on_status(self, event: SyncStatusChanged) -> None:
        self.observe(self.engine.status(event.service))  # the write task is kept by the registry

    def observe(self, status: SyncStatus) -> asyncio.Task[None] | None:
        """Decide on the loop thread, in event order; write in the background (serialised)."""
        service = status.service
        if status.state in FAILING:
            if self._failing.get(service) is True:
                return None
            self._failing[service] = True
            return self.tasks.spawn(self._write(service, status), name="notifications.sync")
        succeeded = (status.state == ServiceState.IDLE and status.last_sync_at is not None
                     and status.last_sync_at != self._synced_at.get(service))
        if not succeeded:
            return None
        self._synced_at[service] = status.last_sync_at
        if self._failing.get(service) is False:
            return None
        self._failing[service] = False
        return self.tasks.spawn(self._write(service, None), name="notifications.sync")

    async def _write(self, service: str, failing: SyncStatus | None) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            db = self.notifications.db
            if failing is None:
                await db.write(lambda s: close_episode(s, service))
                return
            now = self.clock()
            nid = await db.write(lambda s: open_episode(s, service, failing.state,
                                                         failing.message, now))
            self.notifications.publish([nid])


@dataclass
class NotificationJobs:
    deadlines: DeadlineCheck
    sync_failures: SyncFailureWatch | None


def start_notification_jobs(notifications: NotificationService, tasks: TaskRegistry,
                            engine: SyncEngine | None, *,
                            supervisor: Supervisor | None = None) -> NotificationJobs:
    """Run the deadline check now and every few hours (under ``supervisor`` as
    "notifications.deadlines" when given), and watch ``engine`` for failures."""
    deadlines = DeadlineCheck(notifications)
    if supervisor is not None:
        supervisor.supervise(DEADLINES_WORKER, deadlines.run_forever)
    else:
        tasks.spawn(deadlines.run_forever(), name=DEADLINES_WORKER)
    watch = SyncFailureWatch(engine, notifications, tasks) if engine is not None else None
    return NotificationJobs(deadlines, watch)
