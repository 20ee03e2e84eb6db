"""Workspace bookkeeping: sync cursors, quarantine, spend, notifications, audit, team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.enums import NotificationKind, SpendKind, TeamRole
from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType, enum_type


class SyncCursor(Base):
    """How far a connector has read one resource; saved with the page it came from."""

    __tablename__ = "sync_cursors"
    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    resource: Mapped[str] = mapped_column(String(60), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text, default="")
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuarantinedRecord(Base):
    """A record the app could not accept, kept with its reason and raw payload."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    service: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)  # raw, as received
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SpendEntry(Base):
    """A cost the provider reported, in micro-units of the currency.

    Micro-units, not cents: Twilio prices SMS segments and call minutes in fractions of a cent
    ("-0.00790"), and summing rounded cents would drift. Budgets stay in cents.
    """

    __tablename__ = "spend"
    __table_args__ = (
        UniqueConstraint("service", "provider_sid"),
        Index("ix_spend_occurred", "occurred_at"),
        Index("ix_spend_interviewer", "interviewer_id", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    service: Mapped[str] = mapped_column(String(40))
    kind: Mapped[SpendKind] = mapped_column(enum_type(SpendKind))
    provider_sid: Mapped[str] = mapped_column(String(64))
    amount_micros: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviewers.id", ondelete="SET NULL")
    )
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id", ondelete="SET NULL"))
    receptionist_id: Mapped[int | None] = mapped_column(
        ForeignKey("receptionists.id", ondelete="SET NULL"), index=True
    )
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_read_created", "read_at", "created_at"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE")
    )
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE")
    )
    inbound_call_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_calls.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what: erasures, archives, exports, settings changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Teammate(Base):
    """A member of a team workspace (PostgreSQL mode)."""

    __tablename__ = "teammates"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[TeamRole] = mapped_column(enum_type(TeamRole), default=TeamRole.RECRUITER)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkspaceSetting(Base):
    """Workspace-wide, non-secret settings (secrets live in the OS keychain only)."""

    __tablename__ = "workspace_settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonType)
