"""A caller is never linked to a directory person on the phone alone when the names differ
(issue 10, point 4): details show a possible match, Ingest adds a new person unless told to
use the match, the evaluator links nobody, and the profile flags two people sharing one
number. And Approve / Reject can be undone (point 15). SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import CallReview
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Candidate, InboundCall, OutboxItem, Receptionist
from milo_desktop.services.call_evaluation.directory import link_and_invite
from milo_desktop.services.candidates import CandidateService
from milo_desktop.services.core.events import CallUpdated
from milo_desktop.services.pipeline import PipelineService
from milo_desktop.services.pipeline.matching import names_agree
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_candidate, make_interviewer
from tests.unit.test_pipeline_service import add_call, add_receptionist

PHONE = "+12145550123"


@pytest.fixture
def svc(workspace: Workspace) -> PipelineService:
    return PipelineService(workspace.db, workspace.bus, clock=lambda: NOW)


@pytest.fixture
def keisha(workspace: Workspace) -> dict[str, int]:
    """Elizabeth Kumar is in the directory; Keisha Haddad rings from the same number."""
    fork = make_interviewer(workspace, "Forklift Operator", deadline=None)
    desk = add_receptionist(workspace, "Dallas Line", "+12145550197", [fork])
    liz = make_candidate(workspace, "Elizabeth Kumar", "liz@mail.example", phone_e164=PHONE)
    call = add_call(workspace, desk, "Keisha Haddad", PHONE, None, NOW)
    return {"fork": fork, "desk": desk, "liz": liz, "call": call}


def test_names_agree_give_or_take_case_accents_middle_names_and_initials() -> None:
    for a, b in (("Keisha Haddad", "keisha haddad"), ("Keisha Haddad", "Keisha M. Haddad"),
                 ("Dana R.", "Dana Ruiz"), ("José Álvarez", "Jose Alvarez"),
                 ("K. Haddad", "Keisha Haddad")):
        assert names_agree(a, b), (a, b)
    for a, b in (("Keisha Haddad", "Elizabeth Kumar"), ("Keisha Haddad", "Keisha Kumar"),
                 ("Keisha", "Keisha Haddad"), ("", "Keisha Haddad"), ("Dana R.", "Dana Smith")):
        assert not names_agree(a, b), (a, b)


def test_same_phone_other_name_is_a_possible_match_never_a_link(
        workspace: Workspace, svc: PipelineService, arun: Any, keisha: dict[str, int]) -> None:
    detail = arun(svc.details(keisha["call"]))
    assert detail.candidate is None  # not "In your directory as Elizabeth Kumar"
    assert detail.possible_match is not None
    assert (detail.possible_match.id, detail.possible_match.full_name) == (
        keisha["liz"], "Elizabeth Kumar")
    # Same phone and the same name: that is the person.
    same = add_call(workspace, keisha["desk"], "elizabeth kumar", PHONE, None, NOW)
    found = arun(svc.details(same))
    assert found.candidate is not None and found.candidate.id == keisha["liz"]
    assert found.possible_match is None


def test_ingest_adds_a_new_person_unless_told_the_caller_is_the_match(
        workspace: Workspace, svc: PipelineService, arun: Any, keisha: dict[str, int]) -> None:
    result = arun(svc.ingest(keisha["call"], keisha["fork"]))
    assert result.candidate_created and result.candidate_id != keisha["liz"]

    def people(s: Any) -> list[tuple[str, str | None]]:
        return [(c.full_name, c.phone_e164) for c in s.scalars(
            select(Candidate).order_by(Candidate.id))]

    assert workspace.db.run_sync(people) == [("Elizabeth Kumar", PHONE), ("Keisha Haddad", PHONE)]
    invited = workspace.db.run_sync(lambda s: [a.candidate_id for a in s.scalars(
        select(Application))])
    assert invited == [result.candidate_id]  # Elizabeth Kumar was not invited

    # Another call, where the user says it is Elizabeth after all.
    again = add_call(workspace, keisha["desk"], "Liz K", PHONE, None, NOW)
    used = arun(svc.ingest(again, keisha["fork"], use_possible_match=True))
    assert used.candidate_id == keisha["liz"] and not used.candidate_created
    assert workspace.db.run_sync(
        lambda s: s.get(InboundCall, again).candidate_id) == keisha["liz"]


def test_the_evaluator_links_nobody_on_the_phone_alone(
        workspace: Workspace, arun: Any, keisha: dict[str, int]) -> None:
    def evaluate(s: Any) -> Any:
        call = s.get(InboundCall, keisha["call"])
        return link_and_invite(s, call, s.get(Receptionist, keisha["desk"]), invite=True,
                               now=NOW)

    link = workspace.db.run_sync(evaluate, write=True)
    assert link.candidate_created and link.candidate_id != keisha["liz"]
    assert workspace.db.run_sync(
        lambda s: s.get(InboundCall, keisha["call"]).candidate_id) == link.candidate_id
    outbox = workspace.db.run_sync(lambda s: [o.payload["candidate_id"] for o in s.scalars(
        select(OutboxItem))])
    assert outbox == [link.candidate_id]


def test_the_profile_flags_people_sharing_a_phone_number(
        workspace: Workspace, arun: Any, keisha: dict[str, int]) -> None:
    candidates = CandidateService(workspace.db, workspace.bus)
    assert arun(candidates.profile(keisha["liz"])).shares_phone_with == ()
    keisha_id = make_candidate(workspace, "Keisha Haddad", "keisha@mail.example",
                               phone_e164=PHONE)
    make_candidate(workspace, "Someone Else", "else@mail.example", phone_e164="+13125550100")
    assert arun(candidates.profile(keisha["liz"])).shares_phone_with == ("Keisha Haddad",)
    assert arun(candidates.profile(keisha_id)).shares_phone_with == ("Elizabeth Kumar",)


def test_reject_and_approve_can_be_undone(workspace: Workspace, svc: PipelineService,
                                         arun: Any, keisha: dict[str, int]) -> None:
    events: list[CallUpdated] = []
    workspace.bus.subscribe(CallUpdated, events.append)
    call = keisha["call"]
    decision = arun(svc.decide(call, CallReview.REJECTED))
    assert decision.row.review == CallReview.REJECTED
    assert decision.undo.previous == CallReview.NEEDS_REVIEW
    assert arun(svc.undo_review(decision.undo)).review == CallReview.NEEDS_REVIEW
    assert [e.id for e in events] == [call, call]
    # Approve, then undo: back too.
    approved = arun(svc.decide(call, CallReview.APPROVED))
    assert arun(svc.undo_review(approved.undo)).review == CallReview.NEEDS_REVIEW
    # Decided again since (ingested): the undo is refused and changes nothing.
    rejected = arun(svc.decide(call, CallReview.REJECTED))
    arun(svc.ingest(call, keisha["fork"]))
    with pytest.raises(ValidationProblem, match="decided on again since"):
        arun(svc.undo_review(rejected.undo))
    assert arun(svc.rows_by_ids([call]))[0].review == CallReview.APPROVED
