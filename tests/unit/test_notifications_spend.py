"""Notification center data and the top bar's spend summary, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from milo_desktop.enums import BudgetKind, InterviewerStatus, NotificationKind, SpendKind
from milo_desktop.models import SpendEntry
from milo_desktop.services.core.events import NotificationAdded, NotificationsRead
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer


def test_notifications_unread_and_mark_read(workspace: Workspace, arun) -> None:
    events: list[object] = []
    workspace.bus.subscribe(NotificationAdded, events.append)
    workspace.bus.subscribe(NotificationsRead, events.append)
    cid = make_candidate(workspace, "Ana Lima")
    ns = workspace.notifications
    first = arun(ns.add(NotificationKind.COMPLETED, "Ana Lima completed", candidate_id=cid))
    second = arun(ns.add(NotificationKind.SYNC_FAILED, "Twilio sync failed", "401 from Twilio"))
    assert arun(ns.unread_count()) == 2
    rows = arun(ns.recent())
    assert [r.id for r in rows] == [second, first]  # newest first
    assert rows[1].candidate_id == cid and not rows[1].read
    arun(ns.mark_read(first))
    assert arun(ns.unread_count()) == 1
    assert arun(ns.mark_all_read()) == 1
    assert arun(ns.unread_count()) == 0
    assert all(r.read for r in arun(ns.recent()))
    assert events.count(NotificationsRead()) == 2 and NotificationAdded(first) in events


def test_spend_summary_last_30_days_against_live_budgets(workspace: Workspace, arun) -> None:
    """The Analytics section's default period (services/spend.py), whole UTC days."""
    now = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    a = make_interviewer(
        workspace, "Forklift", budget_kind=BudgetKind.ALL_TIME, budget_cents=100_000
    )
    make_interviewer(
        workspace, "CNA", budget_kind=BudgetKind.DAILY, budget_cents=1_000
    )  # × 30 days
    make_interviewer(
        workspace,
        "Old role",
        status=InterviewerStatus.ARCHIVED,
        budget_kind=BudgetKind.ALL_TIME,
        budget_cents=999_999,
    )

    def add_spend(s) -> None:
        s.add_all(
            [
                SpendEntry(
                    service="twilio",
                    kind=SpendKind.CALL,
                    provider_sid="CA1",
                    amount_micros=1_250_000,
                    interviewer_id=a,
                    occurred_at=now - dt.timedelta(days=2),
                ),
                SpendEntry(
                    service="twilio",
                    kind=SpendKind.SMS,
                    provider_sid="SM1",
                    amount_micros=7_900,
                    interviewer_id=a,
                    occurred_at=now - dt.timedelta(days=1),
                ),
                # 40 days ago: not in the last 30 days
                SpendEntry(
                    service="twilio",
                    kind=SpendKind.CALL,
                    provider_sid="CA0",
                    amount_micros=9_000_000,
                    interviewer_id=a,
                    occurred_at=now - dt.timedelta(days=40),
                ),
            ]
        )

    workspace.db.run_sync(add_spend, write=True)
    summary = arun(workspace.spend.summary(now))
    assert summary.used_micros == 1_257_900
    assert (summary.start, summary.end, summary.days) == (
        dt.datetime(2026, 10, 24, tzinfo=dt.UTC), dt.datetime(2026, 11, 23, tzinfo=dt.UTC), 30)
    assert summary.budget_cents == 100_000 + 30 * 1_000
    assert abs(summary.used_cents - 125.79) < 1e-9
    assert summary.fraction is not None and 0.0009 < summary.fraction < 0.001


def test_spend_without_budgets(workspace: Workspace, arun) -> None:
    make_interviewer(workspace, "No budget role")
    summary = arun(workspace.spend.summary())
    assert summary.used_micros == 0 and summary.budget_cents is None and summary.fraction is None
