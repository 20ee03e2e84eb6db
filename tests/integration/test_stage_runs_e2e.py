"""Screening stages end to end over the sandbox Twilio: the outbox starts a stage, a scripted
candidate answers, the stage sync scores it (ApplicationsService.complete_stage), starts the
next stage and records spend; dealbreakers, calls nobody answers, texts nobody replies to and
malformed contexts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from milo_desktop.enums import (
    ApplicationStatus,
    NotificationKind,
    SpendKind,
    StageKind,
    StageStatus,
)
from milo_desktop.models import (
    Answer,
    Application,
    AuditEntry,
    Notification,
    OutboxItem,
    QuarantinedRecord,
    SpendEntry,
    Stage,
    StageResult,
)
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio.stages_job import CALL_RETRY_DELAY, MAX_CALL_ATTEMPTS
from milo_desktop.services.core.events import ApplicationsChanged
from milo_desktop.services.flows import Keys, ScriptedCaller, Speech
from milo_desktop.services.stages.handler import execution_key
from milo_desktop.services.sync.cursors import list_issues
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
    executions_to,
    invite,
    make_screening,
    numbered_sandbox,
    outbox_rows,
    result_of,
    rig,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> Iterator[TwilioSandbox]:
    with numbered_sandbox(clock) as sb:
        yield sb


def round_trip(r: Rig, arun: Any) -> tuple[int, Any]:
    """One outbox round then one stage sync round."""
    sent = arun(r.worker.run_once())
    return sent, arun(r.sync.run(lambda done: None))


def micros(price: str | None) -> int:
    return int(abs(Decimal(price or "0")) * 1_000_000)


def test_voice_then_sms_stage_scored_next_started_completed_with_spend(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY]),
                                           (StageKind.SMS, [YEARS, SHIFT])])
    voice, text = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, answers={
        screening.widget(0, 0): Speech("yes I do"), screening.widget(0, 1): Speech(GOOD_STORY),
        "rating": Keys("4"),
    }, sms_replies={screening.widget(1, 0): "about 3 years", screening.widget(1, 1): "1",
                    "rating": "skip"}))
    changed: list[tuple[int, ...]] = []
    workspace.bus.subscribe(ApplicationsChanged, lambda e: changed.append(e.ids))
    r = rig(workspace, sandbox, tmp_path)

    sent, counts = round_trip(r, arun)
    assert sent == 1 and counts.count("screenings") == 1
    [call_execution] = executions_to(sandbox, ADA)
    first = result_of(workspace, app_id, voice)
    assert first.status == StageStatus.COMPLETED
    assert first.external_sid == call_execution and first.evaluator == "rubric"
    assert first.score is not None and first.score >= 75
    assert (first.structured_passed, first.structured_total) == (1, 1)
    assert first.rating == 4  # the closing rating, kept beside the score and not in it
    assert "Caller: yes I do" in first.transcript and GOOD_STORY in first.transcript
    assert first.transcript.startswith("Agent: Hi Ada. This is an automated call")
    assert first.recording_path is not None
    assert Path(first.recording_path).read_bytes()[:4] == b"RIFF"  # the call's recording
    answers = workspace.db.run_sync(lambda s: s.execute(
        select(Answer.answer_text, Answer.passed, Answer.evaluator, Answer.evidence)
        .where(Answer.stage_result_id == first.id).order_by(Answer.id)).all())
    assert [(a.answer_text, a.passed) for a in answers] == [("yes I do", True),
                                                            (GOOD_STORY, None)]
    assert all(a.evaluator and a.evidence for a in answers)
    # The next stage is queued at once, keyed like the invitation's.
    keys = [k for k, _status, _ref, _p in outbox_rows(workspace)]
    assert keys == [execution_key(app_id, voice), execution_key(app_id, text)]
    assert application(workspace, app_id).status == ApplicationStatus.IN_PROGRESS

    sent, counts = round_trip(r, arun)
    assert sent == 1 and counts.count("screenings") == 1
    text_execution = next(s for s in executions_to(sandbox, ADA) if s != call_execution)
    second = result_of(workspace, app_id, text)
    assert (second.status, second.external_sid) == (StageStatus.COMPLETED, text_execution)
    assert (second.structured_passed, second.structured_total) == (2, 2)
    assert "Caller (text): about 3 years" in second.transcript
    assert second.rating is None  # "skip": no rating, and the stage completed all the same
    app = application(workspace, app_id)
    assert app.status == ApplicationStatus.COMPLETED and app.completed_at is not None
    assert app.score == pytest.approx(first.score)  # the SMS stage has no scored question
    kinds = workspace.db.run_sync(lambda s: s.scalars(select(Notification.kind)).all())
    assert NotificationKind.COMPLETED in kinds
    assert (app_id,) in changed

    # Spend: every call, recording and text at the provider's price, per interviewer / stage.
    spend = workspace.db.run_sync(lambda s: {
        e.provider_sid: (e.kind, e.amount_micros, e.interviewer_id, e.stage_id)
        for e in s.scalars(select(SpendEntry))})
    with sandbox.state.lock:
        calls = {sid: c.data["price"] for sid, c in sandbox.state.calls.items()}
        recordings = {sid: c.data["price"] for sid, c in sandbox.state.recordings.items()}
        texts = {sid: m.data["price"] for sid, m in sandbox.state.messages.items()}
    expected = {
        **{sid: (SpendKind.CALL, micros(p), screening.interviewer_id, voice)
           for sid, p in calls.items()},
        **{sid: (SpendKind.RECORDING, micros(p), screening.interviewer_id, voice)
           for sid, p in recordings.items()},
        **{sid: (SpendKind.SMS, micros(p), screening.interviewer_id, text)
           for sid, p in texts.items()},
    }
    assert spend == expected
    assert len(texts) == 8  # intro, two questions, two replies, the rating, "skip", thanks

    # Another round changes nothing (nothing is watched any more, nothing queued).
    before = workspace.db.run_sync(lambda s: s.scalar(select(Answer.id).order_by(
        Answer.id.desc()).limit(1)))
    sent, counts = round_trip(r, arun)
    assert (sent, counts.count("screenings")) == (0, 0)
    assert workspace.db.run_sync(lambda s: s.scalar(select(Answer.id).order_by(
        Answer.id.desc()).limit(1))) == before


def test_dealbreaker_knocks_out_at_the_first_stage_and_never_starts_the_second(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY]),
                                           (StageKind.SMS, [YEARS, SHIFT])])
    voice, text = screening.stage_ids
    app_id = invite(workspace, screening, "Bob Babbage", BOB)
    sandbox.candidates.script(ScriptedCaller(BOB, answers={
        screening.widget(0, 0): Keys("2"), screening.widget(0, 1): Speech(GOOD_STORY)}))
    r = rig(workspace, sandbox, tmp_path)

    round_trip(r, arun)
    round_trip(r, arun)
    assert result_of(workspace, app_id, voice).status == StageStatus.KNOCKED_OUT
    later = result_of(workspace, app_id, text)
    assert (later.status, later.external_sid) == (StageStatus.NOT_STARTED, None)
    app = application(workspace, app_id)
    assert app.status == ApplicationStatus.KNOCKED_OUT and app.knocked_out_stage_id == voice
    assert [k for k, _s, _r, _p in outbox_rows(workspace)] == [execution_key(app_id, voice)]
    assert len(executions_to(sandbox, BOB)) == 1
    flow_sid = workspace.db.run_sync(lambda s: s.get(Stage, text).flow_sid)
    assert flow_sid is None  # never even published


def test_unanswered_call_is_tried_again_then_expires(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])], days_to_complete=7)
    [voice] = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.never_answer(ADA)
    r = rig(workspace, sandbox, tmp_path)

    for attempt in range(1, MAX_CALL_ATTEMPTS + 1):
        sent, counts = round_trip(r, arun)
        assert (sent, counts.count("screenings")) == (1, 1)
        assert len(executions_to(sandbox, ADA)) == attempt
        stage = result_of(workspace, app_id, voice)
        assert (stage.status, stage.external_sid) == (StageStatus.IN_PROGRESS, None)
        rows = outbox_rows(workspace)
        if attempt < MAX_CALL_ATTEMPTS:
            key, status, _ref, payload = rows[-1]
            assert (key, status) == (execution_key(app_id, voice, attempt + 1), "pending")
            assert payload["attempt"] == attempt + 1
            due = workspace.db.run_sync(lambda s: s.scalar(select(OutboxItem.next_try_at)
                                                            .where(OutboxItem.status == "pending")))
            assert due >= dt.datetime.now(dt.UTC) + CALL_RETRY_DELAY - dt.timedelta(minutes=1)
            assert arun(r.worker.run_once()) == 0  # not due yet: nobody is called again
            workspace.db.run_sync(lambda s: s.execute(update(OutboxItem).values(
                next_try_at=OutboxItem.created_at)), write=True)  # four hours pass
    assert len(outbox_rows(workspace)) == MAX_CALL_ATTEMPTS  # no fourth call
    app = application(workspace, app_id)
    assert app.status == ApplicationStatus.IN_PROGRESS and app.last_engaged_at is not None
    actions = workspace.db.run_sync(lambda s: s.scalars(select(AuditEntry.action).where(
        AuditEntry.entity_id == app_id).order_by(AuditEntry.id)).all())
    assert actions == ["stage.started", "stage.call_unanswered"] * 2 + [
        "stage.started", "stage.expired"]


def test_texts_wait_remind_and_end_when_the_candidates_time_is_up(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS, SHIFT])], days_to_complete=4)
    [text] = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.never_answer(ADA)
    r = rig(workspace, sandbox, tmp_path, clock=clock)

    def bodies() -> list[str]:
        with sandbox.state.lock:
            return [m.data["body"] for m in sorted(sandbox.state.messages.values(),
                                                   key=lambda m: m.seq)]

    sent, counts = round_trip(r, arun)
    assert (sent, counts.count("screenings")) == (1, 0)  # waiting for the first reply
    [sid] = executions_to(sandbox, ADA)
    assert len(bodies()) == 2 and bodies()[1].startswith(YEARS["prompt"])
    clock.advance(days=2, seconds=1)  # the first question's wait (half of four days) is over
    sent, counts = round_trip(r, arun)
    assert counts.count("screenings") == 0
    assert bodies()[-1].startswith("Reminder: we are still waiting for your answer. "
                                   + YEARS["prompt"])
    with sandbox.state.lock:
        assert sandbox.state.executions[sid].data["status"] == "active"
    assert result_of(workspace, app_id, text).external_sid == sid

    clock.advance(days=2, seconds=-0.5)  # four days since the start: the time is up
    sent, counts = round_trip(r, arun)
    assert counts.count("screenings") == 1
    with sandbox.state.lock:
        assert sandbox.state.executions[sid].data["status"] == "ended"  # ended through the API
    stage = result_of(workspace, app_id, text)
    assert (stage.status, stage.external_sid) == (StageStatus.IN_PROGRESS, None)
    assert application(workspace, app_id).last_engaged_at == clock.now
    assert len(bodies()) == 3  # nothing more was sent
    assert len(outbox_rows(workspace)) == 1  # texts are not retried


def test_replies_after_the_reminder_still_count(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        clock: Clock) -> None:
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS, SHIFT])])
    [text] = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={
        f"{screening.widget(0, 0)}_again": "5 years", screening.widget(0, 1): "2",
        "rating": "3"}))
    r = rig(workspace, sandbox, tmp_path)
    round_trip(r, arun)
    assert result_of(workspace, app_id, text).status == StageStatus.IN_PROGRESS  # waiting
    clock.advance(days=3.5, seconds=1)  # the first wait (half of 7 days) is over: reminder
    _sent, counts = round_trip(r, arun)
    assert counts.count("screenings") == 1
    stage = result_of(workspace, app_id, text)
    assert stage.status == StageStatus.COMPLETED
    assert (stage.structured_passed, stage.structured_total) == (1, 2)  # Night is not Day
    assert "Caller (text): 5 years" in stage.transcript


def test_malformed_context_is_quarantined_and_nothing_is_lost(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    [voice] = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, answers={screening.widget(0, 0): Keys("1")}))
    r = rig(workspace, sandbox, tmp_path)
    arun(r.worker.run_once())
    [sid] = executions_to(sandbox, ADA)
    with sandbox.state.lock:
        sandbox.state.contexts[sid]["widgets"] = ["not", "an", "object"]
    counts = arun(r.sync.run(lambda done: None))
    assert counts.quarantined == 1
    [issue] = workspace.db.run_sync(lambda s: list_issues(s))
    assert issue.external_id == sid and issue.resource == "stage_executions"
    assert "no 'widgets' object" in issue.reason and '"not"' in issue.payload
    stage = result_of(workspace, app_id, voice)
    assert (stage.status, stage.external_sid) == (StageStatus.IN_PROGRESS, None)
    assert arun(r.sync.run(lambda done: None)).quarantined == 0  # not read again
    assert workspace.db.run_sync(lambda s: len(s.scalars(select(QuarantinedRecord)).all())) == 1


def test_a_phone_stage_after_a_finished_resume_stage_is_queued_by_the_sync(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.RESUME, []), (StageKind.VOICE, [LICENCE])])
    resume, voice = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    assert outbox_rows(workspace) == []  # the first stage is the résumé: nothing to start

    def resume_done(s: Any) -> None:  # what attaching a résumé leaves behind
        s.execute(update(StageResult).where(StageResult.stage_id == resume).values(
            status=StageStatus.COMPLETED, score=80.0))
        s.execute(update(Application).values(status=ApplicationStatus.IN_PROGRESS))
    workspace.db.run_sync(resume_done, write=True)
    r = rig(workspace, sandbox, tmp_path)
    arun(r.sync.run(lambda done: None))
    [(key, status, _ref, payload)] = outbox_rows(workspace)
    assert (key, status, payload["to"]) == (execution_key(app_id, voice), "pending", ADA)
    arun(r.sync.run(lambda done: None))
    assert len(outbox_rows(workspace)) == 1  # queued once


def test_a_dismissed_candidates_answers_are_kept_but_the_next_stage_never_starts(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE]),
                                           (StageKind.SMS, [YEARS])])
    voice, text = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, answers={screening.widget(0, 0): Keys("1")}))
    r = rig(workspace, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 1
    workspace.db.run_sync(lambda s: s.execute(update(Application).values(  # while the call
        status=ApplicationStatus.DISMISSED)), write=True)                  # was going on
    arun(r.sync.run(lambda done: None))
    assert result_of(workspace, app_id, voice).status == StageStatus.COMPLETED
    assert application(workspace, app_id).status == ApplicationStatus.DISMISSED
    arun(r.sync.run(lambda done: None))
    assert [k for k, _s, _r, _p in outbox_rows(workspace)] == [execution_key(app_id, voice)]
    assert result_of(workspace, app_id, text).status == StageStatus.NOT_STARTED


def test_a_failed_sms_dealbreaker_knocks_out_and_stops_the_texts(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    # SMS screening first: licence (a dealbreaker), then years and shift. Ada texts "No".
    screening = make_screening(workspace, [(StageKind.SMS, [LICENCE, YEARS, SHIFT]),
                                           (StageKind.VOICE, [STORY])])
    text, voice = screening.stage_ids
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={
        screening.widget(0, 0): "No", screening.widget(0, 1): "3",
        screening.widget(0, 2): "1", "rating": "5"}))
    r = rig(workspace, sandbox, tmp_path)

    sent, counts = round_trip(r, arun)
    assert sent == 1 and counts.count("screenings") == 1
    with sandbox.state.lock:
        to_ada = [m.data["body"] for m in sorted(sandbox.state.messages.values(),
                                                 key=lambda m: m.seq)
                  if m.data["to"] == ADA]
    assert any(LICENCE["prompt"] in b for b in to_ada)
    # No further question was sent: the screening ended with one polite text.
    assert not any(YEARS["prompt"] in b or SHIFT["prompt"] in b for b in to_ada), to_ada
    assert to_ada[-1].startswith("Thank you for your answers. Based on your reply, this "
                                 "position isn't a match right now")
    stage = result_of(workspace, app_id, text)
    assert stage.status == StageStatus.KNOCKED_OUT
    app = application(workspace, app_id)
    assert app.status == ApplicationStatus.KNOCKED_OUT and app.knocked_out_stage_id == text
    # The next stage never starts.
    round_trip(r, arun)
    assert result_of(workspace, app_id, voice).status == StageStatus.NOT_STARTED
    assert [k for k, _s, _r, _p in outbox_rows(workspace)] == [execution_key(app_id, text)]
