"""Every limit on an interviewer draft, as ``FieldProblem(field, message)``.

``field`` is a dotted path the wizard maps to the widget to show the message next to:
``slug``, ``position_title``, ``stages``, ``stages.1.min_score``, ``stages.0.questions.2.prompt``,
``budget``, ``subscribers``, ``labels``… These checks need no database; the service adds the
ones that do (slug taken, phone number used by a receptionist, unknown email template).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from milo_desktop.enums import BudgetKind, QuestionKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.authoring.draft import LANGUAGES, InterviewerDraft, QuestionDraft
from milo_desktop.services.entry import after_settings
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.interviewers.rows import MAX_BUDGET_CENTS

NAME_MAX = 120  # interviewers.name
SLUG_MIN, SLUG_MAX = 3, 80  # interviewers.slug is String(80)
TITLE_MAX = 80  # the product's "character limit" on the position title (shown as a counter)
DESCRIPTION_MAX = 20_000
STAGES_MAX = 6
STAGE_NAME_MAX = 80  # stages.name
QUESTIONS_MAX = 25  # per stage: a 25-question voice call is already ~40 minutes
PROMPT_MAX = 500
RUBRIC_MAX = 500
WEIGHT_MIN, WEIGHT_MAX = 0.5, 3.0
UNIT_MAX = 20  # questions.unit
MIN_VALUE_MAX = 1_000_000
CHOICES_MIN, CHOICES_MAX = 2, 9  # one keypad digit per choice on a call
CHOICE_MAX = 100
FOLLOW_UPS_MAX, FOLLOW_UP_MAX = 3, 300
DAYS_MIN, DAYS_MAX = 1, 60
RETAKES_MIN, RETAKES_MAX = 0, 5
SUBSCRIBERS_MAX = 20
EMAIL_MAX = 254
LABELS_MAX, LABEL_MAX = 10, 60  # labels.name is String(60)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}$"
)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def slug_format_problem(slug: str) -> str | None:
    """Why ``slug`` can't be a link name (format only), or None."""
    if not slug:
        return "Choose the link name candidates will see in the interview URL."
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        return f"The link name must be {SLUG_MIN}–{SLUG_MAX} characters (it is {len(slug)})."
    if not SLUG_RE.match(slug):
        return ("Use lowercase letters, digits and single hyphens only, "
                "e.g. forklift-operator-dallas.")
    return None


def is_email(text: str) -> bool:
    return len(text) <= EMAIL_MAX and ".." not in text and bool(_EMAIL_RE.match(text))


def question_problems(q: QuestionDraft, prefix: str) -> list[FieldProblem]:
    """Problems of one question; fields are ``{prefix}.prompt``, ``{prefix}.weight``…"""
    out: list[FieldProblem] = []

    def add(name: str, message: str) -> None:
        out.append(FieldProblem(f"{prefix}.{name}", message))

    prompt = q.prompt.strip()
    if not prompt:
        add("prompt", "Write the question.")
    elif len(prompt) > PROMPT_MAX:
        add("prompt", f"The question is {len(prompt)} characters; the limit is {PROMPT_MAX}.")
    k = q.kind
    if k == QuestionKind.SCORED:
        if not WEIGHT_MIN <= q.weight <= WEIGHT_MAX:
            add("weight", f"The weight must be between {WEIGHT_MIN:g} and {WEIGHT_MAX:g}.")
        for name, what in (("rubric_low", "a 1"), ("rubric_high", "a 5")):
            text = getattr(q, name).strip()
            if not text:
                add(name, f"Describe in plain words what {what} looks like.")
            elif len(text) > RUBRIC_MAX:
                add(name, f"Keep what {what} looks like under {RUBRIC_MAX} characters.")
    elif k == QuestionKind.YES_NO:
        if q.expected_yes is None:
            add("expected_yes", "Choose the expected answer (yes or no).")
    elif k == QuestionKind.MIN_AMOUNT:
        if q.min_value is None or q.min_value <= 0:
            add("min_value", "The minimum amount must be more than zero.")
        elif q.min_value > MIN_VALUE_MAX:
            add("min_value", f"The minimum amount must be at most {MIN_VALUE_MAX:,}.")
        unit = (q.unit or "").strip()
        if not unit:
            add("unit", "Give the amount a unit, e.g. years.")
        elif len(unit) > UNIT_MAX:
            add("unit", f"The unit is longer than {UNIT_MAX} characters.")
    else:
        out.extend(_choice_problems(q, prefix))
    follow = [f.strip() for f in q.follow_ups if f.strip()]
    if len(follow) > FOLLOW_UPS_MAX:
        add("follow_ups", f"At most {FOLLOW_UPS_MAX} follow-up questions.")
    elif any(len(f) > FOLLOW_UP_MAX for f in follow):
        add("follow_ups", f"Keep each follow-up under {FOLLOW_UP_MAX} characters.")
    return out


def _choice_problems(q: QuestionDraft, prefix: str) -> list[FieldProblem]:
    choices = [c.strip() for c in q.choices if c.strip()]
    folded = [c.casefold() for c in choices]
    if len(choices) < CHOICES_MIN:
        return [FieldProblem(f"{prefix}.choices", "Give at least two choices.")]
    if len(choices) > CHOICES_MAX:
        return [FieldProblem(f"{prefix}.choices",
                             f"At most {CHOICES_MAX} choices (one keypad digit each).")]
    if len(set(folded)) != len(folded):
        return [FieldProblem(f"{prefix}.choices", "Each choice must be different.")]
    if any(len(c) > CHOICE_MAX for c in choices):
        return [FieldProblem(f"{prefix}.choices",
                             f"Keep each choice under {CHOICE_MAX} characters.")]
    accepted = [a.strip() for a in q.accepted_choices]
    if not accepted:
        return [FieldProblem(f"{prefix}.accepted_choices",
                             "Mark at least one choice as accepted.")]
    if any(a not in choices for a in accepted):
        return [FieldProblem(f"{prefix}.accepted_choices",
                             "Accepted answers must be among the choices.")]
    return []


