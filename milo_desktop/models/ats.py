"""ATS jobs and links, a person's identities at the providers, possible duplicates, merges.

* ``AtsJob`` - a job (Greenhouse job, Lever posting, Workable job, Bullhorn JobOrder) as last
  read, and its link to one of our interviewers with the stage mapping and write-back options.
* ``ExternalIdentity`` - who a candidate (or one of their applications) is at a provider:
  ``(provider, kind, external_id)`` is unique, so a record read twice lands on the same row.
  ``kind`` is "candidate" or "application"; an application identity names its ATS job and
  stage, and our ``Application`` when its job is linked to an interviewer.
* ``PossibleDuplicate`` - two people who share a key (email, phone, LinkedIn) under different
  names, or only a similar name: never linked by themselves, listed for a person to decide.
* ``MergeLog`` - what a merge changed (both people as they were, every row moved), so Undo
  can restore both within 30 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType


class AtsJob(Base):
    __tablename__ = "ats_jobs"
    __table_args__ = (UniqueConstraint("provider", "external_id", name="uq_ats_jobs_external"),
                      Index("ix_ats_jobs_interviewer", "interviewer_id"))
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))  # greenhouse, lever, workable, bullhorn
    external_id: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, closed, draft…
    location: Mapped[str | None] = mapped_column(String(200))
    # [{"id": "…", "name": "Phone Screen"}, …] in the ATS's order
    stages: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # at the ATS
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    interviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("interviewers.id", ondelete="SET NULL"))
    # Our outcome → the ATS stage id ("completed", "shortlisted") or "reject" ("knocked_out",
    # "dismissed"); write-back options {"note": bool, "move": bool, "reject": bool,
    # "reject_reason": str}; auto-invite new candidates of this job.
    stage_mapping: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    write_back: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    auto_invite: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExternalIdentity(Base):
    __tablename__ = "external_ids"
    __table_args__ = (
        UniqueConstraint("provider", "kind", "external_id", name="uq_external_ids"),
        Index("ix_external_ids_candidate", "candidate_id"),
        Index("ix_external_ids_application", "application_id"),
        Index("ix_external_ids_job", "provider", "job_external_id"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # candidate | application
    external_id: Mapped[str] = mapped_column(String(80))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"))
    job_external_id: Mapped[str | None] = mapped_column(String(80))
    stage_external_id: Mapped[str | None] = mapped_column(String(80))
    stage_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(20))  # active, rejected, hired
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # at the ATS
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # gone at the ATS


class PossibleDuplicate(Base):
    __tablename__ = "possible_duplicates"
    __table_args__ = (
        UniqueConstraint("candidate_id", "other_id", name="uq_possible_duplicates"),
        Index("ix_possible_duplicates_open", "resolved_at"),
    )
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))  # email, phone, linkedin, name
    reason: Mapped[str] = mapped_column(String(300))  # "Same phone, different names"
    source: Mapped[str] = mapped_column(String(40), default="")  # greenhouse, csv, call…
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(20))  # merged, distinct


class MergeLog(Base):
    __tablename__ = "merge_log"
    __table_args__ = (Index("ix_merge_log_kept", "kept_id"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    merged_id: Mapped[int] = mapped_column(IdType)  # the removed row's id (restored on Undo)
    # {"kept": {...fields before}, "merged": {...row}, "moved": {"applications": [ids], …}}
    snapshot: Mapped[dict[str, Any]] = mapped_column(JsonType)
    choices: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)  # field → "kept"|"merged"
    actor: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
