"""Attaching a résumé: copy kept 0600, requirements scored with evidence, stored on SQLite and
PostgreSQL; bad files quarantined with their reason and nothing lost."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import ApplicationStatus, QuestionKind, StageKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, Application, QuarantinedRecord, StageResult
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.scoring import RUBRIC, STRUCTURED
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.resume_files import write_docx, write_pdf, write_text
from tests.unit.test_resume_extract import make_bad

K = QuestionKind
REQUIREMENTS = (
    dict(kind=K.YES_NO, prompt="Has a forklift certification", expected_yes=True,
         dealbreaker=True),
    dict(kind=K.MIN_AMOUNT, prompt="2 years of warehouse experience", min_value=2,
         unit="years", dealbreaker=True),
    dict(kind=K.YES_NO, prompt="Has a CDL (commercial driver license)", expected_yes=True),
    dict(kind=K.SCORED, prompt="Customer service experience", weight=1.0,
         rubric_low="no contact with customers",
         rubric_high="years of customer service: resolving complaints, handling returns, "
                     "helping customers at the register"),
)


@pytest.fixture
def resume_setup(workspace: Workspace, tmp_path: Path) -> dict[str, Any]:
    iv = make_interviewer(workspace, stages=(StageKind.RESUME, StageKind.VOICE))
    stage, keys = add_questions(workspace, iv, 0, *REQUIREMENTS)
    app = make_application(workspace, make_candidate(workspace, "Dana Lopez"), iv)
    workspace.applications.clock = lambda: NOW
    service = ResumeService(workspace.db, workspace.bus, tmp_path / "data",
                            workspace.applications, clock=lambda: NOW)
    return dict(iv=iv, stage=stage, keys=keys, app=app, service=service,
                folder=tmp_path / "data" / "resumes")


def _stored(ws: Workspace, app_id: int) -> dict[str, Any]:
    def read(s: Any) -> dict[str, Any]:
        app = s.get(Application, app_id)
        result = s.scalars(select(StageResult).where(StageResult.application_id == app_id)
                           .order_by(StageResult.stage_id)).first()
        answers = s.scalars(select(Answer).where(Answer.stage_result_id == result.id)
                            .order_by(Answer.id)).all()
        return dict(status=app.status, stage=(result.status, result.score,
                                              result.structured_passed,
                                              result.structured_total, result.evaluator),
                    file=result.recording_path, transcript=result.transcript,
                    answers=[(a.question_text, a.passed, a.score, a.evidence, a.evaluator,
                              a.summary) for a in answers])

    return ws.db.run_sync(read)


@pytest.mark.parametrize("writer", [write_pdf, write_docx, write_text],
                         ids=["pdf", "docx", "txt"])
def test_attach_scores_the_requirements(workspace: Workspace, resume_setup: dict[str, Any],
                                        tmp_path: Path, arun: Any, writer: Any) -> None:
    suffix = {"write_pdf": ".pdf", "write_docx": ".docx", "write_text": ".txt"}[writer.__name__]
    source = writer(tmp_path / f"Dana Lopez CV{suffix}")
    advance = arun(resume_setup["service"].attach(resume_setup["app"], source))
    assert advance.application_status == ApplicationStatus.IN_PROGRESS
    assert not advance.knocked_out and advance.next_stage_id is not None

    got = _stored(workspace, resume_setup["app"])
    status, score, passed, total, evaluator = got["stage"]
    assert (status, passed, total, evaluator) == (StageStatus.COMPLETED, 2, 3, RUBRIC)
    assert score is not None and score >= 50  # "Résumé 74% • 2/3" comes from these
    cert, years, cdl, service = got["answers"]
    assert cert[1] is True and "Forklift certified (OSHA)" in cert[3] and cert[4] == STRUCTURED
    assert years[1] is True and "Jan 2020 - Present" in years[3]
    assert "6.83 years, meets the minimum of 2 years" in years[5]
    assert cdl[1] is False and cdl[3] == "" and "No mention" in cdl[5]
    assert service[4] == RUBRIC and service[2] >= 3 and "complaints" in service[3]
    assert "Forklift certified" in got["transcript"]

    kept = Path(got["file"])
    assert kept.parent == resume_setup["folder"] and kept.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert source.exists()  # the recruiter's own file is left alone

    with pytest.raises(ValidationProblem, match="already scored"):
        arun(resume_setup["service"].attach(resume_setup["app"], source))


def test_too_little_experience_knocks_out(workspace: Workspace, resume_setup: dict[str, Any],
                                          tmp_path: Path, arun: Any) -> None:
    lines = ["Sam Short", "Warehouse Picker, QuickShip", "Mar 2026 - Present",
             "- Picking and packing orders.", "Forklift certified (OSHA), 2026."]
    advance = arun(resume_setup["service"].attach(resume_setup["app"],
                                                  write_text(tmp_path / "cv.txt", lines)))
    assert advance.knocked_out and advance.application_status == ApplicationStatus.KNOCKED_OUT
    got = _stored(workspace, resume_setup["app"])
    assert got["stage"][0] == StageStatus.KNOCKED_OUT
    assert "below the minimum of 2 years" in got["answers"][1][5]


@pytest.mark.parametrize("name", ["corrupt.pdf", "locked.pdf", "scan.pdf", "huge.txt",
                                  "binary.txt"])
def test_bad_files_are_quarantined(workspace: Workspace, resume_setup: dict[str, Any],
                                   tmp_path: Path, arun: Any, name: str) -> None:
    source = make_bad(tmp_path, name)
    with pytest.raises(ValidationProblem) as err:
        arun(resume_setup["service"].attach(resume_setup["app"], source))
    assert err.value.message.startswith(name)

    def rows(s: Any) -> list[tuple[str, str, str | None, str]]:
        return [(r.service, r.reason, r.external_id, r.payload)
                for r in s.scalars(select(QuarantinedRecord))]

    (service, reason, external_id, payload), = workspace.db.run_sync(rows)
    assert (service, reason, external_id) == ("resume", err.value.message,
                                              str(resume_setup["app"]))
    kept = json.loads(payload)
    assert kept["original_path"] == str(source) and kept["size"] == source.stat().st_size
    if name == "huge.txt":
        assert kept["kept_path"] is None  # too big to copy: the original is where it was
    else:
        assert Path(kept["kept_path"]).read_bytes() == source.read_bytes()
    got = _stored(workspace, resume_setup["app"])
    assert got["status"] == ApplicationStatus.PENDING  # nothing was scored
    assert got["stage"][0] == StageStatus.NOT_STARTED


def test_no_resume_stage(workspace: Workspace, tmp_path: Path, arun: Any) -> None:
    iv = make_interviewer(workspace, "Voice Only", stages=(StageKind.VOICE,))
    app = make_application(workspace, make_candidate(workspace, "Lee Park"), iv)
    service = ResumeService(workspace.db, workspace.bus, tmp_path, workspace.applications)
    with pytest.raises(ValidationProblem, match="no Résumé stage"):
        arun(service.attach(app, write_text(tmp_path / "cv.txt")))
    assert not (tmp_path / "resumes").exists()
