"""The receptionist wizard, list and test call, driven like a user with qtbot on a real
workspace; publishing goes to the sandbox Twilio over real sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.enums import QuestionKind, ReceptionistStatus
from milo_desktop.models import Receptionist
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.flows import AnswerKey, QuestionSpec, ReceptionistConfig
from milo_desktop.services.receptionists import ReceptionistDraft, ReceptionistService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists.practice_call import PracticeCallDialog
from milo_desktop.views.receptionists.receptionists_list import ReceptionistsSection
from milo_desktop.views.receptionists.wizard import ReceptionistWizard
from tests.factories import NOW, make_interviewer
from tests.publishers import account_sandbox, sandbox_publisher, unreachable_publisher
from tests.unit.test_receptionists_service import number_urls

NUMBER = "+12145550197"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    with account_sandbox(NUMBER) as box:
        yield box


@pytest.fixture
def section(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
            sandbox: TwilioSandbox) -> ReceptionistsSection:
    make_interviewer(sqlite_workspace, "Forklift Operator")
    make_interviewer(sqlite_workspace, "Reach Truck Operator")
    return open_receptionists(qtbot, make_ctx, sqlite_workspace, sandbox)


def open_receptionists(qtbot: Any, make_ctx: Any, ws: Any,
                       sandbox: TwilioSandbox) -> ReceptionistsSection:
    """The receptionists screen over ``ws``, publishing to the running ``sandbox``."""
    ws.receptionists = ReceptionistService(ws.db, ws.bus, sandbox_publisher(sandbox),
                                           clock=lambda: NOW)
    widget = ReceptionistsSection(make_ctx(ws))
    qtbot.addWidget(widget)
    widget.resize(1440, 900)
    widget.show()
    qtbot.waitUntil(widget.is_loaded)
    return widget


def problems_text(page: Any) -> str:
    return "\n".join(page.problem_list.items) if page.problem_list.isVisible() else ""


def test_walk_the_wizard_and_create_a_live_receptionist(
        qtbot: Any, section: ReceptionistsSection, sandbox: TwilioSandbox) -> None:
    assert section.tabs.tabText(0) == "All (0)"
    assert section.table.overlay.title.text() == "No receptionists yet"
    wizard = section.create_receptionist()
    assert isinstance(wizard, ReceptionistWizard)
    next_button = wizard.next_button
    qtbot.waitUntil(lambda: wizard.questions.default_interviewer.count() == 3)

    # Step 1: the number is picked from the account's; Next stays on the step until all
    # is well.
    basic = wizard.basic
    qtbot.waitUntil(lambda: basic.options is not None)
    assert [basic.number.itemData(i) for i in range(basic.number.count())] == [NUMBER]
    assert "numbers of your Twilio account" in basic.number_hint.text()
    qtbot.keyClicks(basic.name, "Dallas Warehouse Line")
    assert basic.choose_number(NUMBER)
    qtbot.keyClicks(basic.agent, "Ava")
    basic.intro.set_text("x" * 801)
    assert basic.intro.counter.text() == "801 / 800"
    assert "801 characters; the limit is 800" in problems_text(basic)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 0
    basic.intro.set_text("Thanks for calling Northwind Staffing!")
    assert basic.intro.counter.text() == "38 / 800"
    assert next_button.isEnabled() and problems_text(basic) == ""
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 2: enforcing the job-location match needs the location and the places.
    dis = wizard.disclosures
    assert wizard.current_step() == 1
    dis.enforce.setChecked(True)
    assert "also collect the caller's location" in problems_text(dis)
    assert not next_button.isEnabled()
    dis.location.setChecked(True)
    dis.places.setPlainText("Dallas, TX\nFort Worth, TX")
    assert next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 3: custom context, each field with its own counter.
    ctx_page = wizard.context_page
    ctx_page.fields["open_positions"].set_text("Forklift Operator, Warehouse Associate")
    ctx_page.fields["pay"].set_text("y" * 801)
    assert "Pay is longer than 800 characters" in problems_text(ctx_page)
    assert not next_button.isEnabled()
    ctx_page.fields["pay"].set_text("$18–$22/hour")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Step 4: no questions yet; then one of each structured kind, reordered.
    qs = wizard.questions
    assert "Add at least one screening question" in problems_text(qs)
    assert not next_button.isEnabled()
    qtbot.mouseClick(qs.add_button, Qt.MouseButton.LeftButton)
    qs.prompt.setPlainText("Are you authorized to work in the US?")
    qs.dealbreaker.setChecked(True)
    qtbot.mouseClick(qs.add_button, Qt.MouseButton.LeftButton)
    qs.kind.setCurrentIndex(qs.kind.findData(QuestionKind.MIN_AMOUNT))
    qs.prompt.setPlainText("How many years of forklift experience?")
    qs.min_value.setValue(1)
    qs.unit.setText("years")
    qtbot.mouseClick(qs.add_button, Qt.MouseButton.LeftButton)
    qs.kind.setCurrentIndex(qs.kind.findData(QuestionKind.MULTIPLE_CHOICE))
    qs.prompt.setPlainText("Which shift suits you?")
    qs.choices.setPlainText("Days\nNights\nWeekends")
    assert "mark at least one choice as accepted" in problems_text(qs)
    qs.accepted.item(0).setCheckState(Qt.CheckState.Checked)
    assert "default interviewer" in problems_text(qs)
    qs.default_interviewer.setCurrentIndex(1)
    qs.routes.item(1).setCheckState(Qt.CheckState.Checked)
    assert next_button.isEnabled()
    qtbot.mouseClick(qs.up_button, Qt.MouseButton.LeftButton)  # choice question second
    assert [s.prompt for s in qs.specs()][1] == "Which shift suits you?"
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    # Review: everything summarised; the compiled flow checks clean.
    assert wizard.current_step() == 4
    summary = wizard.review.summary.toPlainText()
    for text in ("Dallas Warehouse Line", "+12145550197", "Ava", "Dallas, TX",
                 "Which shift suits you?", "$18–$22/hour", "approve at 70/100 → Forklift"):
        assert text in summary
    assert wizard.review_problems() == []
    assert next_button.text() == "Create receptionist"
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.is_busy() and not next_button.isEnabled()  # published in the background
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)

    qtbot.waitUntil(lambda: section.model.rowCount() == 1 and section.model.row_at(0)
                    .status == ReceptionistStatus.LIVE)  # type: ignore[union-attr]
    row = section.model.row_at(0)
    assert row is not None
    assert (row.name, row.agent_name, row.phone_number, row.questions) == (
        "Dallas Warehouse Line", "Ava", NUMBER, 3)
    assert section.model.index(0, 3).data() == "Live"
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Live (1)")
    assert "is live on +12145550197" in section.banner.text()
    voice_url, sms_url = number_urls(sandbox, NUMBER)
    assert voice_url.startswith("https://webhooks.twilio.com/") and sms_url == voice_url

    # Pause from the list: the number is unpointed and the row moves to Inactive.
    section.table.selectRow(0)
    assert section.pause_button.text() == "Pause"
    qtbot.mouseClick(section.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.tabs.tabText(2) == "Inactive (1)")
    assert number_urls(sandbox, NUMBER) == ("", "")
    assert "is paused" in section.banner.text()


def test_a_taken_number_is_offered_but_cannot_be_chosen(
        qtbot: Any, section: ReceptionistsSection, sqlite_workspace: Workspace) -> None:
    make_interviewer(sqlite_workspace, "SMS Screening", slug="sms", phone_number=NUMBER)
    wizard = section.create_receptionist()
    basic = wizard.basic
    qtbot.waitUntil(lambda: basic.options is not None)
    assert basic.number.itemText(0) == f"{NUMBER} — in use"
    tip = basic.number.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert "SMS screening number" in tip and "“SMS Screening”" in tip
    assert not basic.choose_number(NUMBER)
    assert "Every number of your Twilio account is already in use" in basic.number_hint.text()
    assert basic.reload_numbers.isVisible()


CONFIG = ReceptionistConfig(
    agent_name="Ava", intro_message="Thanks for calling Northwind Staffing!",
    collect_location=True,
    questions=(
        QuestionSpec("1", QuestionKind.YES_NO, "Are you authorized to work in the US?",
                     expected_yes=True),
        QuestionSpec("2", QuestionKind.MIN_AMOUNT, "How many years of experience?",
                     min_value=1, unit="years"),
        QuestionSpec("3", QuestionKind.MULTIPLE_CHOICE, "Which shift suits you?",
                     choices=("Days", "Nights"), accepted_choices=("Days",)),
    ),
)


def test_test_call_answers_every_question_and_shows_what_was_captured(qtbot: Any) -> None:
    dialog = PracticeCallDialog(CONFIG)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Thanks for calling Northwind Staffing!" in dialog.agent_says.text()
    assert "say your first and last name" in dialog.agent_says.text()
    qtbot.keyClicks(dialog.speech, "Ada Lovelace")
    qtbot.keyClick(dialog.speech, Qt.Key.Key_Return)
    assert "best number to reach you" in dialog.agent_says.text()
    for key in "4155550123#":
        qtbot.mouseClick(dialog.keypad[key], Qt.MouseButton.LeftButton)
    assert dialog.digits.text() == "4155550123#"
    qtbot.mouseClick(dialog.press_button, Qt.MouseButton.LeftButton)
    dialog.say("Dallas")  # location
    assert "authorized to work" in dialog.agent_says.text()
    dialog.say("yeah I do")
    dialog.say("about three years")
    assert "press 1 for Days" in dialog.agent_says.text()
    dialog.press("1")
    assert dialog.prompt_kind() == "record"
    qtbot.mouseClick(dialog.silent_button, Qt.MouseButton.LeftButton)
    assert dialog.prompt_kind() == "sms"
    assert dialog.input.currentIndex() == 1
    assert "Ada Lovelace" in dialog.agent_says.text()
    qtbot.keyClicks(dialog.sms_reply, "YES")
    qtbot.mouseClick(dialog.send_sms_button, Qt.MouseButton.LeftButton)

    assert dialog.prompt_kind() is None and dialog.input.currentIndex() == 2
    assert "completed" in dialog.outcome.text()
    captured = {(a.key, a.question_id): a for a in dialog.answers()}
    assert captured[(AnswerKey.NAME, None)].text == "Ada Lovelace"
    assert captured[(AnswerKey.CALLBACK, None)].value == "+14155550123"
    assert captured[(AnswerKey.LOCATION, None)].text == "Dallas"
    assert captured[(AnswerKey.QUESTION, "1")].text == "yeah I do"
    assert captured[(AnswerKey.QUESTION, "2")].text == "about three years"
    assert captured[(AnswerKey.QUESTION, "3")].value == "Days"
    assert captured[(AnswerKey.CONFIRMATION, None)].text == "YES"
    table = {dialog.captured.item(r, 0).text(): dialog.captured.item(r, 1).text()
             for r in range(dialog.captured.rowCount())}
    assert table["Are you authorized to work in the US?"] == "yeah I do"
    assert table["Which shift suits you?"] == "[keypad] 1"
    assert table["Voicemail recording"] == "— not answered —"
    transcript = dialog.transcript.toPlainText()
    assert "You\nAda Lovelace" in transcript and "about three years" in transcript

    # Hanging up mid-call ends it and still shows what was captured.
    qtbot.mouseClick(dialog.again_button, Qt.MouseButton.LeftButton)
    dialog.say("Grace Hopper")
    qtbot.mouseClick(dialog.hang_up_button, Qt.MouseButton.LeftButton)
    assert dialog.prompt_kind() is None
    assert "You hung up" in dialog.outcome.text()
    assert {a.key: a.text for a in dialog.answers()}[AnswerKey.NAME] == "Grace Hopper"


def test_test_call_from_the_list_and_the_review_page(
        qtbot: Any, section: ReceptionistsSection, sqlite_workspace: Workspace) -> None:
    ws: Any = sqlite_workspace
    service: ReceptionistService = ws.receptionists
    service.set_publisher(None)  # Twilio not connected: saved Inactive, test call still works
    manual = dataclasses.replace(CONFIG, manual_approval=True)
    section.ctx.spawn(service.create(ReceptionistDraft("Line", NUMBER, manual)), "test.create")
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    assert section.model.index(0, 3).data() == "Not published"
    assert "connect Twilio" in section.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    section.table.selectRow(0)
    assert section.pause_button.text() == "Resume"
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.test_call is not None and section.test_call.isVisible())
    assert section.test_call is not None
    assert "say your first and last name" in section.test_call.agent_says.text()
    section.test_call.close()

    # Edit opens the wizard filled in; its review page offers a test call too.
    qtbot.mouseClick(section.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.wizard is not None and section.wizard.isVisible())
    wizard = section.wizard
    assert wizard is not None
    assert wizard.basic.name.text() == "Line" and len(wizard.questions.specs()) == 3
    qtbot.waitUntil(wizard.next_button.isEnabled)
    for _step in range(4):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 4 and wizard.next_button.text() == "Save changes"
    qtbot.mouseClick(wizard.review.test_call_button, Qt.MouseButton.LeftButton)
    assert wizard.test_call is not None and wizard.test_call.isVisible()
    wizard.test_call.close()
    # Resume without Twilio says what to do, in the banner.
    wizard.reject()
    qtbot.mouseClick(section.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connect Twilio" in section.banner.text())


def test_a_failed_create_saves_nothing_and_can_be_tried_again(
        qtbot: Any, section: ReceptionistsSection, sqlite_workspace: Workspace,
        sandbox: TwilioSandbox) -> None:
    ws: Any = sqlite_workspace
    service: ReceptionistService = ws.receptionists
    service.set_publisher(unreachable_publisher())
    wizard = section.create_receptionist()
    wizard.basic.name.setText("Line")
    wizard.basic.agent.setText("Ava")
    wizard.basic.intro.set_text("Hello")
    wizard.basic.manual.setChecked(True)
    qtbot.waitUntil(lambda: wizard.basic.options is not None)
    # Twilio cannot be reached: the picker says so and offers to check again.
    assert "could not be loaded" in wizard.basic.number_hint.text()
    assert wizard.basic.reload_numbers.isVisible()
    service.set_publisher(sandbox_publisher(sandbox))
    qtbot.mouseClick(wizard.basic.reload_numbers, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.basic.number.count() == 1)
    assert wizard.basic.choose_number(NUMBER)
    service.set_publisher(unreachable_publisher())  # gone again before Create
    qtbot.waitUntil(wizard.next_button.isEnabled)
    for _step in range(3):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    wizard.questions.add_question(CONFIG.questions[0])
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    # Create fails: nothing is saved, and the wizard says so and keeps what was written.
    qtbot.waitUntil(lambda: "Nothing was saved" in wizard.error_text())
    assert "Twilio cannot be reached" in wizard.error_text() and wizard.isVisible()
    assert wizard.next_button.text() == "Create receptionist"
    assert service.db.run_sync(lambda s: s.query(Receptionist).count()) == 0
    # Twilio is back: Create again makes it once.
    service.set_publisher(sandbox_publisher(sandbox))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Live (1)")
    assert section.tabs.tabText(0) == "All (1)"
