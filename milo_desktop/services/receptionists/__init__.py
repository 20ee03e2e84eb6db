"""AI receptionists: the service, its plain data and the publisher protocol."""

from milo_desktop.services.receptionists.rules import normalise_number, static_problems
from milo_desktop.services.receptionists.service import ReceptionistGone, ReceptionistService
from milo_desktop.services.receptionists.types import (
    NOT_PUBLISHED_NOTE,
    TABS,
    AccountNumbers,
    DraftProblems,
    FlowPublisher,
    InterviewerChoice,
    NotCreated,
    NumberChoice,
    NumberSource,
    NumbersState,
    PublishProblem,
    ReceptionistDetail,
    ReceptionistDraft,
    ReceptionistList,
    ReceptionistRow,
    ReceptionistsChanged,
)

__all__ = [
    "NOT_PUBLISHED_NOTE",
    "TABS",
    "AccountNumbers",
    "DraftProblems",
    "FlowPublisher",
    "InterviewerChoice",
    "NotCreated",
    "NumberChoice",
    "NumberSource",
    "NumbersState",
    "PublishProblem",
    "ReceptionistDetail",
    "ReceptionistDraft",
    "ReceptionistGone",
    "ReceptionistList",
    "ReceptionistRow",
    "ReceptionistService",
    "ReceptionistsChanged",
    "normalise_number",
    "static_problems",
]
