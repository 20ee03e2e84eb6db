"""The Analytics section and an interviewer's Analytics tab under a steady stream of events
(the pattern the issue 10 walkthrough found in the Interviewers table): while sync rounds
publish SpendChanged every 300 ms, a new priced call still reaches the Spend card. The recount
is started by the first event, not pushed back by every later one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from milo_desktop.enums import ApplicationStatus, SpendKind
from milo_desktop.models import SpendEntry
from milo_desktop.services.core.events import SpendChanged
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.analytics import AnalyticsSection
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from tests.factories import NOW, make_application, make_candidate, make_interviewer

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ctx(pinned_ctx: ViewContext) -> ViewContext:
    return pinned_ctx


def priced_call(ws: Workspace, iid: int) -> None:
    """As a sync round records a priced call."""
    ws.db.run_sync(lambda s: s.add(SpendEntry(
        service="twilio", kind=SpendKind.CALL, provider_sid="CA1", amount_micros=1_250_000,
        interviewer_id=iid, occurred_at=NOW - dt.timedelta(hours=1))), write=True)


def steady_rounds(ws: Workspace) -> QTimer:
    rounds = QTimer(interval=300)
    rounds.timeout.connect(lambda: ws.bus.publish(SpendChanged()))
    rounds.start()
    return rounds


def test_the_analytics_section_follows_spend_during_steady_sync(qtbot: Any,
                                                                ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Warehouse Associate", deadline=None)
    make_application(ws, make_candidate(ws, "Ann Lee"), iid, ApplicationStatus.IN_PROGRESS,
                     started_at=NOW - dt.timedelta(hours=3))
    section = AnalyticsSection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 900)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    assert section.cards["spend"].value.text() != "$1.25"
    rounds = steady_rounds(ws)
    try:
        priced_call(ws, iid)
        qtbot.waitUntil(lambda: section.cards["spend"].value.text() == "$1.25", timeout=5000)
    finally:
        rounds.stop()


def test_the_interviewer_analytics_tab_follows_spend_during_steady_sync(
        qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Warehouse Associate", deadline=None)
    make_application(ws, make_candidate(ws, "Ann Lee"), iid, ApplicationStatus.IN_PROGRESS,
                     started_at=NOW - dt.timedelta(hours=3))
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1600, 1000)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.open_interviewer(iid)
    page = section.detail_page
    with qtbot.waitSignal(page.analytics.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.analytics)
    assert "$0" in page.analytics.texts()
    rounds = steady_rounds(ws)
    try:
        priced_call(ws, iid)
        qtbot.waitUntil(lambda: "$1.25" in page.analytics.texts(), timeout=5000)
    finally:
        rounds.stop()
