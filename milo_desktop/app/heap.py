"""The process's garbage-collector policy.

A full (generation 2) collection walks every tracked object and holds the GIL while it does,
so it pauses every thread, the GUI thread included. With Qt, the modules, a workspace and a
sync in flight, one such walk measured 230 ms during a phone backfill (benchmarks/phone.py
--diagnose, Nov 2026) — a visible freeze, at a moment nobody chose.

So: ``settle_heap`` (once, after startup) collects, then moves what is alive out of the
collector's sight (``gc.freeze``) — modules, classes, the window, the services live as long
as the process. ``defer_full_collections`` makes the collector's own full passes rare
(young generations are still collected as usual: they are quick), and the app runs the
full pass itself when nothing is going on (``collect_if_idle``, called by the app on a
timer) — the same pause, at a moment nobody notices. Memory is still freed by reference
counting in between; only reference cycles wait for the idle pass.
"""

from __future__ import annotations

import gc
import time

# A full pass is considered only after this many generation-1 passes (CPython's default is
# 10); about every few million allocations, a safety net should the app never be idle.
DEFERRED_THRESHOLD2 = 1000
IDLE_PASS_EVERY_S = 120.0


def settle_heap() -> int:
    """Collect once, then freeze what is alive; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def defer_full_collections() -> None:
    threshold0, threshold1, _ = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, DEFERRED_THRESHOLD2)


class IdleCollector:
    """Runs the full collection when the app says it is idle, at most every ``every_s``."""

    def __init__(self, every_s: float = IDLE_PASS_EVERY_S) -> None:
        self.every_s = every_s
        self.last = time.monotonic()
        self.passes = 0

    def collect_if_idle(self, busy: bool) -> bool:
        """Called regularly; ``busy`` = a sync round or a bulk job is running."""
        if busy or time.monotonic() - self.last < self.every_s:
            return False
        gc.collect()
        self.last = time.monotonic()
        self.passes += 1
        return True
