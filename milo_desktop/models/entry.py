"""Entry points: the keyword a candidate texts to an interviewer's number, and the router flow
published on each number (services/entry/).

* ``EntryKeyword`` - one per interviewer: the number it is texted to and the keyword (stored
  upper-case; ``(phone_number, keyword)`` is unique, so two interviewers sharing a number never
  share a keyword).
* ``EntryRouter`` - the Studio flow that reads a number's inbound texts and hands each to the
  interviewer whose keyword it starts with (its sid, webhook and the hash of what was published).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow


class EntryKeyword(Base):
    __tablename__ = "entry_keywords"
    __table_args__ = (UniqueConstraint("phone_number", "keyword", name="uq_entry_keywords"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("interviewers.id", ondelete="CASCADE"), unique=True)
    phone_number: Mapped[str] = mapped_column(String(20))  # E.164
    keyword: Mapped[str] = mapped_column(String(20))  # upper-case letters and digits
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EntryRouter(Base):
    __tablename__ = "entry_routers"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    phone_number: Mapped[str] = mapped_column(String(20), unique=True)
    flow_sid: Mapped[str | None] = mapped_column(String(34))
    webhook_url: Mapped[str | None] = mapped_column(String(300))
    definition_hash: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


__all__ = ["EntryKeyword", "EntryRouter"]
