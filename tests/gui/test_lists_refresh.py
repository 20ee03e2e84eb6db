"""Every list refreshes from events (issue 10, point 5): each action a user takes — or sync
takes for them — changes the rows on screen without a manual refresh (no filter toggled, no
re-sort). Lists: the Interviewers table, an interviewer's Candidates tab, the Candidate
Directory. (The pipeline's and the receptionists' lists have their own tests.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    SpendKind,
    StageKind,
)
from milo_desktop.models import Application, Candidate, Interviewer, SpendEntry
from milo_desktop.services.core.events import (
    ApplicationsChanged,
    CandidatesChanged,
    InterviewersChanged,
    SpendChanged,
)
from milo_desktop.views.candidates.directory import DirectorySection
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.detail_page import InterviewerPage
from milo_desktop.views.widgets.spend_chip import SpendChip
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.review_factories import ODD_NAME, ReviewData, build

A = ApplicationStatus
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


@pytest.fixture
def ctx(pinned_ctx: ViewContext) -> ViewContext:
    return pinned_ctx


def run(qtbot: Any, ctx: ViewContext, coro: Any) -> Any:
    """Run a service call on the app's loop, as a view would (ctx.spawn), and wait for it."""
    task = ctx.spawn(coro, "test.action")
    qtbot.waitUntil(task.done, timeout=10_000)
    return task.result()


def interviewers(qtbot: Any, ctx: ViewContext) -> InterviewersSection:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1600, 1000)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    return section


def open_interviewer(qtbot: Any, section: InterviewersSection, iid: int) -> InterviewerPage:
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.open_interviewer(iid)
    return section.detail_page


def names(page: Any) -> list[str]:
    return [getattr(r, "name", None) or r.full_name for r in page.model.rows()]


