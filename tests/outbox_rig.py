"""What the outbox's resilience and supervision tests share: the sandbox Twilio with one number,
the real connector on it with its retry waits skipped, the bodies a number received, a worker's
state, bounded waits on a condition, and a held sleep between outbox rounds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.core.supervisor import Supervisor, WorkerState

NUMBER = "+15550001111"


def running_sandbox() -> Iterator[TwilioSandbox]:
    """For a fixture: ``yield from running_sandbox()``."""
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def twilio(sb: TwilioSandbox) -> Callable[[], Coroutine[Any, Any, TwilioConnector]]:
    """The real connector, its retry waits (Retry-After) skipped: no test waits on time."""
    async def no_wait(_seconds: float) -> None:
        return None

    async def make() -> TwilioConnector:
        return TwilioConnector(TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token),
                               ApiBases(sb.base_url, sb.base_url),
                               policy=RetryPolicy(attempts=2, base_delay=0.01), sleep=no_wait)
    return make


def bodies_at(sb: TwilioSandbox, to: str) -> list[str]:
    with sb.state.lock:
        return sorted(m.data["body"] for m in sb.state.messages.values() if m.data["to"] == to)


def state_of(sup: Supervisor, name: str) -> tuple[WorkerState, int]:
    status = sup.status(name)
    assert status is not None
    return status.state, status.restarts


async def until(condition: Callable[[], bool], what: str, steps: int = 2000) -> None:
    """Let the loop (and the database threads) run until ``condition()``; a bounded wait."""
    for _ in range(steps):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


class Rounds:
    """The outbox worker's sleep between rounds: counts finished rounds; the next round
    starts only when the test allows it."""

    def __init__(self) -> None:
        self.done = 0
        self.go = asyncio.Event()

    async def __call__(self, _seconds: float) -> None:
        self.done += 1
        await self.go.wait()
        self.go.clear()
