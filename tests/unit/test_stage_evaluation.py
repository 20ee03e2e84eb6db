"""evaluate_stage: knock-outs, weights, thresholds and unanswered questions (table-driven)."""

from __future__ import annotations

from typing import Any

import pytest

from milo_desktop.enums import QuestionKind
from milo_desktop.services.applications.results import (
    UNANSWERED,
    evaluate_stage,
    overall_score,
)
from milo_desktop.services.scoring import RUBRIC, STRUCTURED, Evaluation, QuestionSpec
from milo_desktop.services.scoring.spec import FlowQuestionSpec

K = QuestionKind


class FixedEvaluator:
    """A real Evaluator that reads the score the answer states ("score 4"): the table then
    controls scored questions exactly while the structured parsers run for real."""

    name = "fixed"

    async def evaluate(self, question: FlowQuestionSpec, answer_text: str) -> Evaluation:
        words = answer_text.split()
        score = int(words[words.index("score") + 1]) if "score" in words else None
        return Evaluation(question.id, None, score, None, f"stated {score}", answer_text,
                          self.name, score is not None)


LICENSE = QuestionSpec("lic", K.YES_NO, "Do you have a forklift license?", expected_yes=True,
                       dealbreaker=True)
YEARS = QuestionSpec("yrs", K.MIN_AMOUNT, "Years of warehouse experience?", min_value=2,
                     unit="years", dealbreaker=True)
NIGHTS = QuestionSpec("night", K.YES_NO, "Can you work nights?", expected_yes=True)
SHIFT = QuestionSpec("shift", K.MULTIPLE_CHOICE, "Which shift?", choices=("Day", "Night"),
                     accepted_choices=("Day",), dealbreaker=True)
TEAM = QuestionSpec("team", K.SCORED, "Teamwork", weight=1)
SAFETY = QuestionSpec("safety", K.SCORED, "Safety", weight=3)
ZERO = QuestionSpec("zero", K.SCORED, "Ignored", weight=0)

CASES: list[tuple[str, list[QuestionSpec], dict[str, Any], int | None, dict[str, Any]]] = [
    ("all pass, weighted 3:1",
     [LICENSE, YEARS, TEAM, SAFETY],
     {"lic": "yes I do", "yrs": "about three years", "team": "score 5", "safety": "score 3"},
     None,
     dict(score=62.5, passed=2, total=2, knocked_out=False, by=None, below=False)),
    ("dealbreaker no knocks out, score still computed",
     [LICENSE, TEAM], {"lic": "no I don't", "team": "score 5"}, None,
     dict(score=100.0, passed=0, total=1, knocked_out=True, by=LICENSE.prompt, below=False)),
    ("amount below a dealbreaker minimum",
     [YEARS], {"yrs": "one year"}, None,
     dict(score=None, passed=0, total=1, knocked_out=True, by=YEARS.prompt, below=False)),
    ("keypad digits pick the rejected choice",
     [SHIFT], {"shift": ("", "2")}, None,
     dict(score=None, passed=0, total=1, knocked_out=True, by=SHIFT.prompt, below=False)),
    ("a failed non-dealbreaker only fails",
     [NIGHTS, TEAM], {"night": "nope", "team": "score 4"}, None,
     dict(score=75.0, passed=0, total=1, knocked_out=False, by=None, below=False)),
    ("first failed dealbreaker names the knock-out",
     [YEARS, LICENSE], {"yrs": "none", "lic": "no"}, None,
     dict(score=None, passed=0, total=2, knocked_out=True, by=YEARS.prompt, below=False)),
    ("an unclear dealbreaker answer does not knock out",
     [LICENSE], {"lic": "hmm, maybe"}, None,
     dict(score=None, passed=0, total=1, knocked_out=False, by=None, below=False)),
    ("unanswered dealbreaker: failed, not knocked out",
     [LICENSE, TEAM], {"team": "score 3"}, None,
     dict(score=50.0, passed=0, total=1, knocked_out=False, by=None, below=False)),
    ("unanswered scored question counts as 1",
     [TEAM, SAFETY], {"team": "score 5"}, None,
     dict(score=25.0, passed=0, total=0, knocked_out=False, by=None, below=False)),
    ("blank text is unanswered too",
     [TEAM], {"team": "   "}, None,
     dict(score=0.0, passed=0, total=0, knocked_out=False, by=None, below=False)),
    ("below the stage minimum is flagged, not rejected",
     [TEAM, NIGHTS], {"team": "score 3", "night": "yes"}, 60,
     dict(score=50.0, passed=1, total=1, knocked_out=False, by=None, below=True)),
    ("exactly at the minimum passes",
     [TEAM], {"team": "score 3"}, 50,
     dict(score=50.0, passed=0, total=0, knocked_out=False, by=None, below=False)),
    ("weight 0 leaves a question out",
     [TEAM, ZERO], {"team": "score 5", "zero": "score 1"}, None,
     dict(score=100.0, passed=0, total=0, knocked_out=False, by=None, below=False)),
    ("no scored question: no score, minimum ignored",
     [LICENSE, NIGHTS], {"lic": "yes", "night": "yes"}, 70,
     dict(score=None, passed=2, total=2, knocked_out=False, by=None, below=False)),
]


