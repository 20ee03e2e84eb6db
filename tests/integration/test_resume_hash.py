"""A résumé's content hash (SQLite and PostgreSQL): stored on the stage result, and the same
file attached again for the same candidate — on another of their applications, under another
file name — is refused with a clear message, nothing kept or scored twice."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import StageResult
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.integration.test_resume_service import REQUIREMENTS
from tests.resume_files import RESUME_LINES, write_text


@pytest.fixture
def two_roles(workspace: Workspace, tmp_path: Path) -> dict[str, Any]:
    ws = workspace
    apps = []
    dana = make_candidate(ws, "Dana Lopez")
    for name in ("Forklift Operator", "Warehouse Lead"):
        iv = make_interviewer(ws, name, stages=(StageKind.RESUME, StageKind.VOICE))
        add_questions(ws, iv, 0, *REQUIREMENTS)
        apps.append(make_application(ws, dana, iv))
    other = make_application(ws, make_candidate(ws, "Sam Short"), iv)
    ws.applications.clock = lambda: NOW
    service = ResumeService(ws.db, ws.bus, tmp_path / "data", ws.applications,
                            clock=lambda: NOW)
    return dict(apps=apps, other=other, service=service, folder=tmp_path / "data" / "resumes")


def _resume_result(ws: Workspace, app_id: int) -> tuple[StageStatus, str | None]:
    return ws.db.run_sync(lambda s: s.execute(
        select(StageResult.status, StageResult.file_sha256)
        .where(StageResult.application_id == app_id).order_by(StageResult.stage_id)
    ).tuples().first())


def test_the_same_file_is_never_added_twice_for_one_candidate(
        workspace: Workspace, two_roles: dict[str, Any], tmp_path: Path, arun: Any) -> None:
    service, (first, second) = two_roles["service"], two_roles["apps"]
    source = write_text(tmp_path / "Dana CV.txt", RESUME_LINES)
    arun(service.attach(first, source))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert _resume_result(workspace, first) == (StageStatus.COMPLETED, digest)
    kept = sorted(two_roles["folder"].iterdir())

    renamed = shutil.copy(source, tmp_path / "resume-final-v2.txt")
    with pytest.raises(ValidationProblem) as err:
        arun(service.attach(second, renamed))
    local = NOW.astimezone()  # 22 Nov 2026 wherever the computer is, but for UTC+12 and up
    assert err.value.message == ("This résumé is already on Dana Lopez's profile "
                                 f"(added {local.day} {local:%b %Y}).")
    assert sorted(two_roles["folder"].iterdir()) == kept  # no second copy
    assert _resume_result(workspace, second) == (StageStatus.NOT_STARTED, None)

    # Another file for Dana, and the same file for someone else, are fine.
    arun(service.attach(second, write_text(tmp_path / "other.txt", [*RESUME_LINES, "CDL"])))
    assert _resume_result(workspace, second)[0] == StageStatus.COMPLETED
    arun(service.attach(two_roles["other"], source))
    assert _resume_result(workspace, two_roles["other"]) == (StageStatus.COMPLETED, digest)
