"""Supervised background work: a worker that fails is logged, shown, and started again.

Every long-running worker (each sync service, the outbox, the notification and deadline jobs)
runs under ``Supervisor.supervise(name, make)``, where ``make()`` returns the worker's loop as
a fresh coroutine each time. When that coroutine raises (anything but cancellation):

- the error is logged with its traceback; an ``EnvironmentProblem`` (the user's environment
  speaking, not our bug) is logged as a warning with its message only;
- the worker shows as RESTARTING with words for the user ("Sending messages stopped after an
  internal error; restarting in 8 s.") and ``WorkerStateChanged`` is published;
- the first failure of an episode calls ``on_episode(name, exc)`` once (the composition root
  records a sync issue and a notification: ``services/notifications/workers.py:
  record_worker_failure``); later failures of the same episode do not;
- after a wait (exponential backoff with jitter, from ``base_delay`` doubling up to
  ``max_delay``) ``make()`` runs again.

An episode ends once the worker has run ``healthy_after`` seconds without failing: its restart
count and backoff start again from zero, and its next failure is announced again. A worker
whose loop returns is STOPPED (not restarted). Nothing here imports the database.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.core.events import EventBus, WorkerStateChanged
from milo_desktop.services.core.logs import redact
from milo_desktop.services.core.tasks import TaskRegistry

log = logging.getLogger(__name__)

ERROR_MAX = 300  # characters of an error kept in a status / a sync issue
JITTER = 0.25  # each wait is lengthened by up to a quarter, so failures don't march in step
STOP_TIMEOUT = 5.0

WORKER_TITLES = {
    "outbox": "Sending messages",
    "notifications.deadlines": "Deadline reminders",
}
SYNC_TITLES = {"twilio": "Twilio sync", "twilio_stages": "Twilio screenings sync"}

OnEpisode = Callable[[str, BaseException], Awaitable[None]]


class WorkerState(StrEnum):
    RUNNING = "running"
    RESTARTING = "restarting"
    STOPPED = "stopped"


@dataclass(frozen=True)
class WorkerStatus:
    name: str  # "sync:twilio", "outbox", "notifications.deadlines", ...
    state: WorkerState
    restarts: int = 0  # in the current episode
    message: str = ""  # user-facing; empty while running
    last_error: str = ""  # the exception type and (redacted) message, no traceback


def worker_title(name: str) -> str:
    """What the user calls a worker: "outbox" → "Sending messages", "sync:twilio" → "Twilio
    sync"."""
    if name in WORKER_TITLES:
        return WORKER_TITLES[name]
    if name.startswith("sync:"):
        service = name.removeprefix("sync:")
        return SYNC_TITLES.get(service, f"{service.replace('_', ' ').title()} sync")
    words = re.sub(r"[._:]+", " ", name).strip()
    return words[:1].upper() + words[1:]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,}\d(?!\w)")


def _mask_phone(match: re.Match[str]) -> str:
    return "[phone]" if sum(c.isdigit() for c in match.group()) >= 7 else match.group()


