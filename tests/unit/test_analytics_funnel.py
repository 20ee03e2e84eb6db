"""funnel_of on SQLite and PostgreSQL: hand-made workflows with known answers, and the demo
workspace checked against direct SQL written here, independently of the service's queries."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import CandidateSource, StageKind
from milo_desktop.enums import StageStatus as S
from milo_desktop.services.analytics.funnel import InterviewerFunnel, funnel_of
from milo_desktop.services.demo import build_demo
from milo_desktop.services.workspace import Workspace
from tests.analytics_factories import (
    ATS,
    DIRECTORY,
    EMAIL,
    MANUAL,
    NS,
    PHONE,
    App,
    D,
    H,
    R,
    add_role,
    done,
)
from tests.factories import NOW, make_interviewer

# Three stages: Résumé, Voice, Form. Comments give what each application adds to the funnel.
ROLE = (
    App(A.PENDING, ATS, (NS, NS, NS)),  # invited only
    App(A.IN_PROGRESS, ATS, (done(1), R(S.IN_PROGRESS, 0.0), NS)),
    App(A.KNOCKED_OUT, EMAIL, (done(2), R(S.KNOCKED_OUT, 0.0, H), NS), completed=True,
        ko_stage=1),
    App(A.COMPLETED, EMAIL, (done(3), done(24), done(0.5)), completed=True),
    App(A.SHORTLISTED, PHONE, (done(4), done(48), done(1.5)), completed=True),
    # Form finished in one step (no start time): completed, but not timed.
    App(A.DISMISSED, DIRECTORY, (done(5), done(72), done(2, timed=False)), completed=True),
    App(A.DISMISSED, MANUAL, (NS, NS, NS)),  # dismissed before starting: not a completion
    # Résumé knock-out in one step, overruled by a shortlist: still not a completion.
    App(A.SHORTLISTED, MANUAL, (R(S.KNOCKED_OUT, None, 0.1), NS, NS), completed=True,
        ko_stage=0),
    # Out of order: Form started before the earlier stages.
    App(A.IN_PROGRESS, ATS, (NS, NS, R(S.IN_PROGRESS, 0.0))),
    App(A.PENDING, DIRECTORY, None),  # from before stage results were created
    App(A.IN_PROGRESS, EMAIL, (done(6), NS, NS)),  # waiting at Voice
)


def funnel(ws: Workspace, iid: int) -> InterviewerFunnel:
    return ws.db.run_sync(lambda s: funnel_of(s, iid, NOW))


# ----- known answers ---------------------------------------------------------------------------
def test_funnel_of_hand_made_role_has_the_known_figures(workspace: Workspace) -> None:
    iid, stage_ids = add_role(workspace, "Forklift Operator", ROLE)
    # Another role's people must not leak into this funnel.
    add_role(workspace, "Line Cook", (ROLE[3], ROLE[4], ROLE[0]))

    f = funnel(workspace, iid)

    assert (f.interviewer_id, f.invited, f.responded, f.completed) == (iid, 11, 8, 3)
    assert f.response_rate == pytest.approx(8 / 11)
    assert f.completion_rate == pytest.approx(3 / 8)  # of those who started (figures.py)
    assert f.sources == {"ats": 3, "email": 3, "phone": 1, "directory": 2, "manual": 2}
    assert list(f.sources) == [s.value for s in CandidateSource]
    resume, voice, form = f.stages
    assert [(s.stage_id, s.position, s.kind) for s in f.stages] == [
        (stage_ids[0], 0, StageKind.RESUME), (stage_ids[1], 1, StageKind.VOICE),
        (stage_ids[2], 2, StageKind.FORM)]
    # invited, started, completed, knocked out
    assert (resume.invited, resume.started, resume.completed, resume.knocked_out) == (11, 7, 6, 1)
    # Voice: the five who started it, plus the one waiting there after finishing the Résumé.
    assert (voice.invited, voice.started, voice.completed, voice.knocked_out) == (6, 5, 3, 1)
    # Form: nobody waits there; the out-of-order start still counts as invited.
    assert (form.invited, form.started, form.completed, form.knocked_out) == (4, 4, 3, 0)
    assert resume.median_seconds == pytest.approx(3.5 * H)  # even: 1h … 6h
    assert voice.median_seconds == pytest.approx(2 * D)  # odd: 1d 2d 3d
    assert form.median_seconds == pytest.approx(1 * H)  # even: 30 min and 90 min
    assert resume.drop_off_rate == pytest.approx(1 / 7)
    assert voice.drop_off_rate == pytest.approx(2 / 5)
    assert form.drop_off_rate == pytest.approx(1 / 4)


def test_funnel_of_empty_and_unknown_interviewers(workspace: Workspace) -> None:
    iid = make_interviewer(workspace, "Night Auditor", stages=(StageKind.VOICE, StageKind.SMS))

    f = funnel(workspace, iid)

    assert f.empty and (f.invited, f.responded, f.completed) == (0, 0, 0)
    assert f.response_rate is None and f.completion_rate is None
    assert set(f.sources.values()) == {0}
    assert [(s.name, s.invited, s.started, s.median_seconds, s.drop_off_rate)
            for s in f.stages] == [("Voice", 0, 0, None, None), ("Sms", 0, 0, None, None)]
    missing = funnel(workspace, iid + 1000)
    assert missing.empty and missing.stages == () and missing.interviewer_id == iid + 1000


def test_funnel_of_a_knock_out_stops_the_later_stages(workspace: Workspace) -> None:
    iid, _ = add_role(workspace, "Security Officer", (
        App(A.KNOCKED_OUT, ATS, (R(S.KNOCKED_OUT, 0.0, H), NS, NS), completed=True, ko_stage=0),
        App(A.KNOCKED_OUT, ATS, (done(1), R(S.KNOCKED_OUT, 0.0, H), NS), completed=True,
            ko_stage=1),
    ))

    f = funnel(workspace, iid)

    assert [(s.invited, s.started, s.completed, s.knocked_out) for s in f.stages] == [
        (2, 2, 1, 1), (1, 1, 0, 1), (0, 0, 0, 0)]
    assert [s.drop_off_rate for s in f.stages] == [0.5, 1.0, None]
    assert (f.responded, f.completed) == (2, 0)


def test_funnel_of_median_of_an_even_count_is_the_mean_of_the_middle_two(
        workspace: Workspace) -> None:
    apps = tuple(App(A.COMPLETED, EMAIL, (done(h),), completed=True) for h in (8, 1, 2, 50))
    iid, _ = add_role(workspace, "Cashier", apps, kinds=(StageKind.SMS,))

    (stage,) = funnel(workspace, iid).stages

    assert stage.median_seconds == pytest.approx(5 * H)  # middle of 1, 2, 8, 50 hours
    assert stage.drop_off_rate == 0.0


# ----- the demo workspace against direct SQL ---------------------------------------------------
STARTED = "(r.started_at IS NOT NULL OR r.status IN ('in_progress', 'completed', 'knocked_out'))"


def direct_figures(s: Session, iid: int) -> dict[str, Any]:
    """The funnel's definitions as plain SQL, written independently of funnel.py."""
    q = lambda sql, **kw: s.execute(text(sql), {"iid": iid, **kw})  # noqa: E731
    stages = q("SELECT id FROM stages WHERE interviewer_id = :iid ORDER BY position, id"
               ).scalars().all()
    figures: dict[str, Any] = {
        "invited": q("SELECT count(*) FROM applications WHERE interviewer_id = :iid").scalar(),
        "responded": q(f"""SELECT count(*) FROM applications a WHERE a.interviewer_id = :iid
            AND EXISTS (SELECT 1 FROM stage_results r WHERE r.application_id = a.id
                        AND {STARTED})""").scalar(),
        "completed": q("""SELECT count(*) FROM applications WHERE interviewer_id = :iid AND (
            status = 'completed' OR (status IN ('shortlisted', 'dismissed')
            AND completed_at IS NOT NULL AND knocked_out_stage_id IS NULL))""").scalar(),
        "sources": dict(q("SELECT source, count(*) FROM applications WHERE interviewer_id = :iid"
                          " GROUP BY source").all()),
        "stages": [],
    }
    for n, sid in enumerate(stages):
        counts = q(f"""SELECT sum(CASE WHEN {STARTED} THEN 1 ELSE 0 END),
                sum(CASE WHEN r.status = 'completed' THEN 1 ELSE 0 END),
                sum(CASE WHEN r.status = 'knocked_out' THEN 1 ELSE 0 END)
            FROM stage_results r WHERE r.stage_id = :sid""", sid=sid).one()
        started, completed, knocked = (int(c or 0) for c in counts)
        if n == 0:
            invited = figures["invited"]
        else:  # reached: started it, or every earlier stage completed
            earlier = ", ".join(str(e) for e in stages[:n])
            invited = q(f"""SELECT count(*) FROM stage_results r WHERE r.stage_id = :sid AND
                ({STARTED} OR NOT EXISTS (SELECT 1 FROM stages e WHERE e.id IN ({earlier})
                    AND NOT EXISTS (SELECT 1 FROM stage_results p WHERE p.stage_id = e.id
                        AND p.application_id = r.application_id AND p.status = 'completed')))
                """, sid=sid).scalar()
        times = q("""SELECT started_at, completed_at FROM stage_results WHERE stage_id = :sid
            AND status = 'completed' AND started_at IS NOT NULL AND completed_at IS NOT NULL""",
                  sid=sid).all()
        durations = [(_t(b) - _t(a)).total_seconds() for a, b in times]
        figures["stages"].append((invited, started, completed, knocked,
                                  statistics.median(durations) if durations else None))
    return figures


