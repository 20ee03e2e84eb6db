"""What the app sends and receives: messages, the outbox and message templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.enums import Channel, Direction, MessageStatus, OutboxStatus
from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType, enum_type


class Message(Base):
    """One email, SMS or call in a candidate's contact history."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_candidate_created", "candidate_id", "created_at"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE")
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    purpose: Mapped[str] = mapped_column(String(30), default="")  # invitation, nudge, blast…
    to_addr: Mapped[str] = mapped_column(String(254))
    from_addr: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MessageStatus] = mapped_column(
        enum_type(MessageStatus), default=MessageStatus.QUEUED
    )
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OutboxItem(Base):
    """Work to send, written in the same transaction as the user's action.

    pending → sending → done / failed. A row left in ``sending`` by a crash is reconciled
    against the provider (by ``idempotency_key``) before it is ever sent again.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_try_at"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # sms, email, ats_note, flow_publish…
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MessageTemplate(Base):
    """Invitation, nudge, final nudge and report-ready texts with {{placeholders}}."""

    __tablename__ = "message_templates"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    name: Mapped[str] = mapped_column(String(80), unique=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
