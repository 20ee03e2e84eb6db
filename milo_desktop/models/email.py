"""Apply via Email: one row per message the intake has decided on.

``email_intake`` records, in the same transaction as the candidate / quarantine / bounce it
led to, which message of which mailbox was handled (its Message-ID, or a content hash when it
has none, and its UIDVALIDITY + UID). A message read again — after a crash between the commit
and the move to the processed folder, or after the server renumbered its UIDs — is found here
and only moved, never ingested twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow


class EmailIntakeRecord(Base):
    __tablename__ = "email_intake"
    __table_args__ = (
        UniqueConstraint("mailbox", "message_key", name="uq_email_intake_message"),
        Index("ix_email_intake_uid", "mailbox", "uidvalidity", "uid"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(254))  # user@host/folder
    message_key: Mapped[str] = mapped_column(String(255))  # Message-ID, or sha256:<hex>
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))  # applied | quarantined | bounce
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"))
    quarantine_id: Mapped[int | None] = mapped_column(
        ForeignKey("quarantine.id", ondelete="SET NULL"))
    message_row_id: Mapped[int | None] = mapped_column(  # the bounced message, for a DSN
        ForeignKey("messages.id", ondelete="SET NULL"))
    raw_path: Mapped[str | None] = mapped_column(Text)  # the kept raw message (0600)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # moved / flagged


__all__ = ["EmailIntakeRecord"]
