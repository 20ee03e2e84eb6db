"""Everything held about one person, as JSON with their files, in one owner-only zip.

The JSON has one list per table that holds them (the candidate row, applications with their
stage results and answers, notes, messages, calls, parsed résumés, ATS identities, emailed
applications); the zip adds their kept résumés and other documents and their recordings
under ``files/``. Written to the exports folder as ``candidate-<id>-<UTC time>.zip``, the
name the erasure looks for when it removes the exports it wrote.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from milo_desktop.files import open_private, private_dir
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    EmailIntakeRecord,
    InboundCall,
    Message,
    ParsedResumeRow,
    StageResult,
)
from milo_desktop.models.ats import ExternalIdentity


def export_name(candidate_id: int, now: dt.datetime) -> str:
    return f"candidate-{candidate_id}-{now:%Y%m%d-%H%M%S}.zip"


def export_glob(candidate_id: int) -> str:
    return f"candidate-{candidate_id}-*.zip"


@dataclass(frozen=True)
class Gathered:
    data: dict[str, Any]
    files: tuple[str, ...]  # kept files to add under files/


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(obj: Any, skip: Iterable[str] = ()) -> dict[str, Any]:
    skipped = set(skip)
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__mapper__.column_attrs
            if c.key not in skipped}


def gather(s: Session, candidate_id: int) -> Gathered | None:
    """Inside ``db.read``: everything about the candidate, or None when they are gone."""
    c = s.get(Candidate, candidate_id)
    if c is None:
        return None
    apps = list(s.scalars(select(Application).where(Application.candidate_id == candidate_id)
                          .order_by(Application.id)))
    app_ids = [a.id for a in apps]
    results = list(s.scalars(select(StageResult).where(StageResult.application_id.in_(app_ids))
                             .order_by(StageResult.id)))
    answers = list(s.scalars(select(Answer).where(
        Answer.stage_result_id.in_([r.id for r in results])).order_by(Answer.id)))
    calls = list(s.scalars(select(InboundCall).where(or_(
        InboundCall.candidate_id == candidate_id,
        InboundCall.from_e164 == c.phone_e164 if c.phone_e164 else InboundCall.id < 0))
        .order_by(InboundCall.id)))
    call_answers = list(s.scalars(select(Answer).where(
        Answer.inbound_call_id.in_([k.id for k in calls])).order_by(Answer.id)))
    resumes = list(s.scalars(select(ParsedResumeRow).where(
        ParsedResumeRow.candidate_id == candidate_id).order_by(ParsedResumeRow.id)))
    data = {
        "exported_at": _plain(dt.datetime.now(dt.UTC)),
        "candidate": _row(c),
        "applications": [_row(a) for a in apps],
        "stage_results": [_row(r) for r in results],
        "answers": [_row(a) for a in answers + call_answers],
        "notes": [_row(n) for n in s.scalars(select(CandidateNote).where(
            CandidateNote.candidate_id == candidate_id).order_by(CandidateNote.id))],
        "messages": [_row(m) for m in s.scalars(select(Message).where(or_(
            Message.candidate_id == candidate_id,
            Message.application_id.in_(app_ids))).order_by(Message.id))],
        "calls": [_row(k) for k in calls],
        "parsed_resumes": [_row(r) for r in resumes],
        "ats_identities": [_row(e) for e in s.scalars(select(ExternalIdentity).where(
            ExternalIdentity.candidate_id == candidate_id).order_by(ExternalIdentity.id))],
        "email_applications": [_row(e, skip=("raw_path",)) for e in s.scalars(
            select(EmailIntakeRecord).where(EmailIntakeRecord.candidate_id == candidate_id)
            .order_by(EmailIntakeRecord.id))],
    }
    files = {*(r.recording_path for r in results if r.recording_path),
             *(k.recording_path for k in calls if k.recording_path),
             *(r.file_path for r in resumes)}
    return Gathered(data, tuple(sorted(f for f in files if f)))


def write_zip(target_dir: Path, candidate_id: int, gathered: Gathered, extra: Iterable[Path],
              now: dt.datetime) -> Path:
    """The zip, owner-only (blocking). Missing files are listed in the JSON, not fatal."""
    private_dir(target_dir)
    target = target_dir / export_name(candidate_id, now)
    paths = [Path(p) for p in gathered.files] + [p for p in extra if p.is_file()]
    added: list[str] = []
    missing: list[str] = []
    with open_private(target, "wb") as raw, zipfile.ZipFile(raw, "w",
                                                             zipfile.ZIP_DEFLATED) as zf:
        seen: set[str] = set()
        for path in paths:
            if not path.is_file():
                missing.append(path.name)
                continue
            name = f"files/{path.parent.name}-{path.name}" if path.name in seen else \
                f"files/{path.name}"
            seen.add(path.name)
            zf.write(path, name)
            added.append(name)
        body = dict(gathered.data, files=added, files_missing=missing)
        zf.writestr("candidate.json", json.dumps(body, indent=2, ensure_ascii=False))
    return target
