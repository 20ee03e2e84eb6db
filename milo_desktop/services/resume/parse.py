"""The structured parse of a résumé: contact header, work history, skills, education,
certifications, languages — every field with the line it came from.

``parse_text`` works on the text ``extract_text`` returns (its lines are what line numbers
count, from 1); ``parse_file`` reads the file first (blocking: call it from a worker thread).
Nothing here reads the clock: "Present" ends at ``now``, which callers pass (the service its
injected clock, the CLI today).

Work history: in the experience section (or, without one, outside the other known
sections) every line with a date range starts an entry — a range split over two lines
("From: Mar 2019" / "To: Present", a wrapped "2022 to" / "2024") counts on its first line, a
label before it ("Dates:", "From:") is not part of the header. Its title and employer are on
the same line ("Title | Employer | 2019 – 2021", a table row), else on the one or two short
lines just above it, else (nothing there, or only a place) just below it ("2019 – 2021" /
"Title" / "Employer"); contact details are never a header. A header is cut at " at ", "@",
"|", dashes and commas, except before a qualifier of how the job was held ("Cook - Night
Shift", "Cook (Part-time)"), which stays with the title; a part naming a place ("Dallas, TX",
"Remote") is the entry's location, not its employer; the part with the most job-title words
is the title, the part with company words ("Inc", "GmbH", "Hospital") or else the nearest
part is the employer. Where the words cannot tell (no known word either way), the layout
the résumé's other entries were read in decides (a résumé lays all its entries out one
way), else the first part is the title. A role with only a title on its dated line, after a
role whose employer stood on a line of its own, keeps that employer (several roles at one
employer). Years per title add the entries of the same title, overlaps counted once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from milo_desktop.services.resume import fields as f
from milo_desktop.services.resume.dates import Span, find_spans_across, strip_spans
from milo_desktop.services.resume.sections import (
    CERTIFICATIONS,
    CONTACT,
    EDUCATION,
    EXPERIENCE,
    LANGUAGES,
    SKILLS,
    SUMMARY,
    find_headings,
    heading_of,
)

PARSER_VERSION = 1
DEFAULT_REGION = "US"
MAX_ITEMS = 200  # per list: a "skills" section of thousands of lines is not a résumé's
MAX_JOBS = 100
MAX_SOURCE = 300  # characters of a provenance line kept (a 50,000-character "line" is not)

_TITLE_WORDS = frozenset(["manager", "engineer", "associate", "developer", "assistant", "specialist", "analyst", "nurse", "driver", "cashier", "clerk", "supervisor", "lead", "coordinator", "representative", "technician", "operator", "designer", "consultant", "director", "intern", "officer", "administrator", "teacher", "cook", "chef", "accountant", "agent", "advisor", "adviser", "scientist", "architect", "programmer", "receptionist", "attendant", "worker", "handler", "picker", "packer", "loader", "mechanic", "electrician", "welder", "carpenter", "plumber", "server", "bartender", "barista", "host", "hostess", "housekeeper", "janitor", "custodian", "guard", "caregiver", "aide", "therapist", "pharmacist", "physician", "doctor", "dentist", "hygienist", "paramedic", "counselor", "tutor", "instructor", "professor", "lecturer", "researcher", "editor", "writer", "producer", "recruiter", "sourcer", "coach", "trainer", "planner", "buyer", "merchandiser", "stocker", "associate", "executive", "president", "vp", "vice", "head", "chief", "owner", "founder", "partner", "principal", "staff", "senior", "junior", "sr", "jr", "apprentice", "trainee", "volunteer", "secretary", "bookkeeper", "controller", "auditor", "paralegal", "lawyer", "attorney", "banker", "teller", "underwriter", "broker", "realtor", "estimator", "surveyor", "foreman", "superintendent", "dispatcher", "courier", "forklift", "warehouse", "sales", "marketing", "support", "customer", "service", "software", "data", "product", "project", "program", "operations", "logistics", "account", "shift", "store", "crew", "team", "member", "helper", "fellow", "postdoc", "scrum", "owner", "qa", "tester", "devops", "sre", "ingenieur", "ingenieurin", "entwickler", "entwicklerin", "leiter", "leiterin", "berater", "beraterin", "développeur", "developpeur", "ingénieur", "chef", "responsable", "conseiller", "desarrollador", "ingeniero", "gerente", "asistente", "enfermera", "enfermero", "medewerker"])
_EMPLOYER_WORDS = frozenset(["inc", "inc.", "llc", "ltd", "ltd.", "limited", "corp", "corp.", "corporation", "co", "co.", "company", "group", "gmbh", "ag", "sa", "s.a.", "sas", "sarl", "bv", "b.v.", "nv", "plc", "pty", "kk", "k.k.", "oy", "ab", "as", "spa", "s.p.a.", "srl", "hospital", "clinic", "university", "college", "school", "academy", "institute", "bank", "foods", "logistics", "solutions", "systems", "technologies", "technology", "tech", "labs", "laboratories", "partners", "associates", "holdings", "industries", "international", "global", "services", "consulting", "market", "markets", "store", "stores", "restaurant", "cafe", "café", "hotel", "resorts", "airlines", "motors", "pharma", "health", "healthcare", "media", "studios", "agency", "foundation", "council", "department", "city", "county", "state", "federal", "ministry", "株式会社", "有限公司", "公司"])
_BULLET = re.compile(r"^\s*(?:[-–•·▪●*>◦‣⁃]|\d+[.)])\s+")
_STRONG_SPLIT = re.compile(r"\s+(?:at|@|chez|bei|en)\s+|\s*@\s*|\s*\|\s*|\s+[–—-]+\s+|\t+"
                           r"|\s*[–—]\s*")
_AT_SPLIT = re.compile(r"\s+(?:at|chez|bei)\s+|\s*@\s*")
_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\||•|·|▪|●|/\s)\s*")
_WORDLIKE = re.compile(r"[^\W_]")
_PLACE_WORDS = frozenset({"remote", "hybrid", "on-site", "onsite", "home office"})
# How a job was held: the kind of contract, the shift ("Night Shift", "Part-time", "PRN").
_QUALIFIER = (r"(?:full|part)[- ]?time|contract(?:or)?|contract[- ]to[- ]hire|temp(?:orary)?"
              r"|seasonal|freelance|internship|per[- ]diem|prn|casual|permanent|fixed[- ]term"
              r"|locum|on[- ]call|relief|interim|apprenticeship|self[- ]employed"
              r"|(?:day|night|evening|overnight|weekend|graveyard|swing|morning|afternoon"
              r"|rotating|1st|2nd|3rd|first|second|third)\s+shifts?"
              r"|nights|weekends|evenings|overnights|teilzeit|vollzeit|befristet|aushilfe"
              r"|temps\s+(?:partiel|plein)|cdd|cdi|intérim|saisonnier|medio\s+tiempo"
              r"|tiempo\s+completo|temporal|tijdelijk")
_QUALIFIED = re.compile(
    rf"(?:\s+[-–—]+\s+|\s*[–—]\s*|\s*,\s*)(?:{_QUALIFIER})(?:\s*[,/&]\s*(?:{_QUALIFIER}))*"
    rf"(?=\s*(?:$|[|,;(\t]|\s[-–—@]|\s+at\s))"
    rf"|\s*\(\s*(?:{_QUALIFIER})(?:\s*[,/&]\s*(?:{_QUALIFIER}))*\s*\)", re.IGNORECASE)
# separators inside a qualified part, hidden from the cutting and put back after it
_HIDE = str.maketrans({"-": "\ue000", "–": "\ue001", "—": "\ue002", ",": "\ue003",
                       "(": "\ue004", ")": "\ue005", "/": "\ue006", "&": "\ue007"})
_SHOW = str.maketrans({str(v): chr(k) for k, v in _HIDE.items()})
# a label before an entry's dates: "Dates: 2019 – 2021", "From: Mar 2019", "Start 2019"
_DATE_LABEL = re.compile(r"\b(?:(?:dates?|period|duration|tenure|employed|zeitraum|période"
                         r"|periode|periodo|fechas)\s*[:：]|(?:from|start(?:ed)?|von|du|desde)"
                         r"\s*[:：]?)\s*$", re.IGNORECASE)
_INLINE = re.compile(r"^\s*([^:：]{3,40})\s*[:：]\s*(\S.*)$")


@dataclass(frozen=True)
class Value:
    """An extracted value and its provenance: the line's number (from 1) and text."""

    value: str
    line: int
    source: str


