"""KioskService on SQLite and PostgreSQL: walk-ins become (or link to) candidates, their form is
scored and stored through ApplicationsService, closed roles and bad details are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import (
    ApplicationStatus,
    CandidateSource,
    InterviewerStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, Application, AuditEntry, Candidate, StageResult
from milo_desktop.services.kiosk import (
    KioskForm,
    KioskPerson,
    KioskService,
    PersonProblem,
    check_person,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate
from tests.form_stage import make_form_interviewer

GOOD = ("yes", "3 years", "Days",
        "I spotted a leaking propane tank on a forklift, reported it to my supervisor, tagged "
        "the truck out of service and followed up until it was fixed; I also trained two new "
        "hires on the daily safety checklist.")


def _service(ws: Workspace) -> KioskService:
    return KioskService(ws.db, ws.bus, ws.applications)


def _answers(form: KioskForm, values: tuple[str, ...] = GOOD) -> dict[str, str]:
    return {q.id: v for q, v in zip(form.questions, values, strict=True)}


def _count(ws: Workspace, model: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model)))


def test_a_new_walk_in_becomes_a_candidate_with_a_scored_form(workspace: Workspace,
                                                                arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace)
    service = _service(workspace)
    form = arun(service.form(iv))
    assert form.stage_id == stage and form.closed is None and len(form.questions) == 4
    person = KioskPerson("  Maria   Lopez ", "Maria.Lopez@Example.com", "(415) 555-0123", True)

    result = arun(service.submit(iv, stage, person, _answers(form)))

    assert result.candidate_created and result.application_created
    assert result.stage_status == StageStatus.COMPLETED
    assert result.score is not None and result.score >= 50
    # Two stages (form, then voice): the form is done, the voice screen is still to come.
    assert result.application_status == ApplicationStatus.IN_PROGRESS

    def read(s: Any) -> Any:
        c = s.get(Candidate, result.candidate_id)
        app = s.get(Application, result.application_id)
        sr = s.scalars(select(StageResult).where(StageResult.application_id == app.id,
                                                 StageResult.stage_id == stage)).one()
        answers = s.scalars(select(Answer).where(Answer.stage_result_id == sr.id)
                            .order_by(Answer.id)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk.submit")).one()
        statuses = sorted(r.status for r in app.stage_results)
        return c, app, sr, answers, audit, statuses

    c, app, sr, answers, audit, statuses = workspace.db.run_sync(read)
    assert (c.full_name, c.email, c.phone_e164) == ("Maria Lopez", "maria.lopez@example.com",
                                                    "+14155550123")
    assert c.source == CandidateSource.MANUAL and app.source == CandidateSource.MANUAL
    assert statuses == [StageStatus.COMPLETED, StageStatus.NOT_STARTED]
    assert sr.score == result.score and sr.structured_passed == 3 and sr.structured_total == 3
    assert "Q: Which shift suits you?\nA: Days" in sr.transcript
    assert [a.answer_text for a in answers] == list(GOOD)
    assert [a.passed for a in answers[:3]] == [True, True, True]
    assert answers[3].score is not None and answers[3].evaluator
    assert audit.entity_id == app.id and audit.detail["source"] == "walk-in"


def test_same_email_or_phone_links_to_the_existing_candidate(workspace: Workspace,
                                                             arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace)
    other_iv, other_stage = make_form_interviewer(workspace, "forklift-austin")
    known = make_candidate(workspace, "Ada Lovelace", "ada@example.com")
    service = _service(workspace)
    form = arun(service.form(iv))

    # The same address in other capitals, and a phone the directory did not have yet.
    first = arun(service.submit(iv, stage, KioskPerson("Ada L.", " ADA@example.COM ",
                                                       "415-555-0199", True), _answers(form)))
    assert first.candidate_id == known and not first.candidate_created
    assert first.application_created
    phone, name = workspace.db.run_sync(
        lambda s: (s.get(Candidate, known).phone_e164, s.get(Candidate, known).full_name))
    assert phone == "+14155550199" and name == "Ada Lovelace"  # blanks filled, name kept

    # Now the phone and her name (a different email) find her too, in another interviewer.
    other_form = arun(service.form(other_iv))
    second = arun(service.submit(other_iv, other_stage,
                                 KioskPerson("ada lovelace", "ada.new@example.org",
                                             "+1 415 555 0199", True), _answers(other_form)))
    assert second.candidate_id == known and not second.candidate_created
    assert _count(workspace, Candidate) == 1
    email = workspace.db.run_sync(lambda s: s.get(Candidate, known).email)
    assert email == "ada@example.com"  # never overwritten by a kiosk


def test_the_same_phone_under_another_name_is_a_new_person(workspace: Workspace,
                                                           arun: Any) -> None:
    """Issue 10: a person is never linked on the phone alone when the name differs (families
    and flatmates share numbers): the walk-in becomes a new candidate, flagged as sharing it."""
    iv, stage = make_form_interviewer(workspace)
    known = make_candidate(workspace, "Elizabeth Kumar", "liz@example.com",
                           phone_e164="+14155550177")
    service = _service(workspace)
    form = arun(service.form(iv))
    result = arun(service.submit(iv, stage, KioskPerson("Keisha Haddad", "",
                                                        "(415) 555-0177", True),
                                 _answers(form)))
    assert result.candidate_created and result.candidate_id != known
    profile = arun(workspace.candidates.profile(result.candidate_id))
    assert "Elizabeth Kumar" in " ".join(profile.shares_phone_with)


def test_an_invited_candidate_completes_their_existing_application(workspace: Workspace,
                                                                   arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace, stages=(StageKind.FORM,))
    known = make_candidate(workspace, "Grace Hopper", "grace@example.com")
    app_id = make_application(workspace, known, iv)
    service = _service(workspace)
    form = arun(service.form(iv))
    person = KioskPerson("Grace Hopper", "grace@example.com", "", True)

    result = arun(service.submit(iv, stage, person, _answers(form)))
    assert result.application_id == app_id and not result.application_created
    assert result.application_status == ApplicationStatus.COMPLETED
    assert _count(workspace, Application) == 1

    # The form is final: coming back to the kiosk is refused before any question.
    with pytest.raises(ValidationProblem, match="already filled in this form"):
        arun(service.check_in(iv, stage, person))
    with pytest.raises(ValidationProblem, match="already filled in this form"):
        arun(service.submit(iv, stage, person, _answers(form)))


def test_a_failed_dealbreaker_knocks_the_walk_in_out(workspace: Workspace, arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace)
    service = _service(workspace)
    form = arun(service.form(iv))
    answers = _answers(form, ("no", *GOOD[1:]))
    result = arun(service.submit(iv, stage, KioskPerson("Bo Diaz", "bo@example.com", "", True),
                                 answers))
    assert result.stage_status == StageStatus.KNOCKED_OUT
    assert result.application_status == ApplicationStatus.KNOCKED_OUT


@pytest.mark.parametrize("status, deadline_days", [
    (InterviewerStatus.EXPIRED, 5),
    (InterviewerStatus.ACTIVE, -1),  # past its deadline, not swept yet
    (InterviewerStatus.ARCHIVED, 5),
])
def test_a_closed_interviewer_takes_no_new_walk_ins(workspace: Workspace, arun: Any,
                                                    status: InterviewerStatus,
                                                    deadline_days: int) -> None:
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=deadline_days)
    iv, stage = make_form_interviewer(workspace, status=status, deadline=deadline)
    service = _service(workspace)
    form = arun(service.form(iv))
    assert form.closed is not None and "Forklift Operator" in form.closed
    person = KioskPerson("New Person", "new@example.com", "", True)
    with pytest.raises(ValidationProblem, match="front desk"):
        arun(service.check_in(iv, stage, person))
    with pytest.raises(ValidationProblem, match="front desk"):
        arun(service.submit(iv, stage, person, _answers(form)))
    assert _count(workspace, Candidate) == 0 and _count(workspace, Application) == 0


def test_an_expired_interviewer_still_lets_an_invited_candidate_finish(workspace: Workspace,
                                                                       arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace, status=InterviewerStatus.EXPIRED,
                                      stages=(StageKind.FORM,))
    known = make_candidate(workspace, "Invited Early", "early@example.com")
    make_application(workspace, known, iv)
    service = _service(workspace)
    form = arun(service.form(iv))
    result = arun(service.submit(iv, stage, KioskPerson("Invited Early", "early@example.com",
                                                        "", True), _answers(form)))
    assert result.stage_status == StageStatus.COMPLETED


@pytest.mark.parametrize("person, fields", [
    (KioskPerson("Sam", "sam@", "", True), {"email"}),
    (KioskPerson("Sam", "sam@example..com", "", True), {"email"}),
    (KioskPerson("Sam", "", "12", True), {"phone"}),
    (KioskPerson("Sam", "sam@example.com", "call me maybe", True), {"phone"}),
    (KioskPerson("", "", "", False), {"name", "email", "consent"}),
    (KioskPerson("Sam", "sam@example.com", "", False), {"consent"}),
    (KioskPerson("x" * 201, "sam@example.com", "", True), {"name"}),
])
def test_bad_details_are_refused_field_by_field(workspace: Workspace, arun: Any,
                                                person: KioskPerson, fields: set[str]) -> None:
    iv, stage = make_form_interviewer(workspace)
    service = _service(workspace)
    form = arun(service.form(iv))
    with pytest.raises(PersonProblem) as caught:
        arun(service.submit(iv, stage, person, _answers(form)))
    assert set(caught.value.fields) == fields
    assert isinstance(caught.value, ValidationProblem) and caught.value.message
    if "phone" in fields:
        assert "phone number" in caught.value.fields["phone"]
    assert _count(workspace, Candidate) == 0


def test_answers_are_checked_before_anything_is_written(workspace: Workspace,
                                                        arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace)
    service = _service(workspace)
    form = arun(service.form(iv))
    person = KioskPerson("Kim Park", "kim@example.com", "", True)
    unanswered = _answers(form)
    del unanswered[form.questions[3].id]
    with pytest.raises(ValidationProblem, match="Question 4 has no answer"):
        arun(service.submit(iv, stage, person, unanswered))
    with pytest.raises(ValidationProblem, match="choose one of the options"):
        arun(service.submit(iv, stage, person, _answers(form, (*GOOD[:2], "Evenings",
                                                                GOOD[3]))))
    with pytest.raises(ValidationProblem, match="just been changed"):
        arun(service.submit(iv, stage, person, {**_answers(form), "999999": "yes"}))
    assert _count(workspace, Candidate) == 0 and _count(workspace, Application) == 0


def test_form_lookup_problems(workspace: Workspace, arun: Any) -> None:
    iv, _stage = make_form_interviewer(workspace, stages=(StageKind.VOICE,))
    service = _service(workspace)
    with pytest.raises(ValidationProblem, match="no Form stage"):
        arun(service.form(iv))
    with pytest.raises(ValidationProblem, match="URL name 'nobody'"):
        arun(service.form_for_slug("nobody"))
    found = make_form_interviewer(workspace, "walk-ins")
    assert arun(service.form_for_slug("walk-ins")).interviewer_id == found[0]


def test_check_person_normalises() -> None:
    checked = check_person(KioskPerson(" Li  Wei ", " LI@Example.ORG", "", True))
    assert (checked.name, checked.email, checked.phone_e164) == ("Li Wei", "li@example.org", None)
    uk = check_person(KioskPerson("Tom", "", "+44 20 7946 0958", True))
    assert uk.phone_e164 == "+442079460958" and uk.email is None