# ----- an interviewer's Candidates tab ---------------------------------------------------------
def test_undo_of_a_shortlist_brings_the_rows_back_under_a_filter(qtbot: Any,
                                                                 ctx: ViewContext) -> None:
    data: ReviewData = build(ctx.workspace)
    page = open_interviewer(qtbot, interviewers(qtbot, ctx), data.interviewer_id)
    page.set_status_filter(A.COMPLETED)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])
    page.table.selectRow(0)
    bar = page.review_bar
    qtbot.mouseClick(bar.shortlist_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(page) == [ODD_NAME])  # shortlisted: out of "Completed"
    qtbot.waitUntil(lambda: bar.banner.action_button.isVisible())
    qtbot.mouseClick(bar.banner.action_button, Qt.MouseButton.LeftButton)  # Undo
    qtbot.waitUntil(lambda: page.status_filter.currentText() == "Completed (2)")
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])  # the rows, not only counts
    # Dismiss from the filtered view, then Undo: the same.
    page.table.selectRow(1)
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee"])
    qtbot.waitUntil(lambda: bar.banner.action_button.isVisible())
    qtbot.mouseClick(bar.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", ODD_NAME])


def test_candidates_invited_from_the_directory_appear_in_the_tab(qtbot: Any,
                                                                ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", stages=(StageKind.RESUME, StageKind.VOICE),
                           deadline=None, phone_number="+15550100009")
    people = [make_candidate(ws, n, f"{n.split()[0].lower()}@example.com")
              for n in ("Ann Lee", "Bob Stone", "Cara Diaz")]
    section = interviewers(qtbot, ctx)
    page = open_interviewer(qtbot, section, iid)
    assert page.table.overlay.title.text() == "No candidates yet"
    run(qtbot, ctx, ws.outreach.invite(people, iid))  # the directory's Invite
    qtbot.waitUntil(lambda: page.status_filter.itemText(0) == "All (3)")
    qtbot.waitUntil(lambda: sorted(names(page)) == ["Ann Lee", "Bob Stone", "Cara Diaz"])
    assert not page.table.overlay.isVisible()
    # …and the Interviewers table counts them.
    section.show_list()
    qtbot.waitUntil(lambda: [r.candidates for r in section.list_page.model.rows()
                             if r.id == iid] == [3], timeout=10_000)


def test_a_note_shows_on_the_row(qtbot: Any, ctx: ViewContext) -> None:
    data: ReviewData = build(ctx.workspace)
    page = open_interviewer(qtbot, interviewers(qtbot, ctx), data.interviewer_id)
    bob = next(r for r in page.model.rows() if r.name == "Bob Stone")
    assert not bob.has_notes
    run(qtbot, ctx, ctx.workspace.candidates.add_note(
        bob.candidate_id, "Call back after 5", application_id=bob.id))
    qtbot.waitUntil(lambda: next(r for r in page.model.rows() if r.name == "Bob Stone").has_notes)
    # With "Has notes" on, a first note brings the row in.
    page.notes_filter.setChecked(True)
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", "Bob Stone"])
    cara = data.apps["Cara"]
    run(qtbot, ctx, ctx.workspace.candidates.add_note(
        data.candidates["Cara"], "Prefers nights", application_id=cara))
    qtbot.waitUntil(lambda: names(page) == ["Ann Lee", "Bob Stone", "Cara Diaz"])


# ----- the Interviewers table ------------------------------------------------------------------
def row_of(section: InterviewersSection, iid: int) -> Any:
    return next((r for r in section.list_page.model.rows() if r.id == iid), None)


def test_interviewers_table_follows_results_arriving(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", deadline=None)
    apps = [make_application(ws, make_candidate(ws, f"C {i}"), iid, A.IN_PROGRESS,
                             started_at=NOW - dt.timedelta(days=1)) for i in range(4)]
    section = interviewers(qtbot, ctx)
    table = section.list_page.model
    stats = table.COLUMNS[table.column_index("stats")]
    assert table.display(row_of(section, iid), stats) == "4 • 0%"

    def finish(s: Any) -> None:  # as the stage sync does when a candidate's last stage ends
        s.execute(update(Application).where(Application.id == apps[0])
                  .values(status=A.COMPLETED, completed_at=NOW))

    ws.db.run_sync(finish, write=True)
    ws.bus.publish(ApplicationsChanged((apps[0],)))
    qtbot.waitUntil(lambda: table.display(row_of(section, iid), stats) == "4 • 25%",
                    timeout=10_000)


def test_interviewers_table_rows_follow_each_action(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", deadline=NOW + dt.timedelta(days=3))
    other = make_interviewer(ws, "Line Cook", deadline=None)
    section = interviewers(qtbot, ctx)
    svc = ws.interviewers
    assert {r.id for r in section.list_page.model.rows()} == {iid, other}
    # Budget edited: the Spend cell says so.
    run(qtbot, ctx, svc.set_budget(iid, BudgetKind.ALL_TIME, 50_000))
    qtbot.waitUntil(lambda: row_of(section, iid).budget_cents == 50_000)
    # Deadline extended.
    run(qtbot, ctx, svc.extend_deadline(iid, days=30))
    qtbot.waitUntil(lambda: row_of(section, iid).deadline > NOW + dt.timedelta(days=29))
    # Cloned: the copy joins the list.
    clone = run(qtbot, ctx, svc.clone(iid))
    qtbot.waitUntil(lambda: row_of(section, clone) is not None)
    assert row_of(section, clone).status == InterviewerStatus.DRAFT
    # Archived: the row leaves the Active tab, the tabs recount.
    run(qtbot, ctx, svc.archive([other]))
    qtbot.waitUntil(lambda: row_of(section, other) is None)
    tabs = section.list_page.tabs
    qtbot.waitUntil(lambda: tabs.tabText(2) == "Archived (1)")
    # Created from a template (what the wizard's Create does): joins the list.
    ws.authoring.clock = lambda: NOW
    draft = ws.authoring.draft_from_template("forklift-operator")
    draft.slug = "forklift-dallas-2"
    created = run(qtbot, ctx, ws.authoring.create(draft))
    qtbot.waitUntil(lambda: row_of(section, created) is not None)
    qtbot.waitUntil(lambda: tabs.tabText(0) == "Active (3)")
    # Changed where no service publishes (a teammate on a shared database, next sync): the
    # event alone repaints the row.
    ws.db.run_sync(lambda s: s.execute(update(Interviewer).where(Interviewer.id == iid)
                                       .values(name="Forklift Driver (nights)")), write=True)
    ws.bus.publish(InterviewersChanged((iid,)))
    qtbot.waitUntil(lambda: row_of(section, iid).name == "Forklift Driver (nights)")


# ----- the Candidate Directory -----------------------------------------------------------------
def directory(qtbot: Any, ctx: ViewContext) -> DirectorySection:
    section = DirectorySection(ctx)
    qtbot.addWidget(section)
    section.resize(1400, 900)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.show()
    return section


def test_directory_follows_invitations_and_new_people(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", deadline=None, phone_number="+15550100009")
    ann = make_candidate(ws, "Ann Lee", "ann@example.com")
    make_candidate(ws, "Bob Stone", "bob@example.com")
    section = directory(qtbot, ctx)
    assert sorted(names(section)) == ["Ann Lee", "Bob Stone"]

    def interviews(name: str) -> int:
        return next(r.interviews for r in section.model.rows() if r.full_name == name)

    assert interviews("Ann Lee") == 0
    run(qtbot, ctx, ws.outreach.invite([ann], iid))
    qtbot.waitUntil(lambda: interviews("Ann Lee") == 1)
    # A new person (a walk-in at the kiosk, an ingested caller) joins the list at once.
    cara = make_candidate(ws, "Cara Diaz", "cara@example.com")
    ws.bus.publish(CandidatesChanged((cara,)))
    qtbot.waitUntil(lambda: "Cara Diaz" in names(section))
    qtbot.waitUntil(lambda: section.counts_text() == "3 candidates")
    # Under a search, a person who does not match stays out; one who matches comes in.
    qtbot.keyClicks(section.search, "Diaz")
    qtbot.waitUntil(lambda: names(section) == ["Cara Diaz"])
    dan = make_candidate(ws, "Dan Diaz", "dan@example.com")
    eve = make_candidate(ws, "Eve Moss", "eve@example.com")
    ws.bus.publish(CandidatesChanged((dan, eve)))
    qtbot.waitUntil(lambda: sorted(names(section)) == ["Cara Diaz", "Dan Diaz"])

    def rename(s: Any) -> None:  # the person's details edited
        s.execute(update(Candidate).where(Candidate.id == dan).values(full_name="Dan Fox"))

    ws.db.run_sync(rename, write=True)
    ws.bus.publish(CandidatesChanged((dan,)))
    qtbot.waitUntil(lambda: names(section) == ["Cara Diaz"])  # no longer matches "Diaz"


# ----- the top bar's spend chip ----------------------------------------------------------------
def test_spend_chip_follows_budget_edits(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", deadline=None,
                           budget_kind=BudgetKind.ALL_TIME, budget_cents=100_000)
    chip = SpendChip(ctx)
    qtbot.addWidget(chip)
    chip.refresh()
    qtbot.waitUntil(lambda: chip.label.text() == "Spend (30 days) $0 / $1k")
    run(qtbot, ctx, ws.interviewers.set_budget(iid, BudgetKind.ALL_TIME, 250_000))
    qtbot.waitUntil(lambda: chip.label.text() == "Spend (30 days) $0 / $2.5k")
    run(qtbot, ctx, ws.interviewers.archive([iid]))  # no live interviewer has a budget now
    qtbot.waitUntil(lambda: chip.label.text() == "Spend (30 days) $0")


def test_interviewer_analytics_tab_follows_spend(qtbot: Any, ctx: ViewContext) -> None:
    ws = ctx.workspace
    iid = make_interviewer(ws, "Forklift Driver", deadline=None)
    make_application(ws, make_candidate(ws, "Ann Lee"), iid, A.IN_PROGRESS,
                     started_at=NOW - dt.timedelta(hours=3))
    page = open_interviewer(qtbot, interviewers(qtbot, ctx), iid)
    with qtbot.waitSignal(page.analytics.loaded, timeout=10_000):
        page.tabs.setCurrentWidget(page.analytics)
    assert "$0" in page.analytics.texts()

    def spend(s: Any) -> None:  # as a sync round records a priced call
        s.add(SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid="CA1",
                         amount_micros=1_250_000, interviewer_id=iid,
                         occurred_at=NOW - dt.timedelta(hours=1)))

    ws.db.run_sync(spend, write=True)
    ws.bus.publish(SpendChanged())
    qtbot.waitUntil(lambda: "$1.25" in page.analytics.texts(), timeout=5000)
