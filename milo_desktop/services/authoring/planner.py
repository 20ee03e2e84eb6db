"""The job-description planner: a local, transparent rule set (no model, no network).

1. **Title** — a "Job title:" line, else a short first line, else "hiring a …", else the
   closest template's title.
2. **Base** — the template whose keywords the text mentions most (the title counts double);
   the general hourly template when nothing matches.
3. **Requirements** — each rule of ``requirements.RULES`` that fires becomes a structured
   question in the first conversational stage (Voice / SMS / Form); when the template already
   asks it (same requirement key), the template's question is tuned instead (its minimum,
   its dealbreaker flag) so nothing is asked twice.

Every step adds a line to ``draft.plan_notes``: the wizard shows them, so a recruiter can see
why each question is there and delete what they disagree with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.authoring.draft import (
    InterviewerDraft,
    StageDraft,
    slugify,
    tidy,
)
from milo_desktop.services.authoring.requirements import Finding, find_requirements
from milo_desktop.services.authoring.templates import RoleTemplate
from milo_desktop.services.authoring.validation import (
    DESCRIPTION_MAX,
    QUESTIONS_MAX,
    TITLE_MAX,
)

FALLBACK_TEMPLATE = "general-hourly"
MIN_WORDS = 5
_TITLE_LINE = re.compile(r"^\s*(?:job\s+title|position(?:\s+title)?|title|role)\s*[:\-–]\s*(.+)$",
                         re.I | re.M)
_HIRING = re.compile(
    r"\b(?:hiring|looking for|seeking|recruiting)\s+(?:an?\s+)?(?:(?:experienced|motivated|"
    r"reliable|friendly|full-time|part-time|dedicated)\s+)*"
    r"(?P<t>[A-Z][\w/&()-]*(?:\s+(?:[A-Z(][\w/&()-]*|of|and|&)){0,5})")
_TITLE_NOISE = re.compile(r"\s*(?:\||—| - apply| – apply).*$", re.I)


def check_text(text: str) -> str:
    """The description stripped, or ValidationProblem saying what to paste instead."""
    text = text.strip()
    if not text:
        raise ValidationProblem("Paste a job description first, or pick a template.")
    if len(text) > DESCRIPTION_MAX:
        raise ValidationProblem(
            f"That job description is {len(text):,} characters; paste at most "
            f"{DESCRIPTION_MAX:,} — the summary and the requirements are enough.")
    if len(text.split()) < MIN_WORDS:
        raise ValidationProblem("That is too short to plan from: paste the whole job "
                                "description (a few sentences at least), or pick a template.")
    return text


def _short_title(line: str) -> str | None:
    """``line`` when it reads like a job title: short, no full stop, mostly Capitalised
    Words (a sentence such as "We're hiring cooks to…" is not a title)."""
    line = tidy(_TITLE_NOISE.sub("", line)).strip(" :-–*#")
    words = line.split()
    if not line or len(line) > TITLE_MAX or len(words) > 10 or line.endswith("."):
        return None
    capitalised = sum(1 for w in words if w[0].isupper() or not w[0].isalpha())
    if len(words) > 4 and capitalised / len(words) < 0.6:
        return None
    return line


def find_title(text: str) -> tuple[str | None, str]:
    """(title, how it was found) — None when nothing in the text looks like one."""
    m = _TITLE_LINE.search(text)
    if m and (title := _short_title(m.group(1))):
        return title, "the “Job title” line"
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if (title := _short_title(first)) and any(c.isalpha() for c in title):
        return title, "the first line"
    m = _HIRING.search(text)
    if m and (title := _short_title(m.group("t"))):
        return title, f"“{tidy(m.group(0))}”"
    return None, ""


def _keyword_hits(template: RoleTemplate, text: str, title: str) -> tuple[float, list[str]]:
    hay, head = text.casefold(), title.casefold()
    score, hits = 0.0, []
    for kw in template.keywords:
        rx = re.compile(r"(?<![\w-])" + re.escape(kw.casefold()) + r"(?![\w-])")
        n = len(rx.findall(hay))
        if n:
            hits.append(kw)
            # Long phrases say more than short words; repetition saturates quickly.
            score += min(n, 3) * (1.5 if " " in kw else 1.0)
            if rx.search(head):
                score += 4
    return score, hits


def closest_template(templates: Sequence[RoleTemplate], text: str, title: str
                     ) -> tuple[RoleTemplate, list[str]]:
    """The best-matching template and the keywords that matched (fallback: general)."""
    best: tuple[float, RoleTemplate | None, list[str]] = (0.0, None, [])
    for t in templates:
        score, hits = _keyword_hits(t, text, title)
        if score > best[0]:
            best = (score, t, hits)
    if best[1] is not None and best[0] >= 2:
        return best[1], best[2]
    fallback = next((t for t in templates if t.key == FALLBACK_TEMPLATE), templates[0])
    return fallback, []


def _target_stage(draft: InterviewerDraft) -> StageDraft:
    for stage in draft.stages:
        if stage.kind != StageKind.RESUME:
            return stage
    stage = StageDraft.new(StageKind.VOICE)
    draft.stages.append(stage)
    return stage


def _apply(draft: InterviewerDraft, finding: Finding) -> str:
    """Put one finding into the draft; returns the note saying what happened."""
    new = finding.question
    for stage in draft.stages:
        if stage.kind == StageKind.RESUME:
            continue
        for q in stage.questions:
            if q.requirement != finding.key or q.kind != new.kind:
                continue
            if new.kind == QuestionKind.MIN_AMOUNT:
                q.prompt, q.min_value, q.unit = new.prompt, new.min_value, new.unit
            q.dealbreaker = q.dealbreaker or new.dealbreaker
            return (f"Found “{finding.quote}” → kept the template's question "
                    f"“{q.prompt}” ({q.summary()}).")
    stage = _target_stage(draft)
    if len(stage.questions) >= QUESTIONS_MAX:
        return f"Found “{finding.quote}” but “{stage.name}” is full; add it yourself."
    # Pass/fail questions go before the open ones: a knock-out ends the screening early.
    at = next((i for i, q in enumerate(stage.questions) if q.kind == QuestionKind.SCORED),
              len(stage.questions))
    stage.questions.insert(at, new)
    return f"Found “{finding.quote}” → asks “{new.prompt}” ({new.summary()})."


def plan(text: str, templates: Sequence[RoleTemplate]) -> InterviewerDraft:
    """A draft from a pasted job description (raises ValidationProblem on unusable text)."""
    text = check_text(text)
    title, how = find_title(text)
    template, hits = closest_template(templates, text, title or "")
    draft = template.draft()
    notes: list[str] = []
    if hits:
        notes.append(f"Started from the “{template.title}” template (the text mentions "
                     + ", ".join(f"“{h}”" for h in hits[:5]) + ").")
    else:
        notes.append(f"No role template matched closely; started from “{template.title}”.")
    if title:
        notes.append(f"Position title “{title}” from {how}.")
    else:
        title = template.position_title
        notes.append("No job title found; using the template's. Change it in step 2.")
    draft.name = draft.position_title = title
    draft.slug = slugify(title)
    draft.job_description = text
    findings = find_requirements(text)
    notes += [_apply(draft, f) for f in findings]
    if not findings:
        notes.append("No specific requirements (experience, licences, schedule) found; the "
                     "template's questions are used as they are.")
    draft.plan_notes = notes
    return draft

