"""Render the README's search and profile screenshots (the CLI's --screenshot covers the
screens; these two need a typed query and an open profile).

    QT_QPA_PLATFORM=offscreen:configfile=tests/data/offscreen-screen.json \
        .venv/bin/python docs/screenshots/render_extras.py DATA_DIR

DATA_DIR: a demo workspace (built with `milo-desktop --data-dir DATA_DIR --demo ...`).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from milo_desktop.services.workspace import Workspace
from milo_desktop.views import theme
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.candidates.profile import open_candidate_profile
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.screen_windows import ScreenWindows

OUT = Path(__file__).resolve().parent


async def until(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the screen did not finish loading")


async def render(data_dir: Path) -> None:
    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, f"sqlite:///{data_dir / 'demo.db'}")
    ws.bus.bind_loop(loop)
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(data_dir / "extras.ini"), QSettings.Format.IniFormat)
    ctx = ViewContext(ws, bridge, settings, ScreenWindows())
    window = MainWindow(ctx)
    window.resize(1440, 900)
    window.show()
    window.start()
    await until(lambda: window.current_section().is_loaded() and not ws.tasks.running)
    window.search.setFocus()
    window.search.setText("maria")
    window.search.textEdited.emit("maria")  # as typing does
    await until(lambda: window.search.popup.isVisible() and not ws.tasks.running)
    await asyncio.sleep(0.3)
    # The results popup is a window of its own: grab the screen where both are drawn.
    screen = QApplication.primaryScreen()
    shot = screen.grabWindow(0).copy(window.frameGeometry())
    shot.save(str(OUT / "search.png"))
    window.search.popup.hide()
    candidate_id = await ws.db.read(lambda s: s.execute(text(
        "select a.candidate_id from applications a"
        " join stage_results sr on sr.application_id = a.id"
        " join answers an on an.stage_result_id = sr.id"
        " where a.status = 'completed' group by a.candidate_id"
        " order by count(*) desc, a.candidate_id limit 1")).scalar_one())
    profile = open_candidate_profile(ctx, candidate_id, window)
    profile.resize(1100, 860)
    await asyncio.sleep(0.2)
    await until(lambda: not ws.tasks.running)
    await asyncio.sleep(0.3)
    profile.grab().save(str(OUT / "profile.png"))
    profile.close()
    window.close()
    await ws.tasks.drain()
    bridge.close()
    await loop.run_in_executor(None, ws.close)


def main() -> int:
    import qasync

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the script ends the loop, not the last window
    theme.apply(app, False)
    qasync.run(render(Path(sys.argv[1])))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
