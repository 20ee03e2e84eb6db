"""The Inbound via Phone pipeline: calls to the AI receptionists, their evaluations, and the
recruiter's decisions (approve, reject, ingest into an interviewer through the outbox).

Tabs: All; Evaluated = every call the AI has screened (status ``evaluated``); Needs Review,
Approved, Rejected = calls in that review state. Newest call first, always.
"""

from milo_desktop.services.pipeline.actions import INVITATION
from milo_desktop.services.pipeline.rows import (
    SORT_STARTED,
    TABS,
    AnswerDetail,
    CallDetail,
    CallNotFound,
    CallRow,
    IngestResult,
    InterviewerChoice,
    LinkedCandidate,
    ReceptionistOption,
    ReviewDecision,
    ReviewUndo,
    UnverifiedNumber,
)
from milo_desktop.services.pipeline.service import PipelineService

__all__ = [
    "INVITATION",
    "SORT_STARTED",
    "TABS",
    "AnswerDetail",
    "CallDetail",
    "CallNotFound",
    "CallRow",
    "IngestResult",
    "InterviewerChoice",
    "LinkedCandidate",
    "PipelineService",
    "ReceptionistOption",
    "ReviewDecision",
    "ReviewUndo",
    "UnverifiedNumber",
]