@dataclass(frozen=True)
class Job:
    title: Value | None
    employer: Value | None
    location: Value | None
    start: str  # YYYY-MM
    end: str  # YYYY-MM or "present"
    months: int
    dates: Value  # the range as written


@dataclass(frozen=True)
class TitleYears:
    title: str
    years: float


@dataclass(frozen=True)
class ParsedResume:
    name: Value | None = None
    email: Value | None = None
    phone: Value | None = None  # E.164
    location: Value | None = None
    jobs: tuple[Job, ...] = ()
    skills: tuple[Value, ...] = ()
    education: tuple[Value, ...] = ()
    certifications: tuple[Value, ...] = ()
    languages: tuple[Value, ...] = ()
    summary: tuple[Value, ...] = ()
    years_per_title: tuple[TitleYears, ...] = ()
    kind: str = "txt"
    pages: int | None = None
    lines: int = 0
    now: str = ""  # the day "present" meant (ISO)
    version: int = field(default=PARSER_VERSION)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedResume:
        """Back from ``to_dict`` (what the database stores); unknown keys are ignored."""

        def value(d: Any) -> Value | None:
            return Value(str(d["value"]), int(d["line"]), str(d["source"])) \
                if isinstance(d, dict) else None

        def values(items: Any) -> tuple[Value, ...]:
            return tuple(v for v in (value(d) for d in items or ()) if v is not None)

        jobs = []
        for j in data.get("jobs") or ():
            dates = value(j.get("dates"))
            if dates is None:
                continue
            jobs.append(Job(value(j.get("title")), value(j.get("employer")),
                            value(j.get("location")), str(j.get("start", "")),
                            str(j.get("end", "")), int(j.get("months", 0)), dates))
        return cls(
            name=value(data.get("name")), email=value(data.get("email")),
            phone=value(data.get("phone")), location=value(data.get("location")),
            jobs=tuple(jobs), skills=values(data.get("skills")),
            education=values(data.get("education")),
            certifications=values(data.get("certifications")),
            languages=values(data.get("languages")), summary=values(data.get("summary")),
            years_per_title=tuple(TitleYears(str(t["title"]), float(t["years"]))
                                  for t in data.get("years_per_title") or ()),
            kind=str(data.get("kind", "txt")), pages=data.get("pages"),
            lines=int(data.get("lines", 0)), now=str(data.get("now", "")),
            version=int(data.get("version", 0)))

    def years_for(self, title: str) -> float:
        key = _title_key(title)
        return sum(t.years for t in self.years_per_title if _title_key(t.title) == key)


