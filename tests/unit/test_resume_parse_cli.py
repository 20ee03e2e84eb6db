"""``milo-desktop resume parse FILE --json``: one JSON object and exit 0, or exit 2 with the
reason on stderr; no Qt imported."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from milo_desktop.app.main import main
from milo_desktop.app.resume_cli import resume_main
from tests.resume_corpus import generate
from tests.resume_files import write_image_only_pdf


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = resume_main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_of_a_generated_resume(tmp_path: Path) -> None:
    (e,) = generate(tmp_path, 1, seed=5)
    code, out, err = _run(["parse", str(e.path), "--json", "--today", "2026-12-07"])
    assert code == 0 and err == ""
    data = json.loads(out)  # one object, nothing else on stdout
    assert data["email"]["value"] == e.email and data["phone"]["value"] == e.phone
    assert [(j["start"], j["end"]) for j in data["jobs"]] == [(j.start, j.end) for j in e.jobs]
    assert data["email"]["line"] >= 1 and e.email in data["email"]["source"]
    assert data["now"] == "2026-12-07" and data["version"] >= 1


def test_summary_without_json(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text("Dana Lopez\ndana@example.com\nEXPERIENCE\nCook, Blue Harbor\n2019 - 2021\n",
                    encoding="utf-8")
    code, out, _ = _run(["parse", str(path), "--today", "2026-12-07"])
    assert code == 0
    assert "Name: Dana Lopez" in out and "Cook, Blue Harbor: 2019-01 – 2021-01 (24 months)" in out


def test_unreadable_files_exit_2_with_the_reason(tmp_path: Path) -> None:
    code, out, err = _run(["parse", str(write_image_only_pdf(tmp_path / "scan.pdf")), "--json"])
    assert (code, out) == (2, "")
    assert err.strip() == ("resume parse: scan.pdf: This PDF has no text layer — scanned? "
                           "Ask for a DOCX or text résumé.")
    code, _, err = _run(["parse", str(tmp_path / "missing.pdf")])
    assert code == 2 and "missing.pdf: no such file" in err
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    code, _, err = _run(["parse", str(tmp_path / "photo.jpg")])
    assert code == 2 and "not a résumé format" in err


def test_bad_usage() -> None:
    assert _run(["frobnicate"])[0] == 64


def test_through_main_without_qt(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text("Dana Lopez\ndana@example.com\n", encoding="utf-8")
    assert main(["resume", "parse", str(path), "--json"]) == 0
    probe = ("import sys, json; from milo_desktop.app.main import main; "
             f"code = main(['resume', 'parse', {str(path)!r}, '--json']); "
             "print(json.dumps([code, any(m.startswith('PySide6') for m in sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    code, qt = json.loads(done.stdout.strip().split("\n")[-1])
    assert code == 0 and qt is False
