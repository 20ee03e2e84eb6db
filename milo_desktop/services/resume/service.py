"""``ResumeService``: attach a résumé file to an application and score its Résumé stage.

The file is copied first (under ``<data dir>/resumes/``, owner-only), then read and scored
off the GUI thread; the copy is what the stage result points at (``recording_path`` holds
the stage's source file: a recording for a call, the résumé here). A file that cannot be
read is quarantined with its reason — the copy stays, so nothing the recruiter attached is
lost — and the ValidationProblem reaches the UI as a clear message.

The kept copy's SHA-256 is stored on the stage result (``file_sha256``): the same file attached
again for the same candidate, on any of their applications, is refused before anything is
scored or kept ("This résumé is already on Dana Lopez's profile (added 3 Dec 2026)").

The text is also parsed (parse.py: contact, work history with titles and dates, skills…) and
the parse stored beside the stage result (store.py, table ``parsed_resumes``) for the
profile. The scorer still reads the text; the parse adds each dated entry's title and
employer when experience.py's own guess (the line above the dates) missed them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.errors import DiskFull, ValidationProblem
from milo_desktop.files import open_private, private_dir
from milo_desktop.models import Application, Candidate, Stage, StageResult
from milo_desktop.models.base import utcnow
from milo_desktop.services.applications.results import StageAdvance, StageEvaluation, fold_stage
from milo_desktop.services.applications.service import ApplicationsService, StageJob
from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus
from milo_desktop.services.resume.extract import MAX_BYTES, ResumeText, extract_text
from milo_desktop.services.resume.parse import DEFAULT_REGION, ParsedResume, parse_text
from milo_desktop.services.resume.requirements import Resume, judge
from milo_desktop.services.resume.store import store_parse
from milo_desktop.services.scoring import Evaluator
from milo_desktop.services.sync.cursors import add_quarantine

QUARANTINE_SERVICE = "resume"
QUARANTINE_RESOURCE = "resume_file"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def resume_stage_id(s: Session, application_id: int) -> int:
    """The application's Résumé stage, refusing one already scored."""
    app = s.get(Application, application_id)
    if app is None:
        raise ValidationProblem("This application no longer exists.")
    row = s.execute(
        select(Stage.id, StageResult.status).outerjoin(
            StageResult, (StageResult.stage_id == Stage.id)
            & (StageResult.application_id == application_id))
        .where(Stage.interviewer_id == app.interviewer_id, Stage.kind == StageKind.RESUME)
        .order_by(Stage.position)
    ).first()
    if row is None:
        raise ValidationProblem("This interviewer has no Résumé stage, so there is nothing to "
                                "score a résumé against.")
    stage_id, status = row
    if status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT):
        raise ValidationProblem("This candidate's Résumé stage is already scored; a second "
                                "résumé cannot replace it.")
    return int(stage_id)


