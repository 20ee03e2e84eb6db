"""Preview any stage as a candidate would meet it, with nothing stored and nothing sent.

Voice and SMS stages (and the SMS form) run in the flow simulator on exactly the definition
``stages.compiler`` publishes; a Form stage runs in the kiosk widget; a Résumé stage reads a
file and judges the requirements. Every preview ends with the evaluation the candidate would
get — the same ``evaluate_stage`` / résumé judge and the same evaluator as a real run — but
``store_stage_result`` is never called.

A stage comes either from the database (by id) or from the authoring wizard's draft
(``stage_from_draft``), so a recruiter can try a stage before saving it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer, Question, Stage
from milo_desktop.services.applications.results import StageEvaluation, evaluate_stage, fold_stage
from milo_desktop.services.applications.service import ApplicationsService
from milo_desktop.services.core.database import Database
from milo_desktop.services.flows import Simulation, Trigger, extract_question_answers
from milo_desktop.services.flows.rating import asks_rating
from milo_desktop.services.kiosk import KioskForm
from milo_desktop.services.resume import ResumeText, extract_text
from milo_desktop.services.resume.requirements import Resume, judge
from milo_desktop.services.scoring import QuestionSpec
from milo_desktop.services.stages.compiler import compile_stage
from milo_desktop.services.stages.config import StageFlowConfig

#: The simulated candidate's number and ours (fictional 555-01xx, never dialled).
PREVIEW_CANDIDATE = "+14155550142"
PREVIEW_NUMBER = "+14155550199"
AnswerValue = str | tuple[str, str | None]


@dataclass(frozen=True)
class PreviewStage:
    """One stage as the preview runs it (plain data: from a stored stage or a draft)."""

    kind: StageKind
    name: str
    position_title: str
    questions: tuple[QuestionSpec, ...]
    min_score: int | None = None
    language: str = "en"
    interviewer_name: str = ""
    voice: str | None = None
    ai_disclosure: bool = True
    recording_disclosure: bool = True
    days_to_complete: int = 7
    stage_id: int | None = None
    interviewer_id: int | None = None
    ask_rating: bool = True  # ends with the optional 1–5 rating (services/flows/rating.py)

    @property
    def simulated(self) -> bool:
        """Voice and SMS stages run in the flow simulator."""
        return self.kind in (StageKind.VOICE, StageKind.SMS)

    def flow_config(self) -> StageFlowConfig:
        return StageFlowConfig(
            stage_id=self.stage_id or 0, kind=self.kind, stage_name=self.name,
            position_title=self.position_title, questions=self.questions,
            language=self.language, voice=self.voice, ai_disclosure=self.ai_disclosure,
            recording_disclosure=self.recording_disclosure,
            days_to_complete=self.days_to_complete, interviewer_name=self.interviewer_name,
            ask_rating=self.ask_rating)

    def problems(self) -> list[str]:
        """What keeps this stage from being previewed, in the recruiter's words."""
        if self.simulated:
            return self.flow_config().problems()
        label = f"The {self.name or self.kind.value} stage"
        if not self.questions:
            what = "requirements" if self.kind == StageKind.RESUME else "questions"
            return [f"{label} has no {what} yet."]
        out: list[str] = []
        for number, q in enumerate(self.questions, start=1):
            out.extend(q.problems(f"{label}, question {number}"))
        return out

    def kiosk_form(self) -> KioskForm:
        """The Form stage as the kiosk shows it (never closed: a preview takes anybody)."""
        return KioskForm(self.interviewer_id or 0, self.stage_id or 0, self.interviewer_name,
                         self.position_title, self.name, self.questions, self.min_score,
                         ask_rating=self.ask_rating)

    def simulation(self) -> Simulation:
        """A fresh outbound execution of the stage's compiled flow, answered by a person."""
        definition = compile_stage(self.flow_config())
        return Simulation(definition, trigger=Trigger.REQUEST, contact=PREVIEW_CANDIDATE,
                          channel=PREVIEW_NUMBER)


def _question(q: Any, fallback_id: str) -> QuestionSpec:
    """A wizard ``QuestionDraft`` (through its ``columns()``, which clears other kinds' fields)
    or anything shaped like ``models.Question``, as a scoring spec."""
    c = q.columns() if hasattr(q, "columns") else {
        name: getattr(q, name) for name in (
            "kind", "prompt", "weight", "rubric_low", "rubric_high", "expected_yes", "min_value",
            "unit", "choices", "accepted_choices", "dealbreaker")}
    qid = getattr(q, "id", None)
    return QuestionSpec(
        id=str(qid) if qid is not None else fallback_id, kind=QuestionKind(c["kind"]),
        prompt=(c["prompt"] or "").strip(),
        weight=1.0 if c.get("weight") is None else float(c["weight"]),
        expected_yes=c.get("expected_yes"), min_value=c.get("min_value"), unit=c.get("unit"),
        choices=tuple(c.get("choices") or ()),
        accepted_choices=tuple(c.get("accepted_choices") or ()),
        dealbreaker=bool(c.get("dealbreaker")), rubric_low=c.get("rubric_low") or "",
        rubric_high=c.get("rubric_high") or "")


