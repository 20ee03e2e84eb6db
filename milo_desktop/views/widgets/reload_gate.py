"""When a live screen reloads — one policy for the sections that follow the event bus
(From ATS, Outreach → Waiting to send, Apply via Email):

- nothing before the screen is first shown (``start``);
- while shown, once per burst of changes: the delay timer is not restarted, so a steady
  stream of events still reloads every ``burst_ms``;
- changes while hidden mark the screen stale: it reloads once when shown again;
- optionally every ``fresh_ms`` while shown ("synced 2 min ago" stays true).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget


class ReloadGate(QObject):
    def __init__(self, owner: QWidget, reload: Callable[[], None], *, burst_ms: int,
                 fresh_ms: int | None = None) -> None:
        super().__init__(owner)
        self.owner = owner
        self._reload = reload
        self.started = False
        self.stale = False
        self._burst = QTimer(self, singleShot=True, interval=burst_ms)
        self._burst.timeout.connect(reload)
        self._fresh: QTimer | None = None
        if fresh_ms is not None:
            self._fresh = QTimer(self, interval=fresh_ms)
            self._fresh.timeout.connect(lambda: reload() if owner.isVisible() else None)

    def start(self) -> None:
        """The first load (the screen was shown, or a test or screenshot asks for it)."""
        if not self.started:
            self.started = True
            if self._fresh is not None:
                self._fresh.start()
            self._reload()

    def shown(self, *, always: bool = False) -> None:
        """From the owner's showEvent: reload if stale (or ``always``), start otherwise."""
        if self.started and (self.stale or always):
            self._reload()
        self.start()

    def changed(self, *_args: Any) -> None:
        """Something the screen shows may have changed."""
        if not self.started:
            return
        if not self.owner.isVisible():
            self.stale = True
        elif not self._burst.isActive():
            self._burst.start()

    def reloading(self) -> None:
        """The owner reloads now (whatever asked): nothing is stale any more."""
        self.stale = False

    def stop(self) -> None:
        self._burst.stop()
        if self._fresh is not None:
            self._fresh.stop()


__all__ = ["ReloadGate"]
