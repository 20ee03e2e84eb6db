"""Date ranges as résumés write them: "Jan 2019 – Present", "2019-03 to 2021-11", "03/2019 -
06/2020", "3/19–5/22", "Summer 2018", "2015 to 2017", "Mar. '19 – Aug. '21", "since 2020",
"März 2019 – heute".

A point is (year, month); a month missing from a point is January for a start and January
for an end (the conservative reading experience.py uses: "2019–2022" is 3 years), a season is
its first month (spring 3, summer 6, fall/autumn 9, winter 12). "Present" and its synonyms end
at ``now`` (injected: nothing here reads the clock). A lone season or year ("Summer 2018")
is a range of its own: three months for a season, one year for a year.

Labels between the points are separators ("Mar 2019 To: Present", "2019 End: 2021"); "Since:
2020" is a range. A range may be split over two lines — "From: Mar 2019" over "To: Present", or
a layout's wrap ("… | 2022 to" over "2024") — and ``find_spans_across`` reads it as one, set on
its first line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
    # a few common non-English months (German, French, Spanish, Dutch)
    "januar": 1, "janvier": 1, "enero": 1, "ene": 1, "februar": 2, "février": 2,
    "fevrier": 2, "febrero": 2, "märz": 3, "mars": 3, "marzo": 3, "maart": 3, "avril": 4,
    "abril": 4, "mai": 5, "mayo": 5, "mei": 5, "juni": 6, "juin": 6, "junio": 6, "juli": 7,
    "juillet": 7, "julio": 7, "août": 8, "aout": 8, "agosto": 8, "augustus": 8,
    "septembre": 9, "septiembre": 9, "oktober": 10, "octobre": 10, "octubre": 10,
    "okt": 10, "novembre": 11, "noviembre": 11, "dezember": 12, "décembre": 12,
    "decembre": 12, "diciembre": 12, "dic": 12, "dez": 12,
}
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTH_NAMES), key=len, reverse=True))
_SEASON_RE = "|".join(_SEASONS)
_YEAR4 = r"(?:19[5-9]\d|20\d\d)"
_YEAR = rf"(?:{_YEAR4}|['’]\d\d)"
_NOW = (r"(?:present|current(?:ly)?|now|today|ongoing|to date|date|heute|"
        r"aujourd'hui|actualidad|actual|presente|heden)")
POINT = (rf"(?:(?:{_MONTH_RE})\.?\s*,?\s*{_YEAR}"
         rf"|(?:{_SEASON_RE})\s+{_YEAR}"
         rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR4}"
         rf"|(?:0?[1-9]|1[0-2])/\d\d(?![\d/])"
         rf"|{_YEAR4}\s*[-/.]\s*(?:0[1-9]|1[0-2])(?![\d])"
         rf"|{_YEAR4})")
_SEP = (r"\s*(?:[-–—~]+|(?:\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\bbis\b|\bhasta\b"
        r"|\bà\b|\ba\b|\bend(?:ed)?\b(?=\s*:))\s*:?)\s*")
RANGE = re.compile(
    rf"(?<![\w/.])(?:(?P<since>since|seit|depuis|desde)\s*:?\s*(?P<from>{POINT})"
    rf"|(?P<start>{POINT}){_SEP}(?P<end>{POINT}|{_NOW}))(?![\w/])",
    re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_CONTINUATION = 40  # characters: the second line of a split range holds little else
LONE = re.compile(rf"(?<![\w/.])(?P<season>{_SEASON_RE})\s+(?P<year>{_YEAR})(?![\w/])",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A date range: start and end as "YYYY-MM" (end "present" when ongoing), the months it
    covers (end exclusive) and the text as written."""

    start: str
    end: str
    months: int
    text: str
    at: int  # where the text starts in its line
    through: int = 0  # lines after its own that it runs onto (a range split over two)


def _year(text: str) -> int:
    digits = text.strip("'’")
    value = int(digits)
    if len(digits) == 2:  # '19 → 2019, '98 → 1998
        value += 2000 if value < 50 else 1900
    return value


