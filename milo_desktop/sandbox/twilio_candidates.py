"""Plausible scripted candidates for the sandbox's outbound executions (demo mode).

``plausible_candidates(seed)`` is a ``Candidates.default``: given a published screening flow
it reads each question widget (``q_<id>``) the way a person would hear or read it — a yes/no
question offers "press 1 for yes", a choice lists its keys, an amount names its unit, a
texted question ends with its answering hint — and answers it: mostly well, sometimes a "no"
that may knock the candidate out, now and then not at all. The closing rating (``rating``) is
given mostly as a 4 or 5, sometimes lower, and now and then skipped.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from milo_desktop.sandbox.twilio_outbound import ScriptWriter, own_name
from milo_desktop.services.flows import CallerAction, Keys, ScriptedCaller, Silence, Speech
from milo_desktop.services.flows.naming import RATING, RETRY_SUFFIX

YES = ["yeah I do", "yes", "sure do", "absolutely", "yep, I have that"]
NO = ["nope", "no I don't", "not really"]
SCORED = [
    "I ran the night shift receiving dock for two years and trained new hires on the scanners.",
    "I've done some warehouse work, mostly picking, and I like staying busy.",
    "At my last job I handled a rush of customers alone and kept everyone calm and served.",
    "Not much experience yet but I learn fast and I'm always on time.",
]
_CHOICES = re.compile(r"(\d)\)")
# The closing rating (1–5, or skipped): mostly content, a few unhappy, some skip it.
RATINGS = (5,) * 9 + (4,) * 6 + (3,) * 3 + (2, 1) + (None,) * 2


def _question_widgets(definition: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    """The question widgets (``q_<id>``, or ``s<stage>_q_<id>`` inside a number's flow)."""
    return [s for s in definition.get("states", [])
            if s.get("type") == kind and own_name(str(s.get("name", ""))).startswith("q_")
            and not str(s.get("name", "")).endswith(RETRY_SUFFIX)]


def _spoken(rng: random.Random, props: Mapping[str, Any], says_yes: bool) -> CallerAction:
    hints = [h.strip() for h in str(props.get("hints") or "").split(",") if h.strip()]
    if str(props.get("number_of_digits") or "") == "1":
        if hints[:2] == ["yes", "no"]:
            if rng.random() < 0.2:
                return Keys("1" if says_yes else "2")
            return Speech(rng.choice(YES if says_yes else NO))
        return Keys(str(rng.randrange(1, max(2, len(hints) + 1))))
    if len(hints) == 3 and hints[1:] == ["none", "zero"]:
        return Speech(f"about {rng.randint(1, 6)} {hints[0]}")
    return Speech(rng.choice(SCORED))


def _texted(rng: random.Random, body: str, says_yes: bool) -> str:
    if ("YES" in body and "NO" in body) or "SÍ" in body:
        return ("Yes" if says_yes else "No") if rng.random() < 0.7 else rng.choice(
            YES if says_yes else NO)
    keys = _CHOICES.findall(body)
    if keys:
        return rng.choice(keys)
    if "(Reply with a number of" in body or "(Responda con un número de" in body:
        return str(rng.randint(1, 6))
    return rng.choice(SCORED)


def plausible_candidates(seed: int = 11, *, no_show: float = 0.1,
                         says_no: float = 0.15) -> ScriptWriter:
    """A script writer answering like a mixed crowd: ``no_show`` of the calls ring out,
    ``says_no`` of yes/no answers are "no". Texts are always answered: a screening waiting
    days for a reply would keep its number busy for every other text screening on it."""
    rng = random.Random(seed)
    rates = random.Random(seed + 1)  # its own stream: the answers stay as they were

    def write(definition: Mapping[str, Any], number: str) -> ScriptedCaller | None:
        texts = _question_widgets(definition, "send-and-wait-for-reply")
        if not texts and rng.random() < no_show:
            return None
        answers: dict[str, CallerAction] = {}
        replies: dict[str, str] = {}
        for state in _question_widgets(definition, "gather-input-on-call"):
            answers[state["name"]] = _spoken(rng, state.get("properties") or {},
                                             rng.random() >= says_no)
        for state in texts:
            body = str((state.get("properties") or {}).get("body") or "")
            replies[state["name"]] = _texted(rng, body, rng.random() >= says_no)
        for state in definition.get("states", []):
            name = str(state.get("name", ""))
            if own_name(name) == RATING:
                rating = rates.choice(RATINGS)
                if state.get("type") == "send-and-wait-for-reply":
                    replies[name] = "skip" if rating is None else str(rating)
                elif rating is None:
                    answers[name] = Silence() if rates.random() < 0.5 else Speech("skip")
                else:
                    answers[name] = (Keys(str(rating)) if rates.random() < 0.6
                                     else Speech(f"{rating}"))
        return ScriptedCaller(number=number, answers=answers, sms_replies=replies)

    return write
