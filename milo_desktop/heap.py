"""The process's garbage-collector policy.

A full (generation 2) collection walks every tracked object and holds the GIL while it does,
so it pauses every thread, the GUI thread included. With Qt, the modules and a workspace
loaded, that walk measured 230 ms during a phone backfill (benchmarks/phone.py --diagnose,
Nov 2026) — a visible freeze. Objects alive once the app has started (modules, classes, the
window, the services) live as long as the process: ``settle_heap`` collects once, then moves
them out of the collector's sight (``gc.freeze``), so later full collections walk only what
was created since. Their memory is still freed by reference counting; only reference cycles
among them would never be collected, and startup leaves none behind (collected first).
"""

from __future__ import annotations

import gc


def settle_heap() -> int:
    """Collect once, then freeze what is alive; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
