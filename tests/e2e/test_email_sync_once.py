"""``milo-desktop sync --once`` with only ``MILO_IMAP_URL`` / ``MILO_IMAP_ADDRESS``: a separate
process reads the pymap mailbox like the app does; a second run ingests nothing twice; the
password never reaches the output; ``--help`` lists the variables."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from milo_desktop.enums import StageKind
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer
from tests.unit.test_email_parse import application, pdf_bytes


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("MILO_") and not k.startswith("TWILIO_")}
    return subprocess.run([sys.executable, "-m", "milo_desktop", *args], capture_output=True,
                          text=True, timeout=180, env={**clean, **env}, check=False)


def test_sync_once_reads_the_mailbox_from_the_environment(tmp_path: Path) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'workspace.db'}")
    make_interviewer(ws, "Forklift Operator", slug="forklift", stages=(StageKind.RESUME,))
    ws.close()
    with LocalMailbox(password="p@ss word") as box:
        box.append(
            application("Ana Lopez <ana@example.com>", message_id="<ana@example.com>",
                        attachments=[("Ana CV.pdf", "application/pdf", pdf_bytes())]),
            application("Ben Cho <ben@example.com>", message_id="<ben@example.com>"),
            application("Mailer <MAILER-DAEMON@mx.example>", message_id="<md@example.com>"))
        url = box.url.replace("p@ss word", "p%40ss%20word")  # URL-encoded, decoded by the app
        env = {"MILO_IMAP_URL": url, "MILO_IMAP_ADDRESS": "jobs@agency.example"}
        first = _run(["sync", "--once", "--data-dir", str(tmp_path)], env)
        assert first.returncode == 0, first.stdout + first.stderr
        line = next(x for x in first.stdout.splitlines() if x.startswith("email:"))
        assert "3 emails" in line and "2 applications" in line and "1 quarantined" in line
        again = _run(["sync", "--once", "--data-dir", str(tmp_path)], env)
        assert again.returncode == 0, again.stdout + again.stderr
        line = next(x for x in again.stdout.splitlines() if x.startswith("email:"))
        assert "0 emails" in line
        assert box.uids() == [] and len(box.uids("Milo/Processed")) == 3
    assert "p@ss word" not in first.stdout + first.stderr + again.stdout + again.stderr
    db = sqlite3.connect(tmp_path / "workspace.db")
    people = db.execute("SELECT email, source FROM candidates ORDER BY email").fetchall()
    scored = db.execute("SELECT count(*) FROM stage_results WHERE status = 'completed'").fetchone()
    db.close()
    assert people == [("ana@example.com", "email"), ("ben@example.com", "email")]
    assert scored == (1,)


def test_help_lists_the_mailbox_variables() -> None:
    out = _run(["sync", "--once", "--help"], {})
    assert out.returncode == 0
    assert "MILO_IMAP_URL" in out.stdout and "MILO_IMAP_ADDRESS" in out.stdout
