"""Experience in a résumé: the date ranges of its entries and "5 years of …" phrases.

A résumé states experience two ways: entries with date ranges ("Warehouse Associate, Acme —
Jan 2020 – Present", "2019–2022", "03/2018 - 06/2019") and summary phrases ("5+ years of
warehouse experience"). Entries are the ranges with the text that follows them up to the
next range (plus the title line just before), so a requirement can ask how long the
candidate did *something*: the union of the entries that mention it, overlaps counted once.

A range split over two lines ("From: Mar 2019" over "To: Present") is an entry too, on its
first line.

Durations: a year alone means January of it as a start and January as an end, so
"2019–2022" is 3 years (the conservative reading); "Present" / "Current" is today.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from milo_desktop.services.resume.dates import find_spans_across
from milo_desktop.services.scoring.amounts import find_quantities
from milo_desktop.services.scoring.text import tokens
from milo_desktop.services.scoring.units import TIME

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
               r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_POINT = (rf"(?:{_MONTH_WORD}\s*,?\s*{_YEAR}|(?:0?[1-9]|1[0-2])\s*[/.-]\s*{_YEAR}|"
          rf"{_YEAR}\s*[/.-]\s*(?:0?[1-9]|1[0-2])(?!\d)|{_YEAR})")
_NOW_WORDS = r"(?:present|current(?:ly)?|now|today|ongoing|date)"
_SEP = r"\s*(?:[-–—]+|(?:to|until|till|through|thru)\s*:?)\s*"  # "Jan 2019 To: Present"
RANGE = re.compile(rf"(?<![\w/])(?P<start>{_POINT}){_SEP}(?P<end>{_POINT}|{_NOW_WORDS})"
                   rf"(?![\w/])", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·▪●]\s+")


@dataclass(frozen=True)
class Entry:
    """One dated entry: its months (start inclusive, end exclusive) and its text."""

    start: int  # months since year 0
    end: int
    text: str
    dates: str  # the range as written

    @property
    def months(self) -> int:
        return max(0, self.end - self.start)


def _month_index(point: str, *, now: dt.date) -> int | None:
    p = point.strip().lower().rstrip(".")
    if re.fullmatch(_NOW_WORDS, p):
        return now.year * 12 + now.month - 1
    year_m = re.search(_YEAR, p)
    if year_m is None:
        return None
    year = int(year_m.group(0))
    month = 1
    word = re.match(r"[a-z]+", p)
    if word is not None:
        month = _MONTHS.get(word.group(0)[:3], 1)
    else:
        rest = (p[:year_m.start()] + " " + p[year_m.end():]).strip(" /.-")
        if rest.isdigit() and 1 <= int(rest) <= 12:
            month = int(rest)
    return year * 12 + month - 1


def _bare(line: str) -> bool:
    """The line is a date range and little else ("Jan 2020 – Present", "2019-2022 | Dallas")."""
    return len(re.findall(r"[A-Za-z]{2,}", RANGE.sub(" ", line))) <= 1


def _split_ranges(lines: list[str], now: dt.date) -> dict[int, tuple[int, int, str]]:
    """Ranges split over two lines ("From: Mar 2019" / "To: Present", a wrapped "2022 to" /
    "2024"; dates.find_spans_across), by their first line: (start, end, text as the
    structured parse reports it)."""
    today = now.year * 12 + now.month - 1
    out: dict[int, tuple[int, int, str]] = {}
    for i, spans in find_spans_across(lines, now=now).items():
        span = spans[0]
        if span.through and not RANGE.search(lines[i]):
            start = int(span.start[:4]) * 12 + int(span.start[5:]) - 1
            end = today if span.end == "present" else \
                int(span.end[:4]) * 12 + int(span.end[5:]) - 1
            out[i] = (start, end, span.text)
    return out


def find_entries(text: str, *, now: dt.date) -> list[Entry]:
    """Every dated entry of the résumé, in the order written (ranges that end before they
    start, or lie in the future, are left out: typos, not experience)."""
    lines = text.split("\n")
    located: list[tuple[int, int | None, int | None, str]] = []  # line, start, end, text
    split = _split_ranges(lines, now) if "\n" in text else {}
    for i, line in enumerate(lines):
        for m in RANGE.finditer(line):
            located.append((i, _month_index(m.group("start"), now=now),
                            _month_index(m.group("end"), now=now), m.group(0)))
        if i in split:
            located.append((i, *split[i]))
    today = now.year * 12 + now.month - 1
    entries: list[Entry] = []
    for k, (i, start, end, written) in enumerate(located):
        if start is None or end is None or end < start or start > today:
            continue
        end = min(end, today)
        # A line holding only the dates belongs to the title line just above it.
        first = i - 1 if _bare(lines[i]) and i > 0 and lines[i - 1].strip() \
            and not RANGE.search(lines[i - 1]) else i
        stop = located[k + 1][0] if k + 1 < len(located) else len(lines)
        if k + 1 < len(located) and stop > i + 1 and _bare(lines[stop]) \
                and lines[stop - 1].strip() and not RANGE.search(lines[stop - 1]):
            stop -= 1  # that line is the next entry's title
        body = "\n".join(lines[first:max(stop, i + 1)])
        entries.append(Entry(start, end, body, written))
    return entries


def union_months(entries: Iterable[Entry]) -> int:
    """Months covered by the entries, overlapping ones counted once."""
    spans = sorted((e.start, e.end) for e in entries if e.end > e.start)
    total, cur_start, cur_end = 0, None, None
    for start, end in spans:
        if cur_end is None or start > cur_end:
            if cur_end is not None and cur_start is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None and cur_start is not None:
        total += cur_end - cur_start
    return total


def sentences(text: str) -> list[str]:
    """The résumé cut into sentences / bullet lines (evidence is one of these)."""
    return [s.strip(" •·▪●-*\t") for s in _SENTENCE.split(text) if s and s.strip(" •·▪●-*\t")]


@dataclass(frozen=True)
class StatedYears:
    """A phrase stating an amount of time ("5+ years in warehousing"), in months."""

    months: float
    sentence: str


def stated_durations(text: str, relevant: Callable[[str], bool]) -> list[StatedYears]:
    """Durations stated in sentences that ``relevant`` accepts; ranges of dates don't count
    here ("2019 – 2022" is an entry, not a phrase)."""
    out: list[StatedYears] = []
    for sentence in sentences(text):
        if not relevant(sentence):
            continue
        for q in find_quantities(tokens(RANGE.sub(" ", sentence))):
            if q.dimension == TIME and q.value > 0 and q.comparison not in ("<", "<="):
                value = q.value if q.high is None else min(q.value, q.high)
                out.append(StatedYears(value * q.factor, sentence))
    return out
