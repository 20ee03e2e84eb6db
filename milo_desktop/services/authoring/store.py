"""Drafts to rows and back, inside one session (called from ``db.read`` / ``db.write``).

Editing an interviewer that already has candidates ("applies to new candidates only"):

* Stages and questions are matched by id and changed **in place**; existing candidates keep
  their stage results, and every ``Answer`` keeps the ``question_text`` it was asked with
  (answers store the text, not just a link), so a reworded question never rewrites history.
* A removed question is deleted; its answers stay, their ``question_id`` becomes NULL
  (ON DELETE SET NULL) and their ``question_text`` still says what was asked.
* A stage that candidates have started or finished cannot be removed (their results would go
  with it): the recruiter is told to clone the interviewer instead. A stage nobody has
  reached yet can go, with its not-started placeholders.
* A Voice or SMS stage whose questions changed drops its ``flow_sid``: the published Studio
  flow no longer matches, so the stage runner publishes a fresh one for the next candidate,
  while executions already running finish on the flow they started with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind, Channel, InterviewerStatus, StageKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    AuditEntry,
    Interviewer,
    InterviewerSubscriber,
    Label,
    MessageTemplate,
    Question,
    Receptionist,
    Stage,
    StageResult,
)
from milo_desktop.models.base import utcnow
from milo_desktop.services.authoring.draft import InterviewerDraft, QuestionDraft, StageDraft
from milo_desktop.services.entry import after_settings
from milo_desktop.services.entry.after_settings import AfterScreening
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.interviewers.rows import InterviewerNotFound


def slug_taken(s: Session, slug: str, exclude_id: int | None = None) -> bool:
    q = select(Interviewer.id).where(Interviewer.slug == slug)
    if exclude_id is not None:
        q = q.where(Interviewer.id != exclude_id)
    return s.scalars(q.limit(1)).first() is not None


def slug_taken_message(slug: str) -> str:
    return f"“{slug}” is already the link of another interviewer. Choose another link name."


def number_owner(s: Session, raw: str) -> str | None:
    """A sentence when ``raw`` is a receptionist's number (callers there reach the
    receptionist, never a screening), else None."""
    e164 = to_e164(raw)
    if e164 is None:
        return None
    name = s.scalars(select(Receptionist.name).where(Receptionist.phone_number == e164)).first()
    if name is None:
        return None
    return (f"{e164} answers calls for the receptionist “{name}”. Use a number no "
            "receptionist uses.")


def invitation_templates(s: Session) -> list[str]:
    """Names of the email invitation templates, by name."""
    return list(s.scalars(select(MessageTemplate.name)
                          .where(MessageTemplate.kind == "invitation",
                                 MessageTemplate.channel == Channel.EMAIL)
                          .order_by(MessageTemplate.name)))


def _interviewer_values(draft: InterviewerDraft, est_cents: int) -> dict[str, Any]:
    kind = BudgetKind(draft.budget_kind)
    return {
        "name": draft.name.strip(), "slug": draft.slug,
        "position_title": draft.position_title.strip(),
        "job_description": draft.job_description.strip(), "language": draft.language,
        "deadline": draft.deadline, "days_to_complete": draft.days_to_complete,
        "retakes": draft.retakes, "budget_kind": kind,
        "budget_cents": None if kind == BudgetKind.NONE else draft.budget_cents,
        "currency": draft.currency, "est_cost_per_interview_cents": est_cents,
        "phone_number": to_e164(draft.phone_number) if draft.phone_number else None,
        "email_template": draft.email_template or None,
        "report_to_candidate": draft.report_to_candidate,
    }


def _labels(s: Session, names: list[str]) -> list[Label]:
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        return []
    existing = {lb.name.casefold(): lb for lb in s.scalars(select(Label))}
    out = []
    for name in wanted:
        label = existing.get(name.casefold())
        if label is None:
            label = Label(name=name)
            s.add(label)
            existing[name.casefold()] = label
        out.append(label)
    return out


def _subscribers(emails: list[str]) -> list[InterviewerSubscriber]:
    unique = dict.fromkeys(e.strip().lower() for e in emails if e.strip())
    return [InterviewerSubscriber(email=e) for e in unique]


def _settings(base: dict[str, Any], draft: InterviewerDraft) -> dict[str, Any]:
    out = dict(base)
    for key, value in (("template", draft.template_key), ("source_url", draft.source_url)):
        if value:
            out[key] = value
    if draft.after != AfterScreening() or after_settings.AFTER_KEY in out:
        out, _ = after_settings.merged(out, draft.after, utcnow())
    return out


def create_interviewer(s: Session, draft: InterviewerDraft, now: dt.datetime,
                       est_cents: int, *, live: bool = True) -> int:
    """Store the draft: active, or a draft when ``live`` is False (it cannot progress yet:
    services/readiness.py)."""
    if slug_taken(s, draft.slug):
        raise ValidationProblem(slug_taken_message(draft.slug))
    status = InterviewerStatus.ACTIVE if live else InterviewerStatus.DRAFT
    iv = Interviewer(**_interviewer_values(draft, est_cents), status=status,
                     created_at=now, activated_at=now if live else None,
                     settings=_settings({}, draft))
    for pos, sd in enumerate(draft.stages):
        stage = Stage(position=pos, kind=sd.kind, name=sd.name.strip(), min_score=sd.min_score,
                      settings=dict(sd.settings))
        stage.questions = [Question(position=i, **q.columns())
                           for i, q in enumerate(sd.questions)]
        iv.stages.append(stage)
    iv.labels = _labels(s, draft.labels)
    iv.subscribers = _subscribers(draft.subscribers)
    s.add(iv)
    s.flush()
    s.add(AuditEntry(action="interviewer.create", entity="interviewer", entity_id=iv.id,
                     detail={"template": draft.template_key, "workflow": draft.workflow(),
                             "questions": draft.question_count()}))
    return iv.id


def _get(s: Session, interviewer_id: int) -> Interviewer:
    iv = s.get(Interviewer, interviewer_id)
    if iv is None:
        raise InterviewerNotFound("This interviewer no longer exists.")
    return iv


def draft_of(s: Session, interviewer_id: int) -> InterviewerDraft:
    iv = _get(s, interviewer_id)
    return InterviewerDraft(
        name=iv.name, slug=iv.slug, position_title=iv.position_title,
        job_description=iv.job_description or "", language=iv.language or "en",
        deadline=iv.deadline, days_to_complete=iv.days_to_complete, retakes=iv.retakes,
        budget_kind=BudgetKind(iv.budget_kind), budget_cents=iv.budget_cents,
        currency=iv.currency, phone_number=iv.phone_number, email_template=iv.email_template,
        report_to_candidate=bool(iv.report_to_candidate),
        stages=[stage_draft_of(st) for st in iv.stages],
        labels=[lb.name for lb in iv.labels], subscribers=[x.email for x in iv.subscribers],
        template_key=(iv.settings or {}).get("template"),
        source_url=(iv.settings or {}).get("source_url"),
        after=after_settings.read(iv.settings),
    )


def stage_draft_of(st: Stage) -> StageDraft:
    return StageDraft(kind=StageKind(st.kind), name=st.name, min_score=st.min_score,
                      settings=dict(st.settings or {}),
                      questions=[QuestionDraft.from_row(q) for q in st.questions], id=st.id)


def _results_per_stage(s: Session, stage_ids: list[int]) -> dict[int, int]:
    if not stage_ids:
        return {}
    rows = s.execute(select(StageResult.stage_id, func.count())
                     .where(StageResult.stage_id.in_(stage_ids),
                            StageResult.status != StageStatus.NOT_STARTED)
                     .group_by(StageResult.stage_id)).all()
    return {sid: n for sid, n in rows}


_QUESTION_COLUMNS = ("kind", "prompt", "weight", "rubric_low", "rubric_high", "expected_yes",
                     "min_value", "unit", "choices", "accepted_choices", "dealbreaker",
                     "follow_ups")


def _snapshot(questions: list[Question]) -> list[tuple[Any, ...]]:
    return [(q.id, *(getattr(q, k) for k in _QUESTION_COLUMNS)) for q in questions]


def _sync_questions(s: Session, stage: Stage, drafts: list[QuestionDraft]) -> bool:
    """Make ``stage.questions`` match ``drafts`` (order included); True when anything
    changed."""
    before = _snapshot(stage.questions)
    by_id = {q.id: q for q in stage.questions}
    keep: list[Question] = []
    for pos, qd in enumerate(drafts):
        row = by_id.pop(qd.id, None) if qd.id is not None else None
        if row is None:
            row = Question(position=pos, **qd.columns())
        else:
            row.position = pos
            for key, value in qd.columns().items():
                setattr(row, key, value)
        keep.append(row)
    stage.questions = keep  # the rest are orphans: deleted (their answers keep the text)
    s.flush()
    return before != _snapshot(keep)


def apply_update(s: Session, interviewer_id: int, draft: InterviewerDraft, now: dt.datetime,
                 est_cents: int) -> list[str]:
    """Write ``draft`` over the interviewer (see the module docstring); returns the names of
    what changed, for the audit entry."""
    iv = _get(s, interviewer_id)
    if slug_taken(s, draft.slug, exclude_id=interviewer_id):
        raise ValidationProblem(slug_taken_message(draft.slug))
    kept_ids = {sd.id for sd in draft.stages if sd.id is not None}
    results = _results_per_stage(s, [st.id for st in iv.stages])
    for old in iv.stages:
        if old.id not in kept_ids and results.get(old.id):
            raise ValidationProblem(
                f"“{old.name}” already has results for {results[old.id]} candidate(s), so it "
                "can't be removed. Clone the interviewer to start a different workflow.")
    changed = [k for k, v in _interviewer_values(draft, est_cents).items()
               if getattr(iv, k) != v]
    for key, value in _interviewer_values(draft, est_cents).items():
        setattr(iv, key, value)
    if iv.status == InterviewerStatus.EXPIRED and draft.deadline and draft.deadline > now:
        iv.status = InterviewerStatus.ACTIVE  # as extend_deadline does
    iv.settings = _settings(iv.settings or {}, draft)
    by_id = {st.id: st for st in iv.stages}
    stages: list[Stage] = []
    for pos, sd in enumerate(draft.stages):
        st = by_id.pop(sd.id, None) if sd.id is not None else None
        if st is not None and st.kind != sd.kind:
            raise ValueError("a stage keeps its kind; remove it and add another instead")
        if st is None:
            st = Stage(kind=sd.kind, position=pos, name=sd.name.strip(), settings={})
            iv.stages.append(st)
            s.flush()
        if st.position != pos:
            changed.append("stage order")
        st.position, st.name, st.min_score = pos, sd.name.strip(), sd.min_score
        st.settings = dict(sd.settings)
        if _sync_questions(s, st, sd.questions):
            changed.append(f"questions of {st.name}")
            st.flow_sid = None
        stages.append(st)
    for gone in by_id.values():
        s.delete(gone)
        changed.append(f"removed {gone.name}")
    iv.stages = stages
    iv.labels = _labels(s, draft.labels)
    new_subs = sorted(dict.fromkeys(e.strip().lower() for e in draft.subscribers if e.strip()))
    if sorted(x.email for x in iv.subscribers) != new_subs:
        iv.subscribers = _subscribers(draft.subscribers)
        changed.append("subscribers")
    s.flush()
    s.add(AuditEntry(action="interviewer.update", entity="interviewer", entity_id=iv.id,
                     detail={"changed": sorted(set(changed))}))
    return changed
