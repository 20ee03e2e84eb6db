"""The evaluation core: parsers (yes/no, amounts, choices), the rubric scorer, outcome, routing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.enums import CallReview, QuestionKind
from milo_desktop.models import Question
from milo_desktop.services.flows.config import QuestionSpec as FlowQuestionSpec
from milo_desktop.services.scoring import (
    RUBRIC,
    STRUCTURED,
    Evaluation,
    Evaluator,
    QuestionSpec,
    RubricEvaluator,
    evaluate_all,
    evaluate_structured,
    match_choice,
    parse_amount,
    parse_yes_no,
    route,
    score_answers,
)

K = QuestionKind

# ---------------------------------------------------------------- numbers written many ways

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spoken(n: int, hyphen: bool = True, and_: bool = True) -> str:
    """An independent number-to-words (0–999), so the parser is not checked against itself."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + (("-" if hyphen else " ") + _ONES[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred"
    return head if not rest else head + (" and " if and_ else " ") + spoken(rest, hyphen)


_PREFIXES = ("", "about ", "around ", "roughly ", "like ", "exactly ", "I have ",
             "I've got ", "um, ", "uh I'd say ", "well, about ", "so I have been doing it for ",
             "approximately ", "It's been ", "hmm ")
_SUFFIXES = ("", " of experience", " or so", ", give or take", " total", ".", " now",
             " in the warehouse")


@st.composite
def phrased_years(draw: Any) -> tuple[int, str]:
    n = draw(st.integers(0, 60))
    number = draw(st.sampled_from([
        str(n), spoken(n), spoken(n, hyphen=False), spoken(n, and_=False),
    ]))
    unit = "year" if n == 1 else draw(st.sampled_from(["years", "yrs", "Years"]))
    if n == 1 and draw(st.booleans()):
        number = "a"
    text = f"{draw(st.sampled_from(_PREFIXES))}{number} {unit}{draw(st.sampled_from(_SUFFIXES))}"
    return n, text


@settings(max_examples=80, deadline=None)
@given(phrased_years())
def test_years_round_trip_however_phrased(case: tuple[int, str]) -> None:
    n, text = case
    amount = parse_amount(text, "years")
    assert amount.value == n, text
    assert amount.confident, text


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 60), st.sampled_from(["years", "yrs", "year"]),
       st.sampled_from(["{} months", "{} mos", "{} month"]), st.booleans())
def test_months_convert_to_the_question_unit(n: int, unit: str, form: str, words_: bool) -> None:
    months = 12 * n
    text = form.format(spoken(months) if words_ else months)
    assert parse_amount(text, unit).value == pytest.approx(n)
    assert parse_amount(form.format(n), "months").value == n


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 60), st.booleans())
def test_and_a_half_and_keypad(n: int, words_: bool) -> None:
    number = spoken(n) if words_ else str(n)
    assert parse_amount(f"{number} and a half years", "years").value == n + 0.5
    assert parse_amount("", "years", digits=f"{n}#").value == n
    assert parse_amount(number, "years").value == n  # a bare number is in the question's unit


# ---------------------------------------------------------------- yes / no from many phrasings

YES = ["yes", "yeah", "yeah I do", "yep", "yup", "sure", "absolutely", "of course", "I have",
       "correct", "I do", "definitely", "uh-huh", "mm-hmm", "yes I have", "I sure do",
       "yes ma'am", "that's right", "you bet", "Sí", "claro que sí", "I've got one",
       "I can", "no problem", "I don't mind", "Yes, I'm sure", "I do, yes"]
NO = ["no", "nope", "nah", "no I don't", "not really", "never", "I do not", "negative",
      "I don't", "I haven't", "I have not", "no way", "absolutely not", "of course not",
      "not at all", "I can't", "I've never had one", "no, never", "nunca", "no tengo",
      "I don't have one", "no sir", "Nope, I don't have no license", "I'm not"]
UNKNOWN = ["not sure", "I'm not sure", "I don't know", "maybe", "yes and no", "kind of",
           "it depends", "no sé", "hmm", "", "the weather is nice", "yeah, no", "sometimes",
           "I have no idea", "perhaps", "press 9"]
_FILLERS = ("", "um ", "uh, ", "well ", "oh ", "so ", "hmm, ", "okay so ")
_ENDINGS = ("", ".", "!", "...", ",", " thanks.", "?")


