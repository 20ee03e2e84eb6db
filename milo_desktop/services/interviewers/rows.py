"""The interviewers service's constants, errors and the frozen rows it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.figures import completion_rate

TABS = ("active", "expired", "archived")
SORTS = ("recent", "candidates", "deadline", "name")
CANDIDATE_SORTS = ("recent", "name", "score", "last_engaged")
FINISHED = (
    ApplicationStatus.EVALUATING,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.DISMISSED,
    ApplicationStatus.KNOCKED_OUT,
)
MAX_BUDGET_CENTS = 1_000_000_000  # $10M: far above any real budget, well inside the column


class InterviewerNotFound(ValidationProblem):
    title = "Interviewer not found"


# ----- rows ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelRow:
    id: int
    name: str
    color: str
    kind: str = "department"


@dataclass(frozen=True)
class InterviewerRow:
    """One line of the Interviewers table."""

    id: int
    name: str
    slug: str
    status: InterviewerStatus  # effective: an active one past its deadline reads expired
    workflow: tuple[StageKind, ...]
    candidates: int
    started: int  # candidates who started (services/figures.py)
    completed: int  # of those, how many completed every stage
    ats_provider: str | None
    ats_synced_at: dt.datetime | None
    csat: float | None  # mean of the candidates' 1–5 ratings (services/interviewers/csat.py)
    spend_micros: int
    spend_today_micros: int
    budget_kind: BudgetKind
    budget_cents: int | None
    currency: str
    labels: tuple[LabelRow, ...]
    subscribers: int
    deadline: dt.datetime | None
    created_at: dt.datetime
    activated_at: dt.datetime | None
    csat_count: int = 0  # how many ratings ``csat`` is the mean of

    @property
    def completion(self) -> float | None:
        """The completion rate in percent (services/figures.py: of the candidates who
        started, the share who completed); None when nobody started."""
        rate = completion_rate(self.completed, self.started)
        return None if rate is None else 100.0 * rate

    @property
    def ats_synced(self) -> bool:
        return self.ats_provider is not None and self.ats_synced_at is not None


@dataclass(frozen=True)
class QuestionDetail:
    id: int
    kind: QuestionKind
    prompt: str
    weight: float
    dealbreaker: bool


@dataclass(frozen=True)
class StageDetail:
    id: int
    position: int
    kind: StageKind
    name: str
    min_score: int | None
    questions: tuple[QuestionDetail, ...] = ()


@dataclass(frozen=True)
class InterviewerDetail:
    id: int
    name: str
    slug: str
    position_title: str
    status: InterviewerStatus
    deadline: dt.datetime | None
    created_at: dt.datetime
    activated_at: dt.datetime | None
    language: str
    days_to_complete: int
    retakes: int
    budget_kind: BudgetKind
    budget_cents: int | None
    ats_provider: str | None
    stages: tuple[StageDetail, ...]
    labels: tuple[LabelRow, ...]
    subscribers: tuple[str, ...]

    @property
    def workflow(self) -> tuple[StageKind, ...]:
        return tuple(s.kind for s in self.stages)


@dataclass(frozen=True)
class StageCell:
    """One application's progress in one stage (a cell of the Candidates tab)."""

    stage_id: int
    status: StageStatus
    score: float | None
    structured_passed: int
    structured_total: int


@dataclass(frozen=True)
class CandidateRow:
    """One line of an interviewer's Candidates tab; ``id`` is the application's."""

    id: int
    candidate_id: int
    name: str
    email: str | None
    location: str | None
    status: ApplicationStatus
    score: float | None
    has_notes: bool
    created_at: dt.datetime
    last_engaged_at: dt.datetime | None
    stages: tuple[StageCell | None, ...] = field(default=())  # in workflow order
