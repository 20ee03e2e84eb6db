"""What an ATS page becomes in the workspace (SQLite and PostgreSQL): people linked or created
by the de-duplication keys, identities at the provider, linked jobs, deletions, and the
"Send results to ATS" rows queued from the Candidates tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from milo_desktop.enums import ApplicationStatus, CandidateSource, Channel
from milo_desktop.models import (
    AtsJob,
    Candidate,
    ExternalIdentity,
    Message,
    OutboxItem,
    PossibleDuplicate,
)
from milo_desktop.services.ats.results import ALREADY, NO_RESULTS, NOT_LINKED
from milo_desktop.services.ats.store import apply_candidates, apply_jobs
from milo_desktop.services.ats.views import REJECT, LinkSettings
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
GH = "greenhouse"


def person(pid: str, first: str, last: str, email: str | None, *, phone: str | None = None,
           job: str = "J1", stage: str = "S1", status: str = "active", app: str | None = None,
           deleted: bool = False, updated: str = "2026-11-20T10:00:00+00:00") -> dict[str, Any]:
    return {"kind": "candidate", "id": pid, "first_name": first, "last_name": last,
            "emails": [email] if email else [], "phones": [phone] if phone else [],
            "linkedin_url": None, "location": "Dallas, TX", "updated_at": updated,
            "deleted": deleted,
            "applications": [{"id": app or f"A{pid}", "job_id": job, "stage_id": stage,
                              "stage_name": "Applied", "status": status,
                              "updated_at": updated}]}


JOB = {"kind": "job", "id": "J1", "title": "Forklift Operator", "status": "open",
       "location": "Dallas", "stages": [{"id": "S1", "name": "Applied"},
                                        {"id": "S2", "name": "Phone Screen"}],
       "updated_at": "2026-11-19T09:00:00+00:00", "deleted": False}


def store(ws: Workspace, records: list[dict[str, Any]]) -> Any:
    return ws.db.run_sync(lambda s: apply_candidates(s, GH, records, NOW), write=True)


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)
                                             .where(*where)))


def test_a_page_creates_people_once_whatever_how_often_it_is_read(workspace: Workspace) -> None:
    page = [person("1", "Ana", "Lopez", "ana@example.com", phone="(214) 555-0101"),
            person("2", "Ben", "Cho", "ben@example.com")]
    first = store(workspace, page)
    assert len(first.created) == 2
    again = store(workspace, page)
    assert again.created == []
    assert count(workspace, Candidate) == 2
    assert count(workspace, ExternalIdentity, ExternalIdentity.kind == "candidate") == 2
    assert count(workspace, ExternalIdentity, ExternalIdentity.kind == "application") == 2
    ana = workspace.db.run_sync(lambda s: s.scalars(
        select(Candidate).where(Candidate.email == "ana@example.com")).one())
    assert (ana.source, ana.ats_provider, ana.ats_candidate_id) == (CandidateSource.ATS, GH, "1")
    assert ana.phone_e164 == "+12145550101"


def test_a_known_person_is_linked_and_only_their_missing_fields_filled(
        workspace: Workspace) -> None:
    cid = make_candidate(workspace, "Ana Lopez", "ana@example.com", location="Austin, TX")
    out = store(workspace, [person("1", "ANA", "López", "Ana@Example.com",
                                   phone="+12145550101")])
    assert out.created == [] and out.updated == [cid]
    assert count(workspace, Candidate) == 1
    ana = workspace.db.run_sync(lambda s: s.get(Candidate, cid))
    assert ana.phone_e164 == "+12145550101"  # filled
    assert ana.location == "Austin, TX"  # kept: the directory's value is never overwritten
    ident = workspace.db.run_sync(lambda s: s.scalars(select(ExternalIdentity).where(
        ExternalIdentity.kind == "candidate")).one())
    assert ident.candidate_id == cid


def test_a_shared_email_under_another_name_is_only_a_possible_duplicate(
        workspace: Workspace) -> None:
    cid = make_candidate(workspace, "Maria Gomez", "family@example.com")
    out = store(workspace, [person("7", "Jose", "Gomez", "family@example.com")])
    assert len(out.created) == 1 and out.created[0] != cid
    assert out.possible_duplicates == 1
    pair = workspace.db.run_sync(lambda s: s.scalars(select(PossibleDuplicate)).one())
    assert {pair.candidate_id, pair.other_id} == {cid, out.created[0]}
    assert pair.key == "email" and "different names" in pair.reason
    store(workspace, [person("7", "Jose", "Gomez", "family@example.com")])
    assert count(workspace, PossibleDuplicate) == 1  # recorded once


def test_changes_and_deletions_at_the_ats_are_reflected(workspace: Workspace) -> None:
    (cid,) = store(workspace, [person("1", "Ana", "Lopez", "ana@example.com")]).created
    out = store(workspace, [person("1", "Ana", "Lopez-Ruiz", "ana.ruiz@example.com",
                                   updated="2026-11-21T10:00:00+00:00")])
    assert out.updated == [cid]
    ana = workspace.db.run_sync(lambda s: s.get(Candidate, cid))
    assert (ana.full_name, ana.email) == ("Ana Lopez-Ruiz", "ana.ruiz@example.com")
    store(workspace, [person("1", "Ana", "Lopez-Ruiz", "ana.ruiz@example.com", deleted=True)])
    gone = count(workspace, ExternalIdentity, ExternalIdentity.deleted_at.is_not(None))
    assert gone == 2  # the person and their application, marked; nothing of ours deleted
    assert count(workspace, Candidate) == 1


def test_people_of_a_linked_job_wait_or_are_invited_as_the_link_says(
        workspace: Workspace, arun: Any) -> None:
    iv = make_interviewer(workspace)
    workspace.db.run_sync(lambda s: apply_jobs(s, GH, [JOB], NOW), write=True)
    job_id = workspace.db.run_sync(lambda s: s.scalar(select(AtsJob.id)))
    arun(workspace.ats.link_job(job_id, iv, LinkSettings({}, {"note": True}, False)))
    out = store(workspace, [person("1", "Ana", "Lopez", "ana@example.com")])
    assert out.to_invite == {}  # auto-invite off: they wait
    row = arun(workspace.ats.job(job_id))
    assert (row.candidates, row.waiting, row.interviewer_id) == (1, 1, iv)
    arun(workspace.ats.save_link(job_id, LinkSettings({}, {"note": True}, True)))
    out = store(workspace, [person("2", "Ben", "Cho", "ben@example.com")])
    assert list(out.to_invite) == [iv] and len(out.to_invite[iv]) == 1


def _linked(workspace: Workspace, arun: Any, mapping: dict[str, str],
            write_back: dict[str, Any]) -> tuple[int, int]:
    iv = make_interviewer(workspace)
    workspace.db.run_sync(lambda s: apply_jobs(s, GH, [JOB], NOW), write=True)
    job_id = workspace.db.run_sync(lambda s: s.scalar(select(AtsJob.id)))
    (cid,) = store(workspace, [person("1", "Ana", "Lopez", "ana@example.com")]).created
    app = make_application(workspace, cid, iv, ApplicationStatus.COMPLETED,
                           stage_scores={0: 80.0, 1: 70.0}, score=75.0)
    arun(workspace.ats.link_job(job_id, iv, LinkSettings(mapping, write_back, False)))
    return iv, app


def test_send_results_queues_one_row_with_the_note_and_the_mapped_move(
        workspace: Workspace, arun: Any) -> None:
    _iv, app = _linked(workspace, arun, {"completed": "S2"},
                       {"note": True, "move": True, "reject": False})
    report = arun(workspace.ats.send_results([app]))
    assert report.queued == 1 and report.skipped == {}
    row = workspace.db.run_sync(lambda s: s.scalars(select(OutboxItem)).one())
    assert row.kind == "ats_result.greenhouse"
    p = row.payload
    assert (p["ats_candidate_id"], p["ats_application_id"], p["move_to"]) == ("1", "A1", "S2")
    assert "Overall score: 75/100" in p["note"] and "Resume" in p["note"]
    msg = workspace.db.run_sync(lambda s: s.scalars(select(Message)).one())
    assert msg.channel == Channel.ATS and "Phone Screen" in msg.subject
    again = arun(workspace.ats.send_results([app]))
    assert again.queued == 0 and again.skipped == {ALREADY: [app]}


def test_send_results_says_why_it_skips(workspace: Workspace, arun: Any) -> None:
    iv, app = _linked(workspace, arun, {"knocked_out": REJECT}, {"note": True})
    other_iv = make_interviewer(workspace, "Night Picker")
    cid = make_candidate(workspace, "Ben Cho")
    unlinked = make_application(workspace, cid, other_iv, ApplicationStatus.COMPLETED)
    pending = make_application(workspace, cid, iv, ApplicationStatus.IN_PROGRESS)
    report = arun(workspace.ats.send_results([app, unlinked, pending]))
    assert report.queued == 1
    assert report.skipped == {NOT_LINKED: [unlinked], NO_RESULTS: [pending]}


def test_the_profile_says_which_ats_and_which_job(workspace: Workspace, arun: Any) -> None:
    workspace.db.run_sync(lambda s: apply_jobs(s, GH, [JOB], NOW), write=True)
    (cid,) = store(workspace, [person("1", "Ana", "Lopez", "ana@example.com")]).created
    profile = arun(workspace.candidates.profile(cid))
    assert profile.at_ats == (("greenhouse", "Forklift Operator", "Applied", "active"),)
    store(workspace, [person("1", "Ana", "Lopez", "ana@example.com", status="rejected")])
    assert arun(workspace.candidates.profile(cid)).at_ats[0][3] == "rejected"
