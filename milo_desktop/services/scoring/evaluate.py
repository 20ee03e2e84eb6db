"""One entry point: structured questions ones are parsed, scored ones go to an evaluator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from milo_desktop.services.scoring.rubric import RubricEvaluator
from milo_desktop.services.scoring.spec import (
    Evaluation,
    Evaluator,
    FlowQuestionSpec,
    is_structured,
)
from milo_desktop.services.scoring.structured import evaluate_structured

_RUBRIC = RubricEvaluator()


async def evaluate_answer(question: FlowQuestionSpec, answer_text: str | None,
                          digits: str | None = None,
                          evaluator: Evaluator | None = None) -> Evaluation:
    """Evaluate one answer: deterministically for structured questions, else with ``evaluator``.

    ``evaluator`` defaults to the built-in rubric evaluator; keypad ``digits`` only matter
    for structured questions.
    """
    if is_structured(question):
        return evaluate_structured(question, answer_text, digits)
    return await (evaluator or _RUBRIC).evaluate(question, answer_text or "")


async def evaluate_all(questions: Sequence[FlowQuestionSpec],
                       answers: Mapping[str, tuple[str, str | None]],
                       evaluator: Evaluator | None = None) -> list[Evaluation]:
    """Evaluate ``answers`` (question id → (text, digits)) in question order.

    Unanswered questions get no evaluation; ``score_answers`` flags them for review.
    """
    out: list[Evaluation] = []
    for q in questions:
        if q.id in answers:
            text, digits = answers[q.id]
            out.append(await evaluate_answer(q, text, digits, evaluator))
    return out
