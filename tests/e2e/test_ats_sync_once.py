"""Each ATS with only credentials: ``milo-desktop sync --once`` in a separate process, the
connector's credentials and base URL from the environment (``MILO_<ATS>_*``), against that
ATS's sandbox over a socket. The people arrive; a second run adds nobody twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from milo_desktop.services.connectors.ats import credentials
from tests.ats_kits import NAMES, kit


def _sync(data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Other connectors' variables from the developer's shell must not leak in.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("MILO_") and not k.startswith("TWILIO_")}
    return subprocess.run(
        [sys.executable, "-m", "milo_desktop", "sync", "--once", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=180, env={**clean, **env}, check=False)


@pytest.mark.parametrize("name", NAMES)
def test_sync_once_imports_an_ats_with_only_credentials(name: str, tmp_path: Path,
                                                        arun: Any) -> None:
    k = kit(name)
    box = k.SANDBOX()
    with box.running():
        job = box.add_job("Forklift Operator", ["Applied", "Phone Screen"])
        for i, (first, last) in enumerate((("Ana", "Lopez"), ("Ben", "Cho"), ("Cy", "Ito"))):
            box.add_candidate(first, last, f"{first.lower()}@example.com",
                              f"+1214555{110 + i:04d}", job)
        # Lever's OAuth refresh tokens rotate on every use, and a headless run cannot keep
        # the new one in its environment: headless Lever runs use an API key.
        creds = box.credentials(mode="api_key") if name == "lever" else box.credentials()
        env = {credentials.env_name(k.SPEC.service, f): v for f, v in creds.items()}
        env[credentials.env_name(k.SPEC.service, credentials.BASE_FIELD)] = box.base_url
        first = _sync(tmp_path, env)
        assert first.returncode == 0, first.stdout + first.stderr
        line = next(x for x in first.stdout.splitlines() if x.startswith(f"{name}:"))
        assert "3 candidates" in line and "3 new people" in line, first.stdout
        again = _sync(tmp_path, env)
        assert again.returncode == 0, again.stdout + again.stderr
    db = sqlite3.connect(tmp_path / "workspace.db")
    people = db.execute("SELECT email FROM candidates ORDER BY email").fetchall()
    db.close()
    assert people == [("ana@example.com",), ("ben@example.com",), ("cy@example.com",)]
    secret = next((v for f, v in creds.items()
                   if "secret" in f or "token" in f or "password" in f or "key" in f), None)
    if secret:
        assert secret not in first.stdout + first.stderr
