"""Units the amount parser understands, and how a question's free-text unit is read.

Each dimension has a base: months for time (so 18 months is exactly 1.5 years and
52 weeks one year), miles for distance, the recruiter's currency for money. A question's
``unit`` is free text ("years", "yrs", "$/hour", "miles", "certifications"); anything we
don't know becomes a plain count so any bare number can answer it.
"""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.services.scoring.text import words

TIME, DISTANCE, MONEY = "time", "distance", "money"
_HOURS_PER_MONTH = 365 / 12 * 24

# token → (dimension, factor to the base, singular, plural)
UNITS: dict[str, tuple[str, float, str, str]] = {}


def _add(names: str, dim: str, factor: float, singular: str, plural: str) -> None:
    for name in names.split():
        UNITS[name] = (dim, factor, singular, plural)


_add("decade decades", TIME, 120.0, "decade", "decades")
_add("year years yr yrs ano anos", TIME, 12.0, "year", "years")
_add("month months mo mos mes meses", TIME, 1.0, "month", "months")
_add("week weeks wk wks semana semanas", TIME, 12 / 52, "week", "weeks")
_add("day days dia dias", TIME, 12 / 365, "day", "days")
_add("hour hours hr hrs hora horas", TIME, 1 / _HOURS_PER_MONTH, "hour", "hours")
_add("minute minutes min mins minuto minutos", TIME, 1 / (_HOURS_PER_MONTH * 60),
     "minute", "minutes")
_add("mile miles mi milla millas", DISTANCE, 1.0, "mile", "miles")
_add("kilometer kilometers kilometre kilometres km kms kilometro kilometros", DISTANCE,
     0.621371, "kilometer", "kilometers")
_add("dollar dollars buck bucks usd dolar dolares $ euro euros € pound pounds £",
     MONEY, 1.0, "dollar", "dollars")
_add("cent cents", MONEY, 0.01, "cent", "cents")

CURRENCY_SYMBOLS = frozenset({"$", "€", "£"})

# Pay comes per period; converting between periods assumes a 40-hour, 52-week year.
PERIOD_HOURS = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 2080 / 12, "year": 2080.0}
PERIOD_WORDS = {"hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "hora": "hour",
                "day": "day", "dia": "day", "week": "week", "wk": "week", "semana": "week",
                "month": "month", "mes": "month", "year": "year", "yr": "year", "ano": "year"}
ADVERB_PERIODS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month",
                  "yearly": "year", "annually": "year", "annual": "year"}


@dataclass(frozen=True, slots=True)
class Unit:
    """What a question's amount is measured in: dimension, factor to its base, labels."""

    dimension: str  # TIME / DISTANCE / MONEY, or "count" for anything else
    factor: float
    singular: str
    plural: str
    per: str | None = None  # pay period for money ("hour" in "$/hour")

    def label(self, value: float) -> str:
        """The unit as written after ``value``: "1 year", "3 years", "$18/hour"."""
        name = self.singular if abs(value - 1) < 1e-9 else self.plural
        return f"{name}/{self.per}" if self.per and name else name


def read_period(toks: list[str], j: int) -> tuple[str | None, int]:
    """A pay/rate period at ``toks[j]``: "an hour", "per year", "/ hr", "a week", "hourly"."""
    if j < len(toks) and toks[j] in ADVERB_PERIODS:
        return ADVERB_PERIODS[toks[j]], j + 1
    if j + 1 < len(toks) and toks[j] in ("a", "an", "per", "/", "each", "every", "al", "por"):
        period = PERIOD_WORDS.get(toks[j + 1].rstrip("s")) or PERIOD_WORDS.get(toks[j + 1])
        if period:
            return period, j + 2
    return None, j


def question_unit(unit: str | None) -> Unit:
    """Read a question's unit text ("years", "$/hour", "miles", "languages")."""
    toks = words((unit or "").replace("/", " per ").replace("$", " dollars "))
    for i, tok in enumerate(toks):
        if tok in UNITS:
            dim, factor, singular, plural = UNITS[tok]
            per = None
            if dim == MONEY:
                rest = toks[i + 1:]
                per = next((ADVERB_PERIODS[t] for t in rest if t in ADVERB_PERIODS), None)
                if per is None and rest:
                    per, _ = read_period(rest, 0)
            return Unit(dim, factor, singular, plural, per)
    for tok in toks:  # "hourly" alone: pay per hour
        if tok in ADVERB_PERIODS:
            return Unit(MONEY, 1.0, "dollar", "dollars", ADVERB_PERIODS[tok])
    label = (unit or "").strip()
    singular = label[:-1] if label.endswith("s") and len(label) > 3 else label
    return Unit("count", 1.0, singular, label)


def convert(value: float, factor: float, to: Unit, per: str | None = None) -> float:
    """``value`` measured with ``factor`` (and pay ``per`` period) in the question's unit."""
    value = value * factor / to.factor
    if to.dimension == MONEY and per and to.per and per != to.per:
        value = value / PERIOD_HOURS[per] * PERIOD_HOURS[to.per]
    return value
