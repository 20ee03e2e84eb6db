"""The Résumé stage's questions, judged as requirements against the résumé's text.

- yes/no ("Has a forklift certification"): met when a sentence mentions the requirement's
  key terms (or their synonyms: "certified", "license", "OSHA card"); the sentence is kept as
  evidence. A requirement the résumé does not mention is *not met*, but not confidently so:
  a résumé cannot say "no", so a missing mention never knocks anybody out by itself.
- minimum amount ("2 years of warehouse experience"): time from the entries that mention
  the topic (date ranges, overlaps counted once) or stated phrases ("5+ years in
  warehousing"), whichever is larger; other units from a sentence that states them.
- multiple choice: the options the résumé mentions.
- scored ("Customer service experience", with rubric texts): the relevant sentences, with the
  matching experience in years first, go to the evaluator (rubric or LLM) as the "answer".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from milo_desktop.enums import QuestionKind
from milo_desktop.services.applications.results import UNANSWERED, AnswerRecord
from milo_desktop.services.resume.experience import (
    Entry,
    find_entries,
    sentences,
    stated_durations,
    union_months,
)
from milo_desktop.services.resume.parse import ParsedResume
from milo_desktop.services.scoring import STRUCTURED, Evaluation, Evaluator, parse_amount
from milo_desktop.services.scoring.choices import is_accepted
from milo_desktop.services.scoring.rubric import terms
from milo_desktop.services.scoring.spec import FlowQuestionSpec, rubric_of
from milo_desktop.services.scoring.structured import quantity_text
from milo_desktop.services.scoring.text import excerpt, format_number, stem, words
from milo_desktop.services.scoring.units import TIME, question_unit

RESUME = "résumé"  # how summaries name the source
# Words that say "this is a requirement" rather than what is required.
def _wordlist(text: str) -> list[str]:
    return text.split()


_FILLER = frozenset(stem(w) for w in _wordlist("""experience experienced ability able proven valid current
minimum least candidate must require required requirement knowledge familiar familiarity
background skill skills strong solid good years year months month prior previous relevant
working work has have holds hold possess possesses plus"""))
_SYNONYMS = [
    "forklift, fork lift, lift truck, reach truck, order picker, pallet jack, "
    "powered industrial truck, hi lo, hyster",
    "certification, certified, certificate, license, licensed, licence, credential, osha",
    "warehouse, warehousing, distribution center, fulfillment, fulfilment, logistics, "
    "shipping and receiving, stockroom, inventory",
    "customer service, customer support, client service, customer care, call center, "
    "help desk, guest service, front desk, cashier",
    "driver, driving, delivery, courier",
    "cdl, commercial driver license, commercial driving license, class a license",
    "cna, certified nursing assistant, nursing assistant, nurse aide",
    "rn, registered nurse",
    "bilingual, spanish, multilingual",
    "sales, selling, business development, quota, account executive, sdr",
    "cook, kitchen, culinary, line cook, prep cook, food preparation",
    "security, guard, loss prevention, security officer",
    "cpr, bls, first aid",
    "supervisor, supervised, manager, managed, team lead, shift lead, led",
]
Phrase = tuple[str, ...]


def _stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


_GROUPS: list[frozenset[Phrase]] = [
    frozenset(tuple(_stems(p)) for p in line.split(",") if p.strip()) for line in _SYNONYMS]
_PHRASES: list[tuple[Phrase, int]] = sorted(
    ((phrase, i) for i, group in enumerate(_GROUPS) for phrase in group),
    key=lambda pg: -len(pg[0]))


def _contains(haystack: Sequence[str], phrase: Phrase) -> bool:
    n = len(phrase)
    return any(tuple(haystack[i:i + n]) == phrase for i in range(len(haystack) - n + 1))


def concepts(text: str) -> list[frozenset[Phrase]]:
    """What a requirement asks for: each key term (with its synonyms) as a set of phrases."""
    content = set(terms(text))
    seq = [s for s in _stems(text)]
    covered = [False] * len(seq)
    found: list[frozenset[Phrase]] = []
    seen_groups: set[int] = set()
    for phrase, g in _PHRASES:
        n = len(phrase)
        for i in range(len(seq) - n + 1):
            if tuple(seq[i:i + n]) == phrase and not any(covered[i:i + n]):
                covered[i:i + n] = [True] * n
                if g not in seen_groups:
                    seen_groups.add(g)
                    found.append(_GROUPS[g])
    for i, s in enumerate(seq):
        if not covered[i] and s in content and s not in _FILLER and not s.isdigit():
            single = frozenset({(s,)})
            if single not in found:
                found.append(single)
    return found


def coverage(text: str, wanted: Sequence[frozenset[Phrase]]) -> float:
    """The share of ``wanted`` concepts that ``text`` mentions."""
    if not wanted:
        return 0.0
    seq = _stems(text)
    return sum(any(_contains(seq, p) for p in c) for c in wanted) / len(wanted)


def _needed(wanted: Sequence[frozenset[Phrase]]) -> float:
    """All concepts of a short requirement; two thirds of a long one."""
    return 1.0 if len(wanted) <= 2 else math.ceil(len(wanted) * 2 / 3) / len(wanted)


@dataclass(frozen=True)
class Resume:
    """The résumé prepared once for all requirements."""

    text: str
    sentences: tuple[str, ...]
    entries: tuple[Entry, ...]

    @classmethod
    def of(cls, text: str, now: dt.date, parsed: ParsedResume | None = None) -> Resume:
        """``parsed``: the structured parse of the same text; an entry whose dates it read
        gains the title and employer it found there when the entry's own text (the dates'
        line and the line above) lacks them (a title below the dates, two lines above)."""
        entries = find_entries(text, now=now)
        if parsed is not None:
            entries = [_with_title(e, parsed) for e in entries]
        return cls(text, tuple(sentences(text)), tuple(entries))

    def best(self, wanted: Sequence[frozenset[Phrase]]) -> tuple[str, float]:
        scored = [(coverage(s, wanted), -i, s) for i, s in enumerate(self.sentences)]
        cov, _, sentence = max(scored, default=(0.0, 0, ""))
        return sentence, cov


def _with_title(entry: Entry, parsed: ParsedResume) -> Entry:
    for job in parsed.jobs:
        if job.dates.value.strip() != entry.dates.strip():
            continue
        missing = [v.value for v in (job.title, job.employer)
                   if v is not None and v.value not in entry.text]
        if missing:
            return Entry(entry.start, entry.end, "\n".join([*missing, entry.text]), entry.dates)
        break
    return entry


def _eval(q: FlowQuestionSpec, passed: bool | None, value: float | str | bool | None,
          summary: str, evidence: str, confident: bool) -> Evaluation:
    return Evaluation(q.id, passed, None, value, summary, excerpt(evidence), STRUCTURED,
                      confident)


def _not_found(q: FlowQuestionSpec, what: str) -> Evaluation:
    return _eval(q, False if q.kind != QuestionKind.MULTIPLE_CHOICE else None, None,
                 f"No mention of {what} in the {RESUME}; not met (check it with the candidate)",
                 "", False)


def _topic(q: FlowQuestionSpec) -> str:
    return excerpt(q.prompt.strip().rstrip("?."), 60)


def _yes_no(q: FlowQuestionSpec, cv: Resume) -> Evaluation:
    wanted = concepts(q.prompt)
    if not wanted:
        return _eval(q, None, None, f"Cannot tell from a {RESUME} what this asks", "", False)
    sentence, cov = cv.best(wanted)
    if cov < _needed(wanted):
        if q.expected_yes is False:  # "has no …": not mentioning it is what was wanted
            return _eval(q, True, False, f"The {RESUME} does not mention it, as required", "",
                         False)
        return _not_found(q, f'"{_topic(q)}"')
    verdict = "met" if q.expected_yes is not False else "the required answer is no"
    return _eval(q, q.expected_yes is not False, True,
                 f'The {RESUME} mentions it → {verdict}', sentence, True)


def _matching_entries(cv: Resume, wanted: Sequence[frozenset[Phrase]]) -> list[Entry]:
    if not wanted:
        return list(cv.entries)  # "Years of experience": all of it
    return [e for e in cv.entries if coverage(e.text, wanted) >= _needed(wanted)]


def experience_months(cv: Resume, wanted: Sequence[frozenset[Phrase]]
                      ) -> tuple[float, str]:
    """Months of experience in ``wanted`` and the evidence for them."""
    entries = _matching_entries(cv, wanted)
    from_entries = float(union_months(entries))
    need = _needed(wanted) if wanted else 0.0
    stated = stated_durations(cv.text, lambda s: coverage(s, wanted) >= need if wanted
                              else "experience" in s.lower())
    best_stated = max(stated, key=lambda s: s.months, default=None)
    if best_stated is not None and best_stated.months >= from_entries:
        return best_stated.months, best_stated.sentence
    if entries:
        dates = "; ".join(f"{e.dates} ({excerpt(e.text.split(chr(10))[0], 50)})"
                          for e in entries[:4])
        return from_entries, dates
    return 0.0, ""


def _min_amount(q: FlowQuestionSpec, cv: Resume) -> Evaluation:
    unit = question_unit(q.unit)
    wanted = concepts(q.prompt)
    if unit.dimension == TIME:
        months, evidence = experience_months(cv, wanted)
        if not evidence:
            return _not_found(q, f'"{_topic(q)}"')
        value = round(months / unit.factor, 2)
    else:
        sentence, cov = cv.best(wanted)
        amount = parse_amount(sentence, q.unit) if cov >= _needed(wanted) else None
        if amount is None or amount.value is None:
            return _not_found(q, f'"{_topic(q)}"')
        value, evidence = amount.value, sentence
    stated = quantity_text(value, unit)
    if q.min_value is None:
        return _eval(q, True, value, f"The {RESUME} shows {stated}", evidence, True)
    meets = value + 1e-9 >= q.min_value
    minimum = quantity_text(q.min_value, unit)
    verdict = f"meets the minimum of {minimum}" if meets else f"below the minimum of {minimum}"
    return _eval(q, meets, value, f"The {RESUME} shows {stated}, {verdict}", evidence, True)


def _choice(q: FlowQuestionSpec, cv: Resume) -> Evaluation:
    found: list[tuple[str, str]] = []
    for choice in q.choices:
        wanted = concepts(choice)
        sentence, cov = cv.best(wanted)
        if wanted and cov >= _needed(wanted):
            found.append((choice, sentence))
    if not found:
        return _not_found(q, "any of the options")
    accepted = [(c, s) for c, s in found if is_accepted(c, q.accepted_choices)]
    choice, sentence = (accepted or found)[0]
    passed = is_accepted(choice, q.accepted_choices)
    more = "" if len(found) == 1 else f" (also mentions {', '.join(c for c, _ in found if c != choice)})"
    verdict = "an accepted option" if passed else "not an accepted option"
    return _eval(q, passed, choice, f"The {RESUME} mentions {choice}, {verdict}{more}",
                 sentence, len(found) == 1)


def relevant_text(q: FlowQuestionSpec, cv: Resume, limit: int = 6) -> str:
    """What the résumé says about a scored question: its years in matching roles, then the
    sentences that share the most terms with the question and its rubric."""
    wanted = concepts(q.prompt)
    low, high = rubric_of(q)
    rubric_terms = concepts(f"{low} {high}")
    scored = []
    for i, s in enumerate(cv.sentences):
        weight = coverage(s, wanted) * 2 + coverage(s, rubric_terms)
        if coverage(s, wanted) > 0 or coverage(s, rubric_terms) >= 0.2:
            scored.append((weight, i, s))
    chosen = sorted(sorted(scored, reverse=True)[:limit], key=lambda t: t[1])
    lines = [s for _, _, s in chosen]
    if wanted:
        months, _ = experience_months(cv, wanted)
        if months >= 1:
            lines.insert(0, f"{format_number(round(months / 12, 1))} years of experience in "
                            f"matching roles.")
    lines = [line.rstrip(";:, ") for line in lines]
    return " ".join(line if line.endswith((".", "!", "?")) else line + "." for line in lines)


async def judge(questions: Sequence[FlowQuestionSpec], cv: Resume,
                evaluator: Evaluator) -> list[AnswerRecord]:
    """One record per requirement, evidence included."""
    records: list[AnswerRecord] = []
    for q in questions:
        e: Evaluation | None
        if q.kind == QuestionKind.YES_NO:
            e = _yes_no(q, cv)
        elif q.kind == QuestionKind.MIN_AMOUNT:
            e = _min_amount(q, cv)
        elif q.kind == QuestionKind.MULTIPLE_CHOICE:
            e = _choice(q, cv)
        else:
            text = relevant_text(q, cv)
            e = await evaluator.evaluate(q, text) if text else None
            if e is None or e.score is None:
                e = Evaluation(q.id, None, 1, None,
                               f"Nothing in the {RESUME} about this: scored 1 (lowest)", "",
                               UNANSWERED, True)
            records.append(AnswerRecord(q.id, q.prompt, text, e, bool(text)))
            continue
        records.append(AnswerRecord(q.id, q.prompt, e.evidence, e, bool(e.evidence)))
    return records