@pytest.mark.parametrize(("questions", "answers", "min_score", "want"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_stage_cases(arun: Any, questions: list[QuestionSpec], answers: dict[str, Any],
                     min_score: int | None, want: dict[str, Any]) -> None:
    ev = arun(evaluate_stage(questions, answers, FixedEvaluator(), min_score))
    assert ev.score == want["score"]
    assert (ev.structured_passed, ev.structured_total) == (want["passed"], want["total"])
    assert ev.knocked_out is want["knocked_out"]
    assert ev.knocked_out_by == want["by"]
    assert ev.below_min_score is want["below"]
    assert [r.question_id for r in ev.answers] == [q.id for q in questions]
    for record in ev.answers:
        e = record.evaluation
        assert e.evaluator in (STRUCTURED, "fixed", UNANSWERED)
        assert record.answered == (record.question_id in answers
                                   and bool(str(answers[record.question_id]).strip("( ',)")))
        if record.answered and e.evaluator == STRUCTURED:
            assert e.evidence or answers[record.question_id][1]  # the excerpt or the keypad


def test_evaluator_names(arun: Any) -> None:
    from milo_desktop.services.scoring import RubricEvaluator

    ev = arun(evaluate_stage([LICENSE], {"lic": "yes"}, RubricEvaluator(), None))
    assert ev.evaluator == STRUCTURED  # nothing was scored: the parsers decided
    ev = arun(evaluate_stage([TEAM], {"team": "I led a team of five pickers for two years, "
                                              "training new hires"}, RubricEvaluator(), None))
    assert ev.evaluator == RUBRIC and ev.answers[0].evaluation.evaluator == RUBRIC
    assert ev.answers[0].evaluation.evidence.startswith("I led a team")
    ev = arun(evaluate_stage([TEAM, SAFETY], {"team": "..."}, RubricEvaluator(), None))
    assert {r.evaluation.evaluator for r in ev.answers} == {UNANSWERED}
    assert ev.score == 0.0
    assert any("Not answered" in r.evaluation.summary for r in ev.answers)


@pytest.mark.parametrize(("pairs", "expected"), [
    ([(80.0, 1.0), (40.0, 3.0)], 50.0),
    ([(80.0, 2.0), (None, 5.0)], 80.0),  # a stage without a score does not count
    ([(70.0, 0.0), (30.0, 1.0)], 30.0),  # nor one without scored questions
    ([(None, 1.0)], None),
    ([], None),
])
def test_overall_score(pairs: list[tuple[float | None, float]], expected: float | None) -> None:
    assert overall_score(pairs) == expected
