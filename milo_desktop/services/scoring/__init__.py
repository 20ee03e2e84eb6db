"""Evaluation of screening answers: deterministic parsers, the rubric scorer and routing.

Pure Python: no Qt, no network, no database. Callers convert ``models.Question`` rows with
``QuestionSpec.from_question`` inside their database function and evaluate outside it.

- ``evaluate_structured`` — yes/no, minimum amount, multiple choice → pass/fail.
- ``RubricEvaluator`` — scored questions, 1–5 against the recruiter's rubric text; any
  ``Evaluator`` (e.g. an LLM one) can replace it.
- ``score_answers`` → ``Outcome`` (0–100 score, knock-out, review flags); ``route`` → where
  a receptionist's caller goes.
"""

from milo_desktop.services.scoring.amounts import Amount, parse_amount
from milo_desktop.services.scoring.choices import ChoiceMatch, is_accepted, match_choice
from milo_desktop.services.scoring.evaluate import evaluate_all, evaluate_answer
from milo_desktop.services.scoring.outcome import percent, route, score_answers
from milo_desktop.services.scoring.rubric import RubricEvaluator
from milo_desktop.services.scoring.spec import (
    RUBRIC,
    STRUCTURED,
    Evaluation,
    Evaluator,
    FlowQuestionSpec,
    Outcome,
    QuestionSpec,
    Routing,
)
from milo_desktop.services.scoring.structured import evaluate_structured
from milo_desktop.services.scoring.yes_no import YesNo, parse_yes_no

__all__ = [
    "RUBRIC",
    "STRUCTURED",
    "Amount",
    "ChoiceMatch",
    "Evaluation",
    "Evaluator",
    "FlowQuestionSpec",
    "Outcome",
    "QuestionSpec",
    "Routing",
    "RubricEvaluator",
    "YesNo",
    "evaluate_all",
    "evaluate_answer",
    "evaluate_structured",
    "is_accepted",
    "match_choice",
    "parse_amount",
    "parse_yes_no",
    "percent",
    "route",
    "score_answers",
]
