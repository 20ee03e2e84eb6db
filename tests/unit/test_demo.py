"""The demo workspace, built for real on SQLite and PostgreSQL and checked for consistency."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from typing import Any

import phonenumbers
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from milo_desktop.enums import (
    ApplicationStatus,
    CallReview,
    CallStatus,
    InterviewerStatus,
    NotificationKind,
    StageKind,
    StageStatus,
)
from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    InboundCall,
    Interviewer,
    Label,
    Message,
    MessageTemplate,
    Notification,
    Question,
    Receptionist,
    ReceptionistInterviewer,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.services.demo import DemoSummary, build_demo, demo_settings, is_demo_built
from milo_desktop.services.workspace import Workspace

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
N = 400


@pytest.fixture
def demo(workspace: Workspace) -> tuple[Workspace, DemoSummary]:
    """A 400-candidate demo on each database (SQLite and PostgreSQL)."""
    return workspace, build_demo(workspace.db, candidates=N, now=NOW)


def read(ws: Workspace, fn: Any) -> Any:
    return ws.db.run_sync(fn)


def test_summary_matches_the_rows(demo: tuple[Workspace, DemoSummary]) -> None:
    ws, summary = demo

    def counts(s: Session) -> dict[str, int]:
        def n(model: Any) -> int:
            return s.scalar(select(func.count()).select_from(model)) or 0

        return {
            "candidates": n(Candidate), "interviewers": n(Interviewer),
            "applications": n(Application), "stage_results": n(StageResult),
            "answers": n(Answer), "notes": n(CandidateNote), "messages": n(Message),
            "receptionists": n(Receptionist), "inbound_calls": n(InboundCall),
            "spend_entries": n(SpendEntry), "notifications": n(Notification),
        }

    got = read(ws, counts)
    assert got == {k: getattr(summary, k) for k in got}
    assert summary.candidates == N and summary.interviewers == 40
    # Most candidates applied somewhere; answers exist for the profile screen.
    assert N * 0.6 < summary.applications < N * 1.6
    assert summary.answers > 200 and summary.notes > 0 and summary.messages > 0
    assert 12 <= summary.notifications <= 20


def test_interviewers_cover_every_status_with_sane_workflows(
    demo: tuple[Workspace, DemoSummary],
) -> None:
    ws, _ = demo

    def load(s: Session) -> tuple[list[Interviewer], dict[int, list[Stage]], list[Question]]:
        ivs = list(s.scalars(select(Interviewer)))
        stages: dict[int, list[Stage]] = defaultdict(list)
        for st in s.scalars(select(Stage).order_by(Stage.position)):
            stages[st.interviewer_id].append(st)
        return ivs, stages, list(s.scalars(select(Question)))

    ivs, stages, questions = read(ws, load)
    assert Counter(iv.status for iv in ivs) == {
        InterviewerStatus.DRAFT: 4, InterviewerStatus.ACTIVE: 22,
        InterviewerStatus.EXPIRED: 8, InterviewerStatus.ARCHIVED: 6,
    }
    slugs = [iv.slug for iv in ivs]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert all(len(iv.name) <= 120 for iv in ivs) and max(len(iv.name) for iv in ivs) > 100
    by_stage: dict[int, list[Question]] = defaultdict(list)
    for q in questions:
        if q.stage_id is not None:
            by_stage[q.stage_id].append(q)
    for iv in ivs:
        assert 1 <= len(stages[iv.id]) <= 3
        for st in stages[iv.id]:
            assert 2 <= len(by_stage[st.id]) <= 5
            assert any(q.kind == "scored" for q in by_stage[st.id])
    for q in questions:
        if q.kind == "scored":
            assert q.rubric_low and q.rubric_high and q.weight > 0
        if q.kind == "min_amount":
            assert q.min_value is not None and q.unit
        if q.kind == "multiple_choice":
            assert set(q.accepted_choices) <= set(q.choices)
    assert any(q.dealbreaker for q in questions)
    # Deadlines are relative to now: some in the warning window, expired ones past.
    for iv in ivs:
        assert iv.created_at <= NOW
        if iv.status == InterviewerStatus.EXPIRED:
            assert iv.deadline is not None and iv.deadline < NOW
        if iv.status == InterviewerStatus.ARCHIVED:
            assert iv.archived_at is not None and iv.archived_at <= NOW
        if iv.status == InterviewerStatus.DRAFT:
            assert iv.activated_at is None
    near = [iv for iv in ivs if iv.status == InterviewerStatus.ACTIVE and iv.deadline
            and NOW < iv.deadline < NOW + dt.timedelta(days=7)]
    assert near and any(iv.deadline and iv.deadline > NOW + dt.timedelta(days=7) for iv in ivs)
    assert any(iv.ats_provider and iv.ats_synced_at for iv in ivs)
    assert {iv.budget_kind for iv in ivs} == {"none", "all_time", "daily"}


def test_application_statuses_agree_with_stage_results(
    demo: tuple[Workspace, DemoSummary],
) -> None:
    ws, _ = demo

    def load(s: Session) -> tuple[list[Application], dict[int, list[Any]], dict[int, Any]]:
        apps = list(s.scalars(select(Application)))
        rows = s.execute(
            select(StageResult, Stage.position)
            .join(Stage, Stage.id == StageResult.stage_id)
            .order_by(StageResult.application_id, Stage.position)
        ).all()
        results: dict[int, list[Any]] = defaultdict(list)
        for sr, _pos in rows:
            results[sr.application_id].append(sr)
        n_stages = dict(s.execute(
            select(Stage.interviewer_id, func.count()).group_by(Stage.interviewer_id)).all())
        dealbreaker_stages = set(s.scalars(
            select(Question.stage_id).where(Question.dealbreaker.is_(True))))
        return apps, results, {"n_stages": n_stages, "dealbreakers": dealbreaker_stages}

    apps, results, info = read(ws, load)
    assert {a.status for a in apps} == set(ApplicationStatus)
    done_states = {ApplicationStatus.COMPLETED, ApplicationStatus.SHORTLISTED,
                   ApplicationStatus.DISMISSED}
    for app in apps:
        srs = results[app.id]
        states = [sr.status for sr in srs]
        assert app.created_at <= NOW
        if app.status == ApplicationStatus.PENDING:
            assert not srs and app.started_at is None and app.score is None
            continue
        assert app.started_at is not None and app.created_at <= app.started_at <= NOW
        assert all(st == StageStatus.COMPLETED for st in states[:-1])
        for sr in srs:
            assert sr.structured_passed <= sr.structured_total
            if sr.score is not None:
                assert sr.status == StageStatus.COMPLETED and 0 <= sr.score <= 100
        if app.status == ApplicationStatus.IN_PROGRESS:
            assert states[-1] == StageStatus.IN_PROGRESS and app.completed_at is None
        elif app.status == ApplicationStatus.KNOCKED_OUT:
            ko = srs[-1]
            assert ko.status == StageStatus.KNOCKED_OUT and app.knocked_out_stage_id == ko.stage_id
            assert ko.structured_passed < ko.structured_total
            assert ko.stage_id in info["dealbreakers"] and app.score is None
        else:
            assert len(srs) == info["n_stages"][app.interviewer_id]
            assert states == [StageStatus.COMPLETED] * len(srs) and app.completed_at is not None
            if app.status == ApplicationStatus.EVALUATING:
                assert app.score is None and srs[-1].score is None
            else:
                assert app.status in done_states
                scores = [sr.score for sr in srs]
                assert None not in scores
                assert app.score == pytest.approx(round(sum(scores) / len(scores), 1))
        if app.completed_at is not None:
            assert app.started_at <= app.completed_at <= NOW
    assert sum(a.has_notes for a in apps) > 0


def test_every_review_state_is_present_and_no_call_is_left_in_flight(demo: tuple[Workspace, DemoSummary]) -> None:
    ws, _ = demo

    def load(s: Session) -> tuple[list[InboundCall], list[Receptionist], int, int]:
        links = s.scalar(select(func.count()).select_from(ReceptionistInterviewer)) or 0
        screening = s.scalar(select(func.count()).select_from(Question).where(
            Question.receptionist_id.is_not(None), Question.stage_id.is_(None))) or 0
        return (list(s.scalars(select(InboundCall))), list(s.scalars(select(Receptionist))),
                links, screening)

    calls, receptionists, links, screening = read(ws, load)
    # Every seeded call is finished and evaluated, in every review state: an in-flight or
    # processing call with a made-up execution would never move on (issue 10: nothing stuck).
    assert {c.status for c in calls} == {CallStatus.EVALUATED}
    assert {c.review for c in calls} == set(CallReview) - {CallReview.PENDING}
    assert 50 <= len(calls) <= 70
    for call in calls:
        evaluated = call.status == CallStatus.EVALUATED
        assert (call.review != CallReview.PENDING) == evaluated
        assert (call.score is not None) == evaluated
        assert call.duration_s and call.transcript and call.started_at <= NOW
    assert any(c.candidate_id for c in calls) and any(c.routed_interviewer_id for c in calls)
    assert len(receptionists) == 3 and {r.status for r in receptionists} == {"live", "inactive"}
    for r in receptionists:
        assert r.phone_number and phonenumbers.is_valid_number(
            phonenumbers.parse(r.phone_number))
        assert r.disclosures["ai_nature"] and r.custom_context["open_positions"]
        assert len(r.intro_message) <= 800 and r.default_interviewer_id is not None
    assert links >= 3 and screening >= 3


def test_candidates_look_real(demo: tuple[Workspace, DemoSummary]) -> None:
    ws, _ = demo
    cands = read(ws, lambda s: list(s.scalars(select(Candidate))))
    emails = [c.email for c in cands if c.email]
    assert len(emails) == len(set(emails)) > N * 0.8
    assert all(e == e.lower() and "@" in e for e in emails)
    phones = [c.phone_e164 for c in cands if c.phone_e164]
    assert len(phones) > N * 0.7
    for phone in phones:
        parsed = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.E164) == phone
    assert all(c.name_key == c.full_name.casefold() for c in cands)
    assert {c.source for c in cands} == {"ats", "email", "phone", "directory", "manual"}
    joined = sorted(c.created_at for c in cands)
    assert joined[-1] <= NOW and NOW - joined[0] > dt.timedelta(days=450)
    assert len({c.full_name.split()[0] for c in cands}) > 60  # a varied crowd


def test_spend_notifications_and_templates(demo: tuple[Workspace, DemoSummary]) -> None:
    ws, _ = demo

    def load(s: Session) -> tuple[int, int, int, list[Notification], list[MessageTemplate]]:
        total = s.scalar(select(func.sum(SpendEntry.amount_micros))) or 0
        sids = s.scalar(select(func.count(func.distinct(SpendEntry.provider_sid)))) or 0
        n = s.scalar(select(func.count()).select_from(SpendEntry)) or 0
        return (total, sids, n, list(s.scalars(select(Notification))),
                list(s.scalars(select(MessageTemplate))))

    total, distinct_sids, n_spend, notes, templates = read(ws, load)
    assert 100_000_000 < total < 1_000_000_000  # a few hundred dollars, in micro-units
    assert distinct_sids == n_spend
    assert {n.kind for n in notes} == set(NotificationKind)
    assert any(n.read_at is None for n in notes) and any(n.read_at for n in notes)
    assert {t.kind for t in templates} >= {"invitation", "nudge", "final_nudge", "report_ready"}
    for t in templates:
        # The demo hosts no candidate page: messages say how to start, never a link.
        assert "{{candidate_name}}" in t.body and "{{link}}" not in t.body


def test_ids_continue_after_the_build(demo: tuple[Workspace, DemoSummary]) -> None:
    """Explicit ids must not leave PostgreSQL sequences behind: new rows get fresh ids."""
    ws, summary = demo

    def add(s: Session) -> dict[str, int]:
        iv = Interviewer(slug="after-demo", name="After demo", position_title="After demo",
                         created_at=NOW)
        iv.stages.append(Stage(position=0, kind=StageKind.VOICE, name="Voice"))
        c = Candidate(full_name="Zed Quill", name_key="zed quill", email="zed@quill.example",
                      created_at=NOW)
        label = Label(name="After demo")
        s.add_all([iv, c, label])
        s.flush()
        app = Application(candidate_id=c.id, interviewer_id=iv.id, created_at=NOW)
        note = Notification(kind=NotificationKind.SYNC_FAILED, title="x", created_at=NOW)
        s.add_all([app, note])
        s.flush()
        sr = StageResult(application_id=app.id, stage_id=iv.stages[0].id)
        s.add(sr)
        s.flush()
        return {"interviewer": iv.id, "candidate": c.id, "label": label.id,
                "application": app.id, "stage_result": sr.id, "notification": note.id,
                "stage": iv.stages[0].id}

    ids = ws.db.run_sync(add, write=True)
    assert ids["candidate"] == N + 1
    assert ids["interviewer"] == summary.interviewers + 1
    assert ids["application"] == summary.applications + 1
    assert ids["stage_result"] == summary.stage_results + 1
    assert ids["notification"] == summary.notifications + 1
    assert min(ids.values()) > 1


def test_marks_itself_built_and_refuses_a_second_build(
    demo: tuple[Workspace, DemoSummary], arun: Any
) -> None:
    ws, _ = demo
    assert is_demo_built(ws.db)
    assert arun(ws.db.read(is_demo_built))  # also usable as a unit of work (app.py does this)
    assert arun(ws.db.read(demo_settings)) == demo_settings(ws.db)
    settings = demo_settings(ws.db)
    assert settings is not None
    assert settings["seed"] == 7 and settings["candidates"] == N
    assert dt.datetime.fromisoformat(settings["now"]) == NOW
    with pytest.raises(ValueError, match="empty workspace"):
        build_demo(ws.db, candidates=10, now=NOW)
    assert read(ws, lambda s: s.scalar(select(func.count()).select_from(Candidate))) == N


def test_not_built_on_a_fresh_workspace(workspace: Workspace, arun: Any) -> None:
    assert not is_demo_built(workspace.db)
    assert not arun(workspace.db.read(is_demo_built))
    assert demo_settings(workspace.db) is None


def _digest(url: str) -> str:
    ws = Workspace.open(url)
    try:
        build_demo(ws.db, candidates=300, seed=11, now=NOW)

        def rows(s: Session) -> list[Any]:
            return [
                *s.execute(select(Candidate.full_name, Candidate.email, Candidate.phone_e164,
                                  Candidate.created_at).order_by(Candidate.id)).all(),
                *s.execute(select(Interviewer.slug, Interviewer.deadline)
                           .order_by(Interviewer.id)).all(),
                *s.execute(select(Application.candidate_id, Application.status,
                                  Application.score).order_by(Application.id)).all(),
                *s.execute(select(InboundCall.call_sid, InboundCall.caller_name)
                           .order_by(InboundCall.id)).all(),
            ]

        return hashlib.sha256(repr(ws.db.run_sync(rows)).encode()).hexdigest()
    finally:
        ws.close()


def test_same_seed_and_now_give_identical_data(tmp_path: Any) -> None:
    first = _digest(f"sqlite:///{tmp_path / 'a.db'}")
    second = _digest(f"sqlite:///{tmp_path / 'b.db'}")
    assert first == second


def test_search_index_is_complete_and_kept_up_to_date(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace

    def schema(s: Session) -> set[tuple[str, str]]:
        return set(s.execute(text(
            "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')")).all())

    before = ws.db.run_sync(schema)
    build_demo(ws.db, candidates=N, now=NOW)
    assert ws.db.run_sync(schema) == before  # dropped for the load, all recreated

    def search(s: Session, needle: str) -> list[int]:
        return list(s.scalars(text("SELECT rowid FROM candidates_fts WHERE candidates_fts "
                                   "MATCH :q ORDER BY rowid"), {"q": f'"{needle}"'}))

    c = ws.db.run_sync(lambda s: s.scalars(select(Candidate).where(
        Candidate.email.is_not(None)).order_by(Candidate.id.desc())).first())
    local = c.email.split("@")[0]
    assert c.id in ws.db.run_sync(lambda s: search(s, local[-6:]))  # a substring of the email
    assert ws.db.run_sync(lambda s: search(s, c.full_name[:4]))
    indexed = ws.db.run_sync(lambda s: s.scalar(text(
        "SELECT count(*) FROM candidates_fts WHERE candidates_fts MATCH '\"555\"'")))
    phones = ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(
        Candidate).where(Candidate.phone_e164.is_not(None))))
    assert indexed == phones
    ws.db.run_sync(lambda s: s.execute(text(
        "INSERT INTO candidates_fts(candidates_fts) VALUES('integrity-check')")), write=True)

    # The insert trigger is back: a candidate added afterwards is searchable at once.
    def add(s: Session) -> int:
        new = Candidate(full_name="Xiomara Quintero", name_key="xiomara quintero",
                        email="xq.after@example.com", created_at=NOW)
        s.add(new)
        s.flush()
        return new.id

    new_id = ws.db.run_sync(add, write=True)
    assert ws.db.run_sync(lambda s: search(s, "xq.after")) == [new_id]
    assert ws.db.run_sync(lambda s: search(s, "Quintero")) == [new_id]


def test_a_cancelled_build_leaves_nothing_behind(sqlite_workspace: Workspace) -> None:
    """Raising from progress (a cancel button) rolls everything back, DDL included."""
    ws = sqlite_workspace

    class Cancelled(Exception):
        pass

    seen: list[tuple[str, int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))
        if stage == "candidates" and done > 0:
            raise Cancelled

    def schema(s: Session) -> list[Any]:
        return sorted(s.execute(text("SELECT type, name FROM sqlite_master")).all())

    before = ws.db.run_sync(schema)
    with pytest.raises(Cancelled):
        build_demo(ws.db, candidates=N, now=NOW, progress=progress)
    assert ("candidates", 0, N) in seen
    assert ws.db.run_sync(schema) == before
    assert not is_demo_built(ws.db)
    assert ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(Interviewer))) == 0
    # ...and the workspace can still take the demo.
    summary = build_demo(ws.db, candidates=50, now=NOW)
    assert summary.candidates == 50 and is_demo_built(ws.db)


def test_progress_reaches_every_stage(sqlite_workspace: Workspace) -> None:
    seen: list[tuple[str, int, int]] = []
    build_demo(sqlite_workspace.db, candidates=50, now=NOW,
               progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "interviewers" and stages[-1] == "statistics"
    assert ("candidates", 50, 50) in seen and "indexes" in stages
    assert all(0 <= done <= total for _, done, total in seen)


def test_now_must_be_aware(sqlite_workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="timezone"):
        build_demo(sqlite_workspace.db, candidates=5, now=dt.datetime(2026, 1, 1))