def _t(value: Any) -> dt.datetime:
    """A timestamp as the raw driver returns it (text on SQLite), made comparable."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC)


def test_funnel_of_matches_direct_sql_on_the_demo_workspace(workspace: Workspace) -> None:
    build_demo(workspace.db, candidates=1500, now=NOW)
    ids = workspace.db.run_sync(lambda s: s.execute(text(
        "SELECT i.id FROM interviewers i ORDER BY (SELECT count(*) FROM applications a "
        "WHERE a.interviewer_id = i.id) DESC")).scalars().all())
    checked = 0
    for iid in ids[:6]:
        f = funnel(workspace, iid)
        want = workspace.db.run_sync(lambda s, iid=iid: direct_figures(s, iid))
        assert (f.invited, f.responded, f.completed) == (
            want["invited"], want["responded"], want["completed"])
        assert {k: v for k, v in f.sources.items() if v} == want["sources"]
        got = [(s.invited, s.started, s.completed, s.knocked_out, s.median_seconds)
               for s in f.stages]
        assert [g[:4] for g in got] == [w[:4] for w in want["stages"]]
        for g, w in zip(got, want["stages"], strict=True):
            assert g[4] == (None if w[4] is None else pytest.approx(w[4], abs=0.01))
        checked += f.invited > 0 and any(s.completed for s in f.stages)
    assert checked >= 3  # the demo's busiest roles have real funnels
