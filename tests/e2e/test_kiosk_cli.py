"""``milo-desktop --kiosk SLUG``: a front-desk PC starts straight into an interviewer's kiosk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from milo_desktop.app.config import parse_options
from milo_desktop.services.workspace import Workspace
from tests.form_stage import make_form_interviewer


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "milo_desktop", *args], capture_output=True,
                          text=True, timeout=240, env=env, check=False)


def test_kiosk_option_is_parsed() -> None:
    assert parse_options(["--kiosk", "forklift-dallas"]).kiosk == "forklift-dallas"
    assert parse_options([]).kiosk is None


def test_kiosk_starts_from_the_command_line(tmp_path: Path) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'workspace.db'}")
    try:
        make_form_interviewer(ws, "front-desk")
    finally:
        ws.close()
    out = tmp_path / "kiosk.png"
    result = _run("--data-dir", str(tmp_path), "--kiosk", "front-desk", "--screenshot", str(out),
                  "--light")
    assert result.returncode == 0, result.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    colours = {image.pixel(x, y) for x in range(240, 1200, 17) for y in range(40, 860, 13)}
    assert len(colours) > 8  # the form was drawn, not a blank frame

    missing = tmp_path / "missing.png"
    result = _run("--data-dir", str(tmp_path), "--kiosk", "no-such-role", "--screenshot",
                  str(missing))
    assert result.returncode == 2
    assert "no-such-role" in result.stderr and not missing.exists()
