"""``milo-desktop --smoke-test``: the check CI runs on the frozen build, here run from source
as its own process (as CI runs it): the real workspace, demo sandboxes, sync round and screens.
It must pass on a good install and fail, with a non-zero exit, on a broken one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from milo_desktop.app.config import SMOKE_DEMO_CANDIDATES, parse_options

SECTIONS = ["interviewers", "directory", "pipeline", "receptionists", "analytics",
            "integrations", "ats", "outreach", "email", "data", "settings", "about"]


def _smoke(data_dir: Path, **env: str) -> tuple[int, dict, str]:
    done = subprocess.run(
        [sys.executable, "-m", "milo_desktop", "--smoke-test", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=170,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
    )
    lines = done.stdout.strip().splitlines()
    return done.returncode, json.loads(lines[-1]) if lines else {}, done.stderr


@pytest.mark.slow
def test_the_smoke_test_passes_and_renders_every_section(tmp_path: Path) -> None:
    code, report, stderr = _smoke(tmp_path)
    assert code == 0, (report, stderr[-2000:])
    assert report["ok"] is True and report["sections"] == SECTIONS
    assert report["start_ms"] > 0 and report["total_ms"] >= report["start_ms"]
    assert {"twilio", "email", "greenhouse"} <= set(report["synced"])
    assert "Traceback" not in stderr
    for name in SECTIONS:
        assert (tmp_path / f"smoke-{name}.png").stat().st_size > 1000, name
    assert (tmp_path / f"demo-{SMOKE_DEMO_CANDIDATES}.db").is_file()  # created, migrated, built


@pytest.mark.slow
def test_a_missing_data_file_fails_it(tmp_path: Path) -> None:
    """What a frozen build without resources/ looks like: the role templates the demo is
    built from are not there, so the run must say so and exit non-zero."""
    empty = tmp_path / "no-resources"
    empty.mkdir()
    code, report, _stderr = _smoke(tmp_path / "data", MILO_DESKTOP_RESOURCES=str(empty))
    assert code == 1
    assert report["ok"] is False
    assert "error" in report or report.get("logged_errors")


def test_it_never_runs_on_the_users_own_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_options(["--smoke-test"])
    assert exit_.value.code == 2
    assert "--smoke-test needs --data-dir" in capsys.readouterr().err
    opts = parse_options(["--smoke-test", "--data-dir", "/tmp/x"])
    assert opts.smoke_test and opts.demo and opts.demo_candidates == SMOKE_DEMO_CANDIDATES
