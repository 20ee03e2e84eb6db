"""What the review service takes and returns: the selection, outcomes, undo tokens, export
and report results, and the detailed application records that exports and reports share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from milo_desktop.enums import ApplicationStatus, StageKind, StageStatus
from milo_desktop.services.applications.status import ReviewAction
from milo_desktop.services.core.paging import PageQuery

CHUNK = 500  # applications per write transaction / per export page


@dataclass(frozen=True)
class ReviewSelection:
    """Which applications of one interviewer an action is for.

    ``ids`` given: exactly those (the rows the recruiter selected), in that order. ``ids`` None:
    every application matching ``filters`` ("Select all N matching"), resolved in SQL in the
    tab's order (``sort`` / ``descending``), never by loading rows into the view.
    """

    interviewer_id: int
    ids: tuple[int, ...] | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort: str = "recent"
    descending: bool = True

    @classmethod
    def of(cls, query: PageQuery, ids: tuple[int, ...] | None = None) -> ReviewSelection:
        """The selection for a Candidates-tab query (its ``interviewer_id`` filter included)."""
        filters = {k: v for k, v in query.filters.items() if k != "interviewer_id"}
        return cls(int(query.filters["interviewer_id"]), ids, filters, query.sort,
                   query.descending)

    @property
    def all_matching(self) -> bool:
        return self.ids is None


@dataclass(frozen=True)
class UndoToken:
    """Enough to put every changed application back: the status the action set, and each
    application's status before it (grouped). Kept by the view for its Undo button."""

    action: ReviewAction
    interviewer_id: int
    applied: ApplicationStatus
    previous: Mapping[ApplicationStatus, tuple[int, ...]]
    batch: str  # also written to the audit log entries of the action

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.previous.values())


@dataclass(frozen=True)
class ReviewOutcome:
    """What a Shortlist / Dismiss / Undo did. ``refused`` maps a plain message (why) to the
    applications left alone for that reason."""

    action: ReviewAction
    changed: tuple[int, ...]
    refused: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    undo: UndoToken | None = None

    @property
    def refused_count(self) -> int:
        return sum(len(ids) for ids in self.refused.values())


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    cancelled: bool = False  # nothing is left at ``path`` then


@dataclass(frozen=True)
class ReportResult:
    path: Path
    candidates: int
    pages: int


# ----- detailed records (exports, reports) -----------------------------------------------------
@dataclass(frozen=True)
class AnswerRecord:
    question: str
    answer: str
    score: float | None  # 1–5 for scored questions
    passed: bool | None  # structured questions
    evaluator: str | None
    summary: str
    evidence: str
    dealbreaker: bool


@dataclass(frozen=True)
class StageRecord:
    """One stage of the workflow for one application; a stage without a result reads as
    not started (results are created lazily by some sources)."""

    position: int
    name: str
    kind: StageKind
    status: StageStatus
    score: float | None
    structured_passed: int
    structured_total: int
    evaluator: str | None
    completed_at: dt.datetime | None
    answers: tuple[AnswerRecord, ...] = ()


@dataclass(frozen=True)
class NoteRecord:
    author: str
    body: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ApplicationRecord:
    application_id: int
    candidate_id: int
    name: str
    email: str | None
    phone: str | None
    location: str | None
    interviewer_id: int
    interviewer_name: str
    position_title: str
    status: ApplicationStatus
    score: float | None
    invited_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    last_engaged_at: dt.datetime | None
    stages: tuple[StageRecord, ...]
    knocked_out_stage: str | None = None
    knockout_reason: str | None = None  # the dealbreaker that ended it, in plain words
    notes: tuple[NoteRecord, ...] = ()