# ----------------------------------------------------------------------------- helpers


def _value(lines: Sequence[str], index: int, text: str, through: int = 0) -> Value:
    """``through``: lines after ``index`` the value runs onto (a range split over two lines);
    its source is those lines too, one under the other."""
    source = "\n".join(lines[index:index + through + 1])
    if len(source) > MAX_SOURCE:
        source = source[:MAX_SOURCE - 1] + "…"
    return Value(text.strip()[:MAX_SOURCE], index + 1, source)


_ABBREVIATIONS = frozenset(["co", "inc", "ltd", "corp", "jr", "sr", "st", "dept", "univ", "bros", "intl", "assn", "mfg"])


def _sentence(text: str, words: int) -> bool:
    """More than ``words`` words ending with a full stop (not "Soap Co.", "Acme Inc.")."""
    parts = text.split()
    if not text.endswith(".") or len(parts) <= words:
        return False
    last = parts[-1].rstrip(".").lower()
    return last not in _ABBREVIATIONS and "." not in last


def _is_bullet(line: str) -> bool:
    """A line of an entry's description, not of its header: a bullet, a long line (in
    words: the "|" and "&" of "Cook | Pine & Oak | Manchester, United Kingdom |" are not), a
    sentence, or the lower-case end of a wrapped one ("score.")."""
    text = line.strip()
    first = text.split()[0].rstrip(".,;:") if text.split() else ""
    words = sum(1 for w in text.split() if _WORDLIKE.search(w))
    return bool(_BULLET.match(text)) or words > 9 or _sentence(text, 3) \
        or (first.islower() and first.isalpha())  # not "iOS Developer", "eBay"