def _shout(text: str, pattern: list[bool]) -> str:
    return "".join(c.upper() if up else c.lower()
                   for c, up in zip(text, pattern + [False] * len(text), strict=False))


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([(t, True) for t in YES] + [(t, False) for t in NO]),
       st.lists(st.booleans(), max_size=40), st.sampled_from(_FILLERS),
       st.sampled_from(_ENDINGS))
def test_yes_no_phrasings(case: tuple[str, bool], caps: list[bool], filler: str,
                          ending: str) -> None:
    text, expected = case
    if filler.startswith("okay") and not expected:
        filler = "um "  # "okay so, no" is a contradiction we rightly refuse to guess on
    said = _shout(filler + text, caps) + ending
    intent = parse_yes_no(said)
    assert intent.answer is expected, said
    assert intent.confident, said


@pytest.mark.parametrize("text", UNKNOWN)
def test_unclear_yes_no_is_unknown(text: str) -> None:
    intent = parse_yes_no(text)
    assert intent.answer is None
    assert not intent.confident


@pytest.mark.parametrize(("text", "digits", "expected", "confident"), [
    ("", "1", True, True), ("", "2", False, True), ("whatever", "1", True, True),
    ("", "3", None, False), ("1", None, True, True), ("press two", None, False, True),
    ("I don't not have one", None, True, False),  # double negative: yes, but check it
    ("okay", None, True, False), ("probably not", None, False, False),
    ("No, I have a car", None, False, True),
])
def test_yes_no_keypad_and_edges(text: str, digits: str | None, expected: bool | None,
                                 confident: bool) -> None:
    intent = parse_yes_no(text, digits)
    assert (intent.answer, intent.confident) == (expected, confident)


# ---------------------------------------------------------------- amounts: known cases

@pytest.mark.parametrize(("text", "unit", "value", "comparison", "confident"), [
    ("about three years", "years", 3, "~", True),
    ("3 yrs", "years", 3, "=", True),
    ("two and a half years", "years", 2.5, "=", True),
    ("18 months", "years", 1.5, "=", True),
    ("a year and a half", "years", 1.5, "=", True),
    ("six months", "years", 0.5, "=", True),
    ("half a year", "years", 0.5, "=", True),
    ("5+", "years", 5, ">=", True),
    ("5 plus years", "years", 5, ">=", True),
    ("10 years or more", "years", 10, ">=", True),
    ("over 10 years", "years", 10, ">", True),
    ("more than a year", "years", 1, ">", True),
    ("at least 2 years", "years", 2, ">=", True),
    ("less than 2 years", "years", 2, "<", True),
    ("almost two years", "years", 2, "<", True),
    ("twenty-one", "years", 21, "=", True),
    ("a couple of years", "years", 2, "=", True),
    ("a few", "years", 3, "=", False),
    ("2 years and 6 months", "years", 2.5, "=", True),
    ("52 weeks", "years", 1, "=", True),
    ("one point five years", "years", 1.5, "=", True),
    ("No.", "years", 0, "=", True),
    ("none, I'm new to this", "years", 0, "=", True),
    ("nah, only six months", "years", 0.5, "=", True),
    ("I have no idea", "years", None, "=", False),
    ("since 2015", "years", None, "=", False),
    ("1 year forklift, 5 years warehouse", "years", 1, "=", False),
    ("maybe 3 years", "years", 3, "~", False),
    ("$18 an hour", "$/hour", 18, "=", True),
    ("18 dollars per hour", "dollars per hour", 18, "=", True),
    ("forty thousand a year", "$/hour", 40000 / 2080, "=", True),
    ("$40,000", "dollars", 40000, "=", True),
    ("about 15 miles", "miles", 15, "~", True),
    ("20 km", "miles", 20 * 0.621371, "=", True),
    ("40 hours a week", "hours", 40, "=", True),
    ("un año y medio", "years", 1.5, "=", True),
    ("treinta y dos", "years", 32, "=", True),
    ("3 certifications", "certifications", 3, "=", True),
    ("I like turtles", "years", None, "=", False),
])
def test_amount_cases(text: str, unit: str, value: float | None, comparison: str,
                      confident: bool) -> None:
    amount = parse_amount(text, unit)
    assert amount.value == (None if value is None else pytest.approx(value, rel=1e-5))
    assert (amount.comparison, amount.confident) == (comparison, confident)


def test_ranges_take_both_ends() -> None:
    amount = parse_amount("two or three years", "years")
    assert (amount.value, amount.high) == (2, 3)
    assert amount.meets(2) is True and amount.meets(3) is None and amount.meets(4) is False
    assert parse_amount("2-3 years", "years").high == 3


