"""Receptionist rows ↔ ``ReceptionistConfig``: the only place that knows how the JSON columns
(disclosures, custom_context) are laid out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import LanguageMode, QuestionKind
from milo_desktop.models import Question, Receptionist, ReceptionistInterviewer
from milo_desktop.services.flows import (
    CustomContext,
    Disclosures,
    QuestionSpec,
    ReceptionistConfig,
)
from milo_desktop.services.receptionists.types import ReceptionistDetail

CONTEXT_FIELDS = ("open_positions", "shifts", "pay", "directions", "company_background",
                  "edge_cases")


def _text(value: Any, sep: str) -> str:
    # Older rows (and the demo) keep lists here: "positions" as a list, edge cases one a line.
    if isinstance(value, list | tuple):
        return sep.join(str(v) for v in value if str(v).strip())
    return "" if value is None else str(value)


def question_spec(q: Question) -> QuestionSpec:
    return QuestionSpec(
        id=str(q.id), kind=QuestionKind(q.kind), prompt=q.prompt or "",
        expected_yes=q.expected_yes, min_value=q.min_value, unit=q.unit,
        choices=tuple(q.choices or ()), accepted_choices=tuple(q.accepted_choices or ()),
        dealbreaker=bool(q.dealbreaker),
        weight=float(q.weight),
    )


def config_of(r: Receptionist, questions: Sequence[Question]) -> ReceptionistConfig:
    d = r.disclosures or {}
    c = r.custom_context or {}
    return ReceptionistConfig(
        agent_name=r.agent_name, intro_message=r.intro_message or "",
        questions=tuple(question_spec(q) for q in questions),
        voice=r.voice or "Polly.Joanna", language_mode=LanguageMode(r.language_mode),
        disclosures=Disclosures(
            ai_nature=bool(d.get("ai_nature", True)), recording=bool(d.get("recording", True)),
            e_verify=bool(d.get("e_verify", False)),
        ),
        collect_location=bool(d.get("collect_location", False)),
        enforce_job_location_match=bool(d.get("enforce_job_location_match", False)),
        job_locations=tuple(str(p) for p in d.get("job_locations", ()) or ()),
        custom_context=CustomContext(
            open_positions=_text(c.get("open_positions"), ", "),
            shifts=_text(c.get("shifts"), "\n"), pay=_text(c.get("pay"), "\n"),
            directions=_text(c.get("directions"), "\n"),
            company_background=_text(c.get("company_background"), "\n"),
            edge_cases=_text(c.get("edge_cases"), "\n"),
        ),
        manual_approval=bool(r.manual_approval), routing_threshold=int(r.routing_threshold),
    )


def detail_of(s: Session, r: Receptionist) -> ReceptionistDetail:
    questions = s.scalars(select(Question).where(Question.receptionist_id == r.id)
                          .order_by(Question.position, Question.id)).all()
    links = s.scalars(select(ReceptionistInterviewer.interviewer_id)
                      .where(ReceptionistInterviewer.receptionist_id == r.id)
                      .order_by(ReceptionistInterviewer.interviewer_id)).all()
    return ReceptionistDetail(
        id=r.id, name=r.name, phone_number=r.phone_number, status=r.status,
        flow_sid=r.flow_sid, default_interviewer_id=r.default_interviewer_id,
        interviewer_ids=tuple(links), created_at=r.created_at, _config=config_of(r, questions),
    )


def apply_config(r: Receptionist, config: ReceptionistConfig) -> None:
    """Copy the receptionist-level fields of ``config`` onto the row (questions separately)."""
    r.agent_name = config.agent_name.strip()
    r.voice = config.voice
    r.intro_message = config.intro_message
    r.language_mode = config.language_mode
    r.manual_approval = config.manual_approval
    r.routing_threshold = config.routing_threshold
    r.disclosures = {
        "ai_nature": config.disclosures.ai_nature,
        "recording": config.disclosures.recording,
        "e_verify": config.disclosures.e_verify,
        "collect_location": config.collect_location,
        "enforce_job_location_match": config.enforce_job_location_match,
        "job_locations": [p.strip() for p in config.job_locations],
    }
    r.custom_context = {k: getattr(config.custom_context, k) for k in CONTEXT_FIELDS}


def sync_questions(s: Session, receptionist_id: int, specs: Sequence[QuestionSpec]) -> None:
    """Make the receptionist's questions match ``specs`` in order. A spec whose id is an
    existing question's id updates that row (its past answers keep pointing at it); others
    are added; questions no longer listed are deleted (answers keep their text)."""
    existing = {str(q.id): q for q in s.scalars(
        select(Question).where(Question.receptionist_id == receptionist_id))}
    kept: set[str] = set()
    for position, spec in enumerate(specs):
        row = existing.get(spec.id)
        if row is None:
            row = Question(receptionist_id=receptionist_id)
            s.add(row)
        else:
            kept.add(spec.id)
        row.position = position
        row.kind = spec.kind
        row.prompt = spec.prompt.strip()
        row.weight = spec.weight
        row.expected_yes = spec.expected_yes
        row.min_value = spec.min_value
        row.unit = (spec.unit or "").strip() or None
        row.choices = [c.strip() for c in spec.choices]
        row.accepted_choices = [c.strip() for c in spec.accepted_choices]
        row.dealbreaker = spec.dealbreaker
    for key, row in existing.items():
        if key not in kept:
            s.delete(row)
    s.flush()


def sync_links(s: Session, receptionist_id: int, interviewer_ids: Sequence[int]) -> None:
    wanted = set(interviewer_ids)
    have = set(s.scalars(select(ReceptionistInterviewer.interviewer_id)
                         .where(ReceptionistInterviewer.receptionist_id == receptionist_id)))
    for iid in have - wanted:
        s.delete(s.get(ReceptionistInterviewer, (receptionist_id, iid)))
    for iid in sorted(wanted - have):
        s.add(ReceptionistInterviewer(receptionist_id=receptionist_id, interviewer_id=iid))
