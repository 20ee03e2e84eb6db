"""``--screenshot --view outreach`` renders the Outreach section of a demo workspace (Waiting to
send loaded, its sidebar entry selected) and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from milo_desktop.views.theme import LIGHT


def test_screenshot_of_the_outreach_view(tmp_path: Path) -> None:
    out = tmp_path / "outreach.png"
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(tmp_path), "--demo-candidates",
         "200", "--light", "--screenshot", str(out), "--view", "outreach"],
        capture_output=True, text=True, timeout=240, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "screenshot of outreach saved" in result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    # The selected sidebar row is Outreach's (the tenth row, under WORKSPACE → Analytics).
    active = QColor(LIGHT.sidebar_active).rgb()
    rows = [y for y in range(80, 700) if image.pixel(100, y) == active]
    assert rows and 455 <= sum(rows) / len(rows) <= 490, rows[:3]


def test_an_unknown_view_names_outreach_among_the_choices(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(tmp_path), "--view", "nope"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode != 0
    assert "outreach" in result.stderr
