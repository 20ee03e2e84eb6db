"""Supervised background work: a worker that raises is restarted with backoff, its failure is
recorded once per episode (one sync issue, one notification), and the outbox keeps sending.

The supervisor's waits and clock are injected: nothing here depends on timing. Conditions are
awaited with bounded loops (``until``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import NotificationKind, OutboxStatus
from milo_desktop.errors import DiskFull
from milo_desktop.models import Notification
from milo_desktop.models.base import utcnow
from milo_desktop.models.messaging import OutboxItem
from milo_desktop.models.system import QuarantinedRecord
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.core.events import EventBus, WorkerStateChanged
from milo_desktop.services.core.supervisor import Supervisor, WorkerState
from milo_desktop.services.core.tasks import TaskRegistry
from milo_desktop.services.notifications.jobs import start_notification_jobs
from milo_desktop.services.notifications.workers import record_worker_failure
from milo_desktop.services.outreach import SmsHandler
from milo_desktop.services.sync.outbox import OutboxRow, OutboxWorker, enqueue_sms
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer
from tests.outbox_rig import (
    NUMBER,
    Rounds,
    bodies_at,
    running_sandbox,
    state_of,
    twilio,
    until,
)

CALLER = "+15557654321"




class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Waits:
    """The supervisor's sleep: records each wait, lets the clock move by it, and holds the
    restart until the test releases it (``hold``) or at once."""

    def __init__(self, clock: Clock, *, hold: bool = False) -> None:
        self.clock = clock
        self.delays: list[float] = []
        self.hold = hold
        self.release = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.hold:
            await self.release.wait()
            self.release.clear()
        self.clock.now += seconds


class Script:
    """A worker whose runs follow a script: "fail" raises at once; "run" runs until the test
    says how it ends (``finish(exc)``)."""

    def __init__(self, steps: list[str], error: Callable[[], Exception]) -> None:
        self.steps = steps
        self.error = error
        self.starts = 0
        self.ending: asyncio.Future[Exception] | None = None

    async def __call__(self) -> None:
        self.starts += 1
        step = self.steps.pop(0) if self.steps else "run"
        if step == "fail":
            raise self.error()
        self.ending = asyncio.get_running_loop().create_future()
        raise await self.ending

    def finish(self, exc: Exception) -> None:
        assert self.ending is not None and not self.ending.done()
        self.ending.set_result(exc)


def within(delay: float, low: float, high: float) -> bool:
    return low <= delay <= high


@pytest.mark.expect_log_warnings
def test_restarts_with_backoff_once_per_episode_and_a_new_episode_after_health(
        arun: Any) -> None:
    async def go() -> None:
        bus = EventBus()
        clock = Clock()
        waits = Waits(clock)
        episodes: list[tuple[str, str]] = []

        async def on_episode(name: str, exc: BaseException) -> None:
            episodes.append((name, str(exc)))

        states: list[tuple[WorkerState, int]] = []
        sup = Supervisor(TaskRegistry(bus), bus, on_episode=on_episode, base_delay=1.0,
                         max_delay=10.0, healthy_after=120.0, sleep=waits, clock=clock,
                         rng=random.Random(7))
        bus.subscribe(WorkerStateChanged, lambda e: states.append(
            (sup.status(e.name).state, sup.status(e.name).restarts)))  # type: ignore[union-attr]
        worker = Script(["fail"] * 5, lambda: RuntimeError("boom"))
        sup.supervise("outbox", worker)
        try:
            await until(lambda: worker.ending is not None, "the sixth start")

            # Five failures in a row: five restarts, waits doubling from 1 s, capped at 10 s.
            assert worker.starts == 6
            bounds = [(1, 1.25), (2, 2.5), (4, 5), (8, 10), (10, 10)]
            assert len(waits.delays) == 5
            assert all(within(d, lo, hi) for d, (lo, hi) in zip(waits.delays, bounds, strict=True))
            assert waits.delays[-1] == 10.0
            # Announced once for the whole episode.
            assert episodes == [("outbox", "boom")]
            assert (WorkerState.RESTARTING, 1) in states and states[-1] == (WorkerState.RUNNING, 5)
            status = sup.status("outbox")
            assert status is not None and status.restarts == 5 and status.message == ""

            # Failing again before healthy_after: the same episode, the wait stays at the cap.
            clock.now += 119.0
            worker.finish(RuntimeError("boom again"))
            await until(lambda: len(waits.delays) == 6 and worker.starts == 7, "the 7th start")
            assert waits.delays[-1] == 10.0 and len(episodes) == 1

            # Running healthy_after seconds ends the episode: count and backoff reset…
            clock.now += 120.0
            assert state_of(sup, "outbox") == (WorkerState.RUNNING, 0)
            # …and the next failure is a new episode, announced again, waiting base_delay.
            worker.finish(KeyError("to"))
            await until(lambda: worker.starts == 8, "the 8th start")
            assert within(waits.delays[-1], 1.0, 1.25)
            assert episodes == [("outbox", "boom"), ("outbox", "'to'")]
            status = sup.status("outbox")
            assert status is not None and status.restarts == 1
        finally:
            await sup.stop()
        assert [s.state for s in sup.statuses()] == [WorkerState.STOPPED]
        assert worker.ending is not None and worker.ending.cancelled()

    arun(go())


@pytest.mark.expect_log_warnings
def test_restarting_status_has_words_for_the_user_and_no_personal_data(
        arun: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> None:
        bus = EventBus()
        clock = Clock()
        waits = Waits(clock, hold=True)
        sup = Supervisor(TaskRegistry(bus), bus, base_delay=8.0, sleep=waits, clock=clock,
                         rng=random.Random(1))
        worker = Script(["fail"], lambda: ValueError(
            "no reply from +1 (555) 010-0199 or jo.candidate@example.com, token=s3cr3tvalue"))
        sup.supervise("outbox", worker)
        try:
            await until(lambda: bool(waits.delays), "the first failure")
            status = sup.status("outbox")
            assert status is not None
            assert status.state == WorkerState.RESTARTING and status.restarts == 1
            seconds = round(waits.delays[0])
            assert status.message == ("Sending messages stopped after an internal error; "
                                      f"restarting in {seconds} s.")
            assert status.last_error.startswith("ValueError: no reply from ")
            for secret in ("555", "jo.candidate", "example.com", "s3cr3tvalue"):
                assert secret not in status.last_error
            # Our bug: logged as an error with its traceback.
            [rec] = [r for r in caplog.records if r.name.endswith("supervisor")]
            assert rec.levelno == logging.ERROR and rec.exc_info is not None
            waits.release.set()
            await until(lambda: worker.starts == 2, "the restart")
            running = sup.status("outbox")
            assert running is not None and running.state == WorkerState.RUNNING
        finally:
            await sup.stop()

    with caplog.at_level(logging.INFO, logger="milo_desktop"):
        arun(go())


@pytest.mark.expect_log_warnings
def test_environment_problem_restarts_with_a_warning_and_no_traceback(
        arun: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> None:
        bus = EventBus()
        clock = Clock()
        waits = Waits(clock, hold=True)
        sup = Supervisor(TaskRegistry(bus), bus, sleep=waits, clock=clock)
        worker = Script(["fail"], lambda: DiskFull("The disk holding your workspace is full."))
        sup.supervise("notifications.deadlines", worker)
        try:
            await until(lambda: bool(waits.delays), "the failure")
            status = sup.status("notifications.deadlines")
            assert status is not None and status.state == WorkerState.RESTARTING
            assert status.message.startswith(
                "Deadline reminders stopped: The disk holding your workspace is full. "
                "Restarting in")
            waits.release.set()
            await until(lambda: worker.starts == 2, "the restart")
        finally:
            await sup.stop()

    with caplog.at_level(logging.INFO, logger="milo_desktop"):
        arun(go())
    [rec] = [r for r in caplog.records if r.name.endswith("supervisor")]
    assert rec.levelno == logging.WARNING and rec.exc_info is None


@pytest.mark.expect_log_warnings
def test_worker_failure_is_recorded_once_per_episode(workspace: Workspace, arun: Any) -> None:
    ws = workspace

    async def go() -> None:
        clock = Clock()
        waits = Waits(clock)
        sup = Supervisor(ws.tasks, ws.bus, sleep=waits, clock=clock,
                         on_episode=functools.partial(record_worker_failure, ws.db,
                                                      ws.notifications))
        worker = Script(["fail"] * 3, lambda: RuntimeError(
            f"could not text {CALLER} or write to jo@example.com"))
        sup.supervise("sync:twilio", worker)
        try:
            await until(lambda: worker.ending is not None, "three restarts")
        finally:
            await sup.stop()

    arun(go())
    issues = ws.db.run_sync(lambda s: [(q.service, q.resource, q.reason, q.payload)
                                       for q in s.scalars(select(QuarantinedRecord))])
    assert issues == [("sync:twilio", "worker",
                       "Twilio sync stopped after an internal error and is being restarted "
                       "(RuntimeError)",
                       "RuntimeError: could not text [phone] or write to [email]")]
    notes = ws.db.run_sync(lambda s: [(n.kind, n.title) for n in s.scalars(select(Notification))])
    assert notes == [(NotificationKind.SYNC_FAILED, "Twilio sync stopped after an error")]


# ----- the issue's test: an injected error in a running outbox worker ---------------------------
@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    yield from running_sandbox()



@pytest.mark.expect_log_warnings
def test_injected_error_in_a_running_worker_then_the_next_message_still_goes_out(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    first = ws.db.run_sync(lambda s: enqueue_sms(s, CALLER, NUMBER, "First: see you Monday."),
                           write=True)
    injected: list[str] = []

    async def after_send(row: OutboxRow, ref: str) -> None:
        # Twilio took the message; the worker breaks before writing "done" (once).
        if not injected:
            injected.append(ref)
            raise RuntimeError("injected failure")

    rounds = Rounds()
    worker = OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox), bus=ws.bus)},
                          bus=ws.bus, after_send=after_send, sleep=rounds)
    seen: list[WorkerState] = []

    async def go() -> None:
        clock = Clock()
        waits = Waits(clock, hold=True)
        sup = Supervisor(ws.tasks, ws.bus, sleep=waits, clock=clock,
                         on_episode=functools.partial(record_worker_failure, ws.db,
                                                      ws.notifications))
        ws.bus.subscribe(WorkerStateChanged, lambda e: seen.append(
            sup.statuses()[0].state))
        sup.supervise("outbox", worker.run_forever)
        try:
            await until(lambda: bool(waits.delays), "the injected failure")
            status = sup.status("outbox")
            assert status is not None and status.state == WorkerState.RESTARTING
            assert status.last_error == "RuntimeError: injected failure"
            # The next message is queued while the worker is down; then it restarts.
            await ws.db.write(lambda s: enqueue_sms(s, CALLER, NUMBER, "Second: bring your ID."))
            waits.release.set()
            await until(lambda: rounds.done == 1, "the first round after the restart")
            assert state_of(sup, "outbox") == (WorkerState.RUNNING, 1)
        finally:
            await sup.stop()

    arun(go())
    assert WorkerState.RESTARTING in seen and seen[-1] == WorkerState.STOPPED
    # Each message exactly once at Twilio: the first was reconciled, not sent again.
    assert bodies_at(sandbox, CALLER) == ["First: see you Monday.", "Second: bring your ID."]
    rows = ws.db.run_sync(lambda s: [(i.id, i.status, i.provider_ref) for i in
                                     s.scalars(select(OutboxItem).order_by(OutboxItem.id))])
    assert [status for _id, status, _ref in rows] == [OutboxStatus.DONE, OutboxStatus.DONE]
    assert rows[0] == (first, OutboxStatus.DONE, injected[0])
    # Recorded once: one sync issue, one notification.
    issues = ws.db.run_sync(lambda s: [(q.service, q.resource, q.reason, q.payload)
                                       for q in s.scalars(select(QuarantinedRecord))])
    assert issues == [("outbox", "worker", "Sending messages stopped after an internal error "
                       "and is being restarted (RuntimeError)", "RuntimeError: injected failure")]
    notes = ws.db.run_sync(lambda s: [(n.kind, n.title) for n in s.scalars(select(Notification))])
    assert notes == [(NotificationKind.SYNC_FAILED, "Sending messages stopped after an error")]


def test_deadline_reminders_run_as_a_supervised_worker(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    make_interviewer(ws, "Night Porter", deadline=utcnow() + dt.timedelta(days=3, hours=12))

    def reminders() -> list[str]:
        return ws.db.run_sync(lambda s: [n.title for n in s.scalars(
            select(Notification).where(Notification.kind == NotificationKind.DEADLINE_NEAR))])

    async def go() -> None:
        sup = Supervisor(ws.tasks, ws.bus)
        start_notification_jobs(ws.notifications, ws.tasks, None, supervisor=sup)
        try:
            await until(lambda: bool(reminders()), "the first deadline check")
            assert state_of(sup, "notifications.deadlines") == (WorkerState.RUNNING, 0)
        finally:
            await sup.stop()

    arun(go())
    assert reminders() == ["Night Porter closes in 3 days"]