def stage_from_draft(stage: Any, interviewer: Any | None = None) -> PreviewStage:
    """A preview of the wizard's ``StageDraft`` (its ``InterviewerDraft`` gives the title,
    language and days to complete; without one the stage's name stands in for the title)."""
    settings = dict(getattr(stage, "settings", None) or {})
    voice = settings.get("voice")
    title = (getattr(interviewer, "position_title", "") or "").strip() if interviewer else ""
    return PreviewStage(
        kind=StageKind(stage.kind), name=stage.name or StageKind(stage.kind).value.title(),
        position_title=title or stage.name or "this role",
        questions=tuple(_question(q, f"draft_{i}") for i, q in enumerate(stage.questions, 1)),
        min_score=getattr(stage, "min_score", None),
        language=(getattr(interviewer, "language", None) or "en") if interviewer else "en",
        interviewer_name=(getattr(interviewer, "name", "") or "") if interviewer else "",
        voice=voice if isinstance(voice, str) and voice.strip() else None,
        ai_disclosure=bool(settings.get("ai_disclosure", True)),
        recording_disclosure=bool(settings.get("recording_disclosure", True)),
        days_to_complete=int(getattr(interviewer, "days_to_complete", 7) or 7)
        if interviewer else 7,
        stage_id=getattr(stage, "id", None),
        ask_rating=asks_rating(settings),
    )


def answers_from_context(context: Mapping[str, Any],
                         questions: Sequence[QuestionSpec]) -> dict[str, AnswerValue]:
    """The evaluator's answers (text, keypad digits) out of an execution context: spoken
    words or a texted reply as text, pressed keys as digits; unanswered questions left out."""
    out: dict[str, AnswerValue] = {}
    for a in extract_question_answers(context, questions):
        if not a.answered or a.question_id is None:
            continue
        text = a.speech if a.speech is not None else ("" if a.digits else a.text)
        out[a.question_id] = (text or "", a.digits)
    return out


def _load(s: Session, stage_id: int) -> PreviewStage:
    stage = s.get(Stage, stage_id)
    if stage is None:
        raise ValidationProblem("This stage no longer exists.")
    iv = s.get(Interviewer, stage.interviewer_id)
    assert iv is not None  # stages cascade with their interviewer
    rows = s.scalars(select(Question).where(Question.stage_id == stage_id)
                     .order_by(Question.position, Question.id)).all()
    settings = stage.settings or {}
    voice = settings.get("voice")
    return PreviewStage(
        kind=StageKind(stage.kind), name=stage.name, position_title=iv.position_title,
        questions=tuple(QuestionSpec.from_question(q) for q in rows), min_score=stage.min_score,
        language=iv.language or "en", interviewer_name=iv.name,
        voice=voice if isinstance(voice, str) and voice.strip() else None,
        ai_disclosure=bool(settings.get("ai_disclosure", True)),
        recording_disclosure=bool(settings.get("recording_disclosure", True)),
        days_to_complete=int(iv.days_to_complete or 7), stage_id=stage.id,
        interviewer_id=iv.id, ask_rating=asks_rating(settings))


class PreviewService:
    """Reads a stored stage and evaluates preview answers with the workspace's evaluator."""

    def __init__(self, db: Database, applications: ApplicationsService) -> None:
        self.db = db
        self.applications = applications

    async def stage(self, stage_id: int) -> PreviewStage:
        return await self.db.read(lambda s: _load(s, stage_id))

    async def evaluate(self, stage: PreviewStage,
                       answers: Mapping[str, AnswerValue]) -> StageEvaluation:
        """The evaluation a candidate giving ``answers`` would get (not stored)."""
        evaluator = await self.applications.evaluator_factory()
        return await evaluate_stage(stage.questions, answers, evaluator, stage.min_score)

    async def evaluate_resume(self, stage: PreviewStage,
                              path: str) -> tuple[ResumeText, StageEvaluation]:
        """Read a résumé file and judge the stage's requirements (not stored, not copied).
        ValidationProblem for a file that cannot be read, with the reason."""
        found = await asyncio.to_thread(extract_text, path)
        # "Jan 2020 - Present" ends today by the applications service's (injectable) clock.
        cv = Resume.of(found.text, self.applications.clock().date())
        evaluator = await self.applications.evaluator_factory()
        records = await judge(stage.questions, cv, evaluator)
        return found, fold_stage(stage.questions, records, evaluator.name, stage.min_score)
