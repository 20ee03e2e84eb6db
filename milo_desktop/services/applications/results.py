"""A stage's answers → its evaluation → the stage result, and where the application goes next.

Rules (product.md "Questions" / "Score"; decided here, relied on by sync, résumé and review):

- Structured questions (yes/no, minimum amount, multiple choice) are pass/fail and never count
  towards the score. A **dealbreaker** that *confidently* fails knocks the candidate out at that
  stage; that is the only automatic move. An answer we could not read (or a requirement the
  résumé does not mention) fails the question but knocks nobody out: it is listed in
  ``review_reasons`` for a person to look at.
- Scored questions (1–5) become 0–100 ((s − 1) / 4 × 100) and are averaged with their weights
  (``scoring.score_answers``). An **unanswered** scored question scores 1 (0 %), made by the
  evaluator "unanswered": skipping a question must not raise the score. An unanswered
  structured question counts as not passed (``2/3``) and never as a knock-out.
- The stage's **minimum score** ("enforce objective evaluation") only sets ``below_min_score``:
  scores are advice, so the candidate is flagged for the recruiter, not rejected.
- Every Answer row keeps its evidence (answer excerpt) and the evaluator that made it.
- The application's **overall score** is the weighted mean of its finished stages' scores, each
  stage weighing the sum of its scored questions' weights — i.e. the weighted mean of every
  scored answer across the workflow, as product.md defines the score. It is set when the
  application finishes (completed or knocked out); an application in progress has per-stage
  scores only.
- The application's workflow is its stage results (created at invite time, so editing the
  interviewer later applies to new candidates only). An application without any stage result
  gets one per current stage first.
- Shortlisted / dismissed are the recruiter's decisions and stay: results arriving later are
  stored (and the knock-out stage and score recorded) without changing that status.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, QuestionKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, Application, Question, Stage, StageResult
from milo_desktop.services.applications.status import (
    REVIEW_STATUSES,
    check_application_transition,
    check_stage_transition,
    status_from_stages,
)
from milo_desktop.services.flows.rating import HIGHEST as RATING_HIGHEST
from milo_desktop.services.flows.rating import LOWEST as RATING_LOWEST
from milo_desktop.services.scoring import (
    STRUCTURED,
    Evaluation,
    Evaluator,
    QuestionSpec,
    evaluate_structured,
    score_answers,
)
from milo_desktop.services.scoring.spec import FlowQuestionSpec, is_structured

#: The evaluator name on an unanswered scored question (scored 1).
UNANSWERED = "unanswered"
NOT_ANSWERED = "Not answered"
EVALUATOR_MAX = 40  # stage_results.evaluator / answers.evaluator are String(40)
FINISHED = frozenset({StageStatus.COMPLETED, StageStatus.KNOCKED_OUT})
AnswerValue = str | tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One question of the stage with what was answered and how it was judged."""

    question_id: str
    prompt: str
    text: str
    evaluation: Evaluation
    answered: bool


@dataclass
class StageEvaluation:
    """Everything evaluating one stage decided, before anything is stored."""

    evaluations: list[Evaluation]
    score: float | None  # 0–100 over scored questions; None when the stage has none
    structured_passed: int
    structured_total: int
    knocked_out: bool
    knocked_out_by: str | None  # the dealbreaker's prompt
    evaluator: str  # which evaluator made the score ("rubric", "llm:gpt-4o-mini", …)
    below_min_score: bool
    answers: list[AnswerRecord] = field(default_factory=list)
    knockout_reason: str = ""
    review_reasons: tuple[str, ...] = ()
    highlights: tuple[str, ...] = ()
    lowlights: tuple[str, ...] = ()
    min_score: int | None = None


@dataclass(frozen=True)
class StageAdvance:
    """Where the application stands after a stage result was stored."""

    application_status: ApplicationStatus
    next_stage_id: int | None  # the first unfinished stage of the workflow, if any
    completed: bool  # the application finished every stage (this call or before)
    knocked_out: bool
    score: float | None = None  # the application's overall score once finished
    stage_score: float | None = None
    unchanged: bool = False  # the same result was stored before (a replayed sync)


def _split(value: AnswerValue) -> tuple[str, str | None]:
    if isinstance(value, tuple):
        return value[0] or "", value[1]
    return value or "", None


def _answered(text: str, digits: str | None) -> bool:
    return bool(text.strip() or (digits or "").strip())


def unanswered(question: FlowQuestionSpec) -> Evaluation:
    """The explicit evaluation of a question nobody answered (see the module's rules)."""
    if is_structured(question):  # passed None, not confident: failed, never a knock-out
        return dataclasses.replace(evaluate_structured(question, "", None), summary=NOT_ANSWERED)
    return Evaluation(question.id, None, 1, None, f"{NOT_ANSWERED}: scored 1 (lowest)", "",
                      UNANSWERED, True)


