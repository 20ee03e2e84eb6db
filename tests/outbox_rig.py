"""What the outbox's resilience and supervision tests share: the sandbox Twilio with one number,
the real connector on it with its retry waits skipped, and the bodies a number received."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)

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
