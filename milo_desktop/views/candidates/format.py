"""Display helpers shared by the directory and the profile: local dates, scores, status words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
)

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    Channel,
    Direction,
    MessageStatus,
    StageStatus,
)
from milo_desktop.views.widgets.formatting import (  # the app's one style for dates and counts
    QT_TRANSLATE_NOOP,
    count_text,
    display_locale,
    local_date,
    local_datetime,
    local_day,
    score_text,
    to_qdatetime,
)

__all__ = ["count_text", "display_locale", "local_date", "local_datetime", "local_day",
           "score_text", "to_qdatetime"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Candidates", text)


# Words marked with QT_TRANSLATE_NOOP (for lupdate) are translated by label() when shown.
SOURCE_LABELS = {
    CandidateSource.ATS: QT_TRANSLATE_NOOP("Candidates", "ATS"),
    CandidateSource.EMAIL: QT_TRANSLATE_NOOP("Candidates", "Email"),
    CandidateSource.PHONE: QT_TRANSLATE_NOOP("Candidates", "Phone"),
    CandidateSource.DIRECTORY: QT_TRANSLATE_NOOP("Candidates", "Directory"),
    CandidateSource.MANUAL: QT_TRANSLATE_NOOP("Candidates", "Manual"),
}

APPLICATION_LABELS = {
    ApplicationStatus.PENDING: QT_TRANSLATE_NOOP("Candidates", "Pending"),
    ApplicationStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("Candidates", "In progress"),
    ApplicationStatus.EVALUATING: QT_TRANSLATE_NOOP("Candidates", "Evaluating"),
    ApplicationStatus.COMPLETED: QT_TRANSLATE_NOOP("Candidates", "Completed"),
    ApplicationStatus.SHORTLISTED: QT_TRANSLATE_NOOP("Candidates", "Shortlisted"),
    ApplicationStatus.DISMISSED: QT_TRANSLATE_NOOP("Candidates", "Dismissed"),
    ApplicationStatus.KNOCKED_OUT: QT_TRANSLATE_NOOP("Candidates", "Knocked out"),
}

# (text, background) for the status badge; readable on light and dark palettes alike.
APPLICATION_COLORS = {
    ApplicationStatus.PENDING: ("#374151", "#e5e7eb"),
    ApplicationStatus.IN_PROGRESS: ("#1e40af", "#dbeafe"),
    ApplicationStatus.EVALUATING: ("#92400e", "#fef3c7"),
    ApplicationStatus.COMPLETED: ("#166534", "#dcfce7"),
    ApplicationStatus.SHORTLISTED: ("#5b21b6", "#ede9fe"),
    ApplicationStatus.DISMISSED: ("#4b5563", "#f3f4f6"),
    ApplicationStatus.KNOCKED_OUT: ("#991b1b", "#fee2e2"),
}

STAGE_LABELS = {
    StageStatus.NOT_STARTED: QT_TRANSLATE_NOOP("Candidates", "Not started"),
    StageStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("Candidates", "In progress"),
    StageStatus.COMPLETED: QT_TRANSLATE_NOOP("Candidates", "Completed"),
    StageStatus.KNOCKED_OUT: QT_TRANSLATE_NOOP("Candidates", "Knocked out"),
}

CHANNEL_LABELS = {
    Channel.EMAIL: QT_TRANSLATE_NOOP("Candidates", "Email"),
    Channel.SMS: QT_TRANSLATE_NOOP("Candidates", "SMS"),
    Channel.VOICE: QT_TRANSLATE_NOOP("Candidates", "Call"),
    Channel.ATS: QT_TRANSLATE_NOOP("Candidates", "ATS"),
}
# Which way it goes, never how it fared ("Sent" beside a queued email was a lie): the Status
# column says that.
DIRECTION_LABELS = {
    Direction.OUTBOUND: QT_TRANSLATE_NOOP("Candidates", "to candidate"),
    Direction.INBOUND: QT_TRANSLATE_NOOP("Candidates", "from candidate"),
}

MESSAGE_LABELS = {
    MessageStatus.QUEUED: QT_TRANSLATE_NOOP("Candidates", "Queued"),
    MessageStatus.SENT: QT_TRANSLATE_NOOP("Candidates", "Sent"),
    MessageStatus.DELIVERED: QT_TRANSLATE_NOOP("Candidates", "Delivered"),
    MessageStatus.FAILED: QT_TRANSLATE_NOOP("Candidates", "Failed"),
    MessageStatus.BOUNCED: QT_TRANSLATE_NOOP("Candidates", "Bounced"),
    MessageStatus.OPENED: QT_TRANSLATE_NOOP("Candidates", "Opened"),
    MessageStatus.RECEIVED: QT_TRANSLATE_NOOP("Candidates", "Received"),
}


def label(table: Mapping[Any, str], value: object) -> str:
    """The translated word for an enum value (its raw value if a newer version added one)."""
    text = table.get(value)
    return _tr(text) if text is not None else str(value)


_PURPOSES = {"ats_result": QT_TRANSLATE_NOOP("Candidates", "Results to the ATS")}


def purpose_text(purpose: str) -> str:
    """Outreach purposes are stored as words ("invitation", "final_nudge")."""
    if purpose in _PURPOSES:
        return _tr(_PURPOSES[purpose])
    return _tr(purpose.replace("_", " ").capitalize()) if purpose else ""
