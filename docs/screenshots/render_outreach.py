"""Render docs/screenshots/outreach.png (1600×1000): the demo workspace's Outreach section with a
few invitations waiting to send, for the reasons the real outbox worker finds — email because
the demo has no mail account connected, SMS because Twilio cannot be reached (a local port
nothing listens on).

    .venv/bin/python -m milo_desktop --data-dir DATA_DIR --demo-candidates 400 \\
        --screenshot /tmp/x.png --view outreach     # builds DATA_DIR/demo-400.db
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/render_outreach.py \\
        DATA_DIR/demo-400.db

The workspace file is changed (invitations queued): use a throwaway demo.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Candidate
from milo_desktop.services.connectors.twilio import ApiBases, TwilioConnector, TwilioCredentials
from milo_desktop.services.outreach import CommunicationPolicy, outreach_handlers
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from milo_desktop.views import theme
from milo_desktop.views.bridge import EventBridge
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.screen_windows import ScreenWindows

OUT = Path(__file__).resolve().parent / "outreach.png"
SIZE = (1600, 1000)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until(predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the screen did not finish loading")


async def queue_invitations(ws: Workspace) -> None:
    await ws.outreach.save_policy(CommunicationPolicy(sms_enabled=True, sms_from="+15550100199"))
    people = await ws.db.read(lambda s: list(s.scalars(
        select(Candidate.id).where(Candidate.email.is_not(None),
                                   Candidate.phone_e164.is_not(None))
        .order_by(Candidate.id.desc()).limit(40))))
    queued = 0
    for choice in await ws.outreach.invitable_interviewers():
        try:
            queued += (await ws.outreach.invite(people[queued:queued + 2], choice.id)).queued
        except ValidationProblem:
            continue  # this interviewer cannot take candidates yet (no number to call from)
        if queued >= 3:
            return


async def render(db: Path) -> None:
    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, f"sqlite:///{db}")
    ws.bus.bind_loop(loop)
    await queue_invitations(ws)
    base = f"http://127.0.0.1:{closed_port()}"

    async def twilio() -> TwilioConnector:
        return TwilioConnector(TwilioCredentials.auth_token("AC" + "0" * 32, "0" * 32),
                               ApiBases(base, base))

    async def no_email() -> None:
        return None

    ws.outbox = OutboxWorker(ws.db, outreach_handlers(ws.db, ws.bus, twilio=twilio,
                                                      smtp=no_email), gate=ws.outreach.gate,
                             bus=ws.bus)
    await ws.outbox.run_once()
    bridge = EventBridge(ws.bus)
    settings = QSettings(str(db.parent / "outreach-shot.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ViewContext(ws, bridge, settings, ScreenWindows()))
    window.persist_state = False
    window.resize(*SIZE)
    window.show_waiting_to_send()
    window.show()
    window.start()
    await until(lambda: window.outreach.is_loaded() and window.waiting_button.isVisible()
                and not ws.tasks.running)
    await asyncio.sleep(0.3)
    window.grab().save(str(OUT))
    window.close()
    bridge.close()
    ws.close()


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
