"""``AtsService`` (``workspace.ats``): the ATS screens' one door.

Reads (connections, jobs, a job's link) come from the database and the sync engine's state;
links and their settings are written here; connecting, testing and disconnecting go through
the keychain (``connectors/ats/credentials.py``). The composition root attaches what needs
the keychain and the running background (``attach``); without it the service still lists
what the database holds and says every ATS is not connected.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    AtsJob,
    ExternalIdentity,
    Interviewer,
    QuarantinedRecord,
    SyncCursor,
)
from milo_desktop.services.ats import results
from milo_desktop.services.ats.views import (
    DEFAULT_WRITE_BACK,
    AtsConnectionView,
    AtsJobRow,
    FieldView,
    LinkSettings,
    SendReport,
)
from milo_desktop.services.connectors.ats import credentials as creds
from milo_desktop.services.connectors.ats.client import AtsSpec
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import AtsChanged, EventBus, InterviewersChanged


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ago(when: dt.datetime | None, now: dt.datetime) -> str:
    """"just now", "2 min ago", "3 h ago", "4 days ago"."""
    if when is None:
        return "never"
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


class AtsService:
    def __init__(self, db: Database, bus: EventBus,
                 clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock
        self.specs: dict[str, AtsSpec] = {}
        self.store: CredentialStore | None = None
        self.env: Mapping[str, str] = {}
        self.engine: Any = None  # the running SyncEngine (status, run_once, resume)
        self.outreach: Any = None  # OutreachService (invite the waiting people of a job)
        self._last_success: dict[str, dt.datetime] = {}  # read with the cards

    def attach(self, specs: Sequence[AtsSpec], *, store: CredentialStore | None,
               env: Mapping[str, str], engine: Any = None, outreach: Any = None) -> None:
        self.specs = {s.service: s for s in specs}
        self.store, self.env = store, dict(env)
        self.engine = engine if engine is not None else self.engine
        self.outreach = outreach if outreach is not None else self.outreach

    def spec(self, service: str) -> AtsSpec:
        try:
            return self.specs[service]
        except KeyError:
            raise ValidationProblem(f"Milo Desktop has no connector called {service!r}.") from None

    def title(self, service: str) -> str:
        spec = self.specs.get(service)
        return spec.title if spec else service.title()

    # -- connections -------------------------------------------------------------------
    async def connections(self) -> list[AtsConnectionView]:
        """One card per ATS connector, in the registry's order."""
        counts = await self.db.read(_counts)
        self._last_success = await self.db.read(_last_success)
        out = []
        for service, spec in self.specs.items():
            keychain_problem = ""
            try:
                conn = await creds.load(spec, self.store, self.env)
            except NotConfigured as exc:  # the keychain is locked or failing: say so
                conn, keychain_problem = None, exc.message
            jobs, linked, people, problems = counts.get(service, (0, 0, 0, 0))
            state, message, last = self._state(service, conn is not None)
            message = keychain_problem or message
            out.append(AtsConnectionView(
                service, spec.title, conn is not None, state, message, last, jobs, linked,
                people, problems,
                tuple(FieldView(f.name, f.label, f.secret, f.required, f.help,
                                "" if f.secret or conn is None else conn.fields.get(f.name, ""))
                      for f in spec.fields),
                conn.base_url if conn else spec.default_base, spec.default_base,
                from_env=bool(conn and conn.from_env)))
        return out

    def _state(self, service: str, connected: bool) -> tuple[str, str, dt.datetime | None]:
        if not connected:
            return "not_connected", "Not connected", None
        status = None
        if self.engine is not None and service in getattr(self.engine, "services", []):
            status = self.engine.status(service)
        if status is None:  # no background (a screenshot run): the last import on record
            last = self._last_success.get(service)
            return "idle", ("Connected · not synced yet" if last is None
                            else f"Synced {ago(last, self.clock())}"), last
        state = str(status.state)
        if state == "idle":
            words = ("Connected · not synced yet" if status.last_sync_at is None
                     else f"Synced {ago(status.last_sync_at, self.clock())}")
            return state, words, status.last_sync_at
        if state == "syncing":
            return state, f"Syncing… {status.done} records", status.last_sync_at
        return state, status.message or state.replace("_", " "), status.last_sync_at

    async def connect(self, service: str, fields: Mapping[str, str],
                      base_url: str | None = None) -> str:
        """Test the fields against the ATS and, when it answers, keep them in the keychain;
        answers the test's words. Raises the connector's error (nothing kept) otherwise."""
        spec = self.spec(service)
        missing = [f.label for f in spec.fields if f.required and not fields.get(f.name)]
        if missing:
            raise ValidationProblem(f"Fill in {', '.join(missing)} to connect {spec.title}.")
        if self.store is None:
            raise ValidationProblem("The keychain is not available here; connections cannot "
                                    "be kept.")
        base = (base_url or spec.default_base).rstrip("/")
        kept: dict[str, str] = dict(fields)

        async def persist(name: str, value: str) -> None:
            kept[name] = value

        client = await spec.make_client(dict(fields), base, persist)
        try:
            words = await client.test_connection()
        finally:
            await client.aclose()
        await creds.save(spec, self.store, kept, base)
        self._resume(service)
        self.bus.publish(AtsChanged(service))
        return words

    async def test(self, service: str) -> str:
        """Test the kept connection; raises the connector's error with its words."""
        spec = self.spec(service)
        make = creds.client_factory(spec, self.store, self.env)
        client = await make()
        if client is None:
            raise ValidationProblem(f"{spec.title} is not connected.")
        try:
            words = await client.test_connection()
        finally:
            await client.aclose()
        self._resume(service)
        return words

    async def disconnect(self, service: str) -> None:
        """Forget the credentials (jobs, people and links stay; sync stops)."""
        spec = self.spec(service)
        if self.store is not None:
            await creds.forget(spec, self.store)
        self.bus.publish(AtsChanged(service))

    def _resume(self, service: str) -> None:
        if self.engine is not None and service in getattr(self.engine, "services", []):
            self.engine.resume(service)

    async def sync_now(self, service: str) -> None:
        if self.engine is None or service not in self.engine.services:
            raise ValidationProblem(f"{self.title(service)} sync is not running.")
        await self.engine.run_once(service)
        self.bus.publish(AtsChanged(service))

    # -- jobs and links ----------------------------------------------------------------
    async def jobs(self, service: str | None = None, search: str = "",
                   include_closed: bool = True) -> list[AtsJobRow]:
        rows = await self.db.read(functools.partial(_jobs, service=service, search=search,
                                                    include_closed=include_closed))
        return [self._row(r) for r in rows]

    def _row(self, r: dict[str, Any]) -> AtsJobRow:
        return AtsJobRow(
            r["id"], r["provider"], self.title(r["provider"]), r["external_id"], r["title"],
            r["status"], r["location"],
            tuple((str(st.get("id", "")), str(st.get("name", ""))) for st in r["stages"]
                  if isinstance(st, dict)),
            r["candidates"], r["waiting"], r["interviewer_id"], r["interviewer_name"],
            r["auto_invite"], dict(r["stage_mapping"] or {}),
            {**DEFAULT_WRITE_BACK, **(r["write_back"] or {})}, r["updated_at"])

    async def job(self, job_id: int) -> AtsJobRow:
        rows = await self.db.read(functools.partial(_jobs, job_id=job_id))
        if not rows:
            raise ValidationProblem("That ATS job is no longer in the workspace.")
        return self._row(rows[0])

    async def job_of_interviewer(self, interviewer_id: int) -> AtsJobRow | None:
        rows = await self.db.read(functools.partial(_jobs, interviewer_id=interviewer_id))
        return self._row(rows[0]) if rows else None

    async def link_job(self, job_id: int, interviewer_id: int,
                       settings: LinkSettings | None = None) -> AtsJobRow:
        """Link an ATS job to an interviewer (one job per interviewer, one interviewer per
        job); its people become that interviewer's candidates-to-be."""
        now = self.clock()

        def write(s: Session) -> list[int]:
            job = s.get(AtsJob, job_id)
            iv = s.get(Interviewer, interviewer_id)
            if job is None or iv is None:
                raise ValidationProblem("That job or interviewer is no longer there.")
            touched = [interviewer_id]
            for other in s.scalars(select(AtsJob).where(AtsJob.interviewer_id == interviewer_id,
                                                        AtsJob.id != job_id)):
                other.interviewer_id = None
            if job.interviewer_id not in (None, interviewer_id):
                old = s.get(Interviewer, job.interviewer_id)
                if old is not None:
                    old.ats_provider = old.ats_job_id = None
                    old.ats_synced_at = None
                    touched.append(old.id)
            job.interviewer_id = interviewer_id
            job.linked_at = now
            if settings is not None:
                job.stage_mapping = dict(settings.stage_mapping)
                job.write_back = dict(settings.write_back)
                job.auto_invite = settings.auto_invite
            elif not job.write_back:
                job.write_back = dict(DEFAULT_WRITE_BACK)
            iv.ats_provider = job.provider
            iv.ats_job_id = job.external_id
            iv.ats_synced_at = job.seen_at
            results.tie_job(s, job)
            return touched

        touched = await self.db.write(write)
        self.bus.publish(AtsChanged())
        self.bus.publish(InterviewersChanged(tuple(touched)))
        return await self.job(job_id)

    async def unlink_job(self, job_id: int) -> None:
        def write(s: Session) -> int | None:
            job = s.get(AtsJob, job_id)
            if job is None or job.interviewer_id is None:
                return None
            iv = s.get(Interviewer, job.interviewer_id)
            if iv is not None:
                iv.ats_provider = iv.ats_job_id = None
                iv.ats_synced_at = None
            was, job.interviewer_id = job.interviewer_id, None
            return was

        was = await self.db.write(write)
        self.bus.publish(AtsChanged())
        if was is not None:
            self.bus.publish(InterviewersChanged((was,)))

    async def save_link(self, job_id: int, settings: LinkSettings) -> AtsJobRow:
        def write(s: Session) -> None:
            job = s.get(AtsJob, job_id)
            if job is None:
                raise ValidationProblem("That ATS job is no longer in the workspace.")
            stage_ids = {str(st.get("id")) for st in job.stages if isinstance(st, dict)}
            for outcome, target in settings.stage_mapping.items():
                if target and target != "reject" and stage_ids and target not in stage_ids:
                    raise ValidationProblem(
                        f"The stage chosen for “{outcome}” is not a stage of {job.title}.")
            job.stage_mapping = {k: v for k, v in settings.stage_mapping.items() if v}
            job.write_back = dict(settings.write_back)
            job.auto_invite = settings.auto_invite

        await self.db.write(write)
        self.bus.publish(AtsChanged())
        return await self.job(job_id)

    async def invite_waiting(self, job_id: int) -> Any:
        """Invite the linked job's people who are not invited yet (the outreach report)."""
        job = await self.job(job_id)
        if job.interviewer_id is None:
            raise ValidationProblem("Link the job to an interviewer first.")
        ids = await self.db.read(functools.partial(results.waiting_people, job_id=job_id))
        if not ids:
            raise ValidationProblem("Everyone of this job is already invited.")
        from milo_desktop.enums import CandidateSource

        report = await self.outreach.invite(ids, job.interviewer_id, source=CandidateSource.ATS)
        await self.db.write(functools.partial(results.tie_job_by_id, job_id=job_id))
        self.bus.publish(AtsChanged(job.service))
        return report

    # -- the Interviewers table's ATS column ---------------------------------------------
    async def ats_lines(self, interviewer_ids: Sequence[int]) -> dict[int, str]:
        """"Greenhouse · synced 2 min ago", or the ATS's problem, per linked interviewer."""
        linked = await self.db.read(functools.partial(_links_of, ids=list(interviewer_ids)))
        return {iv_id: self.line(service, seen)[0] for iv_id, (service, seen) in linked.items()}

    def line(self, service: str, seen: dt.datetime | None) -> tuple[str, bool]:
        """The ATS column's words for an interviewer linked to ``service`` whose job was last
        seen at ``seen``, and whether they name a problem; no query (the table calls it per
        row from what the row holds and the sync engine's state)."""
        title = self.title(service)
        state, message, last = self._state(service, True)
        if state == "not_configured":
            return f"{title} · not connected", True
        if state in ("idle", "syncing"):
            if last is None and seen is None:
                return f"{title} · not synced yet", False
            return f"{title} · synced {ago(last or seen, self.clock())}", False
        return f"{title} · {message}", True

    # -- send results ----------------------------------------------------------------------
    async def send_results(self, application_ids: Sequence[int]) -> SendReport:
        """Queue "Send results to ATS" for each application (outbox, exactly once each)."""
        report: SendReport = await self.db.write(functools.partial(
            results.queue_results, application_ids=list(application_ids), now=self.clock()))
        return report


