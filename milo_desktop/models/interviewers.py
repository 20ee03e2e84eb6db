"""Interviewers (roles), their stages and questions, labels and subscribers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from milo_desktop.enums import BudgetKind, InterviewerStatus, QuestionKind, StageKind
from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType, enum_type


class Label(Base):
    """A tag on interviewers: department, client or location."""

    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    color: Mapped[str] = mapped_column(String(9), default="#6b7280")


class InterviewerLabel(Base):
    __tablename__ = "interviewer_labels"
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Interviewer(Base):
    """A role with a screening workflow ("interviewer" in the recruiter's words)."""

    __tablename__ = "interviewers"
    __table_args__ = (
        CheckConstraint("budget_cents IS NULL OR budget_cents >= 0", name="budget_positive"),
        Index("ix_interviewers_status_created", "status", "created_at"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position_title: Mapped[str] = mapped_column(String(120))
    job_description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InterviewerStatus] = mapped_column(
        enum_type(InterviewerStatus), default=InterviewerStatus.DRAFT
    )
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    days_to_complete: Mapped[int] = mapped_column(Integer, default=7)
    retakes: Mapped[int] = mapped_column(Integer, default=0)
    budget_kind: Mapped[BudgetKind] = mapped_column(enum_type(BudgetKind), default=BudgetKind.NONE)
    budget_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    est_cost_per_interview_cents: Mapped[int | None] = mapped_column(Integer)
    phone_number: Mapped[str | None] = mapped_column(String(20))
    email_template: Mapped[str | None] = mapped_column(String(60))
    report_to_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    ats_provider: Mapped[str | None] = mapped_column(String(20))
    ats_job_id: Mapped[str | None] = mapped_column(String(80))
    ats_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)

    stages: Mapped[list[Stage]] = relationship(
        back_populates="interviewer", order_by="Stage.position", cascade="all, delete-orphan"
    )
    labels: Mapped[list[Label]] = relationship(secondary="interviewer_labels")
    subscribers: Mapped[list[InterviewerSubscriber]] = relationship(cascade="all, delete-orphan")


class InterviewerSubscriber(Base):
    """Someone emailed when a candidate of this interviewer completes."""

    __tablename__ = "interviewer_subscribers"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))


class Stage(Base):
    """One step of an interviewer's workflow: Voice, SMS, Form or Résumé."""

    __tablename__ = "stages"
    __table_args__ = (Index("ix_stages_interviewer_position", "interviewer_id", "position"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("interviewers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StageKind] = mapped_column(enum_type(StageKind))
    name: Mapped[str] = mapped_column(String(80))
    min_score: Mapped[int | None] = mapped_column(Integer)  # "enforce objective evaluation"
    flow_sid: Mapped[str | None] = mapped_column(String(34))  # published Studio flow (voice/sms)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)

    interviewer: Mapped[Interviewer] = relationship(back_populates="stages")
    questions: Mapped[list[Question]] = relationship(
        back_populates="stage", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Base):
    """A screening question, owned by a stage or by a receptionist (never both)."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("(stage_id IS NULL) <> (receptionist_id IS NULL)", name="one_owner"),
        CheckConstraint("weight >= 0", name="weight_positive"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("stages.id", ondelete="CASCADE"), index=True
    )
    receptionist_id: Mapped[int | None] = mapped_column(
        ForeignKey("receptionists.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    prompt: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    rubric_low: Mapped[str] = mapped_column(Text, default="")  # what a 1 looks like
    rubric_high: Mapped[str] = mapped_column(Text, default="")  # what a 5 looks like
    expected_yes: Mapped[bool | None] = mapped_column(Boolean)
    min_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    choices: Mapped[list[str]] = mapped_column(JsonType, default=list)
    accepted_choices: Mapped[list[str]] = mapped_column(JsonType, default=list)
    dealbreaker: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_ups: Mapped[list[str]] = mapped_column(JsonType, default=list)

    stage: Mapped[Stage | None] = relationship(back_populates="questions")
