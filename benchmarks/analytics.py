"""Analytics at scale: prints one JSON object of figures.

    python benchmarks/analytics.py [--candidates 1000000] [--data-dir bench-data] [--runs 3]

Builds (or reuses) a demo workspace of N candidates (opening it migrates it first, outside
the measurements), then measures, in one process, offscreen:
- global_ms  the global Analytics section, all agents over the last 12 months: from the filter
             set to the totals, both charts and the recent completions drawn (median of runs)
- funnel_ms  AnalyticsService.funnel for the interviewer with the most applications (median)
Targets: < 300 ms each. ``*_runs_ms`` list every run; the section has shown its default period
once before the first run (as a user opening the screen would), so caches are warm.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ensure_workspace(data_dir: Path, n: int) -> str:
    from milo_desktop.app.config import Paths
    from milo_desktop.services import demo
    from milo_desktop.services.workspace import Workspace

    url = f"sqlite:///{Paths.resolve(str(data_dir)).workspace_db(n)}"
    ws = Workspace.open(url)  # migrates an older workspace (new indexes) before measuring
    try:
        built = demo.is_demo_built(ws.db)
    finally:
        ws.close()
    if not built:
        started = time.perf_counter()
        code = (
            "import sys; from milo_desktop.services.workspace import Workspace; "
            "from milo_desktop.services import demo; ws = Workspace.open(sys.argv[1]); "
            "demo.build_demo(ws.db, candidates=int(sys.argv[2])); ws.close()"
        )
        subprocess.run([sys.executable, "-c", code, url, str(n)], check=True)
        print(f"built a {n:,}-candidate workspace in {time.perf_counter() - started:.0f}s",
              file=sys.stderr)
    return url


async def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        await asyncio.sleep(0)


async def measure(url: str, runs: int) -> dict[str, object]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from milo_desktop.services.analytics import AnalyticsFilter, Preset, preset_range
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views import theme
    from milo_desktop.views.analytics import AnalyticsSection
    from milo_desktop.views.bridge import EventBridge
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.screen_windows import ScreenWindows

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, dark=False)
    ws = Workspace.open(url)
    ws.bus.bind_loop(asyncio.get_running_loop())
    out: dict[str, object] = {}
    try:
        settings = QSettings(
            str(Path(url.removeprefix("sqlite:///")).with_suffix(".bench.ini")),
            QSettings.Format.IniFormat,
        )
        settings.clear()
        ctx = ViewContext(ws, EventBridge(ws.bus), settings, ScreenWindows())
        section = AnalyticsSection(ctx)
        section.resize(1230, 830)  # its share of the 1440×900 window
        section.show()
        await wait_for(section.is_loaded)  # the default period, once
        await wait_for(lambda: not ws.tasks.running)

        year = AnalyticsFilter(None, *preset_range(Preset.LAST_12_MONTHS, ws.analytics.clock()))
        section.filters.set_interviewer(None)
        section.filters.set_period(Preset.LAST_12_MONTHS)  # what the header's preset does
        global_runs: list[float] = []
        for _ in range(runs):
            # Woken by the section's signal, not by polling: a busy GUI thread would take a
            # core from the database readers.
            drawn = asyncio.get_running_loop().create_future()
            section.loaded.connect(lambda d=drawn: d.done() or d.set_result(None))
            t = time.perf_counter()
            section.refresh()
            await drawn
            section.repaint()  # the charts and cards painted, synchronously
            global_runs.append((time.perf_counter() - t) * 1000)
            section.loaded.disconnect()
            await wait_for(lambda: not ws.tasks.running)
        o = section.overview
        assert o is not None and o.filter == year
        out["global_ms"] = statistics.median(global_runs)
        out["global_runs_ms"] = [round(v, 1) for v in global_runs]
        out["year_totals"] = {"candidates": o.totals.candidates, "invited": o.totals.invited,
                              "started": o.totals.started, "completed": o.totals.completed,
                              "buckets": len(o.activity)}

        busiest = await ws.db.read(lambda s: s.connection().exec_driver_sql(
            "SELECT interviewer_id, count(*) AS n FROM applications GROUP BY interviewer_id "
            "ORDER BY n DESC LIMIT 1").one())
        funnel_runs: list[float] = []
        for _ in range(runs):
            t = time.perf_counter()
            funnel = await ws.analytics.funnel(busiest[0])
            funnel_runs.append((time.perf_counter() - t) * 1000)
        out["funnel_ms"] = statistics.median(funnel_runs)
        out["funnel_runs_ms"] = [round(v, 1) for v in funnel_runs]
        out["funnel_applications"] = funnel.invited
        section.close()
        await ws.tasks.drain()
    finally:
        ws.close()
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = ensure_workspace(args.data_dir, args.candidates)

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        figures = loop.run_until_complete(measure(url, max(1, args.runs)))
    print(json.dumps({"candidates": args.candidates, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
