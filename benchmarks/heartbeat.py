"""The GUI heartbeat the benchmarks measure: a 10 ms precise QTimer on the GUI thread that
records how late each tick fired (actual interval − 10 ms), and its figures as the benchmarks
print them (``heartbeat_p99_ms``, ``heartbeat_max_ms``, ``heartbeat_median_ms``)."""

from __future__ import annotations

import statistics
import time

TICK_MS = 10


class Heartbeat:
    def __init__(self, tick_ms: int = TICK_MS) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.tick_ms = tick_ms
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)
        self.late: list[float] = []
        self._last = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.late.append(max(0.0, (now - self._last) * 1000 - self.tick_ms))
        self._last = now

    def start(self) -> None:
        self._last = 0.0
        self.late.clear()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def figures(self) -> dict[str, float]:
        late = sorted(self.late) or [0.0]
        return {
            "heartbeat_p99_ms": round(late[min(len(late) - 1, int(len(late) * 0.99))], 1),
            "heartbeat_max_ms": round(late[-1], 1),
            "heartbeat_median_ms": round(statistics.median(late), 1),
        }
