"""`milo-desktop sync --once` as cron would run it: a separate process, real sockets to the
sandbox Twilio server, credentials from the environment."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer
from tests.publishers import sandbox_publisher
from tests.unit.test_receptionists_service import NUMBER, draft


def _sync(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "milo_desktop", "sync", "--once", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


def test_sync_once_collects_a_call_and_reports(tmp_path: Path, arun: Any) -> None:
    box = TwilioSandbox()
    arun(box.start())
    try:
        box.add_number(NUMBER, "Dallas line")
        ws = Workspace.open(f"sqlite:///{tmp_path / 'workspace.db'}")
        try:
            iid = make_interviewer(ws, "Forklift Operator")
            svc = ReceptionistService(ws.db, ws.bus, sandbox_publisher(box))
            arun(svc.create(draft(iid)))
        finally:
            ws.close()
        box.place_inbound_call(NUMBER, "+12145550133", "Dana Ruiz")
        env = {
            "TWILIO_ACCOUNT_SID": box.account.sid,
            "TWILIO_AUTH_TOKEN": box.account.auth_token,
            "MILO_TWILIO_API_BASE": box.base_url,
            "MILO_TWILIO_STUDIO_BASE": box.studio_base_url,
        }
        # run the CLI in a thread so this loop keeps serving the sandbox
        first = arun(_in_thread(_sync, tmp_path, env))
        assert first.returncode == 0, first.stdout + first.stderr
        twilio = next(x for x in first.stdout.splitlines() if x.startswith("twilio:"))
        assert twilio.startswith("twilio: 1 calls,"), first.stdout
        again = arun(_in_thread(_sync, tmp_path, env))
        assert again.returncode == 0
        conn = sqlite3.connect(tmp_path / "workspace.db")
        rows = conn.execute("SELECT from_e164, call_sid IS NOT NULL FROM inbound_calls").fetchall()
        conn.close()
        assert rows == [("+12145550133", 1)]  # the second round added nothing
        assert box.account.auth_token not in first.stdout + first.stderr
    finally:
        arun(box.stop())


def test_sync_once_without_twilio_says_how_to_connect(tmp_path: Path) -> None:
    env = {k: "" for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")}
    result = _sync(tmp_path, env)
    # Nothing connected is no failure: exit 0, saying so, and how to connect.
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("No service is connected.\n"), result.stdout
    assert "twilio: not connected - Twilio is not connected" in result.stdout
    assert "Integrations" in result.stdout and "Traceback" not in result.stderr


async def _in_thread(fn: Any, *args: Any) -> Any:
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def test_sync_help_documents_exit_status_and_every_connectors_environment() -> None:
    from milo_desktop.app.background import CONNECTORS

    result = subprocess.run([sys.executable, "-m", "milo_desktop", "sync", "--help"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "0 every connected service synced" in text and "No service is connected" in text
    assert "1 a connected service did not sync" in text
    names = [name for plugin in CONNECTORS for name, _ in plugin.env_vars]
    assert "TWILIO_AUTH_TOKEN" in names
    assert {"MILO_GREENHOUSE_CLIENT_ID", "MILO_LEVER_API_KEY", "MILO_WORKABLE_ACCESS_TOKEN",
            "MILO_BULLHORN_PASSWORD", "MILO_BULLHORN_API_BASE"} <= set(names)
    assert all(name in text for name in names)
