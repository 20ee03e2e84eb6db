"""``milo-desktop --smoke-test --data-dir DIR``: prove an installation works, offscreen.

Written for the frozen build (CI runs it on the PyInstaller folder, installers/README.md), where
a missing data file, hidden import or Qt plugin shows up only when the code that needs it runs.
So it runs the real paths end to end: the workspace created and migrated, the main window shown
(its first paint timed from the process start), the small demo workspace built, the demo's
sandboxes in-process (Twilio, Greenhouse, the IMAP mailbox) and one sync round of every service
against them, then every main section and Help → About rendered to ``DIR/smoke-<name>.png``
once its data has loaded. It prints one JSON line and exits 0; anything that raises, or is
logged with a traceback (a failed background task, an exception in a callback), makes the exit
status 1 and the JSON says ``"ok": false`` with the error's type (details in the log).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milo_desktop.app.config import Options

if TYPE_CHECKING:
    from milo_desktop.views.main_window import MainWindow

log = logging.getLogger(__name__)
_LOADED = time.perf_counter()
SIZE = (1440, 900)
LOAD_DEADLINE_S = 120.0  # a section that has not loaded by then is a failure, not a hang


def process_age_ms() -> float:
    """Milliseconds since this process started: from the kernel on Linux (the frozen build's
    unpacking and imports included), elsewhere since this module loaded (a lower bound)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _LOADED) * 1000