def _last_success(s: Session) -> dict[str, dt.datetime]:
    """Each ATS's last complete import of people (its cursor's last success)."""
    rows = s.execute(select(SyncCursor.service, SyncCursor.last_success_at)
                     .where(SyncCursor.resource == "candidates",
                            SyncCursor.last_success_at.is_not(None)))
    return {service: when for service, when in rows if when is not None}


def _counts(s: Session) -> dict[str, tuple[int, int, int, int]]:
    jobs = dict(s.execute(select(AtsJob.provider, func.count()).group_by(AtsJob.provider)).tuples().all())
    linked = dict(s.execute(select(AtsJob.provider, func.count())
                            .where(AtsJob.interviewer_id.is_not(None))
                            .group_by(AtsJob.provider)).tuples().all())
    people = dict(s.execute(select(ExternalIdentity.provider, func.count())
                            .where(ExternalIdentity.kind == "candidate",
                                   ExternalIdentity.deleted_at.is_(None))
                            .group_by(ExternalIdentity.provider)).tuples().all())
    problems = dict(s.execute(select(QuarantinedRecord.service, func.count())
                              .where(QuarantinedRecord.resolved_at.is_(None))
                              .group_by(QuarantinedRecord.service)).tuples().all())
    keys = set(jobs) | set(people) | set(problems)
    return {k: (jobs.get(k, 0), linked.get(k, 0), people.get(k, 0), problems.get(k, 0))
            for k in keys}


