"""What a receptionist flow is compiled from: plain frozen dataclasses and their validation.

No ORM objects here: the wizard, the tests and the sandbox build these directly, and a service
converts database rows into them before compiling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from milo_desktop.enums import LanguageMode, QuestionKind
from milo_desktop.services.flows.checks import MAX_STATES

INTRO_MAX = 800
AGENT_NAME_MAX = 60
VOICE_MAX = 60  # receptionists.voice is String(60)
PROMPT_MAX = 1000
CONTEXT_FIELD_MAX = 800  # each custom-context field; they are read out in one <Say> (4096 max)
UNIT_MAX = 20  # questions.unit is String(20)
LOCATION_MAX = 120
MAX_CHOICES = 9  # one keypad digit per choice
# Question ids become widget names (q_<id>); Studio widget names are letters, digits and underscores.
QUESTION_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Disclosures:
    """What the greeting must tell the caller; each flag adds one sentence."""

    ai_nature: bool = True
    recording: bool = True
    e_verify: bool = False

    AI_NATURE_SENTENCE = "Just so you know, I am an automated AI assistant, not a person."
    RECORDING_SENTENCE = "This call is recorded for quality and hiring purposes."
    E_VERIFY_SENTENCE = "We participate in E-Verify to confirm employment eligibility."

    def sentences(self) -> list[str]:
        """The disclosure sentences to speak, in a fixed order."""
        out: list[str] = []
        if self.ai_nature:
            out.append(self.AI_NATURE_SENTENCE)
        if self.recording:
            out.append(self.RECORDING_SENTENCE)
        if self.e_verify:
            out.append(self.E_VERIFY_SENTENCE)
        return out


@dataclass(frozen=True)
class CustomContext:
    """Free text the receptionist announces (open positions) or reads on request (the rest).

    ``edge_cases`` is guidance for recruiters and a future conversational agent; a Studio flow
    has no way to act on free-text instructions, so the compiler does not read it out.
    """

    open_positions: str = ""
    shifts: str = ""
    pay: str = ""
    directions: str = ""
    company_background: str = ""
    edge_cases: str = ""

    def details(self) -> list[tuple[str, str]]:
        """The (label, text) pairs read to a caller who asks for more information."""
        pairs = [
            ("Shifts", self.shifts),
            ("Pay", self.pay),
            ("Directions", self.directions),
            ("About us", self.company_background),
        ]
        return [(label, text.strip()) for label, text in pairs if text.strip()]


@dataclass(frozen=True)
class QuestionSpec:
    """One screening question as the flow asks it and the evaluator scores it."""

    id: str
    kind: QuestionKind
    prompt: str
    expected_yes: bool | None = None
    min_value: float | None = None
    unit: str | None = None
    choices: tuple[str, ...] = ()
    accepted_choices: tuple[str, ...] = ()
    dealbreaker: bool = False
    weight: float = 1.0

    def problems(self, label: str) -> list[str]:
        """User-facing problems with this question; ``label`` names it ("Question 2")."""
        out: list[str] = []
        if not QUESTION_ID_RE.match(self.id):
            out.append(f"{label}: its id must be 1–40 letters, digits or underscores.")
        if not self.prompt.strip():
            out.append(f"{label}: write the question.")
        elif len(self.prompt) > PROMPT_MAX:
            out.append(f"{label}: the question is longer than {PROMPT_MAX} characters.")
        if self.weight < 0:
            out.append(f"{label}: the weight cannot be negative.")
        if self.dealbreaker and self.kind == QuestionKind.SCORED:
            out.append(f"{label}: only yes/no, amount and choice questions can be dealbreakers.")
        if self.kind == QuestionKind.YES_NO and self.expected_yes is None:
            out.append(f"{label}: choose the expected answer (yes or no).")
        if self.kind == QuestionKind.MIN_AMOUNT:
            if self.min_value is None or self.min_value < 0:
                out.append(f"{label}: the minimum amount must be zero or more.")
            if not (self.unit or "").strip():
                out.append(f"{label}: give the amount a unit, e.g. years.")
            elif len(self.unit or "") > UNIT_MAX:
                out.append(f"{label}: the unit is longer than {UNIT_MAX} characters.")
        if self.kind == QuestionKind.MULTIPLE_CHOICE:
            out.extend(self._choice_problems(label))
        return out

    def _choice_problems(self, label: str) -> list[str]:
        out: list[str] = []
        cleaned = [c.strip() for c in self.choices]
        if len(cleaned) < 2 or not all(cleaned):
            out.append(f"{label}: give at least two choices, none of them empty.")
        if len(cleaned) > MAX_CHOICES:
            out.append(f"{label}: at most {MAX_CHOICES} choices (one keypad key each).")
        if len({c.casefold() for c in cleaned}) != len(cleaned):
            out.append(f"{label}: the choices must be different from each other.")
        if not self.accepted_choices:
            out.append(f"{label}: mark at least one choice as accepted.")
        elif not set(self.accepted_choices) <= set(self.choices):
            out.append(f"{label}: accepted choices must be among the choices.")
        return out


@dataclass(frozen=True)
class ReceptionistConfig:
    """Everything the receptionist flow is compiled from (mirrors the 4-step wizard)."""

    agent_name: str
    intro_message: str
    questions: tuple[QuestionSpec, ...]
    voice: str = "Polly.Joanna"
    language_mode: LanguageMode = LanguageMode.ENGLISH
    disclosures: Disclosures = field(default_factory=Disclosures)
    collect_location: bool = False
    enforce_job_location_match: bool = False
    job_locations: tuple[str, ...] = ()
    custom_context: CustomContext = field(default_factory=CustomContext)
    manual_approval: bool = False
    routing_threshold: int = 70
    # The number the confirmation SMS comes from; None = the number the flow answers on.
    from_number: str | None = None
    description: str = ""

    def validate(self) -> list[str]:
        """Every problem a user must fix before this can be published; empty when it is fine."""
        out: list[str] = []
        name = self.agent_name.strip()
        if not 1 <= len(name) <= AGENT_NAME_MAX:
            out.append(f"The agent name must be 1–{AGENT_NAME_MAX} characters.")
        if not self.voice.strip() or len(self.voice) > VOICE_MAX:
            out.append("Choose a voice.")
        if not self.intro_message.strip():
            out.append("Write an intro message.")
        elif len(self.intro_message) > INTRO_MAX:
            out.append(
                f"The intro message is {len(self.intro_message)} characters; "
                f"the limit is {INTRO_MAX}."
            )
        if not 0 <= self.routing_threshold <= 100:
            out.append("The routing threshold must be between 0 and 100.")
        if self.from_number is not None and not is_e164(self.from_number):
            out.append(
                f"{self.from_number!r} is not a valid phone number in international format "
                "(e.g. +14155550123)."
            )
        out.extend(self._location_problems())
        out.extend(self._context_problems())
        if not self.questions:
            # The product's step 4: a receptionist without questions has nothing to evaluate.
            out.append("Add at least one screening question.")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            out.append("Two questions share the same id.")
        for number, question in enumerate(self.questions, start=1):
            out.extend(question.problems(f"Question {number}"))
        if not out:
            out.extend(self._size_problems())
        return out

    def _location_problems(self) -> list[str]:
        out: list[str] = []
        if self.enforce_job_location_match:
            if not self.collect_location:
                out.append("To enforce the job-location match, also collect the caller's location.")
            if not self.job_locations:
                out.append("To enforce the job-location match, list the job locations.")
        for place in self.job_locations:
            if not place.strip() or len(place) > LOCATION_MAX:
                out.append(f"Each job location must be 1–{LOCATION_MAX} characters.")
                break
        return out

    def _context_problems(self) -> list[str]:
        ctx = self.custom_context
        fields = {
            "Open positions": ctx.open_positions,
            "Shifts": ctx.shifts,
            "Pay": ctx.pay,
            "Directions": ctx.directions,
            "Company background": ctx.company_background,
            "Edge cases": ctx.edge_cases,
        }
        return [
            f"{label} is longer than {CONTEXT_FIELD_MAX} characters."
            for label, text in fields.items()
            if len(text) > CONTEXT_FIELD_MAX
        ]

    def _size_problems(self) -> list[str]:
        # Imported here: the compiler imports this module.
        from milo_desktop.services.flows.compiler import compile_receptionist

        states = len(compile_receptionist(self)["states"])
        if states > MAX_STATES:
            return [
                f"This receptionist needs {states} flow steps; Twilio allows {MAX_STATES}. "
                "Remove some questions."
            ]
        return []


def is_e164(number: str) -> bool:
    """True for a valid phone number written in E.164 (``+`` and digits only)."""
    if not re.fullmatch(r"\+[1-9][0-9]{6,14}", number):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def to_e164(raw: str, region: str = "US") -> str | None:
    """``raw`` (digits a caller typed, a caller ID) in E.164, or None when it is not a number."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
