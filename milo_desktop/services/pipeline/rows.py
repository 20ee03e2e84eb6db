"""The pipeline's frozen rows, tabs and errors (what the Inbound via Phone screen is given)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milo_desktop.enums import CallReview, CallStatus, InterviewerStatus
from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.candidates import format_phone

# Tabs of the pipeline. "evaluated" is every call the AI has screened (whatever the recruiter
# decided since); the three review tabs are subsets of it by review state.
TABS = ("all", "evaluated", "needs_review", "approved", "rejected")
SORT_STARTED = "started"  # the only order: newest call first (started_at desc, id desc)


class CallNotFound(EnvironmentProblem):
    """The call was deleted (its receptionist removed) while the user was looking at it."""

    title = "Call not found"


class UnverifiedNumber(ValidationProblem):
    """The caller's number did not normalise: the action would dial or text a number the
    caller did not give (or leave theirs out). Ask the user, then call again with
    ``confirm_unverified=True``."""

    title = "The caller's number is unverified"


@dataclass(frozen=True)
class CallRow:
    """One pipeline row."""

    id: int
    receptionist_id: int
    receptionist_name: str
    caller_name: str
    from_e164: str | None  # only ever a number that normalised
    email: str | None
    location: str | None
    status: CallStatus
    review: CallReview
    started_at: dt.datetime  # UTC
    duration_s: int | None
    evaluations: int
    has_recording: bool
    score: float | None
    candidate_id: int | None
    unread: bool
    number_raw: str | None = None  # what the caller gave (typed callback, else caller ID)
    number_unverified: bool = False  # that text did not normalise (see InboundCall)

    @property
    def phone_display(self) -> str:
        """The number as people write it; an unverified one as the provider sent it (the
        views mark it "unverified")."""
        if self.number_unverified and self.number_raw:
            return self.number_raw
        return format_phone(self.from_e164)

    @property
    def dial_number(self) -> str | None:
        """The E.164 number a call or text would go to (None: nothing to dial). When
        ``number_unverified``, only after the user confirmed."""
        return self.from_e164


@dataclass(frozen=True)
class AnswerDetail:
    """A caller's answer to one screening question, with its evaluation."""

    question: str
    answer: str
    passed: bool | None  # structured questions
    score: float | None  # 1–5 for scored questions
    summary: str
    evidence: str
    evaluator: str | None


@dataclass(frozen=True)
class InterviewerChoice:
    """An interviewer the receptionist may route callers to (the Ingest chooser)."""

    id: int
    name: str
    status: InterviewerStatus
    usable: bool  # active (or draft) and not past its deadline
    already_invited: bool  # the caller's candidate already has an application there
    is_default: bool


@dataclass(frozen=True)
class LinkedCandidate:
    id: int
    full_name: str
    email: str | None
    phone_e164: str | None
    linked: bool  # False: matched by phone / email but not linked to the call yet


@dataclass(frozen=True)
class CallDetail:
    """Everything the details pane shows for one call."""

    row: CallRow
    answers: tuple[AnswerDetail, ...]
    transcript: str
    recording_sid: str | None
    recording_path: str | None
    recording_exists: bool  # checked off the GUI thread, with the rest
    ended_at: dt.datetime | None
    candidate: LinkedCandidate | None
    interviewers: tuple[InterviewerChoice, ...]
    routed_interviewer_id: int | None
    caller_number_raw: str | None = None  # the caller ID as the provider sent it
    callback_number_raw: str | None = None  # the digits the caller typed
    # When the number is unverified: what inviting (or calling) this caller would do.
    number_warning: str | None = None
    # Someone in the directory with the caller's phone but another name: never linked by
    # itself; Ingest asks whether to use this person or add the caller as a new one.
    possible_match: LinkedCandidate | None = None


@dataclass(frozen=True)
class ReviewUndo:
    """Enough to take back an Approve or Reject: the call, what it set, what it was before.
    Kept by the view for its Undo button."""

    call_id: int
    applied: CallReview
    previous: CallReview


@dataclass(frozen=True)
class ReviewDecision:
    row: CallRow  # the call as it is now
    undo: ReviewUndo


@dataclass(frozen=True)
class ReceptionistOption:
    id: int
    name: str


@dataclass(frozen=True)
class IngestResult:
    """What ``ingest`` did: the candidate it linked or created and whether it invited."""

    call_id: int
    candidate_id: int
    candidate_created: bool
    interviewer_id: int
    interviewer_name: str
    already_invited: bool  # the candidate already had an application there: no new invitation
    application_id: int
    outbox_id: int | None
    # The invitation's email waits in the outbox: no email account is connected yet.
    email_waiting: bool = False
