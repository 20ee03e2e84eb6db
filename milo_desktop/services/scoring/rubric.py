"""The built-in rubric evaluator: a transparent, offline 1–5 score for scored questions.

It compares the answer with the recruiter's own words for a 1 (``rubric_low``) and a 5
(``rubric_high``): which rubric terms the answer uses (with light stemming, so "operated"
meets "operating"), whether amounts it mentions reach the amounts in the rubric ("5+
years"), and how specific and detailed it is. Every signal shows up in the summary, so a
recruiter can see why an answer got its score and disagree with it. It is deliberately
simple; the optional LLM evaluator (issue 4) plugs in through the same ``Evaluator``
protocol.
"""

from __future__ import annotations

import math
import re

from milo_desktop.services.scoring.amounts import Quantity, find_quantities
from milo_desktop.services.scoring.spec import (
    RUBRIC,
    Evaluation,
    FlowQuestionSpec,
    rubric_of,
)
from milo_desktop.services.scoring.text import excerpt, stem, tokens, words
from milo_desktop.services.scoring.units import UNITS

_STOPWORDS = frozenset(words("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself of off on once only or other our ours ourselves out over own same
she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself um uh like yeah yes okay ok well really also thing
things stuff lot get got kind sort pretty much many one
"""))
_EXAMPLE_CUES = (("for", "example"), ("for", "instance"), ("such", "as"), ("when", "i"),
                 ("i", "led"), ("i", "managed"), ("i", "trained"), ("i", "built"),
                 ("i", "handled"), ("por", "ejemplo"))
MIN_WORDS = 3  # fewer content words than this: too little to judge


def terms(text: str) -> dict[str, str]:
    """The stemmed content words of ``text``, each with the first word it came from.

    Stopwords, numbers and unit words are left out: amounts are compared as amounts.
    """
    found: dict[str, str] = {}
    for w in words(text):
        if w not in _STOPWORDS and not w[0].isdigit() and w not in UNITS:
            found.setdefault(stem(w), w)
    return found


def _biggest(quantities: list[Quantity]) -> Quantity | None:
    measured = [q for q in quantities if q.dimension is not None]
    return max(measured, key=lambda q: q.value * q.factor, default=None)


def _amount_signal(answer: list[Quantity], low: str, high: str) -> tuple[float, str]:
    """+/- when the answer's biggest amount reaches the 5-rubric's amount or sits at the 1's."""
    said = _biggest(answer)
    if said is None:
        return 0.0, ""
    said_base = said.value * said.factor
    for text, sign in ((high, 1), (low, -1)):
        target = _biggest(find_quantities(tokens(text)))
        if target is None or target.dimension != said.dimension:
            continue
        target_base = target.value * target.factor
        if sign > 0 and said_base >= target_base - 1e-9:
            return 0.25, "reaches the amount in the 5-description"
        if sign > 0 and target_base > 0:
            return -0.2 * (1 - said_base / target_base), "amount below the 5-description's"
        if sign < 0 and said_base <= target_base + 1e-9:
            return -0.25, "amount is at the 1-description's level"
    return 0.0, ""


def _listing(stems: set[str], originals: dict[str, str], limit: int = 5) -> str:
    return ", ".join(sorted(originals[s] for s in stems)[:limit])


def _best_sentence(answer: str, hits: set[str]) -> str:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s]
    if len(sentences) <= 1 or not hits:
        return excerpt(answer)
    ranked = max(sentences, key=lambda s: len(set(terms(s)) & hits))
    return excerpt(ranked)


class RubricEvaluator:
    """Scores answers 1–5 against the recruiter's rubric text, offline and explainably."""

    name = RUBRIC

    async def evaluate(self, question: FlowQuestionSpec, answer_text: str) -> Evaluation:
        """The ``Evaluator`` protocol: same as ``score``; nothing here waits on anything."""
        return self.score(question, answer_text)

    def score(self, question: FlowQuestionSpec, answer_text: str | None) -> Evaluation:
        """Score ``answer_text`` 1–5; an empty or very short answer is not confident."""
        answer = answer_text or ""
        toks = tokens(answer)
        if not any(w[0].isalnum() for w in toks):
            return Evaluation(question.id, None, None, None, "No answer to score", "",
                              self.name, False)
        content = [w for w in toks if w[0].isalnum() and w not in _STOPWORDS]
        said_words = terms(answer)
        said = set(said_words)
        rubric_low, rubric_high = rubric_of(question)
        low, high = set(terms(rubric_low)), set(terms(rubric_high))
        shared = low & high  # words in both descriptions say nothing about the level
        high_hits, low_hits = said & (high - shared), said & (low - shared)
        notes: list[str] = []
        raw = 0.5
        if high - shared:
            raw += 0.45 * math.sqrt(len(high_hits) / len(high - shared))
        if low - shared:
            raw -= 0.45 * math.sqrt(len(low_hits) / len(low - shared))
        if high_hits:
            notes.append("uses the 5-description's terms: " + _listing(high_hits, said_words))
        if low_hits:
            notes.append("echoes the 1-description: " + _listing(low_hits, said_words))
        if not (high or low):
            notes.append("no rubric text, judged on detail only")
        elif not (high_hits or low_hits):
            notes.append("no rubric terms matched")
        quantities = find_quantities(toks)
        bump, why = _amount_signal(quantities, rubric_low, rubric_high)
        raw += bump
        if why:
            notes.append(why)
        elif any(q.dimension is not None for q in quantities):
            raw += 0.05
            notes.append("gives concrete amounts")
        n = len(content)
        if n < MIN_WORDS:
            raw -= 0.3
            notes.append("very short answer")
        elif n < 8:
            raw -= 0.1
            notes.append("brief answer")
        elif n >= 20 or any(tuple(toks[i:i + 2]) in _EXAMPLE_CUES for i in range(len(toks))):
            raw += 0.1
            notes.append("detailed, with specifics")
        score = max(1, min(5, 1 + round(max(0.0, min(1.0, raw)) * 4)))
        summary = f"Rubric {score}/5: " + "; ".join(notes)
        return Evaluation(question_id=question.id, passed=None, score=score,
                          value=round(raw, 3), summary=summary,
                          evidence=_best_sentence(answer, high_hits | low_hits),
                          evaluator=self.name, confident=n >= MIN_WORDS)
