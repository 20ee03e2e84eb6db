"""Phone receptionist end to end: prints one JSON object of figures.

    python benchmarks/phone.py [--calls 10] [--backfill 10000] [--demo-candidates 500]
                               [--data-dir DIR] [--no-poll] [--diagnose]

Runs the real chain of demo mode in one process: the sandbox Twilio in its thread, a small demo
workspace (built in a child process), the live demo receptionists published on the sandbox,
the sync engine with call evaluation (``build_background``) and the pipeline screen shown
offscreen. Measures:
- call_to_screen_ms       a simulated call ends (``place_inbound_call`` returns) → its row is in
                          the pipeline's model; the engine is woken as demo mode does (median)
- call_to_screen_p95_ms   the same, 95th percentile over ``--calls`` calls
- call_to_screen_poll_ms  one call with no wake: found by the next 10 s poll
- heartbeat_p99_ms        lateness of a 10 ms GUI timer while a backfill of ``--backfill`` ended
- heartbeat_max_ms        calls syncs, is evaluated and reaches the pipeline (lateness = actual
                          interval − 10 ms); targets p99 < 50 ms, max < 100 ms
- backfill_s              engine woken → every backfilled call on screen (backfill_round_s: the
                          sync round alone, evaluation included)
- peak_rss_mb             the process's peak resident memory (the sandbox's 10,000 calls included)
Run time is dominated by the backfill's sync round (~170 ms a call on 2 vCPUs in Nov 2026, so
~30 min for 10,000); ``--backfill 2000`` is the shorter run. ``--diagnose`` adds ``gui_stalls``: where the GUI thread's Python stack was each time it had not
ticked for 40 ms (sampled by a watchdog thread), most frequent first.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import datetime as dt
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TICK_MS = 10
STALL_MS = 40  # --diagnose: a stack sample each time the GUI thread has not ticked for this long


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def build_workspace(data_dir: Path, candidates: int) -> str:
    """A fresh demo workspace, built in a child process (its memory is not ours)."""
    url = f"sqlite:///{data_dir / 'workspace.db'}"
    code = (
        "import sys; from milo_desktop.services.workspace import Workspace; "
        "from milo_desktop.services import demo; ws = Workspace.open(sys.argv[1]); "
        "demo.build_demo(ws.db, candidates=int(sys.argv[2])); ws.close()"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, url, str(candidates)], check=True)
    print(f"built a {candidates:,}-candidate demo in {time.perf_counter() - started:.1f}s",
          file=sys.stderr)
    return url


async def wait_for(predicate: Any, timeout: float = 120.0, step: float = 0.002) -> None:
    # Short sleeps, not sleep(0): a busy GUI thread would steal the GIL from the sandbox and
    # the database worker that the chain under test runs on.
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step did not finish")
        await asyncio.sleep(step)


class Heartbeat:
    """A 10 ms QTimer on the GUI thread recording each tick's lateness; with ``diagnose``, a
    watchdog thread samples the GUI thread's Python stack every 5 ms while a tick is overdue."""

    def __init__(self, diagnose: bool) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.late: list[float] = []
        self._last = 0.0
        self.diagnose = diagnose
        self._samples: dict[float, collections.Counter[str]] = {}
        self.stalls: list[tuple[float, collections.Counter[str]]] = []  # (lateness, stacks)
        self._watching = False
        self._main = threading.get_ident()
        self._gc_started = 0.0
        self.gc_pauses: dict[int, list[float]] = {}

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            late = max(0.0, (now - self._last) * 1000 - TICK_MS)
            self.late.append(late)
            samples = self._samples.pop(self._last, None)
            if samples:
                self.stalls.append((late, samples))
        self._last = now

    def start(self) -> None:
        self._last = 0.0
        self.late.clear()
        self.timer.start()
        if self.diagnose:
            self._watching = True
            threading.Thread(target=self._watch, name="heartbeat-watchdog", daemon=True).start()
            gc.callbacks.append(self._gc)

    def stop(self) -> None:
        self.timer.stop()
        self._watching = False
        if self._gc in gc.callbacks:
            gc.callbacks.remove(self._gc)

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        """Garbage-collector pauses stop every thread (they hold the GIL): timed per generation."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            ms = (time.perf_counter() - self._gc_started) * 1000
            self.gc_pauses.setdefault(info["generation"], []).append(ms)

    def _watch(self) -> None:
        while self._watching:
            time.sleep(0.005)
            last = self._last
            if last and (time.perf_counter() - last) * 1000 > STALL_MS:
                frame = sys._current_frames().get(self._main)
                if frame is not None:
                    self._samples.setdefault(last, collections.Counter())[_where(frame)] += 1

    def report(self, top: int = 8) -> dict[str, Any]:
        """Stalled time per stack (each stall's lateness shared by its samples), and the
        longest stalls with their commonest stack."""
        blame: collections.Counter[str] = collections.Counter()
        for late, samples in self.stalls:
            total = sum(samples.values())
            for where, k in samples.items():
                blame[where] += late * k / total
        longest = sorted(self.stalls, key=lambda s: -s[0])[:top]
        return {
            "gc_pauses": {f"gen{g}": {"count": len(p), "max_ms": round(max(p), 1),
                                      "total_ms": round(sum(p))}
                          for g, p in sorted(self.gc_pauses.items())},
            "stalled_ms_by_stack": [{"where": w, "ms": round(ms)}
                                    for w, ms in blame.most_common(top)],
            "longest": [{"ms": round(late), "where": samples.most_common(1)[0][0]}
                        for late, samples in longest],
        }


def _where(frame: Any) -> str:
    """The innermost few frames of the app's own code on a stack."""
    ours = [f for f in traceback.extract_stack(frame) if "milo_desktop" in f.filename]
    if not ours:
        return "no app frame: Qt (C++) or waiting for the GIL"
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(ours[-3:]))


