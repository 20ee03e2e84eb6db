"""Poison records through the sandbox Twilio over its socket, on SQLite and PostgreSQL: one
sync round stores the good records, quarantines each poison record with its reason and raw
payload (escaped where a database refuses it), and moves the cursor past the page; the next
round pulls nothing new. A page that is not a page is quarantined whole and the cursor stays.

The poison is what issue 9 lists: a price of "NaN", a duration of "1e400", a lone surrogate in
a sid, a Studio page without its ``executions`` key, an execution whose trigger is a string;
and around them NUL characters, Infinity, negative durations, records that are not objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import SpendKind
from milo_desktop.models.receptionists import InboundCall
from milo_desktop.models.system import QuarantinedRecord, SpendEntry, SyncCursor
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.workspace import Workspace
from tests.integration.test_sync_engine import ANSWERS, NUMBER, publish_receptionist

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
CALLERS = ("+12145550101", "+13125550102", "+14155550103", "+17135550104")
FOREVER = 1000  # a poisoned answer stays poisoned for every round of a test
BAD_SID = "FN" + "\ud800" + "0" * 31  # a lone surrogate in a sid (34 characters)


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def engine_for(ws: Workspace, sb: TwilioSandbox, data_dir: Path) -> SyncEngine:
    async def make() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token)
        return TwilioConnector(creds, ApiBases(sb.base_url, sb.base_url), policy=FAST)

    engine = SyncEngine(ws.db, ws.bus, intervals={"twilio": 3600})
    engine.register(TwilioSync(ws.db, data_dir, make))
    return engine


def count(ws: Workspace, model: Any, *where: Any) -> int:
    return int(ws.db.run_sync(lambda s: s.scalar(
        select(func.count()).select_from(model).where(*where))))


def issues(ws: Workspace) -> list[tuple[str, str | None, str, str]]:
    return ws.db.run_sync(lambda s: [(q.resource, q.external_id, q.reason, q.payload) for q in
                                     s.scalars(select(QuarantinedRecord)
                                               .order_by(QuarantinedRecord.id))])


def call_sid_of(sb: TwilioSandbox, execution_sid: str) -> str:
    with sb.state.lock:
        return str(sb.state.contexts[execution_sid]["trigger"]["call"]["CallSid"])


def with_records(key: str, make: Any) -> Any:
    """A rewrite adding poison records (made from the page's first good record) to a list."""
    def rewrite(body: dict[str, Any]) -> dict[str, Any]:
        good = body[key][0] if body[key] else None
        if good is not None:
            body[key].extend(make(good))
        return body
    return rewrite


def poison_calls(good: dict[str, Any]) -> list[Any]:
    sid = good["sid"][:-4]
    return [
        {**good, "sid": sid + "0001", "price": "NaN"},
        {**good, "sid": sid + "0002", "price": math.nan},
        {**good, "sid": sid + "0003", "duration": "1e400"},
        {**good, "sid": sid + "0004", "duration": "-12"},
        {**good, "sid": "CA\ud800" + good["sid"][3:]},
        {**good, "sid": sid + "0005", "to": "+1214555\x000142"},
        "a call that is text",
    ]


def poison_messages(good: dict[str, Any]) -> list[Any]:
    sid = good["sid"][:-4]
    return [{**good, "sid": sid + "0001", "body": "hello\x00there"},
            {**good, "sid": sid + "0002", "price": math.inf},
            ["a", "list"]]


def poison_executions(good: dict[str, Any]) -> list[Any]:
    return [{**good, "sid": BAD_SID},
            {**good, "sid": good["sid"][:-4] + "0001", "date_created": "yesterday"},
            None]


def test_poison_is_quarantined_the_rest_stored_and_the_cursor_moves_past(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    engine = engine_for(workspace, sandbox, tmp_path)

    async def setup() -> list[str]:
        await publish_receptionist(sandbox, workspace)
        return [sandbox.place_inbound_call(NUMBER, caller, "Ada", ANSWERS) for caller in CALLERS]

    first, second, third, fourth = arun(setup())
    faults = sandbox.faults
    faults.inject("rewrite", FOREVER, r"/Calls\.json$", "GET",
                  rewrite=with_records("calls", poison_calls))
    faults.inject("rewrite", FOREVER, r"/Messages\.json$", "GET",
                  rewrite=with_records("messages", poison_messages))
    faults.inject("rewrite", FOREVER, r"/Executions$", "GET",
                  rewrite=with_records("executions", poison_executions))
    # The third caller's execution: its trigger is a string, not an object.
    faults.inject("rewrite", FOREVER, f"/Executions/{third}/Context$", "GET",
                  rewrite=lambda body: {**body, "context": {**body["context"],
                                                            "trigger": "a call"}})
    # The fourth's Context answer is no object at all.
    faults.inject("rewrite", FOREVER, f"/Executions/{fourth}/Context$", "GET",
                  rewrite=lambda body: ["not", "a", "context", math.nan])
    # The first call's own record: a duration of 1e400 (its details cannot be read).
    faults.inject("rewrite", FOREVER, rf"/Calls/{call_sid_of(sandbox, first)}\.json$", "GET",
                  rewrite=lambda body: {**body, "duration": "1e400"})
    # The second call's recordings: a price of "NaN".
    faults.inject("rewrite", FOREVER, rf"/Calls/{call_sid_of(sandbox, second)}/Recordings",
                  "GET", rewrite=lambda body: {**body, "recordings": [
                      {**r, "price": "NaN"} for r in body["recordings"]]})

    status = arun(engine.run_once("twilio"))
    assert status.state == ServiceState.IDLE, status.message
    assert status.last_round is not None

    # The good records are in.
    calls = workspace.db.run_sync(lambda s: {c.execution_sid: (c.duration_s, c.recording_path)
                                             for c in s.scalars(select(InboundCall))})
    assert set(calls) == {first, second}  # the third's and fourth's contexts could not be read
    assert calls[first][0] is None  # its call's record was set aside: no duration
    assert calls[second][1] and Path(calls[second][1]).exists()  # its audio is still here
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.CALL) == 4
    # The first call's recording only: the second's is set aside, the third is not collected.
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.RECORDING) == 1
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.SMS) == len(
        sandbox.state.messages)

    # Each poison record is in quarantine with its reason.
    held = issues(workspace)
    reasons = sorted((resource, reason) for resource, _id, reason, _payload in held)
    assert reasons == sorted([
        ("calls", "price is not a price: 'NaN'"),
        ("calls", "price is nan, not a finite number"),
        ("calls", "duration is not a count: '1e400'"),  # in the list
        ("calls", "duration is not a count: '1e400'"),  # the first call's own record
        ("calls", "duration is not a count: '-12'"),
        ("calls", "sid holds a lone surrogate (not valid Unicode)"),
        ("calls", "to holds a NUL character"),
        ("calls", "the record is text, not an object"),
        ("messages", "body holds a NUL character"),
        ("messages", "price is inf, not a finite number"),
        ("messages", "the record is a list, not an object"),
        ("executions", "sid holds a lone surrogate (not valid Unicode)"),
        ("executions", "date_created is not a date: 'yesterday'"),
        ("executions", "the record is null, not an object"),
        ("executions", "Call not collected: the execution context has no 'trigger' object "
                       "(it is text)"),
        ("recordings", "price is not a price: 'NaN'"),
        ("execution_context", f"The context of execution '{fourth}' cannot be read: the "
                              "answer is a list, not an object"),
    ]), "\n".join(map(repr, reasons))
    payloads = {reason: payload for _r, _id, reason, payload in held}
    # Raw payloads, escaped where a database would refuse them, readable back as JSON.
    assert "\\ud800" in payloads["sid holds a lone surrogate (not valid Unicode)"]
    assert json.loads(payloads["to holds a NUL character"])["to"] == "+1214555\x000142"
    assert json.loads(payloads["body holds a NUL character"])["body"] == "hello\x00there"
    trigger = json.loads(payloads["Call not collected: the execution context has no 'trigger' "
                                  "object (it is text)"])
    assert trigger["context"]["trigger"] == "a call" and trigger["execution"]["sid"] == third
    assert status.last_round.quarantined == len(held)

    # The cursor moved past the page; the next round pulls nothing new.
    cursors = workspace.db.run_sync(lambda s: {c.resource: json.loads(c.cursor)
                                               for c in s.scalars(select(SyncCursor))})
    assert {r for r in cursors if not r.startswith("executions:")} == {"calls", "messages"}
    assert all(c["next"] is None and c["since"] for c in cursors.values())
    before = (calls, count(workspace, SpendEntry), held)
    status = arun(engine.run_once("twilio"))
    assert status.state == ServiceState.IDLE and status.last_round is not None
    assert status.last_round.quarantined == 0
    after = (workspace.db.run_sync(lambda s: {c.execution_sid: (c.duration_s, c.recording_path)
                                              for c in s.scalars(select(InboundCall))}),
             count(workspace, SpendEntry), issues(workspace))
    assert after == before


