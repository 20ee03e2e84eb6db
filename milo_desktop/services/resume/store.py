"""Parsed résumés in the database (table ``parsed_resumes``, models/resume.py).

One row per scored Résumé stage result: the parse as JSON (``ParsedResume.to_dict()``), the
parser version that wrote it, the kept copy of the file and its original name. The profile
reads a candidate's rows newest first (``parsed_resumes_of``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from milo_desktop.models import Application, ParsedResumeRow, QuarantinedRecord, StageResult
from milo_desktop.services.core.database import Database
from milo_desktop.services.resume.parse import PARSER_VERSION, ParsedResume


@dataclass(frozen=True)
class StoredResume:
    """A parsed résumé as the profile shows it."""

    parsed: ParsedResume
    file_path: Path  # the kept copy ("Open original")
    file_name: str  # as the candidate named it
    application_id: int
    added: dt.datetime


def store_parse(s: Session, application_id: int, stage_id: int, parsed: ParsedResume,
                kept: Path, file_name: str, now: dt.datetime) -> int:
    """Write (or replace) the parse of the application's Résumé stage result; its id."""
    result_id = s.scalar(select(StageResult.id).where(
        StageResult.application_id == application_id, StageResult.stage_id == stage_id))
    candidate_id = s.scalar(select(Application.candidate_id)
                            .where(Application.id == application_id))
    if result_id is None or candidate_id is None:
        raise LookupError("no stage result to attach the parse to")
    s.execute(delete(ParsedResumeRow).where(ParsedResumeRow.stage_result_id == result_id))
    row = ParsedResumeRow(stage_result_id=result_id, application_id=application_id,
                          candidate_id=candidate_id, parser_version=PARSER_VERSION,
                          data=parsed.to_dict(), file_path=str(kept),
                          file_name=file_name[:300], created_at=now)
    s.add(row)
    s.flush()
    return int(row.id)


def _rows(s: Session, candidate_id: int) -> list[StoredResume]:
    rows = s.scalars(select(ParsedResumeRow).where(ParsedResumeRow.candidate_id == candidate_id)
                     .order_by(ParsedResumeRow.created_at.desc(), ParsedResumeRow.id.desc()))
    return [StoredResume(ParsedResume.from_dict(r.data), Path(r.file_path), r.file_name,
                         r.application_id, r.created_at) for r in rows]


async def parsed_resumes_of(db: Database, candidate_id: int) -> list[StoredResume]:
    """The candidate's parsed résumés, newest first."""
    return await db.read(lambda s: _rows(s, candidate_id))


@dataclass(frozen=True)
class UnreadableResume:
    """A résumé of the candidate's that could not be read (kept aside in quarantine)."""

    reason: str  # as the recruiter was told ("cv.pdf: This PDF has no text layer — …")
    file_path: Path | None  # the kept copy, when one was made
    file_name: str
    received: dt.datetime


def _unreadable(s: Session, candidate_id: int) -> list[UnreadableResume]:
    from milo_desktop.services.resume.service import QUARANTINE_RESOURCE, QUARANTINE_SERVICE

    apps = [str(a) for a in s.scalars(select(Application.id)
                                      .where(Application.candidate_id == candidate_id))]
    if not apps:
        return []
    rows = s.scalars(select(QuarantinedRecord).where(
        QuarantinedRecord.service == QUARANTINE_SERVICE,
        QuarantinedRecord.resource == QUARANTINE_RESOURCE,
        QuarantinedRecord.external_id.in_(apps), QuarantinedRecord.resolved_at.is_(None))
        .order_by(QuarantinedRecord.received_at.desc(), QuarantinedRecord.id.desc()))
    out: list[UnreadableResume] = []
    for row in rows:
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {}
        kept = payload.get("kept_path") if isinstance(payload, dict) else None
        original = payload.get("original_path") if isinstance(payload, dict) else None
        out.append(UnreadableResume(row.reason, Path(kept) if kept else None,
                                    Path(str(original or kept or "résumé")).name,
                                    row.received_at))
    return out


async def unreadable_resumes_of(db: Database, candidate_id: int) -> list[UnreadableResume]:
    """The candidate's résumés that could not be read and are not dismissed, newest first."""
    return await db.read(lambda s: _unreadable(s, candidate_id))
