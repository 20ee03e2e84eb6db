"""Privacy for one workspace: erasure requests with a grace period, the retention rule,
and a person's data export (docs/architecture.md, "Privacy").

An erasure request is the candidate's ``erase_requested_at``: from that moment the person is
out of the directory, search, outreach and merges (every reader already leaves them out), and
the erasure runs once the grace period in force (Settings → Privacy, 30–180 days, default 60)
has passed since the request. Cancelling clears it and brings them back. ``PrivacyJob`` runs
what is due, and the retention rule when it is on, once a day under the supervisor.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import AuditEntry, Candidate
from milo_desktop.models.base import utcnow
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import CandidatesChanged, EventBus
from milo_desktop.services.privacy import erase, export, retention
from milo_desktop.services.privacy.settings import PrivacySettings, load_settings, save_settings
from milo_desktop.services.sync.plugin import Worker

if TYPE_CHECKING:
    from milo_desktop.services.workspace import Workspace

log = logging.getLogger(__name__)

PRIVACY_WORKER = "privacy.erasures"
DAY_S = 24 * 3600.0
EXPORTS = "exports"


@dataclass(frozen=True)
class PendingErasure:
    candidate_id: int
    full_name: str
    requested_at: dt.datetime
    due_at: dt.datetime


def _audit(s: Session, action: str, candidate_id: int, now: dt.datetime, actor: str = "",
           **detail: object) -> None:
    s.add(AuditEntry(at=now, actor=actor[:120], action=action, entity="candidate",
                     entity_id=candidate_id, detail=dict(detail)))


def data_dir_of(ws: Workspace) -> Path:
    """The workspace's data folder: where its résumés are kept (the app sets that service
    with the data dir), else the SQLite file's folder."""
    if ws.resumes is not None:
        return Path(ws.resumes.folder).parent
    database = ws.db.engine.url.database
    if ws.db.dialect != "sqlite" or not database:
        raise ValidationProblem("The workspace's data folder is not known here.")
    return Path(database).parent