async def evaluate_stage(questions: Sequence[QuestionSpec],
                         answers: Mapping[str, AnswerValue],
                         evaluator: Evaluator, min_score: int | None) -> StageEvaluation:
    """Evaluate a stage's answers (question key → text or (text, keypad digits)).

    Structured questions are parsed deterministically; scored ones go to ``evaluator``
    (which never raises on odd text; the LLM one falls back to the rubric by itself).
    """
    records: list[AnswerRecord] = []
    for q in questions:
        text, digits = _split(answers.get(q.id, ""))
        if not _answered(text, digits):
            records.append(AnswerRecord(q.id, q.prompt, "", unanswered(q), False))
            continue
        if is_structured(q):
            e = evaluate_structured(q, text, digits)
        else:
            e = await evaluator.evaluate(q, text)
            if e.score is None:  # nothing to score in it (only filler): as unanswered
                e = unanswered(q)
        records.append(AnswerRecord(q.id, q.prompt, text, e, True))
    return fold_stage(questions, records, evaluator.name, min_score)


def evaluator_label(evaluations: Iterable[Evaluation], default: str) -> str:
    """The name(s) of the evaluators that made the scores ("rubric + llm:x" when mixed)."""
    names: list[str] = []
    for e in evaluations:
        if e.score is not None and e.evaluator not in (UNANSWERED, STRUCTURED) \
                and e.evaluator not in names:
            names.append(e.evaluator)
    return (" + ".join(names) if names else default)[:EVALUATOR_MAX]


def fold_stage(questions: Sequence[FlowQuestionSpec], records: Sequence[AnswerRecord],
               evaluator_name: str, min_score: int | None) -> StageEvaluation:
    """Fold already-made evaluations (one record per question) into a ``StageEvaluation``.

    ``evaluate_stage`` ends here; the résumé stage, which judges requirements against a
    document rather than answers, builds its records itself and calls this too.
    """
    evaluations = [r.evaluation for r in records]
    outcome = score_answers(questions, evaluations)
    prompts = {q.id: q.prompt for q in questions}
    has_scored = any(not is_structured(q) for q in questions)
    default = evaluator_name if has_scored else STRUCTURED
    below = (outcome.score is not None and min_score is not None
             and outcome.score < min_score)
    return StageEvaluation(
        evaluations=evaluations,
        score=outcome.score,
        structured_passed=outcome.structured_passed,
        structured_total=outcome.structured_total,
        knocked_out=outcome.knocked_out,
        knocked_out_by=prompts.get(outcome.knockout_question_id or ""),
        evaluator=evaluator_label(evaluations, default),
        below_min_score=below,
        answers=list(records),
        knockout_reason=outcome.knockout_reason,
        review_reasons=outcome.review_reasons,
        highlights=outcome.highlights,
        lowlights=outcome.lowlights,
        min_score=min_score,
    )


# ----------------------------------------------------------------------------- storing


def stage_weight(questions: Iterable[Question]) -> float:
    """How much a stage weighs in the overall score: its scored questions' total weight.

    A stage whose scored questions all weigh 0 still counts once (``score_answers`` then
    weighs its questions equally, so it has a score)."""
    weights = [max(0.0, q.weight or 0.0) for q in questions if q.kind == QuestionKind.SCORED]
    if not weights:
        return 0.0
    return sum(weights) or 1.0


