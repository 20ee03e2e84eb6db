"""AuthoringService on SQLite and PostgreSQL: every validation rule, create / load / update /
clone round trips ("applies to new candidates only"), the cost estimate and the share poster."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from sqlalchemy import select

from milo_desktop.enums import (
    BudgetKind,
    InterviewerStatus,
    QuestionKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Answer,
    AuditEntry,
    Interviewer,
    Label,
    MessageTemplate,
    Question,
    Receptionist,
    Stage,
    StageResult,
    WorkspaceSetting,
)
from milo_desktop.services.authoring import (
    LINK_BASE_KEY,
    AuthoringService,
    InterviewerDraft,
    QuestionDraft,
    StageDraft,
)
from milo_desktop.services.authoring.cost import sms_segments
from milo_desktop.services.core.events import InterviewersChanged
from milo_desktop.services.entry.points import build_points
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

DAY = dt.timedelta(days=1)


@pytest.fixture
def svc(workspace: Workspace) -> AuthoringService:
    workspace.authoring.clock = lambda: NOW
    workspace.interviewers.clock = lambda: NOW
    return workspace.authoring


def good_draft(svc: AuthoringService) -> InterviewerDraft:
    draft = svc.draft_from_template("forklift-operator")
    draft.slug = "forklift-dallas"
    draft.labels = ["Warehouse", "Dallas"]
    draft.subscribers = ["Ops.Manager@northwind.example", "hr@northwind.example"]
    return draft


def fields(problems: list[Any]) -> dict[str, str]:
    return {p.field: p.message for p in problems}


def test_template_draft_defaults(svc: AuthoringService) -> None:
    draft = svc.draft_from_template("forklift-operator")
    assert draft.slug == "forklift-operator" and draft.name == "Forklift Operator"
    assert draft.deadline == dt.datetime(2026, 12, 22, 23, 59, tzinfo=dt.UTC)  # a month on
    assert (draft.days_to_complete, draft.retakes, draft.budget_kind) == (7, 0, BudgetKind.NONE)
    assert "Résumé → Voice, 9 questions" in draft.plan_notes[0]
    with pytest.raises(ValidationProblem, match="no role template"):
        svc.draft_from_template("astronaut")


Edit = Callable[[InterviewerDraft], Any]


def q(draft: InterviewerDraft, stage: int, index: int) -> QuestionDraft:
    return draft.stages[stage].questions[index]


# One case per rule: (what to break, the field it is reported on, words of the message).
RULES: list[tuple[str, Edit, str, str]] = [
    ("name empty", lambda d: setattr(d, "name", " "), "name", "Name the interviewer"),
    ("name long", lambda d: setattr(d, "name", "n" * 121), "name", "limit is 120"),
    ("slug empty", lambda d: setattr(d, "slug", ""), "slug", "Choose the link name"),
    ("slug short", lambda d: setattr(d, "slug", "ab"), "slug", "3–80 characters"),
    ("slug long", lambda d: setattr(d, "slug", "a" * 81), "slug", "3–80 characters"),
    ("slug upper", lambda d: setattr(d, "slug", "Forklift"), "slug", "lowercase letters"),
    ("slug space", lambda d: setattr(d, "slug", "fork lift"), "slug", "lowercase letters"),
    ("slug hyphens", lambda d: setattr(d, "slug", "fork--lift"), "slug", "single hyphens"),
    ("title empty", lambda d: setattr(d, "position_title", ""), "position_title",
     "Write the position title"),
    ("title long", lambda d: setattr(d, "position_title", "t" * 81), "position_title",
     "81 characters; the limit is 80"),
    ("description", lambda d: setattr(d, "job_description", "x" * 20_001), "job_description",
     "longer than 20,000"),
    ("no stages", lambda d: d.stages.clear(), "stages", "Add at least one stage"),
    ("seven stages", lambda d: d.stages.extend(StageDraft.new(StageKind.FORM)
                                               for _ in range(5)), "stages", "At most 6"),
    ("stage name", lambda d: setattr(d.stages[0], "name", ""), "stages.0.name",
     "Name the stage"),
    ("min score", lambda d: setattr(d.stages[1], "min_score", 101), "stages.1.min_score",
     "between 0 and 100"),
    ("empty stage", lambda d: d.stages[0].questions.clear(), "stages.0.questions",
     "Add at least one question"),
    ("prompt empty", lambda d: setattr(q(d, 1, 0), "prompt", "  "),
     "stages.1.questions.0.prompt", "Write the question"),
    ("prompt long", lambda d: setattr(q(d, 1, 0), "prompt", "p" * 501),
     "stages.1.questions.0.prompt", "limit is 500"),
    ("weight low", lambda d: setattr(q(d, 0, 0), "weight", 0.25),
     "stages.0.questions.0.weight", "between 0.5 and 3"),
    ("weight high", lambda d: setattr(q(d, 0, 0), "weight", 3.5),
     "stages.0.questions.0.weight", "between 0.5 and 3"),
    ("rubric 1", lambda d: setattr(q(d, 0, 0), "rubric_low", ""),
     "stages.0.questions.0.rubric_low", "what a 1 looks like"),
    ("rubric 5", lambda d: setattr(q(d, 0, 0), "rubric_high", ""),
     "stages.0.questions.0.rubric_high", "what a 5 looks like"),
    ("expected", lambda d: setattr(q(d, 1, 0), "expected_yes", None),
     "stages.1.questions.0.expected_yes", "expected answer"),
    ("amount zero", lambda d: setattr(q(d, 1, 1), "min_value", 0.0),
     "stages.1.questions.1.min_value", "more than zero"),
    ("amount unit", lambda d: setattr(q(d, 1, 1), "unit", ""),
     "stages.1.questions.1.unit", "Give the amount a unit"),
    ("one choice", lambda d: setattr(q(d, 1, 2), "choices", ["Sit-down counterbalance"]),
     "stages.1.questions.2.choices", "at least two choices"),
    ("none accepted", lambda d: setattr(q(d, 1, 2), "accepted_choices", []),
     "stages.1.questions.2.accepted_choices", "at least one choice as accepted"),
    ("follow-ups", lambda d: setattr(q(d, 1, 1), "follow_ups", ["a", "b", "c", "d"]),
     "stages.1.questions.1.follow_ups", "At most 3"),
    ("deadline past", lambda d: setattr(d, "deadline", NOW - DAY), "deadline",
     "in the future"),
    ("days 0", lambda d: setattr(d, "days_to_complete", 0), "days_to_complete", "1–60"),
    ("days 61", lambda d: setattr(d, "days_to_complete", 61), "days_to_complete", "1–60"),
    ("retakes", lambda d: setattr(d, "retakes", 6), "retakes", "0–5"),
    ("language", lambda d: setattr(d, "language", "klingon"), "language", "English or"),
    ("phone", lambda d: setattr(d, "phone_number", "555-12"), "phone_number",
     "not a valid phone number"),
    ("budget none given", lambda d: setattr(d, "budget_kind", BudgetKind.DAILY), "budget",
     "above $0"),
    ("budget zero", lambda d: (setattr(d, "budget_kind", BudgetKind.ALL_TIME),
                               setattr(d, "budget_cents", 0)), "budget", "above $0"),
    ("budget kind", lambda d: setattr(d, "budget_kind", "weekly"), "budget",
     "Choose no budget"),
    ("subscriber", lambda d: d.subscribers.append("boss at example"), "subscribers",
     "Not an email address: “boss at example”"),
    ("labels", lambda d: d.labels.append("l" * 61), "labels", "under 60 characters"),
]


@pytest.mark.parametrize(("edit", "field", "message"), [r[1:] for r in RULES],
                         ids=[r[0] for r in RULES])
def test_each_rule_is_reported_on_its_field(svc: AuthoringService, arun: Any, edit: Edit,
                                            field: str, message: str) -> None:
    draft = good_draft(svc)
    assert arun(svc.validate(draft)) == []
    edit(draft)
    found = fields(arun(svc.validate(draft)))
    assert field in found, found
    assert message in found[field]


def test_rules_that_need_the_database(svc: AuthoringService, workspace: Workspace,
                                      arun: Any) -> None:
    make_interviewer(workspace, "Forklift Dallas", slug="forklift-dallas")

    def setup(s: Any) -> None:
        s.add(Receptionist(name="Dallas line", phone_number="+12145550197", agent_name="Ava",
                           intro_message="Hi"))

    workspace.db.run_sync(setup, write=True)
    draft = good_draft(svc)
    draft.phone_number = "(214) 555-0197"
    draft.email_template = "Gone template"
    found = fields(arun(svc.validate(draft)))
    assert "already the link of another interviewer" in found["slug"]
    assert "receptionist “Dallas line”" in found["phone_number"]
    assert "“Gone template” no longer exists" in found["email_template"]
    assert arun(svc.slug_problem("forklift-dallas")) == found["slug"]
    assert arun(svc.slug_problem("Bad Slug")).startswith("Use lowercase")
    assert arun(svc.slug_problem("forklift-houston")) is None
    with pytest.raises(ValidationProblem, match="already the link"):
        arun(svc.create(draft))


def test_create_stores_everything_and_load_draft_reads_it_back(
        svc: AuthoringService, workspace: Workspace, arun: Any) -> None:
    def templates(s: Any) -> None:
        s.add(MessageTemplate(kind="invitation", channel="email", name="Friendly invite",
                              subject="Hi", body="{{link}}"))
        s.add(Label(name="warehouse"))  # existing label, matched whatever its case

    workspace.db.run_sync(templates, write=True)
    seen: list[tuple[int, ...]] = []
    workspace.bus.subscribe(InterviewersChanged, lambda e: seen.append(e.ids))
    draft = good_draft(svc)
    draft.email_template = "Friendly invite"
    draft.phone_number = "(214) 555-0100"
    draft.budget_kind, draft.budget_cents = BudgetKind.DAILY, 5_000
    draft.report_to_candidate = True
    draft.stages[0].min_score = 60
    new_id = arun(svc.create(draft))
    assert seen == [(new_id,)]

    def read(s: Any) -> dict[str, Any]:
        iv = s.get(Interviewer, new_id)
        return {
            "status": iv.status, "activated": iv.activated_at, "phone": iv.phone_number,
            "est": iv.est_cost_per_interview_cents, "settings": iv.settings,
            "stages": [(st.position, st.kind, st.name, st.min_score, len(st.questions))
                       for st in iv.stages],
            "labels": sorted(lb.name for lb in iv.labels),
            "labels_total": s.query(Label).count(),
            "subs": sorted(x.email for x in iv.subscribers),
            "audit": s.scalars(select(AuditEntry.action)
                               .where(AuditEntry.entity_id == new_id)).all(),
        }

    row = workspace.db.run_sync(read)
    assert row["status"] == InterviewerStatus.ACTIVE and row["activated"] == NOW
    assert row["phone"] == "+12145550100"
    assert row["est"] == svc.estimate(draft).per_completed_interview_cents > 0
    assert row["settings"] == {"template": "forklift-operator"}
    assert row["stages"] == [(0, StageKind.RESUME, "Résumé screening", 60, 2),
                             (1, StageKind.VOICE, "Voice interview", None, 7)]
    assert row["labels"] == ["Dallas", "warehouse"] and row["labels_total"] == 2
    assert row["subs"] == ["hr@northwind.example", "ops.manager@northwind.example"]
    assert row["audit"] == ["interviewer.create"]

    loaded = arun(svc.load_draft(new_id))
    assert all(st.id is not None for st in loaded.stages)
    assert all(x.id is not None for st in loaded.stages for x in st.questions)

    def strip(d: InterviewerDraft) -> list[Any]:
        return [[(dataclasses.replace(x, id=None, topic="", requirement="").columns())
                 for x in st.questions] for st in d.stages]

    assert strip(loaded) == strip(draft)
    assert (loaded.name, loaded.slug, loaded.deadline, loaded.email_template) == (
        draft.name, draft.slug, draft.deadline, "Friendly invite")
    assert (loaded.budget_kind, loaded.budget_cents, loaded.report_to_candidate) == (
        BudgetKind.DAILY, 5_000, True)


def test_update_applies_to_new_candidates_only(svc: AuthoringService, workspace: Workspace,
                                               arun: Any) -> None:
    iid = arun(svc.create(good_draft(svc)))
    draft = arun(svc.load_draft(iid))
    voice = draft.stages[1]
    asked = voice.questions[0]

    app_id = make_application(workspace, make_candidate(workspace, "Ann Lee"), iid)

    def answered(s: Any) -> None:  # Ann finished the voice stage; the résumé one is pending
        result = s.scalars(select(StageResult).where(StageResult.application_id == app_id,
                                                     StageResult.stage_id == voice.id)).one()
        result.status = StageStatus.COMPLETED
        s.add(Answer(stage_result_id=result.id, question_id=asked.id,
                     question_text=asked.prompt, answer_text="Yes"))
        s.get(Stage, voice.id).flow_sid = "FW" + "0" * 32

    workspace.db.run_sync(answered, write=True)

    # Reword a question, remove another, add one, reorder the rest, drop the résumé stage.
    asked.prompt = "Do you hold a forklift certification today?"
    removed = voice.questions.pop(1)
    voice.questions.append(QuestionDraft(kind=QuestionKind.YES_NO, prompt="Can you start "
                                         "Monday?", expected_yes=True))
    voice.questions[1], voice.questions[2] = voice.questions[2], voice.questions[1]
    draft.stages.pop(0)
    draft.position_title = "Forklift Operator (Nights)"
    changed = arun(svc.update(iid, draft))
    assert "position_title" in changed and "questions of Voice interview" in changed

    def read(s: Any) -> dict[str, Any]:
        stages = s.scalars(select(Stage).where(Stage.interviewer_id == iid)).all()
        answer = s.scalars(select(Answer)).one()
        return {
            "stages": [(st.position, st.kind, st.flow_sid) for st in stages],
            "prompts": [x.prompt for x in stages[0].questions],
            "answer": (answer.question_id, answer.question_text),
            "removed": s.get(Question, removed.id),
            "title": s.get(Interviewer, iid).position_title,
            "audit": s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == iid)
                               .order_by(AuditEntry.id)).all(),
        }

    row = workspace.db.run_sync(read)
    assert row["stages"] == [(0, StageKind.VOICE, None)]  # republished for the next candidate
    assert row["prompts"][0] == "Do you hold a forklift certification today?"
    assert "Can you start Monday?" in row["prompts"]
    assert row["removed"] is None
    # The candidate's answer still says what they were asked.
    assert row["answer"] == (asked.id, "Do you have a current forklift certification?")
    assert row["title"] == "Forklift Operator (Nights)"
    assert row["audit"] == ["interviewer.create", "interviewer.update"]

    # A stage with results can't be removed.
    draft = arun(svc.load_draft(iid))
    draft.stages = [StageDraft.new(StageKind.SMS)]
    draft.stages[0].questions.append(QuestionDraft(kind=QuestionKind.YES_NO, prompt="Ok?",
                                                   expected_yes=True))
    with pytest.raises(ValidationProblem, match="already has results for 1 candidate"):
        arun(svc.update(iid, draft))


def test_update_keeps_its_own_slug_and_clone_copies_it(svc: AuthoringService,
                                                       workspace: Workspace,
                                                       arun: Any) -> None:
    iid = arun(svc.create(good_draft(svc)))
    draft = arun(svc.load_draft(iid))
    assert arun(svc.validate(draft, exclude_id=iid)) == []
    assert arun(svc.update(iid, draft)) == []  # nothing changed
    copy_id = arun(workspace.interviewers.clone(iid))
    copied = arun(svc.load_draft(copy_id))
    assert copied.slug == "forklift-dallas-copy"
    assert [len(s.questions) for s in copied.stages] == [2, 7]
    assert copied.labels == draft.labels


def test_question_reuse_from_another_interviewer(svc: AuthoringService, arun: Any) -> None:
    iid = arun(svc.create(good_draft(svc)))
    choices = arun(svc.interviewer_choices())
    assert [(c.id, c.name) for c in choices] == [(iid, "Forklift Operator")]
    stages = arun(svc.questions_of(iid))
    assert [s.kind for s in stages] == [StageKind.RESUME, StageKind.VOICE]
    assert all(x.id is None for s in stages for x in s.questions)
    assert stages[1].questions[0].prompt == "Do you have a current forklift certification?"
    library = svc.question_library()
    assert any(x.prompt == "Are you at least 18 years of age?"
               for g in library for x in g.questions)


def test_estimate_figures(svc: AuthoringService) -> None:
    draft = InterviewerDraft(stages=[
        StageDraft(kind=StageKind.VOICE, name="Voice", questions=[
            QuestionDraft(kind=QuestionKind.SCORED, prompt="Tell me", follow_ups=["Why?"]),
            QuestionDraft(kind=QuestionKind.YES_NO, prompt="Ok?"),
        ]),
        StageDraft(kind=StageKind.SMS, name="SMS", questions=[
            QuestionDraft(kind=QuestionKind.YES_NO, prompt="y" * 200),
        ]),
        StageDraft(kind=StageKind.RESUME, name="Résumé"),
        StageDraft(kind=StageKind.FORM, name="Form"),
    ])
    est = svc.estimate(draft)
    # Voice: 1 + 2 + 1 (follow-up) + 0.5 = 4.5 min × (1.40 + 0.25)¢ = 7.425¢
    # SMS: 3 fixed + 2 (200 GSM characters) + 1 reply = 6 segments × 1.13¢ = 6.78¢
    assert [round(s.cents, 3) for s in est.stages] == [7.425, 6.78, 0.0, 0.0]
    assert [s.basis for s in est.stages] == ["≈ 4.5 min of call", "≈ 6 SMS segments",
                                             "no telephony", "no telephony"]
    assert est.per_completed_interview_cents == 15  # 14.205¢ rounded up
    assert est.capacity is None  # no budget
    draft.budget_kind, draft.budget_cents = BudgetKind.ALL_TIME, 100_000
    assert svc.estimate(draft).capacity == 7039  # $1,000 / 14.205¢
    draft.budget_kind, draft.budget_cents = BudgetKind.DAILY, 5_000
    assert svc.estimate(draft).capacity == 351
    draft.stages = draft.stages[2:]  # résumé + form only: free, capacity unlimited
    assert (svc.estimate(draft).per_completed_interview_cents, svc.estimate(draft).capacity) \
        == (0, None)
    assert (sms_segments("a" * 160), sms_segments("a" * 161), sms_segments("é" * 10),
            sms_segments("–" * 71)) == (1, 2, 1, 2)


def test_link_and_posters(svc: AuthoringService, workspace: Workspace, arun: Any) -> None:
    iid = arun(svc.create(good_draft(svc)))
    # No candidate page of the agency's own: no link (never a placeholder host).
    assert arun(svc.interview_link("forklift-dallas")) is None
    workspace.db.run_sync(lambda s: s.add(WorkspaceSetting(
        key=LINK_BASE_KEY, value="https://jobs.northwind.example/apply/")), write=True)
    link = "https://jobs.northwind.example/apply/forklift-dallas"
    assert arun(svc.interview_link("forklift-dallas")) == link
    png = arun(svc.poster_png(iid))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1240, 1754)  # A4 at 150 dpi
    assert len(png) > 20_000  # a QR code and text, not a blank page
    pdf = arun(svc.poster_pdf(iid))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Forklift Operator" in text and link in text.replace("\n", "")
    assert reader.pages[0].images  # the QR code
    drafted = arun(svc.render_poster("Line Cook", build_points(
        0, "Line Cook", "line-cook", ("COOK", "+12145550142"), None, None, None), "pdf"))
    drafted_text = pypdf.PdfReader(io.BytesIO(drafted)).pages[0].extract_text()
    assert "Line Cook" in drafted_text
    assert "Text COOK to +1 214 555 0142" in " ".join(drafted_text.split())


def test_no_deadline_means_open_until_archived(svc: AuthoringService, workspace: Workspace,
                                               arun: Any) -> None:
    draft = good_draft(svc)
    draft.deadline = None
    assert arun(svc.validate(draft)) == []
    iid = arun(svc.create(draft))
    assert arun(svc.load_draft(iid)).deadline is None
    assert workspace.db.run_sync(lambda s: s.get(Interviewer, iid).deadline) is None
