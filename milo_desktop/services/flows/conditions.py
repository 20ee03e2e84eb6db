"""split-based-on conditions, evaluated the way the simulator assumes Studio does.

Text comparisons trim and ignore case (a caller's "Yes" must match "yes"); ``regex`` uses the
value as written. UNCONFIRMED: Studio's exact case rules; our compiled flows only rely on
case-insensitive matching for speech, where recognisers capitalise unpredictably.
"""

from __future__ import annotations

import re
from collections.abc import Callable


class UnknownCondition(ValueError):
    """A condition type the simulator does not implement (date/time comparisons)."""


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


def _compare(op: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def check(arg: str, value: str) -> bool:
        a, v = _number(arg), _number(value)
        return a is not None and v is not None and op(a, v)

    return check


def _any_of(arg: str, value: str) -> bool:
    return _fold(arg) in {_fold(v) for v in value.split(",")}


def _fold(text: str) -> str:
    return text.strip().casefold()


_CHECKS: dict[str, Callable[[str, str], bool]] = {
    "equal_to": lambda a, v: _fold(a) == _fold(v),
    "not_equal_to": lambda a, v: _fold(a) != _fold(v),
    "matches_any_of": _any_of,
    "does_not_match_any_of": lambda a, v: not _any_of(a, v),
    "is_blank": lambda a, v: not a.strip(),
    "is_not_blank": lambda a, v: bool(a.strip()),
    "regex": lambda a, v: re.search(v, a) is not None,
    "contains": lambda a, v: _fold(v) in _fold(a),
    "does_not_contain": lambda a, v: _fold(v) not in _fold(a),
    "starts_with": lambda a, v: _fold(a).startswith(_fold(v)),
    "does_not_start_with": lambda a, v: not _fold(a).startswith(_fold(v)),
    "less_than": _compare(lambda a, v: a < v),
    "greater_than": _compare(lambda a, v: a > v),
}


def holds(kind: str, argument: str, value: str) -> bool:
    """Whether condition ``kind`` holds for the rendered ``argument`` and ``value``."""
    check = _CHECKS.get(kind)
    if check is None:
        raise UnknownCondition(f"condition type {kind!r} is not simulated")
    return check(argument, value)
