"""The Interviewers table at scale: prints one JSON object of figures.

    python benchmarks/interviewers.py [--candidates 1000000] [--data-dir bench-data] [--runs 5]

Builds (or reuses) a demo workspace of N candidates (opening it migrates it first, which
counts the kept figures of an older workspace once, outside the measurements), then, for
each run, opens the workspace afresh (new connections, nothing cached in the process) and
times the table's first page as the list view asks for it (Active tab, 100 rows):
- first_page_ms             newest first (the default), median of runs
- first_page_candidates_ms  sorted by most candidates, median of runs
- recount_ms                the same page's figures counted from the rows instead (what a cold
                            page cost before migration 0015), for comparison
Target: first page ≤ 50 ms cold on 1M applications.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

from directory import ensure_workspace


async def measure(url: str, runs: int) -> dict[str, object]:
    from sqlalchemy import func, select

    from milo_desktop.models import Application, Interviewer
    from milo_desktop.services.figures import application_figures, spend_by_interviewer
    from milo_desktop.services.interviewers.csat import csat_by_interviewer
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.interviewers.list_model import DEFAULT_QUERY

    times: dict[str, list[float]] = {"first_page_ms": [], "first_page_candidates_ms": [],
                                     "recount_ms": []}
    rows = 0
    for _ in range(runs):
        for name, query in (("first_page_ms", DEFAULT_QUERY),
                            ("first_page_candidates_ms", DEFAULT_QUERY.with_(sort="candidates"))):
            ws = Workspace.open(url)
            try:
                t = time.perf_counter()
                page = await ws.interviewers.page(query, None)
                times[name].append((time.perf_counter() - t) * 1000)
                rows = len(page.rows)
            finally:
                ws.close()
        ws = Workspace.open(url)
        try:
            ids, today = [r.id for r in page.rows], ws.interviewers.clock()
            t = time.perf_counter()
            await ws.db.read(lambda s, ids=ids, today=today: (
                application_figures(s, ids), spend_by_interviewer(s, ids, today=today),
                csat_by_interviewer(s, ids)))
            times["recount_ms"].append((time.perf_counter() - t) * 1000)
            totals = await ws.db.read(lambda s: (
                s.scalar(select(func.count()).select_from(Interviewer)),
                s.scalar(select(func.count()).select_from(Application))))
        finally:
            ws.close()
    out: dict[str, object] = {k: round(statistics.median(v), 1) for k, v in times.items()}
    out |= {k.replace("_ms", "_runs_ms"): [round(x, 1) for x in v] for k, v in times.items()}
    out |= {"page_rows": rows, "interviewers": totals[0], "applications": totals[1]}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = ensure_workspace(args.data_dir, args.candidates)
    figures = asyncio.run(measure(url, max(1, args.runs)))
    print(json.dumps({"candidates": args.candidates, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
