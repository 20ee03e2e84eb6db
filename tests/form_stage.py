"""An interviewer with a Form stage of every kind of question (kiosk and preview tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from milo_desktop.enums import InterviewerStatus, QuestionKind, StageKind
from milo_desktop.models import Interviewer, Question, Stage
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW

FORM_QUESTIONS: tuple[dict[str, Any], ...] = (
    dict(kind=QuestionKind.YES_NO, prompt="Are you authorized to work in the US?",
         expected_yes=True, dealbreaker=True),
    dict(kind=QuestionKind.MIN_AMOUNT, prompt="How many years of forklift experience do you have?",
         min_value=2, unit="years"),
    dict(kind=QuestionKind.MULTIPLE_CHOICE, prompt="Which shift suits you?",
         choices=["Days", "Nights", "Weekends"], accepted_choices=["Days", "Weekends"]),
    dict(kind=QuestionKind.SCORED, prompt="Tell us about a time you kept a warehouse safe.",
         rubric_low="No example, or an unsafe one.",
         rubric_high="A specific example: spotted a hazard, reported it, fixed it, followed up.",
         weight=2.0),
)


def make_form_interviewer(ws: Workspace, slug: str = "forklift-dallas", *,
                          status: InterviewerStatus = InterviewerStatus.ACTIVE,
                          deadline: dt.datetime | None = None,
                          stages: tuple[StageKind, ...] = (StageKind.FORM, StageKind.VOICE),
                          questions: tuple[dict[str, Any], ...] = FORM_QUESTIONS,
                          title: str = "Forklift Operator") -> tuple[int, int]:
    """(interviewer id, form stage id); every stage gets the same questions."""

    def write(s: Any) -> tuple[int, int]:
        iv = Interviewer(slug=slug, name=f"{title} — Dallas", position_title=title,
                         status=status, created_at=NOW - dt.timedelta(days=3),
                         deadline=deadline if deadline is not None else
                         dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        for pos, kind in enumerate(stages):
            stage = Stage(position=pos, kind=kind, name={StageKind.FORM: "Front-desk form",
                                                          StageKind.VOICE: "Phone screen",
                                                          StageKind.SMS: "Text screen",
                                                          StageKind.RESUME: "Résumé"}[kind])
            for i, q in enumerate(questions):
                stage.questions.append(Question(position=i, **q))
            iv.stages.append(stage)
        s.add(iv)
        s.flush()
        form = next(st for st in iv.stages if st.kind == StageKind.FORM) \
            if StageKind.FORM in stages else iv.stages[0]
        return iv.id, form.id

    return ws.db.run_sync(write, write=True)
