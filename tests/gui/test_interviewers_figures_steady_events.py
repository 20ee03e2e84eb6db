"""The Interviewers table's figures under a steady stream of events (found by the issue 10
walkthrough, tests/e2e/test_issue10_done_when.py): while sync rounds publish SpendChanged
every second or so, the Stats of a row whose candidates just finished still update. The
repaint is started by the first event, not pushed back by every later one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import update

from milo_desktop.enums import ApplicationStatus
from milo_desktop.models import Application
from milo_desktop.services.core.events import ApplicationsChanged, SpendChanged
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.list_page import FIGURES_DELAY_MS
from tests.factories import NOW, make_application, make_candidate, make_interviewer

A = ApplicationStatus
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ctx(pinned_ctx: ViewContext) -> ViewContext:
    return pinned_ctx


def test_stats_update_while_sync_rounds_keep_publishing(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Warehouse Associate", deadline=None)
    apps = [make_application(ws, make_candidate(ws, f"C {i}"), iid, A.IN_PROGRESS,
                             started_at=NOW - dt.timedelta(hours=1)) for i in range(2)]
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1600, 1000)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    table = section.list_page.model
    stats = table.COLUMNS[table.column_index("stats")]

    def shown() -> str:
        row = next(r for r in table.rows() if r.id == iid)
        return str(table.display(row, stats))

    assert shown() == "2 • 0%"
    # A sync round every 300 ms publishes SpendChanged (calls and texts pulled again).
    rounds = QTimer(interval=300)
    rounds.timeout.connect(lambda: ws.bus.publish(SpendChanged()))
    rounds.start()
    try:
        ws.db.run_sync(lambda s: s.execute(
            update(Application).where(Application.id.in_(apps))
            .values(status=A.COMPLETED, completed_at=NOW)), write=True)
        ws.bus.publish(ApplicationsChanged(tuple(apps)))
        # Within a few repaint delays, not "once the events stop".
        qtbot.waitUntil(lambda: shown() == "2 • 100%", timeout=4 * FIGURES_DELAY_MS)
    finally:
        rounds.stop()
