"""Authoring interviewers: role templates, the job-description planner, validation, create /
edit, the question library, cost estimates and the share poster. No Qt (the wizard is in
views/authoring/)."""

from milo_desktop.services.authoring.cost import CostEstimate, StageCost
from milo_desktop.services.authoring.draft import (
    LANGUAGES,
    STAGE_NAMES,
    InterviewerDraft,
    QuestionDraft,
    StageDraft,
    slugify,
)
from milo_desktop.services.authoring.fetch import OFFLINE
from milo_desktop.services.authoring.service import AuthoringService
from milo_desktop.services.authoring.share import LINK_BASE_KEY
from milo_desktop.services.authoring.templates import LibraryGroup, RoleTemplate
from milo_desktop.services.authoring.validation import FieldProblem

__all__ = [
    "LANGUAGES",
    "LINK_BASE_KEY",
    "OFFLINE",
    "STAGE_NAMES",
    "AuthoringService",
    "CostEstimate",
    "FieldProblem",
    "InterviewerDraft",
    "LibraryGroup",
    "QuestionDraft",
    "RoleTemplate",
    "StageCost",
    "StageDraft",
    "slugify",
]
