"""InterviewerService on SQLite and PostgreSQL: tabs, keyset paging, aggregates, actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    QuestionKind,
    SpendKind,
    StageKind,
    StageStatus,
)
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import (
    Application,
    AuditEntry,
    Interviewer,
    InterviewerSubscriber,
    Question,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.services.core.events import InterviewersChanged
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.interviewers import SORTS, InterviewerService
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_application, make_candidate, make_interviewer

DAY = dt.timedelta(days=1)
FAR = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


@pytest.fixture
def svc(workspace: Workspace) -> InterviewerService:
    workspace.interviewers.clock = lambda: NOW
    return workspace.interviewers


def events(ws: Workspace) -> list[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    ws.bus.subscribe(InterviewersChanged, lambda e: seen.append(e.ids))
    return seen


def audit(ws: Workspace) -> list[tuple[str, int | None]]:
    def q(s: Any) -> list[tuple[str, int | None]]:
        rows = s.execute(select(AuditEntry.action, AuditEntry.entity_id).order_by(AuditEntry.id))
        return [tuple(r) for r in rows]

    return ws.db.run_sync(q)


def all_pages(arun: Any, fetch: Any, query: PageQuery) -> list[Any]:
    rows, cursor, pages = [], None, 0
    while True:
        page = arun(fetch(query, cursor))
        rows.extend(page.rows)
        pages += 1
        assert pages < 100, "paging does not end"
        if page.next_cursor is None:
            return rows
        assert len(page.rows) == query.limit
        cursor = page.next_cursor


def status_mix(ws: Workspace) -> dict[str, int]:
    ids = {}
    later = NOW + 20 * DAY  # a deadline ahead of the service's pinned clock
    ids["a1"] = make_interviewer(ws, "Warehouse Associate", deadline=later)
    ids["a2"] = make_interviewer(ws, "Forklift Driver", deadline=later, labels=("Logistics",))
    ids["a3"] = make_interviewer(ws, "Night Nurse", deadline=None, labels=("Health",))
    ids["draft"] = make_interviewer(ws, "Barista", status=InterviewerStatus.DRAFT,
                                    deadline=NOW - DAY)
    ids["overdue"] = make_interviewer(ws, "Line Cook", deadline=NOW - DAY, labels=("Logistics",))
    ids["expired"] = make_interviewer(ws, "Cashier", status=InterviewerStatus.EXPIRED,
                                      deadline=later)
    ids["ar1"] = make_interviewer(ws, "Forklift Trainer", status=InterviewerStatus.ARCHIVED,
                                  deadline=later)
    ids["ar2"] = make_interviewer(ws, "Delivery Driver", status=InterviewerStatus.ARCHIVED,
                                  deadline=later, labels=("Health",))
    return ids


def test_tab_counts_search_and_labels(svc: InterviewerService, workspace: Workspace,
                                      arun: Any) -> None:
    status_mix(workspace)
    assert arun(svc.tab_counts()) == {"active": 4, "expired": 2, "archived": 2}
    assert arun(svc.tab_counts("forklift")) == {"active": 1, "expired": 0, "archived": 1}
    labels = {lab.name: lab.id for lab in arun(svc.labels())}
    assert list(labels) == ["Health", "Logistics"]
    assert arun(svc.tab_counts(label_ids=[labels["Logistics"]])) == {
        "active": 1, "expired": 1, "archived": 0}
    assert arun(svc.tab_counts(label_ids=list(labels.values()))) == {
        "active": 2, "expired": 1, "archived": 1}
    assert arun(svc.tab_counts("driver", [labels["Health"]])) == {
        "active": 0, "expired": 0, "archived": 1}


def test_page_tabs_show_effective_status(svc: InterviewerService, workspace: Workspace,
                                         arun: Any) -> None:
    ids = status_mix(workspace)
    q = PageQuery("name", filters={"tab": "expired"})
    rows = arun(svc.page(q, None)).rows
    assert [r.name for r in rows] == ["Cashier", "Line Cook"]
    assert {r.status for r in rows} == {InterviewerStatus.EXPIRED}
    active = arun(svc.page(q.with_(filters={"tab": "active"}), None)).rows
    assert {r.id for r in active} == {ids["a1"], ids["a2"], ids["a3"], ids["draft"]}
    archived = arun(svc.page(q.with_(filters={"tab": "archived", "search": "trainer"}), None))
    assert [r.id for r in archived.rows] == [ids["ar1"]]


def test_expire_overdue_sweeps_audits_and_publishes(svc: InterviewerService,
                                                    workspace: Workspace, arun: Any) -> None:
    ids = status_mix(workspace)
    seen = events(workspace)
    assert arun(svc.expire_overdue()) == [ids["overdue"]]
    assert seen == [(ids["overdue"],)]
    assert audit(workspace) == [("interviewer.expire", ids["overdue"])]
    assert arun(svc.expire_overdue()) == []  # nothing left: no event, no audit
    assert len(seen) == 1
    assert arun(svc.tab_counts()) == {"active": 4, "expired": 2, "archived": 2}


def build_45(ws: Workspace) -> dict[int, dict[str, Any]]:
    """45 interviewers with ties in every sort key, so the id tie-break is exercised."""
    cands = [make_candidate(ws, f"Person {i}") for i in range(4)]
    facts: dict[int, dict[str, Any]] = {}
    for i in range(45):
        created = NOW - dt.timedelta(days=i % 7)  # ties
        deadline = None if i % 6 == 0 else NOW + dt.timedelta(days=1 + i % 5)
        name = f"Role {chr(65 + i % 9)}"  # 9 distinct names, each 5 times
        iid = make_interviewer(ws, name, slug=f"role-{i}", created_at=created,
                               deadline=deadline, stages=(StageKind.VOICE,))
        n = i % 4
        for c in cands[:n]:
            make_application(ws, c, iid)
        facts[iid] = {"recent": created, "deadline": deadline or FAR, "name": name.lower(),
                      "candidates": n}
    return facts


@pytest.mark.parametrize("descending", [False, True])
def test_keyset_paging_every_sort(svc: InterviewerService, workspace: Workspace, arun: Any,
                                  descending: bool) -> None:
    facts = build_45(workspace)
    for sort in SORTS:
        query = PageQuery(sort, descending, {"tab": "active"}, limit=10)
        rows = all_pages(arun, svc.page, query)
        ids = [r.id for r in rows]
        expected = sorted(facts, key=lambda i, s=sort: (facts[i][s], i), reverse=descending)
        assert ids == expected, sort
        assert len(set(ids)) == 45
    # the rows carry their aggregates whatever the sort
    counts = {r.id: r.candidates for r in all_pages(arun, svc.page, PageQuery("name", limit=7))}
    assert counts == {i: f["candidates"] for i, f in facts.items()}


def test_row_aggregates(svc: InterviewerService, workspace: Workspace, arun: Any) -> None:
    iid = make_interviewer(workspace, "Forklift Driver", labels=("Logistics", "Austin"),
                           ats_provider="greenhouse", ats_synced_at=NOW - DAY,
                           budget_kind=BudgetKind.ALL_TIME, budget_cents=100_000,
                           activated_at=NOW - 20 * DAY)
    other = make_interviewer(workspace, "Other")
    statuses = [ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS,
                ApplicationStatus.COMPLETED, ApplicationStatus.SHORTLISTED,
                ApplicationStatus.KNOCKED_OUT]
    for i, st in enumerate(statuses):
        times = {} if st == ApplicationStatus.PENDING else {"started_at": NOW - 2 * DAY}
        if st not in (ApplicationStatus.PENDING, ApplicationStatus.IN_PROGRESS):
            times["completed_at"] = NOW - DAY
        make_application(workspace, make_candidate(workspace, f"C {i}"), iid, st, **times)

    def add(s: Any) -> None:
        s.add_all([
            SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid="a",
                       amount_micros=2_500_000, interviewer_id=iid, occurred_at=NOW - 3 * DAY),
            SpendEntry(service="twilio", kind=SpendKind.SMS, provider_sid="b",
                       amount_micros=7_900, interviewer_id=iid,
                       occurred_at=dt.datetime.now(dt.UTC)),
            SpendEntry(service="twilio", kind=SpendKind.SMS, provider_sid="c",
                       amount_micros=1_000_000, interviewer_id=other, occurred_at=NOW),
            InterviewerSubscriber(interviewer_id=iid, email="a@example.com"),
            InterviewerSubscriber(interviewer_id=iid, email="b@example.com"),
        ])

    workspace.db.run_sync(add, write=True)
    svc.clock = lambda: dt.datetime.now(dt.UTC)
    (row,) = arun(svc.rows([iid]))
    assert row.workflow == (StageKind.RESUME, StageKind.VOICE)
    # Started: every one but the pending; completed: the completed and the shortlisted
    # (a knock-out is not a completion; services/figures.py).
    assert (row.candidates, row.started, row.completed) == (5, 4, 2)
    assert row.completion == pytest.approx(50.0)
    assert row.spend_micros == 2_507_900
    assert row.spend_today_micros == 7_900
    assert [lab.name for lab in row.labels] == ["Austin", "Logistics"]
    assert row.subscribers == 2
    assert row.ats_synced and row.ats_provider == "greenhouse"
    assert (row.csat, row.csat_count) == (None, 0)  # nobody rated a screening yet
    assert (row.budget_kind, row.budget_cents) == (BudgetKind.ALL_TIME, 100_000)
    assert row.activated_at == NOW - 20 * DAY
    (empty,) = arun(svc.rows([other]))
    assert (empty.candidates, empty.completion, empty.subscribers) == (0, None, 0)
    assert not empty.ats_synced


def test_label_filter_any_of(svc: InterviewerService, workspace: Workspace, arun: Any) -> None:
    ids = status_mix(workspace)
    labels = {lab.name: lab.id for lab in arun(svc.labels())}
    q = PageQuery("name", filters={"tab": "active", "labels": (labels["Logistics"],
                                                                labels["Health"])})
    assert {r.id for r in arun(svc.page(q, None)).rows} == {ids["a2"], ids["a3"]}


def test_archive_and_unarchive(svc: InterviewerService, workspace: Workspace,
                               arun: Any) -> None:
    ids = status_mix(workspace)
    never = make_interviewer(workspace, "Never Activated", status=InterviewerStatus.ARCHIVED)

    def activated(s: Any) -> None:
        for iv in s.scalars(select(Interviewer)):
            if iv.id != never:
                iv.activated_at = NOW - 30 * DAY

    workspace.db.run_sync(activated, write=True)
    seen = events(workspace)
    assert arun(svc.archive([ids["a1"], ids["overdue"], ids["ar1"]])) == sorted(
        [ids["a1"], ids["overdue"]])
    assert seen == [tuple(sorted([ids["a1"], ids["overdue"]]))]
    assert arun(svc.tab_counts()) == {"active": 3, "expired": 1, "archived": 5}
    back = arun(svc.unarchive([ids["a1"], ids["overdue"], never, ids["a2"]]))
    assert sorted(back) == sorted([ids["a1"], ids["overdue"], never])
    (a1, overdue, nv) = arun(svc.rows([ids["a1"], ids["overdue"], never]))
    assert a1.status == InterviewerStatus.ACTIVE
    assert overdue.status == InterviewerStatus.EXPIRED
    assert nv.status == InterviewerStatus.DRAFT
    actions = [a for a, _ in audit(workspace)]
    assert actions.count("interviewer.archive") == 2
    assert actions.count("interviewer.unarchive") == 3


def test_clone_copies_the_setup_not_the_candidates(svc: InterviewerService,
                                                   workspace: Workspace, arun: Any) -> None:
    src = make_interviewer(workspace, "Forklift Driver", labels=("Logistics",),
                           deadline=NOW - DAY, budget_kind=BudgetKind.DAILY, budget_cents=5000,
                           settings={"tone": "friendly"}, ats_job_id="J1")

    def setup(s: Any) -> None:
        stage = s.scalars(select(Stage).where(Stage.interviewer_id == src,
                                              Stage.position == 1)).one()
        stage.questions.append(Question(position=0, kind=QuestionKind.YES_NO,
                                        prompt="Forklift licence?", expected_yes=True,
                                        dealbreaker=True))
        stage.questions.append(Question(position=1, kind=QuestionKind.SCORED,
                                        prompt="Tell us about safety", weight=2.0))
        s.add(InterviewerSubscriber(interviewer_id=src, email="boss@example.com"))

    workspace.db.run_sync(setup, write=True)
    make_application(workspace, make_candidate(workspace, "Ann"), src)
    seen = events(workspace)
    first = arun(svc.clone(src))
    second = arun(svc.clone(src))
    assert seen == [(first,), (second,)]
    a, b = arun(svc.get(first)), arun(svc.get(second))
    assert (a.slug, b.slug) == ("forklift-driver-copy", "forklift-driver-copy-2")
    assert a.name == "Forklift Driver (copy)"
    assert a.status == InterviewerStatus.DRAFT
    assert a.workflow == (StageKind.RESUME, StageKind.VOICE)
    assert [(q.prompt, q.dealbreaker, q.weight) for q in a.stages[1].questions] == [
        ("Forklift licence?", True, 1.0), ("Tell us about safety", False, 2.0)]
    assert [lab.name for lab in a.labels] == ["Logistics"]
    assert a.subscribers == ("boss@example.com",)
    assert (a.budget_kind, a.budget_cents) == (BudgetKind.DAILY, 5000)
    assert a.deadline == NOW + 30 * DAY  # the source's deadline had passed
    (row,) = arun(svc.rows([first]))
    assert row.candidates == 0
    # the source is untouched (still has its own stages and questions)
    src_detail = arun(svc.get(src))
    assert len(src_detail.stages[1].questions) == 2
    assert ("interviewer.clone", first) in audit(workspace)

    def extra(s: Any) -> tuple[dict[str, Any], str | None, int]:
        iv = s.get(Interviewer, first)
        questions = s.scalar(select(func.count()).select_from(Question))
        return iv.settings, iv.ats_job_id, questions

    settings, job, questions = workspace.db.run_sync(extra)
    assert settings == {"tone": "friendly"} and job is None and questions == 6


def test_extend_deadline(svc: InterviewerService, workspace: Workspace, arun: Any) -> None:
    ids = status_mix(workspace)
    seen = events(workspace)
    # expired (deadline in the past): counted from now, and active again
    new = arun(svc.extend_deadline(ids["expired"], days=7))
    assert new >= NOW + 7 * DAY - dt.timedelta(seconds=1)
    (row,) = arun(svc.rows([ids["expired"]]))
    assert row.status == InterviewerStatus.ACTIVE and row.deadline == new
    # still running: counted from the current deadline
    assert arun(svc.extend_deadline(ids["a1"], days=14)) == NOW + 34 * DAY
    # to a date
    until = NOW + 90 * DAY
    assert arun(svc.extend_deadline(ids["a3"], until=until)) == until
    assert seen == [(ids["expired"],), (ids["a1"],), (ids["a3"],)]
    with pytest.raises(ValidationProblem, match="future"):
        arun(svc.extend_deadline(ids["a1"], until=NOW - DAY))
    with pytest.raises(ValidationProblem, match="at least one day"):
        arun(svc.extend_deadline(ids["a1"], days=0))
    assert arun(svc.tab_counts())["expired"] == 1  # only the overdue one left


def test_set_budget_and_validation(svc: InterviewerService, workspace: Workspace,
                                   arun: Any) -> None:
    iid = make_interviewer(workspace)
    seen = events(workspace)
    arun(svc.set_budget(iid, BudgetKind.DAILY, 5_000))
    (row,) = arun(svc.rows([iid]))
    assert (row.budget_kind, row.budget_cents) == (BudgetKind.DAILY, 5_000)
    arun(svc.set_budget(iid, "none", 123))
    (row,) = arun(svc.rows([iid]))
    assert (row.budget_kind, row.budget_cents) == (BudgetKind.NONE, None)
    assert seen == [(iid,), (iid,)]
    for kind, cents, message in [
        (BudgetKind.DAILY, None, "amount for a daily budget"),
        (BudgetKind.ALL_TIME, None, "amount for an all-time budget"),
        (BudgetKind.ALL_TIME, -1, "negative"),
        (BudgetKind.ALL_TIME, 10**12, "too large"),
        ("weekly", 100, "Unknown budget kind"),
    ]:
        with pytest.raises(ValidationProblem, match=message):
            arun(svc.set_budget(iid, kind, cents))
    assert len(seen) == 2  # refused changes publish nothing
    assert [a for a, _ in audit(workspace)] == ["interviewer.set_budget"] * 2


def candidates_setup(ws: Workspace) -> tuple[int, list[int], dict[str, int]]:
    iid = make_interviewer(ws, "Forklift Driver")
    make_interviewer(ws, "Other")
    stages = ws.db.run_sync(lambda s: list(s.scalars(
        select(Stage.id).where(Stage.interviewer_id == iid).order_by(Stage.position))))
    apps: dict[str, int] = {}
    spec = [
        ("Ann Lee", ApplicationStatus.COMPLETED, {0: 74.0, 1: 80.0}, 77.0, 1),
        ("Bob Stone", ApplicationStatus.IN_PROGRESS, {0: 60.0}, 60.0, 2),
        ("Cara Diaz", ApplicationStatus.PENDING, {}, None, None),
        ("Dan Fox", ApplicationStatus.KNOCKED_OUT, {0: 30.0}, 30.0, 3),
        ("Eve Moss", ApplicationStatus.SHORTLISTED, {0: 90.0, 1: 95.0}, 92.0, 4),
    ]
    for i, (name, status, scores, score, engaged) in enumerate(spec):
        cid = make_candidate(ws, name, location="Austin, TX")
        apps[name] = make_application(
            ws, cid, iid, status, stage_scores=scores, score=score,
            created_at=NOW - dt.timedelta(hours=i),
            last_engaged_at=None if engaged is None else NOW - dt.timedelta(hours=engaged))

    def tweak(s: Any) -> None:
        ann = s.scalars(select(StageResult).where(StageResult.application_id == apps["Ann Lee"],
                                                  StageResult.stage_id == stages[0])).one()
        ann.structured_passed, ann.structured_total = 2, 3
        dan = s.scalars(select(StageResult).where(StageResult.application_id == apps["Dan Fox"],
                                                  StageResult.stage_id == stages[0])).one()
        dan.status = StageStatus.KNOCKED_OUT
        bob = s.scalars(select(StageResult).where(StageResult.application_id == apps["Bob Stone"],
                                                  StageResult.stage_id == stages[1])).one()
        bob.status = StageStatus.IN_PROGRESS
        # Cara has no results at all (some sources create them lazily)
        for sr in s.scalars(select(StageResult).where(
                StageResult.application_id == apps["Cara Diaz"])):
            s.delete(sr)

    ws.db.run_sync(tweak, write=True)
    return iid, stages, apps


def test_candidates_page_cells_filters_and_counts(svc: InterviewerService,
                                                  workspace: Workspace, arun: Any) -> None:
    iid, stages, _apps = candidates_setup(workspace)
    q = PageQuery("recent", True, {"interviewer_id": iid})
    rows = arun(svc.candidates_page(q, None)).rows
    assert [r.name for r in rows] == ["Ann Lee", "Bob Stone", "Cara Diaz", "Dan Fox", "Eve Moss"]
    ann = rows[0]
    assert (ann.email, ann.location, ann.status) == (
        "ann.lee@example.com", "Austin, TX", ApplicationStatus.COMPLETED)
    cell = ann.stages[0]
    assert cell is not None
    assert (cell.stage_id, cell.status, cell.score, cell.structured_passed,
            cell.structured_total) == (stages[0], StageStatus.COMPLETED, 74.0, 2, 3)
    assert rows[2].stages == (None, None)
    assert rows[3].stages[0].status == StageStatus.KNOCKED_OUT  # type: ignore[union-attr]

    def names(**filters: Any) -> list[str]:
        query = q.with_(filters={"interviewer_id": iid, **filters}, sort="name",
                        descending=False)
        return [r.name for r in arun(svc.candidates_page(query, None)).rows]

    assert names(status="knocked_out") == ["Dan Fox"]
    assert names(status=("completed", "shortlisted")) == ["Ann Lee", "Eve Moss"]
    assert names(search="stone") == ["Bob Stone"]
    assert names(search="eve.moss@") == ["Eve Moss"]
    assert names(stage=(stages[1], "completed")) == ["Ann Lee", "Eve Moss"]
    assert names(stage=(stages[1], "in_progress")) == ["Bob Stone"]
    assert names(stage=(stages[0], "knocked_out")) == ["Dan Fox"]
    assert names(stage=(stages[1], "not_started")) == ["Cara Diaz", "Dan Fox"]
    counts = arun(svc.candidate_status_counts(iid))
    assert counts["all"] == 5 and counts["pending"] == 1 and counts["evaluating"] == 0
    assert counts["knocked_out"] == 1 and counts["shortlisted"] == 1


@pytest.mark.parametrize("descending", [False, True])
def test_candidates_paging_every_sort(svc: InterviewerService, workspace: Workspace,
                                      arun: Any, descending: bool) -> None:
    iid, _stages, _apps = candidates_setup(workspace)
    extra = [make_candidate(workspace, f"Zed {i:02d}") for i in range(18)]
    for i, cid in enumerate(extra):  # ties: same score, same engagement, same creation
        make_application(workspace, cid, iid, score=50.0 if i % 2 else None,
                         created_at=NOW - 2 * DAY, last_engaged_at=NOW - DAY if i % 3 else None)
    full = arun(svc.candidates_page(PageQuery("recent", filters={"interviewer_id": iid},
                                              limit=100), None)).rows
    assert len(full) == 23
    keys = {
        "recent": lambda r: (r.created_at, r.id),
        "name": lambda r: (r.name.casefold(), r.id),
        "score": lambda r: (-1.0 if r.score is None else r.score, r.id),
        "last_engaged": lambda r: (r.last_engaged_at or dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
                                   r.id),
    }
    for sort, key in keys.items():
        query = PageQuery(sort, descending, {"interviewer_id": iid}, limit=4)
        got = [r.id for r in all_pages(arun, svc.candidates_page, query)]
        assert got == [r.id for r in sorted(full, key=key, reverse=descending)], sort


def test_get_and_slug(svc: InterviewerService, workspace: Workspace, arun: Any) -> None:
    iid = make_interviewer(workspace, "Forklift Driver", labels=("Logistics",))
    detail = arun(svc.get(iid))
    assert detail.name == "Forklift Driver"
    assert [s.kind for s in detail.stages] == [StageKind.RESUME, StageKind.VOICE]
    assert arun(svc.id_for_slug("forklift-driver")) == iid
    assert arun(svc.id_for_slug("nope")) is None
    with pytest.raises(ValidationProblem, match="no longer exists"):
        arun(svc.get(iid + 100))


def test_applications_table_untouched_by_reads(svc: InterviewerService, workspace: Workspace,
                                               arun: Any) -> None:
    # Reads never write: no audit rows, no status changes from listing.
    status_mix(workspace)
    arun(svc.page(PageQuery("candidates", True, {"tab": "expired"}), None))
    arun(svc.tab_counts())
    assert audit(workspace) == []
    n = workspace.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(Application)))
    assert n == 0


def test_figures_are_current_without_any_event(svc: InterviewerService,
                                               workspace: Workspace, arun: Any) -> None:
    """The table reads the figures the writes keep (interviewer_figures): a new application
    or spend shows at once, with no event and no cache to expire — a teammate's write too."""
    iid = make_interviewer(workspace)
    assert arun(svc.rows([iid]))[0].candidates == 0
    make_application(workspace, make_candidate(workspace, "Ann"), iid)
    assert arun(svc.rows([iid]))[0].candidates == 1

    def spend(s: Any) -> None:
        s.add(SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid="x",
                         amount_micros=5, interviewer_id=iid, occurred_at=NOW))

    workspace.db.run_sync(spend, write=True)
    assert arun(svc.rows([iid]))[0].spend_micros == 5
    make_application(workspace, make_candidate(workspace, "Bob"), iid)
    assert arun(svc.rows([iid]))[0].candidates == 2