class _Errors(logging.Handler):
    """Every record logged with a traceback: the app logs what it survives (a failed task, a
    callback's exception) instead of raising, and the smoke test must still fail on it."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:
            self.seen.append(f"{record.name}: {record.exc_info[0].__name__}")


def smoke_main(opts: Options) -> int:
    """Called by ``main`` for ``--smoke-test``: set up, run, print the JSON line."""
    from milo_desktop.app.main import prepare_data_dirs
    from milo_desktop.services.core.logs import setup_logging

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    prepare_data_dirs(opts.paths)
    setup_logging(opts.paths.log_dir)
    errors = _Errors()
    logging.getLogger().addHandler(errors)

    import qasync
    from PySide6.QtWidgets import QApplication

    from milo_desktop.views import theme

    QApplication.setApplicationName("Milo Desktop")
    QApplication.setOrganizationName("Milo")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app, opts.dark)
    report: dict[str, Any] = {"ok": False}
    try:
        report = qasync.run(run_smoke(opts))
    except Exception as exc:  # the JSON says what broke; the traceback goes to the log
        log.exception("the smoke test failed")
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        logging.getLogger().removeHandler(errors)
    if errors.seen:
        report.update(ok=False, logged_errors=errors.seen)
    print(json.dumps(report), flush=True)
    return 0 if report.get("ok") else 1


async def run_smoke(opts: Options) -> dict[str, Any]:
    """The whole run on the qasync loop; returns the report (raises on the first failure)."""
    from milo_desktop.app.background import ATS_SPECS, build_background
    from milo_desktop.app.demo import start_demo_sandbox
    from milo_desktop.app.demo_ats import start_demo_ats, stop_demo_ats
    from milo_desktop.app.demo_mail import start_demo_mailbox, stop_demo_mailbox
    from milo_desktop.app.main import close_ui_settings, open_ui_settings
    from milo_desktop.services import demo
    from milo_desktop.services.connectors.twilio.integration import IntegrationsService
    from milo_desktop.services.core.credentials import CredentialStore
    from milo_desktop.services.resume import ResumeService
    from milo_desktop.services.workspace import Workspace
    from milo_desktop.views.bridge import EventBridge
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.main_window import MainWindow
    from milo_desktop.views.screen_windows import ScreenWindows

    _check_resources()
    loop = asyncio.get_running_loop()
    data_dir = opts.paths.data_dir
    ws = await loop.run_in_executor(None, Workspace.open, opts.db_url)  # creates, migrates
    ws.bus.bind_loop(loop)
    bridge = EventBridge(ws.bus)
    box, env = await start_demo_sandbox()
    settings = open_ui_settings(opts.paths.ui_settings)
    try:
        env = {**env, **await start_demo_mailbox(ws), **(await start_demo_ats())[1]}
        store = await loop.run_in_executor(None, CredentialStore)
        ws.integrations = IntegrationsService(store, ws.db, bus=ws.bus, env=env)
        ws.ats.attach(ATS_SPECS, store=store, env={**os.environ, **env})
        ws.resumes = ResumeService(ws.db, ws.bus, data_dir, ws.applications)
        window = MainWindow(ViewContext(ws, bridge, settings, ScreenWindows()))
        window.persist_state = False
        window.resize(*SIZE)
        start_ms = await _shown(window)

        if not await loop.run_in_executor(None, demo.is_demo_built, ws.db):
            await loop.run_in_executor(
                None, lambda: demo.build_demo(ws.db, candidates=opts.demo_candidates))
        background = build_background(ws, data_dir, store=None, env={**os.environ, **env})
        try:
            summary = await background.run_once()
        finally:
            await background.stop()
        if not summary.ok:
            raise RuntimeError(f"the sync round against the demo sandboxes failed:\n{summary}")

        window.start()
        sections = []
        for name, show, section in _sections(window):
            show()
            await _render(window, section, data_dir / f"smoke-{name}.png", name)
            sections.append(name)
        sections.append(await _render_about(window, data_dir))
        window.close()
        return {"ok": True, "start_ms": round(start_ms), "sections": sections,
                "synced": [s.service for s in summary.services if s.result is not None],
                "total_ms": round(process_age_ms())}
    finally:
        await ws.tasks.drain()
        bridge.close()
        await loop.run_in_executor(None, box.stop_thread)
        await loop.run_in_executor(None, stop_demo_ats)
        await loop.run_in_executor(None, stop_demo_mailbox)
        close_ui_settings(settings, opts.paths.ui_settings)
        await loop.run_in_executor(None, ws.close)


def _check_resources() -> None:
    """The files the app reads from resources/, each through the code that reads it: an SVG
    icon drawn (the file, and Qt's SVG plugins), the role templates, the chime, the fonts
    the PDF reports embed. Most of them fail quietly in the app (a blank icon), so here they
    must fail loudly."""
    from milo_desktop.services.authoring.templates import load_templates
    from milo_desktop.services.review.report import fonts_dir
    from milo_desktop.views.resources import icon
    from milo_desktop.views.widgets.alerts import chime_path

    if icon("milo").pixmap(64, 64).isNull():
        raise FileNotFoundError("the SVG icon milo.svg could not be drawn (file or plugin)")
    if not load_templates():
        raise FileNotFoundError("no role templates in resources/templates")
    for path in (chime_path(), fonts_dir() / "DejaVuSans.ttf", fonts_dir() / "DejaVuSans-Bold.ttf"):
        if not path.is_file():
            raise FileNotFoundError(f"{path.name} is missing from resources/")


async def _shown(window: MainWindow) -> float:
    """Show the window and wait for its first paint; the process's age at that moment."""
    from PySide6.QtCore import QEvent, QObject

    painted = asyncio.Event()

    class FirstPaint(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.set()
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    await asyncio.wait_for(painted.wait(), LOAD_DEADLINE_S)
    window.removeEventFilter(spy)
    return process_age_ms()


def _sections(window: MainWindow) -> list[tuple[str, Callable[[], None], Any]]:
    """Every main section in the sidebar's order, each brought up by the window's own
    navigation (what a click in the sidebar does)."""
    def interviewers() -> None:
        window.show_section(0)
        window.interviewers.show_list()

    if window.integrations is None:
        raise RuntimeError("the main window has no Integrations section")
    return [
        ("interviewers", interviewers, window.interviewers),
        ("directory", lambda: window.show_section(1), window.directory),
        ("pipeline", lambda: window.show_section(2), window.pipeline),
        ("receptionists", lambda: window.show_section(3), window.receptionists),
        ("analytics", lambda: window.show_section(4), window.analytics),
        ("integrations", window.open_integrations, window.integrations),
        ("ats", window.show_ats, window.ats),
        ("outreach", window.show_waiting_to_send, window.outreach),
        ("email", window.show_email_intake, window.email_intake),
        ("data", window.show_data, window.later["data"]),
        ("settings", window.show_settings, window.later["settings"]),
    ]


async def _render(window: MainWindow, section: Any, path: Path, name: str) -> None:
    """Wait until the section and every background load are done, then save the window."""
    deadline = time.monotonic() + LOAD_DEADLINE_S
    while not (section.is_loaded() and not window.ctx.workspace.tasks.running):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the {name} section did not finish loading")
        await asyncio.sleep(0.05)
    if window.grab().save(str(path)):
        return
    raise OSError(f"could not write {path}")


async def _render_about(window: MainWindow, data_dir: Path) -> str:
    """Help → About: the dialog with the version, the licences and the folders. A frozen build
    must find its THIRD-PARTY-LICENSES."""
    from milo_desktop.views.about import AboutDialog, licences_path

    dialog = AboutDialog.for_context(window.ctx, window)
    if getattr(sys, "frozen", False) and licences_path() is None:
        raise FileNotFoundError("THIRD-PARTY-LICENSES is not in the frozen build")
    dialog.show()
    await asyncio.sleep(0)
    if not dialog.grab().save(str(data_dir / "smoke-about.png")):
        raise OSError("could not write smoke-about.png")
    dialog.close()
    return "about"
