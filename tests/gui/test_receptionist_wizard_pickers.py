"""The receptionist wizard's pickers and its Next on step 1 (issue 10, points 3, 8 and 10):
the phone number is chosen from the connected Twilio account's numbers (the sandbox Twilio
over real sockets), routing offers only interviewers that accept candidates, and Next says
what is missing beside the fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from milo_desktop.enums import InterviewerStatus
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.receptionists import ReceptionistDraft, ReceptionistService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists.wizard import ReceptionistWizard
from tests.factories import NOW, make_interviewer
from tests.gui.test_receptionist_wizard import CONFIG
from tests.publishers import sandbox_publisher

NUMBER = "+12145550197"
SPARE = "+14155550123"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    box = TwilioSandbox()
    box.add_number(NUMBER, "Dallas line")
    box.add_number(SPARE, "Spare line")
    with box.running():
        yield box


def service_on(ws: Workspace, publisher: Any) -> ReceptionistService:
    svc = ReceptionistService(ws.db, ws.bus, publisher, clock=lambda: NOW)
    ws.receptionists = svc  # type: ignore[misc]
    return svc


def open_wizard(qtbot: Any, make_ctx: Any, ws: Workspace, detail: Any = None
                ) -> ReceptionistWizard:
    wizard = ReceptionistWizard(make_ctx(ws), None, detail)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.basic.options is not None)
    return wizard


def shown_errors(wizard: ReceptionistWizard) -> dict[str, str]:
    return {k: label.text() for k, label in wizard.basic.errors.items() if label.isVisible()}


def test_next_on_an_empty_step_one_says_what_is_missing_beside_each_field(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    service_on(sqlite_workspace, sandbox_publisher(sandbox))
    wizard = open_wizard(qtbot, make_ctx, sqlite_workspace)
    basic = wizard.basic
    assert wizard.next_button.isEnabled()  # never greyed out without a word
    assert shown_errors(wizard) == {}  # nothing red before the user had a chance
    field_top = basic.agent.mapTo(wizard, basic.agent.rect().topLeft())

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)

    assert wizard.current_step() == 0
    errors = shown_errors(wizard)
    assert set(errors) == {"name", "number", "agent", "intro"}
    assert errors["number"] == "Choose the phone number callers will dial."
    assert "Name the receptionist" in errors["name"]
    assert wizard.error_text() == "Fill in what is marked: Receptionist name, Phone number, Agent name, Intro " \
           "message."
    qtbot.waitUntil(lambda: QApplication.focusWidget() is basic.name)
    # Each error stands beside its field: nothing moved under the mouse.
    assert basic.agent.mapTo(wizard, basic.agent.rect().topLeft()) == field_top
    name_error = basic.errors["name"]
    assert name_error.mapTo(wizard, name_error.rect().topLeft()).x() > \
        basic.name.mapTo(wizard, basic.name.rect().topRight()).x()

    # Fixing a field takes its error away at once; the next Next focuses the next missing one.
    qtbot.keyClicks(basic.name, "Dallas Warehouse Line")
    assert "name" not in shown_errors(wizard)
    assert basic.choose_number(NUMBER)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert set(shown_errors(wizard)) == {"agent", "intro"}
    qtbot.waitUntil(lambda: QApplication.focusWidget() is basic.agent)
    intro_top = basic.intro.mapTo(wizard, basic.intro.rect().topLeft())
    qtbot.keyClicks(basic.agent, "Ava")
    assert "agent" not in shown_errors(wizard)
    assert basic.intro.mapTo(wizard, basic.intro.rect().topLeft()) == intro_top  # no jump
    basic.intro.set_text("Thanks for calling!")
    assert shown_errors(wizard) == {} and wizard.error_text() == ""
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1


def test_the_number_is_picked_from_the_accounts_numbers(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    svc = service_on(sqlite_workspace, sandbox_publisher(sandbox))
    iid = make_interviewer(sqlite_workspace, "Forklift Operator", deadline=None)
    wizard = open_wizard(qtbot, make_ctx, sqlite_workspace)
    basic = wizard.basic
    assert not basic.number.isEditable()  # a picker, not free text
    assert [basic.number.itemData(i) for i in range(basic.number.count())] == [NUMBER, SPARE]
    assert basic.number.currentIndex() == -1
    assert basic.number.placeholderText() == "Choose one of your Twilio numbers"
    assert not basic.reload_numbers.isVisible()

    # A number another receptionist answers on is listed, disabled, saying by whom.
    qtbot.waitUntil(lambda: wizard.questions.default_interviewer.count() == 2)
    wizard.ctx.spawn(svc.create(ReceptionistDraft(
        "Front desk", SPARE, dataclasses.replace(CONFIG, manual_approval=True),
        default_interviewer_id=iid)), "test.create")
    qtbot.waitUntil(lambda: svc.db.run_sync(
        lambda s: s.execute(_count_receptionists()).scalar()) == 1)
    basic.load_numbers()
    qtbot.waitUntil(lambda: basic.options is not None and basic.number.itemText(1) ==
                    f"{SPARE} — in use")
    assert "“Front desk”" in basic.number.itemData(1, Qt.ItemDataRole.ToolTipRole)
    assert not basic.choose_number(SPARE) and basic.choose_number(NUMBER)


def _count_receptionists() -> Any:
    from sqlalchemy import func, select

    from milo_desktop.models import Receptionist

    return select(func.count()).select_from(Receptionist)


def test_the_picker_says_what_to_do_without_twilio_or_without_numbers(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    service_on(sqlite_workspace, None)  # Twilio not connected
    wizard = open_wizard(qtbot, make_ctx, sqlite_workspace)
    basic = wizard.basic
    assert basic.number.count() == 0
    assert basic.number_hint.text().startswith("Twilio is not connected. Connect it in "
                                               "Settings → Integrations → Twilio")
    assert basic.reload_numbers.isVisible()
    qtbot.keyClicks(basic.name, "Line")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 0
    assert shown_errors(wizard)["number"].startswith("Connect Twilio first")

    # Connected, but the account has no numbers yet.
    empty = TwilioSandbox()
    with empty.running():
        service_on(sqlite_workspace, sandbox_publisher(empty))
        qtbot.mouseClick(basic.reload_numbers, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: basic.options is not None and "no phone numbers" in
                        basic.number_hint.text())
    assert "Buy one in the Twilio console" in basic.number_hint.text()
    assert basic.reload_numbers.isVisible() and basic.number.count() == 0


def test_routing_offers_only_interviewers_that_accept_candidates_and_flags_closed_routes(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, sandbox: TwilioSandbox) -> None:
    ws = sqlite_workspace
    svc = service_on(ws, sandbox_publisher(sandbox))
    open_iv = make_interviewer(ws, "Forklift Operator", deadline=None)
    make_interviewer(ws, "Overdue Loader", deadline=NOW - dt.timedelta(days=1))
    make_interviewer(ws, "Expired Driver", status=InterviewerStatus.EXPIRED)
    make_interviewer(ws, "Draft Packer", status=InterviewerStatus.DRAFT)
    make_interviewer(ws, "Archived Clerk", status=InterviewerStatus.ARCHIVED)
    wizard = open_wizard(qtbot, make_ctx, ws)
    qs = wizard.questions
    qtbot.waitUntil(lambda: qs.default_interviewer.count() == 2)
    assert [qs.default_interviewer.itemText(i) for i in range(2)] == [
        "None — every caller goes to review", "Forklift Operator"]
    assert [qs.routes.item(i).text() for i in range(qs.routes.count())] == ["Forklift Operator"]
    wizard.close()

    # A receptionist routed to it while it was open; it has expired since.
    config = dataclasses.replace(CONFIG, manual_approval=False)
    created: list[Any] = []
    wizard.ctx.spawn(_create(svc, config, open_iv, created), "test.create")
    qtbot.waitUntil(lambda: bool(created), timeout=10_000)

    def expire(s: Any) -> None:
        from milo_desktop.models import Interviewer

        s.get(Interviewer, open_iv).status = InterviewerStatus.EXPIRED

    ws.db.run_sync(expire, write=True)
    edit = open_wizard(qtbot, make_ctx, ws, created[0])
    # Its own number is picked (free for itself), from the account's list.
    assert edit.basic.phone_number() == NUMBER and "number" not in edit.basic.field_problems()
    qs = edit.questions
    qtbot.waitUntil(lambda: qs.default_interviewer.count() == 2)
    assert qs.default_interviewer.currentText() == "Forklift Operator — expired"
    assert not qs.routing_note.isHidden()  # (step 4 is not the page on screen)
    assert qs.routing_note.text() == (
        "“Forklift Operator” (the default interviewer) is expired and takes no new "
        "candidates: callers are not invited there. Choose another, or extend its deadline.")
    assert not qs.problems()  # said, not blocking: the rest of the edit can be saved


async def _create(svc: ReceptionistService, config: Any, iid: int, out: list[Any]) -> None:
    out.append(await svc.create(ReceptionistDraft("Dallas line", NUMBER, config,
                                                  default_interviewer_id=iid)))
