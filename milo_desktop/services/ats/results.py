"""Send results to ATS: what is queued, and the outbox handler that writes it exactly once.

``queue_results`` (the Candidates tab's action, for one or many applications) builds, in the
user's transaction, one outbox row per application of an interviewer linked to an ATS job:
the note (score summary, each stage's score, the interview link), the stage move or rejection
the link's mapping says for the application's outcome, and a contact-history row ("Sent to
Greenhouse: note, moved to Phone Screen" once done). The row's idempotency key holds a hash of
what is sent, so sending the same results twice queues nothing new.

``AtsResultHandler`` (outbox kind ``ats_result.<service>``) performs a row against the ATS,
each step idempotent: the person is found by their identity, else searched by email at the
ATS, else created (the ATS's own duplicate merging ignores API writes); the note carries a
marker and is only added when no note with that marker is there; the move happens only when
the application is not already in the target stage; a rejection of a rejected application is
done. After a crash, ``find_sent`` reads the ATS: everything there → done; otherwise the row
is sent again and the steps already done are skipped.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, Channel, Direction, MessageStatus
from milo_desktop.models import (
    Application,
    AtsJob,
    Candidate,
    ExternalIdentity,
    Interviewer,
    Message,
    Stage,
    StageResult,
)
from milo_desktop.services.ats.views import OUTCOME_WORDS, REJECT, SendReport
from milo_desktop.services.connectors import ConnectorProblem, NotFoundAtProvider, ProviderError
from milo_desktop.services.connectors.ats.client import AtsClient, NewCandidate
from milo_desktop.services.connectors.ats.records import CandidateRecord
from milo_desktop.services.core.database import Database
from milo_desktop.services.links import link_for
from milo_desktop.services.sync.outbox import NotSent, OutboxRow, Refused, enqueue

log = logging.getLogger(__name__)
KIND_PREFIX = "ats_result."
NOT_LINKED = "its interviewer is not linked to an ATS job"
NO_RESULTS = "no results yet (the interview has not finished)"
ALREADY = "these results were already sent"
NO_CONTACT = "not at the ATS and no email to find or create them by"

_FINISHED = {ApplicationStatus.COMPLETED, ApplicationStatus.KNOCKED_OUT,
             ApplicationStatus.SHORTLISTED, ApplicationStatus.DISMISSED}


def kind_for(service: str) -> str:
    return f"{KIND_PREFIX}{service}"


def outcome_of(app: Application) -> str:
    if app.status == ApplicationStatus.SHORTLISTED:
        return "shortlisted"
    if app.status == ApplicationStatus.DISMISSED:
        return "dismissed"
    if app.status == ApplicationStatus.KNOCKED_OUT or app.knocked_out_stage_id is not None:
        return "knocked_out"
    return "completed"


def note_text(s: Session, app: Application, iv: Interviewer, candidate: Candidate) -> str:
    lines = [f"Milo screening results — {iv.name}",
             f"Candidate: {candidate.full_name}",
             f"Outcome: {OUTCOME_WORDS[outcome_of(app)]}",
             f"Overall score: {round(app.score)}/100" if app.score is not None
             else "Overall score: not scored"]
    rows = s.execute(select(Stage.name, Stage.kind, StageResult.score, StageResult.status)
                     .join(StageResult, StageResult.stage_id == Stage.id)
                     .where(StageResult.application_id == app.id).order_by(Stage.position))
    for name, kind, score, status in rows:
        shown = f"{round(score)}/100" if score is not None else str(status).replace("_", " ")
        lines.append(f"• {name} ({kind}): {shown}")
    lines.append(f"Interview: {link_for(s, iv.slug)}")
    return "\n".join(lines)


def queue_results(s: Session, application_ids: list[int], now: Any) -> SendReport:
    queued = 0
    skipped: dict[str, list[int]] = {}
    for app_id in dict.fromkeys(application_ids):
        app = s.get(Application, app_id)
        if app is None:
            continue
        job = s.scalars(select(AtsJob).where(AtsJob.interviewer_id == app.interviewer_id)).first()
        if job is None:
            skipped.setdefault(NOT_LINKED, []).append(app_id)
            continue
        if app.status not in _FINISHED:
            skipped.setdefault(NO_RESULTS, []).append(app_id)
            continue
        iv = s.get(Interviewer, app.interviewer_id)
        cand = s.get(Candidate, app.candidate_id)
        assert iv is not None and cand is not None
        person = s.scalars(select(ExternalIdentity).where(
            ExternalIdentity.provider == job.provider, ExternalIdentity.kind == "candidate",
            ExternalIdentity.candidate_id == cand.id)).first()
        at_ats = s.scalars(select(ExternalIdentity).where(
            ExternalIdentity.provider == job.provider, ExternalIdentity.kind == "application",
            ExternalIdentity.candidate_id == cand.id,
            ExternalIdentity.job_external_id == job.external_id)).first()
        if person is None and not cand.email:
            skipped.setdefault(NO_CONTACT, []).append(app_id)
            continue
        outcome = outcome_of(app)
        write_back = job.write_back or {}
        target = (job.stage_mapping or {}).get(outcome)
        move_to = target if target and target != REJECT and write_back.get("move", True) else None
        reject = (str(write_back.get("reject_reason") or "Did not pass the screening")
                  if target == REJECT and write_back.get("reject", False) else None)
        note = note_text(s, app, iv, cand) if write_back.get("note", True) else None
        if note is None and move_to is None and reject is None:
            skipped.setdefault("the link writes nothing back (no note, move or rejection)",
                               []).append(app_id)
            continue
        digest = hashlib.sha256(repr((note, move_to, reject)).encode()).hexdigest()[:16]
        key = f"ats:{job.provider}:{app_id}:{digest}"
        from milo_desktop.models import OutboxItem

        if s.scalar(select(OutboxItem.id).where(OutboxItem.idempotency_key == key)) is not None:
            skipped.setdefault(ALREADY, []).append(app_id)
            continue
        stage_name = next((str(st.get("name")) for st in job.stages or []
                           if isinstance(st, dict) and str(st.get("id")) == move_to), None)
        plan = ", ".join(p for p in ("note" if note else "",
                                     f"move to {stage_name or move_to}" if move_to else "",
                                     "reject" if reject else "") if p)
        msg = Message(candidate_id=cand.id, application_id=app.id, channel=Channel.ATS,
                      direction=Direction.OUTBOUND, purpose="ats_result",
                      to_addr=job.provider, subject=f"To {job.provider.title()}: {plan}",
                      body=note or "", status=MessageStatus.QUEUED, created_at=now)
        s.add(msg)
        s.flush()
        enqueue(s, kind_for(job.provider), {
            "service": job.provider, "application_id": app.id, "candidate_id": cand.id,
            "job": job.external_id, "ats_candidate_id": person.external_id if person else None,
            "ats_application_id": at_ats.external_id if at_ats else None,
            "first_name": cand.full_name.split(" ")[0],
            "last_name": " ".join(cand.full_name.split(" ")[1:]) or cand.full_name,
            "email": cand.email, "phone": cand.phone_e164, "marker": f"[milo:{key}]",
            "note": note, "move_to": move_to, "move_to_name": stage_name, "reject": reject,
        }, key, message_id=msg.id, now=now)
        queued += 1
    return SendReport(queued, skipped)


# -- links and counts (used by AtsService) -------------------------------------------------
def tie_job(s: Session, job: AtsJob) -> int:
    """Tie this job's ATS applications to the linked interviewer's applications."""
    if job.interviewer_id is None:
        return 0
    from milo_desktop.services.ats.store import tie_applications

    return tie_applications(s, job.provider, job.interviewer_id, job.external_id)


def tie_job_by_id(s: Session, job_id: int) -> int:
    job = s.get(AtsJob, job_id)
    return tie_job(s, job) if job is not None else 0


def waiting_people(s: Session, job_id: int) -> list[int]:
    """People with an active application to the linked job and no application of ours."""
    job = s.get(AtsJob, job_id)
    if job is None or job.interviewer_id is None:
        return []
    q = (select(ExternalIdentity.candidate_id).distinct()
         .outerjoin(Application, and_(Application.candidate_id == ExternalIdentity.candidate_id,
                                      Application.interviewer_id == job.interviewer_id))
         .where(ExternalIdentity.provider == job.provider,
                ExternalIdentity.kind == "application",
                ExternalIdentity.job_external_id == job.external_id,
                ExternalIdentity.status == "active", ExternalIdentity.deleted_at.is_(None),
                Application.id.is_(None)))
    return list(s.scalars(q))


def job_counts(s: Session, jobs: Sequence[AtsJob]) -> dict[int, tuple[int, int]]:
    """Job id → (people with an application to it, linked-job people not invited yet)."""
    out: dict[int, tuple[int, int]] = {}
    by_provider: dict[str, list[AtsJob]] = {}
    for job in jobs:
        by_provider.setdefault(job.provider, []).append(job)
    for provider, group in by_provider.items():
        ext = {j.external_id: j for j in group}
        totals = dict(s.execute(
            select(ExternalIdentity.job_external_id, func.count(ExternalIdentity.id))
            .where(ExternalIdentity.provider == provider, ExternalIdentity.kind == "application",
                   ExternalIdentity.deleted_at.is_(None),
                   ExternalIdentity.job_external_id.in_(list(ext)))
            .group_by(ExternalIdentity.job_external_id)).tuples().all())
        for e, job in ext.items():
            waiting = len(waiting_people(s, job.id)) if job.interviewer_id is not None else 0
            out[job.id] = (int(totals.get(e, 0)), waiting)
    return out


# -- the outbox handler ----------------------------------------------------------------------
class AtsResultHandler:
    """Performs ``ats_result.<service>`` rows (see the module docstring). Round-aware: one
    client per outbox round."""

    def __init__(self, db: Database, service: str, title: str,
                 factory: Callable[[], Awaitable[AtsClient | None]]) -> None:
        self.db = db
        self.service = service
        self.title = title
        self.factory = factory
        self._client: AtsClient | None = None

    async def start_round(self) -> bool:
        self._client = await self.factory()
        return self._client is not None

    async def end_round(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _c(self) -> AtsClient:
        if self._client is None:
            raise NotSent(f"{self.title} is not connected.")
        return self._client

    async def find_sent(self, row: OutboxRow) -> str | None:
        p = row.payload
        client = self._c()
        try:
            cand = p.get("ats_candidate_id") or await self._found_person(client, p)
            if cand is None:
                return None
            note = None
            if p.get("note"):
                note = await client.find_note(cand, p.get("ats_application_id"), p["marker"])
                if note is None:
                    return None
            app_ext = p.get("ats_application_id")
            if app_ext and (p.get("move_to") or p.get("reject")):
                current = await client.application(app_ext)
                if current is None:
                    return None
                if p.get("reject") and current["status"] != "rejected":
                    return None
                if p.get("move_to") and not p.get("reject") and current["stage_id"] != p["move_to"]:
                    return None
            await self._done(row, p)
            return note.id if note else f"{self.service}:{app_ext or cand}"
        except ConnectorProblem as exc:
            raise NotSent(exc.message, problem=exc) from exc

    async def _found_person(self, client: AtsClient, p: dict[str, Any]) -> str | None:
        if not p.get("email"):
            return None
        found = await client.find_by_email(p["email"])
        return found[0]["id"] if found else None

    async def send(self, row: OutboxRow) -> str:
        p = dict(row.payload)
        client = self._c()
        try:
            return await self._perform(client, row, p)
        except NotFoundAtProvider as exc:
            # Greenhouse: a record created a moment ago can 404 for a while. Try again later.
            raise NotSent(f"{self.title} does not show the record yet; trying again shortly.") \
                from exc
        except ProviderError as exc:
            if exc.server_side or exc.status in (0, 408, 429):
                raise NotSent(exc.message, problem=exc) from exc
            raise Refused(exc.message) from exc
        except ConnectorProblem as exc:
            raise NotSent(exc.message, problem=exc) from exc

    async def _perform(self, client: AtsClient, row: OutboxRow, p: dict[str, Any]) -> str:
        cand = p.get("ats_candidate_id")
        app_ext = p.get("ats_application_id")
        if cand is None:
            found: list[CandidateRecord] = (await client.find_by_email(p["email"])
                                            if p.get("email") else [])
            record = found[0] if found else await client.create_candidate(NewCandidate(
                p["first_name"], p["last_name"], p.get("email"), p.get("phone"), p["job"]))
            cand = record["id"]
            app_ext = next((a["id"] for a in record["applications"] if a["job_id"] == p["job"]),
                           app_ext)
            await self.db.write(functools.partial(_remember, service=self.service, p=p,
                                                  record=record))
        ref = f"{self.service}:{app_ext or cand}"
        if p.get("note"):
            note = await client.find_note(cand, app_ext, p["marker"])
            ref = note.id if note else await client.add_note(
                cand, app_ext, f"{p['note']}\n\n{p['marker']}")
        if app_ext and p.get("reject"):
            await client.reject(app_ext, p["reject"])
        elif app_ext and p.get("move_to"):
            current = await client.application(app_ext)
            if current is None or current["stage_id"] != p["move_to"]:
                await client.move(app_ext, p["move_to"], current["stage_id"] if current else None)
        await self._done(row, {**p, "ats_application_id": app_ext})
        return ref

    async def _done(self, row: OutboxRow, p: dict[str, Any]) -> None:
        done = ["note"] if p.get("note") else []
        if p.get("ats_application_id") and p.get("reject"):
            done.append("rejected")
        elif p.get("ats_application_id") and p.get("move_to"):
            done.append(f"moved to {p.get('move_to_name') or p['move_to']}")
        words = f"Sent to {self.title}: {', '.join(done) or 'nothing to write'}"
        if row.message_id is not None:
            await self.db.write(lambda s: s.execute(
                update(Message).where(Message.id == row.message_id).values(subject=words[:200])))


def _remember(s: Session, service: str, p: dict[str, Any], record: CandidateRecord) -> None:
    """The person found or created at the ATS becomes their identity there."""
    from milo_desktop.models.base import utcnow
    from milo_desktop.services.ats.store import apply_candidates

    cid = p["candidate_id"]
    exists = s.scalar(select(ExternalIdentity.id).where(
        ExternalIdentity.provider == service, ExternalIdentity.kind == "candidate",
        ExternalIdentity.external_id == record["id"]))
    if exists is None:
        s.add(ExternalIdentity(provider=service, kind="candidate", external_id=record["id"],
                               candidate_id=cid))
        s.flush()
    apply_candidates(s, service, [record], utcnow())
    s.execute(update(ExternalIdentity).where(
        ExternalIdentity.provider == service, ExternalIdentity.kind == "application",
        ExternalIdentity.candidate_id == cid, ExternalIdentity.job_external_id == p["job"])
        .values(application_id=p["application_id"]))


__all__ = ["KIND_PREFIX", "AtsResultHandler", "job_counts", "kind_for", "queue_results",
           "tie_job", "tie_job_by_id", "waiting_people"]