async def start_sandbox_telephony(ws: Any, data_dir: Path) -> Any:
    """``start_demo_telephony`` without its random callers (they would land mid-measurement):
    the sandbox in its thread, the live demo receptionists published on it, sync + evaluation
    + outbox from ``build_background``."""
    from sqlalchemy import update

    from milo_desktop.app.background import build_background
    from milo_desktop.app.demo import DemoTelephony
    from milo_desktop.enums import ReceptionistStatus
    from milo_desktop.models import Receptionist
    from milo_desktop.sandbox.twilio_server import TwilioSandbox
    from milo_desktop.services.connectors.twilio.publisher import TwilioPublisher

    loop = asyncio.get_running_loop()
    box = TwilioSandbox()
    await loop.run_in_executor(None, box.start_in_thread)
    env = {
        "TWILIO_ACCOUNT_SID": box.account.sid,
        "TWILIO_AUTH_TOKEN": box.account.auth_token,
        "MILO_TWILIO_API_BASE": box.base_url,
        "MILO_TWILIO_STUDIO_BASE": box.studio_base_url,
    }
    live = (await ws.receptionists.overview("live")).rows
    await ws.db.write(lambda s: s.execute(
        update(Receptionist).where(Receptionist.status == ReceptionistStatus.LIVE)
        .values(flow_sid=None)))
    background = build_background(ws, data_dir, store=None, env=env)
    background.start()
    ws.receptionists.set_publisher(TwilioPublisher(background.factory("twilio")))
    demo = DemoTelephony(box, background)
    for row in live:
        if row.phone_number:
            box.add_number(row.phone_number, row.name)
            detail = await ws.receptionists.resume(row.id)
            demo.lines.append((row.phone_number, detail.config().questions))
    if not demo.lines:
        raise RuntimeError("the demo workspace has no live receptionist with a number")
    return demo


def caller_named(rng: random.Random, questions: Any, name: str, number: str) -> Any:
    """The demo's scripted caller, with a name and number we can find again."""
    from milo_desktop.app.demo import scripted_caller
    from milo_desktop.services.flows import Keys, Speech
    from milo_desktop.services.flows.naming import CALLBACK, NAME

    caller = scripted_caller(rng, questions)
    answers = {**caller.answers, NAME: Speech(name), CALLBACK: Keys(number[2:])}
    return dataclasses.replace(caller, number=number, answers=answers)


