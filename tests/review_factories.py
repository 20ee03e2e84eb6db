"""Test data for the Candidates tab's review: one interviewer (Résumé → Voice) whose
candidates have answers with scores and evidence, a knock-out, notes and awkward names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from milo_desktop.enums import ApplicationStatus, QuestionKind, StageKind, StageStatus
from milo_desktop.models import (
    Answer,
    Application,
    CandidateNote,
    Question,
    Stage,
    StageResult,
)
from milo_desktop.paths import resources_dir
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

HOUR = dt.timedelta(hours=1)
RECORDING = resources_dir() / "sounds" / "chime.wav"  # a real, short audio file
# Commas, quotes, a newline and non-ASCII: what a CSV must quote and a PDF must print.
ODD_NAME = 'Zoë "Zee" Ångström, Jr.'
ODD_LOCATION = "Malmö,\nSkåne"


@dataclass(frozen=True)
class ReviewData:
    interviewer_id: int
    other_interviewer_id: int
    stage_ids: tuple[int, int]
    apps: dict[str, int]  # candidate's first name → application id
    candidates: dict[str, int]
    other_app: int  # an application of the other interviewer


def build(ws: Workspace) -> ReviewData:
    iid = make_interviewer(ws, "Forklift Driver", stages=(StageKind.RESUME, StageKind.VOICE))
    other = make_interviewer(ws, "Line Cook", stages=(StageKind.VOICE,))
    people = [  # name, status, stage scores, hours before NOW
        ("Ann Lee", ApplicationStatus.COMPLETED, {0: 74.0, 1: 80.0}, 1),
        ("Bob Stone", ApplicationStatus.IN_PROGRESS, {0: 60.0}, 2),
        ("Cara Diaz", ApplicationStatus.PENDING, {}, 3),
        ("Dan Fox", ApplicationStatus.KNOCKED_OUT, {0: 30.0}, 4),
        (ODD_NAME, ApplicationStatus.COMPLETED, {0: 91.0, 1: 88.0}, 5),
        ("Eve Moss", ApplicationStatus.SHORTLISTED, {0: 70.0, 1: 75.0}, 6),
    ]
    apps: dict[str, int] = {}
    cands: dict[str, int] = {}
    for name, status, scores, hours in people:
        extra: dict[str, Any] = {"location": ODD_LOCATION} if name == ODD_NAME else {
            "location": "Austin, TX"}
        cid = make_candidate(ws, name, "zoe@example.com" if name == ODD_NAME else None,
                             phone_e164="+14695550123" if name == "Ann Lee" else None, **extra)
        score = sum(scores.values()) / len(scores) if len(scores) == 2 else None
        key = name.split()[0].rstrip(",")
        cands[key] = cid
        apps[key] = make_application(ws, cid, iid, status, stage_scores=scores, score=score,
                                     created_at=NOW - hours * HOUR,
                                     last_engaged_at=NOW - hours * HOUR)
    other_cid = make_candidate(ws, "Olga Other")
    other_app = make_application(ws, other_cid, other, ApplicationStatus.COMPLETED)

    def details(s: Any) -> tuple[int, int]:
        resume, voice = s.scalars(select(Stage.id).where(Stage.interviewer_id == iid)
                                  .order_by(Stage.position)).all()
        license_q = Question(stage_id=voice, position=0, kind=QuestionKind.YES_NO,
                             prompt="Do you hold a forklift licence?", expected_yes=True,
                             dealbreaker=True)
        years_q = Question(stage_id=voice, position=1, kind=QuestionKind.SCORED,
                           prompt="Tell us about your warehouse experience.")
        s.add_all([license_q, years_q])
        s.flush()
        results = {(r.application_id, r.stage_id): r for r in s.scalars(select(StageResult))}
        # Zoë: both stages with answers, evidence and evaluators
        zr = results[(apps["Zoë"], voice)]
        zr.structured_passed, zr.structured_total, zr.evaluator = 1, 1, "rubric:v1"
        zr.transcript = "Agent: Licence? Zoë: Yes, since 2019.\nAgent: Experience? Zoë: Six years."
        zr.recording_path = str(RECORDING)
        s.add_all([
            Answer(stage_result_id=zr.id, question_id=license_q.id,
                   question_text=license_q.prompt, answer_text="Yes, since 2019", passed=True,
                   evaluator="rules", summary="Holds a licence",
                   evidence="Yes, since 2019"),
            Answer(stage_result_id=zr.id, question_id=years_q.id, question_text=years_q.prompt,
                   answer_text='Six years at "Nordlager", reach trucks, counterbalance',
                   score=4.0, evaluator="rubric:v1",
                   summary="Solid warehouse experience",
                   evidence="six years at Nordlager driving reach trucks"),
        ])
        results[(apps["Zoë"], resume)].structured_passed = 2
        results[(apps["Zoë"], resume)].structured_total = 3
        # Dan: knocked out at the Voice stage by the dealbreaker
        dr = results[(apps["Dan"], voice)]
        dr.status = StageStatus.KNOCKED_OUT
        s.add(Answer(stage_result_id=dr.id, question_id=license_q.id,
                     question_text=license_q.prompt, answer_text="No, not yet", passed=False,
                     evaluator="rules", summary="No licence", evidence="No, not yet"))
        dan = s.get(Application, apps["Dan"])
        dan.knocked_out_stage_id = voice
        # notes: Ann's on this application, Zoë's general one
        s.add(CandidateNote(candidate_id=cands["Ann"], application_id=apps["Ann"],
                            author="rita", body="Great on the phone", created_at=NOW))
        s.get(Application, apps["Ann"]).has_notes = True
        s.add(CandidateNote(candidate_id=cands["Zoë"], author="rita",
                            body="Prefers night shifts", created_at=NOW))
        return resume, voice

    stage_ids = ws.db.run_sync(details, write=True)
    return ReviewData(iid, other, stage_ids, apps, cands, other_app)


def statuses(ws: Workspace, ids: list[int] | tuple[int, ...]) -> dict[int, ApplicationStatus]:
    def q(s: Any) -> dict[int, ApplicationStatus]:
        return dict(s.execute(select(Application.id, Application.status)
                              .where(Application.id.in_(list(ids)))).all())

    return ws.db.run_sync(q)


def add_many(ws: Workspace, interviewer_id: int, n: int,
             status: ApplicationStatus = ApplicationStatus.COMPLETED) -> list[int]:
    """``n`` more candidates in ``interviewer_id`` (one transaction), invited before the
    others; returns their application ids."""
    from milo_desktop.models import Candidate

    def write(s: Any) -> list[int]:
        apps = []
        for i in range(n):
            c = Candidate(full_name=f"Many {i:04d}", name_key=f"many {i:04d}",
                          email=f"many{i}@example.com", created_at=NOW)
            app = Application(candidate=c, interviewer_id=interviewer_id, status=status,
                              created_at=NOW - dt.timedelta(days=1, minutes=i))
            s.add(app)
            apps.append(app)
        s.flush()
        return [a.id for a in apps]

    return ws.db.run_sync(write, write=True)
