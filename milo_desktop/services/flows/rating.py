"""The candidate's rating of a screening: the optional closing 1–5 question of Voice, SMS and
Form stages, and reading its answer back.

Asked last (after the screening's questions, before the goodbye), once, never repeated and
never required: silence, a timeout, "skip" or anything that is not a number from 1 to 5 is no
rating, and the stage completes all the same. A rating is never part of the score; it is
kept on the stage result (``StageResult.rating``) and CSAT is their mean
(services/interviewers/csat.py).

``Stage.settings["ask_rating"]`` turns it off for one stage (on when absent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from milo_desktop.services.flows.naming import RATING

SETTING = "ask_rating"
LOWEST, HIGHEST = 1, 5
WIDGET = RATING
SKIP_WORDS = frozenset({"skip", "pass", "no", "none", "n/a", "na", "stop", "omitir", "saltar"})
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
_NUMBER = re.compile(r"(?<![\d.,])(\d+)(?![\d]|[.,]\d)")
_WORD = re.compile(r"[a-záéíóúñ]+")


def asks_rating(settings: Mapping[str, Any] | None) -> bool:
    """Whether a stage with these settings ends with the rating question (on by default)."""
    value = (settings or {}).get(SETTING, True)
    return value if isinstance(value, bool) else True


def parse_rating(text: str | None, digits: str | None = None) -> int | None:
    """1–5 from what the candidate pressed, said or texted; None for no rating.

    A keypad digit wins; otherwise the first number written or spoken ("4", "I'd say 4 out
    of 5", "five stars", "cuatro"). Two different numbers ("3 or 4"), a number outside 1–5
    and every skip word are no rating: a rating we are not sure of is better left out.
    """
    pressed = (digits or "").strip()
    if pressed:
        return int(pressed) if pressed.isdigit() and LOWEST <= int(pressed) <= HIGHEST else None
    said = (text or "").strip().lower()
    if not said or said.strip(".! ") in SKIP_WORDS:
        return None
    numbers = [int(n) for n in _NUMBER.findall(said) if len(n) <= 2]
    numbers += [_WORDS[w] for w in _WORD.findall(said) if w in _WORDS]
    if "out of" in said or "de " in said or "/" in said:
        # "4 out of 5", "4/5", "4 de 5": the scale's top is not the rating.
        numbers = numbers[:1]
    distinct = set(numbers)
    if len(distinct) != 1:
        return None
    value = distinct.pop()
    return value if LOWEST <= value <= HIGHEST else None


def rating_of_context(context: Mapping[str, Any]) -> int | None:
    """The rating an execution's context holds (a spoken or keyed answer at the ``rating``
    gather, or a texted reply to the ``rating`` text), None when there is none."""
    inner = context.get("context", context)
    widgets = inner.get("widgets") if isinstance(inner, Mapping) else None
    entry = widgets.get(WIDGET) if isinstance(widgets, Mapping) else None
    if not isinstance(entry, Mapping):
        return None
    inbound = entry.get("inbound")
    if isinstance(inbound, Mapping) and isinstance(inbound.get("Body"), str):
        return parse_rating(inbound["Body"])
    speech, keys = entry.get("SpeechResult"), entry.get("Digits")
    return parse_rating(speech if isinstance(speech, str) else None,
                        keys if isinstance(keys, str) else None)
