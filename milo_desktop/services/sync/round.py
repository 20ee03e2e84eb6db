"""What every sync job has in common, whatever its provider.

A job has a ``service`` name and ``run(progress)``: one round, returning a neutral
``RoundResult`` (records pulled by kind, records quarantined, the domain events to publish).
The engine publishes whatever a job returns and knows nothing of calls, messages or
candidates. Problems are raised as the connector errors of ``services/connectors/errors.py``.

``open_connector`` opens a connector from its factory for one round, or reports
``NotConfigured`` when the service has no credentials.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.core.events import Event

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RoundResult:
    """One round's figures: ``pulled`` counts records by kind, in the order they are shown
    ({"calls": 12, "messages": 3}); ``events`` are published by the engine after the round."""

    pulled: Mapping[str, int] = field(default_factory=dict)
    quarantined: int = 0
    events: tuple[Event, ...] = ()

    def count(self, kind: str) -> int:
        return self.pulled.get(kind, 0)

    @property
    def total(self) -> int:
        return sum(self.pulled.values())

    def describe(self) -> str:
        """"12 calls, 3 messages, 0 quarantined" (the sync summary's words)."""
        parts = [f"{n} {kind}" for kind, n in self.pulled.items()]
        parts.append(f"{self.quarantined} quarantined")
        return ", ".join(parts)


class SyncJob(Protocol):
    """A provider's sync job, as the engine schedules it."""

    @property
    def service(self) -> str: ...

    async def run(self, progress: Progress) -> RoundResult: ...


class Closable(Protocol):
    async def aclose(self) -> None: ...


C = TypeVar("C", bound=Closable)
ConnectorFactory = Callable[[], Awaitable[C | None]]


@asynccontextmanager
async def open_connector(factory: Callable[[], Awaitable[C | None]], service: str,
                         not_connected: str) -> AsyncIterator[C]:
    """``async with open_connector(factory, "twilio", "Twilio is not connected…") as c:``
    the connector for one round (closed after it), or ``NotConfigured(service, not_connected)``
    when the factory has none (no credentials)."""
    connector = await factory()
    if connector is None:
        raise NotConfigured(service, not_connected)
    try:
        yield connector
    finally:
        await connector.aclose()


__all__ = ["ConnectorFactory", "Progress", "RoundResult", "SyncJob", "open_connector"]
