"""From evaluations to an outcome (score, knock-out, review flags) and a routing decision.

Product rules (product.md "Questions"/"Score", issue 3 §9):
- the overall score is 0–100, the weighted mean of scored questions ((score − 1) / 4 × 100);
  structured questions never count towards it;
- a failed dealbreaker knocks the candidate out, naming the question;
- a receptionist's caller at or above the threshold is approved, otherwise Needs Review;
  always Needs Review when manual approval is on.

Decision for receptionists: a dealbreaker knock-out sends the caller to **Needs Review** with
the reason, not to Rejected. Scores are advice and the app moves nobody automatically except
on dealbreakers; for an interviewer's candidate the knock-out is applied (stage status
``knocked_out``), but a caller's answer came through speech-to-text on a phone line, and
rejecting someone over a misheard "no" is the expensive mistake. ``knockout_rejects=True``
turns the automatic rejection on for a caller of a flow that wants it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from milo_desktop.enums import CallReview
from milo_desktop.services.scoring.spec import (
    Evaluation,
    FlowQuestionSpec,
    Outcome,
    Routing,
    by_question,
    is_structured,
)
from milo_desktop.services.scoring.text import format_number

HIGHLIGHT_AT, LOWLIGHT_AT = 4, 2


def _short(prompt: str, limit: int = 60) -> str:
    prompt = " ".join(prompt.split())
    return prompt if len(prompt) <= limit else prompt[: limit - 1].rstrip() + "…"


def percent(score: float) -> float:
    """A 1–5 score on the 0–100 scale: 1 → 0, 3 → 50, 5 → 100."""
    return (score - 1) / 4 * 100


def score_answers(questions: Sequence[FlowQuestionSpec], evaluations: Iterable[Evaluation],
                  threshold: float | None = None) -> Outcome:
    """Fold the evaluations of one call (or stage) into an ``Outcome``.

    Unknown or low-confidence answers, and questions without an evaluation, set
    ``needs_review`` with a reason each. Weights are relative; a weight of 0 leaves a
    question out of the score, unless every scored question weighs 0 (then all count
    equally rather than leaving no score). ``threshold``, when given, adds "below the
    threshold" to the lowlights (the stage's "enforce objective evaluation" minimum).
    """
    found = by_question(evaluations)
    reasons: list[str] = []
    highlights: list[str] = []
    lowlights: list[str] = []
    knockout: tuple[str, str] | None = None
    passed = total = 0
    scored: list[tuple[float, float]] = []  # (weight, 0–100)
    for q in questions:
        e = found.get(q.id)
        name = f'"{_short(q.prompt)}"'
        if is_structured(q):
            total += 1
            if e is None:
                reasons.append(f"{name} was not answered")
                continue
            passed += e.passed is True
            if e.passed is False and e.confident:
                if q.dealbreaker and knockout is None:
                    knockout = (q.id, f"Dealbreaker {name}: {e.summary}")
                lowlights.append(f"{name}: {e.summary}")
            elif e.passed is None or not e.confident:
                flag = "dealbreaker " if q.dealbreaker else ""
                reasons.append(f"Unclear answer to {flag}{name}: {e.summary}")
            continue
        if e is None or e.score is None:
            reasons.append(f"{name} has no score")
            continue
        if not e.confident:
            reasons.append(f"Low-confidence score for {name}: {e.summary}")
        scored.append((max(0.0, q.weight), percent(e.score)))
        if e.score >= HIGHLIGHT_AT:
            highlights.append(f"{name}: {e.summary}")
        elif e.score <= LOWLIGHT_AT:
            lowlights.append(f"{name}: {e.summary}")
    score = None
    if scored:
        weight = sum(w for w, _ in scored)
        if weight <= 0:
            scored = [(1.0, s) for _, s in scored]
            weight = float(len(scored))
        score = round(sum(w * s for w, s in scored) / weight, 1)
    if threshold is not None and score is not None and score < threshold:
        lowlights.append(f"Score {format_number(score)} is below {format_number(threshold)}")
    return Outcome(
        score=score,
        knocked_out=knockout is not None,
        knockout_question_id=knockout[0] if knockout else None,
        knockout_reason=knockout[1] if knockout else "",
        needs_review=bool(reasons),
        review_reasons=tuple(reasons),
        structured_passed=passed,
        structured_total=total,
        highlights=tuple(highlights),
        lowlights=tuple(lowlights),
    )


def route(outcome: Outcome, threshold: float, manual_approval: bool, *,
          knockout_rejects: bool = False) -> Routing:
    """Where a receptionist's caller goes: approved, needs review or (opt-in) rejected.

    Manual approval wins over everything (it is the recruiter saying "ask me first"); then a
    knock-out (Needs Review with the reason, or Rejected with ``knockout_rejects``); then any
    answer we could not read; then the score against ``threshold``. A call with no scored
    question has nothing to compare with the threshold, so it waits for a person too.
    """
    score_text = "no score" if outcome.score is None else f"score {format_number(outcome.score)}"
    if manual_approval:
        why = outcome.knockout_reason or (outcome.review_reasons[0] if outcome.needs_review
                                          else score_text)
        return Routing(CallReview.NEEDS_REVIEW, f"Manual approval is on ({why})")
    if outcome.knocked_out:
        review = CallReview.REJECTED if knockout_rejects else CallReview.NEEDS_REVIEW
        return Routing(review, f"Knocked out. {outcome.knockout_reason}")
    if outcome.needs_review:
        more = len(outcome.review_reasons) - 1
        extra = f" (+{more} more)" if more else ""
        return Routing(CallReview.NEEDS_REVIEW, outcome.review_reasons[0] + extra)
    if outcome.score is None:
        return Routing(CallReview.NEEDS_REVIEW, "No scored answers to compare with the threshold")
    if outcome.score >= threshold:
        return Routing(CallReview.APPROVED,
                       f"Score {format_number(outcome.score)} meets the threshold of "
                       f"{format_number(threshold)}")
    return Routing(CallReview.NEEDS_REVIEW,
                   f"Score {format_number(outcome.score)} is below the threshold of "
                   f"{format_number(threshold)}")
