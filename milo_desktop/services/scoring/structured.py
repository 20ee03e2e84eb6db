"""Deterministic evaluation of structured questions: yes/no, minimum amount, multiple choice.

Each evaluation carries a one-line summary a recruiter can check at a glance
('Said "about three years" → 3 years, meets the 2-year minimum') and the answer excerpt it
came from. Summaries are stored data, like an evaluator's notes, so they are written here
in English rather than translated by the view.
"""

from __future__ import annotations

from milo_desktop.enums import QuestionKind
from milo_desktop.services.scoring.amounts import Amount, parse_amount
from milo_desktop.services.scoring.choices import is_accepted, match_choice
from milo_desktop.services.scoring.spec import STRUCTURED, Evaluation, FlowQuestionSpec
from milo_desktop.services.scoring.text import excerpt, format_number
from milo_desktop.services.scoring.units import DISTANCE, MONEY, TIME, Unit
from milo_desktop.services.scoring.yes_no import parse_yes_no

_COMPARISON_WORDS = {"~": "about ", ">=": "at least ", ">": "more than ", "<": "less than ",
                     "<=": "at most ", "=": ""}


def quantity_text(value: float, unit: Unit) -> str:
    """3 years, 1 year, $18/hour, 12.43 miles, 3 certifications."""
    number = format_number(value)
    if unit.dimension == MONEY and unit.singular == "dollar":
        return f"${number}" + (f"/{unit.per}" if unit.per else "")
    label = unit.label(value)
    return f"{number} {label}".strip()


def _minimum_text(minimum: float, unit: Unit) -> str:
    if unit.dimension in (TIME, DISTANCE):
        return f"the {format_number(minimum)}-{unit.singular} minimum"  # "the 2-year minimum"
    return f"the minimum of {quantity_text(minimum, unit)}"


def _amount_text(amount: Amount) -> str:
    if amount.value is None:
        return "no amount"
    if amount.high is not None:
        low = format_number(amount.value)
        return f"{low}–{quantity_text(amount.high, amount.unit)}"
    return _COMPARISON_WORDS.get(amount.comparison, "") + quantity_text(amount.value, amount.unit)


def _said(answer: str, digits: str | None) -> str:
    keyed = (digits or "").strip()
    if keyed:
        return f"Pressed {keyed}"
    return f'Said "{excerpt(answer, 80)}"'


def _yes_no(q: FlowQuestionSpec, answer: str, digits: str | None) -> Evaluation:
    intent = parse_yes_no(answer, digits)
    said = _said(answer, digits)
    if intent.answer is None:
        return _unclear(q, answer, digits, f"{said} → could not tell yes from no")
    word = "yes" if intent.answer else "no"
    if q.expected_yes is None:
        passed, verdict = True, ""
    elif intent.answer == q.expected_yes:
        passed, verdict = True, ", as required"
    else:
        needed = "yes" if q.expected_yes else "no"
        passed, verdict = False, f"; the required answer is {needed}"
    hedge = " (unsure reading)" if not intent.confident else ""
    return _evaluation(q, answer, digits, passed, word, f"{said} → {word}{verdict}{hedge}",
                       intent.confident)


def _min_amount(q: FlowQuestionSpec, answer: str, digits: str | None) -> Evaluation:
    amount = parse_amount(answer, q.unit, digits)
    said = _said(answer, digits)
    if amount.value is None:
        return _unclear(q, answer, digits, f"{said} → no amount found")
    stated = _amount_text(amount)
    confident = amount.confident
    if q.min_value is None:
        passed, verdict = True, ""
    else:
        meets = amount.meets(q.min_value)
        minimum = _minimum_text(q.min_value, amount.unit)
        if meets is None:
            passed, verdict, confident = None, f"; cannot tell whether that meets {minimum}", False
        elif meets:
            passed, verdict = True, f", meets {minimum}"
        else:
            passed, verdict = False, f", below {minimum}"
    hedge = " (unsure reading)" if not amount.confident else ""
    return _evaluation(q, answer, digits, passed, amount.value,
                       f"{said} → {stated}{verdict}{hedge}", confident)


def _multiple_choice(q: FlowQuestionSpec, answer: str, digits: str | None) -> Evaluation:
    match = match_choice(answer, q.choices, digits)
    said = _said(answer, digits)
    if match.choice is None:
        why = "more than one option" if match.how == "named" else "none of the options"
        return _unclear(q, answer, digits, f"{said} → {why}")
    passed = is_accepted(match.choice, q.accepted_choices)
    verdict = ""
    if q.accepted_choices:
        verdict = ", an accepted option" if passed else ", not an accepted option"
    hedge = " (close match)" if not match.confident else ""
    return _evaluation(q, answer, digits, passed, match.choice,
                       f"{said} → {match.choice}{verdict}{hedge}", match.confident)


def _evidence(answer: str, digits: str | None) -> str:
    text = excerpt(answer) if answer and answer.strip() else ""
    if digits and digits.strip():
        return f"{text} [keypad {digits.strip()}]".strip()
    return text


def _evaluation(q: FlowQuestionSpec, answer: str, digits: str | None, passed: bool | None,
                value: float | str | bool | None, summary: str, confident: bool) -> Evaluation:
    return Evaluation(question_id=q.id, passed=passed, score=None, value=value, summary=summary,
                      evidence=_evidence(answer, digits), evaluator=STRUCTURED,
                      confident=confident)


def _unclear(q: FlowQuestionSpec, answer: str, digits: str | None, summary: str) -> Evaluation:
    return _evaluation(q, answer, digits, None, None, summary, False)


_BY_KIND = {QuestionKind.YES_NO: _yes_no, QuestionKind.MIN_AMOUNT: _min_amount,
            QuestionKind.MULTIPLE_CHOICE: _multiple_choice}


def evaluate_structured(question: FlowQuestionSpec, answer_text: str | None,
                        digits: str | None = None) -> Evaluation:
    """Judge one answer to a structured question, from speech/text or keypad ``digits``.

    yes/no passes when the intent equals ``expected_yes`` (any clear answer when unset);
    minimum amount passes when the value in the question's unit is ≥ ``min_value``;
    multiple choice passes when the option picked is accepted (all are when none are
    listed). Never raises on odd text: an answer it cannot read gives ``passed=None`` and
    ``confident=False``. Raises ``ValueError`` for a scored question (a caller's mistake).
    """
    handler = _BY_KIND.get(question.kind)
    if handler is None:
        raise ValueError(f"question {question.id} is {question.kind}, not a structured question")
    answer = answer_text or ""
    if not answer.strip() and not (digits or "").strip():
        return _unclear(question, answer, digits, "No answer")
    return handler(question, answer, digits)
