"""Amounts with units from speech or keypad: "about three years", "18 months", "$18 an hour".

The parser finds every quantity in the answer (number, unit, comparison, pay period),
joins compound durations ("two years and six months"), and picks the one that answers the
question: a quantity in the question's dimension first, then a bare number, then words
that mean zero ("none", "never"). Anything it is unsure about comes back
``confident=False`` so a person looks at it; it never raises on odd text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from milo_desktop.services.scoring.text import half_after, read_number, tokens
from milo_desktop.services.scoring.units import (
    CURRENCY_SYMBOLS,
    MONEY,
    UNITS,
    Unit,
    convert,
    question_unit,
    read_period,
)
from milo_desktop.services.scoring.yes_no import has_uncertainty

# Comparison words before a number. "no" starts "no more than", so these are tried before
# the number reader (which would read "no" as zero).
_BEFORE = {
    ">=": ("at least", "at the very least", "a minimum of", "minimum of", "minimum", "min",
           "no less than", "not less than", "no fewer than", "al menos", "por lo menos"),
    ">": ("more than", "over", "above", "upwards of", "greater than", "longer than", "beyond",
          "just over", "a little over", "a bit over", "little over", "well over", "past",
          "in excess of", "mas de"),
    "<": ("less than", "under", "below", "fewer than", "almost", "nearly", "not quite",
          "just under", "a little under", "shy of", "short of", "not even", "close to",
          "not yet", "menos de", "casi"),
    "<=": ("at most", "up to", "no more than", "not more than", "maximum of", "maximum", "max",
           "a maximum of", "hasta"),
    "~": ("about", "around", "approximately", "approx", "roughly", "like", "maybe", "probably",
          "some", "something like", "round about", "give or take", "unos", "unas",
          "aproximadamente", "como"),
    "=": ("exactly", "precisely", "only", "just", "solo", "exactamente"),
}
_AFTER = {
    ">=": ("or more", "plus", "+", "and up", "or longer", "or above", "and above", "and over",
           "or over", "at least", "or better", "o mas"),
    "<=": ("or less", "or fewer", "or under", "at most", "tops", "max", "o menos"),
    "~": ("or so", "give or take", "ish", "more or less", "roughly", "about"),
}
_BEFORE_PHRASES = sorted(((tuple(p.split()), c) for c, ps in _BEFORE.items() for p in ps),
                         key=lambda pc: -len(pc[0]))
_AFTER_PHRASES = sorted(((tuple(p.split()), c) for c, ps in _AFTER.items() for p in ps),
                        key=lambda pc: -len(pc[0]))
# Words that may sit between a number and its unit: "two full years", "3 solid years".
_ADJECTIVES = frozenset({"full", "whole", "solid", "long", "straight", "total", "calendar",
                         "good"})
_PLUS = [(("+",), ">="), (("plus",), ">=")]  # "5+ years", "5 plus years"
_RANGE_WORDS = frozenset({"to", "or", "through", "and", "a"})
_ZERO_ANSWERS = (("no",), ("never",), ("nothing",), ("zero",), ("none",), ("not", "any"),
                 ("no", "experience"), ("do", "not", "have"), ("nunca",), ("nada",),
                 ("ninguno",), ("ninguna",), ("not", "yet"))

_SINCE = frozenset({"since", "in", "from", "desde", "en"})


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity found in the answer, in its own unit (``factor`` to the base)."""

    value: float
    dimension: str | None  # None: a bare number
    factor: float
    comparison: str
    start: int
    end: int
    approximate: bool = False
    high: float | None = None  # "two to three years"
    per: str | None = None


@dataclass(frozen=True, slots=True)
class Amount:
    """The answer's amount in the question's unit, or ``value=None`` when there is none."""

    value: float | None
    comparison: str  # "=", "~", ">=", ">", "<", "<="
    unit: Unit
    confident: bool
    text: str = ""  # the words it was read from
    high: float | None = None

    def meets(self, minimum: float) -> bool | None:
        """Whether this amount meets ``minimum``; None when the words leave it open.

        "more than 1 year" against a 2-year minimum is open (the caller may have 5), while
        "less than 2 years" or "almost 2 years" clearly fail it.
        """
        if self.value is None:
            return None
        eps = 1e-9
        if self.high is not None:  # a range: both ends must agree
            if self.value >= minimum - eps:
                return True
            return False if self.high < minimum - eps else None
        if self.comparison in ("=", "~"):
            return self.value >= minimum - eps
        if self.comparison in (">=", ">"):
            return True if self.value >= minimum - eps else None
        if self.comparison == "<":
            return False if self.value <= minimum + eps else None
        return False if self.value < minimum - eps else None  # "<="


def _match(
    toks: list[str], i: int, phrases: Sequence[tuple[tuple[str, ...], str]]
) -> tuple[str, int]:
    for words_, comparison in phrases:
        if tuple(toks[i:i + len(words_)]) == words_:
            return comparison, i + len(words_)
    return "", i


def _unit_at(toks: list[str], j: int) -> tuple[tuple[str, float] | None, int]:
    k = j
    while k < len(toks) and toks[k] in _ADJECTIVES and k - j < 2:
        k += 1
    if k < len(toks) and toks[k] in UNITS and toks[k] not in CURRENCY_SYMBOLS:
        dim, factor, _, _ = UNITS[toks[k]]
        return (dim, factor), k + 1
    return None, j