def point(text: str) -> tuple[int, int] | None:
    """(year, month) of a point as written, or None."""
    p = text.strip().lower()
    m = re.fullmatch(rf"({_MONTH_RE})\.?\s*,?\s*({_YEAR})", p)
    if m:
        return _year(m.group(2)), _MONTH_NAMES[m.group(1)]
    m = re.fullmatch(rf"({_SEASON_RE})\s+({_YEAR})", p)
    if m:
        return _year(m.group(2)), _SEASONS[m.group(1)]
    m = re.fullmatch(rf"(\d{{1,2}})\s*[/.]\s*({_YEAR4})", p)
    if m:
        return int(m.group(2)), int(m.group(1))
    m = re.fullmatch(r"(\d{1,2})/(\d\d)", p)
    if m and 1 <= int(m.group(1)) <= 12:
        return _year(m.group(2)), int(m.group(1))
    m = re.fullmatch(rf"({_YEAR4})\s*[-/.]\s*(\d\d)", p)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(_YEAR4, p)
    if m:
        return int(p), 1
    return None


def _iso(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def find_spans(line: str, *, now: dt.date) -> list[Span]:
    """The date ranges in ``line`` (ranges ending before they start are left out)."""
    today = (now.year, now.month)
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for m in RANGE.finditer(line):
        start = point(m.group("from") or m.group("start"))
        end_text = m.group("end")
        ongoing = bool(m.group("since")) or (end_text is not None and point(end_text) is None)
        end = today if ongoing else point(end_text or "")
        if start is None or end is None or end < start or start > today:
            continue
        months = (end[0] - start[0]) * 12 + end[1] - start[1]
        if not ongoing and end_text is not None and re.fullmatch(
                rf"(?:{_SEASON_RE})\s+{_YEAR}", end_text.strip(), re.IGNORECASE):
            months += 3  # "Spring 2018 – Summer 2019" includes that summer
        out.append(Span(_iso(start), "present" if ongoing else _iso(end), max(0, months),
                        m.group(0).strip(), m.start()))
        taken.append(m.span())
    for m in LONE.finditer(line):
        if any(a <= m.start() < b for a, b in taken):
            continue
        start = (_year(m.group("year")), _SEASONS[m.group("season").lower()])
        if start > today:
            continue
        end = (start[0] + (start[1] + 2) // 12, (start[1] + 2) % 12 + 1)
        out.append(Span(_iso(start), _iso(end), 3, m.group(0).strip(), m.start()))
    return sorted(out, key=lambda s: s.at)


def find_spans_across(lines: Sequence[str], *, now: dt.date) -> dict[int, list[Span]]:
    """The date ranges of each line (by index, lines without any left out), with a range
    split over two lines read as one on the first: neither line has a range alone, and the
    two joined by a space hold one that starts on the first and ends on the second — which
    takes a separator or a label between the points ("From: Mar 2019" / "To: Present",
    "2022 to" / "2024"), so two lone years on two lines stay apart."""
    out: dict[int, list[Span]] = {}
    alone = [find_spans(line, now=now) if _DIGIT.search(line) else [] for line in lines]
    i = 0
    while i < len(lines):
        if alone[i]:
            out[i] = alone[i]
        elif i + 1 < len(lines) and not alone[i + 1] and _DIGIT.search(lines[i]) \
                and 0 < len(second := lines[i + 1].strip()) <= _CONTINUATION:
            first = lines[i].rstrip()
            joined = f"{first} {second}"
            split = [s for s in find_spans(joined, now=now)
                     if s.at < len(first) < s.at + len(s.text)
                     and not _LETTERS.search(joined[s.at + len(s.text):])]
            if split:
                out[i] = [replace(split[0], through=1)]
                i += 1  # the second line is this range's end, not a line of its own
        i += 1
    return out


def strip_spans(line: str, spans: list[Span]) -> str:
    """``line`` without its date ranges (and the brackets / separators left around them)."""
    for s in sorted(spans, key=lambda s: -s.at):
        line = line[:s.at] + " " + line[s.at + len(s.text):]
    line = re.sub(r"\(\s*\)|\[\s*\]", " ", line)
    line = re.sub(r"\s+", " ", line).strip(" \t|,;:–—-·•")
    while line.endswith("(") or (line.count(")") > line.count("(") and line.endswith(")")):
        line = line[:-1].rstrip(" \t|,;:–—-·•")  # "(" left by "(2019 – 2021)"
    while line.startswith(")"):
        line = line[1:].lstrip(" \t|,;:–—-·•")
    return line