# ---------------------------------------------------------------- multiple choice

SHIFTS = ("Day shift", "Night shift", "Weekends only")


@pytest.mark.parametrize(("text", "digits", "choice", "confident"), [
    ("night shift", None, "Night shift", True),
    ("NIGHT SHIFT!", None, "Night shift", True),
    ("I'd prefer the night shift please", None, "Night shift", True),
    ("nite shift", None, "Night shift", False),
    ("weekend only", None, "Weekends only", True),
    ("", "2", "Night shift", True),
    ("press 3", None, "Weekends only", True),
    ("the second one", None, "Night shift", True),
    ("option one", None, "Day shift", True),
    ("", "7", None, False),
    ("day shift or night shift", None, None, False),
    ("pizza", None, None, False),
])
def test_choice_cases(text: str, digits: str | None, choice: str | None,
                      confident: bool) -> None:
    match = match_choice(text, SHIFTS, digits)
    assert (match.choice, match.confident) == (choice, confident)


def test_choices_ignore_accents_and_map_yes_no_options() -> None:
    assert match_choice("espanol", ("Inglés", "Español")).choice == "Español"
    assert match_choice("yeah I do", ("Yes", "No")).choice == "Yes"


# ---------------------------------------------------------------- evaluate_structured

def q(kind: QuestionKind, qid: str = "q1", **kw: Any) -> QuestionSpec:
    return QuestionSpec(id=qid, kind=kind, prompt=kw.pop("prompt", f"Question {qid}?"), **kw)


YEARS = q(K.MIN_AMOUNT, min_value=2, unit="years")


@pytest.mark.parametrize(("question", "text", "digits", "passed", "confident", "summary"), [
    (q(K.YES_NO, expected_yes=True), "yeah I do", None, True, True,
     'Said "yeah I do" → yes, as required'),
    (q(K.YES_NO, expected_yes=True), "nope", None, False, True,
     'Said "nope" → no; the required answer is yes'),
    (q(K.YES_NO, expected_yes=False), "", "2", True, True, "Pressed 2 → no, as required"),
    (q(K.YES_NO, expected_yes=True), "not sure", None, None, False,
     'Said "not sure" → could not tell yes from no'),
    (YEARS, "about three years", None, True, True,
     'Said "about three years" → about 3 years, meets the 2-year minimum'),
    (YEARS, "18 months", None, False, True,
     'Said "18 months" → 1.5 years, below the 2-year minimum'),
    (YEARS, "more than a year", None, None, False,
     'Said "more than a year" → more than 1 year; cannot tell whether that meets the '
     "2-year minimum"),
    (YEARS, "", "3", True, True, "Pressed 3 → 3 years, meets the 2-year minimum"),
    (q(K.MIN_AMOUNT, min_value=18, unit="$/hour"), "$20 an hour", None, True, True,
     'Said "$20 an hour" → $20/hour, meets the minimum of $18/hour'),
    (q(K.MULTIPLE_CHOICE, choices=SHIFTS, accepted_choices=("Night shift",)), "nights", None,
     True, False, 'Said "nights" → Night shift, an accepted option (close match)'),
    (q(K.MULTIPLE_CHOICE, choices=SHIFTS, accepted_choices=("Night shift",)), "", "1", False,
     True, "Pressed 1 → Day shift, not an accepted option"),
    (q(K.MULTIPLE_CHOICE, choices=SHIFTS), "", "3", True, True, "Pressed 3 → Weekends only"),
    (YEARS, "   ", None, None, False, "No answer"),
])
def test_evaluate_structured(question: QuestionSpec, text: str, digits: str | None,
                             passed: bool | None, confident: bool, summary: str) -> None:
    e = evaluate_structured(question, text, digits)
    assert (e.passed, e.confident, e.summary) == (passed, confident, summary)
    assert (e.question_id, e.score, e.evaluator) == ("q1", None, STRUCTURED)
    if digits:
        assert f"keypad {digits}" in e.evidence


def test_plain_flow_spec_and_orm_rows_are_accepted() -> None:
    flow_q = FlowQuestionSpec(id="lic", kind=K.YES_NO, prompt="License?", expected_yes=True)
    assert evaluate_structured(flow_q, "yep").passed is True
    assert RubricEvaluator().score(flow_q, "I drove trucks for years").score is not None
    row = Question(id=12, kind=K.MIN_AMOUNT, prompt="Years?", weight=2.0, min_value=1.0,
                   unit="years", choices=[], accepted_choices=[], dealbreaker=True,
                   rubric_low="", rubric_high="")
    spec = QuestionSpec.from_question(row)
    assert (spec.id, spec.weight, spec.dealbreaker, spec.min_value) == ("12", 2.0, True, 1.0)
    with pytest.raises(ValueError, match="not a structured question"):
        evaluate_structured(q(K.SCORED), "hello")


