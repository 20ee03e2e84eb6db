"""The Candidate Directory: everyone in the workspace, paged in SQL, and one candidate's profile.

``page`` is keyset-paged on the two directory indexes (ix_candidates_created for the Joined
sorts, ix_candidates_name_key for the Name sorts), so the first page and every later page cost
the same at a million candidates. Interview counts are computed for the page's ids only.
"""


from milo_desktop.services.candidates.directory import SORT_JOINED, SORT_NAME, local_day_start
from milo_desktop.services.candidates.notes import NOTE_MAX_CHARS
from milo_desktop.services.candidates.profile import MESSAGES_SHOWN
from milo_desktop.services.candidates.rows import (
    AnswerView,
    CandidateNotFound,
    CandidateProfile,
    CandidateRow,
    InterviewView,
    MessageView,
    NoteView,
    StageResultView,
    WorkflowStep,
    display_name,
    format_phone,
)
from milo_desktop.services.candidates.service import CandidateService

__all__ = [
    "MESSAGES_SHOWN",
    "NOTE_MAX_CHARS",
    "SORT_JOINED",
    "SORT_NAME",
    "AnswerView",
    "CandidateNotFound",
    "CandidateProfile",
    "CandidateRow",
    "CandidateService",
    "InterviewView",
    "MessageView",
    "NoteView",
    "StageResultView",
    "WorkflowStep",
    "display_name",
    "format_phone",
    "local_day_start",
]
