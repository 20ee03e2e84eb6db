"""A résumé attached to the Résumé stage is parsed and the parse stored beside the stage
result (SQLite and PostgreSQL); the scorer gains titles the text-only guess missed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.models import ParsedResumeRow, StageResult
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.resume.parse import PARSER_VERSION, parse_text
from milo_desktop.services.resume.requirements import Resume, concepts, experience_months
from milo_desktop.services.resume.store import parsed_resumes_of
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.resume_corpus import generate

K = QuestionKind


def test_the_parse_is_stored_with_the_stage_result(workspace: Workspace, tmp_path: Path,
                                                   arun: Any) -> None:
    iv = make_interviewer(workspace, stages=(StageKind.RESUME, StageKind.VOICE))
    add_questions(workspace, iv, 0, dict(kind=K.YES_NO, prompt="Has a forklift certification",
                                         expected_yes=True))
    candidate = make_candidate(workspace, "Zoë Núñez")
    app = make_application(workspace, candidate, iv)
    workspace.applications.clock = lambda: NOW
    service = ResumeService(workspace.db, workspace.bus, tmp_path / "data",
                            workspace.applications, clock=lambda: NOW)
    (e,) = [c for c in generate(tmp_path / "corpus", 7, seed=3) if c.kind == "pdf2col"]
    outcome = arun(service.attach_detailed(app, e.path))
    assert outcome.parsed is not None and outcome.parsed.email is not None
    assert outcome.parsed.email.value == e.email

    def read(s: Any) -> tuple[Any, ...]:
        row = s.scalars(select(ParsedResumeRow)).one()
        result = s.scalars(select(StageResult).where(StageResult.application_id == app)).first()
        return row.stage_result_id, result.id, row.candidate_id, row.parser_version, \
            row.file_path, row.file_name, row.data

    stage_result, result_id, cand, version, path, name, data = workspace.db.run_sync(read)
    assert (stage_result, cand, version, name) == (result_id, candidate, PARSER_VERSION,
                                                   e.path.name)
    assert path == str(outcome.kept) and Path(path).is_file()
    assert data["phone"]["value"] == e.phone
    assert [j["title"]["value"] for j in data["jobs"]] == [j.title for j in e.jobs]

    stored = arun(parsed_resumes_of(workspace.db, candidate))
    assert len(stored) == 1 and stored[0].parsed == outcome.parsed
    assert stored[0].file_path == outcome.kept and stored[0].application_id == app
    assert arun(parsed_resumes_of(workspace.db, candidate + 1000)) == []


def test_the_parse_lends_the_scorer_a_title_two_lines_above_the_dates() -> None:
    text = ("Dana Lopez\nEXPERIENCE\nWarehouse Associate\nBlue Harbor\nJan 2020 - Jan 2023\n"
            "- Loaded trucks.\nCashier\nSunrise Bakery\n2017 - 2019\n- Rang up sales.")
    now = dt.date(2026, 12, 7)
    wanted = concepts("2 years of warehouse experience")
    plain, _ = experience_months(Resume.of(text, now), wanted)
    helped, evidence = experience_months(Resume.of(text, now, parse_text(text, now=now)), wanted)
    assert plain == 0  # the text-only guess took "Blue Harbor" for the title
    assert helped == 36 and "Jan 2020 - Jan 2023" in evidence


def test_a_scanned_pdf_is_kept_aside_with_its_reason_and_not_parsed(
        workspace: Workspace, tmp_path: Path, arun: Any) -> None:
    from milo_desktop.errors import ValidationProblem
    from milo_desktop.models import QuarantinedRecord
    from tests.resume_files import write_image_only_pdf

    iv = make_interviewer(workspace, stages=(StageKind.RESUME,))
    app = make_application(workspace, make_candidate(workspace, "Dana Lopez"), iv)
    service = ResumeService(workspace.db, workspace.bus, tmp_path / "data",
                            workspace.applications, clock=lambda: NOW)
    scan = write_image_only_pdf(tmp_path / "scan.pdf")
    try:
        arun(service.attach(app, scan))
    except ValidationProblem as exc:
        assert "no text layer — scanned?" in exc.message
    else:
        raise AssertionError("a scanned PDF was accepted")

    def read(s: Any) -> tuple[int, list[tuple[str, str]]]:
        rows = s.scalars(select(QuarantinedRecord)).all()
        return (len(s.scalars(select(ParsedResumeRow)).all()),
                [(r.reason, r.payload) for r in rows])

    parsed, quarantined = workspace.db.run_sync(read)
    assert parsed == 0
    ((reason, payload),) = quarantined
    assert reason == "scan.pdf: This PDF has no text layer — scanned? Ask for a DOCX or text résumé."
    kept = json.loads(payload)["kept_path"]
    assert kept and Path(kept).read_bytes() == scan.read_bytes()  # nothing lost
