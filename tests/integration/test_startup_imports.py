"""A fast start (issue 13, point 4): the app paints its main window before it imports the
services or any screen, and paints the Interviewers rows before it imports what other screens,
the sandbox, the connectors or the résumé readers need. The app is started as users start it,
in a process of its own, offscreen, with ``MILO_STARTUP_PROBE=1``: it prints the modules
imported at the first paint and at the first rows painted, then quits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer

ROOT = Path(__file__).resolve().parents[2]

# Nothing of these before the window's first paint: the data layer, every service, the
# charts, PDF and poster writers, résumé readers, multimedia, the sandbox, the connectors.
NOT_BEFORE_FIRST_FRAME = (
    "sqlalchemy", "alembic", "fpdf", "pyqtgraph", "pypdf", "docx", "segno", "PIL", "httpx",
    "twilio", "aiosmtplib", "PySide6.QtMultimedia", "PySide6.QtNetwork",
    "milo_desktop.sandbox", "milo_desktop.models", "milo_desktop.services.workspace",
    "milo_desktop.services.connectors", "milo_desktop.views.context",
    "milo_desktop.views.interviewers",
)
# Nor these before the Interviewers rows are painted: the other screens (built when first
# shown), the background and its connectors, the sandbox, résumé readers and multimedia.
NOT_BEFORE_DATA = (
    "pypdf", "docx", "PySide6.QtMultimedia", "milo_desktop.sandbox",
    "milo_desktop.app.background", "milo_desktop.services.connectors.greenhouse",
    "milo_desktop.views.analytics", "milo_desktop.views.receptionists",
    "milo_desktop.views.settings", "milo_desktop.views.ats", "milo_desktop.views.email_intake",
)


def probe(data_dir: Path) -> dict[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "MILO_STARTUP_PROBE": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line["event"]: set(line["modules"]) for line in lines}


def test_first_frame_and_first_rows_import_only_what_they_need(tmp_path: Path) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'workspace.db'}")
    try:
        make_interviewer(ws, "Forklift Operator")
    finally:
        ws.close()
    moments = probe(tmp_path)
    assert list(moments) == ["first_frame", "data"]
    first, data = moments["first_frame"], moments["data"]
    assert "milo_desktop.views.main_window" in first
    assert [m for m in NOT_BEFORE_FIRST_FRAME if m in first] == []
    # The rows came from the workspace: the services and the Interviewers screen are loaded.
    assert {"milo_desktop.services.workspace", "milo_desktop.views.interviewers"} <= data
    assert [m for m in NOT_BEFORE_DATA if m in data] == []