_NASTY = st.one_of(st.text(max_size=200),
                   st.lists(st.sampled_from(["no", "not", "and", "a", "half", "year", "$", "+",
                                             "1,5", "point", "hundred", "y", "medio", "-", "2",
                                             "twenty", "over", "since", "1999", "press", "k"]),
                            max_size=12).map(" ".join))


@settings(max_examples=80, deadline=None)
@given(_NASTY, st.one_of(st.none(), st.text(alphabet="0123456789*#", max_size=4)))
def test_parsing_never_raises(text: str, digits: str | None) -> None:
    questions = [q(K.YES_NO, expected_yes=True), YEARS,
                 q(K.MIN_AMOUNT, min_value=15, unit="$/hour"),
                 q(K.MULTIPLE_CHOICE, choices=SHIFTS, accepted_choices=("Day shift",))]
    for question in questions:
        e = evaluate_structured(question, text, digits)
        assert isinstance(e, Evaluation)
        if e.passed is None:
            assert not e.confident
    scored = RubricEvaluator().score(q(K.SCORED, rubric_low="none", rubric_high="5 years"), text)
    assert scored.score is None or 1 <= scored.score <= 5


# ---------------------------------------------------------------- the rubric evaluator

FORKLIFT = q(K.SCORED, prompt="Tell me about your forklift experience",
             rubric_low="No forklift experience, never operated one",
             rubric_high="5+ years operating sit-down and reach forklifts safely, certified, "
                         "inventory and loading docks")


def test_rubric_orders_answers_and_explains() -> None:
    rubric = RubricEvaluator()
    strong = rubric.score(FORKLIFT, "I've been operating reach forklifts for 6 years. Certified "
                                    "since 2019, mostly loading docks and inventory counts.")
    middle = rubric.score(FORKLIFT, "I worked in a warehouse for two years and helped with "
                                    "loading trucks, I am learning to drive the forklift.")
    weak = rubric.score(FORKLIFT, "Never operated one, no experience really")
    assert strong.score == 5 and weak.score == 1
    assert strong.score > middle.score > weak.score  # type: ignore[operator]
    assert "certified" in strong.summary and "reaches the amount" in strong.summary
    assert "echoes the 1-description" in weak.summary
    assert strong.evaluator == RUBRIC and strong.evidence.startswith("Certified")
    assert all(e.confident for e in (strong, middle, weak))


def test_rubric_short_or_empty_answers_are_not_confident() -> None:
    rubric = RubricEvaluator()
    assert rubric.score(FORKLIFT, "").score is None
    short = rubric.score(FORKLIFT, "yes")
    assert short.score is not None and short.score <= 2 and not short.confident


class _FakeLLM:
    name = "llm:test"

    async def evaluate(self, question: FlowQuestionSpec, answer_text: str) -> Evaluation:
        return Evaluation(question.id, None, 4, None, "LLM says 4", answer_text, self.name, True)


def test_evaluators_plug_in(arun: Any) -> None:
    assert isinstance(RubricEvaluator(), Evaluator) and isinstance(_FakeLLM(), Evaluator)
    questions = [FORKLIFT, q(K.YES_NO, "lic", expected_yes=True)]
    answers = {"q1": ("six years on reach trucks", None), "lic": ("", "1")}
    default = arun(evaluate_all(questions, answers))
    plugged = arun(evaluate_all(questions, answers, _FakeLLM()))
    assert [e.evaluator for e in default] == [RUBRIC, STRUCTURED]
    assert [e.evaluator for e in plugged] == ["llm:test", STRUCTURED]
    assert plugged[1].passed is True


# ---------------------------------------------------------------- outcome and routing

def ev(qid: str, *, score: int | None = None, passed: bool | None = None,
       confident: bool = True) -> Evaluation:
    return Evaluation(qid, passed, score, None, f"summary {qid}", "", RUBRIC, confident)


S1 = q(K.SCORED, "s1", weight=1.0)
S2 = q(K.SCORED, "s2", weight=3.0)
LIC = q(K.YES_NO, "lic", expected_yes=True, dealbreaker=True, prompt="Forklift license?")
SHIFT = q(K.MULTIPLE_CHOICE, "shift", choices=SHIFTS)


