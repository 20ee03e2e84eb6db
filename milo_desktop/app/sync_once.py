"""``milo-desktop sync --once``: one headless round of every service and the outbox, through
the same ``build_background`` as the app, and a summary. Never a traceback: our own bugs go to
the log (with their traceback) and the command says where to look.

Exit status: 0 when every connected service synced (nothing connected is 0 too, saying "No
service is connected"), 1 when any failed, 2 when the workspace could not be opened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path

from milo_desktop.app.background import CONNECTORS, build_background
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.sync.summary import SyncSummary

log = logging.getLogger(__name__)


def environment_help() -> str:
    """The environment variables headless runs read, connector by connector (for --help)."""
    lines = []
    for plugin in CONNECTORS:
        for name, meaning in plugin.env_vars:
            lines.append(f"  {name:<31} {plugin.title}: {meaning}")
    return "\n".join(lines)


async def sync_once_async(data_dir: Path, db_url: str, *, store: CredentialStore | None = None,
                          env: Mapping[str, str] | None = None) -> SyncSummary:
    """One round on an event loop (the workspace is opened and closed here)."""
    from milo_desktop.services.workspace import Workspace

    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, db_url)
    background = build_background(ws, Path(data_dir), store=store, env=env)
    try:
        return await background.run_once()
    finally:
        await background.stop()
        await ws.tasks.drain()
        await loop.run_in_executor(None, ws.close)


def run_sync_once(data_dir: str | Path, db_url: str,
                  env: Mapping[str, str] | None = None) -> SyncSummary:
    """Blocking; no Qt. Print ``str(summary)``; exit 0 if ``summary.ok`` else 1."""
    return asyncio.run(sync_once_async(Path(data_dir), db_url, store=CredentialStore(), env=env))
