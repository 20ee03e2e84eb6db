"""The candidates service's errors, phone formatting and the frozen rows it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import EnvironmentProblem


class CandidateNotFound(EnvironmentProblem):
    """The candidate was erased or merged away while the user was looking at it."""

    title = "Candidate not found"


@lru_cache(maxsize=8192)
def format_phone(e164: str | None) -> str:
    """A stored E.164 number as people write it: "+1 214-555-0123", "+44 20 7946 0958".

    Unparseable values are shown as stored rather than hidden."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def display_name(full_name: str | None, phone_e164: str | None = None,
                 email: str | None = None) -> str:
    """How a person is named on screen: their name, else what we know of them — someone
    who only texted a keyword is their phone number ("+1 214-555-0123")."""
    return (full_name or "").strip() or format_phone(phone_e164) or (email or "") or \
        "Unnamed candidate"


@dataclass(frozen=True)
class CandidateRow:
    """One directory row."""

    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    location: str | None
    source: CandidateSource
    joined: dt.datetime  # created_at, UTC
    interviews: int  # applications, any interviewer
    name_key: str  # the casefolded name the Name sorts use (part of the paging cursor)

    @property
    def phone_display(self) -> str:
        # Formatted on demand: phonenumbers costs ~70 µs a number, which would be a fifth of a
        # page fetch's budget for a column that is hidden by default.
        return format_phone(self.phone_e164)


@dataclass(frozen=True)
class AnswerView:
    question: str
    answer: str
    score: float | None  # 1-5 for scored questions
    passed: bool | None  # structured questions
    summary: str
    evidence: str
    evaluator: str | None


@dataclass(frozen=True)
class StageResultView:
    stage_name: str
    stage_kind: StageKind
    position: int
    status: StageStatus
    score: float | None  # 0-100
    structured_passed: int
    structured_total: int
    evaluator: str | None
    completed_at: dt.datetime | None
    answers: tuple[AnswerView, ...]
    transcript: str = ""
    recording_path: str | None = None
    recording_exists: bool = False  # checked when the profile was read (off the GUI thread)
    rating: int | None = None  # the candidate's 1–5 rating of this screening (None: skipped)


@dataclass(frozen=True)
class WorkflowStep:
    """One stage of an interview's workflow, whether or not it has a result yet."""

    name: str
    kind: StageKind
    status: StageStatus
    score: float | None


@dataclass(frozen=True)
class InterviewView:
    application_id: int
    interviewer_id: int
    interviewer_name: str
    status: ApplicationStatus
    score: float | None  # overall 0-100
    invited_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    stages: tuple[StageResultView, ...]
    workflow: tuple[WorkflowStep, ...] = ()  # every stage in order, "not started" included


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    body: str
    created_at: dt.datetime
    application_id: int | None


@dataclass(frozen=True)
class MessageView:
    id: int
    channel: Channel
    direction: Direction
    purpose: str
    subject: str
    status: MessageStatus
    created_at: dt.datetime
    to_addr: str = ""
    error: str | None = None  # why it failed or bounced, as the provider said
    waiting: str | None = None  # why a queued message has not gone out ("connect an email
    # account to send"): the contact history says it after "Queued"


@dataclass(frozen=True)
class CandidateProfile:
    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    phone_display: str
    location: str | None
    source: CandidateSource
    joined: dt.datetime
    ats_provider: str | None
    ats_candidate_id: str | None
    interviews: tuple[InterviewView, ...]
    notes: tuple[NoteView, ...]  # newest first
    messages: tuple[MessageView, ...]  # newest first
    # Other people in the directory with this phone number (a household, a reassigned number
    # or a duplicate): callers are never linked on the phone alone, so the recruiter is told.
    shares_phone_with: tuple[str, ...] = ()
    # Where the person is at the connected ATSs: ("greenhouse", "Forklift Operator",
    # "Phone Screen", "active" / "rejected" / "hired" / "removed"), one per ATS application.
    at_ats: tuple[tuple[str, str, str | None, str], ...] = ()
    # When they texted STOP (no text goes to them until START), None when they did not.
    sms_opted_out_at: dt.datetime | None = None
