"""The app starts on a computer without QtMultimedia (a Linux box without libpulse): run as a
user would, in a process where importing PySide6.QtMultimedia fails exactly as it does there
— whether or not this machine has the library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Put before every other finder: any import of QtMultimedia (or its widgets) fails like a
# missing libpulse does; then the app's own entry point runs with the remaining arguments.
NO_MULTIMEDIA = """
import importlib.abc, sys

class NoQtMultimedia(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("PySide6.QtMultimedia"):
            raise ImportError("libpulse.so.0: cannot open shared object file: No such file "
                              "or directory", name=name)
        return None

sys.meta_path.insert(0, NoQtMultimedia())
from milo_desktop.app.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-multimedia")


# The pipeline lists calls with recordings; Integrations holds the sound preference, which
# asks the probe (and says sounds are unavailable).
@pytest.mark.parametrize("view", ["pipeline", "integrations"])
def test_starts_and_renders_without_qtmultimedia(demo_dir: Path, view: str) -> None:
    shot = demo_dir / f"{view}.png"
    result = subprocess.run(
        [sys.executable, "-c", NO_MULTIMEDIA, "--data-dir", str(demo_dir), "--demo-candidates",
         "400", "--screenshot", str(shot), "--view", view],
        capture_output=True, text=True, timeout=240, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert shot.is_file() and shot.stat().st_size > 10_000
    if view == "integrations":  # the probe ran, met the failure, and said it in plain words
        assert ("QtMultimedia is unavailable (the audio library libpulse (PulseAudio) is not "
                "installed)") in result.stderr
