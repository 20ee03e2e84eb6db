"""Demo mode's apply mailbox: a pymap IMAP server in-process (``sandbox/mailbox.py``), its
address set on the workspace, and the app connected to it through the environment
(``MILO_IMAP_URL``, ``MILO_IMAP_ADDRESS``) like a headless run. The interviewer's
Integrations tab then offers "Send a test application…", which APPENDs an email with a
generated PDF résumé; within one poll (IDLE wakes the intake at once) the candidate appears
in that interviewer with the Résumé stage scored. Any mail client pointed at the printed
address works too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.email_intake.mailbox import ENV_ADDRESS, ENV_POLL, ENV_URL
from milo_desktop.services.email_intake.service import ENV_DEMO

if TYPE_CHECKING:
    from milo_desktop.sandbox.mailbox import LocalMailbox
    from milo_desktop.services.workspace import Workspace

log = logging.getLogger(__name__)
DEMO_ADDRESS = "jobs@agency.example"  # a reserved domain: the demo can never mail anyone
POLL_SECONDS = "15"
_RUNNING: list[LocalMailbox] = []


def _set_address(s: Session) -> None:
    row = s.get(WorkspaceSetting, MAILBOX_KEY)
    value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
    if value.get("address"):
        return
    value.update({"address": DEMO_ADDRESS, "mode": value.get("mode") or "plus",
                  "aliases": value.get("aliases") or {}})
    if row is None:
        s.add(WorkspaceSetting(key=MAILBOX_KEY, value=value))
    else:
        row.value = value


async def start_demo_mailbox(ws: Workspace) -> dict[str, str]:
    """Serve the demo mailbox from a background thread and set the workspace's apply address;
    returns the environment that connects the intake (and the test button) to it."""
    from milo_desktop.sandbox.mailbox import LocalMailbox

    box = LocalMailbox()
    await asyncio.get_running_loop().run_in_executor(None, box.start)
    _RUNNING.append(box)
    await ws.db.write(_set_address)
    log.info("demo mailbox on 127.0.0.1:%s", box.port)
    return running_env()


def running_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for box in _RUNNING:
        env = {ENV_URL: box.url, ENV_ADDRESS: DEMO_ADDRESS, ENV_POLL: POLL_SECONDS,
               ENV_DEMO: "1"}
    return env


def stop_demo_mailbox() -> None:
    while _RUNNING:
        _RUNNING.pop().stop()


__all__ = ["DEMO_ADDRESS", "running_env", "start_demo_mailbox", "stop_demo_mailbox"]
