"""The product's vocabulary of statuses and kinds, shared by every layer.

Plain ``StrEnum`` values: they are stored as text in the database and shown (translated) in the UI.
"""

from __future__ import annotations

from enum import StrEnum


class InterviewerStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"  # deadline passed: no new candidates
    ARCHIVED = "archived"  # link stops, data kept, can be unarchived


class BudgetKind(StrEnum):
    NONE = "none"
    ALL_TIME = "all_time"
    DAILY = "daily"


class StageKind(StrEnum):
    VOICE = "voice"
    SMS = "sms"
    FORM = "form"
    RESUME = "resume"


class QuestionKind(StrEnum):
    SCORED = "scored"  # 1–5 rubric, weighted into the score
    YES_NO = "yes_no"  # structured: pass/fail
    MIN_AMOUNT = "min_amount"  # structured: value + unit, e.g. 2 years
    MULTIPLE_CHOICE = "multiple_choice"  # structured


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    EVALUATING = "evaluating"
    COMPLETED = "completed"
    SHORTLISTED = "shortlisted"
    DISMISSED = "dismissed"
    KNOCKED_OUT = "knocked_out"


class StageStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    KNOCKED_OUT = "knocked_out"


class CandidateSource(StrEnum):
    ATS = "ats"
    EMAIL = "email"
    PHONE = "phone"
    DIRECTORY = "directory"
    MANUAL = "manual"


class ReceptionistStatus(StrEnum):
    LIVE = "live"
    INACTIVE = "inactive"


class LanguageMode(StrEnum):
    ENGLISH = "english"
    MULTILINGUAL = "multilingual"


class CallStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    EVALUATED = "evaluated"


class CallReview(StrEnum):
    PENDING = "pending"  # not evaluated yet
    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"
    REJECTED = "rejected"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"
    ATS = "ats"  # a write to an applicant tracking system (note, stage move, rejection)


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    BOUNCED = "bounced"
    OPENED = "opened"
    RECEIVED = "received"
    CANCELLED = "cancelled"  # taken out of Waiting to send before it went out


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # the user cancelled it in Waiting to send (Undo puts it back)


class NotificationKind(StrEnum):
    COMPLETED = "completed"
    SCORE_READY = "score_ready"
    CALLER_NEEDS_REVIEW = "caller_needs_review"
    EMAIL_APPLICATION = "email_application"
    DEADLINE_NEAR = "deadline_near"
    SYNC_FAILED = "sync_failed"


class SpendKind(StrEnum):
    CALL = "call"
    SMS = "sms"
    RECORDING = "recording"
    EMAIL = "email"
    LLM = "llm"


class TeamRole(StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    VIEWER = "viewer"
