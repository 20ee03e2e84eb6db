"""Reviewing an interviewer's candidates: Shortlist, Dismiss and Undo on one or many
applications (through the status machine of services/applications/status.py), the resolution
of "these rows" or "all N matching" into ids in SQL, CSV / JSON exports streamed page by page,
and the score report PDF. ``ReviewService`` is ``workspace.review``."""

from milo_desktop.services.review.rows import (
    CHUNK,
    AnswerRecord,
    ApplicationRecord,
    ExportFormat,
    ExportResult,
    NoteRecord,
    ReportResult,
    ReviewOutcome,
    ReviewSelection,
    StageRecord,
    UndoToken,
)
from milo_desktop.services.review.service import MAX_REPORT_CANDIDATES, ReviewService

__all__ = [
    "CHUNK",
    "MAX_REPORT_CANDIDATES",
    "AnswerRecord",
    "ApplicationRecord",
    "ExportFormat",
    "ExportResult",
    "NoteRecord",
    "ReportResult",
    "ReviewOutcome",
    "ReviewSelection",
    "ReviewService",
    "StageRecord",
    "UndoToken",
]
