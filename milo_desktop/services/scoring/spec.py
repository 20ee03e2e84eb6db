"""The plain data of evaluation: what a question asks, what an answer was judged to be.

Frozen dataclasses only, so evaluations can cross threads (database worker ↔ GUI) and be
compared in tests. Nothing here imports SQLAlchemy: ``QuestionSpec.from_question`` reads the
ORM row by attribute, so callers convert inside their ``db.read`` function. Question ids are
strings, as in the flow compiler (they name Studio widgets); database ids become "12".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from milo_desktop.enums import CallReview, QuestionKind
from milo_desktop.services.flows.config import QuestionSpec as FlowQuestionSpec

# FlowQuestionSpec (a question as the flow compiler sees it) is part of this module's interface.
__all__ = [
    "RUBRIC",
    "STRUCTURED",
    "STRUCTURED_KINDS",
    "Evaluation",
    "Evaluator",
    "FlowQuestionSpec",
    "Outcome",
    "QuestionSpec",
    "Routing",
    "by_question",
    "is_structured",
    "rubric_of",
]

STRUCTURED_KINDS = frozenset({QuestionKind.YES_NO, QuestionKind.MIN_AMOUNT,
                              QuestionKind.MULTIPLE_CHOICE})

#: Names stored in ``Answer.evaluator`` so the UI can say which evaluator made a judgement.
STRUCTURED = "structured"
RUBRIC = "rubric"


@dataclass(frozen=True)
class QuestionSpec(FlowQuestionSpec):
    """The flow compiler's ``QuestionSpec`` plus what a 1 and a 5 look like.

    Reused rather than duplicated, so one object goes into the compiler and the evaluators.
    Everything here also accepts a plain ``flows.QuestionSpec``: its rubric is then empty.
    """

    rubric_low: str = ""  # the recruiter's words for a 1
    rubric_high: str = ""  # the recruiter's words for a 5

    @classmethod
    def from_question(cls, question: Any) -> QuestionSpec:
        """Copy a ``models.Question`` (or anything with the same attributes) into a spec."""
        return cls(
            id=str(question.id),
            kind=QuestionKind(question.kind),
            prompt=question.prompt or "",
            weight=float(question.weight if question.weight is not None else 1.0),
            expected_yes=question.expected_yes,
            min_value=question.min_value,
            unit=question.unit,
            choices=tuple(question.choices or ()),
            accepted_choices=tuple(question.accepted_choices or ()),
            dealbreaker=bool(question.dealbreaker),
            rubric_low=question.rubric_low or "",
            rubric_high=question.rubric_high or "",
        )


def is_structured(question: FlowQuestionSpec) -> bool:
    """Pass/fail questions: they decide knock-outs and never count towards the score."""
    return question.kind in STRUCTURED_KINDS


def rubric_of(question: FlowQuestionSpec) -> tuple[str, str]:
    """(what a 1 looks like, what a 5 looks like); empty for a spec without a rubric."""
    return getattr(question, "rubric_low", "") or "", getattr(question, "rubric_high", "") or ""


@dataclass(frozen=True, slots=True)
class Evaluation:
    """One answer judged against one question.

    ``passed`` is set for structured questions (None when undecided), ``score`` (1–5) for
    scored ones. ``confident`` is False when the answer could not be understood well enough
    to act on: the app then sends the call or candidate to review instead of guessing.
    """

    question_id: str
    passed: bool | None
    score: int | None
    value: float | str | bool | None
    summary: str
    evidence: str
    evaluator: str
    confident: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """Every evaluation of one call or stage, folded into what routing needs.

    ``score`` is 0–100 (one decimal) over scored questions only; None when none was scored.
    """

    score: float | None
    knocked_out: bool
    knockout_question_id: str | None
    knockout_reason: str
    needs_review: bool
    review_reasons: tuple[str, ...]
    structured_passed: int
    structured_total: int
    highlights: tuple[str, ...] = field(default=())
    lowlights: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a receptionist's caller goes, and the sentence the pipeline shows for why."""

    review: CallReview
    reason: str


@runtime_checkable
class Evaluator(Protocol):
    """Scores an answer to a *scored* question (1–5).

    Async because the optional LLM evaluator (issue 4) talks to a network endpoint; the
    built-in ``RubricEvaluator`` answers at once. ``name`` is stored with each evaluation.
    """

    name: str

    async def evaluate(self, question: FlowQuestionSpec, answer_text: str) -> Evaluation:
        """Judge ``answer_text`` against the question's rubric; never raise on odd text."""
        ...


def by_question(evaluations: Iterable[Evaluation]) -> dict[str, Evaluation]:
    """Index evaluations by question id (the last one wins when a question was re-asked)."""
    return {e.question_id: e for e in evaluations}
