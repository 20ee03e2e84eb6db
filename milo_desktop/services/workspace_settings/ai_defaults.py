"""Settings → AI defaults: what a new interviewer starts with, as the hosted product's AI
settings do — the voice its phone screenings speak in, its language, the evaluator that scores
its answers, how many follow-ups a question may ask, and questions from the library that every
new interviewer's first screening starts with.

Stored under ``KEY`` in the workspace settings. ``AuthoringService`` holds the current value
(``ai_defaults``) and applies it to every new draft (``apply``); editing an interviewer never
reads it. ``AiDefaultsService.load`` hands the stored value to the wizard at start and
``save`` on every change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from milo_desktop.enums import StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.authoring.draft import LANGUAGES, InterviewerDraft, QuestionDraft
from milo_desktop.services.authoring.templates import LibraryGroup
from milo_desktop.services.core.database import Database

KEY = "ai.defaults"
# Twilio's Amazon Polly voices the Voice stages can speak in, by language.
VOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("Polly.Joanna", "Joanna (US English)"), ("Polly.Matthew", "Matthew (US English)"),
           ("Polly.Salli", "Salli (US English)"), ("Polly.Joey", "Joey (US English)")),
    "es": (("Polly.Lupe", "Lupe (US Spanish)"), ("Polly.Miguel", "Miguel (US Spanish)"),
           ("Polly.Penelope", "Penélope (US Spanish)")),
}
EVALUATORS: dict[str, str] = {
    "rubric": "Built-in rubric",
    "llm": "LLM evaluator (Integrations → LLM evaluator)",
}
MAX_FOLLOW_UPS = 3
MAX_QUESTIONS = 10
_SCREENINGS = (StageKind.VOICE, StageKind.SMS, StageKind.FORM)


@dataclass(frozen=True)
class AiDefaults:
    voice: str = "Polly.Joanna"
    language: str = "en"
    evaluator: str = "rubric"
    follow_ups: int = 1  # at most this many follow-ups per question
    questions: tuple[str, ...] = field(default=())  # library prompts, in order

    def to_json(self) -> dict[str, Any]:
        return {"voice": self.voice, "language": self.language, "evaluator": self.evaluator,
                "follow_ups": self.follow_ups, "questions": list(self.questions)}


def check(d: AiDefaults) -> AiDefaults:
    if d.language not in LANGUAGES:
        raise ValidationProblem("Choose English or Spanish.")
    if d.voice not in dict(VOICES[d.language]):
        raise ValidationProblem(f"{d.voice} does not speak {LANGUAGES[d.language]}; choose "
                                "one of its voices.")
    if d.evaluator not in EVALUATORS:
        raise ValidationProblem("Choose the built-in rubric or the LLM evaluator.")
    if not 0 <= d.follow_ups <= MAX_FOLLOW_UPS:
        raise ValidationProblem(f"Follow-ups per question: 0 to {MAX_FOLLOW_UPS}.")
    if len(d.questions) > MAX_QUESTIONS:
        raise ValidationProblem(f"At most {MAX_QUESTIONS} default questions.")
    return d


def read_defaults(s: Session) -> AiDefaults:
    row = s.get(WorkspaceSetting, KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    base = AiDefaults()
    try:
        return check(AiDefaults(
            voice=str(value.get("voice", base.voice)),
            language=str(value.get("language", base.language)),
            evaluator=str(value.get("evaluator", base.evaluator)),
            follow_ups=int(value.get("follow_ups", base.follow_ups)),
            questions=tuple(str(q) for q in value.get("questions", ()))))
    except (ValidationProblem, TypeError, ValueError):
        return base  # a value edited by hand: the product's defaults


def _write(s: Session, d: AiDefaults) -> AiDefaults:
    row = s.get(WorkspaceSetting, KEY)
    if row is None:
        s.add(WorkspaceSetting(key=KEY, value=d.to_json()))
    else:
        row.value = d.to_json()
    return d


def library_questions(library: Iterable[LibraryGroup]) -> dict[str, QuestionDraft]:
    return {q.prompt: q for group in library for q in group.questions}


def apply(draft: InterviewerDraft, d: AiDefaults,
          library: Iterable[LibraryGroup]) -> InterviewerDraft:
    """``draft`` (new, unsaved) with the defaults: language; voice and evaluator on its
    screenings; follow-ups cut to the count; the default questions added to its first
    screening (not twice). A template or plan's own choices of voice are kept."""
    draft.language = d.language
    by_prompt = library_questions(library)
    first = next((st for st in draft.stages if st.kind in _SCREENINGS), None)
    if first is not None:
        have = {q.prompt.casefold() for q in first.questions}
        first.questions += [copy.deepcopy(by_prompt[p]) for p in d.questions
                            if p in by_prompt and p.casefold() not in have]
    for stage in draft.stages:
        if stage.kind == StageKind.VOICE:
            stage.settings.setdefault("voice", d.voice)
        if stage.kind in _SCREENINGS:
            stage.settings.setdefault("evaluator", d.evaluator)
        for q in stage.questions:
            q.follow_ups = q.follow_ups[:d.follow_ups]
    return draft


class AiDefaultsService:
    """Reads and saves the defaults; keeps ``authoring.ai_defaults`` (what the wizard's new
    drafts start with) in step."""

    def __init__(self, db: Database, authoring: Any) -> None:
        self.db = db
        self.authoring = authoring  # AuthoringService: its ai_defaults is set here

    async def load(self) -> AiDefaults:
        d = await self.db.read(read_defaults)
        self.authoring.ai_defaults = d
        return d

    async def save(self, d: AiDefaults) -> AiDefaults:
        d = check(replace(d, questions=tuple(dict.fromkeys(d.questions))))
        saved = await self.db.write(lambda s: _write(s, d))
        self.authoring.ai_defaults = saved
        return saved
