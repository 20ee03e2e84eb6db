"""Parsed résumés: what the résumé parser read from a kept résumé file.

* ``ParsedResumeRow`` - one per scored Résumé stage result (``stage_result_id`` is unique):
  the parse as JSON (services/resume/parse.py ``ParsedResume.to_dict()``: every field with
  the line it came from), the parser's version (a newer parser can re-read old rows), and
  the kept copy of the file the recruiter opens with "Open original". ``candidate_id`` is
  denormalised so the profile reads a person's résumés with one indexed query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from milo_desktop.models.base import Base, IdType, UTCDateTime, utcnow
from milo_desktop.models.types import JsonType


class ParsedResumeRow(Base):
    __tablename__ = "parsed_resumes"
    __table_args__ = (Index("ix_parsed_resumes_candidate", "candidate_id"),)
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    stage_result_id: Mapped[int] = mapped_column(
        ForeignKey("stage_results.id", ondelete="CASCADE"), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    parser_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    file_path: Mapped[str] = mapped_column(String(400))  # the kept copy (0600)
    file_name: Mapped[str] = mapped_column(String(300))  # as the candidate named it
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