def static_problems(draft: InterviewerDraft, now: dt.datetime) -> list[FieldProblem]:
    """Every problem that needs no database, in the wizard's page order."""
    out: list[FieldProblem] = []

    def add(name: str, message: str) -> None:
        out.append(FieldProblem(name, message))

    name = draft.name.strip()
    if not name:
        add("name", "Name the interviewer (recruiters see this name in the list).")
    elif len(name) > NAME_MAX:
        add("name", f"The name is {len(name)} characters; the limit is {NAME_MAX}.")
    slug_problem = slug_format_problem(draft.slug)
    if slug_problem:
        add("slug", slug_problem)
    title = draft.position_title.strip()
    if not title:
        add("position_title", "Write the position title candidates will see.")
    elif len(title) > TITLE_MAX:
        add("position_title", f"The position title is {len(title)} characters; "
                              f"the limit is {TITLE_MAX}.")
    if len(draft.job_description) > DESCRIPTION_MAX:
        add("job_description", f"The job description is longer than {DESCRIPTION_MAX:,} "
                               "characters.")
    out.extend(stage_problems(draft))
    out.extend(settings_problems(draft, now))
    return out


def stage_problems(draft: InterviewerDraft) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    if not draft.stages:
        out.append(FieldProblem("stages", "Add at least one stage."))
    elif len(draft.stages) > STAGES_MAX:
        out.append(FieldProblem("stages", f"At most {STAGES_MAX} stages."))
    for i, stage in enumerate(draft.stages):
        p = f"stages.{i}"
        sname = stage.name.strip()
        if not sname or len(sname) > STAGE_NAME_MAX:
            out.append(FieldProblem(f"{p}.name", f"Name the stage (1–{STAGE_NAME_MAX} "
                                                 "characters)."))
        if stage.min_score is not None and not 0 <= stage.min_score <= 100:
            out.append(FieldProblem(f"{p}.min_score", "A minimum score is between 0 and 100."))
        if not stage.questions:
            out.append(FieldProblem(f"{p}.questions", f"Add at least one question to "
                                                      f"“{sname or 'this stage'}”."))
        elif len(stage.questions) > QUESTIONS_MAX:
            out.append(FieldProblem(f"{p}.questions", f"At most {QUESTIONS_MAX} questions a "
                                                      "stage."))
        for j, q in enumerate(stage.questions):
            out.extend(question_problems(q, f"{p}.questions.{j}"))
    return out


def settings_problems(draft: InterviewerDraft, now: dt.datetime) -> list[FieldProblem]:
    out: list[FieldProblem] = []

    def add(name: str, message: str) -> None:
        out.append(FieldProblem(name, message))

    if draft.deadline is None:
        pass  # no deadline: open until archived (new drafts get a month)
    elif draft.deadline.tzinfo is None:
        raise ValueError("deadlines are aware datetimes")  # our bug, not the user's
    elif draft.deadline <= now:
        add("deadline", "The deadline must be in the future.")
    if not DAYS_MIN <= draft.days_to_complete <= DAYS_MAX:
        add("days_to_complete", f"Days to complete must be {DAYS_MIN}–{DAYS_MAX}.")
    if not RETAKES_MIN <= draft.retakes <= RETAKES_MAX:
        add("retakes", f"Retakes must be {RETAKES_MIN}–{RETAKES_MAX}.")
    if draft.language not in LANGUAGES:
        add("language", "Choose English or Spanish.")
    if draft.phone_number and to_e164(draft.phone_number) is None:
        add("phone_number", f"“{draft.phone_number}” is not a valid phone number. Write it in "
                            "international format, e.g. +12145550197.")
    try:
        kind = BudgetKind(draft.budget_kind)
    except ValueError:
        add("budget", "Choose no budget, an all-time budget or a daily budget.")
    else:
        if kind != BudgetKind.NONE:
            cents = draft.budget_cents
            if cents is None or cents <= 0:
                add("budget", "Enter a budget amount above $0, or choose no budget.")
            elif cents > MAX_BUDGET_CENTS:
                add("budget", "That budget is too large (at most $10,000,000).")
    out.extend(_list_problems(draft))
    try:
        after_settings.check(draft.after)
    except ValidationProblem as exc:
        add("after_screening", exc.message)
    return out


def _list_problems(draft: InterviewerDraft) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    subs = [s.strip() for s in draft.subscribers if s.strip()]
    bad = [s for s in subs if not is_email(s)]
    if bad:
        out.append(FieldProblem("subscribers", "Not an email address: " + ", ".join(
            f"“{b}”" for b in bad[:3]) + ("…" if len(bad) > 3 else "")))
    elif len(subs) > SUBSCRIBERS_MAX:
        out.append(FieldProblem("subscribers", f"At most {SUBSCRIBERS_MAX} subscribers."))
    labels = [label.strip() for label in draft.labels if label.strip()]
    if len(labels) > LABELS_MAX:
        out.append(FieldProblem("labels", f"At most {LABELS_MAX} labels."))
    elif any(len(label) > LABEL_MAX for label in labels):
        out.append(FieldProblem("labels", f"Keep each label under {LABEL_MAX} characters."))
    return out
