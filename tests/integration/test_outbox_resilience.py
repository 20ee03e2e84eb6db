"""The outbox worker against the sandbox Twilio when things go wrong: a 429 storm while
refreshing delivery statuses pauses SMS for the round and never stops the worker; a send
interrupted by a crash is reconciled and finished in the first round of the next worker, with
no lease wait and no duplicate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import OutboxStatus
from milo_desktop.models.base import utcnow
from milo_desktop.models.messaging import OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.core.supervisor import Supervisor, WorkerState
from milo_desktop.services.outreach import SmsHandler
from milo_desktop.services.outreach.queueing import queue_sms
from milo_desktop.services.sync.outbox import (
    LEASE,
    OutboxPolicy,
    OutboxRow,
    OutboxWorker,
    enqueue_sms,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate
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
MESSAGES = r"/Messages\.json$"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    yield from running_sandbox()


def outbox(ws: Workspace) -> list[tuple[OutboxStatus, str | None, int]]:
    return ws.db.run_sync(lambda s: [(i.status, i.provider_ref, i.attempts) for i in
                                     s.scalars(select(OutboxItem).order_by(OutboxItem.id))])





# ----- a 429 storm while refreshing delivery statuses -----------------------------------------
def test_429_storm_while_refreshing_statuses_never_stops_the_worker(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    cid = make_candidate(ws, "Ivy Cook", "ivy@example.com", phone_e164=CALLER)

    def queue(body: str) -> Callable[[Any], list[int]]:
        now = utcnow()
        return lambda s: queue_sms(s, candidate_id=cid, application_id=None, purpose="nudge",
                                   to=CALLER, from_=NUMBER, body=body, key=body, now=now,
                                   not_before=now)

    ws.db.run_sync(queue("Reminder: your interview is tomorrow."), write=True)
    # Listing Messages (how delivery statuses are refreshed, and sends reconciled) answers
    # 429 fifty times in a row; sending (POST) still works.
    sandbox.faults.inject("429", count=50, path=MESSAGES, method="GET")
    rounds = Rounds()
    worker = OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox), bus=ws.bus)},
                          bus=ws.bus, sleep=rounds)
    episodes: list[BaseException] = []

    async def on_episode(_name: str, exc: BaseException) -> None:
        episodes.append(exc)

    async def go() -> None:
        sup = Supervisor(ws.tasks, ws.bus, on_episode=on_episode)
        sup.supervise("outbox", worker.run_forever)
        try:
            await until(lambda: rounds.done == 1, "the first round")
            # The round sent its message, then met the storm refreshing its status…
            assert sandbox.faults.count(MESSAGES, method="GET") == 2
            assert bodies_at(sandbox, CALLER) == ["Reminder: your interview is tomorrow."]
            # …and the worker is still the one that started: no failure, no restart.
            assert state_of(sup, "outbox") == (WorkerState.RUNNING, 0)
            # The storm ends; the next message goes out in the next round.
            sandbox.faults.clear()
            await ws.db.write(queue("Bring your ID, please."))
            rounds.go.set()
            await until(lambda: rounds.done == 2, "the second round")
            assert state_of(sup, "outbox") == (WorkerState.RUNNING, 0)
        finally:
            await sup.stop()

    arun(go())
    assert episodes == []
    assert bodies_at(sandbox, CALLER) == ["Bring your ID, please.",
                                          "Reminder: your interview is tomorrow."]
    assert [status for status, _ref, _n in outbox(ws)] == [OutboxStatus.DONE] * 2


def test_429_storm_while_reconciling_pauses_sms_for_the_round(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    ws.db.run_sync(lambda s: enqueue_sms(s, CALLER, NUMBER, "Hello"), write=True)

    async def crash(_row: OutboxRow, _ref: str) -> None:
        raise RuntimeError("crash after Twilio took it")

    with pytest.raises(RuntimeError):
        arun(OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox))},
                          after_send=crash).run_once())
    sandbox.faults.inject("429", count=50, path=MESSAGES, method="GET")
    fresh = OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox))})
    assert arun(fresh.run_once()) == 0  # paused: nothing sent, nothing raised
    assert outbox(ws)[0][0] == OutboxStatus.SENDING and bodies_at(sandbox, CALLER) == ["Hello"]
    sandbox.faults.clear()
    assert arun(fresh.run_once()) == 0  # reconciled: it had left, so it is not sent again
    assert outbox(ws)[0][0] == OutboxStatus.DONE and bodies_at(sandbox, CALLER) == ["Hello"]


# ----- a send interrupted by a crash ----------------------------------------------------------
class CrashingSms(SmsHandler):
    """The real SMS handler, broken once between the claim and the request to Twilio (as a
    process killed right after claiming the row would leave it)."""

    crashed = False

    async def send(self, row: OutboxRow) -> str:
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("crash between claim and send")
        return await super().send(row)


def leases(ws: Workspace) -> list[dt.datetime]:
    return ws.db.run_sync(lambda s: list(s.scalars(select(OutboxItem.next_try_at))))


def test_send_interrupted_before_twilio_is_sent_in_the_next_workers_first_round(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    ws.db.run_sync(lambda s: enqueue_sms(s, CALLER, NUMBER, "Your interview is at 10."),
                   write=True)
    crashed = OutboxWorker(ws.db, {"sms": CrashingSms(ws.db, twilio(sandbox))})
    with pytest.raises(RuntimeError, match="between claim and send"):
        arun(crashed.run_once())
    # Left claimed, under its lease, and never sent.
    assert outbox(ws) == [(OutboxStatus.SENDING, None, 1)]
    [lease] = leases(ws)
    assert lease > utcnow() + LEASE - dt.timedelta(minutes=1)
    assert bodies_at(sandbox, CALLER) == []

    # A fresh worker (the app started again), same clock: one round sends it, once.
    fresh = OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox))})
    assert arun(fresh.run_once()) == 1
    assert bodies_at(sandbox, CALLER) == ["Your interview is at 10."]
    [(status, ref, attempts)] = outbox(ws)
    assert (status, attempts) == (OutboxStatus.DONE, 2) and ref and ref.startswith("SM")
    assert arun(fresh.run_once()) == 0 and len(bodies_at(sandbox, CALLER)) == 1


def test_send_interrupted_after_twilio_took_it_is_marked_done_without_a_duplicate(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    ws.db.run_sync(lambda s: enqueue_sms(s, CALLER, NUMBER, "Your interview is at 11."),
                   write=True)
    took: list[str] = []

    async def crash(_row: OutboxRow, ref: str) -> None:
        took.append(ref)
        raise RuntimeError("crash after Twilio took it")

    with pytest.raises(RuntimeError):
        arun(OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox))},
                          after_send=crash).run_once())
    assert outbox(ws) == [(OutboxStatus.SENDING, None, 1)]
    fresh = OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, twilio(sandbox))})
    assert arun(fresh.run_once()) == 0  # nothing sent again…
    assert bodies_at(sandbox, CALLER) == ["Your interview is at 11."]  # …exactly one SMS
    assert outbox(ws) == [(OutboxStatus.DONE, took[0], 1)]


class PoisonSms(SmsHandler):
    """The real SMS handler with a bug that every attempt at one message meets."""

    async def send(self, row: OutboxRow) -> str:
        if row.payload["body"] == "poison":
            raise KeyError("segments")
        return await super().send(row)


def test_a_message_that_always_breaks_the_worker_holds_no_other_back_and_fails_in_the_end(
        workspace: Workspace, sandbox: TwilioSandbox, arun: Any) -> None:
    ws = workspace
    for body in ("poison", "First", "Second"):
        ws.db.run_sync(lambda s, b=body: enqueue_sms(s, CALLER, NUMBER, b), write=True)
    worker = OutboxWorker(ws.db, {"sms": PoisonSms(ws.db, twilio(sandbox))},
                          policy=OutboxPolicy(max_attempts=3))
    # The broken row is tried first each round; the others still go, then the error is raised
    # for the supervisor (which logs it and restarts the worker).
    with pytest.raises(KeyError):
        arun(worker.run_once())
    assert bodies_at(sandbox, CALLER) == ["First", "Second"]
    rows = outbox(ws)
    assert [status for status, _ref, _n in rows] == [OutboxStatus.SENDING, OutboxStatus.DONE,
                                                     OutboxStatus.DONE]
    # Restarted, the worker checks it with Twilio at once (it never left) and tries again…
    with pytest.raises(KeyError):
        arun(worker.run_once())
    assert outbox(ws)[0][0::2] == (OutboxStatus.SENDING, 2)
    # …until max_attempts: then it fails with an explanation, and the worker is healthy.
    with pytest.raises(KeyError):
        arun(worker.run_once())
    assert arun(worker.run_once()) == 0
    error = ws.db.run_sync(lambda s: s.scalar(select(OutboxItem.last_error)
                                              .order_by(OutboxItem.id).limit(1)))
    assert outbox(ws)[0][0::2] == (OutboxStatus.FAILED, 3)
    assert error and "internal error (KeyError) stopped it 3 times" in error
    assert bodies_at(sandbox, CALLER) == ["First", "Second"]
