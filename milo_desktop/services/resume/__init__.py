"""The Résumé stage: read PDF / DOCX / text résumés and score them against the stage's
requirements (its questions)."""

from milo_desktop.services.resume.extract import (
    MAX_BYTES,
    MAX_PAGES,
    SCANNED,
    ResumeText,
    extract_text,
)
from milo_desktop.services.resume.service import ResumeOutcome, ResumeService, score_resume

__all__ = ["MAX_BYTES", "MAX_PAGES", "SCANNED", "ResumeOutcome", "ResumeService", "ResumeText",
           "extract_text", "score_resume"]
