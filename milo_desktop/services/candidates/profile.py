"""One candidate's profile: interviews with their stage results and answers, notes and
contact history."""

from __future__ import annotations

import os
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import StageStatus
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    Interviewer,
    Message,
    Stage,
    StageResult,
)
from milo_desktop.services.candidates.rows import (
    AnswerView,
    CandidateNotFound,
    CandidateProfile,
    InterviewView,
    MessageView,
    NoteView,
    StageResultView,
    WorkflowStep,
    format_phone,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.readiness import message_waits

MESSAGES_SHOWN = 500  # contact history kept in the profile; older messages are rare and bulky


class ProfileMixin:
    """The profile window's read (the service's ``db``)."""

    db: Database

    async def profile(self, candidate_id: int) -> CandidateProfile:
        """Everything the profile window shows about one candidate.

        Raises CandidateNotFound when the candidate does not exist or is being erased."""
        return await self.db.read(lambda s: _load_profile(s, candidate_id))


def _load_profile(s: Session, candidate_id: int) -> CandidateProfile:
    c = s.get(Candidate, candidate_id)
    if c is None or c.erase_requested_at is not None:
        raise CandidateNotFound(
            "This candidate no longer exists. They may have been erased or merged."
        )
    apps = s.execute(
        select(Application, Interviewer.name)
        .join(Interviewer, Interviewer.id == Application.interviewer_id)
        .where(Application.candidate_id == candidate_id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    results = s.execute(
        select(StageResult, Stage)
        .join(Stage, Stage.id == StageResult.stage_id)
        .where(StageResult.application_id.in_([a.id for a, _ in apps]))
        .order_by(Stage.position, StageResult.id)
    ).all()
    answers = _answers_by_result(s, [r.id for r, _ in results])
    by_stage = {(r.application_id, r.stage_id): (r.status, r.score) for r, _ in results}
    stages_by_app: dict[int, list[StageResultView]] = {}
    for r, stage in results:
        stages_by_app.setdefault(r.application_id, []).append(
            StageResultView(
                stage.name,
                stage.kind,
                stage.position,
                r.status,
                r.score,
                r.structured_passed,
                r.structured_total,
                r.evaluator,
                r.completed_at,
                tuple(answers.get(r.id, ())),
                r.transcript or "",
                r.recording_path,
                bool(r.recording_path) and os.path.isfile(r.recording_path or ""),
                r.rating,
            )
        )
    workflows = _workflows(s, {a.interviewer_id for a, _ in apps})
    interviews = tuple(
        InterviewView(
            a.id,
            a.interviewer_id,
            name,
            a.status,
            a.score,
            a.created_at,
            a.started_at,
            a.completed_at,
            tuple(stages_by_app.get(a.id, ())),
            tuple(
                WorkflowStep(st.name, st.kind, *by_stage.get((a.id, st.id), _NOT_STARTED))
                for st in workflows.get(a.interviewer_id, ())
            ),
        )
        for a, name in apps
    )
    notes = tuple(
        NoteView(n.id, n.author, n.body, n.created_at, n.application_id)
        for n in s.scalars(
            select(CandidateNote)
            .where(CandidateNote.candidate_id == candidate_id)
            .order_by(CandidateNote.created_at.desc(), CandidateNote.id.desc())
        )
    )
    waiting = message_waits(s)
    messages = tuple(
        MessageView(m.id, m.channel, m.direction, m.purpose, m.subject, m.status, m.created_at,
                    m.to_addr, m.error, waiting(m.channel, m.direction, m.status))
        for m in s.scalars(
            select(Message)
            .where(Message.candidate_id == candidate_id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(MESSAGES_SHOWN)
        )
    )
    return CandidateProfile(
        c.id,
        c.full_name,
        c.email,
        c.phone_e164,
        format_phone(c.phone_e164),
        c.location,
        c.source,
        c.created_at,
        c.ats_provider,
        c.ats_candidate_id,
        interviews,
        notes,
        messages,
        shares_phone_with(s, c),
        at_ats(s, c.id),
        c.sms_opted_out_at,
    )


def at_ats(s: Session, candidate_id: int, limit: int = 10) -> tuple[
        tuple[str, str, str | None, str], ...]:
    """The person's applications at the connected ATSs: which ATS, which job, which stage."""
    from milo_desktop.models import AtsJob, ExternalIdentity

    rows = s.execute(
        select(ExternalIdentity.provider, AtsJob.title, ExternalIdentity.job_external_id,
               ExternalIdentity.stage_name, ExternalIdentity.status,
               ExternalIdentity.deleted_at)
        .outerjoin(AtsJob, (AtsJob.provider == ExternalIdentity.provider)
                   & (AtsJob.external_id == ExternalIdentity.job_external_id))
        .where(ExternalIdentity.candidate_id == candidate_id,
               ExternalIdentity.kind == "application")
        .order_by(ExternalIdentity.updated_at.desc(), ExternalIdentity.id.desc()).limit(limit))
    return tuple((provider, title or f"job {job or '?'}", stage,
                  "removed" if deleted else (status or "active"))
                 for provider, title, job, stage, status, deleted in rows)


def shares_phone_with(s: Session, c: Candidate, limit: int = 5) -> tuple[str, ...]:
    """The names of other people in the directory with ``c``'s phone number (by the phone
    index), a few at most."""
    if not c.phone_e164:
        return ()
    return tuple(s.scalars(
        select(Candidate.full_name)
        .where(Candidate.phone_e164 == c.phone_e164, Candidate.id != c.id,
               Candidate.erase_requested_at.is_(None))
        .order_by(Candidate.full_name, Candidate.id).limit(limit)))


_NOT_STARTED = (StageStatus.NOT_STARTED, None)


def _workflows(s: Session, interviewer_ids: set[int]) -> dict[int, list[Stage]]:
    """Each interviewer's stages in order (the workflow line shows stages without results)."""
    if not interviewer_ids:
        return {}
    out: dict[int, list[Stage]] = {}
    for st in s.scalars(select(Stage).where(Stage.interviewer_id.in_(interviewer_ids))
                        .order_by(Stage.position, Stage.id)):
        out.setdefault(st.interviewer_id, []).append(st)
    return out


def _answers_by_result(s: Session, result_ids: Sequence[int]) -> dict[int, list[AnswerView]]:
    out: dict[int, list[AnswerView]] = {}
    if not result_ids:
        return out
    # Answers are written as the questions are asked: id order is interview order.
    stmt = (
        select(Answer)
        .where(Answer.stage_result_id.in_(result_ids))
        .order_by(Answer.stage_result_id, Answer.id)
    )
    for a in s.scalars(stmt):
        out.setdefault(a.stage_result_id or 0, []).append(
            AnswerView(
                a.question_text,
                a.answer_text,
                a.score,
                a.passed,
                a.summary,
                a.evidence,
                a.evaluator,
            )
        )
    return out
