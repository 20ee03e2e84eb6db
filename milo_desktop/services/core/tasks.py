"""A registry of background tasks: kept referenced, named, cancellable, failures reported.

asyncio keeps only weak references to tasks; an unreferenced task can be garbage-collected
mid-flight (qasync#98). Every task the app starts goes through ``TaskRegistry.spawn``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.core.events import EventBus, TaskFailed

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRegistry:
    def __init__(self, bus: EventBus | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._bus = bus

    def spawn(self, coro: Coroutine[Any, Any, T], *, name: str) -> asyncio.Task[T]:
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, EnvironmentProblem):
            log.warning("task %s: %s", task.get_name(), exc.message)
        else:
            log.error("task %s failed", task.get_name(), exc_info=exc)
        if self._bus is not None:
            self._bus.publish(TaskFailed(task.get_name(), exc))

    @property
    def running(self) -> list[str]:
        return sorted(t.get_name() for t in self._tasks if not t.done())

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def drain(self, timeout: float = 5.0) -> None:
        """Cancel everything and wait for the tasks to finish unwinding."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