def _fraction_of_unit(toks: list[str], end: int) -> tuple[tuple[str, float] | None, int]:
    """The unit of a fraction said with "of": "3/4 of a year" (else "a year" would be read
    as a second amount, 1 year). ``end`` is after the number, which may have taken "of"."""
    k = end + 1 if end < len(toks) and toks[end] == "of" else end
    if k == end and not (end > 0 and toks[end - 1] == "of"):
        return None, end
    if k < len(toks) and toks[k] in ("a", "an"):
        k += 1
    unit, after = _unit_at(toks, k)
    return (unit, after) if unit is not None else (None, end)


def _quantity_at(toks: list[str], i: int) -> Quantity | None:
    comparison, k = _match(toks, i, _BEFORE_PHRASES)
    currency = k < len(toks) and toks[k] in CURRENCY_SYMBOLS
    k += 1 if currency else 0
    read = read_number(toks, k) if k < len(toks) else None
    if read is not None:
        value, end, approx = read.value, read.end, read.approximate
    elif k + 1 < len(toks) and toks[k] in ("a", "an", "one") and _unit_at(toks, k + 1)[0]:
        value, end, approx = 1.0, k + 1, False  # "a year", "an hour", "over a year"
    else:
        return None
    plus, after_plus = _match(toks, end, _PLUS)
    if plus:
        comparison, end = comparison if comparison in (">", ">=") else plus, after_plus
    high = None
    unit, after_unit = _unit_at(toks, end)
    if unit is None and end + 1 < len(toks) and toks[end] in _RANGE_WORDS:
        # "two to three years", "2-3 yrs", "one or two", "between 2 and 4 years"
        second = read_number(toks, end + 1)
        if second is not None and second.value > value:
            high, end = second.value, second.end
            unit, after_unit = _unit_at(toks, end)
    if unit is None and value < 1:
        unit, after_unit = _fraction_of_unit(toks, end)  # "3/4 of a year", "half of a year"
    if currency:
        unit = (MONEY, 1.0)
    if unit is not None:
        end = after_unit
        half = half_after(toks, end)  # "a year and a half", "un año y medio"
        if half != end and value == int(value):
            value, end = value + 0.5, half
    per, end = read_period(toks, end)
    after, end2 = _match(toks, end, _AFTER_PHRASES)
    if after:
        comparison, end = (after if comparison in ("", "~", "=") else comparison), end2
    dim, factor = unit if unit else (None, 1.0)
    return Quantity(value, dim, factor, comparison or "=", i, end, approx, high, per)


def find_quantities(toks: list[str]) -> list[Quantity]:
    """Every quantity in ``toks``, with compound durations ("2 years and 6 months") joined."""
    found: list[Quantity] = []
    i = 0
    while i < len(toks):
        q = _quantity_at(toks, i)
        if q is None:
            i += 1
            continue
        prev = found[-1] if found else None
        gap = toks[prev.end:q.start] if prev else []
        if (prev is not None and prev.dimension is not None and prev.dimension == q.dimension
                and q.factor < prev.factor and prev.high is None and q.high is None
                and all(t in ("and", ",", "y") for t in gap) and q.comparison in ("=", "~")):
            total = prev.value * prev.factor + q.value * q.factor
            found[-1] = replace(prev, value=total / prev.factor, end=q.end)
        else:
            found.append(q)
        i = q.end
    return found


def _has_phrase(toks: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(toks[i:i + n]) == phrase for i in range(len(toks) - n + 1))


def parse_amount(answer: str, unit: str | None, digits: str | None = None) -> Amount:
    """Read the amount in ``answer`` (or keypad ``digits``) in the question's ``unit``.

    Examples (unit "years"): "about three years" → 3, "18 months" → 1.5, "5+" → 5 (≥),
    "a year and a half" → 1.5, "a couple of years" → 2, "a few" → 3 (not confident).
    """
    target = question_unit(unit)
    keyed = "".join(c for c in (digits or "") if c.isdigit() or c == "*")
    if keyed.strip("*"):
        # Keypads have no decimal point; some callers use the star key for one.
        head, _, tail = keyed.strip("*").partition("*")
        value = float(f"{head or 0}.{tail.replace('*', '') or 0}")
        return Amount(value, "=", target, True, f"pressed {digits}")
    toks = tokens(answer)
    quantities = find_quantities(toks)
    unsure = has_uncertainty(toks)
    # "since 2015" names a calendar year, not 2015 years: leave the arithmetic to a person.
    calendar = [q for q in quantities if q.dimension is None and q.value == int(q.value)
                and 1900 <= q.value <= 2100 and q.start > 0 and toks[q.start - 1] in _SINCE]
    if calendar:
        quantities = [q for q in quantities if q not in calendar]
        unsure = True
    same = [q for q in quantities if q.dimension == target.dimension]
    bare = [q for q in quantities if q.dimension is None]
    pool = same or bare
    if not pool:
        if quantities or not any(_has_phrase(toks, z) for z in _ZERO_ANSWERS):
            return Amount(None, "=", target, False, "")
        if unsure:  # "no idea" is not zero years
            return Amount(None, "=", target, False, "")
        return Amount(0.0, "=", target, True, "none")
    q = pool[0]
    # Several different amounts ("1 year forklift, 5 years warehouse"): report the first,
    # let a person decide which one answers the question.
    distinct = {(p.value, p.factor) for p in pool}
    confident = len(distinct) == 1 and not q.approximate and not unsure
    factor = q.factor if q.dimension is not None else target.factor
    value = convert(q.value, factor, target, q.per)
    high = convert(q.high, factor, target, q.per) if q.high is not None else None
    text = " ".join(toks[q.start:q.end])
    return Amount(round(value, 6), q.comparison, target, confident, text,
                  None if high is None else round(high, 6))
