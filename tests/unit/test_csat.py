"""CSAT: candidates rate their screening 1–5 at its end (optional, skippable); an interviewer's
CSAT is the mean of those ratings, counted once (services/interviewers/csat.py) and shown in
the Interviewers table with its count on hover. The kiosk's Form stage stores the rating; the
demo seeds ratings, never a CSAT number."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text

from milo_desktop.enums import ApplicationStatus, StageKind, StageStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Stage, StageResult
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.demo import build_demo
from milo_desktop.services.flows.rating import parse_rating
from milo_desktop.services.interviewers.csat import Csat, csat_by_interviewer
from milo_desktop.services.kiosk import KioskPerson, KioskService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.interviewers.list_model import InterviewersModel, csat_tooltip
from tests.factories import NOW, make_candidate, make_interviewer
from tests.form_stage import make_form_interviewer

# What a direct count says, independent of the service: (mean, count) per interviewer.
SQL = text("""
    SELECT s.interviewer_id, AVG(r.rating), COUNT(*)
    FROM stage_results r JOIN stages s ON s.id = r.stage_id
    WHERE r.rating IS NOT NULL GROUP BY s.interviewer_id
""")


def sql_csat(ws: Workspace) -> dict[int, tuple[float, int]]:
    return {int(i): (round(float(m), 6), int(n))
            for i, m, n in ws.db.run_sync(lambda s: s.execute(SQL).all())}


def rate(ws: Workspace, interviewer_id: int, ratings: list[int | None]) -> None:
    """One finished application per rating, its voice stage rated (None: skipped)."""
    for n, rating in enumerate(ratings):
        cid = make_candidate(ws, f"Rater {interviewer_id} {n}")

        def write(s: Any, cid: int = cid, rating: int | None = rating) -> None:
            app = Application(candidate_id=cid, interviewer_id=interviewer_id,
                              status=ApplicationStatus.COMPLETED, created_at=NOW)
            s.add(app)
            s.flush()
            for st in s.scalars(select(Stage).where(Stage.interviewer_id == interviewer_id)):
                voice = st.kind == StageKind.VOICE
                s.add(StageResult(application_id=app.id, stage_id=st.id,
                                  status=StageStatus.COMPLETED, score=70.0,
                                  rating=rating if voice else None))

        ws.db.run_sync(write, write=True)


def test_csat_is_the_mean_of_the_ratings_with_its_count_on_every_screen(
        workspace: Workspace, arun: Any, qtbot: Any) -> None:
    workspace.interviewers.clock = lambda: NOW  # the factories' deadlines are from NOW
    a = make_interviewer(workspace, "Forklift A", slug="forklift-a")
    b = make_interviewer(workspace, "Forklift B", slug="forklift-b")
    quiet = make_interviewer(workspace, "Forklift C", slug="forklift-c")
    rate(workspace, a, [5, 4, 4, None, 3, 5, 4])
    rate(workspace, b, [2])
    rate(workspace, quiet, [None, None])  # everyone skipped

    direct = sql_csat(workspace)
    assert direct == {a: (pytest.approx(25 / 6), 6), b: (2.0, 1)}  # skipped ones don't count
    service = workspace.db.run_sync(lambda s: csat_by_interviewer(s, [a, b, quiet]))
    assert {i: (round(c.mean, 6), c.count) for i, c in service.items()} == direct

    # The Interviewers table's rows: the same figure, from the same function.
    page = arun(workspace.interviewers.page(PageQuery("name", False, {"tab": "active"}), None))
    rows = {r.id: r for r in page.rows}
    assert {i: (round(rows[i].csat or 0, 6), rows[i].csat_count) for i in direct} == direct
    assert (rows[quiet].csat, rows[quiet].csat_count) == (None, 0)

    # Shown as "4.2", "4.2 from 6 ratings" on hover; "—" and where ratings come from.
    model = InterviewersModel(lambda q, after: None, lambda coro, name: None)
    column = next(c for c in model.COLUMNS if c.key == "csat")
    assert model.display(rows[a], column) == "4.2"
    assert model.tooltip(rows[a], column) == csat_tooltip(rows[a]) == "4.2 from 6 ratings"
    assert csat_tooltip(rows[b]) == "2.0 from 1 rating"
    assert model.display(rows[quiet], column) == "—"
    assert "No ratings yet" in csat_tooltip(rows[quiet])


@pytest.mark.parametrize(("said", "digits", "rating"), [
    ("5", None, 5), ("", "4", 4), ("I'd say 4 out of 5", None, 4), ("five stars", None, 5),
    ("cuatro", None, 4), ("3/5", None, 3), ("4.", None, 4), ("Skip", None, None),
    ("no", None, None), ("", None, None), ("10", None, None), ("3 or 4", None, None),
    ("4.5", None, None), ("", "9", None), ("", "0", None), ("0", None, None),
])
def test_a_rating_is_read_from_what_was_said_pressed_or_texted(
        said: str, digits: str | None, rating: int | None) -> None:
    assert parse_rating(said, digits) == rating


def test_the_kiosk_form_stores_a_rating_and_a_skipped_one_stores_none(
        workspace: Workspace, arun: Any) -> None:
    iv, stage = make_form_interviewer(workspace)
    service = KioskService(workspace.db, workspace.bus, workspace.applications)
    form = arun(service.form(iv))
    assert form.ask_rating  # on by default
    answers = dict(zip((q.id for q in form.questions),
                       ("yes", "3 years", "Days", "I reported a leaking tank and tagged it out."),
                       strict=True))
    rated = arun(service.submit(iv, stage, KioskPerson("Ada Lopez", "ada@example.com", "",
                                                       True), answers, rating=4))
    skipped = arun(service.submit(iv, stage, KioskPerson("Bo Diaz", "bo@example.com", "",
                                                         True), answers))
    with pytest.raises(ValidationProblem):
        arun(service.submit(iv, stage, KioskPerson("Cy Ng", "cy@example.com", "", True),
                            answers, rating=6))

    def results(s: Any) -> dict[int, tuple[StageStatus, int | None, float | None]]:
        return {r.application_id: (r.status, r.rating, r.score) for r in s.scalars(
            select(StageResult).where(StageResult.stage_id == stage))}

    got = workspace.db.run_sync(results)
    assert got[rated.application_id][:2] == (StageStatus.COMPLETED, 4)
    assert got[skipped.application_id][:2] == (StageStatus.COMPLETED, None)  # still completed
    # Never part of the score: the same answers score the same, rated or not.
    assert got[rated.application_id][2] == got[skipped.application_id][2]
    assert len(got) == 2  # the out-of-range rating stored nothing
    assert sql_csat(workspace) == {iv: (4.0, 1)}

    # Turned off for the stage: the kiosk does not ask.
    workspace.db.run_sync(lambda s: setattr(s.get(Stage, stage), "settings",
                                            {"ask_rating": False}), write=True)
    assert not arun(service.form(iv)).ask_rating


def test_the_demo_seeds_ratings_and_its_csat_is_counted_from_them(
        workspace: Workspace, arun: Any) -> None:
    now = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    build_demo(workspace.db, candidates=400, now=now)
    workspace.interviewers.clock = lambda: now  # the demo's deadlines are counted from its now
    direct = sql_csat(workspace)
    assert len(direct) >= 10 and all(1.0 <= m <= 5.0 and n > 0 for m, n in direct.values())

    def check(s: Any) -> tuple[dict[int, Csat], list[Any]]:
        ids = list(s.scalars(text("SELECT id FROM interviewers")))
        rated = s.execute(
            select(Stage.kind, Stage.settings, StageResult.status, StageResult.rating)
            .join(StageResult, StageResult.stage_id == Stage.id)
            .where(StageResult.rating.is_not(None))).all()
        return csat_by_interviewer(s, ids), rated

    csat, rated = workspace.db.run_sync(check)
    assert {i: (round(c.mean, 6), c.count) for i, c in csat.items()} == direct
    # Ratings only where a candidate could give one: a finished Voice, SMS or Form stage
    # that asks for it, and always 1–5.
    for kind, settings, status, rating in rated:
        assert kind in (StageKind.VOICE, StageKind.SMS, StageKind.FORM)
        assert (settings or {}).get("ask_rating", True) is True
        assert status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)
        assert 1 <= rating <= 5
    page = arun(workspace.interviewers.page(PageQuery("name", False, {"tab": "active"}), None))
    shown = {r.id: (round(r.csat, 6), r.csat_count) for r in page.rows if r.csat is not None}
    assert shown and all(direct[i] == v for i, v in shown.items())
