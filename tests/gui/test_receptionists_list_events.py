"""The receptionists list keeps itself right from events (issue 10: every view refreshes from
events): a receptionist created elsewhere, paused and resumed, edited, and a call landing on
its line change the rows and the tab counts without a manual refresh. Publishing goes to the
sandbox Twilio over real sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from milo_desktop.enums import ReceptionistStatus
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.core.events import CallUpdated
from milo_desktop.services.receptionists import ReceptionistDraft, ReceptionistService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists.receptionists_list import ReceptionistsSection
from tests.factories import NOW, make_interviewer
from tests.gui.test_receptionist_wizard import CONFIG, open_receptionists
from tests.publishers import account_sandbox
from tests.unit.test_pipeline_service import add_call

NUMBER = "+12145550197"


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    with account_sandbox(NUMBER) as box:
        yield box


@pytest.fixture
def section(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
            sandbox: TwilioSandbox) -> ReceptionistsSection:
    return open_receptionists(qtbot, make_ctx, sqlite_workspace, sandbox)


def rows(section: ReceptionistsSection) -> list[tuple[str, str, int]]:
    return [(r.name, status(r.status), r.calls) for r in (section.model.row_at(i) for i in range(section.model.rowCount())) if r]


def status(s: ReceptionistStatus) -> str:
    return "live" if s == ReceptionistStatus.LIVE else "inactive"


def test_every_action_shows_in_the_list_without_a_refresh(
        qtbot: Any, section: ReceptionistsSection, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    service: ReceptionistService = ws.receptionists
    iid = make_interviewer(ws, "Forklift Operator", deadline=None)
    made: list[Any] = []

    async def create() -> None:
        made.append(await service.create(ReceptionistDraft(
            "Dallas line", NUMBER, CONFIG, default_interviewer_id=iid)))

    # Created (here from another window: the list is told by the event alone).
    section.ctx.spawn(create(), "test.create")
    qtbot.waitUntil(lambda: rows(section) == [("Dallas line", "live", 0)], timeout=10_000)
    qtbot.waitUntil(lambda: section.tabs.tabText(1) == "Live (1)")
    rid = made[0].id

    # Paused, resumed.
    section.ctx.spawn(service.pause(rid), "test.pause")
    qtbot.waitUntil(lambda: rows(section) == [("Dallas line", "inactive", 0)], timeout=10_000)
    qtbot.waitUntil(lambda: section.tabs.tabText(2) == "Inactive (1)")
    section.ctx.spawn(service.resume(rid), "test.resume")
    qtbot.waitUntil(lambda: rows(section) == [("Dallas line", "live", 0)], timeout=10_000)

    # Edited.
    renamed = dataclasses.replace(made[0].draft(), name="Dallas Warehouse Line")
    section.ctx.spawn(service.update(rid, renamed), "test.update")
    qtbot.waitUntil(lambda: rows(section) == [("Dallas Warehouse Line", "live", 0)],
                    timeout=10_000)

    # A call lands on its line (the sync publishes CallUpdated): the Calls column counts it.
    call = add_call(ws, rid, "Keisha Haddad", "+14695550177", None, NOW)
    ws.bus.publish(CallUpdated(call))
    qtbot.waitUntil(lambda: rows(section) == [("Dallas Warehouse Line", "live", 1)],
                    timeout=10_000)
