"""ReceptionistService on SQLite and PostgreSQL: validation (limits, number conflicts),
publishing through the real TwilioPublisher to the sandbox Twilio (or to no one listening),
pause / resume and the list's tabs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.enums import InterviewerStatus, QuestionKind, ReceptionistStatus, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    AuditEntry,
    Interviewer,
    Question,
    Receptionist,
    ReceptionistInterviewer,
    Stage,
)
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.flows import QuestionSpec, ReceptionistConfig
from milo_desktop.services.receptionists import (
    NOT_PUBLISHED_NOTE,
    DraftProblems,
    NotCreated,
    NumbersState,
    ReceptionistDraft,
    ReceptionistsChanged,
    ReceptionistService,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_interviewer
from tests.publishers import sandbox_publisher, unreachable_publisher

NUMBER = "+12145550197"
OTHER = "+14155550123"


def service_of(ws: Workspace, publisher: Any = None) -> ReceptionistService:
    """The service on the factories' fixed clock (interviewers' deadlines are relative to it)."""
    return ReceptionistService(ws.db, ws.bus, publisher, clock=lambda: NOW)


def number_urls(sandbox: TwilioSandbox, e164: str) -> tuple[str, str]:
    (rec,) = [r for r in sandbox.state.numbers.values() if r.data["phone_number"] == e164]
    return rec.data["voice_url"], rec.data["sms_url"]


def config(**kw: Any) -> ReceptionistConfig:
    questions = kw.pop("questions", (
        QuestionSpec("new_1", QuestionKind.YES_NO, "Are you authorized to work in the US?",
                     expected_yes=True, dealbreaker=True),
        QuestionSpec("new_2", QuestionKind.MIN_AMOUNT, "How many years of forklift experience?",
                     min_value=1, unit="years"),
        QuestionSpec("new_3", QuestionKind.MULTIPLE_CHOICE, "Which shift suits you?",
                     choices=("Days", "Nights", "Weekends"), accepted_choices=("Days", "Nights")),
    ))
    return ReceptionistConfig(
        agent_name=kw.pop("agent_name", "Ava"),
        intro_message=kw.pop("intro_message", "Thanks for calling Northwind Staffing!"),
        questions=questions, **kw)


def draft(interviewer_id: int | None, **kw: Any) -> ReceptionistDraft:
    return ReceptionistDraft(
        name=kw.pop("name", "Dallas Warehouse Line"), phone_number=kw.pop("phone", NUMBER),
        config=kw.pop("config", config()), default_interviewer_id=interviewer_id,
        interviewer_ids=kw.pop("interviewer_ids", ()))


@pytest.fixture
def sandbox(arun: Any) -> Iterator[TwilioSandbox]:
    box = TwilioSandbox()
    arun(box.start())
    box.add_number(NUMBER, "Dallas line")
    box.add_number(OTHER, "Spare")
    try:
        yield box
    finally:
        arun(box.stop())


def test_create_publishes_and_points_the_number(workspace: Workspace, arun: Any,
                                                sandbox: TwilioSandbox) -> None:
    iid = make_interviewer(workspace, "Forklift Operator")
    second = make_interviewer(workspace, "Reach Truck Operator")
    publisher = sandbox_publisher(sandbox)
    svc = service_of(workspace, publisher)
    events: list[ReceptionistsChanged] = []
    workspace.bus.subscribe(ReceptionistsChanged, events.append)

    detail = arun(svc.create(draft(iid, phone="(214) 555-0197", interviewer_ids=(second,))))

    assert detail.status == ReceptionistStatus.LIVE
    assert detail.phone_number == NUMBER  # normalised to E.164
    assert detail.flow_sid is not None and detail.flow_sid.startswith("FW")
    assert detail.note == ""
    flow = sandbox.state.flows[detail.flow_sid]
    webhook = flow.data["webhook_url"]
    assert number_urls(sandbox, NUMBER) == (webhook, webhook)
    # The published definition is the one compiled from the stored rows (ids = database ids).
    cfg = detail.config()
    qids = arun(workspace.db.read(lambda s: [str(q.id) for q in s.query(Question)
                                             .filter_by(receptionist_id=detail.id)
                                             .order_by(Question.position)]))
    assert [q.id for q in cfg.questions] == qids
    names = {st["name"] for st in flow.data["definition"]["states"]}
    assert {f"q_{qid}" for qid in qids} <= names
    assert cfg.agent_name == "Ava" and cfg.questions[2].accepted_choices == ("Days", "Nights")
    assert set(detail.interviewer_ids) == {iid, second}  # the default is always routable
    assert detail.default_interviewer_id == iid
    assert events and events[-1].ids == (detail.id,)
    assert arun(svc.get(detail.id)) == detail


def test_create_refuses_every_problem_at_once(workspace: Workspace, arun: Any) -> None:
    svc = service_of(workspace)
    bad = draft(None, name="", phone="555-12", config=config(
        intro_message="x" * 801, agent_name="", questions=()))
    with pytest.raises(DraftProblems) as caught:
        arun(svc.create(bad))
    text = caught.value.message
    assert "name of 1–120" in text
    assert "“555-12” is not a valid phone number" in text
    assert "801 characters; the limit is 800" in text
    assert "agent name" in text
    assert "Add at least one screening question" in text
    assert "default interviewer" in text  # manual approval off and nowhere to route
    assert arun(workspace.db.read(lambda s: s.query(Receptionist).count())) == 0


def test_number_conflicts_with_a_receptionist_and_an_sms_screening(
        workspace: Workspace, arun: Any) -> None:
    svc = service_of(workspace)
    iid = make_interviewer(workspace, "Forklift Operator", phone_number=OTHER,
                           stages=(StageKind.SMS,))
    first = arun(svc.create(draft(iid)))
    with pytest.raises(DraftProblems, match="already belongs to the receptionist "
                                             "“Dallas Warehouse Line”"):
        arun(svc.create(draft(iid, name="Second line")))
    with pytest.raises(DraftProblems, match="SMS screening number of the interviewer "
                                             "“Forklift Operator”"):
        arun(svc.create(draft(iid, name="Second line", phone=OTHER)))
    # A number kept in an SMS stage's settings is refused too.
    spare = "+16155550199"

    def stage_number(s: Any) -> None:
        s.query(Stage).filter_by(interviewer_id=iid).one().settings = {"from_number": spare}

    arun(workspace.db.write(stage_number))
    assert "screening stage of the interviewer" in (arun(svc.number_problem(spare)) or "")
    # Editing a receptionist keeps its own number without conflicting with itself.
    edited = arun(svc.update(first.id, draft(iid, name="Renamed")))
    assert edited.name == "Renamed" and edited.phone_number == NUMBER
    assert arun(svc.number_problem(NUMBER, exclude_id=first.id)) is None
    assert arun(svc.number_problem("12")) is not None


def test_without_a_publisher_it_is_saved_inactive_with_a_note(
        workspace: Workspace, arun: Any) -> None:
    svc = service_of(workspace)
    detail = arun(svc.create(draft(None, config=config(manual_approval=True))))
    assert detail.status == ReceptionistStatus.INACTIVE and detail.flow_sid is None
    assert detail.note == NOT_PUBLISHED_NOTE
    (row,) = arun(svc.overview()).rows
    assert row.note == NOT_PUBLISHED_NOTE and row.questions == 3 and row.calls == 0
    with pytest.raises(ValidationProblem, match="Connect Twilio"):
        arun(svc.resume(detail.id))


def test_pause_unpoints_resume_repoints_and_update_republishes(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox) -> None:
    iid = make_interviewer(workspace, "Forklift Operator")
    publisher = sandbox_publisher(sandbox)
    svc = service_of(workspace, publisher)
    live = arun(svc.create(draft(iid)))
    webhook = sandbox.state.flows[live.flow_sid].data["webhook_url"]

    paused = arun(svc.pause(live.id))
    assert paused.status == ReceptionistStatus.INACTIVE
    assert number_urls(sandbox, NUMBER) == ("", "")

    resumed = arun(svc.resume(live.id))
    assert resumed.status == ReceptionistStatus.LIVE
    assert resumed.flow_sid == live.flow_sid  # the same flow, updated in place
    assert number_urls(sandbox, NUMBER) == (webhook, webhook)

    # Moving a live receptionist to another number unpoints the old one.
    moved = arun(svc.update(live.id, draft(iid, phone=OTHER, config=config(agent_name="Maya"))))
    assert moved.phone_number == OTHER and moved.status == ReceptionistStatus.LIVE
    assert number_urls(sandbox, NUMBER) == ("", "")
    assert number_urls(sandbox, OTHER) == (webhook, webhook)
    flow = sandbox.state.flows[live.flow_sid]
    assert flow.data["revision"] >= 3
    assert "Maya" in json.dumps(flow.data["definition"])
    # Without Twilio, an edit of a live receptionist is refused before anything is saved.
    svc.set_publisher(None)
    with pytest.raises(ValidationProblem, match="Connect Twilio"):
        arun(svc.update(live.id, draft(iid, phone=OTHER, config=config(agent_name="Leo"))))
    assert arun(svc.get(live.id)).config().agent_name == "Maya"
    actions = arun(workspace.db.read(lambda s: [a.action for a in s.query(AuditEntry)
                                                .filter_by(entity="receptionist")]))
    assert "receptionist.create" in actions and "receptionist.inactive" in actions


def test_counts_per_tab_and_account_numbers(workspace: Workspace, arun: Any,
                                            sandbox: TwilioSandbox) -> None:
    iid = make_interviewer(workspace, "Forklift Operator")
    svc = service_of(workspace, sandbox_publisher(sandbox))
    a = arun(svc.create(draft(iid)))
    arun(svc.create(draft(iid, name="Spare line", phone=OTHER)))
    arun(svc.pause(a.id))
    listing = arun(svc.overview("live"))
    assert listing.counts == {"all": 2, "live": 1, "inactive": 1}
    assert [r.name for r in listing.rows] == ["Spare line"]
    assert [r.name for r in arun(svc.overview("inactive")).rows] == ["Dallas Warehouse Line"]
    assert len(arun(svc.overview()).rows) == 2
    numbers = {n.e164: n.used_by for n in arun(svc.account_numbers(exclude_id=a.id))}
    assert numbers[NUMBER] is None and "Spare line" in (numbers[OTHER] or "")
    choices = arun(svc.interviewer_choices())
    assert [c.name for c in choices] == ["Forklift Operator"]


def test_a_create_that_cannot_reach_twilio_saves_nothing(workspace: Workspace,
                                                        arun: Any) -> None:
    svc = service_of(workspace, unreachable_publisher())
    events: list[ReceptionistsChanged] = []
    workspace.bus.subscribe(ReceptionistsChanged, events.append)
    with pytest.raises(NotCreated) as caught:
        arun(svc.create(draft(None, config=config(manual_approval=True))))
    assert caught.value.message.startswith("Nothing was saved: the Twilio account's numbers "
                                           "could not be checked. Twilio cannot be reached")
    assert saved_rows(workspace, arun) == (0, 0)
    assert events == []
    # The wizard's picker says why there are no numbers (and the interviewers still load).
    options = arun(svc.number_options())
    assert options.state == NumbersState.UNAVAILABLE and options.numbers == ()
    assert "Twilio cannot be reached" in options.message
    assert arun(service_of(workspace).number_options()).state == NumbersState.NOT_CONNECTED


def saved_rows(ws: Workspace, arun: Any) -> tuple[int, int]:
    """(receptionists, their questions and routes) in the database."""
    return arun(ws.db.read(lambda s: (
        s.query(Receptionist).count(),
        s.query(Question).filter(Question.receptionist_id.is_not(None)).count()
        + s.query(ReceptionistInterviewer).count())))


def test_a_number_that_is_not_the_accounts_is_refused_before_saving(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox) -> None:
    iid = make_interviewer(workspace, "Forklift Operator")
    svc = service_of(workspace, sandbox_publisher(sandbox))
    with pytest.raises(DraftProblems, match=r"\+16155550199 is not a phone number of the "
                                             "connected Twilio account"):
        arun(svc.create(draft(iid, phone="+16155550199")))
    assert saved_rows(workspace, arun) == (0, 0)
    assert sandbox.state.flows == {}  # nothing published either


def test_a_create_that_fails_to_publish_is_rolled_back(
        workspace: Workspace, arun: Any, sandbox: TwilioSandbox) -> None:
    iid = make_interviewer(workspace, "Forklift Operator")
    svc = service_of(workspace, sandbox_publisher(sandbox))
    events: list[ReceptionistsChanged] = []
    workspace.bus.subscribe(ReceptionistsChanged, events.append)
    sandbox.faults.inject("status", count=10, status=400, path="/Flows", method="POST")
    with pytest.raises(NotCreated) as caught:
        arun(svc.create(draft(iid)))
    assert caught.value.message.startswith("“Dallas Warehouse Line” was not created: ")
    assert "Nothing was saved; fix the problem and create it again." in caught.value.message
    assert saved_rows(workspace, arun) == (0, 0)
    assert events == []
    assert number_urls(sandbox, NUMBER) == ("", "")
    # Once Twilio accepts it, the same draft is created (and only once).
    sandbox.faults.clear()
    detail = arun(svc.create(draft(iid)))
    assert detail.status == ReceptionistStatus.LIVE
    assert arun(svc.overview()).counts["all"] == 1


def test_routing_offers_only_interviewers_that_accept_candidates(
        workspace: Workspace, arun: Any) -> None:
    past = NOW - dt.timedelta(days=1)
    active = make_interviewer(workspace, "Forklift Operator")
    open_ended = make_interviewer(workspace, "Picker", deadline=None)
    overdue = make_interviewer(workspace, "Overdue Loader", deadline=past)
    expired = make_interviewer(workspace, "Expired Driver", status=InterviewerStatus.EXPIRED)
    draft_iv = make_interviewer(workspace, "Draft Packer", status=InterviewerStatus.DRAFT)
    make_interviewer(workspace, "Archived Clerk", status=InterviewerStatus.ARCHIVED)
    svc = service_of(workspace)
    choices = arun(svc.interviewer_choices())
    assert [(c.name, c.accepts) for c in choices] == [("Forklift Operator", True),
                                                      ("Picker", True)]
    # Routing to one that does not accept candidates is refused, each said by name.
    for iid, why in ((overdue, "“Overdue Loader” has expired"),
                     (expired, "“Expired Driver” has expired"),
                     (draft_iv, "“Draft Packer” is still a draft")):
        with pytest.raises(DraftProblems, match=why):
            arun(svc.create(draft(iid)))
        with pytest.raises(DraftProblems, match=why):
            arun(svc.create(draft(active, interviewer_ids=(iid,))))
    # A route made while it was open stays, shown as closed, and the receptionist can still
    # be edited without choosing again.
    detail = arun(svc.create(draft(active, interviewer_ids=(open_ended,))))

    def close(s: Any) -> None:
        s.get(Interviewer, active).deadline = past

    workspace.db.run_sync(close, write=True)
    kept = arun(svc.interviewer_choices(keep=detail.interviewer_ids))
    assert [(c.name, c.closed) for c in kept] == [("Forklift Operator", "expired"),
                                                  ("Picker", None)]
    edited = arun(svc.update(detail.id, draft(active, name="Renamed",
                                              interviewer_ids=(open_ended,))))
    assert edited.name == "Renamed" and edited.default_interviewer_id == active


def test_overview_shows_each_lines_spend(workspace: Workspace, arun: Any) -> None:
    from milo_desktop.enums import SpendKind
    from milo_desktop.models import Receptionist, SpendEntry

    svc = service_of(workspace)

    def seed(s: Any) -> int:
        r = Receptionist(name="Front desk", agent_name="Ava", phone_number=NUMBER)
        s.add(r)
        s.flush()
        s.add_all([
            SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid="CA1",
                       amount_micros=8_500_000, receptionist_id=r.id),
            SpendEntry(service="twilio", kind=SpendKind.SMS, provider_sid="SM1",
                       amount_micros=7_900, receptionist_id=r.id),
        ])
        return r.id

    rid = workspace.db.run_sync(seed, write=True)
    (row,) = arun(svc.overview()).rows
    assert row.id == rid and row.spend_micros == 8_507_900