@pytest.mark.parametrize(("questions", "evaluations", "score", "knocked", "review"), [
    # weighted mean of (score-1)/4*100: (1×50 + 3×100) / 4 = 87.5; structured don't count
    ([S1, S2, LIC], [ev("s1", score=3), ev("s2", score=5), ev("lic", passed=True)],
     87.5, False, False),
    ([S1, S2], [ev("s1", score=5), ev("s2", score=1)], 25.0, False, False),
    # every weight 0: count equally instead of dividing by zero
    ([q(K.SCORED, "s1", weight=0), q(K.SCORED, "s2", weight=0)],
     [ev("s1", score=5), ev("s2", score=3)], 75.0, False, False),
    ([S1, LIC], [ev("s1", score=5), ev("lic", passed=False)], 100.0, True, False),
    ([S1, SHIFT], [ev("s1", score=5), ev("shift", passed=False)], 100.0, False, False),
    # an unclear dealbreaker is not a knock-out: a person looks at it
    ([S1, LIC], [ev("s1", score=5), ev("lic", passed=False, confident=False)], 100.0, False,
     True),
    ([S1, LIC], [ev("s1", score=5), ev("lic", passed=None, confident=False)], 100.0, False,
     True),
    ([S1, LIC], [ev("s1", score=5)], 100.0, False, True),  # not answered
    ([S1, S2], [ev("s1", score=4), ev("s2", score=None, confident=False)], 75.0, False, True),
    ([LIC], [ev("lic", passed=True)], None, False, False),
])
def test_score_answers(questions: list[QuestionSpec], evaluations: list[Evaluation],
                       score: float | None, knocked: bool, review: bool) -> None:
    outcome = score_answers(questions, evaluations, threshold=70)
    assert (outcome.score, outcome.knocked_out, outcome.needs_review) == (score, knocked, review)
    if knocked:
        assert outcome.knockout_question_id == "lic"
        assert "Forklift license?" in outcome.knockout_reason
    structured = [x for x in questions if x.kind is not K.SCORED]
    assert outcome.structured_total == len(structured)


A, NR, R = CallReview.APPROVED, CallReview.NEEDS_REVIEW, CallReview.REJECTED


@pytest.mark.parametrize(("evaluations", "threshold", "manual", "rejects", "review", "reason"), [
    ([ev("s1", score=4), ev("lic", passed=True)], 70, False, False, A, "meets the threshold"),
    ([ev("s1", score=4), ev("lic", passed=True)], 75, False, False, A, "meets"),  # 75 ≥ 75
    ([ev("s1", score=4), ev("lic", passed=True)], 76, False, False, NR, "below the threshold"),
    ([ev("s1", score=5), ev("lic", passed=True)], 70, True, False, NR, "Manual approval"),
    ([ev("s1", score=5), ev("lic", passed=False)], 70, False, False, NR, "Knocked out"),
    ([ev("s1", score=5), ev("lic", passed=False)], 70, False, True, R, "Forklift license?"),
    ([ev("s1", score=5), ev("lic", passed=False)], 70, True, True, NR, "Forklift license?"),
    ([ev("s1", score=5), ev("lic", passed=None, confident=False)], 70, False, False, NR,
     "Unclear answer to dealbreaker"),
    ([ev("s1", score=5, confident=False), ev("lic", passed=True)], 70, False, False, NR,
     "Low-confidence"),
    ([ev("lic", passed=True)], 0, False, False, NR, "No scored answers"),
])
def test_route(evaluations: list[Evaluation], threshold: int, manual: bool, rejects: bool,
               review: CallReview, reason: str) -> None:
    questions = [S1, LIC] if any(e.question_id == "s1" for e in evaluations) else [LIC]
    outcome = score_answers(questions, evaluations)
    routing = route(outcome, threshold, manual, knockout_rejects=rejects)
    assert routing.review == review
    assert reason in routing.reason


def test_highlights_and_lowlights() -> None:
    outcome = score_answers([S1, S2, SHIFT], [ev("s1", score=5), ev("s2", score=2),
                                              ev("shift", passed=False)], threshold=90)
    assert [h.split(":")[0] for h in outcome.highlights] == ['"Question s1?"']
    assert len(outcome.lowlights) == 3  # s2, the failed choice, below the threshold
    assert (outcome.structured_passed, outcome.structured_total) == (0, 1)
