"""Multiple choice from speech or keypad: "night shift", "Nite shift", "press 2", "the second one".

Tried in order, most certain first: keypad digits, the whole answer equal to an option
(case and accents ignored), an option named inside the answer, a spoken option number or
ordinal, a yes/no answer to yes/no options, then a fuzzy match (difflib) for
transcription slips. Two options named at once is ambiguous and goes to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from milo_desktop.services.scoring.text import read_number, stem, words
from milo_desktop.services.scoring.yes_no import parse_yes_no

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "primero": 1, "primera": 1,
             "segundo": 2, "segunda": 2, "tercero": 3, "tercera": 3}
_FILLER = frozenset({"press", "pressed", "option", "number", "choice", "the", "i", "will",
                     "pick", "choose", "go", "with", "say", "would", "like", "um", "uh",
                     "please", "one", "opcion", "numero", "la", "el", "a", "an", "take",
                     "st", "nd", "rd", "th"})  # "2nd" arrives as "2 nd"
_NUMBER_MARKERS = frozenset({"option", "number", "press", "pressed", "choice", "opcion",
                             "numero"})
_YES_WORDS = frozenset({"yes", "si", "y"})
_NO_WORDS = frozenset({"no", "n"})
FUZZY_MATCH, FUZZY_SURE = 0.75, 0.86


@dataclass(frozen=True, slots=True)
class ChoiceMatch:
    """The option the answer picked (None when unclear) and how it was recognised."""

    choice: str | None
    index: int | None
    confident: bool
    how: str = ""  # keypad / exact / named / number / yes-no / fuzzy


def _norm(text: str) -> list[str]:
    return words(text)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def _spoken_index(toks: list[str], options: list[list[str]]) -> int | None:
    """1-based option number from "press 2", "option two", "the second one", "the last"."""
    for i, tok in enumerate(toks[:-1]):
        # "I'd prefer option two": a number right after a word that announces one.
        marked = read_number(toks, i + 1) if tok in _NUMBER_MARKERS else None
        if marked is not None and marked.value == int(marked.value) \
                and marked.end == len(toks) \
                and not any(t in option for t in toks[i + 1:] for option in options):
            return int(marked.value)
    rest = [t for t in toks if t not in _FILLER]
    if "last" in toks and len(rest) <= 2:
        return len(options)
    ordinals = [_ORDINALS[t] for t in toks if t in _ORDINALS]
    if len(ordinals) == 1 and len(rest) <= 2:
        return ordinals[0]
    if not rest and "one" in toks:
        rest = ["one"]  # "one" was dropped as filler ("the second one"); alone it is a number
    read = read_number(rest, 0) if len(rest) == 1 else None
    if read is None or read.value != int(read.value):
        return None
    spoken = rest[0]
    # "2" against options like "2 nights" names the option's text, not its position.
    if any(spoken in option for option in options):
        return None
    return int(read.value)


def _distinctive_hit(toks: list[str], options: list[list[str]]) -> int | None:
    """The one option sharing a word (stemmed) with the answer that no other option has."""
    stems = [{stem(w) for w in option if len(w) > 2} for option in options]
    said = {stem(w) for w in toks}
    hits = [i for i, own in enumerate(stems)
            if own - set().union(*(o for j, o in enumerate(stems) if j != i)) & said]
    return hits[0] if len(hits) == 1 else None


def _fuzzy(toks: list[str], options: list[list[str]]) -> list[float]:
    """Best similarity of each option with any same-length stretch of the answer."""
    said = " ".join(toks)
    scores = []
    for option in options:
        text = " ".join(option)
        best = SequenceMatcher(None, said, text).ratio()
        for size in {len(option) - 1, len(option), len(option) + 1} - {0}:
            for i in range(max(0, len(toks) - size + 1)):
                window = " ".join(toks[i:i + size])
                best = max(best, SequenceMatcher(None, window, text).ratio())
        scores.append(best)
    return scores


def match_choice(answer: str, choices: tuple[str, ...] | list[str],
                 digits: str | None = None) -> ChoiceMatch:
    """Which of ``choices`` the answer (or keypad ``digits``, 1-based) picked.

    Never raises; an answer that names no option, or several, comes back unconfident.
    """
    choices = list(choices)
    if not choices:
        return ChoiceMatch(None, None, False)
    keyed = "".join(c for c in (digits or "") if c.isdigit())
    if keyed:
        k = int(keyed)
        if 1 <= k <= len(choices):
            return ChoiceMatch(choices[k - 1], k - 1, True, "keypad")
        return ChoiceMatch(None, None, False, "keypad")
    toks = _norm(answer or "")
    options = [_norm(c) for c in choices]
    if not toks:
        return ChoiceMatch(None, None, False)
    for i, option in enumerate(options):
        if toks == option:
            return ChoiceMatch(choices[i], i, True, "exact")
    named = [i for i, option in enumerate(options) if _contains(toks, option)]
    # "day shift" names "day" too; keep only options not inside another named one.
    named = [i for i in named
             if not any(j != i and _contains(options[j], options[i]) for j in named)]
    if len(named) == 1:
        return ChoiceMatch(choices[named[0]], named[0], True, "named")
    if len(named) > 1:
        return ChoiceMatch(None, None, False, "named")
    spoken = _spoken_index(toks, options)
    if spoken is not None:
        if 1 <= spoken <= len(choices):
            return ChoiceMatch(choices[spoken - 1], spoken - 1, True, "number")
        return ChoiceMatch(None, None, False, "number")
    yes = [i for i, o in enumerate(options) if o and o[0] in _YES_WORDS]
    no = [i for i, o in enumerate(options) if o and o[0] in _NO_WORDS]
    if len(yes) == 1 and len(no) == 1:
        intent = parse_yes_no(answer)
        if intent.answer is not None:
            i = yes[0] if intent.answer else no[0]
            return ChoiceMatch(choices[i], i, intent.confident, "yes-no")
    scores = _fuzzy(toks, options)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    clear = scores[best] - runner_up >= 0.08
    if clear and scores[best] >= FUZZY_SURE:  # "weekend only", "nite shift"
        return ChoiceMatch(choices[best], best, True, "fuzzy")
    keyword = _distinctive_hit(toks, options)
    if keyword is not None:
        # "nights" → "Night shift": a word only that option has. Not confident: "I can't do
        # nights" names it too.
        return ChoiceMatch(choices[keyword], keyword, False, "keyword")
    if clear and scores[best] >= FUZZY_MATCH:
        return ChoiceMatch(choices[best], best, False, "fuzzy")
    return ChoiceMatch(None, None, False)


def is_accepted(choice: str, accepted: tuple[str, ...] | list[str]) -> bool:
    """Whether ``choice`` is among ``accepted`` (case/accents ignored); none listed = all."""
    if not accepted:
        return True
    target = _norm(choice)
    return any(_norm(a) == target for a in accepted)
