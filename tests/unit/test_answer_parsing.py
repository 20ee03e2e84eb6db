"""Property tests for answer parsing beyond tests/unit/test_scoring.py: fractions and mixed
numbers, unit conversions, pay with periods, yes/no through keypad and filler, choices named
every way — and whole stages of arbitrary text never raising and keeping their invariants."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.enums import QuestionKind
from milo_desktop.services.applications.results import evaluate_stage
from milo_desktop.services.scoring import (
    QuestionSpec,
    RubricEvaluator,
    evaluate_structured,
    match_choice,
    parse_amount,
    parse_yes_no,
)
from tests.unit.test_scoring import spoken

K = QuestionKind
FRACTIONS = [Fraction(1, 2), Fraction(1, 4), Fraction(3, 4), Fraction(1, 3), Fraction(2, 3)]
_HALF_WORDS = {Fraction(1, 2): "½", Fraction(1, 4): "¼", Fraction(3, 4): "¾",
               Fraction(1, 3): "⅓", Fraction(2, 3): "⅔"}


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.sampled_from(FRACTIONS), st.sampled_from(["slash", "glyph"]),
       st.sampled_from(["years", "yrs", "year"]))
def test_mixed_numbers(n: int, frac: Fraction, form: str, unit: str) -> None:
    written = (f"{frac.numerator}/{frac.denominator}" if form == "slash" else _HALF_WORDS[frac])
    text = f"{n} {written} {unit}" if n else f"{written} of a year"
    assert parse_amount(text, "years").value == pytest.approx(float(n + frac), abs=1e-6), text


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.booleans(), st.sampled_from(["and a half", "and half"]))
def test_and_a_half_in_words_or_digits(n: int, words_: bool, half: str) -> None:
    number = spoken(n) if words_ else str(n)
    unit = "year" if n == 1 else "years"
    for text in (f"{number} {half} {unit}", f"{number} {unit} {half}"):
        if half == "and half" and text.endswith("half"):
            continue  # "two years and half" is not how anyone says it
        assert parse_amount(text, "years").value == n + 0.5, text


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 120), st.sampled_from([("months", 1 / 12), ("weeks", 1 / 52)]))
def test_units_convert_to_the_question(n: int, case: tuple[str, float]) -> None:
    unit, per_year = case
    assert parse_amount(f"{n} {unit}", "years").value == pytest.approx(n * per_year, rel=1e-4)
    assert parse_amount(f"{n} years", "months").value == pytest.approx(12 * n)


@settings(max_examples=80, deadline=None)
@given(st.integers(8, 60), st.sampled_from(["${} an hour", "${}/hr", "{} dollars per hour",
                                             "{} bucks an hour", "${} hourly"]))
def test_hourly_pay(n: int, form: str) -> None:
    amount = parse_amount(form.format(n), "$/hour")
    assert amount.value == n and amount.confident


@settings(max_examples=80, deadline=None)
@given(st.integers(20, 120).map(lambda k: k * 1000))
def test_yearly_pay_converts_to_hourly(salary: int) -> None:
    hourly = parse_amount(f"${salary:,} a year", "$/hour").value
    assert hourly is not None and 0 < hourly < salary / 1000  # converted, not copied


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["1", "1#", "#1", "2", "2#"]), st.sampled_from(["", "um", "..."]))
def test_keypad_decides_yes_no(digits: str, said: str) -> None:
    expected = digits.strip("#") == "1"
    assert parse_yes_no(said, digits).answer is expected


CHOICES = ("Day shift", "Night shift", "Weekends only")


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2), st.sampled_from(["{}", "{} please", "I'd prefer {}", "umm, {}",
                                           "{}!", "definitely {}"]),
       st.sampled_from(["name", "upper", "ordinal", "option", "keypad"]))
def test_choice_however_picked(index: int, frame: str, how: str) -> None:
    ordinal = ["first", "second", "third"][index]
    said, digits = {
        "name": (CHOICES[index], None),
        "upper": (CHOICES[index].upper(), None),
        "ordinal": (f"the {ordinal} one", None),
        "option": (f"option {spoken(index + 1)}", None),
        "keypad": ("", str(index + 1)),
    }[how]
    text = frame.format(said) if said else ""
    match = match_choice(text, CHOICES, digits)
    assert match.choice == CHOICES[index], (text, digits)


_QUESTIONS = [
    QuestionSpec("yn", K.YES_NO, "Forklift license?", expected_yes=True, dealbreaker=True),
    QuestionSpec("amt", K.MIN_AMOUNT, "Years?", min_value=2, unit="years", dealbreaker=True),
    QuestionSpec("pay", K.MIN_AMOUNT, "Pay?", min_value=15, unit="$/hour"),
    QuestionSpec("mc", K.MULTIPLE_CHOICE, "Shift?", choices=CHOICES,
                 accepted_choices=("Day shift",), dealbreaker=True),
    QuestionSpec("sc", K.SCORED, "Teamwork?", weight=2, rubric_low="alone",
                 rubric_high="trained and helped teammates"),
]
_TEXT = st.one_of(st.text(max_size=120), st.sampled_from(
    ["yes", "no", "nope", "three years", "half of a year", "$18/hr", "the second one", "",
     "2 1/2 yrs", "¾ of a year", "I trained and helped teammates every day for two years"]))


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from([q.id for q in _QUESTIONS]),
                       st.tuples(_TEXT, st.one_of(st.none(), st.sampled_from(["1", "2", "9"]))),
                       max_size=5),
       st.one_of(st.none(), st.integers(0, 100)))
def test_stages_of_arbitrary_answers_keep_their_invariants(answers: dict[str, Any],
                                                           min_score: int | None) -> None:
    ev = asyncio.run(evaluate_stage(_QUESTIONS, answers, RubricEvaluator(), min_score))
    assert ev.score is not None and 0 <= ev.score <= 100  # one scored question: always scored
    assert 0 <= ev.structured_passed <= ev.structured_total == 4
    assert ev.below_min_score == (min_score is not None and ev.score < min_score)
    assert len(ev.answers) == len(_QUESTIONS)
    if ev.knocked_out:
        by = next(q for q in _QUESTIONS if q.prompt == ev.knocked_out_by)
        judged = next(r.evaluation for r in ev.answers if r.question_id == by.id)
        assert by.dealbreaker and judged.passed is False and judged.confident
    for q in _QUESTIONS[:4]:
        e = evaluate_structured(q, *answers.get(q.id, ("", None)))
        assert e.passed is not None or not e.confident
