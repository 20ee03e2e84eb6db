"""The interviewer wizard's phone number comes from the connected Twilio account (issue 10:
pickers, not free text, wherever the choice comes from a known list): the account's numbers
are offered, and a number typed by hand that is not one of them is refused beside the field,
before Create — not discovered later when texts fail to send."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.entry.points import EntryKind
from milo_desktop.services.links import set_account
from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from tests.factories import NOW
from tests.publishers import account_sandbox, sandbox_publisher

NUMBER = "+12145550197"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    with account_sandbox(NUMBER) as box:
        yield box


def test_the_number_is_one_of_the_accounts(qtbot: Any, make_ctx: Any,
                                           sqlite_workspace: Workspace,
                                           sandbox: TwilioSandbox) -> None:
    ws: Any = sqlite_workspace
    ws.receptionists = ReceptionistService(ws.db, ws.bus, sandbox_publisher(sandbox),
                                           clock=lambda: NOW)
    wizard = AuthoringWizard(make_ctx(ws))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded, timeout=10_000)
    qtbot.waitUntil(lambda: wizard.account_numbers == {NUMBER}, timeout=10_000)
    wizard.plan.choose_template("forklift-operator")
    settings = wizard.settings
    assert [settings.phone.itemData(i) for i in range(settings.phone.count())] == [NUMBER]

    settings.phone.setEditText("+1 214 555 0111")  # well formed, but not the account's
    problems = [p.message for p in wizard.problems if p.field == "phone_number"]
    assert problems == ["+1 214 555 0111 is not a number of the connected Twilio account: "
                        "pick one of its numbers from the list."]
    assert problems[0] in settings.errors["phone_number"].text()

    settings.phone.setCurrentIndex(0)  # picked from the list
    assert wizard.draft.phone_number == NUMBER
    assert not [p for p in wizard.problems if p.field == "phone_number"]


def test_a_long_interview_link_shows_its_start(qtbot: Any, make_ctx: Any,
                                               sqlite_workspace: Workspace) -> None:
    wizard = AuthoringWizard(make_ctx(sqlite_workspace))
    qtbot.addWidget(wizard)
    wizard.resize(1100, 760)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded, timeout=10_000)
    wizard.plan.choose_template("warehouse-associate")
    wizard.draft.slug = "warehouse-associate-night-shift-north-dallas-distribution-center"
    # A link exists only with a candidate page the agency hosts (Settings → Account).
    sqlite_workspace.db.run_sync(lambda s: set_account(
        s, candidate_page="https://jobs.agency.example/apply"), write=True)
    wizard.share.load(wizard.draft, "https://jobs.agency.example/apply", editing=False)
    qtbot.waitUntil(lambda: EntryKind.LINK in wizard.share.way_edits, timeout=10_000)
    link = wizard.share.way_edits[EntryKind.LINK]
    assert link.text().endswith("/warehouse-associate-night-shift-north-dallas-distribution-center")
    assert link.cursorPosition() == 0 and link.toolTip() == link.text()