def keep_copy(source: Path, folder: Path, application_id: int, now: dt.datetime) -> Path:
    """Copy ``source`` into ``folder`` (0700) as an owner-only (0600) file; blocking."""
    try:
        size = source.stat().st_size
    except FileNotFoundError as exc:
        raise ValidationProblem(f"The file {source.name} no longer exists.") from exc
    except OSError as exc:
        raise ValidationProblem(f"The file {source.name} cannot be opened ({exc.strerror}).") \
            from exc
    if not source.is_file():
        raise ValidationProblem(f"{source.name} is not a file.")
    if size > MAX_BYTES:
        raise ValidationProblem(f"{source.name} is {size / 1048576:.1f} MB; résumés up to "
                                f"{MAX_BYTES / 1048576:.1f} MB can be read. Ask for a smaller "
                                "file.")
    private_dir(folder)
    stem = _UNSAFE.sub("_", source.name)[-80:] or "resume"
    target = folder / f"{application_id}-{now:%Y%m%d-%H%M%S-%f}-{stem}"
    try:
        with open_private(target, "xb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
    except OSError as exc:
        target.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFull("There is no room on the disk to keep a copy of the résumé.") \
                from exc
        raise ValidationProblem(f"{source.name} cannot be copied ({exc.strerror}).") from exc
    return target


def file_sha256(path: Path) -> str:
    """The file's content hash (hex); blocking."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def already_attached(s: Session, application_id: int, sha256: str) -> str | None:
    """Why this content cannot be attached for the application's candidate (it already is on
    their profile), or None."""
    candidate_id = select(Application.candidate_id).where(
        Application.id == application_id).scalar_subquery()
    row = s.execute(
        select(Candidate.full_name, StageResult.completed_at, StageResult.started_at)
        .join(Application, Application.id == StageResult.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(StageResult.file_sha256 == sha256, Application.candidate_id == candidate_id)
        .order_by(StageResult.id).limit(1)).first()
    if row is None:
        return None
    name, completed, started = row
    when = completed or started
    added = f" (added {_day(when)})" if when is not None else ""
    return f"This résumé is already on {name}'s profile{added}."


def _day(moment: dt.datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


@dataclass(frozen=True)
class ResumeOutcome:
    advance: StageAdvance
    evaluation: StageEvaluation
    kept: Path  # the copy under <data dir>/resumes/
    text: ResumeText
    parsed: ParsedResume | None = None


class ResumeService:
    def __init__(self, db: Database, bus: EventBus, data_dir: str | Path,
                 applications: ApplicationsService, *,
                 clock: Callable[[], dt.datetime] = utcnow,
                 region: str = DEFAULT_REGION) -> None:
        self.db = db
        self.region = region  # phone numbers written without a country code
        self.bus = bus
        self.folder = Path(data_dir) / "resumes"
        self.applications = applications
        self.clock = clock
        # Check-then-store of a content hash, one attach at a time per candidate.
        self._locks: dict[int, asyncio.Lock] = {}

    async def attach(self, application_id: int, path: str | Path) -> StageAdvance:
        """Keep a copy of the résumé, read it, score the Résumé stage's requirements, store.

        Raises ValidationProblem for a file that cannot be used (after quarantining it)."""
        return (await self.attach_detailed(application_id, path)).advance

    async def attach_detailed(self, application_id: int, path: str | Path) -> ResumeOutcome:
        """``attach``, also returning the evaluation (what the résumé dialog lists)."""
        stage_id, candidate_id = await self.db.read(
            lambda s: (resume_stage_id(s, application_id),
                       s.scalar(select(Application.candidate_id)
                                .where(Application.id == application_id)) or 0))
        lock = self._locks.setdefault(candidate_id, asyncio.Lock())
        async with lock:
            return await self._attach(application_id, stage_id, Path(path))

    async def _attach(self, application_id: int, stage_id: int, source: Path) -> ResumeOutcome:
        now = self.clock()
        kept: Path | None = None
        try:
            kept = await asyncio.to_thread(keep_copy, source, self.folder, application_id, now)
            sha256 = await asyncio.to_thread(file_sha256, kept)
        except ValidationProblem as exc:
            await self._quarantine(application_id, source, kept, exc)
            raise
        twice = await self.db.read(lambda s: already_attached(s, application_id, sha256))
        if twice:  # nothing is added twice: not the copy, not a score
            await asyncio.to_thread(kept.unlink, missing_ok=True)
            raise ValidationProblem(twice)
        try:
            found: ResumeText = await asyncio.to_thread(extract_text, kept, name=source.name)
        except ValidationProblem as exc:
            await self._quarantine(application_id, source, kept, exc)
            raise
        parsed = await asyncio.to_thread(parse_text, found.text, now=now.date(),
                                         region=self.region, kind=found.kind, pages=found.pages)
        job = await self.applications.stage_job(application_id, stage_id)
        cv = Resume.of(found.text, now.date(), parsed=parsed)

        made: list[StageEvaluation] = []

        async def evaluate(evaluator: Evaluator) -> StageEvaluation:
            made.append(await score_resume(job, cv, evaluator))
            return made[-1]

        advance = await self.applications.run_evaluation(job, evaluate, transcript=found.text,
                                                         recording_path=str(kept))


        def store(s: Session) -> None:
            s.execute(update(StageResult).where(StageResult.application_id == application_id,
                                                StageResult.stage_id == stage_id)
                      .values(file_sha256=sha256))
            store_parse(s, application_id, stage_id, parsed, kept, source.name, now)

        await self.db.write(store)
        return ResumeOutcome(advance, made[-1], kept, found, parsed)

    async def _quarantine(self, application_id: int, source: Path, kept: Path | None,
                          problem: ValidationProblem) -> None:
        size = None
        try:
            size = source.stat().st_size
        except OSError:
            pass
        payload = json.dumps({"application_id": application_id, "original_path": str(source),
                              "kept_path": str(kept) if kept else None, "size": size,
                              "detail": problem.detail}, ensure_ascii=False)
        item = Quarantine(QUARANTINE_SERVICE, QUARANTINE_RESOURCE, problem.message, payload,
                          str(application_id))
        await self.db.write(lambda s: add_quarantine(s, [item]))


async def score_resume(job: StageJob, cv: Resume, evaluator: Evaluator) -> StageEvaluation:
    """The Résumé stage's evaluation: its questions judged as requirements."""
    records = await judge(job.questions, cv, evaluator)
    return fold_stage(job.questions, records, evaluator.name, job.min_score)
