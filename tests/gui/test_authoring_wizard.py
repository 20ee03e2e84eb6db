"""The Create Interviewer wizard driven like a user with qtbot, on a real SQLite workspace:
from a template to Create, from a pasted job description, every validation error shown next
to its field, drag-reordered stages saved in their new order, and edit mode."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from sqlalchemy import select

from milo_desktop.enums import BudgetKind, InterviewerStatus, QuestionKind, StageKind
from milo_desktop.models import Interviewer, Question, Stage
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.preview import PreviewDialog
from tests.factories import make_interviewer
from tests.unit.test_authoring_planner import FORKLIFT_JD


@pytest.fixture
def ctx(make_ctx: Any, sqlite_workspace: Workspace) -> ViewContext:
    return make_ctx(sqlite_workspace)  # type: ignore[no-any-return]


def open_wizard(qtbot: Any, ctx: ViewContext, interviewer_id: int | None = None
                ) -> AuthoringWizard:
    wizard = AuthoringWizard(ctx, interviewer_id=interviewer_id)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    return wizard


def click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def next_step(qtbot: Any, wizard: AuthoringWizard) -> None:
    step = wizard.current_step()
    qtbot.waitUntil(wizard.next_button.isEnabled)
    click(qtbot, wizard.next_button)
    assert wizard.current_step() == step + 1


def stored(ws: Workspace, slug: str) -> dict[str, Any]:
    def read(s: Any) -> dict[str, Any]:
        iv = s.scalars(select(Interviewer).where(Interviewer.slug == slug)).one()
        return {
            "id": iv.id, "status": iv.status, "title": iv.position_title,
            "budget": (iv.budget_kind, iv.budget_cents),
            "stages": [(st.kind, st.name, st.min_score,
                        [(q.kind, q.prompt, q.dealbreaker) for q in st.questions])
                       for st in iv.stages],
            "labels": sorted(lb.name for lb in iv.labels),
            "subs": sorted(x.email for x in iv.subscribers),
        }

    return ws.db.run_sync(read)


def test_from_a_template_to_create(qtbot: Any, ctx: ViewContext, sqlite_workspace: Workspace,
                                   tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx)
    assert not wizard.next_button.isEnabled()  # nothing planned yet
    plan = wizard.plan
    qtbot.keyClicks(plan.search, "forklift")
    visible = [plan.cards.item(i).text() for i in range(plan.cards.count())
               if not plan.cards.item(i).isHidden()]
    assert visible == ["Forklift Operator"]
    plan.cards.setCurrentRow(next(i for i in range(plan.cards.count())
                                  if not plan.cards.item(i).isHidden()))
    click(qtbot, plan.use_template)
    assert "Résumé → Voice · 9 questions" in plan.summary.toPlainText()
    next_step(qtbot, wizard)

    # Configure: the link name follows the title until it is typed by hand.
    conf = wizard.configure
    conf.title.set_text("Forklift Operator (Nights)")
    assert conf.slug.text() == "forklift-operator-nights"
    assert conf.name.text() == "Forklift Operator (Nights)"
    assert conf.title.counter.text() == "26 / 80"
    qtbot.waitUntil(lambda: conf.slug_status.text() == "✓ Available")
    next_step(qtbot, wizard)

    assert [s.kind for s in wizard.draft.stages] == [StageKind.RESUME, StageKind.VOICE]
    next_step(qtbot, wizard)

    # Questions: one from the library added to the Voice stage; a minimum score on Résumé.
    qs = wizard.questions
    qs.min_score_on.setChecked(True)
    qs.min_score.setValue(55)
    qs.stage_tabs.setCurrentIndex(1)
    dialog = qs.open_library()
    dialog.search.setText("weekends")
    dialog.check("Are you available to work weekends?")
    assert dialog.add_button.text() == "Add 1 question(s)"
    click(qtbot, dialog.add_button)
    assert qs.list.count() == 8
    assert qs.editor.prompt.text() == "Are you available to work weekends?"
    qs.editor.dealbreaker.setChecked(True)
    # Preview the Voice stage as a candidate would, before anything is saved.
    click(qtbot, qs.preview_button)
    previews = qs.findChildren(PreviewDialog)
    assert len(previews) == 1 and previews[0].isVisible()
    qtbot.waitUntil(lambda: previews[0].stage is not None)
    assert previews[0].stage.kind == StageKind.VOICE
    assert len(previews[0].stage.questions) == 8  # the one just added included
    previews[0].close()
    next_step(qtbot, wizard)

    # Settings: a daily budget shows the estimate and what it covers.
    st = wizard.settings
    st.budget_buttons[BudgetKind.DAILY].setChecked(True)
    st.amount.setValue(50)
    assert "per completed interview" in st.estimate.text()
    assert "completed interviews a day" in st.estimate.text()
    st.subscribers.setPlainText("ops@northwind.example\nhr@northwind.example")
    st.labels.setText("Warehouse, Dallas")
    # The Voice stage calls candidates: the number is needed, and the step says so.
    assert st.phone.lineEdit().placeholderText() == "+12145550100 (needed)"
    assert st.phone_hint.text().startswith("Needed: “Voice interview” calls candidates from "
                                           "this number")
    st.phone.setEditText("+12145550100")
    assert st.phone_hint.text() == "Calls and texts to candidates come from this number."
    next_step(qtbot, wizard)

    share = wizard.share
    # No web page of ours: candidates text the keyword to the interviewer's number.
    qtbot.waitUntil(lambda: share.points is not None)
    assert [p.words for p in share.points.points] == ["Text FORKLIFT to +1 214 555 0100"]
    assert share.link_text() == ""
    assert "No candidate web page" in share.page_state.text()
    assert wizard.next_button.text() == "Create interviewer"
    # Nothing blocks; what candidates will wait for is said calmly.
    assert "can't go live" not in share.readiness.text()
    assert "No email account is connected" in share.readiness.text()
    assert "Résumés are attached by hand" in share.readiness.text()
    qtbot.waitUntil(lambda: share.preview.pixmap() is not None
                    and not share.preview.pixmap().isNull())
    target = tmp_path / "poster.pdf"
    task = share.save_poster(target, "pdf")
    qtbot.waitUntil(task.done)
    text = pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "Forklift Operator (Nights)" in text
    assert "Text FORKLIFT to +1 214 555 0100" in " ".join(text.split())
    assert "http" not in text

    with qtbot.waitSignal(wizard.created, timeout=10_000) as created:
        click(qtbot, wizard.next_button)
    row = stored(sqlite_workspace, "forklift-operator-nights")
    assert created.args == [row["id"]]
    assert row["status"] == InterviewerStatus.ACTIVE
    assert row["title"] == "Forklift Operator (Nights)"
    assert row["budget"] == (BudgetKind.DAILY, 5000)
    resume, voice = row["stages"]
    assert resume[:3] == (StageKind.RESUME, "Résumé screening", 55) and len(resume[3]) == 2
    assert voice[0] == StageKind.VOICE and len(voice[3]) == 8
    assert voice[3][-1] == (QuestionKind.YES_NO, "Are you available to work weekends?", True)
    assert row["labels"] == ["Dallas", "Warehouse"]
    assert row["subs"] == ["hr@northwind.example", "ops@northwind.example"]
    assert not wizard.isVisible()


def test_from_a_pasted_job_description(qtbot: Any, ctx: ViewContext,
                                       sqlite_workspace: Workspace) -> None:
    wizard = open_wizard(qtbot, ctx)
    plan = wizard.plan
    plan.tabs.setCurrentIndex(1)
    click(qtbot, plan.plan_button)  # nothing pasted yet
    assert plan.description_error.text() == "Paste a job description first, or pick a template."
    plan.description.set_text(FORKLIFT_JD)
    assert plan.description_error.isHidden()
    click(qtbot, plan.plan_button)
    notes = plan.summary.toPlainText()
    assert "Forklift Operator - 2nd Shift" in notes
    assert "Found “lift up to 50 lbs”" in notes
    for _ in range(5):
        next_step(qtbot, wizard)
    with qtbot.waitSignal(wizard.created, timeout=10_000):
        click(qtbot, wizard.next_button)
    row = stored(sqlite_workspace, "forklift-operator-2nd-shift")
    prompts = {p: d for st in row["stages"] for _k, p, d in st[3]}
    assert prompts["Can you lift up to 50 lb repeatedly during a shift?"] is True
    assert prompts["How many years of warehouse forklift experience do you have?"] is True
    assert "Do you have a high school diploma or GED?" in prompts


def test_a_url_that_cannot_be_reached_says_offline(qtbot: Any, ctx: ViewContext) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    wizard = open_wizard(qtbot, ctx)
    plan = wizard.plan
    plan.tabs.setCurrentIndex(2)
    plan.url.setText(f"http://127.0.0.1:{port}/jobs/1")
    click(qtbot, plan.fetch_button)
    assert plan.spinner.isVisible() and not plan.fetch_button.isEnabled()
    qtbot.waitUntil(lambda: not plan.fetching, timeout=10_000)
    assert plan.url_error.text() == "You're offline — paste the job description instead."
    assert not plan.spinner.isVisible()
    assert not wizard.next_button.isEnabled()


def test_every_validation_error_is_shown_next_to_its_field(
        qtbot: Any, ctx: ViewContext, sqlite_workspace: Workspace) -> None:
    make_interviewer(sqlite_workspace, "Line Cook", slug="line-cook")
    wizard = open_wizard(qtbot, ctx)
    wizard.plan.choose_template("line-cook")
    next_step(qtbot, wizard)
    conf = wizard.configure

    def errors(page: Any) -> list[str]:
        return page.visible_errors()  # type: ignore[no-any-return]

    # The slug is taken (checked in the database in the background).
    qtbot.waitUntil(lambda: any("already the link of another interviewer" in e
                                for e in errors(conf)))
    assert not wizard.next_button.isEnabled()
    conf.slug.setText("Line Cook!")
    assert "Use lowercase letters" in conf.errors["slug"].text()
    conf.slug.setText("lc")
    assert "3–80 characters" in conf.errors["slug"].text()
    conf.slug.clear()
    qtbot.keyClicks(conf.slug, "line-cook-downtown")  # typed: it stops following the title
    conf.title.set_text("t" * 81)
    assert conf.title.counter.text() == "81 / 80"
    assert conf.errors["position_title"].text() == ("The position title is 81 characters; "
                                                    "the limit is 80.")
    conf.name.setText("")
    assert "Name the interviewer" in conf.errors["name"].text()
    assert not wizard.next_button.isEnabled()
    conf.title.set_text("Line Cook")
    conf.name.setText("Line Cook — Downtown")
    qtbot.waitUntil(lambda: errors(conf) == [])
    next_step(qtbot, wizard)

    stages = wizard.stages
    while stages.list.count():
        stages.list.setCurrentRow(0)
        click(qtbot, stages.remove_button)
    assert errors(stages) == ["Add at least one stage."]
    assert not wizard.next_button.isEnabled()
    click(qtbot, stages.add_buttons[StageKind.VOICE])
    stages.name.setText("")
    assert errors(stages) == ["Name the stage (1–80 characters)."]
    stages.name.setText("Phone screen")
    next_step(qtbot, wizard)

    qs = wizard.questions
    assert errors(qs) == ["Add at least one question to “Phone screen”."]
    click(qtbot, qs.add_button)  # a new yes/no question: prompt and expected answer missing
    ed = qs.editor
    assert ed.errors["prompt"].text() == "Write the question."
    assert ed.errors["expected_yes"].text() == "Choose the expected answer (yes or no)."
    assert qs.list.item(0).text().startswith("⚠ 1.")
    ed.prompt.set_text("Can you work doubles?")
    ed.expected.setCurrentIndex(ed.expected.findData(True))
    assert errors(qs) == []
    ed.kind.setCurrentIndex(ed.kind.findData(QuestionKind.SCORED))
    assert ed.errors["rubric_low"].text() == "Describe in plain words what a 1 looks like."
    assert ed.errors["rubric_high"].text() == "Describe in plain words what a 5 looks like."
    ed.rubric_low.setPlainText("Never worked a double.")
    ed.rubric_high.setPlainText("Regularly works doubles and stays sharp.")
    ed.kind.setCurrentIndex(ed.kind.findData(QuestionKind.MIN_AMOUNT))
    assert ed.errors["min_value"].text() == "The minimum amount must be more than zero."
    ed.min_value.setValue(2)
    ed.unit.setEditText("")
    assert ed.errors["unit"].text() == "Give the amount a unit, e.g. years."
    ed.unit.setEditText("doubles a week")
    ed.kind.setCurrentIndex(ed.kind.findData(QuestionKind.MULTIPLE_CHOICE))
    ed.choices.setPlainText("Yes")
    assert ed.errors["choices"].text() == "Give at least two choices."
    ed.choices.setPlainText("Yes\nNo\nSometimes")
    assert ed.errors["accepted_choices"].text() == "Mark at least one choice as accepted."
    ed.accepted.item(0).setCheckState(Qt.CheckState.Checked)
    ed.follow_ups.setPlainText("a\nb\nc\nd")
    assert ed.errors["follow_ups"].text() == "At most 3 follow-up questions."
    ed.follow_ups.setPlainText("How often?")
    ed.prompt.set_text("x" * 501)
    assert ed.errors["prompt"].text() == "The question is 501 characters; the limit is 500."
    ed.prompt.set_text("Can you work double shifts?")
    assert errors(qs) == []
    next_step(qtbot, wizard)

    st = wizard.settings
    st.deadline.setDate(st.deadline.date().addYears(-3))
    assert errors(st) == ["The deadline must be in the future."]
    st.deadline.setDate(st.deadline.date().addYears(3))
    st.budget_buttons[BudgetKind.ALL_TIME].setChecked(True)
    assert errors(st) == ["Enter a budget amount above $0, or choose no budget."]
    st.amount.setValue(100)
    st.phone.setEditText("555-12")
    assert st.errors["phone_number"].text().startswith("“555-12” is not a valid phone number")
    st.phone.setEditText("")
    st.subscribers.setPlainText("boss at northwind")
    assert errors(st) == ["Not an email address: “boss at northwind”"]
    st.subscribers.setPlainText("boss@northwind.example")
    st.labels.setText("x" * 61)
    assert errors(st) == ["Keep each label under 60 characters."]
    st.labels.setText("Kitchen")
    assert errors(st) == []
    next_step(qtbot, wizard)
    assert wizard.next_button.isEnabled()


def test_dragging_stages_changes_the_saved_order(qtbot: Any, ctx: ViewContext,
                                                 sqlite_workspace: Workspace) -> None:
    wizard = open_wizard(qtbot, ctx)
    wizard.plan.choose_template("forklift-operator")
    wizard.configure.title.set_text("Forklift Voice First")
    next_step(qtbot, wizard)
    next_step(qtbot, wizard)
    stages = wizard.stages
    assert [stages.list.item(i).text().split("\n")[0] for i in range(2)] == [
        "⋮⋮  1. Résumé screening", "⋮⋮  2. Voice interview"]
    # The offscreen platform has no drag and drop: move the row in the list's model, as a
    # drop onto the list does (an internal move emits rowsMoved).
    assert stages.list.model().moveRows(QModelIndex(), 0, 1, QModelIndex(), 2)
    qtbot.waitUntil(lambda: [s.kind for s in wizard.draft.stages] == [StageKind.VOICE,
                                                                       StageKind.RESUME])
    assert stages.list.item(0).text().startswith("⋮⋮  1. Voice interview")
    next_step(qtbot, wizard)
    assert wizard.questions.stage_tabs.tabText(0) == "Voice interview"
    for _ in range(2):
        next_step(qtbot, wizard)
    with qtbot.waitSignal(wizard.created, timeout=10_000):
        click(qtbot, wizard.next_button)
    row = stored(sqlite_workspace, "forklift-voice-first")
    assert [s[0] for s in row["stages"]] == [StageKind.VOICE, StageKind.RESUME]


def test_edit_mode_saves_changes_for_new_candidates(qtbot: Any, ctx: ViewContext,
                                                    sqlite_workspace: Workspace) -> None:
    service = sqlite_workspace.authoring
    draft = service.draft_from_template("retail-associate")
    draft.slug = "retail-mall"

    created: list[int] = []
    ctx.spawn(_create(service, draft, created), "test.create")
    qtbot.waitUntil(lambda: bool(created))
    wizard = open_wizard(qtbot, ctx, interviewer_id=created[0])
    assert wizard.windowTitle() == "Edit interviewer"
    assert wizard.current_step() == 1  # Plan is skipped
    assert not wizard.steps.item(0).flags() & Qt.ItemFlag.ItemIsEnabled
    conf = wizard.configure
    assert conf.slug.text() == "retail-mall"
    qtbot.waitUntil(lambda: conf.slug_status.text() == "✓ Available")  # its own slug
    conf.title.set_text("Retail Sales Associate (Holiday)")
    assert conf.slug.text() == "retail-mall"  # a stored slug never follows the title
    next_step(qtbot, wizard)
    next_step(qtbot, wizard)
    qs = wizard.questions
    qs.stage_tabs.setCurrentIndex(1)
    qs.list.setCurrentRow(0)
    qs.editor.prompt.set_text("A shopper can't find their size. What do you do next?")
    for _ in range(2):
        next_step(qtbot, wizard)
    assert "Changes apply to new candidates only" in wizard.share.notice.text()
    assert wizard.next_button.text() == "Save changes"
    with qtbot.waitSignal(wizard.saved, timeout=10_000):
        click(qtbot, wizard.next_button)

    def read(s: Any) -> tuple[str, list[str], int]:
        iv = s.get(Interviewer, created[0])
        voice = s.scalars(select(Stage).where(Stage.interviewer_id == iv.id,
                                              Stage.position == 1)).one()
        n = len(s.scalars(select(Question.id)).all())
        return iv.position_title, [q.prompt for q in voice.questions], n

    title, prompts, total = sqlite_workspace.db.run_sync(read)
    assert title == "Retail Sales Associate (Holiday)"
    assert prompts[0] == "A shopper can't find their size. What do you do next?"
    assert total == 8  # edited in place, nothing duplicated


async def _create(service: Any, draft: Any, out: list[int]) -> None:
    out.append(await service.create(draft))


def test_main_window_button_opens_the_wizard_and_then_the_new_interviewer(
        qtbot: Any, ctx: ViewContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    assert window.create_button.text() == "Create Interviewer"
    click(qtbot, window.create_button)
    wizard = window.findChild(AuthoringWizard)
    assert wizard is not None
    qtbot.waitUntil(wizard.is_loaded)
    wizard.plan.choose_template("security-officer")
    for _ in range(5):
        next_step(qtbot, wizard)
    click(qtbot, wizard.next_button)
    page = window.interviewers.detail_page
    qtbot.waitUntil(lambda: window.interviewers.stack.currentWidget() is page, timeout=10_000)
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=10_000)


def test_the_row_menu_edits_an_interviewer(qtbot: Any, ctx: ViewContext,
                                           sqlite_workspace: Workspace) -> None:
    service = sqlite_workspace.authoring
    draft = service.draft_from_template("line-cook")
    created: list[int] = []
    ctx.spawn(_create(service, draft, created), "test.create")
    qtbot.waitUntil(lambda: bool(created))
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.show()
    qtbot.waitUntil(section.is_loaded)
    page = section.list_page
    menu = page.context_menu([page.model.row_at(0)])  # type: ignore[list-item]
    qtbot.addWidget(menu)
    edit = menu.findChild(QAction, "edit")
    assert edit is not None and edit.text() == "Edit…"
    edit.trigger()
    wizard = page.findChild(AuthoringWizard)
    assert wizard is not None
    qtbot.waitUntil(wizard.is_loaded)
    assert wizard.configure.title.text() == "Line Cook"
    next_step(qtbot, wizard)
    for _ in range(3):
        next_step(qtbot, wizard)
    with qtbot.waitSignal(wizard.saved, timeout=10_000):
        click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: "apply to new candidates only" in page.banner.text())
