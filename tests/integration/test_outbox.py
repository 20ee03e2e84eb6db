"""The outbox worker against the sandbox: exactly one SMS when the sending process is killed
between Twilio's OK and "done"; reconciliation before resend; refusals; offline waits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import OutboxStatus
from milo_desktop.models.messaging import OutboxItem
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.outreach import SmsHandler
from milo_desktop.services.sync import OutboxWorker, enqueue_sms
from milo_desktop.services.workspace import Workspace

NUMBER = "+15550001111"
CALLER = "+15557654321"
ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import asyncio, sys
    from milo_desktop.services.outreach import SmsHandler
    from milo_desktop.services.connectors.twilio.credentials import twilio_connector_factory
    from milo_desktop.services.sync.outbox import OutboxWorker
    from milo_desktop.services.workspace import Workspace

    async def after_send(row, ref):
        # The provider has accepted the message; the row is not marked done yet.
        print("ACCEPTED", ref, flush=True)
        await asyncio.sleep(120)

    async def main():
        ws = Workspace.open(sys.argv[1])
        sms = SmsHandler(ws.db, twilio_connector_factory(None))
        worker = OutboxWorker(ws.db, {"sms": sms}, after_send=after_send)
        await worker.run_once()

    asyncio.run(main())
""")


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def factory(sb: TwilioSandbox, base: str | None = None) -> Any:
    async def make() -> TwilioConnector:
        url = base or sb.base_url
        return TwilioConnector(TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token),
                               ApiBases(url, url), policy=RetryPolicy(attempts=2, base_delay=0.01))
    return make


def worker(ws: Workspace, sb: TwilioSandbox, base: str | None = None) -> OutboxWorker:
    return OutboxWorker(ws.db, {"sms": SmsHandler(ws.db, factory(sb, base))})


def sent_to(sb: TwilioSandbox, to: str) -> list[str]:
    with sb.state.lock:
        return [m.sid for m in sb.state.messages.values() if m.data["to"] == to]


def queue(ws: Workspace, body: str = "Your interview is on Monday at 10.") -> int:
    return ws.db.run_sync(lambda s: enqueue_sms(s, CALLER, NUMBER, body), write=True)


def row(ws: Workspace, row_id: int) -> tuple[OutboxStatus, str | None, int, str | None]:
    def q(s: Any) -> tuple[OutboxStatus, str | None, int, str | None]:
        item = s.get(OutboxItem, row_id)
        return item.status, item.provider_ref, item.attempts, item.last_error
    return ws.db.run_sync(q)


def test_killed_mid_send_then_restarted_sends_exactly_one_sms(
    sandbox: TwilioSandbox, db_url: str, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    row_id = queue(workspace)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "MILO_TWILIO_API_BASE": sandbox.base_url,
           "MILO_TWILIO_STUDIO_BASE": sandbox.studio_base_url,
           "TWILIO_ACCOUNT_SID": sandbox.account.sid,
           "TWILIO_AUTH_TOKEN": sandbox.account.auth_token}
    child = subprocess.Popen([sys.executable, str(script), db_url], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("ACCEPTED SM"), line + (child.stderr.read() if child.stderr else "")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    sid = line.split()[1]
    assert child.returncode == -signal.SIGKILL
    assert sent_to(sandbox, CALLER) == [sid]
    assert row(workspace, row_id)[:2] == (OutboxStatus.SENDING, None)  # the crash window

    done = arun(worker(workspace, sandbox).run_once())
    assert done == 0  # nothing sent again…
    assert sent_to(sandbox, CALLER) == [sid]  # …exactly one SMS at the provider
    status, ref, attempts, _ = row(workspace, row_id)
    assert (status, ref, attempts) == (OutboxStatus.DONE, sid, 1)

    # The same text queued again is a new message, not mistaken for the reconciled one.
    again = queue(workspace)
    assert arun(worker(workspace, sandbox).run_once()) == 1
    assert len(sent_to(sandbox, CALLER)) == 2 and row(workspace, again)[0] == OutboxStatus.DONE


def test_sending_row_unknown_to_the_provider_is_sent_after_reconciling(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any
) -> None:
    row_id = queue(workspace)

    def crash_before_post(s: Any) -> None:
        item = s.get(OutboxItem, row_id)
        item.status, item.attempts = OutboxStatus.SENDING, 1
    workspace.db.run_sync(crash_before_post, write=True)
    assert arun(worker(workspace, sandbox).run_once()) == 1
    [sid] = sent_to(sandbox, CALLER)
    assert row(workspace, row_id)[:3] == (OutboxStatus.DONE, sid, 2)


def test_refused_message_fails_with_the_providers_reason(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any
) -> None:
    row_id = queue(workspace, body="")
    assert arun(worker(workspace, sandbox).run_once()) == 0
    status, ref, attempts, error = row(workspace, row_id)
    assert (status, ref, attempts) == (OutboxStatus.FAILED, None, 1)
    assert error and error.startswith("Twilio refused the message")
    assert sent_to(sandbox, CALLER) == []


def test_offline_work_waits_and_resumes(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    row_id = queue(workspace)
    assert arun(worker(workspace, sandbox, dead).run_once()) == 0
    status, _, attempts, error = row(workspace, row_id)
    # The request may have left: kept in sending (reconciled first), with a later next try.
    assert (status, attempts) == (OutboxStatus.SENDING, 1) and error
    workspace.db.run_sync(lambda s: s.execute(  # time passes
        OutboxItem.__table__.update().values(next_try_at=OutboxItem.created_at)), write=True)
    assert arun(worker(workspace, sandbox).run_once()) == 1
    assert len(sent_to(sandbox, CALLER)) == 1 and row(workspace, row_id)[0] == OutboxStatus.DONE
    assert workspace.db.run_sync(lambda s: s.scalars(select(OutboxItem.status)).all()) == [
        OutboxStatus.DONE]