def _clean(text: str) -> str:
    return _BULLET.sub("", text.strip()).strip(" \t,;|–—-·•:")


def _is_place(part: str) -> bool:
    p = part.strip(" ()")
    if p.lower() in _PLACE_WORDS:
        return True
    if (f.region_of(p) is not None and "," in p) or p.lower() in f.COUNTRIES:
        return True
    return bool(re.fullmatch(r"[^\W\d_][\w .'’-]*,\s*[A-Z]{2}", p)) and f.region_of(p) is not None


def _words(text: str) -> list[str]:
    return [w.strip(".,()").lower() for w in text.split()]


def _title_score(part: str) -> int:
    return sum(1 for w in _words(part) if w in _TITLE_WORDS)


def _employer_score(part: str) -> int:
    return sum(1 for w in _words(part) if w in _EMPLOYER_WORDS) + \
        (1 if any(w.endswith(("株式会社", "公司")) for w in part.split()) else 0)


def _title_key(title: str) -> str:
    return re.sub(r"[^\w]+", " ", title.lower()).strip()


def _parts(line: str) -> tuple[list[str], bool]:
    """A header line cut into parts; True when an " at " / "@" said title, then employer. A
    qualifier after a dash, a comma or in brackets stays with the part before it ("Cook -
    Night Shift", "Cook (Part-time)"): it says how the job was held, not where."""
    text = _QUALIFIED.sub(lambda m: m.group(0).translate(_HIDE), _clean(line))
    # "Title (Employer)": the bracketed part is a part of its own
    text = re.sub(r"\s*\(([^()]{2,80})\)\s*", r" | \1 | ", text).strip(" |")
    at = bool(_AT_SPLIT.search(text))
    parts = [p.strip(" ,;()") for p in _STRONG_SPLIT.split(text)]
    parts = [p for p in parts if p]
    if len(parts) == 1 and ", " in text:
        pieces = [p.strip() for p in text.split(",") if p.strip()]
        # "Dallas, TX" stays one part: a place is two pieces the second of which is short
        merged: list[str] = []
        for piece in pieces:
            if merged and _is_place(f"{merged[-1]}, {piece}"):
                merged[-1] = f"{merged[-1]}, {piece}"
            else:
                merged.append(piece)
        parts = merged
    return [p.translate(_SHOW) for p in parts], at


# ----------------------------------------------------------------------------- jobs


def _contact(text: str) -> bool:
    """Contact details (an email, a phone number, "Phone: …"): never an entry's header."""
    return bool(f.EMAIL.search(text) or f.LABEL.match(text)) or sum(
        c.isdigit() for c in text) >= 7


def _near(lines: Sequence[str], j: int, step: int, bound: int, dated: set[int]) -> list[int]:
    """Up to two short lines from ``j`` on, going up (``step`` -1) or down (1) to ``bound``,
    that may hold an entry's title and employer: blank lines before the first are passed;
    a blank line after it, a dated line, a description line, a heading or contact details
    end them."""
    found: list[int] = []
    while (j >= bound if step < 0 else j < bound) and len(found) < 2:
        text = lines[j].strip()
        if not text:
            if found:
                break
        elif j in dated or _is_bullet(text) or heading_of(text) is not None or _contact(text):
            break
        else:
            found.append(j)
        j += step
    return sorted(found)


@dataclass(frozen=True)
class _Part:
    """A piece of an entry's header: its line, its text, and its slot — the line relative to
    the dated one and its place on that line — which says how the résumé lays entries out."""

    line: int
    text: str
    slot: tuple[int, int]
    after_at: bool  # after " at " / "@": the employer


@dataclass(frozen=True)
class _Entry:
    line: int  # the dated line
    span: Span
    header: list[int]
    parts: list[_Part]  # places left out
    location: Value | None

    @property
    def layout(self) -> tuple[tuple[int, int], ...]:
        return tuple(p.slot for p in self.parts)


def _label_free(line: str, span: Span) -> str:
    """The dated line without its range and a label before it ("Dates: 2019 – 2021")."""
    before = _DATE_LABEL.sub("", line[:span.at])
    return strip_spans(before + " " * (span.at - len(before)) + line[span.at:], [span])