def scrub(text: str) -> str:
    """``text`` without secrets, emails or phone numbers (what an error may carry)."""
    text = redact(text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(_mask_phone, text)


def error_text(exc: BaseException) -> str:
    """"KeyError: 'to'" — the type and the redacted message on one line, no traceback."""
    raw = exc.message if isinstance(exc, EnvironmentProblem) else str(exc)
    text = " ".join(scrub(raw).split())
    out = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return out if len(out) <= ERROR_MAX else out[:ERROR_MAX - 1] + "…"


def _seconds(delay: float) -> str:
    return f"{max(1, round(delay))} s"


@dataclass
class _Worker:
    name: str
    title: str
    make: Callable[[], Coroutine[Any, Any, None]]
    state: WorkerState = WorkerState.RUNNING
    restarts: int = 0  # restarts in this episode
    message: str = ""
    last_error: str = ""
    started_at: float = 0.0  # clock() when make() last started
    task: asyncio.Task[None] | None = None

    def status(self) -> WorkerStatus:
        return WorkerStatus(self.name, self.state, self.restarts, self.message, self.last_error)


class Supervisor:
    """Runs workers as registered tasks and restarts them after an unexpected error."""

    def __init__(self, tasks: TaskRegistry, bus: EventBus, *,
                 on_episode: OnEpisode | None = None,
                 base_delay: float = 1.0, max_delay: float = 60.0, healthy_after: float = 120.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.tasks = tasks
        self.bus = bus
        self.on_episode = on_episode
        self.base_delay = base_delay
        self.max_delay = max(max_delay, base_delay)
        self.healthy_after = healthy_after
        self._sleep = sleep
        self._clock = clock
        self._random = rng or random.Random()
        self._workers: dict[str, _Worker] = {}

    # -- the public face ---------------------------------------------------------------------
    def supervise(self, name: str, make: Callable[[], Coroutine[Any, Any, None]], *,
                  title: str | None = None) -> None:
        """Run ``make()`` as a registered task named ``name``, restarting it after an
        unexpected error (see the module doc). ``title`` is what the user calls it (default:
        ``worker_title(name)``)."""
        old = self._workers.get(name)
        if old is not None and old.task is not None and not old.task.done():
            raise ValueError(f"worker {name!r} is already supervised")
        worker = _Worker(name, title or worker_title(name), make, started_at=self._clock())
        self._workers[name] = worker
        worker.task = self.tasks.spawn(self._run(worker), name=name)
        self._changed(worker)

    def statuses(self) -> list[WorkerStatus]:
        """Every supervised worker's state, in the order they were started."""
        for worker in self._workers.values():
            self._heal(worker)
        return [w.status() for w in self._workers.values()]

    def status(self, name: str) -> WorkerStatus | None:
        worker = self._workers.get(name)
        if worker is None:
            return None
        self._heal(worker)
        return worker.status()

    async def stop(self) -> None:
        """Cancel every supervised worker and wait for them to unwind."""
        running = [w.task for w in self._workers.values()
                   if w.task is not None and not w.task.done()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=STOP_TIMEOUT)
        for worker in self._workers.values():
            self._set(worker, WorkerState.STOPPED, "")

    # -- the loop ------------------------------------------------------------------------------
    async def _run(self, worker: _Worker) -> None:
        try:
            while True:
                worker.started_at = self._clock()
                self._set(worker, WorkerState.RUNNING, "")
                try:
                    await worker.make()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    await self._failed(worker, exc)
                    continue
                log.info("worker %s finished", worker.name)
                return
        finally:
            self._set(worker, WorkerState.STOPPED, "")

    async def _failed(self, worker: _Worker, exc: Exception) -> None:
        self._heal(worker)  # ran healthy_after seconds before this failure: a new episode
        first = worker.restarts == 0
        worker.restarts += 1
        delay = self.delay(worker.restarts)
        worker.last_error = error_text(exc)
        if isinstance(exc, EnvironmentProblem):
            log.warning("worker %s stopped (%s): %s; restarting in %.1f s", worker.name,
                        type(exc).__name__, exc.message, delay)
            said = scrub(exc.message).rstrip(".")
            message = f"{worker.title} stopped: {said}. Restarting in {_seconds(delay)}."
        else:
            log.error("worker %s failed; restarting in %.1f s", worker.name, delay,
                      exc_info=exc)
            message = (f"{worker.title} stopped after an internal error; restarting in "
                       f"{_seconds(delay)}.")
        self._set(worker, WorkerState.RESTARTING, message)
        if first and self.on_episode is not None:
            try:
                await self.on_episode(worker.name, exc)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("recording the failure of worker %s failed", worker.name)
        await self._sleep(delay)

    def delay(self, restart: int) -> float:
        """Seconds before the ``restart``-th restart of an episode (1, 2, …): ``base_delay``
        doubled each time, lengthened by up to ``JITTER``, never above ``max_delay``."""
        wait = self.base_delay * 2.0 ** min(max(restart - 1, 0), 62)
        return min(self.max_delay, wait * (1 + JITTER * self._random.random()))

    def _heal(self, worker: _Worker) -> None:
        """A worker running healthy_after seconds since its last (re)start ends its episode."""
        if (worker.state == WorkerState.RUNNING and worker.restarts
                and self._clock() - worker.started_at >= self.healthy_after):
            worker.restarts = 0
            worker.last_error = ""

    def _set(self, worker: _Worker, state: WorkerState, message: str) -> None:
        if worker.state == state and worker.message == message:
            return
        worker.state, worker.message = state, message
        self._changed(worker)

    def _changed(self, worker: _Worker) -> None:
        self.bus.publish(WorkerStateChanged(worker.name))
