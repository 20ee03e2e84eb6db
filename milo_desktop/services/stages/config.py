"""What a screening stage's Studio flow is compiled from, read out of the database.

``StageFlowConfig`` is plain frozen data (no ORM objects), so compiling, hashing and the tests
need no database. ``load_stage`` builds it inside a ``Database.read`` function.

Stage.settings keys read here (all optional): ``voice`` (a Twilio voice name),
``ai_disclosure`` / ``recording_disclosure`` / ``ask_rating`` (booleans, default on) and
``phone_number`` (the number this stage calls or texts from, instead of the interviewer's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.enums import StageKind
from milo_desktop.models import Interviewer, Question, Stage, WorkspaceSetting
from milo_desktop.services.entry import after_settings
from milo_desktop.services.flows.checks import MAX_STATES
from milo_desktop.services.flows.rating import asks_rating
from milo_desktop.services.links import account_settings
from milo_desktop.services.outreach.policy import SETTING_KEY as POLICY_KEY
from milo_desktop.services.scoring import QuestionSpec
from milo_desktop.services.stages.phrases import speech_for

E164_RE = re.compile(r"\+[1-9][0-9]{6,14}")  # the form; the number itself is Twilio's to judge
RUNNABLE = frozenset({StageKind.VOICE, StageKind.SMS, StageKind.FORM})
TEXT_KINDS = frozenset({StageKind.SMS, StageKind.FORM})
DAY_S = 86_400
# Studio takes a send-and-wait-for-reply timeout in seconds; a week is the longest we ask
# for (UNCONFIRMED: Studio's documented maximum).
MAX_WAIT_S = 7 * DAY_S
MIN_WAIT_S = 3_600


@dataclass(frozen=True)
class StageFlowConfig:
    """One Voice, SMS or Form (as an SMS form) stage, as its flow asks it."""

    stage_id: int
    kind: StageKind
    stage_name: str
    position_title: str
    questions: tuple[QuestionSpec, ...]
    language: str = "en"
    voice: str | None = None  # None: the language's default voice
    ai_disclosure: bool = True
    recording_disclosure: bool = True
    days_to_complete: int = 7
    interviewer_id: int | None = None
    interviewer_name: str = ""
    from_number: str | None = None  # the stage's or interviewer's own number
    ask_rating: bool = True  # end with the optional 1–5 rating (services/flows/rating.py)
    # The role details and company information offered before the end ("what does it
    # pay?"): the offer's words and what is read out (services/entry/after_settings.py).
    details_offer: str = ""
    details: str = ""

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def speech(self) -> tuple[str, str]:
        """(speech language, voice) the voice flow speaks with."""
        language, default_voice = speech_for(self.language)
        return language, (self.voice or default_voice)

    def first_wait_s(self) -> int:
        """How long the first text waits for a reply before the reminder: half the time the
        candidate has to complete, within an hour and a week."""
        return max(MIN_WAIT_S, min(MAX_WAIT_S, max(1, self.days_to_complete) * DAY_S // 2))

    def next_wait_s(self) -> int:
        """How long a later question waits (the candidate is answering): a day at most."""
        return min(DAY_S, self.first_wait_s())

    def friendly_name(self) -> str:
        """The flow's name in the Twilio console."""
        who = self.interviewer_name or self.position_title
        return f"Milo · {who} · {self.stage_name} ({self.kind.value})"[:200]

    def problems(self) -> list[str]:
        """What stops this stage from being published (empty when it can be)."""
        out: list[str] = []
        label = f"The {self.stage_name or self.kind.value} stage"
        if self.kind not in RUNNABLE:
            out.append(f"{label} is not run by phone or text.")
        if not self.position_title.strip():
            out.append(f"{label} needs the interviewer's position title.")
        if not self.questions:
            out.append(f"{label} has no questions to ask.")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            out.append(f"{label} asks the same question twice.")
        for number, question in enumerate(self.questions, start=1):
            out.extend(question.problems(f"{label}, question {number}"))
        if self.from_number is not None and not E164_RE.fullmatch(self.from_number):
            out.append(f"{label}: {self.from_number!r} is not a phone number in international "
                       "format (e.g. +14155550123).")
        # Each question costs at most three widgets, plus a handful around them.
        if 8 + 3 * len(self.questions) > MAX_STATES:
            out.append(f"{label} has too many questions for one Twilio flow.")
        return out


def stage_number(stage: Stage, interviewer: Interviewer) -> str | None:
    """The number a stage calls and texts from, when the stage or its interviewer has one."""
    own = (stage.settings or {}).get("phone_number")
    return (own if isinstance(own, str) and own.strip() else None) or interviewer.phone_number


def default_number(s: Session) -> str | None:
    """The workspace's default sending number (the communication policy's SMS sender, set
    under Outreach), if any."""
    row = s.get(WorkspaceSetting, POLICY_KEY)
    value = row.value.get("sms_from") if row is not None and isinstance(row.value, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def load_stage(s: Session, stage_id: int) -> StageFlowConfig | None:
    """The stage's flow configuration (None when the stage no longer exists)."""
    stage = s.get(Stage, stage_id)
    if stage is None:
        return None
    interviewer = s.get(Interviewer, stage.interviewer_id)
    assert interviewer is not None  # stages cascade with their interviewer
    rows = s.scalars(select(Question).where(Question.stage_id == stage_id)
                     .order_by(Question.position, Question.id)).all()
    settings = stage.settings or {}
    voice = settings.get("voice")
    return StageFlowConfig(
        stage_id=stage.id, kind=StageKind(stage.kind), stage_name=stage.name,
        position_title=interviewer.position_title,
        questions=tuple(QuestionSpec.from_question(q) for q in rows),
        language=interviewer.language or "en",
        voice=voice if isinstance(voice, str) and voice.strip() else None,
        ai_disclosure=bool(settings.get("ai_disclosure", True)),
        recording_disclosure=bool(settings.get("recording_disclosure", True)),
        days_to_complete=int(interviewer.days_to_complete or 7),
        interviewer_id=interviewer.id, interviewer_name=interviewer.name,
        from_number=stage_number(stage, interviewer),
        ask_rating=asks_rating(settings),
        **_details(s, interviewer, StageKind(stage.kind)),
    )


def _details(s: Session, interviewer: Interviewer, kind: StageKind) -> dict[str, str]:
    """The role details and company information a screening offers, as the receptionist's
    custom context is offered (nothing when neither is set)."""
    after = after_settings.read(interviewer.settings)
    company = str(account_settings(s).get("company_info") or "")
    channel = "text" if kind in TEXT_KINDS else "voice"
    offer = after_settings.details_prompt(after, company, interviewer.language or "en", channel)
    return {"details_offer": offer, "details": after_settings.role_text(after, company)} \
        if offer else {}
