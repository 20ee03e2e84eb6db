"""Building the demo workspace at scale: prints one JSON object of figures.

    python benchmarks/demo_build.py [--candidates 1000000] [--dir bench-demo]

Builds a fresh demo of N candidates on SQLite (the database file is replaced) and reports
wall and CPU seconds (CPU is the steadier figure on a busy machine), the file's size and what
was written: the detailed candidates' answers, transcripts and contact history are bounded
(services/demo/people.py: DETAILED_CANDIDATES), so a 1M build costs about what it did before
they were added. Target: a 1,000,000-candidate build well under three minutes on a laptop.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--dir", default="bench-demo")
    args = parser.parse_args()

    from milo_desktop.services.demo import build_demo
    from milo_desktop.services.workspace import Workspace

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{args.candidates}.db"
    for stale in folder.glob(f"{path.name}*"):
        stale.unlink()
    ws = Workspace.open(f"sqlite:///{path}")
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = build_demo(ws.db, candidates=args.candidates,
                             now=dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        ws.close()
    print(json.dumps({**dataclasses.asdict(summary), "wall_s": round(wall, 1),
                      "cpu_s": round(cpu, 1), "size_mb": path.stat().st_size // 2**20}))


if __name__ == "__main__":
    main()
