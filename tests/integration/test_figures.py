"""The kept per-interviewer figures (``interviewer_figures``, migration 0015) equal a recount
after every kind of write that changes them, on SQLite and PostgreSQL.

The recount is the shared definitions themselves (``services/figures.py``, ``csat.py``),
counted from the rows; each step below is one real write path — the ORM, the review
service, a merge, an erasure, foreign-key cascades — followed by the comparison for every
interviewer. A missed trigger (or a wrong term in one) makes the step that needs it fail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, SpendKind
from milo_desktop.models import (
    Application,
    Interviewer,
    InterviewerFigures,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.services.figures import application_figures, spend_micros, status_counts
from milo_desktop.services.interviewers.csat import csat_by_interviewer
from milo_desktop.services.privacy.erase import erase_rows
from milo_desktop.services.review.rows import ReviewSelection
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
S = ApplicationStatus


def _kept(s: Session) -> dict[int, dict[str, Any]]:
    out = {}
    for f in s.scalars(select(InterviewerFigures)):
        row = {"candidates": f.candidates, "started": f.started, "completed": f.completed,
               "ratings": (f.rating_count, f.rating_sum), "spend": f.spend_micros}
        row |= {st.value: getattr(f, f"status_{st.value}") for st in S}
        out[f.interviewer_id] = row
    return out


def _recount(s: Session) -> dict[int, dict[str, Any]]:
    ids = list(s.scalars(select(Interviewer.id)))
    apps = application_figures(s, ids)
    csat = csat_by_interviewer(s, ids)
    out = {}
    for i in ids:
        row: dict[str, Any] = {"candidates": apps[i].candidates, "started": apps[i].started,
                               "completed": apps[i].completed}
        c = csat.get(i)
        row["ratings"] = (c.count, round(c.mean * c.count)) if c else (0, 0)
        row["spend"] = spend_micros(s, interviewer_id=i)
        counts = status_counts(s, i)
        row |= {st.value: counts[st.value] for st in S}
        out[i] = row
    return out


def check(ws: Workspace, step: str) -> None:
    """Kept figures == recount for every interviewer (a missing row counts as zeros)."""

    def compare(s: Session) -> None:
        kept, fresh = _kept(s), _recount(s)
        zero = {k: (0, 0) if k == "ratings" else 0 for k in next(iter(fresh.values()), {})}
        assert set(kept) <= set(fresh), step  # no row outlives its interviewer
        for i, want in fresh.items():
            assert kept.get(i, zero) == want, f"after {step}: interviewer {i}"

    ws.db.run_sync(compare)


def write(ws: Workspace, fn: Any) -> Any:
    return ws.db.run_sync(fn, write=True)


def spend(ws: Workspace, iid: int | None, micros: int, sid: str) -> int:
    def add(s: Session) -> int:
        e = SpendEntry(service="twilio", kind=SpendKind.CALL, provider_sid=sid,
                       amount_micros=micros, interviewer_id=iid, occurred_at=NOW)
        s.add(e)
        s.flush()
        return e.id

    return write(ws, add)


def test_kept_figures_equal_a_recount_after_every_write(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    a, b = make_interviewer(ws, "Forklift Driver"), make_interviewer(ws, "Line Cook")
    check(ws, "interviewers created")
    ann, bob, cyd = (make_candidate(ws, n) for n in ("Ann Lee", "Bob Moss", "Cyd Park"))

    # create applications (pending, started, completed, shortlisted after completing)
    x = make_application(ws, ann, a)
    y = make_application(ws, bob, a, S.IN_PROGRESS, started_at=NOW)
    z = make_application(ws, cyd, a, S.COMPLETED, {0: 80.0, 1: 70.0}, started_at=NOW,
                         completed_at=NOW, score=75.0)
    make_application(ws, ann, b, S.SHORTLISTED, started_at=NOW, completed_at=NOW)
    check(ws, "applications created")

    # status changes and score: started, evaluated, completed, knocked out
    write(ws, lambda s: s.execute(update(Application).where(Application.id == x)
                                  .values(status=S.EVALUATING, started_at=NOW, score=40.0)))
    check(ws, "started and scored")
    write(ws, lambda s: s.execute(update(Application).where(Application.id == y)
                                  .values(status=S.KNOCKED_OUT, completed_at=NOW)))
    check(ws, "knocked out")
    stage_b = write(ws, lambda s: s.scalar(select(Stage.id).where(Stage.interviewer_id == b)))
    write(ws, lambda s: s.execute(update(Application).where(Application.interviewer_id == b)
                                  .values(knocked_out_stage_id=stage_b)))
    check(ws, "a shortlisted knock-out (not a completion)")

    # review decisions through the review service, and their undo
    done = arun(ws.review.dismiss(ReviewSelection(a, ids=(z,))))
    check(ws, "dismissed by review")
    arun(ws.review.undo(done.undo))
    check(ws, "review undone")

    # ratings: added, changed, removed
    rated = write(ws, lambda s: s.scalars(select(StageResult.id)
                                          .where(StageResult.application_id == z)).all())
    write(ws, lambda s: s.execute(update(StageResult).where(StageResult.id.in_(rated))
                                  .values(rating=4)))
    check(ws, "rated")
    write(ws, lambda s: s.execute(update(StageResult).where(StageResult.id == rated[0])
                                  .values(rating=2)))
    check(ws, "rating changed")
    write(ws, lambda s: s.execute(update(StageResult).where(StageResult.id == rated[1])
                                  .values(rating=None)))
    check(ws, "rating skipped")

    # spend: added, corrected, moved to another interviewer, to none, deleted
    e1, e2 = spend(ws, a, 7_900, "CA1"), spend(ws, b, 1_000, "CA2")
    spend(ws, None, 500, "CA3")  # a receptionist's call: no interviewer's
    check(ws, "spend added")
    write(ws, lambda s: s.execute(update(SpendEntry).where(SpendEntry.id == e1)
                                  .values(amount_micros=8_000)))
    write(ws, lambda s: s.execute(update(SpendEntry).where(SpendEntry.id == e2)
                                  .values(interviewer_id=a)))
    check(ws, "spend corrected and moved")
    write(ws, lambda s: s.execute(update(SpendEntry).where(SpendEntry.id == e2)
                                  .values(interviewer_id=None)))
    write(ws, lambda s: s.execute(delete(SpendEntry).where(SpendEntry.id == e1)))
    check(ws, "spend unassigned and deleted")

    # an application moved to another interviewer (its ratings stay with their stage)
    write(ws, lambda s: s.execute(update(Application).where(Application.id == y)
                                  .values(interviewer_id=b)))
    check(ws, "application moved")

    # merge two people who both applied to a: one application goes, one moves over
    dup = make_candidate(ws, "Ann Lee")
    make_application(ws, dup, a, S.COMPLETED, {0: 90.0}, started_at=NOW, completed_at=NOW)
    make_application(ws, dup, b, S.PENDING)
    check(ws, "duplicate applied")
    merged = arun(ws.duplicates.merge(ann, dup, {}))
    check(ws, "merged")
    arun(ws.duplicates.undo_merge(merged.log_id))
    check(ws, "merge undone")

    # erasure removes the person's applications and ratings
    write(ws, lambda s: erase_rows(s, cyd, reason="request", now=NOW))
    check(ws, "erased")

    # an application deleted; a stage with rated results deleted (cascade)
    write(ws, lambda s: s.execute(delete(Application).where(Application.id == x)))
    check(ws, "application deleted")
    z2 = make_application(ws, bob, a, S.COMPLETED, {0: 60.0, 1: 50.0}, started_at=NOW,
                          completed_at=NOW)
    write(ws, lambda s: s.execute(update(StageResult).where(StageResult.application_id == z2)
                                  .values(rating=5)))
    check(ws, "rated again")
    stage = write(ws, lambda s: s.scalar(select(Stage.id).where(Stage.interviewer_id == a)
                                         .order_by(Stage.position.desc())))
    write(ws, lambda s: s.execute(delete(Stage).where(Stage.id == stage)))
    check(ws, "stage deleted")

    # the interviewer deleted: its row goes with it
    write(ws, lambda s: s.execute(delete(Interviewer).where(Interviewer.id == b)))
    check(ws, "interviewer deleted")
    assert ws.db.run_sync(lambda s: s.get(InterviewerFigures, b)) is None


def test_the_table_reads_the_kept_figures(workspace: Workspace, arun: Any) -> None:
    """The Interviewers table shows what the kept row says, with no cache in between."""
    ws = workspace
    iid = make_interviewer(ws)
    row = arun(ws.interviewers.rows([iid]))[0]
    assert (row.candidates, row.started, row.completed, row.csat) == (0, 0, 0, None)
    for n in ("Ann Lee", "Bob Moss"):
        make_application(ws, make_candidate(ws, n), iid, S.COMPLETED, {0: 80.0},
                         started_at=NOW, completed_at=NOW)
    write(ws, lambda s: s.execute(update(StageResult).values(rating=3)))
    spend(ws, iid, 2_500, "CA9")
    row = arun(ws.interviewers.rows([iid]))[0]
    assert (row.candidates, row.started, row.completed) == (2, 2, 2)
    assert (row.csat, row.csat_count, row.spend_micros) == (3.0, 4, 2_500)
