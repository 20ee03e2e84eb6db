"""AI phone receptionists and the inbound calls they take."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.enums import CallReview, CallStatus, LanguageMode, ReceptionistStatus
from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType, enum_type


class Receptionist(Base):
    """An inbound-call agent published as a Twilio Studio flow on its own number."""

    __tablename__ = "receptionists"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    agent_name: Mapped[str] = mapped_column(String(60))
    voice: Mapped[str] = mapped_column(String(60), default="Polly.Joanna")
    phone_number: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164
    intro_message: Mapped[str] = mapped_column(String(800), default="")
    language_mode: Mapped[LanguageMode] = mapped_column(
        enum_type(LanguageMode), default=LanguageMode.ENGLISH
    )
    manual_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosures: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    custom_context: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    routing_threshold: Mapped[int] = mapped_column(Integer, default=70)
    default_interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviewers.id", ondelete="SET NULL")
    )
    status: Mapped[ReceptionistStatus] = mapped_column(
        enum_type(ReceptionistStatus), default=ReceptionistStatus.INACTIVE
    )
    flow_sid: Mapped[str | None] = mapped_column(String(34))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceptionistInterviewer(Base):
    """The interviewers a receptionist may route (ingest) callers to."""

    __tablename__ = "receptionist_interviewers"
    receptionist_id: Mapped[int] = mapped_column(
        ForeignKey("receptionists.id", ondelete="CASCADE"), primary_key=True
    )
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), primary_key=True
    )


class InboundCall(Base):
    """One caller's call to a receptionist, as collected from its flow execution."""

    __tablename__ = "inbound_calls"
    __table_args__ = (
        Index("ix_inbound_calls_started", "started_at", "id"),
        Index("ix_inbound_calls_receptionist", "receptionist_id", "started_at"),
        Index("ix_inbound_calls_review", "review", "started_at"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    receptionist_id: Mapped[int] = mapped_column(ForeignKey("receptionists.id", ondelete="CASCADE"))
    call_sid: Mapped[str | None] = mapped_column(String(34), unique=True)
    execution_sid: Mapped[str | None] = mapped_column(String(34), unique=True)
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    # The number to call back, E.164, only ever one that normalised; the provider's text is
    # kept beside it. ``number_unverified``: the caller gave a number (typed or as caller ID)
    # that did not normalise, so ``from_e164`` is empty or not the number they gave — nothing
    # dials or texts it without the user's confirmation.
    from_e164: Mapped[str | None] = mapped_column(String(20))
    caller_number_raw: Mapped[str | None] = mapped_column(String(80))  # caller ID, as sent
    callback_number_raw: Mapped[str | None] = mapped_column(String(80))  # digits typed
    number_unverified: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=false())
    email: Mapped[str | None] = mapped_column(String(254))
    location: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[CallStatus] = mapped_column(
        enum_type(CallStatus), default=CallStatus.AWAITING_CONFIRMATION
    )
    review: Mapped[CallReview] = mapped_column(enum_type(CallReview), default=CallReview.PENDING)
    score: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    evaluations: Mapped[int] = mapped_column(Integer, default=0)
    recording_sid: Mapped[str | None] = mapped_column(String(34))
    recording_path: Mapped[str | None] = mapped_column(String(400))
    transcript: Mapped[str] = mapped_column(Text, default="")
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), index=True
    )
    routed_interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviewers.id", ondelete="SET NULL")
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
