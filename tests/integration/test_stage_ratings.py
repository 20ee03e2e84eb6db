"""The closing rating of a screening, end to end over the sandbox Twilio: a Voice or SMS stage
asks it last, the stage sync stores it on the stage result, a skipped or unanswered one stores
nothing and the stage completes all the same, and the interviewer's CSAT counts it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from milo_desktop.enums import ApplicationStatus, StageKind, StageStatus
from milo_desktop.models import Stage, StageResult
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.flows import ScriptedCaller, Silence, Speech
from milo_desktop.services.stages.compiler import RATING, RATING_WAIT_S
from milo_desktop.services.workspace import Workspace
from tests.stage_runs import (
    ADA,
    BOB,
    GOOD_STORY,
    LICENCE,
    SHIFT,
    STORY,
    YEARS,
    Clock,
    Rig,
    application,
    invite,
    make_screening,
    numbered_sandbox,
    result_of,
    rig,
)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def sandbox(clock: Clock) -> Iterator[TwilioSandbox]:
    with numbered_sandbox(clock) as sb:
        yield sb


def round_trip(r: Rig, arun: Any) -> None:
    arun(r.worker.run_once())
    arun(r.sync.run(lambda done: None))


def csat_sql(ws: Workspace) -> list[tuple[int, float, int]]:
    return [(int(i), float(m), int(n)) for i, m, n in ws.db.run_sync(lambda s: s.execute(text(
        "SELECT s.interviewer_id, AVG(r.rating), COUNT(*) FROM stage_results r "
        "JOIN stages s ON s.id = r.stage_id WHERE r.rating IS NOT NULL "
        "GROUP BY s.interviewer_id")).all())]


def test_a_call_ends_with_the_rating_which_is_stored_and_never_scored(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY])])
    [voice] = screening.stage_ids
    rated = invite(workspace, screening, "Ada Lovelace", ADA)
    silent = invite(workspace, screening, "Bob Babbage", BOB)
    said = {screening.widget(0, 0): Speech("yes I do"),
            screening.widget(0, 1): Speech(GOOD_STORY)}
    sandbox.candidates.script(ScriptedCaller(ADA, answers={**said, RATING: Speech("a five")}))
    sandbox.candidates.script(ScriptedCaller(BOB, answers={**said, RATING: Silence()}))
    r = rig(workspace, sandbox, tmp_path, clock=clock)
    round_trip(r, arun)

    ada, bob = result_of(workspace, rated, voice), result_of(workspace, silent, voice)
    assert (ada.status, ada.rating) == (StageStatus.COMPLETED, 5)
    assert (bob.status, bob.rating) == (StageStatus.COMPLETED, None)  # skipped: completes
    assert ada.score == bob.score  # the rating is not part of the score
    assert application(workspace, silent).status == ApplicationStatus.COMPLETED
    assert ada.transcript.endswith("how would you rate this call, from 1 for poor to 5 for "
                                   "excellent? Say or press a number, or say skip.\n"
                                   "Caller: a five")  # asked last, after the questions

    # The interviewer's CSAT counts Ada's rating only, and the table shows it.
    assert csat_sql(workspace) == [(screening.interviewer_id, 5.0, 1)]
    [row] = arun(workspace.interviewers.rows([screening.interviewer_id]))
    assert (row.csat, row.csat_count) == (5.0, 1)


def test_a_text_rating_skipped_or_never_answered_stores_none_and_the_stage_completes(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS, SHIFT])])
    [sms] = screening.stage_ids
    skipper = invite(workspace, screening, "Ada Lovelace", ADA)
    quiet = invite(workspace, screening, "Bob Babbage", BOB)
    replies = {screening.widget(0, 0): "4 years", screening.widget(0, 1): "1"}
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={**replies, RATING: "SKIP"}))
    sandbox.candidates.script(ScriptedCaller(BOB, sms_replies=replies))  # never rates
    r = rig(workspace, sandbox, tmp_path, clock=clock)

    round_trip(r, arun)
    assert result_of(workspace, skipper, sms).status == StageStatus.COMPLETED
    assert result_of(workspace, skipper, sms).rating is None
    # Bob answered every question; the optional rating waits a little, not for days …
    assert result_of(workspace, quiet, sms).status == StageStatus.IN_PROGRESS
    clock.advance(seconds=RATING_WAIT_S + 1)
    round_trip(r, arun)
    # … then the screening ends quietly and his answers count, with no rating.
    bob = result_of(workspace, quiet, sms)
    assert (bob.status, bob.rating) == (StageStatus.COMPLETED, None)
    assert (bob.structured_passed, bob.structured_total) == (2, 2)
    with sandbox.state.lock:
        to_bob = [m.data["body"] for m in sorted(sandbox.state.messages.values(),
                                                   key=lambda m: m.seq)
                  if m.data["to"] == BOB]
    assert to_bob[-1].startswith("That was the last question, thank you! Optional:")
    assert csat_sql(workspace) == []


def test_a_stage_with_the_rating_turned_off_does_not_ask(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS])])
    [sms] = screening.stage_ids
    workspace.db.run_sync(lambda s: setattr(s.get(Stage, sms), "settings",
                                            {"ask_rating": False}), write=True)
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={screening.widget(0, 0): "4",
                                                               RATING: "5"}))
    r = rig(workspace, sandbox, tmp_path, clock=clock)
    round_trip(r, arun)
    stage = result_of(workspace, app_id, sms)
    assert (stage.status, stage.rating) == (StageStatus.COMPLETED, None)
    with sandbox.state.lock:
        bodies = [m.data["body"] for m in sandbox.state.messages.values()]
    assert not any("rate this screening" in b for b in bodies)


def test_the_sandboxs_plausible_candidates_rate_most_screenings(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    """Demo mode: the scripted crowd rates (or skips) like people do, so CSAT fills in."""
    sandbox.candidates.default = plausible_candidates(seed=5, no_show=0.0)
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY]),
                                           (StageKind.SMS, [YEARS])])
    apps = [invite(workspace, screening, f"Person {n}", f"+1555765{n:04d}") for n in range(12)]
    r = rig(workspace, sandbox, tmp_path, clock=clock)
    for _ in range(3):
        round_trip(r, arun)

    def ratings(s: Any) -> list[int | None]:
        return list(s.scalars(select(StageResult.rating).where(
            StageResult.application_id.in_(apps),
            StageResult.status.in_((StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)))))

    given = workspace.db.run_sync(ratings)
    assert len(given) >= 12
    assert sum(g is not None for g in given) >= len(given) // 2
    assert all(g is None or 1 <= g <= 5 for g in given)
    [(iid, mean, count)] = csat_sql(workspace)
    assert iid == screening.interviewer_id and count == sum(g is not None for g in given)
    assert mean == pytest.approx(sum(g for g in given if g) / count)
