"""The composition root: command line → database → services → qasync loop → main window.

Nothing else wires things together. Only this module's demo path touches the sandbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from milo_desktop.app.config import Options, Paths, parse_options
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.files import private_dir, private_file, tighten
from milo_desktop.services.core.logs import setup_logging

if TYPE_CHECKING:  # imported where used: Qt and the workspace load after the command line
    from PySide6.QtWidgets import QWidget

    from milo_desktop.app.background import Background
    from milo_desktop.app.demo import DemoTelephony
    from milo_desktop.sandbox.twilio_server import TwilioSandbox
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.main_window import MainWindow
    from milo_desktop.views.widgets.errors import ErrorPresenter

log = logging.getLogger(__name__)
SCREENSHOT_SIZE = (1440, 900)
FIRST_SCREEN_PAINT_S = 0.5  # the most the rest of the start waits for the first rows' paint


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["sync"]:
        return sync_main(args[1:])
    if args[:1] == ["resume"]:
        from milo_desktop.app.resume_cli import resume_main

        return resume_main(args[1:])
    if args[:1] == ["erase"]:
        from milo_desktop.app.erase_cli import erase_main

        return erase_main(args[1:])
    opts = parse_options(args)
    if opts.smoke_test:  # check an installation offscreen, print one JSON line (app/smoke.py)
        from milo_desktop.app.smoke import smoke_main

        return smoke_main(opts)
    if opts.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    prepare_data_dirs(opts.paths)
    log_path = setup_logging(opts.paths.log_dir, console=opts.screenshot is not None)

    # Qt and qasync are imported here, after the command line is parsed, so --help and
    # --version answer instantly.
    import qasync
    from PySide6.QtWidgets import QApplication

    from milo_desktop.views import theme

    QApplication.setApplicationName("Milo Desktop")
    QApplication.setOrganizationName("Milo")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app, opts.dark)
    try:
        return int(qasync.run(_run(opts, str(log_path))))
    except KeyboardInterrupt:
        return 130


def sync_main(argv: list[str]) -> int:
    """``milo-desktop sync --once``: one headless round of every service; prints a line per
    service and exits 0 when all synced, 1 otherwise (no Qt)."""
    from milo_desktop.app.config import parse_sync_options
    from milo_desktop.app.sync_once import environment_help, run_sync_once

    opts = parse_sync_options(argv, environment_help())
    prepare_data_dirs(opts.paths)
    log_path = setup_logging(opts.paths.log_dir)
    try:
        summary = run_sync_once(opts.paths.data_dir, opts.db_url)
    except EnvironmentProblem as exc:
        print(f"sync: {exc.message}", file=sys.stderr)
        return 2
    except Exception:  # our bug: the traceback goes to the log, never to the terminal
        log.exception("sync --once failed")
        print(f"sync: stopped by an internal error; the details are in {log_path}",
              file=sys.stderr)
        return 1
    print(summary)
    if summary.outbox_sent:
        print(f"outbox: {summary.outbox_sent} sent")
    return 0 if summary.ok else 1


def prepare_data_dirs(paths: Paths) -> None:
    """The data and log folders, owner-only: created 0700, or tightened to 0700 when an older
    version left them wider (docs/architecture.md, "Privacy"). Before anything is written."""
    private_dir(paths.data_dir)
    private_dir(paths.log_dir)


def open_ui_settings(path: Path) -> Any:
    """The UI state (QSettings, INI) at ``path``, owner-only: the file is created 0600 before
    Qt first writes it, and Qt keeps an existing file's mode when it rewrites it."""
    from PySide6.QtCore import QSettings

    private_file(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def close_ui_settings(settings: Any, path: Path) -> None:
    """Write the UI state out now and make sure it is still 0600."""
    settings.sync()
    tighten(path)


def _load_workspace(db_url: str) -> Workspace:
    """Import the services and open (migrate) the workspace: on an executor thread, so the
    window painted before this stays responsive while most of the app's code loads."""
    from milo_desktop.services.workspace import Workspace

    return Workspace.open(db_url)


def _demo_built(ws: Workspace) -> bool:
    from milo_desktop.services import demo

    return demo.is_demo_built(ws.db)


async def _open_workspace(opts: Options, presenter: ErrorPresenter,
                          frame: Any = None) -> Workspace | None:
    """Open the workspace, saying what happens in ``frame`` (the main window's opening frame),
    else in a small start-up window (not for screenshots)."""
    from milo_desktop.views.startup import StartupDialog

    loop = asyncio.get_running_loop()
    own_splash = frame is None and not opts.screenshot
    splash = StartupDialog() if own_splash else frame
    if splash:
        splash.show_message("Opening your workspace…")
    try:
        ws = await loop.run_in_executor(None, _load_workspace, opts.db_url)
        if opts.demo:
            from milo_desktop.services import demo

            if not await loop.run_in_executor(None, _demo_built, ws):
                if splash:
                    splash.show_message(
                        f"Building the demo workspace ({opts.demo_candidates:,} candidates)…"
                    )

                def progress(stage: str, done: int, total: int) -> None:
                    if splash:
                        loop.call_soon_threadsafe(splash.show_progress, stage, done, total)

                started = time.perf_counter()
                summary = await loop.run_in_executor(
                    None,
                    lambda: demo.build_demo(
                        ws.db, candidates=opts.demo_candidates, progress=progress
                    ),
                )
                log.info(
                    "demo workspace built in %.1fs: %s", time.perf_counter() - started, summary
                )
        return ws
    except EnvironmentProblem as exc:
        presenter.show(exc)
        return None
    finally:
        if own_splash and splash:
            splash.close()


class StartupProbe:
    """``MILO_STARTUP_PROBE=1`` (benchmarks/startup.py, tests): prints one JSON line when the
    main window first paints and one when the Interviewers table paints rows, then quits.
    Each line holds the wall-clock time (``t``, seconds since the epoch: the benchmark
    compares it with the moment it started the process) and the modules imported by then."""

    def __init__(self) -> None:
        self.marked: set[str] = set()

    @staticmethod
    def from_env() -> StartupProbe | None:
        return StartupProbe() if os.environ.get("MILO_STARTUP_PROBE") else None

    def mark(self, event: str) -> None:
        if event in self.marked:
            return
        self.marked.add(event)
        line = {"event": event, "t": time.time(), "modules": sorted(sys.modules)}
        print(json.dumps(line), flush=True)


def _painted(widget: Any, ready: Any = None) -> asyncio.Future[None]:
    """A future resolved when ``widget`` next paints (and ``ready()`` holds, if given)."""
    from PySide6.QtCore import QEvent, QObject

    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    class Watch(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if (event.type() == QEvent.Type.Paint and not done.done()
                    and (ready is None or ready())):
                done.set_result(None)
                widget.removeEventFilter(self)
            return False

    watch = Watch(widget)
    widget.installEventFilter(watch)
    return done


async def _first_screen_settled(window: MainWindow) -> None:
    """Returns when the Interviewers list has its first answer (rows, none, or an error) and
    the table has painted it (at most half a second later: a hidden window paints nothing),
    or at once when another screen is on view. The rest of the start waits for it."""
    from milo_desktop.views.widgets.paged_model import LoadState

    model = window.interviewers.list_page.model
    answered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def check(*_args: Any) -> None:
        waiting = (window.current_section() is window.interviewers
                   and window.interviewers.current_page() is window.interviewers.list_page
                   and model.state in (LoadState.IDLE, LoadState.LOADING))
        if not waiting and not answered.done():
            answered.set_result(None)

    model.stateChanged.connect(check)
    check()
    try:
        await answered
    finally:
        model.stateChanged.disconnect(check)
    painted = _painted(window.interviewers.list_page.table.viewport())
    try:
        await asyncio.wait_for(painted, FIRST_SCREEN_PAINT_S)
    except TimeoutError:
        pass


async def _run(opts: Options, log_path: str) -> int:
    from milo_desktop.views.main_window import MainWindow
    from milo_desktop.views.widgets.errors import ErrorPresenter

    loop = asyncio.get_running_loop()
    presenter = ErrorPresenter(log_path)
    presenter.install(loop)
    probe = StartupProbe.from_env()
    settings = open_ui_settings(opts.paths.ui_settings)  # 0600, in the 0700 data dir
    window: MainWindow | None = None
    closed = asyncio.Event()
    if opts.kiosk is None and opts.screenshot is None:
        # The window first: painted before the services load (docs/architecture.md, "Start-up").
        window = MainWindow(settings=settings)
        presenter.parent = window
        window.closing.connect(closed.set)
        painted = _painted(window)
        window.show()
        await painted
        if probe:
            probe.mark("first_frame")
    ws: Workspace | None = None
    background: Background | DemoTelephony | None = None
    bridge = None
    try:
        ws = await _open_workspace(opts, presenter, window.opening if window else None)
        if ws is None:
            return 2
        if closed.is_set():  # the window was closed while the workspace opened
            return 0
        from milo_desktop.views.bridge import EventBridge
        from milo_desktop.views.context import ViewContext
        from milo_desktop.views.screen_windows import ScreenWindows

        ws.bus.bind_loop(loop)
        bridge = EventBridge(ws.bus)
        bridge.taskFailed.connect(lambda _name, exc: presenter.show(exc, logged=True))
        store = await _attach_services(ws, opts)
        ctx = ViewContext(ws, bridge, settings, ScreenWindows())
        if opts.kiosk is not None:
            await _attach_connections(ws, opts, store)
            return await _kiosk(ctx, opts.kiosk, opts.screenshot)
        if window is None:  # a screenshot: the whole window at once
            await _attach_connections(ws, opts, store)
            window = MainWindow(ctx)
            presenter.parent = window
            return await _screenshot(window, opts.view, opts.screenshot or Path())
        window.attach(ctx)
        window.start()
        if probe:
            table = window.interviewers.list_page.table
            rows = _painted(table.viewport(), lambda: table.model().rowCount() > 0)
            shown = window

            def data_painted(_f: object) -> None:
                probe.mark("data")
                shown.quit()

            rows.add_done_callback(data_painted)
        await _first_screen_settled(window)  # the data on screen before the background starts
        if closed.is_set():  # closed already (the start-up probe quits here)
            return 0
        demo_box = await _attach_connections(ws, opts, store)
        background = await _start_background(ws, opts, window, demo_box)
        from milo_desktop.app.heap import defer_full_collections, settle_heap

        settle_heap()  # startup is done: later full collections skip its objects
        defer_full_collections()
        ws.tasks.spawn(_collect_when_idle(ws), name="heap.idle_collect")
        await closed.wait()
        return 0
    finally:
        if background is not None:
            await background.stop()
        if ws is not None:
            await ws.tasks.drain()
        if bridge is not None:
            bridge.close()
        if opts.demo:
            from milo_desktop.app.demo_ats import stop_demo_ats

            await loop.run_in_executor(None, stop_demo_ats)
            from milo_desktop.app.demo_mail import stop_demo_mailbox

            await loop.run_in_executor(None, stop_demo_mailbox)
        close_ui_settings(settings, opts.paths.ui_settings)
        if ws is not None:
            await loop.run_in_executor(None, ws.close)


async def _attach_services(ws: Workspace, opts: Options) -> Any:
    """The services that need the keychain: integrations, the scoring evaluator, résumés.
    Answers the keychain store. The integrations' environment is a dict that
    ``_attach_connections`` fills later (the demo's sandboxes start after the first screen)."""
    from milo_desktop.services.connectors.twilio.integration import IntegrationsService
    from milo_desktop.services.core.credentials import CredentialStore
    from milo_desktop.services.resume import ResumeService
    from milo_desktop.services.scoring.llm_config import LlmConfig

    loop = asyncio.get_running_loop()
    store = await loop.run_in_executor(None, CredentialStore)  # finding a backend may block
    # Filled by _attach_connections when it starts the demo's sandboxes (else the process's).
    sandboxed = opts.demo and (opts.screenshot is None or opts.view == "email")
    env: dict[str, str] | None = {} if sandboxed else None
    ws.integrations = IntegrationsService(store, ws.db, bus=ws.bus, env=env)
    # Scores come from the LLM evaluator when switched on in Settings (rubric otherwise).
    ws.applications.evaluator_factory = LlmConfig(ws.db, store).evaluator
    ws.resumes = ResumeService(ws.db, ws.bus, opts.paths.data_dir, ws.applications)
    return store


async def _attach_connections(ws: Workspace, opts: Options, store: Any) -> TwilioSandbox | None:
    """The ATS connections and, in demo mode, the sandbox Twilio with its text simulator and
    the demo mailbox, their addresses put in the integrations' environment. Answers the
    demo's Twilio sandbox, if any."""
    demo_box, env = None, None
    if opts.demo and opts.screenshot is None:
        from milo_desktop.app.demo import start_demo_sandbox

        demo_box, env = await start_demo_sandbox()
        from milo_desktop.app.demo_entry import text_simulator

        ws.entry.text_simulator = text_simulator(demo_box, ws)  # "Simulate a text…"
        from milo_desktop.app.demo_mail import start_demo_mailbox

        env = {**(env or {}), **await start_demo_mailbox(ws)}  # the apply-by-email mailbox
    elif opts.demo and opts.view == "email":  # a screenshot of Apply via Email: its mailbox
        from milo_desktop.app.demo_mail import start_demo_mailbox

        env = await start_demo_mailbox(ws)
    if env and ws.integrations is not None:
        ws.integrations.env.update(env)  # the dict made above
    await _attach_ats(ws, opts, store)
    return demo_box


async def _attach_ats(ws: Workspace, opts: Options, store: Any) -> dict[str, str]:
    """The From ATS screen's connections: the keychain and the environment; in demo mode a
    connected demo Greenhouse (its sandbox in-process). A demo screenshot imports it once,
    so the picture shows its jobs and people."""
    from milo_desktop.app.background import ATS_SPECS

    ats_env: dict[str, str] = {}
    if opts.demo:
        from milo_desktop.app.demo_ats import start_demo_ats

        _box, ats_env = await start_demo_ats()
    ws.ats.attach(ATS_SPECS, store=store, env={**os.environ, **ats_env})
    if opts.demo and opts.screenshot is not None:
        from milo_desktop.services.ats.sync import AtsSync
        from milo_desktop.services.connectors.ats.credentials import client_factory
        from milo_desktop.services.connectors.greenhouse.spec import SPEC

        job = AtsSync(ws.db, SPEC.service, SPEC.title, client_factory(SPEC, None, ats_env))
        try:
            await job.run(lambda n: None)
        except Exception:  # a screenshot still renders; the log says why the import failed
            log.exception("the demo Greenhouse import failed")
    return ats_env


async def _collect_when_idle(ws: Workspace) -> None:
    """The full garbage collection, run when no sync round is going and nobody has touched
    the mouse or keyboard for a few seconds (milo_desktop/heap.py says why)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from milo_desktop.app.heap import IdleCollector
    from milo_desktop.services.sync import ServiceState

    class InputClock(QObject):
        last = time.monotonic()

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress,
                                QEvent.Type.Wheel, QEvent.Type.MouseMove):
                InputClock.last = time.monotonic()
            return False

    clock = InputClock()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(clock)
    collector = IdleCollector()
    try:
        while True:
            await asyncio.sleep(15)
            engine = getattr(ws, "sync", None)
            syncing = engine is not None and any(
                st.state == ServiceState.SYNCING for st in engine.statuses())
            collector.collect_if_idle(syncing or time.monotonic() - InputClock.last < 10)
    finally:
        app.removeEventFilter(clock)


async def _start_background(ws: Workspace, opts: Options, window: MainWindow,
                            demo_box: TwilioSandbox | None) -> Background | DemoTelephony:
    """The background (build_background): the sandbox and its simulated callers in demo mode,
    the connected accounts otherwise (publishing, syncing and sending only once connected)."""
    from milo_desktop.app.background import build_background
    from milo_desktop.services.connectors.twilio.integration import TwilioConnectionChanged
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.main_window import MainWindow

    assert isinstance(ws, Workspace) and isinstance(window, MainWindow)
    integrations = ws.integrations
    if demo_box is not None:
        from milo_desktop.app.demo import start_demo_telephony
        from milo_desktop.app.demo_ats import running_env
        from milo_desktop.app.demo_mail import running_env as mail_env

        demo = await start_demo_telephony(
            ws, opts.paths.data_dir, demo_box, factory=integrations.make_connector,
            extra_env={**running_env(), **mail_env()},
        )
        window.set_sync_engine(demo.background.engine)
        return demo
    background = build_background(
        ws, opts.paths.data_dir, store=integrations.credentials,
        factories={"twilio": integrations.make_connector,
                   "email": integrations.email.make_connector},
    )
    background.start()

    def attach(connected: bool) -> None:
        ws.receptionists.set_publisher(integrations.make_publisher() if connected else None)

    attach(await integrations.twilio_configured())
    ws.bus.subscribe(TwilioConnectionChanged, lambda e: attach(e.connected))
    window.set_sync_engine(background.engine)
    return background


async def _kiosk(ctx: ViewContext, slug: str, screenshot: Path | None) -> int:
    """``--kiosk SLUG``: the front-desk kiosk alone, full screen, until staff leave it (with
    ``--screenshot``: rendered at the screenshot size once its form has loaded)."""
    from milo_desktop.views.kiosk import KioskWindow

    if await ctx.workspace.interviewers.id_for_slug(slug) is None:
        log.error("no interviewer has the slug %r", slug)
        return 2
    window = KioskWindow(ctx, slug=slug)
    left = asyncio.Event()
    window.left.connect(left.set)
    if screenshot is None:
        window.start()
        await left.wait()
        return 0
    window.resize(*SCREENSHOT_SIZE)
    window.start(full_screen=False)
    deadline = time.monotonic() + 60
    while ctx.workspace.tasks.running and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the form loading (or saying why it cannot)
    await asyncio.sleep(0.1)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(screenshot)):
        log.error("could not write %s", screenshot)
        return 4
    window.leave()
    return 0


class _Screen(Protocol):
    def is_loaded(self) -> bool: ...


async def _screenshot(window: MainWindow, view: str, path: Path) -> int:
    """Render one view of a full-size window after its data has loaded; save the PNG."""
    window.persist_state = False
    window.resize(*SCREENSHOT_SIZE)
    section: _Screen
    shot: QWidget = window
    if view == "directory":
        window.show_section(1)
        section = window.directory
    elif view == "pipeline":
        window.show_section(2)
        section = window.pipeline
    elif view == "receptionists":
        window.show_section(3)
        section = window.receptionists
    elif view == "integrations":
        if window.integrations is None:
            log.error("this workspace has no Integrations screen")
            return 2
        window.show_section(5)
        section = window.integrations
    elif view == "analytics":
        window.show_section(4)
        section = window.analytics
    elif view == "ats":  # Source Candidates → From ATS
        window.show_ats()
        section = window.ats
    elif view == "outreach":  # Workspace → Outreach, on Waiting to send
        window.show_waiting_to_send()
        section = window.outreach
    elif view == "email":  # Source Candidates → Apply via Email
        window.show_email_intake()
        section = window.email_intake
    elif view in ("data", "settings"):  # Workspace → Data, Workspace → Settings (Account)
        window.show_section(len(window.sections) + list(window.later).index(view))
        section = window.later[view]
    elif view == "wizard":  # the Create Interviewer wizard's first step, over the list
        window.show_section(0)
        section = shot = window.open_create_interviewer()  # the wizard is its own window
    else:
        window.show_section(0)
        interviewers = section = window.interviewers
        if view.startswith("interviewer:"):
            # interviewer:<slug> (its Candidates tab) or interviewer:<slug>/analytics
            slug, _sep, tab = view.split(":", 1)[1].partition("/")
            interviewer_id = await window.ctx.workspace.interviewers.id_for_slug(slug)
            if interviewer_id is None:
                log.error("no interviewer has the slug %r", slug)
                return 2
            interviewers.open_interviewer(interviewer_id)
            if tab == "analytics":
                page = interviewers.detail_page
                page.tabs.setCurrentWidget(page.analytics)
        else:
            interviewers.show_list()
    window.show()
    window.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # Loaded, and every background load (counts, bell, spend) has finished.
        if section.is_loaded() and not window.ctx.workspace.tasks.running:
            break
        await asyncio.sleep(0.05)
    else:
        log.error("the %s view did not finish loading", view)
        return 3
    await asyncio.sleep(0.1)  # one more paint after the last rows arrived
    path.parent.mkdir(parents=True, exist_ok=True)
    if not shot.grab().save(str(path)):
        log.error("could not write %s", path)
        return 4
    log.info("screenshot of %s saved to %s", view, path)
    window.close()
    return 0