def row_named(model: Any, name: str) -> Any:
    for i in range(model.rowCount()):
        row = model.row_at(i)
        if row is not None and row.caller_name == name:
            return row
    return None


async def measure(url: str, data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import QSettings
    from sqlalchemy import func, select

    from milo_desktop.models.receptionists import InboundCall
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.bridge import EventBridge
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.receptionists.pipeline import PipelineSection

    loop = asyncio.get_running_loop()
    out: dict[str, Any] = {}
    ws = await loop.run_in_executor(None, Workspace.open, url)
    ws.bus.bind_loop(loop)
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)
    ctx = ViewContext(ws, bridge, settings)
    demo = None
    section = None
    try:
        demo = await start_sandbox_telephony(ws, data_dir)
        engine = demo.background.engine
        box = demo.sandbox
        section = PipelineSection(ctx)
        section.resize(1400, 850)
        section.show()
        await wait_for(section.is_loaded, timeout=60)
        from milo_desktop.app.heap import defer_full_collections, settle_heap

        # As app.py does once the window and the background services are up (its idle-time
        # full collection never runs during a sync round, so it has no part here).
        settle_heap()
        defer_full_collections()
        rng = random.Random(3)
        # The backfill goes to a line no timed call used: its flow has never had an execution,
        # so the round reads its history from the start (the first sync of an account with a
        # busy past). The simulated calls of the timed part go to the other lines.
        backfill_line = demo.lines[0]
        live_lines = demo.lines[1:] or demo.lines

        async def one_call(i: int, wake: bool) -> float:
            # Each call on its own: the previous call's round has finished.
            await wait_for(lambda: engine.status("twilio").state == "idle", timeout=60)
            await asyncio.sleep(0.2)
            number, questions = live_lines[i % len(live_lines)]
            name = f"Bench Caller {i:03d}"
            caller = caller_named(rng, questions, name, f"+1469555{i:04d}")

            def place() -> tuple[str, float]:
                # at=now: the sandbox creates an execution only when its call has ended, dated
                # at the call's start by default; a call longer than the previous one on that
                # line would then be dated before the flow's sync watermark and never pulled.
                sid = box.place_inbound_call(number, caller.number, "", caller,
                                             at=dt.datetime.now(dt.UTC))
                return sid, time.perf_counter()  # the call has ended, in the sandbox's books

            sid, ended = await loop.run_in_executor(None, place)
            if wake:
                engine.wake("twilio")
            await wait_for(lambda: row_named(section.model, name) is not None, timeout=60)
            took = (time.perf_counter() - ended) * 1000
            row = row_named(section.model, name)
            stored = await ws.db.read(lambda s: s.scalar(
                select(InboundCall.execution_sid).where(InboundCall.id == row.id)))
            assert stored == sid, f"row {row.id} is {stored}, not the call placed ({sid})"
            return took

        # Let the first round (publishing raced it) settle before timing anything.
        engine.wake("twilio")
        await wait_for(lambda: engine.status("twilio").last_sync_at is not None
                       and engine.status("twilio").state == "idle", timeout=60)
        await asyncio.sleep(0.5)
        times = [await one_call(i, wake=True) for i in range(args.calls)]
        out["call_to_screen_ms"] = statistics.median(times)
        out["call_to_screen_p95_ms"] = percentile(times, 0.95)
        out["call_to_screen_max_ms"] = max(times)
        if args.poll:
            out["call_to_screen_poll_ms"] = await one_call(args.calls, wake=False)
        out["poll_interval_s"] = engine.intervals["twilio"]

        # The backfill: park the scheduler (one round now, then an hour's wait) so no round
        # starts while the sandbox is being filled. Woken only while idle (waiting): a wake
        # during a round would start another one right after it, mid-seeding.
        await wait_for(lambda: engine.status("twilio").state == "idle", timeout=60)
        engine.intervals["twilio"] = 3600.0
        before = engine.status("twilio").last_sync_at
        engine.wake("twilio")
        await wait_for(lambda: engine.status("twilio").last_sync_at != before
                       and engine.status("twilio").state == "idle", timeout=60)
        number, questions = backfill_line
        n = args.backfill
        seed_rng = random.Random(5)
        callers = [caller_named(seed_rng, questions, f"Backfill {i:05d}", f"+1972{i:07d}")
                   for i in range(n)]
        # History: the calls of the last 30 days, oldest first, ended before the measurement.
        first = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        step = dt.timedelta(days=29) / max(1, n)

        def seed() -> float:
            t = time.perf_counter()
            for i, caller in enumerate(callers):
                box.place_inbound_call(number, caller.number, "", caller, at=first + i * step)
            return time.perf_counter() - t

        out["seed_s"] = await loop.run_in_executor(None, seed)
        print(f"seeded {n:,} calls in the sandbox in {out['seed_s']:.1f}s", file=sys.stderr)
        await asyncio.sleep(0.5)

        heartbeat = Heartbeat(args.diagnose)

        rows_before = section.model.rowCount()
        before = engine.status("twilio").last_sync_at
        heartbeat.start()
        t0 = time.perf_counter()
        engine.wake("twilio")
        await wait_for(lambda: engine.status("twilio").last_sync_at != before
                       and engine.status("twilio").state == "idle", timeout=1800, step=0.05)
        round_done = time.perf_counter()
        # Then the pipeline's refresh of the burst (debounced) until every backfilled call
        # that belongs in the loaded newest-first rows is there.
        newest = f"Backfill {n - 1:05d}"
        await wait_for(lambda: row_named(section.model, newest) is not None
                       and not section._update_timer.isActive()
                       and not any(t.startswith("pipeline.") for t in ws.tasks.running),
                       timeout=600, step=0.05)
        on_screen = time.perf_counter()
        await asyncio.sleep(0.3)  # a few more ticks after the last repaint
        heartbeat.stop()
        status = engine.status("twilio")
        counts = status.last_round
        out["backfill_calls"] = counts.count("executions") if counts else 0
        out["backfill_rows_added"] = section.model.rowCount() - rows_before
        out["backfill_s"] = on_screen - t0
        out["backfill_round_s"] = round_done - t0
        out["backfill_refresh_s"] = on_screen - round_done
        out["heartbeat_ticks"] = len(heartbeat.late)
        out["heartbeat_p50_ms"] = percentile(heartbeat.late, 0.50)
        out["heartbeat_p99_ms"] = percentile(heartbeat.late, 0.99)
        out["heartbeat_max_ms"] = max(heartbeat.late)
        out["backfill_evaluated"] = await ws.db.read(lambda s: s.scalar(
            select(func.count(InboundCall.id)).where(InboundCall.caller_name.like("Backfill %"),
                                                     InboundCall.status == "evaluated")))
        if args.diagnose:
            out["gui_stalls"] = heartbeat.report()
    finally:
        if section is not None:
            section.close()
        if demo is not None:
            await demo.stop()
        await ws.tasks.drain()
        bridge.close()
        await loop.run_in_executor(None, ws.close)
    out["peak_rss_mb"] = peak_rss_mb()
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--backfill", type=int, default=10_000)
    parser.add_argument("--demo-candidates", type=int, default=500)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where to build the workspace (default: a temporary directory, "
                             "removed afterwards); must not hold a workspace already")
    parser.add_argument("--no-poll", dest="poll", action="store_false",
                        help="skip call_to_screen_poll_ms (up to one poll interval, 10 s)")
    parser.add_argument("--diagnose", action="store_true",
                        help="sample the GUI thread's stack during heartbeat stalls")
    args = parser.parse_args()
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="milo-phone-")) if temporary else args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        url = build_workspace(data_dir, args.demo_candidates)

        import qasync
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            figures = loop.run_until_complete(measure(url, data_dir, args))
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps({"demo_candidates": args.demo_candidates, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
