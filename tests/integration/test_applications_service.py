"""Stage results stored on SQLite and PostgreSQL: answers with evidence, statuses, the overall
score, notifications, replays, and the review actions with undo."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import (
    ApplicationStatus,
    NotificationKind,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, Application, Notification, Question, Stage, StageResult
from milo_desktop.services.applications import ApplicationsService, StageAdvance, work_statuses
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.scoring import RUBRIC, STRUCTURED
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

K = QuestionKind
A = ApplicationStatus


def add_questions(ws: Workspace, interviewer_id: int, position: int,
                  *questions: dict[str, Any], min_score: int | None = None) -> tuple[int, list[str]]:
    """Questions on the stage at ``position``; returns (stage id, question keys)."""

    def write(s: Any) -> tuple[int, list[str]]:
        stage = s.scalar(select(Stage).where(Stage.interviewer_id == interviewer_id,
                                             Stage.position == position))
        stage.min_score = min_score
        rows = [Question(stage_id=stage.id, position=i, **q) for i, q in enumerate(questions)]
        s.add_all(rows)
        s.flush()
        return stage.id, [str(r.id) for r in rows]

    return ws.db.run_sync(write, write=True)


FORKLIFT = dict(kind=K.SCORED, prompt="Tell us about your forklift experience", weight=1.0,
                rubric_low="never operated a forklift",
                rubric_high="years operating reach and sit-down forklifts, certified, safety")
LICENSE = dict(kind=K.YES_NO, prompt="Do you have a forklift license?", expected_yes=True,
               dealbreaker=True)
NIGHTS = dict(kind=K.YES_NO, prompt="Can you work nights?", expected_yes=True)
TEAM = dict(kind=K.SCORED, prompt="Describe working in a team", weight=3.0,
            rubric_low="prefers to work alone", rubric_high="helped teammates, trained, led")


@pytest.fixture
def setup(workspace: Workspace) -> dict[str, Any]:
    iv = make_interviewer(workspace, stages=(StageKind.VOICE, StageKind.SMS))
    voice, (q_lic, q_fork) = add_questions(workspace, iv, 0, LICENSE, FORKLIFT, min_score=90)
    sms, (q_night, q_team) = add_questions(workspace, iv, 1, NIGHTS, TEAM)
    cand = make_candidate(workspace, "Dana Lopez")
    app = make_application(workspace, cand, iv)
    workspace.applications.clock = lambda: NOW
    return dict(iv=iv, voice=voice, sms=sms, app=app, cand=cand, q_lic=q_lic, q_fork=q_fork,
                q_night=q_night, q_team=q_team)


def _state(ws: Workspace, app_id: int) -> dict[str, Any]:
    def read(s: Any) -> dict[str, Any]:
        app = s.get(Application, app_id)
        results = s.scalars(select(StageResult).where(StageResult.application_id == app_id)
                            .order_by(StageResult.stage_id)).all()
        answers = s.scalars(select(Answer).join(StageResult)
                            .where(StageResult.application_id == app_id)
                            .order_by(Answer.id)).all()
        return dict(status=app.status, score=app.score, ko=app.knocked_out_stage_id,
                    completed_at=app.completed_at,
                    stages={r.stage_id: (r.status, r.score, r.structured_passed,
                                         r.structured_total, r.evaluator, r.external_sid)
                            for r in results},
                    answers=[(a.question_text, a.answer_text, a.score, a.passed, a.evidence,
                              a.evaluator, a.summary) for a in answers])

    return ws.db.run_sync(read)


def test_stages_complete_the_application_with_the_weighted_score(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    seen: list[ApplicationsChanged] = []
    workspace.bus.subscribe(ApplicationsChanged, seen.append)
    svc = workspace.applications
    first = arun(svc.complete_stage(setup["app"], setup["voice"], {
        setup["q_lic"]: ("", "1"),
        setup["q_fork"]: "I have been operating reach and sit-down forklifts for six years, "
                         "certified, with a clean safety record.",
    }, transcript="Agent: ...", external_sid="FN1"))
    assert first == StageAdvance(A.IN_PROGRESS, setup["sms"], False, False, None,
                                 first.stage_score)
    assert first.stage_score is not None and first.stage_score >= 75
    state = _state(workspace, setup["app"])
    assert state["status"] == A.IN_PROGRESS and state["score"] is None
    status, score, passed, total, evaluator, sid = state["stages"][setup["voice"]]
    assert (status, passed, total, evaluator, sid) == (StageStatus.COMPLETED, 1, 1, RUBRIC, "FN1")
    lic, fork = state["answers"]
    assert lic[3] is True and lic[5] == STRUCTURED and "keypad 1" in lic[4]
    assert fork[5] == RUBRIC and "forklifts" in fork[4] and fork[2] >= 4
    with pytest.raises(ValidationProblem, match="already completed"):  # a second, other result
        arun(svc.complete_stage(setup["app"], setup["voice"], {}, external_sid="FN2"))
    assert _state(workspace, setup["app"]) == state  # not left "evaluating"

    second = arun(svc.complete_stage(setup["app"], setup["sms"], {
        setup["q_night"]: "yes",
        setup["q_team"]: "I prefer to work alone",
    }))
    assert second.completed and not second.knocked_out and second.next_stage_id is None
    state = _state(workspace, setup["app"])
    assert state["status"] == A.COMPLETED and state["completed_at"] is not None
    sms_score = state["stages"][setup["sms"]][1]
    # Overall = stages weighted by their scored questions' weights (voice 1, sms 3).
    assert state["score"] == pytest.approx(round((score * 1 + sms_score * 3) / 4, 1))
    assert second.score == state["score"]
    assert {e.ids for e in seen} == {(setup["app"],)}

    def notes(s: Any) -> list[tuple[NotificationKind, str, str]]:
        return [(n.kind, n.title, n.body)
                for n in s.scalars(select(Notification).order_by(Notification.id))]

    kinds = workspace.db.run_sync(notes)
    assert kinds[0][0] == NotificationKind.SCORE_READY and "Dana Lopez" in kinds[0][1]
    assert "below the stage minimum of 90" in kinds[0][2] or first.stage_score >= 90
    assert kinds[1][0] == NotificationKind.COMPLETED and "completed" in kinds[1][1]


def test_dealbreaker_knocks_out_and_replay_is_a_no_op(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    svc = workspace.applications
    answers = {setup["q_lic"]: "no, I don't have one", setup["q_fork"]: "never operated one"}
    out = arun(svc.complete_stage(setup["app"], setup["voice"], answers, external_sid="FN9"))
    assert out.knocked_out and not out.completed and out.next_stage_id is None
    state = _state(workspace, setup["app"])
    assert state["status"] == A.KNOCKED_OUT and state["ko"] == setup["voice"]
    assert state["stages"][setup["voice"]][0] == StageStatus.KNOCKED_OUT
    assert state["score"] is not None  # the knocked-out stage's score is kept as advice
    assert state["stages"][setup["sms"]][0] == StageStatus.NOT_STARTED

    again = arun(svc.complete_stage(setup["app"], setup["voice"], answers, external_sid="FN9"))
    assert again.unchanged and again.knocked_out
    assert _state(workspace, setup["app"]) == state
    with pytest.raises(ValidationProblem, match="already knocked out"):
        arun(svc.complete_stage(setup["app"], setup["voice"], answers, external_sid="FN10"))

    def titles(s: Any) -> list[str]:
        return list(s.scalars(select(Notification.title)))

    assert workspace.db.run_sync(titles) == ["Dana Lopez was knocked out — Warehouse Associate"]


def test_unanswered_questions_are_stored_explicitly(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    arun(workspace.applications.complete_stage(setup["app"], setup["voice"], {}))
    state = _state(workspace, setup["app"])
    assert state["status"] == A.IN_PROGRESS  # an unanswered dealbreaker knocks nobody out
    assert state["stages"][setup["voice"]][1:4] == (0.0, 0, 1)
    (lic_prompt, lic_text, _, lic_passed, _, _, lic_summary), fork = state["answers"]
    assert lic_prompt == LICENSE["prompt"]
    assert lic_text == "" and lic_passed is None and lic_summary.startswith("Not answered")
    assert fork[2] == 1.0 and fork[5] == "unanswered"


def test_stage_of_another_interviewer_is_refused(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    other = make_interviewer(workspace, "Line Cook", stages=(StageKind.FORM,))
    other_stage = workspace.db.run_sync(
        lambda s: s.scalar(select(Stage.id).where(Stage.interviewer_id == other)))
    with pytest.raises(ValidationProblem, match="not part of"):
        arun(workspace.applications.complete_stage(setup["app"], other_stage, {}))


class Exploding:
    name = "exploding"

    async def evaluate(self, question: Any, answer_text: str) -> Any:
        raise RuntimeError("evaluator bug")


def test_a_failing_evaluation_leaves_the_status_as_it_was(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    async def factory() -> Any:
        return Exploding()

    svc = ApplicationsService(workspace.db, workspace.bus, factory)
    with pytest.raises(RuntimeError):
        arun(svc.complete_stage(setup["app"], setup["voice"], {setup["q_fork"]: "some text"}))
    assert _state(workspace, setup["app"])["status"] == A.PENDING


def _set_status(ws: Workspace, app_id: int, status: ApplicationStatus) -> None:
    def write(s: Any) -> None:
        s.get(Application, app_id).status = status

    ws.db.run_sync(write, write=True)


def test_results_arriving_while_dismissed_keep_the_decision(
        workspace: Workspace, setup: dict[str, Any], arun: Any) -> None:
    svc = workspace.applications
    _set_status(workspace, setup["app"], A.DISMISSED)  # the recruiter dismissed them early
    assert workspace.db.run_sync(lambda s: work_statuses(s, [setup["app"]])) \
        == {setup["app"]: A.PENDING}
    arun(svc.complete_stage(setup["app"], setup["voice"],
                            {setup["q_lic"]: "yes", setup["q_fork"]: "six years on forklifts"}))
    assert workspace.db.run_sync(lambda s: work_statuses(s, [setup["app"]])) \
        == {setup["app"]: A.IN_PROGRESS}
    arun(svc.complete_stage(setup["app"], setup["sms"],
                            {setup["q_night"]: "yes", setup["q_team"]: "I trained teammates"}))
    state = _state(workspace, setup["app"])
    assert state["status"] == A.DISMISSED and state["score"] is not None
    # What undoing the dismissal should return to now: completed, not the stale "pending".
    assert workspace.db.run_sync(lambda s: work_statuses(s, [setup["app"], 999_999])) \
        == {setup["app"]: A.COMPLETED, 999_999: A.PENDING}