def _entry(lines: Sequence[str], i: int, span: Span, header: list[int]) -> _Entry:
    rest = _label_free(lines[i], span)
    sources = ([i] if re.search(r"[^\W\d_]{2,}", rest) else []) + header
    if sources and sources[0] == i and len(_parts(rest)[0]) >= 2:
        sources = [i]  # title and employer both on the dated line
    location: Value | None = None
    kept: list[_Part] = []
    for k in sources:
        parts, at = _parts(rest if k == i else lines[k])
        for n, part in enumerate(parts):
            if _is_place(part):
                if location is None:
                    location = _value(lines, k, part)
            elif re.search(r"[^\W\d_]", part):
                kept.append(_Part(k, part, (k - i, n), at and n > 0))
    return _Entry(i, span, header, kept, location)


_Roles = tuple[_Part | None, _Part | None]


def _by_words(entry: _Entry) -> tuple[_Roles, list[_Part]]:
    """Title and employer by their words, and the parts the words could not tell apart for
    the title (one part when they could): " at " says employer; else the part with the most
    job-title words (less company words) is the title — the first of those tied — and the
    employer the one with the most company words, else the nearest."""
    kept = entry.parts
    if not kept:
        return (None, None), []
    after = [c for c in kept if c.after_at]
    if after:
        before = [c for c in kept if not c.after_at and c.line == after[0].line]
        return (before[-1] if before else None, after[0]), [after[0]]
    scores = [_title_score(c.text) - _employer_score(c.text) for c in kept]
    tied = [c for c, score in zip(kept, scores, strict=True) if score == max(scores)]
    return (tied[0], _employer_beside(kept, tied[0])), tied


def _employer_beside(kept: list[_Part], title: _Part, prefer: tuple[int, int] | None = None
                     ) -> _Part | None:
    others = [c for c in kept if c is not title]
    if not others:
        return None
    at = kept.index(title)
    return max(others, key=lambda c: (_employer_score(c.text), c.slot == prefer,
                                      -abs(kept.index(c) - at)))


def _roles(entries: list[_Entry]) -> list[_Roles]:
    """Title and employer of each entry. A résumé lays its entries out one way, so where an
    entry's words cannot tell its title from its employer ("Alpine Ski Resort" over
    "Stylist"), the slots its other entries laid out the same way were decided in settle it
    (entries laid out otherwise say nothing: a block of roles under one employer is not
    read like the entries around it)."""
    decided = [_by_words(e) for e in entries]
    same: Counter[tuple[Any, ...]] = Counter()
    for entry, ((title, employer), tied) in zip(entries, decided, strict=True):
        if title is not None and len(tied) == 1:
            same[(entry.layout, title.slot, employer.slot if employer else None)] += 1
    out: list[_Roles] = []
    for entry, (roles, tied) in zip(entries, decided, strict=True):
        slots = {c.slot: c for c in tied}
        votes = [(n, key) for key, n in same.items()
                 if len(tied) > 1 and key[0] == entry.layout and key[1] in slots]
        if votes:
            _, (_, title_slot, employer_slot) = max(votes)
            title = slots[title_slot]
            roles = (title, _employer_beside(entry.parts, title, employer_slot))
        out.append(roles)
    return out


def _job(lines: Sequence[str], entry: _Entry, roles: _Roles) -> Job:
    title, employer = roles
    span = entry.span
    dates = _value(lines, entry.line, span.text, through=span.through)
    return Job(_value(lines, title.line, title.text) if title else None,
               _value(lines, employer.line, employer.text) if employer else None,
               entry.location, span.start, span.end, span.months, dates)


def _dated_header(line: str, spans: list[Span]) -> bool:
    """A dated line that starts an entry, not a sentence that mentions years."""
    if _BULLET.match(line):
        return False
    rest = strip_spans(line, spans[:1])
    return len(rest.split()) <= 14 and not _sentence(rest, 4)


