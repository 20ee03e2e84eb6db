"""An interviewer being authored: plain mutable dataclasses the wizard edits in place.

They mirror the columns of ``models.interviewers`` (Interviewer, Stage, Question) so storing
one is a straight copy, plus a few authoring-only fields that are never stored: a question's
library ``topic`` and planner ``requirement`` key, and the draft's ``plan_notes`` (what the
planner found in a job description, shown to the recruiter so the plan is transparent).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from milo_desktop.enums import BudgetKind, QuestionKind, StageKind
from milo_desktop.services.entry.after_settings import AfterScreening

STAGE_NAMES: dict[StageKind, str] = {
    StageKind.VOICE: "Voice interview",
    StageKind.RESUME: "Résumé screening",
    StageKind.SMS: "SMS screening",
    StageKind.FORM: "Form screening",
}
STAGE_SHORT: dict[StageKind, str] = {
    StageKind.VOICE: "Voice", StageKind.RESUME: "Résumé", StageKind.SMS: "SMS",
    StageKind.FORM: "Form",
}
LANGUAGES: dict[str, str] = {"en": "English", "es": "Spanish"}
DEFAULT_DEADLINE_DAYS = 30  # "default one month"


def slugify(text: str, limit: int = 80) -> str:
    """A URL-safe link name from free text: "Forklift Operator (Night)" → "forklift-operator-night"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = "-".join("".join(c if c.isalnum() else " " for c in folded).split())
    return slug[:limit].strip("-")


def is_structured(kind: QuestionKind) -> bool:
    return kind != QuestionKind.SCORED


@dataclass
class QuestionDraft:
    """One question. Only the fields of its ``kind`` are stored (see ``columns``)."""

    kind: QuestionKind
    prompt: str = ""
    weight: float = 1.0
    rubric_low: str = ""  # what a 1 looks like (scored)
    rubric_high: str = ""  # what a 5 looks like (scored)
    expected_yes: bool | None = None  # yes/no
    min_value: float | None = None  # minimum amount
    unit: str | None = None
    choices: list[str] = field(default_factory=list)  # multiple choice
    accepted_choices: list[str] = field(default_factory=list)
    dealbreaker: bool = False  # structured only: failing it knocks the candidate out
    follow_ups: list[str] = field(default_factory=list)
    id: int | None = None  # the stored question when editing; None for a new one
    topic: str = ""  # question-library group (not stored)
    requirement: str = ""  # planner key, e.g. "forklift_cert" (not stored)

    def columns(self) -> dict[str, Any]:
        """Values for ``models.Question``: fields of other kinds are cleared, so a question
        switched from multiple choice to yes/no leaves no stale choices behind."""
        k = self.kind
        return {
            "kind": k,
            "prompt": self.prompt.strip(),
            "weight": float(self.weight) if k == QuestionKind.SCORED else 1.0,
            "rubric_low": self.rubric_low.strip() if k == QuestionKind.SCORED else "",
            "rubric_high": self.rubric_high.strip() if k == QuestionKind.SCORED else "",
            "expected_yes": self.expected_yes if k == QuestionKind.YES_NO else None,
            "min_value": self.min_value if k == QuestionKind.MIN_AMOUNT else None,
            "unit": (self.unit or "").strip() or None if k == QuestionKind.MIN_AMOUNT else None,
            "choices": [c.strip() for c in self.choices] if k == QuestionKind.MULTIPLE_CHOICE
            else [],
            "accepted_choices": [c.strip() for c in self.accepted_choices]
            if k == QuestionKind.MULTIPLE_CHOICE else [],
            "dealbreaker": bool(self.dealbreaker) and is_structured(k),
            "follow_ups": [f.strip() for f in self.follow_ups if f.strip()],
        }

    def fresh_copy(self) -> QuestionDraft:
        """A deep copy that is a new question (no stored id): for the library and reuse."""
        out = copy.deepcopy(self)
        out.id = None
        return out

    def summary(self) -> str:
        """"Yes / no · expects yes · dealbreaker" — one line for lists."""
        k = self.kind
        if k == QuestionKind.SCORED:
            text = f"Scored 1–5 · weight {self.weight:g}"
        elif k == QuestionKind.YES_NO:
            expected = None if self.expected_yes is None else ("yes" if self.expected_yes else "no")
            text = "Yes / no" + (f" · expects {expected}" if expected else "")
        elif k == QuestionKind.MIN_AMOUNT:
            value = "" if self.min_value is None else f"{self.min_value:g}"
            text = f"Minimum amount · at least {value} {self.unit or ''}".rstrip()
        else:
            text = f"Multiple choice · {len(self.accepted_choices)}/{len(self.choices)} accepted"
        return text + (" · dealbreaker" if self.dealbreaker and is_structured(k) else "")

    @classmethod
    def from_row(cls, q: Any) -> QuestionDraft:
        """From a ``models.Question`` (read inside a session)."""
        return cls(
            kind=QuestionKind(q.kind), prompt=q.prompt or "", weight=float(q.weight or 1.0),
            rubric_low=q.rubric_low or "", rubric_high=q.rubric_high or "",
            expected_yes=q.expected_yes, min_value=q.min_value, unit=q.unit,
            choices=list(q.choices or ()), accepted_choices=list(q.accepted_choices or ()),
            dealbreaker=bool(q.dealbreaker), follow_ups=list(q.follow_ups or ()), id=q.id,
        )

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> QuestionDraft:
        """From a template's question object (see resources/templates/README.md)."""
        return cls(
            kind=QuestionKind(d["kind"]), prompt=d["prompt"], weight=float(d.get("weight", 1.0)),
            rubric_low=d.get("rubric_low", ""), rubric_high=d.get("rubric_high", ""),
            expected_yes=d.get("expected_yes"),
            min_value=None if d.get("min_value") is None else float(d["min_value"]),
            unit=d.get("unit"), choices=list(d.get("choices", ())),
            accepted_choices=list(d.get("accepted_choices", ())),
            dealbreaker=bool(d.get("dealbreaker", False)),
            follow_ups=list(d.get("follow_ups", ())), topic=d.get("topic", ""),
            requirement=d.get("requirement", ""),
        )