@pytest.mark.parametrize("broken", [
    pytest.param(lambda body: {k: v for k, v in body.items() if k != "executions"},
                 id="no-executions-key"),
    pytest.param(lambda body: body["executions"], id="a-list-not-an-object"),
    pytest.param(lambda body: {**body, "executions": {"sid": "FN"}}, id="executions-not-a-list"),
    pytest.param(lambda body: {**body, "meta": {**body["meta"],
                                                "next_page_url": "https://evil.example/x"}},
                 id="next-link-to-another-host"),
])
def test_a_page_that_is_not_a_page_is_quarantined_whole_and_read_again(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path, broken: Any
) -> None:
    engine = engine_for(workspace, sandbox, tmp_path)

    async def setup() -> None:
        await publish_receptionist(sandbox, workspace)
        sandbox.place_inbound_call(NUMBER, CALLERS[0], "Ada", ANSWERS)

    arun(setup())
    sandbox.faults.inject("rewrite", 1, r"/Executions$", "GET", rewrite=broken)
    status = arun(engine.run_once("twilio"))
    assert status.state == ServiceState.IDLE, status.message  # the rest of the round ran
    [(resource, _id, reason, payload)] = issues(workspace)
    assert resource.startswith("executions") and reason.startswith("the executions page ")
    assert payload.strip()
    assert count(workspace, InboundCall) == 0
    assert count(workspace, SpendEntry, SpendEntry.kind == SpendKind.CALL) == 1
    cursor = workspace.db.run_sync(lambda s: s.scalars(select(SyncCursor.cursor).where(
        SyncCursor.resource.like("executions:%"))).first())
    assert cursor is None  # left where it was: nothing was committed for that list

    assert arun(engine.run_once("twilio")).state == ServiceState.IDLE  # the page reads now
    assert count(workspace, InboundCall) == 1
    assert len(issues(workspace)) == 1
