"""Demo mode's applicants: a demo candidate invited to a role that starts with the Résumé
stage sends a résumé after a moment; it is scored like any other, and the next stage can
start. Real (non-demo) candidates are never touched."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select

from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.models import Answer, StageResult
from milo_desktop.services.demo.resumes import SEND_AFTER, send_demo_resumes
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.integration.test_resume_service import REQUIREMENTS


def _resume_stage(ws: Workspace, app_id: int) -> tuple[Any, str, list[str]]:
    def read(s: Any) -> tuple[Any, str, list[str]]:
        result = s.scalars(select(StageResult).where(StageResult.application_id == app_id)
                           .order_by(StageResult.stage_id)).first()
        evaluators = list(s.scalars(select(Answer.evaluator)
                                    .where(Answer.stage_result_id == result.id)))
        return result.status, result.transcript, evaluators
    return ws.db.run_sync(read)


def test_invited_demo_candidates_send_a_resume_that_is_scored(
        workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    iv = make_interviewer(workspace, stages=(StageKind.RESUME, StageKind.VOICE))
    add_questions(workspace, iv, 0, *REQUIREMENTS)
    created = NOW - dt.timedelta(minutes=5)
    demo = make_application(workspace, make_candidate(workspace, "Dana Lopez"), iv,
                            created_at=created)
    real = make_application(workspace, make_candidate(workspace, "Real Person",
                                                      "real.person@acme-staffing.com"), iv,
                            created_at=created)
    fresh = make_application(workspace, make_candidate(workspace, "Just Invited"), iv,
                             created_at=NOW - SEND_AFTER / 2)
    workspace.applications.clock = lambda: NOW
    service = ResumeService(workspace.db, workspace.bus, tmp_path / "data",
                            workspace.applications, clock=lambda: NOW)

    sent = arun(send_demo_resumes(workspace.db, service, tmp_path / "demo", random.Random(3),
                                  now=NOW))
    assert sent == 1
    status, transcript, evaluators = _resume_stage(workspace, demo)
    assert status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)
    assert "Dana Lopez" in transcript and "EXPERIENCE" in transcript
    assert len(evaluators) == len(REQUIREMENTS) and all(evaluators)
    for untouched in (real, fresh):  # not a demo address / not waited long enough yet
        assert _resume_stage(workspace, untouched)[0] == StageStatus.NOT_STARTED
    # A second pass finds nothing new to send for the same application.
    again = arun(send_demo_resumes(workspace.db, service, tmp_path / "demo", random.Random(3),
                                   now=NOW))
    assert again == 0