@dataclass
class StageDraft:
    kind: StageKind
    name: str = ""
    min_score: int | None = None  # "enforce objective evaluation": 0–100, None = off
    settings: dict[str, Any] = field(default_factory=dict)
    questions: list[QuestionDraft] = field(default_factory=list)
    id: int | None = None  # the stored stage when editing

    @classmethod
    def new(cls, kind: StageKind) -> StageDraft:
        return cls(kind=kind, name=STAGE_NAMES[kind])

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> StageDraft:
        kind = StageKind(d["kind"])
        return cls(kind=kind, name=d.get("name") or STAGE_NAMES[kind],
                   min_score=d.get("min_score"), settings=dict(d.get("settings", {})),
                   questions=[QuestionDraft.from_json(q) for q in d.get("questions", ())])


@dataclass
class InterviewerDraft:
    """Everything the wizard collects. Money is in integer cents, times are aware UTC."""

    name: str = ""
    slug: str = ""
    position_title: str = ""
    job_description: str = ""
    language: str = "en"
    deadline: dt.datetime | None = None
    days_to_complete: int = 7
    retakes: int = 0
    budget_kind: BudgetKind = BudgetKind.NONE
    budget_cents: int | None = None
    currency: str = "USD"
    phone_number: str | None = None
    email_template: str | None = None  # a MessageTemplate name; None = the default invitation
    report_to_candidate: bool = False
    stages: list[StageDraft] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    subscribers: list[str] = field(default_factory=list)
    template_key: str | None = None  # the role template it started from, if any
    source_url: str | None = None  # the job posting it was planned from, if any
    plan_notes: list[str] = field(default_factory=list)  # what the planner found (not stored)
    # After the screening (scheduling link, closing message) and the role details the flows
    # read out (services/entry/after_settings.py); kept in Interviewer.settings.
    after: AfterScreening = field(default_factory=AfterScreening)

    def workflow(self) -> str:
        """"Résumé → Voice", as the interviewers table shows it."""
        return " → ".join(STAGE_SHORT[s.kind] for s in self.stages)

    def question_count(self) -> int:
        return sum(len(s.questions) for s in self.stages)

    def copy(self) -> InterviewerDraft:
        return copy.deepcopy(self)


_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    """Collapse runs of whitespace (titles and prompts pasted from web pages)."""
    return _SPACES.sub(" ", text).strip()
