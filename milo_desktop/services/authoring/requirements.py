"""Requirements the planner recognises in a job description, each becoming a structured question.

Every rule is a regular expression over one sentence plus the question it produces, so what
the planner did can be told in a sentence ("Found “2+ years of warehouse experience” → …").
A requirement stated with "required", "must" or "mandatory" — or one that is a legal
prerequisite (work authorization, age, a licence to drive) — becomes a dealbreaker;
"preferred" / "a plus" never does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from milo_desktop.enums import QuestionKind
from milo_desktop.services.authoring.draft import QuestionDraft, tidy

_REQUIRED = re.compile(r"\b(required|requires?|must|mandatory|need to have|essential)\b", re.I)
_OPTIONAL = re.compile(r"\b(preferred|a plus|nice to have|bonus|desired|ideally)\b", re.I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_N = r"(?P<n>\d{1,2}|" + "|".join(_NUMBERS) + r")"
_AREA_DROP = {"of", "relevant", "related", "previous", "prior", "professional", "proven",
              "work", "working", "paid", "recent", "hands-on", "hands", "on", "the", "in"}


@dataclass(frozen=True)
class Finding:
    """One requirement found: the words it was found in and the question it asks."""

    key: str
    quote: str
    question: QuestionDraft


def _required(sentence: str) -> bool:
    return bool(_REQUIRED.search(sentence)) and not _OPTIONAL.search(sentence)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


def _yes_no(prompt: str, topic: str, dealbreaker: bool, key: str,
            expected: bool = True) -> QuestionDraft:
    return QuestionDraft(kind=QuestionKind.YES_NO, prompt=prompt, expected_yes=expected,
                         dealbreaker=dealbreaker, topic=topic, requirement=key)


_EXPERIENCE = re.compile(
    _N + r"\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?(?P<unit>years?|yrs?|months?)['’]?"
    r"\s+(?:of\s+)?(?P<area>(?:[\w/&-]+\s+){0,3}?)experience", re.I)
_EXPERIENCE_MIN = re.compile(
    r"(?:at least|minimum(?: of)?|min\.?)\s+" + _N + r"\s+(?P<unit>years?|yrs?|months?)", re.I)


def _experience(sentence: str) -> Finding | None:
    m = _EXPERIENCE.search(sentence)
    area = ""
    if m is not None:
        words = [w for w in m.group("area").split() if w.lower() not in _AREA_DROP]
        area = " ".join(words).strip(" ,/&-")
    else:
        m = _EXPERIENCE_MIN.search(sentence)
        if m is None or "experience" not in sentence.lower():
            return None
    n = _number(m.group("n"))
    if n <= 0:
        return None
    unit = "months" if m.group("unit").lower().startswith("m") else "years"
    about = f"{area} experience" if area else "relevant experience"
    q = QuestionDraft(kind=QuestionKind.MIN_AMOUNT,
                      prompt=f"How many {unit} of {about} do you have?", min_value=float(n),
                      unit=unit, dealbreaker=_required(sentence), topic="Experience",
                      requirement="experience_years")
    return Finding("experience_years", m.group(0), q)


def _simple(key: str, pattern: str, make: Callable[[re.Match[str], str], QuestionDraft]
            ) -> Callable[[str], Finding | None]:
    rx = re.compile(pattern, re.I)

    def rule(sentence: str) -> Finding | None:
        m = rx.search(sentence)
        return Finding(key, m.group(0), make(m, sentence)) if m else None

    return rule


LICENCE = "Licences & certifications"
CHECKS = "Work authorization & checks"
RULES: tuple[Callable[[str], Finding | None], ...] = (
    _experience,
    _simple("age_18", r"\b(?P<n>18|21)\s*(?:\+|years? (?:of age|old)|or older)|"
                      r"\bat least (?P<m>18|21)\b(?! (?:months|years of))",
            lambda m, s: _yes_no(f"Are you at least {m.group('n') or m.group('m')} years of "
                                 "age?", CHECKS, True, "age_18")),
    _simple("work_authorization",
            r"authori[sz]ed to work|work authori[sz]ation|eligible to work|right to work",
            lambda m, s: _yes_no("Are you legally authorized to work in the United States?",
                                 CHECKS, True, "work_authorization")),
    _simple("forklift_cert",
            r"forklift[- ](?:certification|certified|license|licence|card|operator "
            r"certification)|certified forklift",
            lambda m, s: _yes_no("Do you have a current forklift certification?", LICENCE,
                                 _required(s), "forklift_cert")),
    _simple("cna_licence",
            r"\bCNA (?:license|licence|certification|certificate)|(?:active|current|valid) "
            r"CNA\b|\bCNA[- ]certified|state[- ]certified nursing assistant",
            lambda m, s: _yes_no("Do you hold an active CNA certification in this state?",
                                 LICENCE, not _OPTIONAL.search(s), "cna_licence")),
    _simple("rn_licence",
            r"\bRN licen[cs]e|registered nurse licen[cs]e|licensed (?:as a )?registered nurse|"
            r"(?:active|current|valid|unencumbered) RN\b|compact (?:RN |nursing )?licen[cs]e",
            lambda m, s: _yes_no("Do you hold an active RN licence valid in this state?",
                                 LICENCE, not _OPTIONAL.search(s), "rn_licence")),
    _simple("cdl", r"\bCDL(?:[- ]?(?P<cls>A|B)\b|\s+class\s+(?P<cls2>A|B)\b)?|commercial "
                   r"driver['’]?s? licen[cs]e",
            lambda m, s: _yes_no(
                "Do you hold a valid CDL" + (f" class {m.group('cls') or m.group('cls2')}"
                                             if m.group("cls") or m.group("cls2") else "")
                + "?", LICENCE, not _OPTIONAL.search(s), "cdl")),
    _simple("drivers_licence",
            r"(?<!commercial )driver['’]?s['’]? licen[cs]e|driving licen[cs]e",
            lambda m, s: _yes_no("Do you have a valid driver's license?", LICENCE,
                                 not _OPTIONAL.search(s), "drivers_licence")),
    _simple("bls_cpr", r"\b(?:BLS|CPR|ACLS)\b",
            lambda m, s: _yes_no("Do you have a current BLS / CPR certification?", LICENCE,
                                 _required(s), "bls_cpr")),
    _simple("food_handler", r"food handler['’]?s?(?: card| certificate| permit)?|servsafe",
            lambda m, s: _yes_no("Do you have a current food handler card (or ServSafe)?",
                                 LICENCE, _required(s), "food_handler")),
    _simple("guard_card", r"guard card|security (?:guard |officer )?licen[cs]e|\bBSIS\b",
            lambda m, s: _yes_no("Do you hold a current security guard licence (guard card) "
                                 "in this state?", LICENCE, not _OPTIONAL.search(s),
                                 "guard_card")),
    _simple("osha", r"\bOSHA[- ]?(?P<n>10|30)\b",
            lambda m, s: _yes_no(f"Have you completed OSHA {m.group('n')} training?", LICENCE,
                                 _required(s), "osha")),
    _simple("lift", r"lift(?:ing)?\s+(?:up to\s+|at least\s+)?(?P<n>\d{2,3})\s*(?:lbs?\b|pounds)",
            lambda m, s: _yes_no(f"Can you lift up to {m.group('n')} lb repeatedly during a "
                                 "shift?", "Physical requirements", not _OPTIONAL.search(s),
                                 "lift")),
    _simple("weekends", r"\bweekends?\b",
            lambda m, s: _yes_no("Are you available to work weekends?", "Availability",
                                 _required(s), "weekends")),
    _simple("nights", r"\b(?:night|overnight|graveyard|third|3rd)[- ]shifts?\b|\bovernights\b",
            lambda m, s: _yes_no("Can you work night shifts?", "Availability", _required(s),
                                 "nights")),
    _simple("holidays", r"\bholidays\b",
            lambda m, s: _yes_no("Are you available to work holidays?", "Availability",
                                 _required(s), "holidays")),
    _simple("overtime", r"\bovertime\b",
            lambda m, s: _yes_no("Are you able to work overtime when needed?", "Availability",
                                 _required(s), "overtime")),
    _simple("background_check", r"background (?:check|screening|investigation)",
            lambda m, s: _yes_no("Are you willing to complete a background check?", CHECKS,
                                 _required(s), "background_check")),
    _simple("drug_screen", r"drug (?:screen|test)",
            lambda m, s: _yes_no("Are you willing to take a pre-employment drug screen?",
                                 CHECKS, _required(s), "drug_screen")),
    _simple("spanish", r"\bbilingual\b|\bspanish\b",
            lambda m, s: _yes_no("Do you speak Spanish fluently?" if "spanish" in s.lower()
                                 else "Are you fluent in English and a second language?",
                                 "Communication", _required(s), "spanish")),
    _simple("transportation", r"reliable (?:transportation|transport|vehicle)",
            lambda m, s: _yes_no("Do you have reliable transportation to get to work on "
                                 "time?", "Reliability", _required(s), "transportation")),
    _simple("high_school", r"high school diploma|\bGED\b",
            lambda m, s: _yes_no("Do you have a high school diploma or GED?", "Education",
                                 _required(s), "high_school")),
    _simple("bachelors", r"bachelor['’]?s degree|\bBSN\b",
            lambda m, s: _yes_no("Do you have a BSN?" if "bsn" in m.group(0).lower()
                                 else "Do you have a bachelor's degree?", "Education",
                                 _required(s), "bachelors")),
    _simple("typing", r"(?P<n>\d{2,3})\s*(?:\+\s*)?(?:wpm|words per minute)",
            lambda m, s: QuestionDraft(
                kind=QuestionKind.MIN_AMOUNT, prompt="How many words per minute can you type?",
                min_value=float(m.group("n")), unit="words per minute",
                dealbreaker=_required(s), topic="Skills", requirement="typing")),
    _simple("travel", r"travel(?:ling|ing)?\s+(?:up to\s+)?(?P<n>\d{1,2})\s*%",
            lambda m, s: _yes_no(f"Are you comfortable travelling up to {m.group('n')}% of "
                                 "the time?", "Availability", _required(s), "travel")),
)

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·▪◦]\s*|^\s*[-*]\s+", re.M)


_WRAPPED = re.compile(r"[ \t]*\n[ \t]*(?=[a-z(])")


def sentences(text: str) -> list[str]:
    """Sentences and bullet points of a job description, whitespace tidied. A line break
    before a lowercase word is a wrapped line, not a new sentence."""
    text = _WRAPPED.sub(" ", text)
    return [tidy(s) for s in _SENTENCE_END.split(text) if s and tidy(s)]


def find_requirements(text: str) -> list[Finding]:
    """Every requirement found, first occurrence of each kind only, in reading order
    (experience may appear twice when two different areas are asked for)."""
    found: list[Finding] = []
    keys: dict[str, int] = {}
    for sentence in sentences(text):
        for rule in RULES:
            finding = rule(sentence)
            if finding is None:
                continue
            limit = 2 if finding.key == "experience_years" else 1
            if keys.get(finding.key, 0) >= limit or any(
                    f.question.prompt == finding.question.prompt for f in found):
                continue
            keys[finding.key] = keys.get(finding.key, 0) + 1
            found.append(finding)
    return found
