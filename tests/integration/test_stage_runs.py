"""Starting screening stages: the flow_execution outbox handler against the sandbox Twilio over
real sockets — publishing only what changed, one execution per candidate, reconciliation after
a crash, refusals — and the sandbox's scripted candidates answering outbound executions."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from milo_desktop.enums import ApplicationStatus, OutboxStatus, StageKind, StageStatus
from milo_desktop.models import Application, EntryRouter, OutboxItem, Question, Stage
from milo_desktop.sandbox.twilio_contract import Spec
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.flows import Keys, ScriptedCaller, Speech
from milo_desktop.services.stages.handler import execution_key, start_execution
from milo_desktop.services.sync.outbox import OutboxRow
from milo_desktop.services.workspace import Workspace
from tests.inputs import API_2010, STUDIO_V2, twilio_spec
from tests.stage_runs import (
    ADA,
    BOB,
    LICENCE,
    NUMBER,
    SHIFT,
    STORY,
    YEARS,
    application,
    executions_to,
    invite,
    make_screening,
    outbox_rows,
    result_of,
    rig,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def flow_of(ws: Workspace, stage_id: int) -> tuple[str | None, dict[str, Any]]:
    def q(s: Any) -> tuple[str | None, dict[str, Any]]:
        stage = s.get(Stage, stage_id)
        return stage.flow_sid, dict(stage.settings or {})
    return ws.db.run_sync(q)


def test_send_publishes_once_starts_one_execution_and_records_it(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY])])
    stage_id = screening.stage_ids[0]
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    r = rig(workspace, sandbox, tmp_path)

    assert arun(r.worker.run_once()) == 1
    [(key, status, ref, payload)] = outbox_rows(workspace)
    assert (key, status) == (execution_key(app_id, stage_id), "done")
    assert payload == {"application_id": app_id, "stage_id": stage_id, "to": ADA}
    assert executions_to(sandbox, ADA) == [ref]
    with sandbox.state.lock:
        execution = sandbox.state.executions[ref]
        context = sandbox.state.contexts[ref]
        flow = sandbox.state.flows[execution.data["flow_sid"]]
        assert flow.data["status"] == "published" and flow.data["revision"] == 1
        # Nobody answers for Ada yet: the REST trigger only, the call still "ringing".
        assert execution.data["status"] == "active"
    assert context["flow"]["channel"]["address"] == NUMBER
    data = context["flow"]["data"]
    assert (data["application_id"], data["stage_id"], data["greeting"]) == (
        app_id, stage_id, "Hi Ada")
    flow_sid, settings = flow_of(workspace, stage_id)
    assert flow_sid == flow.sid and len(settings["flow_hash"]) == 64
    stage = result_of(workspace, app_id, stage_id)
    assert (stage.status, stage.external_sid) == (StageStatus.IN_PROGRESS, ref)
    assert stage.started_at is not None
    app = application(workspace, app_id)
    assert app.status == ApplicationStatus.IN_PROGRESS and app.started_at is not None

    # Unchanged: not published again; edited: a new revision of the same flow.
    assert arun(r.runner.ensure_published(stage_id)) == flow_sid
    assert sandbox.state.flows[flow_sid].data["revision"] == 1
    workspace.db.run_sync(lambda s: s.execute(update(Question).where(
        Question.stage_id == stage_id, Question.position == 1).values(
        prompt="What did you move at your last job?")), write=True)
    assert arun(r.runner.ensure_published(stage_id)) == flow_sid
    assert sandbox.state.flows[flow_sid].data["revision"] == 2
    assert len(sandbox.state.flows) == 1

    # The same start queued twice (an invitation resent) does not call Ada twice.
    again = OutboxRow(0, "flow_execution", payload, "manual-resend", OutboxStatus.PENDING, 0,
                      stage.started_at, None, None)
    assert arun(r.handler.send(again)) == ref
    assert executions_to(sandbox, ADA) == [ref]


CHILD = textwrap.dedent("""
    import asyncio, sys
    from milo_desktop.services.stages.handler import FlowExecutionHandler
    from milo_desktop.services.stages.runner import StageRunner
    from milo_desktop.services.connectors.twilio.credentials import twilio_connector_factory
    from milo_desktop.services.sync.outbox import OutboxWorker
    from milo_desktop.services.workspace import Workspace

    async def after_send(row, ref):
        # Twilio started the execution; the outbox row is not marked done yet.
        print("STARTED", ref, flush=True)
        await asyncio.sleep(120)

    async def main():
        ws = Workspace.open(sys.argv[1])
        runner = StageRunner(ws.db, twilio_connector_factory(None))
        worker = OutboxWorker(ws.db, {"flow_execution": FlowExecutionHandler(ws.db, runner)},
                              after_send=after_send)
        await worker.run_once()

    asyncio.run(main())
