"""One ATS sync round: jobs, then candidates with their applications, then invitations.

Each resource is walked by the provider-neutral ``services/sync/pull.py``: every page's rows,
its quarantined records and its cursor (the vendor's page token and the "updated since"
watermark) are written in ONE transaction, so a round killed anywhere resumes without losing
or doubling anyone. People who arrive for a job linked to an interviewer with auto-invite on
are invited through ``OutreachService.invite`` after the page is stored (budget checked
there), and their ATS applications tied to the applications it created.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import CandidateSource
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import AtsJob, Interviewer
from milo_desktop.services.ats.results import tie_job
from milo_desktop.services.ats.store import PageOutcome, apply_candidates, apply_jobs
from milo_desktop.services.connectors.ats.client import AtsClient, AtsPage
from milo_desktop.services.connectors.ats.records import parse_iso
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import (
    AtsChanged,
    CandidatesChanged,
    Event,
    InterviewersChanged,
)
from milo_desktop.services.sync.pull import AfterPage, Resource, pull
from milo_desktop.services.sync.round import Progress, RoundResult, open_connector

log = logging.getLogger(__name__)
Factory = Callable[[], Awaitable[AtsClient | None]]
# A changed record dated a little before the watermark (clock skew between the vendor's
# hosts, a slow transaction) is still read: the overlap is re-read harmlessly (upserts).
OVERLAP = dt.timedelta(minutes=5)


def _date(record: Mapping[str, Any]) -> dt.datetime | None:
    value = record.get("updated_at")
    return parse_iso(value) if isinstance(value, str) else None


class AtsSync:
    """The sync job of one ATS (``service`` / ``run``), for the engine."""

    default_interval = 300.0  # ATS data changes by the hour; five minutes is plenty

    def __init__(self, db: Database, service: str, title: str, factory: Factory, *,
                 invite: Callable[[list[int], int], Awaitable[Any]] | None = None,
                 bus: Any = None, after_page: AfterPage | None = None,
                 prefetch: bool = True,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.db = db
        self.service = service
        self.title = title
        self.factory = factory
        self.invite = invite  # OutreachService.invite(candidate_ids, interviewer_id)
        self.bus = bus
        self.after_page = after_page  # tests: raise here to simulate a crash mid-round
        self.clock = clock
        self.prefetch = prefetch  # ask for the next page while one is written

    def not_connected(self) -> str:
        return (f"{self.title} is not connected. Connect it under Source Candidates → From ATS "
                f"→ {self.title}.")

    async def run(self, progress: Progress) -> RoundResult:
        async with open_connector(self.factory, self.service, self.not_connected()) as client:
            return await self._round(client, progress)

    async def _round(self, client: AtsClient, progress: Progress) -> RoundResult:
        outcomes: list[PageOutcome] = []
        jobs_seen = [0]

        async def jobs_fetch(since: dt.datetime | None, token: str | None) -> AtsPage:
            return await client.jobs_page(since - OVERLAP if since else None, token)

        async def people_fetch(since: dt.datetime | None, token: str | None) -> AtsPage:
            return await client.candidates_page(since - OVERLAP if since else None, token)

        async def same(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return records

        def store_jobs(s: Session, items: list[dict[str, Any]]) -> None:
            jobs_seen[0] += apply_jobs(s, self.service, items, self.clock())

        def store_people(s: Session, items: list[dict[str, Any]]) -> None:
            outcomes.append(apply_candidates(s, self.service, items, self.clock()))

        jobs = await pull(self.db, Resource(self.service, "jobs", jobs_fetch, same, store_jobs,
                                            _date, prefetch=self.prefetch),
                          after_page=self.after_page)
        people = await pull(self.db, Resource(self.service, "candidates", people_fetch, same,
                                              store_people, _date, prefetch=self.prefetch),
                            after_page=self.after_page, on_page=progress)
        invited = await self._invite(outcomes)
        touched = await self.db.write(functools.partial(_synced, service=self.service,
                                                        now=self.clock()))
        created = [c for o in outcomes for c in o.created]
        changed = [c for o in outcomes for c in o.updated]
        events: list[Event] = [AtsChanged(self.service)]
        if created or changed:
            events.append(CandidatesChanged(tuple(dict.fromkeys(created + changed))
                                            if len(created) + len(changed) <= 500 else ()))
        if touched:
            events.append(InterviewersChanged(tuple(touched)))
        return RoundResult(
            pulled={"jobs": jobs.pulled, "candidates": people.pulled, "new people": len(created),
                    "invited": invited},
            quarantined=jobs.quarantined + people.quarantined, events=tuple(events))

    async def _invite(self, outcomes: list[PageOutcome]) -> int:
        """Invite the people who arrived for auto-invite links; the outreach rules apply."""
        if self.invite is None:
            return 0
        wanted: dict[int, list[int]] = {}
        for o in outcomes:
            for iv, cids in o.to_invite.items():
                wanted.setdefault(iv, []).extend(cids)
        invited = 0
        for iv, cids in wanted.items():
            try:
                report = await self.invite(list(dict.fromkeys(cids)), iv)
            except ValidationProblem as exc:  # the interviewer takes no one now: they wait
                log.info("%s: auto-invite to interviewer %s held: %s", self.service, iv,
                         exc.message)
                continue
            invited += int(getattr(report, "queued", 0))
        if wanted:
            await self.db.write(functools.partial(_tie_all, service=self.service,
                                                  interviewers=list(wanted)))
        return invited


def _tie_all(s: Session, service: str, interviewers: list[int]) -> None:
    for job in s.scalars(select(AtsJob).where(AtsJob.provider == service,
                                              AtsJob.interviewer_id.in_(interviewers))):
        tie_job(s, job)


def _synced(s: Session, service: str, now: dt.datetime) -> list[int]:
    """Linked interviewers of this ATS: synced now (the Interviewers table's ATS column)."""
    ids = list(s.scalars(select(Interviewer.id).where(Interviewer.ats_provider == service)))
    if ids:
        s.execute(update(Interviewer).where(Interviewer.id.in_(ids)).values(ats_synced_at=now))
    return ids


def invite_with(outreach: Any) -> Callable[[list[int], int], Awaitable[Any]]:
    async def invite(cids: list[int], interviewer_id: int) -> Any:
        return await outreach.invite(cids, interviewer_id, source=CandidateSource.ATS)

    return invite


__all__ = ["AtsSync", "invite_with"]
