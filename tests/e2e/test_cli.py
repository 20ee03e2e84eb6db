"""The command line as CI and the docs use it: --version, --screenshot of each view on a demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from milo_desktop import __version__


def _run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "milo_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Milo Desktop {__version__}"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.mark.parametrize(
    "view", ["interviewers", "directory", "pipeline", "receptionists", "integrations", "interviewer:FIRST"]
)
def test_screenshot_renders_a_loaded_view(demo_dir: Path, view: str) -> None:
    if view == "interviewer:FIRST":
        import sqlite3

        db = demo_dir / "demo-400.db"
        assert db.exists(), "the interviewers screenshot builds the demo first"
        conn = sqlite3.connect(db)
        slug = conn.execute(
            "SELECT slug FROM interviewers WHERE status = 'active' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        conn.close()
        view = f"interviewer:{slug}"
    out = demo_dir / f"{view.replace(':', '-')}.png"
    result = _run(
        "--data-dir",
        str(demo_dir),
        "--demo-candidates",
        "400",
        "--screenshot",
        str(out),
        "--view",
        view,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    # not a blank frame: many distinct colours in the rendered table area
    colours = {image.pixel(x, y) for x in range(250, 1400, 23) for y in range(120, 860, 17)}
    assert len(colours) > 8


def test_unknown_interviewer_slug_fails_clearly(demo_dir: Path) -> None:
    out = demo_dir / "missing.png"
    result = _run(
        "--data-dir",
        str(demo_dir),
        "--demo-candidates",
        "400",
        "--screenshot",
        str(out),
        "--view",
        "interviewer:no-such-role",
    )
    assert result.returncode != 0
    assert "no-such-role" in result.stderr
    assert not out.exists()
