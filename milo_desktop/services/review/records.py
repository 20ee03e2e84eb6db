"""Loading ``ApplicationRecord``s for a chunk of application ids (one unit of work each):
the rows of an export and the pages of a score report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, StageKind, StageStatus
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    Interviewer,
    Question,
    Stage,
    StageResult,
)
from milo_desktop.services.candidates import format_phone
from milo_desktop.services.review.rows import (
    AnswerRecord,
    ApplicationRecord,
    NoteRecord,
    StageRecord,
)

EVIDENCE_EXCERPT = 400  # characters of evidence a report prints (exports keep it whole)


def load_records(s: Session, interviewer_id: int, ids: Sequence[int], *, answers: bool,
                 notes: bool = False) -> list[ApplicationRecord]:
    """Records for ``ids`` (of ``interviewer_id``), in the order given; ids that are gone or
    belong elsewhere are left out. ``answers``: include each stage's answers (JSON exports,
    reports; a CSV needs only the stage cells). ``notes``: include the candidate's notes on
    this application and their general notes."""
    wanted = list(ids)
    if not wanted:
        return []
    iv = s.execute(select(Interviewer.id, Interviewer.name, Interviewer.position_title)
                   .where(Interviewer.id == interviewer_id)).first()
    if iv is None:
        return []
    # Plain column rows, not ORM objects: an export reads thousands of rows on a worker
    # thread, and every Python step there is time the GUI thread waits for the GIL.
    stages = s.execute(select(Stage.id, Stage.position, Stage.name, Stage.kind)
                       .where(Stage.interviewer_id == interviewer_id)
                       .order_by(Stage.position, Stage.id)).all()
    apps = {r.id: r for r in s.execute(
        select(Application.id, Application.candidate_id, Application.status, Application.score,
               Application.created_at, Application.started_at, Application.completed_at,
               Application.last_engaged_at, Application.knocked_out_stage_id,
               Candidate.full_name, Candidate.email, Candidate.phone_e164, Candidate.location)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(Application.id.in_(wanted), Application.interviewer_id == interviewer_id))}
    results = {(r.application_id, r.stage_id): r for r in s.execute(
        select(StageResult.id, StageResult.application_id, StageResult.stage_id,
               StageResult.status, StageResult.score, StageResult.structured_passed,
               StageResult.structured_total, StageResult.evaluator, StageResult.completed_at)
        .where(StageResult.application_id.in_(list(apps))))}
    by_result = _answers(s, [r.id for r in results.values()]) if answers else {}
    notes_by_app = (_notes(s, [(aid, a.candidate_id) for aid, a in apps.items()])
                    if notes else {})
    out: list[ApplicationRecord] = []
    for aid in wanted:
        a = apps.get(aid)
        if a is None:
            continue
        records = tuple(_stage(stage, results.get((aid, stage.id)), by_result)
                        for stage in stages)
        ko_stage, ko_reason = _knockout(a, stages, records)
        out.append(ApplicationRecord(
            application_id=a.id, candidate_id=a.candidate_id, name=a.full_name, email=a.email,
            phone=format_phone(a.phone_e164) if a.phone_e164 else None, location=a.location,
            interviewer_id=iv.id, interviewer_name=iv.name, position_title=iv.position_title,
            status=ApplicationStatus(a.status), score=a.score, invited_at=a.created_at,
            started_at=a.started_at, completed_at=a.completed_at,
            last_engaged_at=a.last_engaged_at, stages=records, knocked_out_stage=ko_stage,
            knockout_reason=ko_reason, notes=notes_by_app.get(aid, ())))
    return out


def _stage(stage: Any, r: Any, by_result: dict[int, list[AnswerRecord]]) -> StageRecord:
    kind = StageKind(stage.kind)
    if r is None:
        return StageRecord(stage.position, stage.name, kind, StageStatus.NOT_STARTED,
                           None, 0, 0, None, None)
    return StageRecord(stage.position, stage.name, kind, StageStatus(r.status), r.score,
                       r.structured_passed, r.structured_total, r.evaluator, r.completed_at,
                       tuple(by_result.get(r.id, ())))


def _answers(s: Session, result_ids: list[int]) -> dict[int, list[AnswerRecord]]:
    out: dict[int, list[AnswerRecord]] = defaultdict(list)
    if not result_ids:
        return out
    # Answers are written as the questions are asked: id order is interview order.
    rows = s.execute(
        select(Answer.stage_result_id, Answer.question_text, Answer.answer_text, Answer.score,
               Answer.passed, Answer.evaluator, Answer.summary, Answer.evidence,
               Question.dealbreaker)
        .outerjoin(Question, Question.id == Answer.question_id)
        .where(Answer.stage_result_id.in_(result_ids))
        .order_by(Answer.stage_result_id, Answer.id))
    for a in rows:
        out[a.stage_result_id or 0].append(AnswerRecord(
            a.question_text, a.answer_text, a.score, a.passed, a.evaluator, a.summary,
            a.evidence, bool(a.dealbreaker)))
    return out


def _notes(s: Session, pairs: list[tuple[int, int]]) -> dict[int, tuple[NoteRecord, ...]]:
    """Per application: the notes on it plus the candidate's general (unattached) notes."""
    if not pairs:
        return {}
    candidate_ids = [c for _a, c in pairs]
    rows = list(s.scalars(
        select(CandidateNote).where(CandidateNote.candidate_id.in_(candidate_ids))
        .where(or_(CandidateNote.application_id.is_(None),
                   CandidateNote.application_id.in_([a for a, _c in pairs])))
        .order_by(CandidateNote.created_at, CandidateNote.id)))
    out: dict[int, tuple[NoteRecord, ...]] = {}
    for aid, cid in pairs:
        out[aid] = tuple(NoteRecord(n.author, n.body, n.created_at) for n in rows
                         if n.candidate_id == cid and n.application_id in (None, aid))
    return out


def _knockout(a: Any, stages: Sequence[Any],
              records: tuple[StageRecord, ...]) -> tuple[str | None, str | None]:
    """Which stage knocked the application out, and why in plain words: the failed
    dealbreaker and what the candidate answered (else the first failed requirement)."""
    knocked = (ApplicationStatus(a.status) == ApplicationStatus.KNOCKED_OUT
               or a.knocked_out_stage_id is not None)
    if not knocked and not any(r.status == StageStatus.KNOCKED_OUT for r in records):
        return None, None
    record = next((r for st, r in zip(stages, records, strict=True)
                   if st.id == a.knocked_out_stage_id), None)
    record = record or next((r for r in records if r.status == StageStatus.KNOCKED_OUT), None)
    if record is None:
        return None, "Knocked out by a dealbreaker."
    failed = [x for x in record.answers if x.passed is False]
    cause = next((x for x in failed if x.dealbreaker), failed[0] if failed else None)
    if cause is None:
        return record.name, f"Knocked out in {record.name}."
    answered = f" — answered “{cause.answer.strip()}”" if cause.answer.strip() else ""
    return record.name, f"Knocked out in {record.name}: {cause.question}{answered}"