def overall_score(stage_scores: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (stage score, stage weight) over the stages that have a score."""
    pairs = [(s, w) for s, w in stage_scores if s is not None and w > 0]
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return round(sum(s * w for s, w in pairs) / total, 1)


def _workflow(s: Session, app: Application) -> list[tuple[Stage, StageResult]]:
    rows = s.execute(
        select(Stage, StageResult).join(StageResult, StageResult.stage_id == Stage.id)
        .where(StageResult.application_id == app.id).order_by(Stage.position, Stage.id)
    ).all()
    if rows:
        return [(stage, result) for stage, result in rows]
    stages = s.scalars(select(Stage).where(Stage.interviewer_id == app.interviewer_id)
                       .order_by(Stage.position, Stage.id)).all()
    out = []
    for stage in stages:
        result = StageResult(application_id=app.id, stage_id=stage.id,
                             status=StageStatus.NOT_STARTED)
        s.add(result)
        out.append((stage, result))
    s.flush()
    return out


def _advance(s: Session, app: Application, workflow: list[tuple[Stage, StageResult]],
             stage_score: float | None, *, unchanged: bool = False) -> StageAdvance:
    statuses = [r.status for _, r in workflow]
    work = status_from_stages(statuses)
    next_stage = next((st.id for st, r in workflow if r.status not in FINISHED), None)
    return StageAdvance(
        application_status=app.status,
        next_stage_id=None if work == ApplicationStatus.KNOCKED_OUT else next_stage,
        completed=work == ApplicationStatus.COMPLETED,
        knocked_out=work == ApplicationStatus.KNOCKED_OUT,
        score=app.score,
        stage_score=stage_score,
        unchanged=unchanged,
    )


def _answer_rows(result: StageResult, ev: StageEvaluation) -> list[Answer]:
    rows = []
    for r in ev.answers:
        e = r.evaluation
        rows.append(Answer(
            stage_result_id=result.id,
            question_id=int(r.question_id) if r.question_id.isdigit() else None,
            question_text=r.prompt,
            answer_text=r.text,
            score=float(e.score) if e.score is not None else None,
            passed=e.passed,
            summary=e.summary,
            evidence=e.evidence,
            evaluator=e.evaluator[:EVALUATOR_MAX],
        ))
    return rows


def store_stage_result(s: Session, application_id: int, stage_id: int, ev: StageEvaluation, *,
                       transcript: str = "", recording_path: str | None = None,
                       external_sid: str | None = None, now: dt.datetime,
                       rating: int | None = None) -> StageAdvance:
    """Store one stage's evaluation and move the application (inside ``db.write``).

    ``rating`` is the candidate's 1–5 rating of the screening (None: skipped or not asked):
    kept on the result for CSAT, never part of any score; out of range is refused.

    Replaying the same result (same ``external_sid`` on a finished stage) changes nothing and
    returns ``unchanged=True``; any other second result for a finished stage is refused with
    ValidationProblem (completed and knocked-out stages are final).
    """
    app = s.scalar(select(Application).where(Application.id == application_id)
                   .with_for_update())
    if app is None:
        raise ValidationProblem("This application no longer exists.")
    stage = s.get(Stage, stage_id)
    if stage is None or stage.interviewer_id != app.interviewer_id:
        raise ValidationProblem("This stage is not part of the candidate's interview.")
    workflow = _workflow(s, app)
    result = next((r for st, r in workflow if st.id == stage_id), None)
    if result is None:  # a stage added after the invitation: not in this workflow
        raise ValidationProblem("This stage was added after the candidate was invited; their "
                                "interview does not include it.")
    if result.status in FINISHED and external_sid and result.external_sid == external_sid:
        if app.status == ApplicationStatus.EVALUATING:  # a replay found it mid-evaluation
            app.status = status_from_stages(r.status for _, r in workflow)
        return _advance(s, app, workflow, result.score, unchanged=True)
    target = StageStatus.KNOCKED_OUT if ev.knocked_out else StageStatus.COMPLETED
    check_stage_transition(result.status, target)
    if rating is not None and not RATING_LOWEST <= rating <= RATING_HIGHEST:
        raise ValidationProblem(f"A rating is a whole number from {RATING_LOWEST} to "
                                f"{RATING_HIGHEST}.")

    result.status = target
    result.score = ev.score
    result.structured_passed = ev.structured_passed
    result.structured_total = ev.structured_total
    result.evaluator = ev.evaluator[:EVALUATOR_MAX]
    result.transcript = transcript or result.transcript or ""
    result.recording_path = recording_path or result.recording_path
    result.external_sid = external_sid or result.external_sid
    result.started_at = result.started_at or now
    result.completed_at = now
    result.rating = rating
    for old in list(result.answers):
        s.delete(old)
    s.flush()
    s.add_all(_answer_rows(result, ev))

    work = status_from_stages(r.status for _, r in workflow)
    if ev.knocked_out:
        app.knocked_out_stage_id = app.knocked_out_stage_id or stage_id
    if work in (ApplicationStatus.COMPLETED, ApplicationStatus.KNOCKED_OUT):
        weights = _stage_weights(s, [st.id for st, _ in workflow])
        app.score = overall_score(
            (r.score, weights.get(st.id, 0.0)) for st, r in workflow if r.status in FINISHED)
        app.completed_at = app.completed_at or now
    if app.status not in REVIEW_STATUSES and app.status != work:
        check_application_transition(app.status, work)
        app.status = work
    app.started_at = app.started_at or result.started_at
    app.last_engaged_at = now
    s.flush()
    return _advance(s, app, workflow, ev.score)


def work_statuses(s: Session, application_ids: Sequence[int]) -> dict[int, ApplicationStatus]:
    """The work status each application's stage results imply (pending … completed /
    knocked out), in one query: what undoing a dismissal should return to when the status
    saved before it may be stale (results kept arriving while dismissed) or was the
    transient ``evaluating``."""
    rows = s.execute(select(StageResult.application_id, StageResult.status)
                     .where(StageResult.application_id.in_(list(application_ids)))).all()
    found: dict[int, list[StageStatus]] = {int(a): [] for a in application_ids}
    for app_id, status in rows:
        found[int(app_id)].append(StageStatus(status))
    return {app_id: status_from_stages(statuses) for app_id, statuses in found.items()}


def _stage_weights(s: Session, stage_ids: list[int]) -> dict[int, float]:
    questions = s.scalars(select(Question).where(Question.stage_id.in_(stage_ids))).all()
    by_stage: dict[int, list[Question]] = {}
    for q in questions:
        by_stage.setdefault(q.stage_id or 0, []).append(q)
    return {sid: stage_weight(by_stage.get(sid, [])) for sid in stage_ids}
