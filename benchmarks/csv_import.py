"""CSV import at scale: prints one JSON object of figures.

    python benchmarks/csv_import.py [--rows 100000] [--existing 5000] [--data-dir DIR]

Writes a semicolon-separated UTF-8 file of N rows (a third with phones, 2% with multi-line
notes, 0.1% bad rows, ``--existing`` of them people already in the workspace, who get their
missing fields filled) and imports it into a fresh SQLite workspace through
``CsvImportService.import_file``, exactly as the dialog does, on a plain asyncio loop with a
10 ms heartbeat task standing in for the GUI thread's timers (no Qt needed):

- rows_per_s              rows imported per second, end to end (counting pass included)
- batch_p50_ms / batch_max_ms   one batch's time (read + parse in a worker thread, then its
                          db.write transaction) — how long the directory waits for new rows
- loop_stall_p99_ms / loop_stall_max_ms   how late the 10 ms heartbeat fired: the time the
                          event loop (the GUI thread, in the app) could not run. Target < 50 /
                          < 100 ms: the window never freezes.
- created / updated / quarantined   the report's counts (sanity)

The app's garbage-collector policy (milo_desktop/app/heap.py) is applied as the app applies
it; ``--default-gc`` leaves CPython's, to see the full collections' pauses.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

HEADERS = ["First name", "Last name", "Email", "Phone", "City", "Notes"]
MAPPING = {0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "city", 5: "notes"}


def write_file(path: Path, rows: int, existing: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADERS)
        for i in range(rows):
            if i % 1000 == 999:
                w.writerow([f"Bad{i}", "Row", "no-at-sign", "", "", ""])
            elif i < existing:
                w.writerow([f"Known{i}", "Person", f"known{i}@example.com", "", "Austin", ""])
            else:
                w.writerow([f"First{i}", f"Last{i}", f"user{i}@example.com",
                            f"+1 646 {300 + i // 10000 % 600} {i % 10000:04d}" if i % 3 == 0
                            else "", "Dallas", "line one\nline two" if i % 50 == 0 else ""])


def seed(ws: Any, existing: int) -> None:
    from milo_desktop.models import Candidate

    def write(s: Any) -> None:
        s.add_all(Candidate(full_name=f"Known{i} Person", name_key=f"known{i} person",
                            email=f"known{i}@example.com") for i in range(existing))
    ws.db.run_sync(write, write=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def run(ws: Any, path: Path) -> dict[str, Any]:
    from milo_desktop.services.candidates import csv_import
    from milo_desktop.services.candidates.csv_import import CsvImportService

    service = CsvImportService(ws.db, ws.bus)
    lateness: list[float] = []
    batches: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        while not done.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.010)
            lateness.append(max(0.0, (time.perf_counter() - t - 0.010) * 1000))

    last = [time.perf_counter()]

    def progress(_done: int, _total: int) -> None:
        now = time.perf_counter()
        if _done:
            batches.append((now - last[0]) * 1000)
        last[0] = now

    beat = asyncio.create_task(heartbeat())
    started = time.perf_counter()
    report = await service.import_file(path, MAPPING, progress=progress)
    elapsed = time.perf_counter() - started
    done.set()
    await beat
    csv_import.CsvImportService.discard(report)
    return {
        "rows": report.total,
        "rows_per_s": round(report.total / elapsed),
        "seconds": round(elapsed, 2),
        "batch_rows": csv_import.BATCH_ROWS,
        "batch_p50_ms": round(statistics.median(batches), 1) if batches else 0.0,
        "batch_max_ms": round(max(batches), 1) if batches else 0.0,
        "loop_stall_p99_ms": round(pct(lateness, 0.99), 1),
        "loop_stall_max_ms": round(max(lateness, default=0.0), 1),
        "created": report.created,
        "updated": report.updated,
        "quarantined": report.quarantined,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=5_000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--default-gc", action="store_true")
    args = parser.parse_args()
    from milo_desktop.services.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "candidates.csv"
        db = folder / "csv-bench.db"
        db.unlink(missing_ok=True)
        write_file(path, args.rows, args.existing)
        ws = Workspace.open(f"sqlite:///{db}")
        try:
            seed(ws, args.existing)
            from milo_desktop.app.heap import defer_full_collections, settle_heap

            # The app's garbage-collector policy, at the point the app applies it (startup
            # done): without it, the collector's own full passes pause every thread ~250 ms.
            if not args.default_gc:
                settle_heap()
                defer_full_collections()
            figures = asyncio.run(run(ws, path))
        finally:
            ws.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
