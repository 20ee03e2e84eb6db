"""Erasing one person: every row that holds their personal data, then their files.

What a person leaves behind, table by table (``models/``):

* ``candidates`` (name, email, phone, LinkedIn, location, ATS id) - deleted; the database's
  ON DELETE CASCADE takes ``applications`` → ``stage_results`` → ``answers`` (transcripts,
  evidence), ``parsed_resumes``, ``candidate_notes``, ``external_ids``,
  ``possible_duplicates``, ``notifications`` and ``merge_log`` rows where they were kept;
* ``messages`` (bodies and addresses) - theirs by candidate, application or address, and the
  ``outbox`` rows that would send or sent them (payloads hold addresses and bodies), with any
  outbox payload naming them (an invitation by ids, a subscriber email by name);
* ``inbound_calls`` (caller name, numbers, transcript, recording) - linked to them, or from
  their number or email (a call not yet ingested), with their answers and notifications;
* ``email_intake`` rows and ``quarantine`` rows whose payload or reason names them, with the
  raw messages kept for review; ``merge_log`` rows where they were the merged person;
* ``notifications`` and ``audit_log`` rows whose text names them.

The search index goes with the rows: FTS5's delete triggers on SQLite (then ``optimize``, once
per batch, so no segment keeps the old terms) and pg_trgm's GIN indexes on PostgreSQL (VACUUM). On SQLite
the transaction runs with ``secure_delete`` so freed cells are zeroed, and the WAL is
checkpointed and truncated afterwards: the bytes leave the files, not only the tables.

What is left is one ``audit_log`` row without personal data: "candidate #123 erased on
request; 4 applications, 2 recordings". The copy an ATS holds is the ATS's: not erased here.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, delete, false, func, or_, select, text
from sqlalchemy.orm import Session

from milo_desktop.models import (
    Application,
    AuditEntry,
    Candidate,
    CandidateNote,
    EmailIntakeRecord,
    InboundCall,
    Message,
    Notification,
    OutboxItem,
    ParsedResumeRow,
    QuarantinedRecord,
    StageResult,
)
from milo_desktop.models.ats import MergeLog
from milo_desktop.models.base import utcnow
from milo_desktop.services.core.database import Database

log = logging.getLogger(__name__)

REASONS = {"request": "on request", "retention": "by the retention rule"}
KEPT_MAIL = "email-intake"
RESUMES = "resumes"
# Outbox payload keys that point at a person's rows.
_ID_KEYS = ("candidate_id", "application_id", "inbound_call_id")


@dataclass(frozen=True)
class Person:
    """What identifies someone in free text: the needles searched in payloads and files."""

    candidate_id: int
    full_name: str
    email: str | None
    phone: str | None

    @property
    def needles(self) -> tuple[str, ...]:
        # A name of one short word ("Al") would match strangers' payloads: names count when
        # they are distinctive enough to be theirs.
        name = self.full_name.strip()
        named = (name,) if len(name) >= 5 and " " in name else ()
        return tuple(n for n in (self.email, self.phone, *named) if n)


@dataclass(frozen=True)
class Erased:
    """What one erasure removed: counts for the audit note, files for after the commit."""

    candidate_id: int
    reason: str
    applications: int = 0
    recordings: int = 0
    resumes: int = 0
    messages: int = 0
    notes: int = 0
    calls: int = 0
    emails: int = 0
    files: tuple[str, ...] = field(default=(), repr=False)
    application_ids: tuple[int, ...] = field(default=(), repr=False)  # their kept documents

    def note(self) -> str:
        """The audit note: counts and ids, never a name, address or number."""
        parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in (
            (self.applications, "application"), (self.recordings, "recording"),
            (self.resumes, "résumé"), (self.messages, "message"), (self.notes, "note"),
            (self.calls, "call"), (self.emails, "kept email")) if n]
        counts = "; " + ", ".join(parts) if parts else "; nothing else was held"
        return (f"candidate #{self.candidate_id} erased {REASONS.get(self.reason, self.reason)}"
                f"{counts}. The ATS copy, if any, is not erased.")


def person_of(s: Session, candidate_id: int) -> Person | None:
    c = s.get(Candidate, candidate_id)
    if c is None:
        return None
    return Person(c.id, c.full_name, c.email, c.phone_e164)


def _mentions(column: Any, needles: Sequence[str]) -> ColumnElement[bool]:
    """``column`` (text or JSON) contains any needle, case-insensitively."""
    as_text = cast(column, Text)
    return or_(false(), *(as_text.ilike(f"%{n}%") for n in needles))


def _ids(s: Session, query: Any) -> list[int]:
    return [int(i) for i in s.scalars(query)]


def _outbox_rows(s: Session, person: Person, app_ids: Sequence[int], call_ids: Sequence[int],
                 message_ids: Sequence[int]) -> list[int]:
    """Outbox rows that send (or sent) their messages or name them in the payload."""
    named = {"candidate_id": {person.candidate_id}, "application_id": set(app_ids),
             "inbound_call_id": set(call_ids)}
    found = set(_ids(s, select(OutboxItem.id).where(or_(
        OutboxItem.message_id.in_(message_ids) if message_ids else false(),
        _mentions(OutboxItem.payload, person.needles)))))
    by_id = s.execute(select(OutboxItem.id, OutboxItem.payload).where(
        or_(*(cast(OutboxItem.payload, Text).like(f'%"{k}"%') for k in _ID_KEYS))))
    for oid, payload in by_id:
        if isinstance(payload, dict) and any(payload.get(k) in named[k] for k in _ID_KEYS):
            found.add(int(oid))
    return sorted(found)


def erase_rows(s: Session, candidate_id: int, *, reason: str, kept_mail: Iterable[str] = (),
               now: Any = None) -> Erased | None:
    """Delete everything held about the candidate (inside ``db.write``); None when they are
    already gone. ``kept_mail``: raw kept messages found to name them (their rows go too).
    The files to remove are returned, to be removed once the transaction has committed."""
    person = person_of(s, candidate_id)
    if person is None:
        return None
    sqlite = s.get_bind().dialect.name == "sqlite"
    if sqlite:  # freed cells and pages are zeroed: the bytes leave the file
        s.execute(text("PRAGMA secure_delete = ON"))
    needles = person.needles
    app_ids = _ids(s, select(Application.id).where(Application.candidate_id == candidate_id))
    recordings = [p for p in s.scalars(select(StageResult.recording_path).where(
        StageResult.application_id.in_(app_ids), StageResult.recording_path.is_not(None)))
        if p]
    resumes = [p for p in s.scalars(select(ParsedResumeRow.file_path).where(
        ParsedResumeRow.candidate_id == candidate_id)) if p]
    call_rows = s.execute(select(InboundCall.id, InboundCall.recording_path).where(or_(
        InboundCall.candidate_id == candidate_id,
        InboundCall.from_e164 == person.phone if person.phone else false(),
        InboundCall.email == person.email if person.email else false()))).all()
    call_ids = [int(r[0]) for r in call_rows]
    call_recordings = [str(r[1]) for r in call_rows if r[1]]
    addresses = [a for a in (person.email, person.phone) if a]
    message_ids = _ids(s, select(Message.id).where(or_(
        Message.candidate_id == candidate_id,
        Message.application_id.in_(app_ids) if app_ids else false(),
        Message.to_addr.in_(addresses) if addresses else false(),
        Message.from_addr.in_(addresses) if addresses else false())))
    notes = s.scalar(select(func.count()).select_from(CandidateNote).where(
        CandidateNote.candidate_id == candidate_id)) or 0
    outbox_ids = _outbox_rows(s, person, app_ids, call_ids, message_ids)
    quarantine_ids = set(_ids(s, select(QuarantinedRecord.id).where(or_(
        _mentions(QuarantinedRecord.payload, needles),
        _mentions(QuarantinedRecord.reason, needles)))))
    kept = list(kept_mail)
    intake = s.execute(select(EmailIntakeRecord.id, EmailIntakeRecord.raw_path,
                              EmailIntakeRecord.quarantine_id).where(or_(
        EmailIntakeRecord.candidate_id == candidate_id,
        EmailIntakeRecord.application_id.in_(app_ids) if app_ids else false(),
        EmailIntakeRecord.message_row_id.in_(message_ids) if message_ids else false(),
        EmailIntakeRecord.quarantine_id.in_(quarantine_ids) if quarantine_ids else false(),
        EmailIntakeRecord.raw_path.in_(kept) if kept else false()))).all()
    intake_ids = [int(r[0]) for r in intake]
    quarantine_ids |= {int(r[2]) for r in intake if r[2] is not None}
    mail_files = sorted({*(str(r[1]) for r in intake if r[1]), *kept})
    files = [*recordings, *call_recordings, *resumes, *mail_files]

    for table, ids in ((EmailIntakeRecord, intake_ids), (OutboxItem, outbox_ids),
                       (Message, message_ids), (InboundCall, call_ids),
                       (QuarantinedRecord, sorted(quarantine_ids))):
        for i in range(0, len(ids), 500):
            s.execute(delete(table).where(table.id.in_(ids[i:i + 500])))
    s.execute(delete(MergeLog).where(or_(
        MergeLog.kept_id == candidate_id, MergeLog.merged_id == candidate_id,
        _mentions(MergeLog.snapshot, needles))))
    s.execute(delete(Notification).where(or_(
        Notification.candidate_id == candidate_id,
        _mentions(Notification.title, needles), _mentions(Notification.body, needles))))
    s.execute(delete(AuditEntry).where(_mentions(AuditEntry.detail, needles)))
    s.execute(delete(Candidate).where(Candidate.id == candidate_id))  # the cascades: above
    # A Résumé stage keeps its file in ``recording_path`` too: recordings are the audio.
    audio = [p for p in (*recordings, *call_recordings) if Path(p).parent.name == "recordings"]
    erased = Erased(candidate_id, reason, applications=len(app_ids), recordings=len(audio),
                    resumes=len(resumes), messages=len(message_ids), notes=int(notes),
                    calls=len(call_ids), emails=len(mail_files), files=tuple(files),
                    application_ids=tuple(app_ids))
    s.add(AuditEntry(at=now or utcnow(), action="candidate.erased", entity="candidate",
                     entity_id=candidate_id, detail={"note": erased.note(), "reason": reason}))
    if sqlite:
        s.execute(text("PRAGMA secure_delete = OFF"))
    return erased


def resume_files(data_dir: Path, application_ids: Iterable[int]) -> list[Path]:
    """Every kept copy of an application's documents: the scored résumé
    (``resumes/<application id>-…``) and the others (``resumes/files/<application id>/``)."""
    folder = data_dir / RESUMES
    found: list[Path] = []
    for aid in application_ids:
        found.extend(folder.glob(f"{aid}-*"))
        others = folder / "files" / str(aid)
        if others.is_dir():
            found.extend(p for p in others.rglob("*") if p.is_file())
            found.append(others)
    return found


def mail_naming(folder: Path, person: Person) -> list[str]:
    """Kept raw messages (quarantined mail waiting for review) whose bytes name the person by
    email or phone, whatever row points at them. Blocking: run in a thread."""
    needles = [n.lower().encode() for n in (person.email, person.phone) if n]
    if not needles or not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes().lower()
        except OSError:
            continue
        if any(n in data for n in needles):
            found.append(str(path))
    return found


def remove_files(paths: Iterable[str | os.PathLike[str]]) -> int:
    """Remove files (and emptied folders) after the rows are gone; returns how many went.
    Missing files are fine: a file someone removed by hand is as erased as ours."""
    removed = 0
    folders = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            folders.append(path)
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:  # the path names no one: log its folder's name only
            log.warning("could not remove an erased person's file in %s: %s",
                        path.parent.name, exc.strerror or exc)
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()
    return removed


def merge_search_index(s: Session) -> None:
    """SQLite, inside ``db.write``: FTS5 keeps a deleted row's trigrams in older segments
    until they merge; ``optimize`` merges them all now (once per batch of erasures: it
    rewrites the whole index)."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("PRAGMA secure_delete = ON"))
        s.execute(text("INSERT INTO candidates_fts(candidates_fts) VALUES ('optimize')"))
        s.execute(text("PRAGMA secure_delete = OFF"))


def compact(db: Database) -> None:
    """After erasures and ``merge_search_index``: the bytes out of the database files too.
    SQLite: checkpoint the WAL and truncate it (old frames held the rows). PostgreSQL: VACUUM
    the touched tables so the dead rows and their trigram index entries go. Blocking; best
    effort (a busy reader only delays the checkpoint until the next one)."""
    if db.dialect == "sqlite":
        with db.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        return
    tables = ("candidates", "applications", "stage_results", "answers", "candidate_notes",
              "messages", "outbox", "inbound_calls", "email_intake", "quarantine",
              "parsed_resumes", "external_ids", "merge_log", "notifications", "audit_log")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.execute(text(f"VACUUM {table}"))