""")


def test_killed_after_starting_then_restarted_starts_no_second_execution(
        sandbox: TwilioSandbox, db_url: str, workspace: Workspace, arun: Any,
        tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS, SHIFT])])
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "MILO_TWILIO_API_BASE": sandbox.base_url,
           "MILO_TWILIO_STUDIO_BASE": sandbox.studio_base_url,
           "TWILIO_ACCOUNT_SID": sandbox.account.sid,
           "TWILIO_AUTH_TOKEN": sandbox.account.auth_token}
    child = subprocess.Popen([sys.executable, str(script), db_url], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("STARTED FN"), line + (child.stderr.read() if child.stderr else "")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    sid = line.split()[1]
    assert executions_to(sandbox, ADA) == [sid]
    assert [status for _k, status, _r, _p in outbox_rows(workspace)] == ["sending"]

    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 0
    assert executions_to(sandbox, ADA) == [sid]  # reconciled, not started again
    [(_key, status, ref, _payload)] = outbox_rows(workspace)
    assert (status, ref) == ("done", sid)
    assert result_of(workspace, app_id, screening.stage_ids[0]).external_sid == sid


def test_crash_between_the_post_and_recording_it_is_reconciled(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    """The process died after Twilio started the execution but before anything was stored:
    the row is in sending and the stage result knows nothing of it."""
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    stage_id = screening.stage_ids[0]
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    invite(workspace, screening, "Bob Babbage", BOB)  # a second candidate, queued too
    r = rig(workspace, sandbox, tmp_path)
    key = execution_key(app_id, stage_id)

    async def crash_window() -> str:
        flow_sid = await r.runner.ensure_published(stage_id)
        twilio = await r.runner.connector()
        try:  # exactly what send POSTs, with the row's key in the Parameters
            return await start_execution(twilio, flow_sid, ADA, NUMBER, {
                "application_id": app_id, "stage_id": stage_id, "greeting": "Hi Ada",
                "outbox_key": key})
        finally:
            await twilio.aclose()

    sid = arun(crash_window())
    workspace.db.run_sync(lambda s: s.execute(update(OutboxItem).where(
        OutboxItem.idempotency_key == key).values(status=OutboxStatus.SENDING, attempts=1)),
        write=True)
    assert result_of(workspace, app_id, stage_id).external_sid is None

    assert arun(r.worker.run_once()) == 1  # Bob's start; Ada's reconciled
    assert executions_to(sandbox, ADA) == [sid]
    assert len(executions_to(sandbox, BOB)) == 1
    rows = {k: (status, ref) for k, status, ref, _p in outbox_rows(workspace)}
    assert rows[key] == ("done", sid)
    ada = result_of(workspace, app_id, stage_id)
    assert (ada.status, ada.external_sid) == (StageStatus.IN_PROGRESS, sid)


def test_sending_row_never_started_is_started_after_reconciling(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    workspace.db.run_sync(lambda s: s.execute(update(OutboxItem).values(
        status=OutboxStatus.SENDING, attempts=1)), write=True)
    r = rig(workspace, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 1
    [sid] = executions_to(sandbox, ADA)
    assert result_of(workspace, app_id, screening.stage_ids[0]).external_sid == sid


@pytest.mark.parametrize(("change", "message"), [
    ("no_number", "no number to call or text from"),
    ("no_questions", "has no questions"),
    ("dismissed", "application is dismissed"),
    ("not_ours", "not a phone number of the connected twilio account"),
])
def test_stage_that_cannot_run_fails_its_row_with_a_clear_reason(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path,
        change: str, message: str) -> None:
    screening = make_screening(
        workspace, [(StageKind.SMS, [] if change == "no_questions" else [YEARS])],
        phone_number=None if change == "no_number" else (
            "+15550009999" if change == "not_ours" else NUMBER))
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    if change == "dismissed":
        workspace.db.run_sync(lambda s: s.execute(
            update(Application).values(status=ApplicationStatus.DISMISSED)), write=True)
    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 0
    [(_key, status, _ref, _payload)] = outbox_rows(workspace)
    assert status == "failed"
    error = workspace.db.run_sync(lambda s: s.scalar(select(OutboxItem.last_error)))
    assert message in error.lower()
    assert executions_to(sandbox, ADA) == []
    stage = result_of(workspace, app_id, screening.stage_ids[0])
    assert (stage.status, stage.external_sid) == (StageStatus.NOT_STARTED, None)


def test_text_stage_points_its_number_replies_at_the_flow_and_keeps_the_voice_url(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    voice_url = "https://example.com/voice"
    with sandbox.state.lock:
        number = sandbox.state.number_for(NUMBER)
        assert number is not None
        number.data["voice_url"] = voice_url
    screening = make_screening(workspace, [(StageKind.SMS, [YEARS, SHIFT])])
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, sms_replies={
        screening.widget(0, 0): "three years", screening.widget(0, 1): "1", "rating": "5"}))
    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 1
    flow_sid, _ = flow_of(workspace, screening.stage_ids[0])
    # A text stage runs inside its number's flow (the keyword router's too).
    router_flow, webhook = workspace.db.run_sync(lambda s: s.execute(
        select(EntryRouter.flow_sid, EntryRouter.webhook_url)
        .where(EntryRouter.phone_number == NUMBER)).one())
    assert flow_sid == router_flow
    with sandbox.state.lock:
        assert number.data["sms_url"] == webhook
        assert webhook.endswith(f"/Flows/{flow_sid}")
        assert number.data["voice_url"] == voice_url
        [sid] = executions_to(sandbox, ADA)
        assert sandbox.state.executions[sid].data["status"] == "ended"
        inbound = [m.data["body"] for m in sandbox.state.messages.values()
                   if m.data["direction"] == "inbound"]
    assert inbound == ["three years", "1", "5"]
    assert result_of(workspace, app_id, screening.stage_ids[0]).external_sid == sid


# ----- the sandbox's outbound executions ------------------------------------------------------
def test_scripted_candidate_answers_a_voice_execution_like_an_inbound_call(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE, SHIFT, STORY])])
    invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.script(ScriptedCaller(ADA, answers={
        screening.widget(0, 0): Speech("yes I do"), screening.widget(0, 1): Keys("1"),
        screening.widget(0, 2): Speech("I moved pallets for three years")}))
    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 1
    [sid] = executions_to(sandbox, ADA)
    with sandbox.state.lock:
        execution = sandbox.state.executions[sid]
        context = sandbox.state.contexts[sid]
        steps = sandbox.state.steps[sid]
        call_sid = context["widgets"]["call"]["CallSid"]
        call = sandbox.state.calls[call_sid].data
        recordings = [r.data for r in sandbox.state.recordings.values()]
    assert execution.data["status"] == "ended"
    assert (call["direction"], call["status"], call["to"], call["from"]) == (
        "outbound-api", "completed", ADA, NUMBER)
    assert float(call["price"]) < 0 and int(call["duration"]) > 10
    [recording] = recordings  # the whole call, as the widget's "record" asks
    assert recording["call_sid"] == call_sid and recording["duration"] == call["duration"]
    widgets = context["widgets"]
    assert widgets[screening.widget(0, 0)]["SpeechResult"] == "yes I do"
    assert widgets[screening.widget(0, 1)]["Digits"] == "1"
    assert all(w.get("CallSid") in (None, call_sid) for w in widgets.values())
    assert [s.data["name"] for s in steps][:2] == ["incomingRequest", "answered"]
    assert steps[-1].data["transitioned_to"] == "Ended"
    assert all(a.data["transitioned_to"] == b.data["transitioned_from"]
               for a, b in itertools.pairwise(steps))
    # Nothing is dated after "now": watermarks built on these dates never skip ahead.
    assert execution.created <= steps[-1].created <= sandbox.state.clock()


def test_never_answering_candidate_lets_the_call_ring_out(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    invite(workspace, screening, "Ada Lovelace", ADA)
    sandbox.candidates.never_answer(ADA)
    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 1
    [sid] = executions_to(sandbox, ADA)
    with sandbox.state.lock:
        context = sandbox.state.contexts[sid]
        steps = [s.data["name"] for s in sandbox.state.steps[sid]]
        call = sandbox.state.calls[context["widgets"]["call"]["CallSid"]].data
        assert sandbox.state.executions[sid].data["status"] == "ended"
        assert sandbox.state.recordings == {}
    assert steps == ["incomingRequest", "noAnswer"]
    assert (call["status"], call["price"], call["duration"]) == ("no-answer", None, None)


def test_a_5xx_while_starting_is_reconciled_before_starting_again(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    app_id = invite(workspace, screening, "Ada Lovelace", ADA)
    r = rig(workspace, sandbox, tmp_path)
    arun(r.runner.ensure_published(screening.stage_ids[0]))
    sandbox.faults.inject("500", path=r"/Executions$", method="POST")
    assert arun(r.worker.run_once()) == 0
    [(_key, status, _ref, _payload)] = outbox_rows(workspace)
    assert status == "sending"  # the outcome was unknown: kept for reconciliation
    assert sandbox.faults.count(r"/Executions$", "POST") == 1  # a 5xx is not retried blindly
    workspace.db.run_sync(lambda s: s.execute(update(OutboxItem).values(
        next_try_at=OutboxItem.created_at)), write=True)  # its next try is due
    assert arun(r.worker.run_once()) == 1
    [sid] = executions_to(sandbox, ADA)
    assert result_of(workspace, app_id, screening.stage_ids[0]).external_sid == sid


def test_a_flow_deleted_in_the_console_is_published_again(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    screening = make_screening(workspace, [(StageKind.VOICE, [LICENCE])])
    [stage_id] = screening.stage_ids
    invite(workspace, screening, "Ada Lovelace", ADA)
    r = rig(workspace, sandbox, tmp_path)
    assert arun(r.worker.run_once()) == 1
    old, _ = flow_of(workspace, stage_id)
    with sandbox.state.lock:
        del sandbox.state.flows[old]  # someone deleted it in the Twilio console
    bob = invite(workspace, screening, "Bob Babbage", BOB)
    assert arun(r.worker.run_once()) == 1
    new, _settings = flow_of(workspace, stage_id)
    assert new != old and new in sandbox.state.flows
    [sid] = executions_to(sandbox, BOB)
    assert sandbox.state.executions[sid].data["flow_sid"] == new
    assert result_of(workspace, bob, stage_id).external_sid == sid


def test_what_outbound_executions_leave_matches_twilios_spec(
        sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path) -> None:
    api, studio = twilio_spec(API_2010), twilio_spec(STUDIO_V2)  # tests/data/twilio-oai
    voice = make_screening(workspace, [(StageKind.VOICE, [LICENCE, STORY])])
    text = make_screening(workspace, [(StageKind.SMS, [YEARS])], phone_number=NUMBER)
    invite(workspace, voice, "Ada Lovelace", ADA)
    invite(workspace, voice, "Bob Babbage", BOB)
    carol = "+15557654323"
    invite(workspace, text, "Carol Shaw", carol)
    sandbox.candidates.script(ScriptedCaller(ADA, answers={
        voice.widget(0, 0): Keys("1"), voice.widget(0, 1): Speech("I moved pallets")}))
    sandbox.candidates.never_answer(BOB)
    sandbox.candidates.script(ScriptedCaller(carol, sms_replies={text.widget(0, 0): "4"}))
    assert arun(rig(workspace, sandbox, tmp_path).worker.run_once()) == 3
    a = f"/2010-04-01/Accounts/{sandbox.account.sid}"
    with sandbox.state.lock:
        executions = [(e.data["flow_sid"], e.sid) for e in sandbox.state.executions.values()]
        calls, recordings = list(sandbox.state.calls), list(sandbox.state.recordings)
        messages = list(sandbox.state.messages)
    assert len(executions) == 3 and len(calls) == 2 and len(recordings) == 1
    checks: list[tuple[Spec, str, str]] = [
        (api, f"{a}/Calls.json", "/2010-04-01/Accounts/{AccountSid}/Calls.json"),
        (api, f"{a}/Messages.json", "/2010-04-01/Accounts/{AccountSid}/Messages.json"),
        (api, f"{a}/Recordings.json", "/2010-04-01/Accounts/{AccountSid}/Recordings.json"),
        *[(api, f"{a}/Calls/{sid}.json", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json")
          for sid in calls],
        *[(api, f"{a}/Messages/{sid}.json",
           "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json") for sid in messages],
    ]
    e = "/v2/Flows/{FlowSid}/Executions"
    for flow_sid, sid in executions:
        base = f"/v2/Flows/{flow_sid}/Executions"
        checks += [(studio, base, e), (studio, f"{base}/{sid}", e + "/{Sid}"),
                   (studio, f"{base}/{sid}/Context", e + "/{ExecutionSid}/Context"),
                   (studio, f"{base}/{sid}/Steps", e + "/{ExecutionSid}/Steps")]
    with httpx.Client(base_url=sandbox.base_url,
                      auth=(sandbox.account.sid, sandbox.account.auth_token)) as http:
        for spec, path, spec_path in checks:
            answer = http.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert spec.check(answer.json(), spec.response_schema(spec_path, "get")) == [], path
