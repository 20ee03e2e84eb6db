"""A failed dealbreaker ends a text screening at once (issue 10, point 15).

In an SMS screening (or SMS form) every reply to a dealbreaker question goes through a
split-based-on widget, ``check_<id>`` (``check_<id>_again`` after the reminder), before the
next question. A reply that *confidently* fails the dealbreaker — a plain "no" where yes is
required, a number below the minimum, an option that is not accepted — leads to ``knocked_out``:
one polite text, and the execution ends. Anything else (unclear, hedged, passing) goes on to
the next question as before, and the scorer decides at the end.

The flow's test is deliberately narrower than the scorer's (services/scoring/structured.py):
only replies the scorer also reads as a confident fail are listed
(tests/unit/test_stage_compiler.py checks every one), so a screening the flow stopped is
always a stage the scorer knocks out — never a "completed" stage with questions missing.
"""

from __future__ import annotations

from typing import Any

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows.widgets import FlowBuilder, condition
from milo_desktop.services.scoring import QuestionSpec

KNOCKED_OUT = "knocked_out"
CHECK_PREFIX = "check_"

# Whole replies (trimmed, any case: Studio's matches_any_of) that say no / yes for certain.
NO_REPLIES = ("no", "n", "no.", "no!", "nope", "nah", "never", "not really", "no thanks",
              "no thank you", "no i don't", "no i do not", "i don't", "i do not", "no tengo",
              "no puedo")
YES_REPLIES = ("yes", "y", "yes.", "yes!", "yeah", "yep", "yup", "sure", "absolutely", "i do",
               "si", "sí")

KNOCKED_OUT_TEXT = {
    "en": ("Thank you for your answers. Based on your reply, this position isn't a match right "
           "now, so there are no more questions. The hiring team may contact you about other "
           "openings."),
    "es": ("Gracias por sus respuestas. Según su respuesta, este puesto no es adecuado por "
           "ahora, así que no hay más preguntas. El equipo de contratación podría contactarle "
           "sobre otras vacantes."),
}


def knocked_out_text(language: str) -> str:
    return KNOCKED_OUT_TEXT["es" if (language or "").lower().startswith("es") else "en"]


def check_widget(answer_widget: str) -> str:
    """``q_12`` → ``check_12``; ``q_12_again`` → ``check_12_again``."""
    return CHECK_PREFIX + answer_widget.removeprefix("q_")


def _number(value: float) -> str:
    return f"{value:g}"


def failing_conditions(q: QuestionSpec, reply: str) -> list[dict[str, Any]]:
    """The split conditions under which ``reply`` (a Liquid expression of the reply's text)
    confidently fails dealbreaker ``q``; empty when ``q`` is not a dealbreaker the flow can
    judge."""
    if not q.dealbreaker:
        return []
    if q.kind == QuestionKind.YES_NO and q.expected_yes is not None:
        words = NO_REPLIES if q.expected_yes else YES_REPLIES
        return [condition("matches_any_of", reply, ",".join(words), "fails the dealbreaker")]
    if q.kind == QuestionKind.MIN_AMOUNT and q.min_value is not None and q.min_value > 0:
        return [condition("less_than", reply, _number(q.min_value), "below the minimum")]
    if q.kind == QuestionKind.MULTIPLE_CHOICE and q.accepted_choices:
        refused = [(i, c.strip()) for i, c in enumerate(q.choices, 1)
                   if c not in q.accepted_choices and c.strip() and "," not in c]
        if refused:
            values = [str(i) for i, _c in refused] + [c for _i, c in refused]
            return [condition("matches_any_of", reply, ",".join(values),
                              "not an accepted option")]
    return []


def route_reply(b: FlowBuilder, q: QuestionSpec, answer_widget: str, then: str) -> str:
    """Where a reply to ``answer_widget`` goes: a check that knocks out a confidently failed
    dealbreaker (added to ``b`` beside the question), else straight to ``then``."""
    conds = failing_conditions(q, "{{widgets." + answer_widget + ".inbound.Body}}")
    if not conds:
        return then
    name = check_widget(answer_widget)
    b.add(name, "split-based-on", {"input": "{{widgets." + answer_widget + ".inbound.Body}}"},
          {"noMatch": then}, conditions=[(KNOCKED_OUT, conds)], side=True)
    return name


def add_knocked_out(b: FlowBuilder, language: str, sender: dict[str, str],
                    escape: Any) -> None:
    """The one text a knocked-out candidate gets; the execution ends after it."""
    b.add(KNOCKED_OUT, "send-message",
          {**sender, "body": escape(knocked_out_text(language))}, {}, side=True)


def has_dealbreaker_checks(questions: tuple[QuestionSpec, ...]) -> bool:
    return any(failing_conditions(q, "") for q in questions)