def _jobs(lines: Sequence[str], ranges: list[tuple[int, int]], now: dt.date) -> list[Job]:
    entries: list[tuple[int, _Entry]] = []  # (experience range, entry)
    for n, (lo, hi) in enumerate(ranges):
        found = {lo + k: spans for k, spans in find_spans_across(lines[lo:hi], now=now).items()
                 if _dated_header(lines[lo + k], spans)}
        dated = set(found) | {i + 1 for i, spans in found.items() if spans[0].through}
        for i in sorted(found):
            # the title and employer just above the dates, else (nothing but a place there)
            # just below them and the line their range runs onto
            span = found[i][0]
            above = _near(lines, i - 1, -1, lo, dated)
            entry = _entry(lines, i, span, above)
            if all(p.line == i for p in entry.parts):
                below = _near(lines, i + 1 + span.through, 1, hi, dated)
                entry = _entry(lines, i, span, above + below) if below else entry
            entries.append((n, entry))
    jobs: list[Job] = []
    previous: tuple[int, Job] | None = None
    for (n, entry), roles in zip(entries, _roles([e for _, e in entries]), strict=True):
        job = _job(lines, entry, roles)
        if previous is not None and previous[0] == n and \
                _same_employer(previous[1], job, entry.header):
            job = replace(job, employer=previous[1].employer)
        jobs.append(job)
        previous = (n, job)
    return jobs


def _same_employer(previous: Job, job: Job, header: list[int]) -> bool:
    """Several roles under one employer: the employer on a line of its own above the first
    role, each role a title on its dated line ("Cook, 2019 – 2021"). A role with no header
    line of its own and no employer after such a one keeps that employer."""
    first = previous.employer
    return (job.employer is None and not header and job.title is not None
            and first is not None and first.source.strip() == first.value
            and previous.title is not None and previous.title.line == previous.dates.line)


def _years(jobs: Sequence[Job]) -> tuple[TitleYears, ...]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for job in jobs:
        if job.title is None:
            continue
        y, m = (int(x) for x in job.start.split("-"))
        start = y * 12 + m - 1
        key = _title_key(job.title.value)
        spans.setdefault(key, (job.title.value, []))[1].append((start, start + job.months))
    out: list[TitleYears] = []
    for title, ranges in spans.values():
        total, cur_s, cur_e = 0, -1, -1
        for s, e in sorted(ranges):
            if s > cur_e:
                total += cur_e - cur_s
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        total += cur_e - cur_s
        out.append(TitleYears(title, round(total / 12, 2)))
    return tuple(out)


# ----------------------------------------------------------------------------- sections


def _items(lines: Sequence[str], index: int, text: str, split: bool) -> list[Value]:
    text = _clean(text)
    if not text:
        return []
    if not split:
        return [_value(lines, index, text)]
    pieces = [p.strip(" .") for p in _ITEM_SPLIT.split(text)]
    return [_value(lines, index, p) for p in pieces if p and len(p) <= 80]


