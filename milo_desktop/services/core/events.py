"""The in-process event bus.

Services publish small frozen events; subscribers (the Qt bridge, other services) are called on
the event loop's thread whatever thread published. ``subscribe`` returns a handle whose
``close()`` unsubscribes, so a view can drop its subscriptions when it goes away.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class CandidatesChanged(Event):
    ids: tuple[int, ...] = ()  # empty: many changed, reload


@dataclass(frozen=True)
class AtsChanged(Event):
    """ATS connections, jobs or links changed (``service``: which ATS; empty: any)."""

    service: str = ""


@dataclass(frozen=True)
class AccountChanged(Event):
    """The workspace's account settings (candidate page, company information) changed:
    what offers ``{{link}}`` or reads the company out must look again."""


@dataclass(frozen=True)
class InterviewersChanged(Event):
    ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CallUpdated(Event):
    id: int


@dataclass(frozen=True)
class ApplicationsChanged(Event):
    """Applications' statuses, stage results or scores changed (empty: many, reload)."""

    ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MessagesChanged(Event):
    """Candidates' contact history changed: a message queued, sent, delivered or failed."""

    candidate_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class NotificationAdded(Event):
    id: int


@dataclass(frozen=True)
class NotificationsRead(Event):
    pass


@dataclass(frozen=True)
class SpendChanged(Event):
    pass


@dataclass(frozen=True)
class SyncProgress(Event):
    service: str
    done: int
    total: int | None = None


@dataclass(frozen=True)
class ConnectivityChanged(Event):
    online: bool


@dataclass(frozen=True)
class WorkerStateChanged(Event):
    """A supervised worker changed state (services/core/supervisor.py: ``statuses()``)."""

    name: str


@dataclass(frozen=True)
class TaskFailed(Event):
    """A background task ended with an exception (already logged)."""

    name: str
    error: BaseException = field(compare=False)


class Subscription:
    def __init__(self, bus: EventBus, kind: type[Any], handler: Callable[[Any], None]) -> None:
        self._bus, self._kind, self._handler = bus, kind, handler
        self.active = True

    def close(self) -> None:
        if self.active:
            self.active = False
            self._bus._remove(self._kind, self._handler)


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type[Any], list[Callable[[Any], None]]] = defaultdict(list)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver events on ``loop``'s thread (the GUI thread in the app)."""
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> Subscription:
        with self._lock:
            self._handlers[kind].append(handler)
        return Subscription(self, kind, handler)

    def _remove(self, kind: type[Any], handler: Callable[[Any], None]) -> None:
        with self._lock:
            if handler in self._handlers[kind]:
                self._handlers[kind].remove(handler)

    def publish(self, event: Event) -> None:
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._deliver, event)
            return
        self._deliver(event)

    def _deliver(self, event: Event) -> None:
        with self._lock:
            handlers = [
                h for kind, hs in self._handlers.items() if isinstance(event, kind) for h in hs
            ]
        for handler in handlers:
            try:
                handler(event)
            except Exception:  # one bad subscriber must not starve the others
                log.exception("event handler %r failed on %r", handler, event)
