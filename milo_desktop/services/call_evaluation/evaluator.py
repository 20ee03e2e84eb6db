"""``CallEvaluator``: a call in Processing → answers evaluated, routed, linked, notified.

Three phases, so no network or scoring runs inside a database transaction:
1. read the call, its receptionist and questions (plain values);
2. fetch the execution context, extract the answers, evaluate them, build the transcript;
3. one write: answers, the call's fields, its review, the directory link / invitation and an
   audit entry — guarded by the call still being in Processing, which makes a second
   evaluation (another round, a second window, a restart) a no-op.
Events and the notification follow the commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from milo_desktop.enums import CallReview, CallStatus, NotificationKind
from milo_desktop.models import Answer, InboundCall, Question, Receptionist
from milo_desktop.models.base import utcnow
from milo_desktop.services.call_evaluation.directory import DirectoryLink, link_and_invite
from milo_desktop.services.call_evaluation.transcript import build_transcript
from milo_desktop.services.connectors import MalformedRecord, NotFoundAtProvider
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CallUpdated, CandidatesChanged, EventBus
from milo_desktop.services.flows import (
    AnswerKey,
    CapturedAnswer,
    ReceptionistConfig,
    compile_receptionist,
    extract_answers,
)
from milo_desktop.services.notifications import NotificationService
from milo_desktop.services.pipeline.actions import audit
from milo_desktop.services.receptionists.convert import config_of
from milo_desktop.services.scoring import (
    Evaluation,
    Evaluator,
    QuestionSpec,
    RubricEvaluator,
    evaluate_all,
    route,
    score_answers,
)
from milo_desktop.services.sync.cursors import add_quarantine

log = logging.getLogger(__name__)
#: (flow sid, execution sid) → the execution's context; ``TwilioConnector.execution_context``.
ContextSource = Callable[[str, str], Awaitable[Mapping[str, Any]]]
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
NOT_ANSWERED = "Not answered"


@dataclass(frozen=True)
class CallEvaluation:
    """What evaluating one call decided and wrote."""

    call_id: int
    review: CallReview
    reason: str
    score: float | None
    evaluations: int
    caller: str
    receptionist_name: str
    link: DirectoryLink
    notification_id: int | None = None


@dataclass(frozen=True)
class _Job:
    call_id: int
    execution_sid: str | None
    flow_sid: str | None
    config: ReceptionistConfig
    specs: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class _Findings:
    answers: tuple[tuple[QuestionSpec, CapturedAnswer | None, Evaluation | None], ...]
    caller_name: str
    email: str | None
    location: str | None
    transcript: str


def _load(s: Session, call_id: int) -> _Job | None:
    call = s.get(InboundCall, call_id)
    if call is None or call.status != CallStatus.PROCESSING:
        return None
    r = s.get(Receptionist, call.receptionist_id)
    if r is None:
        return None
    rows = s.scalars(select(Question).where(Question.receptionist_id == r.id)
                     .order_by(Question.position, Question.id)).all()
    # The scoring spec keeps the rubric; it is also a flow QuestionSpec with the same id
    # (the database id as a string, which names the question's widgets in the flow).
    specs = tuple(QuestionSpec.from_question(q) for q in rows)
    config = dataclasses.replace(config_of(r, rows), questions=specs)
    return _Job(call.id, call.execution_sid, r.flow_sid, config, specs)


def _by_question(captured: Sequence[CapturedAnswer]) -> dict[str, CapturedAnswer]:
    return {a.question_id: a for a in captured if a.key == AnswerKey.QUESTION and a.question_id}


def _digits(answer: CapturedAnswer) -> str | None:
    if answer.digits:
        return answer.digits
    # A texted "1" reads like a pressed 1 (extract_answers normalised it into ``value``).
    texted = answer.text.strip()
    return texted if answer.value is not None and answer.speech is None and texted.isdigit() \
        else None


def _first(captured: Sequence[CapturedAnswer], key: AnswerKey) -> CapturedAnswer | None:
    return next((a for a in captured if a.key == key), None)


def _email(captured: Sequence[CapturedAnswer]) -> str | None:
    for a in captured:
        if a.key in (AnswerKey.RECORDING,):
            continue  # a recording URL, not something the caller said
        found = _EMAIL.search(a.text)
        if found:
            return found.group(0).lower()
    return None


def _caller(name: str, phone: str | None) -> str:
    return name.strip() or phone or "A caller"


class CallEvaluator:
    """Evaluates calls that reached Processing (``TwilioSync``'s ``evaluate`` hook)."""

    def __init__(self, db: Database, bus: EventBus, notifications: NotificationService,
                 context_source: ContextSource, *, scorer: Evaluator | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.notifications = notifications
        self.context_source = context_source
        self.scorer: Evaluator = scorer or RubricEvaluator()
        self.clock = clock

    async def evaluate(self, call_id: int) -> None:
        """The sync hook: evaluate ``call_id`` (see ``evaluate_call``)."""
        await self.evaluate_call(call_id)

    async def evaluate_call(self, call_id: int) -> CallEvaluation | None:
        """Evaluate one call end to end; None when there was nothing to do (the call is gone,
        not in Processing, or already evaluated). Raises what the context source raises
        (offline, auth): the call then stays in Processing for a later round."""
        job = await self.db.read(lambda s: _load(s, call_id))
        if job is None:
            return None
        context: Mapping[str, Any] = {}
        if job.execution_sid and job.flow_sid:
            try:
                context = await self.context_source(job.flow_sid, job.execution_sid)
            except NotFoundAtProvider:
                # Its execution is gone on Twilio (a deleted or replaced flow): nothing to
                # score from. Leave the call as it is, visible in the pipeline, not guessed at.
                log.info("call %s: its execution is no longer on Twilio; left as it is", call_id)
                return None
            except MalformedRecord as exc:
                # Twilio answered a context nobody can read: kept under Sync issues, the call
                # left in Processing as it is (scoring it from nothing would be a guess).
                held = exc.quarantine
                await self.db.write(lambda s: add_quarantine(s, [held]))
                log.info("call %s: its execution context cannot be read; left as it is",
                         call_id)
                return None
        findings = await self._findings(job, context)
        result = await self.db.write(lambda s: self._store(s, job, findings))
        if result is None:
            return None  # evaluated meanwhile by someone else
        self.bus.publish(CallUpdated(call_id))
        if result.link.directory_changed and result.link.candidate_id is not None:
            self.bus.publish(CandidatesChanged((result.link.candidate_id,)))
        return dataclasses.replace(result, notification_id=await self._notify(result))

    async def _findings(self, job: _Job, context: Mapping[str, Any]) -> _Findings:
        captured = extract_answers(context, job.config)
        answers = _by_question(captured)
        given = {qid: (a.text, _digits(a)) for qid, a in answers.items() if a.answered}
        evaluations = {e.question_id: e for e in
                       await evaluate_all(job.specs, given, self.scorer)}
        name = _first(captured, AnswerKey.NAME)
        location = _first(captured, AnswerKey.LOCATION)
        try:
            transcript = build_transcript(compile_receptionist(job.config), context)
        except Exception:  # a transcript is a courtesy; never lose the evaluation over it
            log.exception("building the transcript of call %s failed", job.call_id)
            transcript = ""
        return _Findings(
            answers=tuple((q, answers.get(q.id), evaluations.get(q.id)) for q in job.specs),
            caller_name=(name.text.strip() if name else ""),
            email=_email(captured),
            location=(location.text.strip() or None) if location else None,
            transcript=transcript,
        )

    def _store(self, s: Session, job: _Job, f: _Findings) -> CallEvaluation | None:
        call = s.scalar(select(InboundCall).where(InboundCall.id == job.call_id)
                        .with_for_update())
        if call is None or call.status != CallStatus.PROCESSING:
            return None
        r = s.get(Receptionist, call.receptionist_id)
        if r is None:
            return None
        now = self.clock()
        s.execute(delete(Answer).where(Answer.inbound_call_id == call.id))
        evaluated = [e for _q, _a, e in f.answers if e is not None]
        for q, a, e in f.answers:
            s.add(Answer(
                inbound_call_id=call.id, question_id=int(q.id) if q.id.isdigit() else None,
                question_text=q.prompt, answer_text=a.text if a else "",
                score=float(e.score) if e and e.score is not None else None,
                passed=e.passed if e else None,
                summary=e.summary if e else NOT_ANSWERED,
                evidence=e.evidence if e else "", evaluator=e.evaluator if e else None,
            ))
        if f.caller_name:
            call.caller_name = f.caller_name[:200]
        if f.email:
            call.email = f.email[:254]
        if f.location:
            call.location = f.location[:120]
        call.transcript = f.transcript or call.transcript
        outcome = score_answers(job.specs, evaluated)
        routing = route(outcome, r.routing_threshold, r.manual_approval)
        call.score = outcome.score
        call.evaluations = len(evaluated)
        call.status = CallStatus.EVALUATED
        call.review = routing.review
        s.flush()
        link = link_and_invite(s, call, r, invite=routing.review == CallReview.APPROVED,
                               now=now)
        audit(s, "call.evaluated", call.id, review=routing.review.value, reason=routing.reason,
              score=outcome.score, evaluations=len(evaluated),
              candidate_id=link.candidate_id, candidate_created=link.candidate_created,
              interviewer_id=link.interviewer_id, application_id=link.application_id,
              outbox_id=link.outbox_id, already_invited=link.already_invited,
              held_unverified=link.held_unverified)
        return CallEvaluation(call.id, routing.review, routing.reason, outcome.score,
                              len(evaluated), _caller(call.caller_name, call.from_e164),
                              r.name, link)

    async def _notify(self, result: CallEvaluation) -> int | None:
        # After the commit, in its own transaction: only the evaluation that moved the call
        # out of Processing gets here, so each call is announced once.
        who, where = result.caller, result.receptionist_name
        if result.review == CallReview.NEEDS_REVIEW:
            kind, title = NotificationKind.CALLER_NEEDS_REVIEW, f"{who} needs review — {where}"
            body = result.reason
        elif result.review == CallReview.APPROVED:
            kind, title = NotificationKind.COMPLETED, f"{who} was approved — {where}"
            link = result.link
            if link.held_unverified:
                body = (f"{result.reason}. Not invited: the caller's number could not be "
                        "verified. Check it, then ingest the call to invite them.")
            elif link.application_created:
                body = f"{result.reason}. Invited to {link.interviewer_name}."
            elif link.already_invited:
                body = f"{result.reason}. Already invited to {link.interviewer_name}."
            else:
                body = f"{result.reason}. No default interviewer to invite them to."
        else:
            kind, title = NotificationKind.COMPLETED, f"{who} was rejected — {where}"
            body = result.reason
        return await self.notifications.add(kind, title, body,
                                            candidate_id=result.link.candidate_id,
                                            interviewer_id=result.link.interviewer_id,
                                            inbound_call_id=result.call_id)
