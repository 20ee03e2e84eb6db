"""The shared connector suite: every ATS connector, against its own sandbox over a socket,
through the same sync job and store as the app (``services/ats/sync.py``), on a real
workspace database.

For each of Greenhouse, Lever, Workable and Bullhorn: a full import, an incremental round,
paging, a 429 storm, token expiry, a refused sign-in (401), a malformed page, a poison record,
a round killed mid-import and resumed (nothing lost or doubled), and "Send results to ATS"
through the outbox, exactly once, reconciled after a crash by reading the ATS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import ApplicationStatus
from milo_desktop.models import (
    AtsJob,
    Candidate,
    ExternalIdentity,
    OutboxItem,
    QuarantinedRecord,
    SyncCursor,
)
from milo_desktop.services.ats.results import AtsResultHandler, kind_for
from milo_desktop.services.ats.sync import AtsSync
from milo_desktop.services.ats.views import LinkSettings
from milo_desktop.services.connectors.ats.http import RetryPolicy
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.sync.outbox import OutboxWorker
from milo_desktop.services.workspace import Workspace
from tests.ats_kits import NAMES, kit
from tests.factories import make_application, make_interviewer

FAST = RetryPolicy(attempts=6, base_delay=0.0, max_delay=0.0, network_attempts=2)
PEOPLE = [("Ana", "Lopez"), ("Ben", "Cho"), ("Carla", "Diaz"), ("Dev", "Patel"),
          ("Eve", "Adams"), ("Femi", "Okafor"), ("Gus", "Berg")]


class Crash(Exception):
    """A process killed between two pages."""


class Rig:
    def __init__(self, name: str, ws: Workspace) -> None:
        self.kit = kit(name)
        self.spec = self.kit.SPEC
        self.sandbox = self.kit.SANDBOX()
        self.ws = ws
        self.stored: dict[str, str] = {}
        self.clients: list[Any] = []

    async def persist(self, field: str, value: str) -> None:
        self.stored[field] = value

    async def client(self) -> Any:
        fields = {**self.sandbox.credentials(), **self.stored}
        client = await self.spec.make_client(fields, self.sandbox.base_url, self.persist)
        client.http.policy = FAST
        self.clients.append(client)
        return client

    def job(self, *, after_page: Any = None) -> AtsSync:
        sync = AtsSync(self.ws.db, self.spec.service, self.spec.title, self.client,
                       after_page=after_page, prefetch=self.spec.prefetch)
        return sync

    def seed(self, n: int = len(PEOPLE)) -> tuple[str, list[str]]:
        job = self.sandbox.add_job("Forklift Operator", ["Applied", "Phone Screen", "Offer"])
        ids = [self.sandbox.add_candidate(first, last, f"{first.lower()}.{last.lower()}@example.com",
                                          f"+1214555{100 + i:04d}", job)
               for i, (first, last) in enumerate(PEOPLE[:n])]
        return job, ids

    def count(self, model: Any, *where: Any) -> int:
        return self.ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)
                                                      .where(*where)))

    def people(self) -> int:
        return self.count(ExternalIdentity, ExternalIdentity.provider == self.spec.service,
                          ExternalIdentity.kind == "candidate")


@pytest.fixture(params=NAMES)
def rig(request: pytest.FixtureRequest, sqlite_workspace: Workspace) -> Iterator[Rig]:
    r = Rig(request.param, sqlite_workspace)
    with r.sandbox.running():
        yield r


def test_full_import(rig: Rig, arun: Any) -> None:
    job, ids = rig.seed()
    result = arun(rig.job().run(lambda n: None))
    assert result.count("candidates") >= len(ids)
    assert rig.people() == len(ids)
    assert rig.count(Candidate) == len(ids)
    assert rig.count(AtsJob, AtsJob.external_id == job) == 1
    apps = rig.count(ExternalIdentity, ExternalIdentity.kind == "application",
                     ExternalIdentity.job_external_id == job)
    assert apps == len(ids)
    emails = set(rig.ws.db.run_sync(lambda s: list(s.scalars(select(Candidate.email)))))
    assert "ana.lopez@example.com" in emails


def test_incremental_round_reads_changes_and_new_people(rig: Rig, arun: Any) -> None:
    _job, ids = rig.seed()
    sync = rig.job()
    arun(sync.run(lambda n: None))
    rig.sandbox.update_candidate(ids[1], last="Cho-Park")
    job2 = rig.sandbox.add_job("Night Picker", ["Applied", "Interview"])
    rig.sandbox.add_candidate("Hana", "Mori", "hana.mori@example.com", "+12145550199", job2)
    second = arun(sync.run(lambda n: None))
    assert second.count("candidates") < len(ids) + 1  # not everything again
    assert rig.people() == len(ids) + 1
    names = set(rig.ws.db.run_sync(lambda s: list(s.scalars(select(Candidate.full_name)))))
    assert {"Ben Cho-Park", "Hana Mori"} <= names
    assert rig.count(AtsJob) == 2


def test_paging(rig: Rig, arun: Any) -> None:
    rig.sandbox.max_page_size = 3
    _job, ids = rig.seed()
    arun(rig.job().run(lambda n: None))
    assert rig.people() == len(ids)


def test_a_429_storm_is_waited_out(rig: Rig, arun: Any) -> None:
    _job, ids = rig.seed()
    rig.sandbox.inject("429", count=3)
    arun(rig.job().run(lambda n: None))
    assert rig.people() == len(ids)
    assert rig.sandbox.count() >= 4


def test_an_expired_token_is_renewed(rig: Rig, arun: Any) -> None:
    rig.seed(3)
    sync = rig.job()
    arun(sync.run(lambda n: None))
    rig.sandbox.expire_tokens()
    rig.sandbox.add_candidate("Iris", "Nye", "iris.nye@example.com", "+12145550188",
                              rig.sandbox.add_job("Loader", ["Applied"]))
    arun(sync.run(lambda n: None))
    assert rig.people() == 4


def test_a_refused_sign_in_stops_the_service_with_the_reason(rig: Rig, arun: Any) -> None:
    rig.seed(2)
    rig.sandbox.inject("401", count=1000)
    engine = SyncEngine(rig.ws.db, rig.ws.bus)
    engine.register(rig.job())
    status = arun(engine.run_once(rig.spec.service))
    assert status.state == ServiceState.AUTH_FAILED
    assert rig.spec.title in status.message
    assert rig.people() == 0


# The request that lists people, per ATS (a fault is aimed at it).
PEOPLE_LIST = {"greenhouse": r"^/v3/candidates$", "lever": r"/opportunities$",
               "workable": r"/candidates$", "bullhorn": r"/search/Candidate$"}


def _candidates_path(rig: Rig) -> str:
    return PEOPLE_LIST[rig.spec.service]


def test_a_malformed_page_is_kept_aside_and_read_again(rig: Rig, arun: Any) -> None:
    _job, ids = rig.seed()
    rig.sandbox.inject("malformed", count=1, path=_candidates_path(rig))
    sync = rig.job()
    arun(sync.run(lambda n: None))
    held = rig.count(QuarantinedRecord, QuarantinedRecord.service == rig.spec.service)
    assert held >= 1
    arun(sync.run(lambda n: None))
    assert rig.people() == len(ids)


def test_a_poison_record_is_quarantined_and_the_rest_stored(rig: Rig, arun: Any) -> None:
    _job, ids = rig.seed()
    rig.sandbox.inject("poison", count=1, path=_candidates_path(rig))
    arun(rig.job().run(lambda n: None))
    assert rig.people() == len(ids)
    assert rig.count(QuarantinedRecord, QuarantinedRecord.service == rig.spec.service) == 1


def test_killed_mid_import_and_resumed_loses_and_doubles_nothing(rig: Rig, arun: Any) -> None:
    rig.sandbox.max_page_size = 2
    _job, ids = rig.seed()
    pages: list[str] = []

    def crash(resource: str, page: int) -> None:
        pages.append(resource)
        if resource == "candidates" and page == 2:
            raise Crash("killed")

    with pytest.raises(Crash):
        arun(rig.job(after_page=crash).run(lambda n: None))
    partial = rig.people()
    assert 0 < partial < len(ids)
    cursor = rig.ws.db.run_sync(lambda s: s.get(SyncCursor, (rig.spec.service, "candidates")))
    assert cursor is not None and cursor.last_success_at is None  # mid-walk
    arun(rig.job().run(lambda n: None))
    assert rig.people() == len(ids)
    assert rig.count(Candidate) == len(ids)


def _link(rig: Rig, arun: Any, job: str, mapping_stage: str | None) -> tuple[int, int, str]:
    arun(rig.job().run(lambda n: None))
    iv = make_interviewer(rig.ws)
    row = rig.ws.db.run_sync(lambda s: s.scalars(select(AtsJob).where(
        AtsJob.external_id == job)).one())
    stage = mapping_stage or (row.stages[1]["id"] if len(row.stages) > 1 else None)
    mapping = {"completed": stage} if stage else {}
    arun(rig.ws.ats.link_job(row.id, iv, LinkSettings(mapping, {"note": True, "move": True},
                                                      False)))
    cid = rig.ws.db.run_sync(lambda s: s.scalar(select(Candidate.id).where(
        Candidate.email == "ana.lopez@example.com")))
    app = make_application(rig.ws, cid, iv, ApplicationStatus.COMPLETED,
                           stage_scores={0: 81.0, 1: 77.0}, score=79.0)
    return iv, app, stage or ""


def test_send_results_writes_the_note_and_the_move_exactly_once(rig: Rig, arun: Any) -> None:
    job, ids = rig.seed(2)
    _iv, app, stage = _link(rig, arun, job, None)
    arun(rig.ws.ats.send_results([app]))
    handler = AtsResultHandler(rig.ws.db, rig.spec.service, rig.spec.title, rig.client)
    worker = OutboxWorker(rig.ws.db, {kind_for(rig.spec.service): handler})
    assert arun(worker.run_once()) == 1
    notes = rig.sandbox.notes_of(ids[0])
    assert len(notes) == 1 and "Overall score: 79/100" in notes[0]
    (ats_app,) = rig.sandbox.applications_of(ids[0])
    if stage:
        assert rig.sandbox.stage_of(ats_app) == stage
    assert arun(worker.run_once()) == 0
    assert len(rig.sandbox.notes_of(ids[0])) == 1
    row = rig.ws.db.run_sync(lambda s: s.scalars(select(OutboxItem)).one())
    assert str(row.status) == "done"


def test_send_results_after_a_crash_reads_the_ats_before_any_resend(rig: Rig, arun: Any) -> None:
    job, ids = rig.seed(2)
    _iv, app, _stage = _link(rig, arun, job, None)
    arun(rig.ws.ats.send_results([app]))
    handler = AtsResultHandler(rig.ws.db, rig.spec.service, rig.spec.title, rig.client)
    worker = OutboxWorker(rig.ws.db, {kind_for(rig.spec.service): handler})
    # The first process sent the note, then died before marking the row done.
    row_id = rig.ws.db.run_sync(lambda s: s.scalar(select(OutboxItem.id)))

    async def sent_then_killed() -> None:
        from milo_desktop.services.sync.outbox import _row  # the worker's own view of a row

        item = await rig.ws.db.read(lambda s: _row(s.get(OutboxItem, row_id)))
        assert await handler.start_round()
        await handler.send(item)
        await handler.end_round()
        await rig.ws.db.write(lambda s: setattr(s.get(OutboxItem, row_id), "status", "sending"))

    arun(sent_then_killed())
    assert len(rig.sandbox.notes_of(ids[0])) == 1
    arun(worker.run_once())  # reconciles first: the ATS has it all, so it is not sent again
    assert len(rig.sandbox.notes_of(ids[0])) == 1
    row = rig.ws.db.run_sync(lambda s: s.get(OutboxItem, row_id))
    assert str(row.status) == "done" and row.provider_ref


def test_the_cursor_is_saved_with_its_page(rig: Rig, arun: Any) -> None:
    rig.sandbox.max_page_size = 3
    rig.seed()
    seen: list[int] = []

    def after(resource: str, page: int) -> None:
        if resource == "candidates":
            seen.append(rig.people())

    arun(rig.job(after_page=after).run(lambda n: None))
    assert seen == sorted(seen) and seen[-1] == len(PEOPLE)
    assert rig.ws.db.run_sync(lambda s: s.get(SyncCursor, (rig.spec.service, "candidates"))
                              ).last_success_at is not None



