"""Every document of an emailed application: which one is the résumé, and the others kept.

People attach more than a résumé: a cover letter, a forklift certificate, the same CV as PDF
and DOCX. The Résumé stage must score the résumé — not whichever file came first — so
``rank`` reads each attachment (the résumé reader and parser, blocking) and orders them by
how much they read as a résumé: dated work history first, then contact details and résumé
sections, and the file name's hint ("CV", "Resume" up; "Cover letter", "Certificate" down).
The best is scored; ``keep`` keeps every attachment not already on the candidate's profile
as a file, owner-only, under ``<résumés folder>/files/<application id>/`` named by its
content hash, so the same file sent twice (in one message, or with a later application) is
kept once per candidate. ``files_of`` lists them for the profile ("Also sent").

Keyed by application, not candidate: a merge moves applications, and their files follow.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.files import private_dir, write_private
from milo_desktop.models import Application, StageResult
from milo_desktop.services.core.database import Database
from milo_desktop.services.email_intake.parse import Attachment
from milo_desktop.services.resume.extract import extract_text
from milo_desktop.services.resume.parse import ParsedResume, parse_text

FOLDER = "files"
_RESUME_NAME = re.compile(r"(?<![a-z])(resume|résumé|cv|curriculum|vita|lebenslauf)(?![a-z])")
_OTHER_NAME = re.compile(r"cover|letter|motivation|certific|diploma|reference|transcript|"
                         r"licen[cs]e|portfolio|recommend")


def likeness(name: str, parsed: ParsedResume | None) -> int:
    """How much a file reads as a résumé (higher: more). A cover letter has contact details
    too, but rarely dated jobs; its name usually says what it is."""
    score = 0
    if parsed is not None:
        score += 3 * min(len(parsed.jobs), 4)
        score += sum(1 for v in (parsed.email, parsed.phone) if v is not None)
        score += sum(1 for v in (parsed.skills, parsed.education, parsed.languages) if v)
    lower = name.lower()
    if _RESUME_NAME.search(lower):
        score += 4
    if _OTHER_NAME.search(lower):
        score -= 6
    return score


def rank(attachments: Sequence[Attachment], today: dt.date, scratch: Path) -> list[Attachment]:
    """The attachments, the most résumé-like first (ties keep the message's order); each is
    read from a temporary copy under ``scratch``. Blocking: a worker thread."""
    if len(attachments) < 2:
        return list(attachments)
    scores = []
    for a in attachments:
        parsed: ParsedResume | None = None
        with tempfile.TemporaryDirectory(dir=private_dir(scratch)) as tmp:
            path = Path(tmp) / a.name
            write_private(path, a.data)
            try:
                found = extract_text(path, name=a.name)
                parsed = parse_text(found.text, now=today, kind=found.kind, pages=found.pages)
            except ValidationProblem:  # unreadable (scanned, damaged): its name still counts
                parsed = None
        scores.append(likeness(a.name, parsed))
    order = sorted(range(len(attachments)), key=lambda i: -scores[i])
    return [attachments[i] for i in order]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def on_profile(s: Session, candidate_id: int) -> tuple[list[int], set[str]]:
    """The candidate's application ids and the content hashes of their scored résumés."""
    apps = [int(a) for a in s.scalars(select(Application.id)
                                      .where(Application.candidate_id == candidate_id))]
    scored = {str(h) for h in s.scalars(select(StageResult.file_sha256).where(
        StageResult.application_id.in_(apps), StageResult.file_sha256.is_not(None)))}
    return apps, scored


def on_profile_of(s: Session, application_id: int) -> tuple[list[int], set[str]]:
    """``on_profile`` of the application's candidate."""
    candidate_id = s.scalar(select(Application.candidate_id)
                            .where(Application.id == application_id))
    return on_profile(s, int(candidate_id)) if candidate_id is not None else ([], set())


def _kept(root: Path, applications: Iterable[int]) -> list[Path]:
    found: list[Path] = []
    for app_id in applications:
        folder = root / FOLDER / str(app_id)
        if folder.is_dir():
            found.extend(p for p in folder.iterdir() if p.is_file())
    return found


def keep(root: Path, application_id: int, applications: Sequence[int], scored: set[str],
         attachments: Sequence[Attachment]) -> list[Path]:
    """Keep the attachments not yet on the candidate's profile (neither a scored résumé nor
    a kept file of any of ``applications``) under this application's folder; the new
    files. Idempotent, so a round that stopped half-way can do it again. Blocking."""
    have = {p.name.split("-", 1)[0] for p in _kept(root, applications)}
    made: list[Path] = []
    for a in attachments:
        digest = _digest(a.data)
        if digest in scored or digest[:16] in have:
            continue
        have.add(digest[:16])
        path = private_dir(root / FOLDER / str(application_id)) / f"{digest[:16]}-{a.name}"
        write_private(path, a.data)
        made.append(path)
    return made


@dataclass(frozen=True)
class KeptFile:
    name: str  # as the candidate named it
    path: Path
    application_id: int


async def files_of(db: Database, root: Path, candidate_id: int) -> list[KeptFile]:
    """The candidate's kept files, by name."""
    apps, _scored = await db.read(lambda s: on_profile(s, candidate_id))

    def listing() -> list[KeptFile]:
        return sorted((KeptFile(p.name.split("-", 1)[1], p, int(p.parent.name))
                       for p in _kept(root, apps) if "-" in p.name),
                      key=lambda f: (f.name.lower(), f.application_id))
    return await asyncio.to_thread(listing)


__all__ = ["FOLDER", "KeptFile", "files_of", "keep", "likeness", "on_profile", "on_profile_of",
           "rank"]
