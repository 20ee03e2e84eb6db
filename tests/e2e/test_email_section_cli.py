"""``--screenshot --view email`` renders Source Candidates → Apply via Email of a demo workspace
(its demo mailbox connected, the addresses listed, its sidebar entry selected) and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from milo_desktop.views.theme import DARK, LIGHT


def shoot(tmp_path: Path, theme: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / f"email-{theme}.png"
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(tmp_path / theme),
         "--demo-candidates", "200", f"--{theme}", "--screenshot", str(out), "--view", "email"],
        capture_output=True, text=True, timeout=240, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return result, out


def test_screenshot_of_the_apply_via_email_view(tmp_path: Path) -> None:
    for theme, palette in (("light", LIGHT), ("dark", DARK)):
        result, out = shoot(tmp_path, theme)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "screenshot of email saved" in result.stderr
        assert "demo mailbox on 127.0.0.1" in result.stderr  # connected for the picture
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1440, 900)
        # The selected sidebar row is Apply via Email's (Source Candidates, after From ATS).
        active = QColor(palette.sidebar_active).rgb()
        rows = [y for y in range(80, 700) if image.pixel(100, y) == active]
        assert rows and 320 <= sum(rows) / len(rows) <= 355, rows[:3]


def test_an_unknown_view_names_email_among_the_choices(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(tmp_path), "--view", "nope"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode != 0
    assert "outreach, email," in result.stderr and " or interviewer" in result.stderr
