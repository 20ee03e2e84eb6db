"""The sync engine against the sandbox over real sockets: a published receptionist flow, a
simulated inbound call, one round → an InboundCall with answers, recording and spend; states
for 401 and offline; quarantine; cursor-with-page crash resume; the scheduler; sync --once."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.app.sync_once import run_sync_once
from milo_desktop.enums import CallStatus, QuestionKind, SpendKind
from milo_desktop.models.receptionists import InboundCall, Receptionist
from milo_desktop.models.system import SpendEntry, SyncCursor
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.core.events import ConnectivityChanged
from milo_desktop.services.core.supervisor import Supervisor
from milo_desktop.services.flows import QuestionSpec, ReceptionistConfig, compile_receptionist
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.workspace import Workspace

NUMBER = "+15550001111"
CALLER = "+12145550142"  # a valid number in the fictional 555-01xx range: it normalises
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
ANSWERS = {"ask_name": "Ada Lovelace", "ask_location": "Austin", "q_lift": "yes",
           "voicemail": "4"}


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def factory(sb: TwilioSandbox, *, token: str | None = None, page_size: int = 50,
            base: str | None = None) -> Any:
    async def make() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(sb.account.sid, token or sb.account.auth_token)
        url = base or sb.base_url
        return TwilioConnector(creds, ApiBases(url, url), policy=FAST, page_size=page_size)
    return make


async def publish_receptionist(sb: TwilioSandbox, ws: Workspace) -> int:
    """Compile a receptionist, publish it through the connector, point the number at it."""
    config = ReceptionistConfig(
        agent_name="Milo", intro_message="Thanks for calling Acme Staffing.",
        questions=(QuestionSpec("lift", QuestionKind.YES_NO, "Can you lift 50 pounds?",
                                expected_yes=True),),
        collect_location=True)
    async with await factory(sb)() as tw:
        flow = await tw.create_flow("Front desk", compile_receptionist(config))
        [number] = await tw.list_numbers()
        await tw.point_number(number.sid, flow.webhook_url, flow.webhook_url)

    def add(s: Any) -> int:
        r = Receptionist(name="Front desk", agent_name="Milo", phone_number=NUMBER,
                         flow_sid=flow.sid)
        s.add(r)
        s.flush()
        return r.id
    return await ws.db.write(add)


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model).where(*where)))


def engine_for(ws: Workspace, sb: TwilioSandbox, tmp_path: Path, **kw: Any) -> tuple[SyncEngine, TwilioSync]:
    engine = SyncEngine(ws.db, ws.bus, intervals={"twilio": 0.05})
    job = TwilioSync(ws.db, tmp_path, kw.pop("connector", None) or factory(sb), **kw)
    engine.register(job)
    return engine, job


def test_inbound_call_lands_once_with_answers_recording_and_spend(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    evaluated: list[int] = []

    async def evaluate(call_id: int) -> None:
        evaluated.append(call_id)

    async def go() -> None:
        rid = await publish_receptionist(sandbox, workspace)
        fn = sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
        engine, _ = engine_for(workspace, sandbox, tmp_path, evaluate=evaluate)
        status = await engine.run_once("twilio")
        assert status.state == ServiceState.IDLE and status.last_sync_at is not None
        assert status.last_round is not None and status.last_round.count("callers") == 1
        status = await engine.run_once("twilio")  # second round: nothing new, nothing doubled
        assert status.state == ServiceState.IDLE
        return rid, fn

    rid, fn = arun(go())
    [call] = workspace.db.run_sync(lambda s: list(s.scalars(select(InboundCall))))
    assert call.execution_sid == fn and call.receptionist_id == rid
    assert (call.caller_name, call.from_e164, call.location) == ("Ada Lovelace", CALLER, "Austin")
    assert call.call_sid and call.call_sid.startswith("CA") and call.duration_s and call.duration_s > 0
    assert call.recording_sid and call.recording_sid.startswith("RE")
    assert call.recording_path == str(tmp_path / "recordings" / f"{call.recording_sid}.wav")
    assert Path(call.recording_path).read_bytes()[:4] == b"RIFF"
    assert call.status == CallStatus.PROCESSING  # the evaluator (a stub here) moves it on
    assert evaluated == [call.id]
    spend = workspace.db.run_sync(lambda s: {(e.kind, e.provider_sid): e.amount_micros
                                             for e in s.scalars(select(SpendEntry))})
    assert spend[(SpendKind.CALL, call.call_sid)] > 0
    assert spend[(SpendKind.RECORDING, call.recording_sid)] > 0
    # Every SMS of the call (the confirmation, the caller's reply, the thank-you) is priced.
    assert sum(1 for kind, _ in spend if kind == SpendKind.SMS) == len(sandbox.state.messages) >= 2
    assert count(workspace, SpendEntry, SpendEntry.receptionist_id == rid) == len(spend)


def test_401_stops_the_service_and_tells_the_user(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        engine, _ = engine_for(workspace, sandbox, tmp_path,
                               connector=factory(sandbox, token="revoked"))
        sandbox.faults.clear()
        status = await engine.run_once("twilio")
        assert status.state == ServiceState.AUTH_FAILED and "Auth Token" in status.message
        seen = sandbox.faults.count()
        assert seen == 1  # one refused request, no retries
        assert (await engine.run_once("twilio")).state == ServiceState.AUTH_FAILED
        assert sandbox.faults.count() == seen  # stopped: no more requests until resumed
        engine.resume("twilio")
        assert engine.status("twilio").state == ServiceState.IDLE

    arun(go())


def test_offline_is_a_state_and_recovers_by_itself(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    seen: list[bool] = []
    workspace.bus.subscribe(ConnectivityChanged, lambda e: seen.append(e.online))
    online = factory(sandbox)
    current = {"make": factory(sandbox, base=dead)}

    async def make() -> TwilioConnector:
        return await current["make"]()

    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
        engine, _ = engine_for(workspace, sandbox, tmp_path, connector=make)
        for _ in range(2):
            status = await engine.run_once("twilio")
            assert status.state == ServiceState.OFFLINE and "reached" in status.message
        assert seen == [False] and not engine.online  # one event, not one per round
        current["make"] = online
        assert (await engine.run_once("twilio")).state == ServiceState.IDLE
        assert seen == [False, True]

    arun(go())
    assert count(workspace, InboundCall) == 1


def test_malformed_records_are_quarantined_and_listed(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    async def go() -> Any:
        await publish_receptionist(sandbox, workspace)
        for _ in range(3):
            sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
        sandbox.faults.inject("missing_sid", path=r"/Calls\.json$", method="GET")
        engine, _ = engine_for(workspace, sandbox, tmp_path)
        status = await engine.run_once("twilio")
        assert status.state == ServiceState.IDLE and status.last_round is not None
        assert status.last_round.quarantined == 1
        await engine.run_once("twilio")  # the same record read again is not listed twice
        return await engine.sync_issues()

    [issue] = arun(go())
    assert (issue.service, issue.resource, issue.reason) == ("twilio", "calls", "the record has no sid")
    assert '"price"' in issue.payload
    assert count(workspace, InboundCall) == 3
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.CALL) == 3  # via executions


@pytest.mark.expect_log_warnings  # the simulated crashes are logged as our bugs
def test_crash_mid_round_resumes_without_loss_or_duplicates(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    pages: list[tuple[str, int]] = []

    def crash_after_first_page(resource: str, n: int) -> None:
        pages.append((resource, n))
        if resource.startswith("executions:") and n == 1:
            raise RuntimeError("simulated crash after a stored page")

    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        for _ in range(5):
            sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
        engine, job = engine_for(workspace, sandbox, tmp_path,
                                 connector=factory(sandbox, page_size=2),
                                 after_page=crash_after_first_page)
        # Our bug in a round: its state says so, never a traceback out of run_once.
        assert (await engine.run_once("twilio")).state == ServiceState.FAILED
        assert count(workspace, InboundCall) == 2
        cursor = workspace.db.run_sync(lambda s: s.scalars(select(SyncCursor.cursor).where(
            SyncCursor.resource.like("executions:%"))).one())
        assert '"next": "http' in cursor  # saved with its page

        # Second crash: in the middle of fetching page 2's details (before its write).
        original = TwilioConnector.execution_context
        calls = {"n": 0}

        async def flaky(self: TwilioConnector, flow_sid: str, sid: str) -> dict[str, Any]:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("simulated crash mid-page")
            return await original(self, flow_sid, sid)

        job.after_page = None
        TwilioConnector.execution_context = flaky  # type: ignore[method-assign]
        try:
            assert (await engine.run_once("twilio")).state == ServiceState.FAILED
        finally:
            TwilioConnector.execution_context = original  # type: ignore[method-assign]
        assert count(workspace, InboundCall) == 2

        assert (await engine.run_once("twilio")).state == ServiceState.IDLE
        assert (await engine.run_once("twilio")).state == ServiceState.IDLE

    arun(go())
    assert count(workspace, InboundCall) == 5
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.CALL) == 5
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.RECORDING) == 5
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.SMS) == len(
        sandbox.state.messages)
    assert pages[0] == (pages[0][0], 1)


class Killed(Exception):
    """The sync process dies here (raised from the ``after_page`` hook)."""


EXECUTIONS_LIST = r"/Executions$"


def test_the_round_resumed_after_a_kill_pulls_only_the_pages_left(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    """The cursor is saved in its page's transaction: a round killed right after storing
    the first page of executions is resumed by the next round from the second page, and
    right after that round every call is stored exactly once."""
    def kill_after_first_page(resource: str, n: int) -> None:
        if resource.startswith("executions:") and n == 1:
            raise Killed(f"killed after page {n} of {resource}")

    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        for _ in range(5):  # three pages of executions: 2 + 2 + 1
            sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
        job = TwilioSync(workspace.db, tmp_path, factory(sandbox, page_size=2),
                         after_page=kill_after_first_page)
        with pytest.raises(Killed):
            await job.run(lambda n: None)
        assert count(workspace, InboundCall) == 2  # the first page, stored with its cursor

        job.after_page = None
        sandbox.faults.clear()  # count the resumed round's requests only
        resumed = await job.run(lambda n: None)
        # Only the pages left: 2 + 1 executions, two list requests (page 1 is not re-read).
        assert resumed.count("executions") == 3, resumed
        assert sandbox.faults.count(EXECUTIONS_LIST, "GET") == 2

    arun(go())
    sids = workspace.db.run_sync(lambda s: list(s.scalars(select(InboundCall.execution_sid))))
    with sandbox.state.lock:
        placed = set(sandbox.state.executions)
    assert len(sids) == len(set(sids)) == 5  # no duplicates
    assert set(sids) == placed  # nothing lost
    calls = workspace.db.run_sync(lambda s: list(s.scalars(
        select(SpendEntry.provider_sid).where(SpendEntry.kind == SpendKind.CALL))))
    assert len(calls) == len(set(calls)) == 5


def test_scheduler_picks_up_new_calls_by_itself(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        engine, _ = engine_for(workspace, sandbox, tmp_path)
        engine.start(Supervisor(workspace.tasks, workspace.bus))
        try:
            await asyncio.sleep(0.2)
            sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
            for _ in range(200):
                if await workspace.db.read(lambda s: s.scalar(select(func.count(InboundCall.id)))):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the call never arrived")
        finally:
            await engine.stop()

    arun(go())


def test_run_sync_once_prints_one_line_per_service(
    sandbox: TwilioSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    ws = Workspace.open(url)
    try:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(publish_receptionist(sandbox, ws))
        finally:
            loop.close()
    finally:
        ws.close()
    sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
    monkeypatch.setenv("MILO_TWILIO_API_BASE", sandbox.base_url)
    monkeypatch.setenv("MILO_TWILIO_STUDIO_BASE", sandbox.studio_base_url)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", sandbox.account.sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", sandbox.account.auth_token)
    summary = run_sync_once(tmp_path, url)
    assert summary.ok
    # One line per service: the receptionists' calls, then the screenings (none here); the
    # ATS connectors, not connected here, say so on lines of their own.
    lines = {x.split(":", 1)[0]: x for x in summary.lines()}
    line, stages = lines["twilio"], lines["twilio_stages"]
    assert "greenhouse: not connected" in "\n".join(summary.lines())
    assert stages.startswith("twilio_stages: 0 screenings, 0 calls, 0 messages, 0 quarantined, ")
    n = len(sandbox.state.messages)
    assert line.startswith(f"twilio: 1 calls, {n} messages, 1 executions, 1 callers, 0 quarantined, ")
    assert line.endswith(" s")
    assert list((tmp_path / "recordings").glob("RE*.wav"))
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong")
    bad = run_sync_once(tmp_path, url)
    twilio = next(x for x in bad.lines() if x.startswith("twilio:"))
    assert not bad.ok and twilio.startswith("twilio: sign-in refused - Twilio refused")


def test_a_call_dated_before_the_watermark_is_still_collected(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    """A long call's execution can be listed after a shorter, later-started one was synced
    (it is dated when the call began): the next round still finds it, exactly once."""
    import datetime as dt

    async def go() -> list[str]:
        await publish_receptionist(sandbox, workspace)
        now = dt.datetime.now(dt.UTC)
        first = sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS, at=now)
        engine, _ = engine_for(workspace, sandbox, tmp_path)
        await engine.run_once("twilio")
        late = sandbox.place_inbound_call(
            NUMBER, "+15125550177", "Grace", ANSWERS, at=now - dt.timedelta(minutes=20)
        )
        await engine.run_once("twilio")
        await engine.run_once("twilio")
        return [first, late]

    placed = arun(go())
    found = workspace.db.run_sync(
        lambda s: sorted(s.scalars(select(InboundCall.execution_sid)).all())
    )
    assert found == sorted(placed)


def test_the_poll_interval_is_saved_in_the_workspace_and_applied_at_once(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    """Settings → Sync "Checks every": remembered per workspace, taken into account without a
    restart (the wait in progress is cut short), out-of-range values refused; an interval
    pinned by the environment wins over the saved one."""
    from milo_desktop.errors import ValidationProblem

    async def go() -> None:
        await publish_receptionist(sandbox, workspace)
        engine, _ = engine_for(workspace, sandbox, tmp_path)
        engine.intervals["twilio"] = 3600.0  # a long wait: only a wake can cut it short
        engine.start(Supervisor(workspace.tasks, workspace.bus))
        try:
            await asyncio.sleep(0.3)  # the first round ran; now waiting an hour
            sandbox.place_inbound_call(NUMBER, CALLER, "Ada", ANSWERS)
            await engine.set_interval("twilio", 5.0)
            assert engine.status("twilio").interval_s == 5.0
            for _ in range(200):
                if await workspace.db.read(lambda s: s.scalar(select(func.count(InboundCall.id)))):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("changing the interval did not cut the hour-long wait short")
            with pytest.raises(ValidationProblem, match="between 2 seconds and 60 minutes"):
                await engine.set_interval("twilio", 0.5)
        finally:
            await engine.stop()

        # A new session of the same workspace reads the saved interval back…
        fresh = SyncEngine(workspace.db, workspace.bus)
        fresh.register(TwilioSync(workspace.db, tmp_path, factory(sandbox)))
        assert fresh.status("twilio").interval_s == 10.0
        await fresh.load_intervals()
        assert fresh.status("twilio").interval_s == 5.0
        assert not fresh.interval_pinned("twilio")
        # …unless the environment pinned one (MILO_TWILIO_POLL_SECONDS).
        pinned = SyncEngine(workspace.db, workspace.bus, intervals={"twilio": 2.0})
        pinned.register(TwilioSync(workspace.db, tmp_path, factory(sandbox)))
        await pinned.load_intervals()
        assert pinned.status("twilio").interval_s == 2.0 and pinned.interval_pinned("twilio")

    arun(go())