class PrivacyService:
    def __init__(self, db: Database, bus: EventBus, data_dir: str | Path, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.data_dir = Path(data_dir)
        self.clock = clock

    @classmethod
    def for_workspace(cls, ws: Workspace) -> PrivacyService:
        return cls(ws.db, ws.bus, data_dir_of(ws))

    # ----- settings ---------------------------------------------------------------------------
    async def settings(self) -> PrivacySettings:
        return await self.db.read(load_settings)

    async def save(self, settings: PrivacySettings) -> PrivacySettings:
        settings.checked()
        return await self.db.write(lambda s: save_settings(s, settings))

    def exports_dir(self, settings: PrivacySettings) -> Path:
        return Path(settings.exports_dir) if settings.exports_dir else self.data_dir / EXPORTS

    # ----- requests ---------------------------------------------------------------------------
    def _pending(self, s: Session, only: int | None = None) -> list[PendingErasure]:
        grace = dt.timedelta(days=load_settings(s).grace_days)
        q = select(Candidate.id, Candidate.full_name, Candidate.erase_requested_at).where(
            Candidate.erase_requested_at.is_not(None))
        if only is not None:
            q = q.where(Candidate.id == only)
        return [PendingErasure(int(cid), name, at, at + grace)
                for cid, name, at in s.execute(q.order_by(Candidate.erase_requested_at,
                                                         Candidate.id))]

    async def pending(self) -> list[PendingErasure]:
        """Every request not yet run, soonest first, with when it will run."""
        return await self.db.read(self._pending)

    async def pending_for(self, candidate_id: int) -> PendingErasure | None:
        found = await self.db.read(lambda s: self._pending(s, candidate_id))
        return found[0] if found else None

    async def request(self, candidate_id: int, actor: str = "") -> PendingErasure:
        """Request erasure; runs after the grace period unless cancelled. Asking again keeps
        the first request's date."""
        now = self.clock()

        def write(s: Session) -> list[PendingErasure]:
            c = s.get(Candidate, candidate_id)
            if c is None:
                raise ValidationProblem("This candidate no longer exists.")
            if c.erase_requested_at is None:
                c.erase_requested_at = now
                _audit(s, "candidate.erase_requested", candidate_id, now, actor)
            return self._pending(s, candidate_id)

        pending = await self.db.write(write)
        self.bus.publish(CandidatesChanged((candidate_id,)))
        return pending[0]

    async def cancel(self, candidate_id: int, actor: str = "") -> bool:
        """Cancel a pending request (False: there was none, or it already ran)."""
        now = self.clock()

        def write(s: Session) -> bool:
            c = s.get(Candidate, candidate_id, with_for_update=True)
            done = c is not None and c.erase_requested_at is not None
            if c is not None and done:
                c.erase_requested_at = None
                _audit(s, "candidate.erase_cancelled", candidate_id, now, actor)
            return bool(done)

        cancelled = await self.db.write(write)
        if cancelled:
            self.bus.publish(CandidatesChanged((candidate_id,)))
        return cancelled

    async def find_by_email(self, email: str) -> list[int]:
        key = email.strip().lower()
        return await self.db.read(lambda s: [int(i) for i in s.scalars(
            select(Candidate.id).where(func.lower(Candidate.email) == key)
            .order_by(Candidate.id))])

    # ----- erasing ----------------------------------------------------------------------------
    async def erase_now(self, candidate_id: int, reason: str = "request", *,
                        compact: bool = True) -> erase.Erased | None:
        """Erase at once, irreversibly (the grace period is the caller's to have honoured)."""
        person = await self.db.read(lambda s: erase.person_of(s, candidate_id))
        if person is None:
            return None
        settings = await self.settings()
        kept = await asyncio.to_thread(erase.mail_naming, self.data_dir / erase.KEPT_MAIL,
                                       person)
        now = self.clock()
        done = await self.db.write(lambda s: erase.erase_rows(
            s, candidate_id, reason=reason, kept_mail=kept, now=now))
        if done is None:
            return None
        exports = self.exports_dir(settings)
        await asyncio.to_thread(self._remove_files, done, exports)
        if compact:
            await self.compact()
        self.bus.publish(CandidatesChanged((candidate_id,)))
        log.info("privacy: %s", done.note())
        return done

    def _remove_files(self, done: erase.Erased, exports: Path) -> None:
        paths: list[str | Path] = [*done.files,
                                   *erase.resume_files(self.data_dir, done.application_ids)]
        for folder in {exports, self.data_dir / EXPORTS}:
            if folder.is_dir():
                paths.extend(folder.glob(export.export_glob(done.candidate_id)))
        erase.remove_files(paths)

    async def due(self) -> list[int]:
        now = self.clock()
        return [p.candidate_id for p in await self.pending() if p.due_at <= now]

    async def run_due(self) -> list[erase.Erased]:
        """Erase every request whose grace period has passed, then apply the retention rule
        when it is on. One transaction per person; the files compacted once at the end."""
        done: list[erase.Erased] = []
        for cid in await self.due():
            erased = await self.erase_now(cid, "request", compact=False)
            if erased is not None:
                done.append(erased)
        settings = await self.settings()
        if settings.retention_on:
            cutoff = retention.months_before(self.clock(), settings.retention_months)
            for cid in await self.db.read(lambda s: retention.inactive_ids(s, cutoff)):
                erased = await self.erase_now(cid, "retention", compact=False)
                if erased is not None:
                    done.append(erased)
        if done:
            await self.compact()
        return done

    async def compact(self) -> None:
        """The search index merged (on the writer, like any write) and the WAL truncated."""
        await self.db.write(erase.merge_search_index)
        await asyncio.to_thread(erase.compact, self.db)

    # ----- retention --------------------------------------------------------------------------
    async def dry_run(self, months: int | None = None) -> retention.DryRun:
        """Who the retention rule would erase now (with ``months``, or the saved value)."""
        chosen = months if months is not None else (await self.settings()).retention_months
        replace(PrivacySettings(), retention_months=chosen).checked()
        now = self.clock()
        return await self.db.read(lambda s: retention.dry_run(s, chosen, now))

    async def set_retention(self, on: bool, months: int | None = None) -> PrivacySettings:
        current = await self.settings()
        return await self.save(replace(current, retention_on=on,
                                       retention_months=months or current.retention_months))

    # ----- export -----------------------------------------------------------------------------
    async def export(self, candidate_id: int, actor: str = "") -> Path:
        """Write the person's zip (JSON + files) to the exports folder; returns its path."""
        gathered = await self.db.read(lambda s: export.gather(s, candidate_id))
        if gathered is None:
            raise ValidationProblem("This candidate no longer exists.")
        settings = await self.settings()
        apps = [int(a["id"]) for a in gathered.data["applications"]]
        extra = await asyncio.to_thread(erase.resume_files, self.data_dir, apps)
        now = self.clock()
        path = await asyncio.to_thread(export.write_zip, self.exports_dir(settings),
                                       candidate_id, gathered,
                                       [p for p in extra if p.is_file()], now)
        await self.db.write(lambda s: _audit(s, "candidate.exported", candidate_id, now, actor))
        return path


class PrivacyJob:
    """Due erasures and the retention rule, at start and then daily (supervised)."""

    def __init__(self, privacy: PrivacyService, *,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.privacy = privacy
        self.sleep = sleep

    async def run_forever(self, every_s: float = DAY_S) -> None:
        while True:
            await self.privacy.run_due()
            await self.sleep(every_s)


def privacy_worker(ws: Workspace, data_dir: Path) -> tuple[str, Worker]:
    """The background's worker entry: ``(name, run_forever)``."""
    return PRIVACY_WORKER, PrivacyJob(PrivacyService(ws.db, ws.bus, data_dir)).run_forever