def _jobs(s: Session, *, service: str | None = None, search: str = "",
          include_closed: bool = True, job_id: int | None = None,
          interviewer_id: int | None = None) -> list[dict[str, Any]]:
    q = (select(AtsJob, Interviewer.name).outerjoin(Interviewer,
                                                     Interviewer.id == AtsJob.interviewer_id)
         .where(AtsJob.deleted.is_(False)))
    if service:
        q = q.where(AtsJob.provider == service)
    if search.strip():
        q = q.where(func.lower(AtsJob.title).contains(search.strip().lower(), autoescape=True))
    if not include_closed:
        q = q.where(AtsJob.status == "open")
    if job_id is not None:
        q = q.where(AtsJob.id == job_id)
    if interviewer_id is not None:
        q = q.where(AtsJob.interviewer_id == interviewer_id)
    q = q.order_by(AtsJob.interviewer_id.is_(None), AtsJob.status != "open", AtsJob.title,
                   AtsJob.id).limit(2000)
    found = s.execute(q).all()
    counts = results.job_counts(s, [job for job, _ in found])
    return [{"id": job.id, "provider": job.provider, "external_id": job.external_id,
             "title": job.title, "status": job.status, "location": job.location,
             "stages": job.stages or [], "candidates": counts.get(job.id, (0, 0))[0],
             "waiting": counts.get(job.id, (0, 0))[1], "interviewer_id": job.interviewer_id,
             "interviewer_name": name, "auto_invite": job.auto_invite,
             "stage_mapping": job.stage_mapping, "write_back": job.write_back,
             "updated_at": job.updated_at} for job, name in found]


def _links_of(s: Session, ids: list[int]) -> dict[int, tuple[str, dt.datetime | None]]:
    if not ids:
        return {}
    rows = s.execute(select(Interviewer.id, Interviewer.ats_provider, Interviewer.ats_synced_at)
                     .where(Interviewer.id.in_(ids), Interviewer.ats_provider.is_not(None)))
    return {i: (p, t) for i, p, t in rows if p}


__all__ = ["AtsService", "ago"]
