"""A first ATS import at scale, and an incremental round after it; prints one JSON object.

The Greenhouse sandbox runs in a CHILD process (a real ATS is another machine: its JSON
encoding must not share our GIL) holding ``--candidates`` people (default 200,000), each with
one application, over five jobs. This process is the app's: a QApplication on a qasync loop,
the Greenhouse connector (httpx) on that loop, ``AtsSync`` writing each page through the
workspace's single writer thread into an empty SQLite workspace, and a 10 ms QTimer whose
lateness is the GUI's heartbeat.

- ingest_rows_per_s          people (each with their application) stored per second of the
                             first import, from the first request to the last commit
- raw_executemany_rows_per_s the same people's columns inserted by plain sqlite3
                             ``executemany`` into a bare table (no index), in this run
- ingest_ratio               ingest / raw (target ≥ 0.5)
- incremental_ms             a round after 1,000 people changed at the ATS (the changes only)
- heartbeat_p99_ms / heartbeat_max_ms   the GUI timer's lateness during the first import
                                        (targets < 50 / < 100)
- requests                   HTTP requests of the first import
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from heartbeat import Heartbeat  # benchmarks/heartbeat.py (this script's folder)


def _serve(n: int, conn: Any) -> None:
    """The child: a Greenhouse sandbox with ``n`` people; commands over ``conn``."""
    from milo_desktop.sandbox.greenhouse import GreenhouseSandbox

    box = GreenhouseSandbox()
    box.start_in_thread()
    jobs = [box.add_job(f"Job {i}", ["Applied", "Phone Screen", "Interview", "Offer"])
            for i in range(5)]
    ids = box.seed_many(n, jobs, seed=7)
    conn.send((box.base_url, box.credentials()))
    while True:
        cmd, arg = conn.recv()
        if cmd == "update":
            for cid in ids[:arg]:
                box.update_candidate(cid, last="Changed")
            conn.send("ok")
        elif cmd == "rows":  # the people's columns, for the raw executemany yardstick
            conn.send(None)
        elif cmd == "stop":
            box.stop_thread()
            conn.send("bye")
            return


def raw_rows_per_s(n: int, folder: Path) -> float:
    """Plain sqlite3: the same number of people's columns into a bare table, one executemany."""
    rows = [(f"First{i} Last{i}", f"first{i} last{i}", f"first{i}.last{i}.{i}@example.com",
             "+12025550100", None, "ats", "greenhouse", str(978000 + i), "2026-11-01T00:00:00",
             str(i), str(i % 5), "Applied", "active") for i in range(n)]
    db = sqlite3.connect(folder / "raw.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE people (full_name, name_key, email, phone, location, source, "
               "provider, external_id, created_at, application_id, job_id, stage, status)")
    started = time.perf_counter()
    db.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.commit()
    took = time.perf_counter() - started
    db.close()
    return n / took


async def measure(url: str, base: str, creds: dict[str, str], conn: Any,
                  n: int) -> dict[str, Any]:
    from milo_desktop.services.ats.sync import AtsSync
    from milo_desktop.services.connectors.greenhouse.spec import SPEC
    from milo_desktop.services.workspace import Workspace

    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, url)
    clients: list[Any] = []

    async def persist(_field: str, _value: str) -> None:
        return None

    async def factory() -> Any:
        client = await SPEC.make_client(creds, base, persist)
        clients.append(client)
        return client

    job = AtsSync(ws.db, SPEC.service, SPEC.title, factory)
    # As the app does at start (the Twilio plugin's chore): the CA bundle, loaded in a worker.
    from milo_desktop.services.connectors.twilio.http import shared_ssl_context

    await loop.run_in_executor(None, shared_ssl_context)
    # As the app does once started (app/heap.py): the start-up heap frozen, full passes rare.
    from milo_desktop.app.heap import defer_full_collections, settle_heap

    settle_heap()
    defer_full_collections()
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    first = await job.run(lambda done: None)
    took = time.perf_counter() - started
    beat.stop()
    requests = sum(c.http.requests for c in clients)
    await loop.run_in_executor(None, conn.send, ("update", 1000))
    await loop.run_in_executor(None, conn.recv)
    started = time.perf_counter()
    second = await job.run(lambda done: None)
    incremental = time.perf_counter() - started
    await loop.run_in_executor(None, ws.close)
    return {
        "candidates": n,
        "imported": first.count("candidates"),
        "ingest_rows_per_s": round(first.count("candidates") / took, 1),
        "import_s": round(took, 2),
        "requests": requests,
        "incremental_ms": round(incremental * 1000, 1),
        "incremental_pulled": second.count("candidates"),
        **beat.figures(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=200_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="milo-ats-"))
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(args.candidates, child), daemon=True)
    proc.start()
    try:
        base, creds = parent.recv()
        raw = raw_rows_per_s(args.candidates, folder)
        import qasync
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            figures = loop.run_until_complete(
                measure(f"sqlite:///{folder / 'workspace.db'}", base, creds, parent,
                        args.candidates))
        parent.send(("stop", None))
        parent.recv()
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    figures["raw_executemany_rows_per_s"] = round(raw, 1)
    figures["ingest_ratio"] = round(figures["ingest_rows_per_s"] / raw, 3)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
