"""Every table of the workspace, in one import."""

from milo_desktop.models.ats import AtsJob, ExternalIdentity, MergeLog, PossibleDuplicate
from milo_desktop.models.candidates import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    StageResult,
)
from milo_desktop.models.interviewers import (
    Interviewer,
    InterviewerLabel,
    InterviewerSubscriber,
    Label,
    Question,
    Stage,
)
from milo_desktop.models.messaging import Message, MessageTemplate, OutboxItem
from milo_desktop.models.receptionists import InboundCall, Receptionist, ReceptionistInterviewer
from milo_desktop.models.system import (
    AuditEntry,
    Notification,
    QuarantinedRecord,
    SpendEntry,
    SyncCursor,
    Teammate,
    WorkspaceSetting,
)

__all__ = [
    "Answer",
    "Application",
    "AtsJob",
    "AuditEntry",
    "Candidate",
    "CandidateNote",
    "ExternalIdentity",
    "InboundCall",
    "Interviewer",
    "InterviewerLabel",
    "InterviewerSubscriber",
    "Label",
    "MergeLog",
    "Message",
    "MessageTemplate",
    "Notification",
    "OutboxItem",
    "PossibleDuplicate",
    "QuarantinedRecord",
    "Question",
    "Receptionist",
    "ReceptionistInterviewer",
    "SpendEntry",
    "Stage",
    "StageResult",
    "SyncCursor",
    "Teammate",
    "WorkspaceSetting",
]
