"""Candidates, their applications to interviewers, per-stage results and answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from milo_desktop.enums import ApplicationStatus, CandidateSource, StageStatus
from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import enum_type


class Candidate(Base):
    """A person in the workspace's directory; one row per person whatever the source."""

    __tablename__ = "candidates"
    __table_args__ = (
        # Keyset paging indexes, one per directory sort.
        Index("ix_candidates_created", "created_at", "id"),
        Index("ix_candidates_name_key", "name_key", "id"),
        Index("ix_candidates_email", "email"),
        Index("ix_candidates_phone", "phone_e164"),
        Index("ix_candidates_linkedin", "linkedin_url"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # casefolded name, for sorting
    email: Mapped[str | None] = mapped_column(String(254))  # lower-cased
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    linkedin_url: Mapped[str | None] = mapped_column(String(300))  # normalised (dedup key)
    location: Mapped[str | None] = mapped_column(String(120))
    source: Mapped[CandidateSource] = mapped_column(
        enum_type(CandidateSource), default=CandidateSource.MANUAL
    )
    ats_provider: Mapped[str | None] = mapped_column(String(20))
    ats_candidate_id: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)  # "joined"
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    erase_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Texted STOP (or a carrier said so): nothing more is texted to them until START.
    sms_opted_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    applications: Mapped[list[Application]] = relationship(back_populates="candidate")


class CandidateNote(Base):
    __tablename__ = "candidate_notes"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(Base):
    """A candidate in one interviewer's workflow."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("interviewer_id", "candidate_id"),
        Index("ix_applications_interviewer_created", "interviewer_id", "created_at", "id"),
        Index("ix_applications_interviewer_status", "interviewer_id", "status"),
        # Global analytics (services/analytics/service.py; migration 0004): per-bucket range
        # counts of each time, covering; distinct candidates walk (candidate_id, created_at).
        Index("ix_applications_candidate_created", "candidate_id", "created_at"),
        Index("ix_applications_created", "created_at", "interviewer_id"),
        Index("ix_applications_started", "started_at", "interviewer_id"),
        Index("ix_applications_completed", "completed_at", "interviewer_id", "status",
              "knocked_out_stage_id", "started_at"),
        # Covering index of one interviewer's funnel (services/analytics/funnel.py).
        Index("ix_applications_funnel", "interviewer_id", "source", "status", "started_at",
              "completed_at", "knocked_out_stage_id"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("interviewers.id", ondelete="CASCADE"))
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.PENDING
    )
    source: Mapped[CandidateSource] = mapped_column(
        enum_type(CandidateSource), default=CandidateSource.MANUAL
    )
    score: Mapped[float | None] = mapped_column(Float)  # overall 0–100
    knocked_out_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="SET NULL")
    )
    has_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    nudges_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)  # invited
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_engaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    stage_results: Mapped[list[StageResult]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )


class StageResult(Base):
    """How far an application got in one stage, and its score there."""

    __tablename__ = "stage_results"
    __table_args__ = (
        UniqueConstraint("application_id", "stage_id"),
        # Covering index of a stage's funnel counts and median time (analytics/funnel.py).
        Index("ix_stage_results_funnel", "stage_id", "status", "started_at", "completed_at"),
        # CSAT per interviewer (services/interviewers/csat.py; migration 0006): only the
        # rated results, covering.
        Index("ix_stage_results_rating", "stage_id", "rating",
              sqlite_where=text("rating IS NOT NULL"),
              postgresql_where=text("rating IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"), index=True)
    status: Mapped[StageStatus] = mapped_column(
        enum_type(StageStatus), default=StageStatus.NOT_STARTED
    )
    score: Mapped[float | None] = mapped_column(Float)  # 0–100
    structured_passed: Mapped[int] = mapped_column(Integer, default=0)
    structured_total: Mapped[int] = mapped_column(Integer, default=0)
    evaluator: Mapped[str | None] = mapped_column(String(40))  # which evaluator made the score
    transcript: Mapped[str] = mapped_column(Text, default="")
    recording_path: Mapped[str | None] = mapped_column(String(400))
    # SHA-256 of a kept file's content (a résumé): the same file is never added twice.
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    external_sid: Mapped[str | None] = mapped_column(String(40), index=True)  # flow execution
    flow_sid: Mapped[str | None] = mapped_column(String(34))  # the flow it runs on
    # The candidate's own rating of the screening, 1–5, from the optional closing question
    # (None: not asked, skipped or unreadable). Never part of the score.
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="stage_results")
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Answer(Base):
    """A candidate's answer to one question, with its evaluation and evidence."""

    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    stage_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("stage_results.id", ondelete="CASCADE"), index=True
    )
    inbound_call_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_calls.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    question_text: Mapped[str] = mapped_column(Text)  # kept: the question may be edited later
    answer_text: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)  # 1–5 for scored questions
    passed: Mapped[bool | None] = mapped_column(Boolean)  # structured questions
    summary: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")  # transcript excerpt
    evaluator: Mapped[str | None] = mapped_column(String(40))
