"""``ApplicationsService``: stage results in, statuses and scores out (``workspace.applications``).

Evaluation never runs inside a database transaction: read the stage's questions, evaluate
(the LLM evaluator may take seconds), then one write stores everything. While the
evaluation runs the application shows ``evaluating``; the write moves it on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, NotificationKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, Interviewer, Question, Stage
from milo_desktop.models.base import utcnow
from milo_desktop.services.applications.results import (
    AnswerValue,
    StageAdvance,
    StageEvaluation,
    evaluate_stage,
    store_stage_result,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import ApplicationsChanged, EventBus
from milo_desktop.services.notifications import NotificationService
from milo_desktop.services.scoring import Evaluator, QuestionSpec, RubricEvaluator
from milo_desktop.services.scoring.text import format_number

EvaluatorFactory = Callable[[], Awaitable[Evaluator]]
_EVALUATING_FROM = frozenset({ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS})


async def rubric_factory() -> Evaluator:
    """The default: the built-in, offline rubric evaluator."""
    return RubricEvaluator()


@dataclass(frozen=True)
class StageJob:
    """What evaluating one stage of one application needs, read in one go."""

    application_id: int
    stage_id: int
    stage_name: str
    questions: tuple[QuestionSpec, ...]
    min_score: int | None
    candidate_id: int
    candidate_name: str
    interviewer_id: int
    interviewer_name: str
    status: ApplicationStatus


def load_stage_job(s: Session, application_id: int, stage_id: int) -> StageJob:
    """The stage's questions (as scoring specs) and the names notifications need."""
    app = s.get(Application, application_id)
    if app is None:
        raise ValidationProblem("This application no longer exists.")
    stage = s.get(Stage, stage_id)
    if stage is None or stage.interviewer_id != app.interviewer_id:
        raise ValidationProblem("This stage is not part of the candidate's interview.")
    rows = s.scalars(select(Question).where(Question.stage_id == stage_id)
                     .order_by(Question.position, Question.id)).all()
    candidate = s.get(Candidate, app.candidate_id)
    interviewer = s.get(Interviewer, app.interviewer_id)
    return StageJob(app.id, stage.id, stage.name, tuple(QuestionSpec.from_question(q)
                                                        for q in rows),
                    stage.min_score, app.candidate_id,
                    candidate.full_name if candidate else "A candidate", app.interviewer_id,
                    interviewer.name if interviewer else "", app.status)


class ApplicationsService:
    def __init__(self, db: Database, bus: EventBus,
                 evaluator_factory: EvaluatorFactory = rubric_factory, *,
                 notifications: NotificationService | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        #: Picks the evaluator for each stage (app.py installs the LLM-aware one).
        self.evaluator_factory = evaluator_factory
        self.notifications = notifications or NotificationService(db, bus)
        self.clock = clock

    # ----- stage results -------------------------------------------------------------------
    async def complete_stage(self, application_id: int, stage_id: int,
                             answers: Mapping[str, AnswerValue], *, transcript: str = "",
                             recording_path: str | None = None,
                             external_sid: str | None = None,
                             rating: int | None = None) -> StageAdvance:
        """Evaluate a finished stage's answers (question key → text or (text, digits)), store
        the result, move the application, publish and notify. ``rating`` is the candidate's
        1–5 rating of the screening (None: skipped or not asked), stored, never scored."""
        job = await self.stage_job(application_id, stage_id)

        async def evaluate(evaluator: Evaluator) -> StageEvaluation:
            return await evaluate_stage(job.questions, answers, evaluator, job.min_score)

        return await self.run_evaluation(job, evaluate, transcript=transcript,
                                         recording_path=recording_path,
                                         external_sid=external_sid, rating=rating)

    async def run_evaluation(self, job: StageJob,
                             evaluate: Callable[[Evaluator], Awaitable[StageEvaluation]], *,
                             transcript: str = "", recording_path: str | None = None,
                             external_sid: str | None = None,
                             rating: int | None = None) -> StageAdvance:
        """Show the application as evaluating, evaluate with the current evaluator, store.
        A failing evaluation or a refused result puts the status back before raising."""
        restore = await self._mark_evaluating(job)
        try:
            ev = await evaluate(await self.evaluator_factory())
            return await self.store(job, ev, transcript=transcript,
                                    recording_path=recording_path, external_sid=external_sid,
                                    rating=rating)
        except BaseException:
            if restore is not None:
                await self._unmark_evaluating(job.application_id, restore)
            raise

    async def stage_job(self, application_id: int, stage_id: int) -> StageJob:
        return await self.db.read(lambda s: load_stage_job(s, application_id, stage_id))

    async def store(self, job: StageJob, ev: StageEvaluation, *, transcript: str = "",
                    recording_path: str | None = None,
                    external_sid: str | None = None,
                    rating: int | None = None) -> StageAdvance:
        """Store an evaluation made elsewhere (the résumé stage), then publish and notify."""
        now = self.clock()
        advance = await self.db.write(lambda s: store_stage_result(
            s, job.application_id, job.stage_id, ev, transcript=transcript,
            recording_path=recording_path, external_sid=external_sid, now=now,
            rating=rating))
        self.bus.publish(ApplicationsChanged((job.application_id,)))
        if not advance.unchanged:
            await self._notify(job, ev, advance)
        return advance

    async def _mark_evaluating(self, job: StageJob) -> ApplicationStatus | None:
        def w(s: Session) -> ApplicationStatus | None:
            app = s.get(Application, job.application_id)
            if app is None or app.status not in _EVALUATING_FROM:
                return None
            before = app.status
            app.status = ApplicationStatus.EVALUATING
            return before

        before = await self.db.write(w)
        if before is not None:
            self.bus.publish(ApplicationsChanged((job.application_id,)))
        return before

    async def _unmark_evaluating(self, application_id: int,
                                 before: ApplicationStatus) -> None:
        def w(s: Session) -> None:
            app = s.get(Application, application_id)
            if app is not None and app.status == ApplicationStatus.EVALUATING:
                app.status = before

        await self.db.write(w)
        self.bus.publish(ApplicationsChanged((application_id,)))

    async def _notify(self, job: StageJob, ev: StageEvaluation, advance: StageAdvance) -> None:
        who, where = job.candidate_name, job.interviewer_name
        if ev.knocked_out:
            kind = NotificationKind.COMPLETED
            title = f"{who} was knocked out — {where}"
            body = f"{job.stage_name}: {ev.knockout_reason}"
        elif advance.completed:
            kind = NotificationKind.COMPLETED
            title = f"{who} completed {where}"
            body = ("Overall score " + format_number(advance.score)
                    if advance.score is not None else "No scored questions")
        else:
            kind = NotificationKind.SCORE_READY
            title = f"{job.stage_name} result ready for {who} — {where}"
            body = (f"Score {format_number(ev.score)}" if ev.score is not None
                    else f"{ev.structured_passed}/{ev.structured_total} requirements met")
        if ev.below_min_score and ev.min_score is not None:
            body += f" (below the stage minimum of {ev.min_score})"
        if ev.knocked_out or advance.completed:  # finished: subscribers are emailed too
            await self.notifications.application_finished(
                job.application_id, kind, title, body,
                knockout=ev.knockout_reason if ev.knocked_out else "")
            return
        await self.notifications.add(kind, title, body, candidate_id=job.candidate_id,
                                     interviewer_id=job.interviewer_id)