def _unwrap(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A PDF's list lines wrapped by its layout joined again: a line listing items
    ("Excel, Pallet") that does not end with a separator goes on on the next line
    ("jack, SQL")."""
    out: list[tuple[int, str]] = []
    for i, line in rows:
        if out and _ITEM_SPLIT.search(out[-1][1]) and not re.search(
                r"[,;|•·▪●]\s*$", out[-1][1]) and out[-1][0] == i - 1:
            out[-1] = (out[-1][0], f"{out[-1][1].rstrip()} {line.strip()}")
        else:
            out.append((i, line))
    return out


def _without(ranges: list[tuple[int, int]], line: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if lo <= line < hi:
            out.extend(r for r in ((lo, line), (line + 1, hi)) if r[0] < r[1])
        else:
            out.append((lo, hi))
    return out


def _unwrap_brackets(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A PDF's one-item-a-line list: a line left with an open bracket ("CPR/AED (American")
    goes on on the next line."""
    out: list[tuple[int, str]] = []
    for i, line in rows:
        if out and out[-1][1].count("(") > out[-1][1].count(")") and out[-1][0] == i - 1:
            out[-1] = (out[-1][0], f"{out[-1][1].rstrip()} {line.strip()}")
        else:
            out.append((i, line))
    return out


def _sections(lines: Sequence[str]) -> tuple[dict[str, list[tuple[int, str]]],
                                            list[tuple[int, int]], int]:
    """Lines per section key ((index, text)), the experience ranges, and where the first
    heading is (the header ends there)."""
    headings = find_headings(list(lines))
    content: dict[str, list[tuple[int, str]]] = {}
    bounds = [(h.line, h.key) for h in headings] + [(len(lines), "")]
    first = headings[0].line if headings else len(lines)
    experience: list[tuple[int, int]] = []
    for (start, key), (stop, _) in itertools.pairwise(bounds):
        if key == EXPERIENCE:
            experience.append((start + 1, stop))
        elif key == SUMMARY:  # its first paragraph: entries may follow with no heading
            rows: list[tuple[int, str]] = []
            for i in range(start + 1, stop):
                if not lines[i].strip():
                    if rows:
                        break
                    continue
                rows.append((i, lines[i]))
            content.setdefault(key, []).extend(rows)
        else:
            content.setdefault(key, []).extend(
                (i, lines[i]) for i in range(start + 1, stop) if lines[i].strip())
    # "Skills: Python, SQL" anywhere: an inline section, that line belongs to it alone
    for i, line in enumerate(lines):
        m = _INLINE.match(line)
        if m is None:
            continue
        inline = heading_of(m.group(1))
        if inline in (SKILLS, LANGUAGES, CERTIFICATIONS, EDUCATION) and inline is not None:
            for rows in content.values():
                rows[:] = [row for row in rows if row[0] != i]
            experience = _without(experience, i)
            content.setdefault(inline, []).append((i, m.group(2)))
    if not experience:  # no heading: every line outside the other known sections
        covered = {i for key, rows in content.items() if key != CONTACT for i, _ in rows}
        covered |= {h.line for h in headings}
        run: int | None = None
        for i in range(len(lines) + 1):
            inside = i < len(lines) and i not in covered
            if inside and run is None:
                run = i
            elif not inside and run is not None:
                experience.append((run, i))
                run = None
    return content, experience, first


def parse_text(text: str, *, now: dt.date, region: str = DEFAULT_REGION, kind: str = "txt",
               pages: int | None = None) -> ParsedResume:
    """The résumé's fields (see the module's docstring). ``region``: the ISO region for phone
    numbers written without "+" when the résumé's location names none."""
    lines = text.split("\n")
    content, experience, first_heading = _sections(lines)
    top = max(min(first_heading, 15), min(8, len(lines)))

    name = None
    at = f.find_name(lines, top)
    if at is not None and _title_score(lines[at]) == 0:
        name = _value(lines, at, f.name_text(lines[at]))
    email = None
    if (found := f.find_email(lines)) is not None:
        email = _value(lines, found[0], found[1])
    location = None
    where = f.find_location(lines, top) or f.find_location(
        [line if i in {k for k, _ in content.get(CONTACT, [])} else "" for i, line in
         enumerate(lines)], len(lines))
    if where is not None:
        location = _value(lines, where[0], where[1])
    phone_region = f.region_of(location.value if location else None) or region
    phone = None
    if (number := f.find_phone(lines, phone_region)) is not None:
        phone = _value(lines, number[0], number[1])

    jobs = _jobs(lines, experience, now)[:MAX_JOBS]

    def listed(key: str, split: bool) -> tuple[Value, ...]:
        out: list[Value] = []
        rows = content.get(key, [])
        if kind == "pdf":
            rows = _unwrap(rows) if split else _unwrap_brackets(rows)
        for i, line in rows:
            out.extend(_items(lines, i, line, split))
        seen: set[str] = set()
        unique = []
        for v in out:
            if v.value.lower() not in seen:
                seen.add(v.value.lower())
                unique.append(v)
        return tuple(unique[:MAX_ITEMS])

    return ParsedResume(
        name=name, email=email, phone=phone, location=location, jobs=tuple(jobs),
        skills=listed(SKILLS, True), education=listed(EDUCATION, False),
        certifications=listed(CERTIFICATIONS, False), languages=listed(LANGUAGES, True),
        summary=listed(SUMMARY, False)[:12], years_per_title=_years(jobs), kind=kind,
        pages=pages, lines=len(lines), now=now.isoformat())


def parse_file(path: str | Path, *, now: dt.date, region: str = DEFAULT_REGION,
               name: str | None = None) -> ParsedResume:
    """Read and parse a résumé file; raises ValidationProblem as ``extract_text`` does.
    Blocking."""
    from milo_desktop.services.resume.extract import extract_text

    found = extract_text(path, name=name)
    return parse_text(found.text, now=now, region=region, kind=found.kind, pages=found.pages)
