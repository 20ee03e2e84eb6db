"""``--screenshot --view analytics`` renders the Analytics section of a demo workspace, loaded
(figures, both charts, recent completions), and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from milo_desktop.views.theme import LIGHT


def test_screenshot_of_the_analytics_view(tmp_path: Path) -> None:
    out = tmp_path / "analytics.png"
    result = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--data-dir", str(tmp_path), "--demo-candidates",
         "400", "--light", "--screenshot", str(out), "--view", "analytics"],
        capture_output=True, text=True, timeout=240, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "screenshot of analytics saved" in result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    # The charts are drawn: the series' accent colour appears in the chart area (the
    # loading and empty pages have none of it there).
    accent = QColor(LIGHT.accent).rgb()
    chart_area = {image.pixel(x, y) for x in range(240, 1100, 3) for y in range(260, 880, 3)}
    assert accent in chart_area
