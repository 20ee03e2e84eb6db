"""Start-up: prints one JSON object of figures, every one from fresh processes in this run.

    python benchmarks/startup.py [--candidates 1000000] [--data-dir bench-data] [--runs 5]

- bare_window_ms   a bare PySide6 QMainWindow: process start → its first paint (the yardstick)
- first_frame_ms   ``milo-desktop --demo``: process start → the main window's first paint
- data_ms          the same process start → the Interviewers table's rows painted with data
each the median of ``--runs`` processes, on the demo workspace (``demo``) and on the
N-candidate one (``big``, built with benchmarks/analytics.py's builder and cache), with
``*_ratio`` = figure / bare_window_ms. Targets: first frame ≤ 3× bare, data ≤ 5× bare.

The app reports its moments itself: ``MILO_STARTUP_PROBE=1`` makes it print one JSON line
(wall-clock ``t``) at the first paint and at the rows painted, then quit (app/main.py:
StartupProbe). The rounds are interleaved (bare, demo, big, bare, …) so a busy machine weighs
on every figure alike. Both workspaces are opened (and migrated, the demo built) by one probe
run first, outside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analytics import ensure_workspace  # the big workspace's builder and cache

BARE = """
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1440, 900)

class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(json.dumps({"event": "first_frame", "t": time.time()}), flush=True)
            QTimer.singleShot(0, app.quit)
            window.removeEventFilter(self)
        return False

watch = Watch()
window.installEventFilter(watch)
window.show()
app.exec()
"""

TIMEOUT_S = 600  # a cold 1M workspace on a slow disk; a hang fails the run, it is no figure


def run_once(argv: list[str]) -> dict[str, float]:
    """One fresh process; the ms from its start to each probe line it printed."""
    env = {**os.environ, "MILO_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    marks: dict[str, float] = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            probe = json.loads(line)
            marks[probe["event"]] = (probe["t"] - started) * 1000
    if "first_frame" not in marks or (argv[1:2] != ["-c"] and "data" not in marks):
        raise RuntimeError(f"{argv[1:]} printed no probe line (exit {done.returncode}):\n"
                           f"{done.stderr[-2000:]}")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    ensure_workspace(data_dir, args.candidates)
    app = [sys.executable, "-m", "milo_desktop"]
    commands = {
        "bare": [sys.executable, "-c", BARE],
        "demo": [*app, "--demo", "--data-dir", str(data_dir / "startup-demo")],
        "big": [*app, "--demo-candidates", str(args.candidates), "--data-dir", str(data_dir)],
    }
    for name in ("demo", "big"):  # opened, migrated and built once, outside the figures
        run_once(commands[name])
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            runs[name].append(run_once(argv))

    def median(name: str, event: str) -> float:
        return round(statistics.median(r[event] for r in runs[name]), 1)

    bare = median("bare", "first_frame")
    figures: dict[str, object] = {"runs": args.runs, "bare_window_ms": bare}
    for name, label in (("demo", "demo"), ("big", f"candidates_{args.candidates}")):
        first, data = median(name, "first_frame"), median(name, "data")
        figures[label] = {
            "first_frame_ms": first, "data_ms": data,
            "first_frame_ratio": round(first / bare, 2), "data_ratio": round(data / bare, 2),
            "first_frame_runs_ms": [round(r["first_frame"]) for r in runs[name]],
            "data_runs_ms": [round(r["data"]) for r in runs[name]],
        }
    figures["bare_runs_ms"] = [round(r["first_frame"]) for r in runs["bare"]]
    figures["targets"] = {"first_frame_ratio": 3, "data_ratio": 5}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
