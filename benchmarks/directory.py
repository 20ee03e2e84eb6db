"""Candidate Directory at scale: prints one JSON object of figures.

    python benchmarks/directory.py [--candidates 1000000] [--data-dir bench-data]

Builds (or reuses) a demo workspace of N candidates, then measures, in one process:
- typeahead_p95_ms   SearchService.typeahead for 3-, 5- and 8-character queries, first 50 hits
- first_paint_ms     Candidate Directory constructed → first page of rows painted
- resort_ms          sort changed to Name A–Z → its first page painted
- search_common_ms   a search matching a large share of rows ("com") → its first page painted (newest
                     first; search_common_name_ms: Name A–Z)
- page_fetch_p95_ms  one keyset page (the table's page size) deep into the directory
- peak_rss_mb        the process's peak resident memory
- bare_window_ms     a bare PySide6 window constructed → painted, as the yardstick
Targets: type-ahead p95 < 30 ms, first paint < 150 ms, re-sort < 300 ms, common search ≤ 100 ms,
page fetch p95 < 10 ms, RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
COMMON_TEXT = "com"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def ensure_workspace(data_dir: Path, n: int) -> str:
    from milo_desktop.app.config import Paths
    from milo_desktop.services import demo
    from milo_desktop.services.workspace import Workspace

    url = f"sqlite:///{Paths.resolve(str(data_dir)).workspace_db(n)}"
    ws = Workspace.open(url)
    try:
        built = demo.is_demo_built(ws.db)
    finally:
        ws.close()
    if not built:
        # In a child process, so the build's memory does not count towards peak_rss_mb.
        started = time.perf_counter()
        code = (
            "import sys; from milo_desktop.services.workspace import Workspace; "
            "from milo_desktop.services import demo; ws = Workspace.open(sys.argv[1]); "
            "demo.build_demo(ws.db, candidates=int(sys.argv[2])); ws.close()"
        )
        subprocess.run([sys.executable, "-c", code, url, str(n)], check=True)
        print(
            f"built a {n:,}-candidate workspace in {time.perf_counter() - started:.0f}s",
            file=sys.stderr,
        )
    return url


async def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        await asyncio.sleep(0)


async def measure(url: str) -> dict[str, float]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QLabel

    from milo_desktop.services.core.paging import PageQuery
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.bridge import EventBridge
    from milo_desktop.views.candidates import DirectorySection
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.screen_windows import ScreenWindows

    app = QApplication.instance()
    assert app is not None
    out: dict[str, float] = {}

    # The yardstick: a bare window, constructed and painted.
    t0 = time.perf_counter()
    bare = QLabel("Milo")
    bare.resize(1200, 800)
    bare.show()
    bare.repaint()
    out["bare_window_ms"] = (time.perf_counter() - t0) * 1000
    bare.close()

    ws = Workspace.open(url)
    ws.bus.bind_loop(asyncio.get_running_loop())
    try:
        rng = random.Random(11)
        # Queries drawn from real rows: substrings of names and emails, as people type them.
        sample = await ws.db.read(
            lambda s: s.connection().exec_driver_sql(
                "SELECT full_name, email FROM candidates WHERE id % 9973 = 0 LIMIT 200"
            ).fetchall()
        )
        timings: list[float] = []
        for length in (3, 5, 8):
            for _ in range(30):
                name, email = rng.choice(sample)
                text = rng.choice([name, email or name]).replace(" ", "")
                start = rng.randrange(0, max(1, len(text) - length))
                query = text[start : start + length]
                t = time.perf_counter()
                await ws.search.typeahead(query, limit=50)
                timings.append((time.perf_counter() - t) * 1000)
        out["typeahead_p95_ms"] = p95(timings)

        settings = QSettings(
            str(Path(url.removeprefix("sqlite:///")).with_suffix(".bench.ini")),
            QSettings.Format.IniFormat,
        )
        settings.clear()
        ctx = ViewContext(ws, EventBridge(ws.bus), settings, ScreenWindows())

        t = time.perf_counter()
        section = DirectorySection(ctx)
        section.resize(1200, 800)
        section.show()
        await wait_for(section.is_loaded)
        section.repaint()
        out["first_paint_ms"] = (time.perf_counter() - t) * 1000

        model = section.model
        # Let the background count finish, as a user would before re-sorting.
        await wait_for(lambda: not ws.tasks.running)
        t = time.perf_counter()
        model.set_query(model.query.with_(sort="name", descending=False))
        await wait_for(
            lambda: model.rowCount() > 0 and model.query.sort == "name" and not model._loading
        )
        section.repaint()
        out["resort_ms"] = (time.perf_counter() - t) * 1000

        # A common search ("com", in a sixth of the rows), first page shown, in each order;
        # the previous step's background count finished first.
        for name, sort, descending in (("search_common_ms", "recent", True),
                                       ("search_common_name_ms", "name", False)):
            await wait_for(lambda: not ws.tasks.running)
            filters = {**model.query.filters, "search": COMMON_TEXT}
            t = time.perf_counter()
            model.set_query(model.query.with_(sort=sort, descending=descending, filters=filters))
            await wait_for(lambda s=sort: model.rowCount() > 0 and model.query.sort == s
                           and model.query.filters.get("search") == COMMON_TEXT
                           and not model._loading)
            section.repaint()
            out[name] = (time.perf_counter() - t) * 1000

        await wait_for(lambda: not ws.tasks.running)
        query = PageQuery(sort="recent", descending=True, limit=model.query.limit)
        cursor = None
        page_times: list[float] = []
        for _ in range(60):
            t = time.perf_counter()
            page = await ws.candidates.page(query, cursor)
            page_times.append((time.perf_counter() - t) * 1000)
            cursor = page.next_cursor
        out["page_fetch_p95_ms"] = p95(page_times)
        out["page_fetch_median_ms"] = statistics.median(page_times)
        section.close()
        await ws.tasks.drain()
    finally:
        ws.close()
    out["peak_rss_mb"] = peak_rss_mb()
    return {k: round(v, 1) for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    url = ensure_workspace(args.data_dir, args.candidates)

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # closing the yardstick window must not stop the run
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        figures = loop.run_until_complete(measure(url))
    figures = {"candidates": args.candidates, **figures}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
