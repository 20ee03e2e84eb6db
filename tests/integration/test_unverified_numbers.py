"""Phone numbers that do not normalise never enter an E.164 column: a sync round through the
sandbox Twilio keeps what the provider sent beside the column and flags the call; the pipeline
shows it and refuses to invite (which would text it) without the user's confirmation; the
evaluator never invites such a caller by itself. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from milo_desktop.enums import CallReview, CallStatus
from milo_desktop.models import Candidate, InboundCall, OutboxItem, Receptionist
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.call_evaluation.directory import link_and_invite
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.calls_job import TwilioSync
from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.pipeline import PipelineService, UnverifiedNumber
from milo_desktop.services.sync import ServiceState, SyncEngine
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_interviewer
from tests.integration.test_sync_engine import ANSWERS, NUMBER, publish_receptionist

VALID = "+12145550142"
# Caller IDs that do not normalise (the last: the "anonymous" number Twilio shows for hidden
# caller IDs, which is no valid Lesotho number).
NOT_NUMBERS = ("+1 (555) 01", "00000", "😀", "anonymous", "+266696687")


@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER)
        yield sb


def sync_round(ws: Workspace, sb: TwilioSandbox, data_dir: Path, arun: Any) -> None:
    async def make() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(sb.account.sid, sb.account.auth_token)
        return TwilioConnector(creds, ApiBases(sb.base_url, sb.base_url),
                               policy=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02))

    engine = SyncEngine(ws.db, ws.bus, intervals={"twilio": 3600})
    engine.register(TwilioSync(ws.db, data_dir, make))
    assert arun(engine.run_once("twilio")).state == ServiceState.IDLE


def calls_by_execution(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    return ws.db.run_sync(lambda s: {
        c.execution_sid: (c.from_e164, c.caller_number_raw, c.callback_number_raw,
                          c.number_unverified) for c in s.scalars(select(InboundCall))})


def test_numbers_that_do_not_normalise_are_kept_beside_the_column_and_flagged(
    sandbox: TwilioSandbox, workspace: Workspace, arun: Any, tmp_path: Path
) -> None:
    arun(publish_receptionist(sandbox, workspace))
    odd = {sandbox.place_inbound_call(NUMBER, raw, "Ada", ANSWERS): raw for raw in NOT_NUMBERS}
    good = sandbox.place_inbound_call(NUMBER, VALID, "Bo", ANSWERS)
    typed_ok = sandbox.place_inbound_call(NUMBER, "anonymous", "Cy",
                                          {**ANSWERS, "ask_callback": "3125550177"})
    typed_bad = sandbox.place_inbound_call(NUMBER, VALID, "Di", {**ANSWERS, "ask_callback": "555"})
    sync_round(workspace, sandbox, tmp_path, arun)

    calls = calls_by_execution(workspace)
    for fn, raw in odd.items():
        assert calls[fn] == (None, raw, None, True), raw
    assert calls[good] == (VALID, VALID, None, False)
    # A callback number typed in full counts, whatever the caller ID was.
    assert calls[typed_ok] == ("+13125550177", "anonymous", "3125550177", False)
    # Typed digits that are no number: the caller ID is the only number left, unconfirmed.
    assert calls[typed_bad] == (VALID, VALID, "555", True)

    rows = {r.id: r for r in arun(PipelineService(workspace.db, workspace.bus).rows_by_ids(
        workspace.db.run_sync(lambda s: list(s.scalars(select(InboundCall.id))))))}
    shown = {r.number_raw: (r.phone_display, r.number_unverified, r.dial_number)
             for r in rows.values()}
    assert shown["😀"] == ("😀", True, None)
    assert shown["555"] == ("555", True, VALID)
    assert shown[VALID] == ("+1 214-555-0142", False, VALID)
    # The pipeline's search finds a number as the caller gave it.
    page = arun(PipelineService(workspace.db, workspace.bus).page(
        PageQuery("started", True, {"search": "anonym"}, limit=10), None))
    assert {r.number_raw for r in page.rows} == {"anonymous", "3125550177"}


@pytest.fixture
def desk(workspace: Workspace) -> dict[str, int]:
    iv = make_interviewer(workspace, "Forklift Operator")

    def w(s: Any) -> dict[str, int]:
        from milo_desktop.models import ReceptionistInterviewer

        r = Receptionist(name="Desk", agent_name="Ava", phone_number="+12145550197",
                         default_interviewer_id=iv)
        s.add(r)
        s.flush()
        s.add(ReceptionistInterviewer(receptionist_id=r.id, interviewer_id=iv))
        ids = {"iv": iv, "receptionist": r.id}
        for key, e164, caller_id, typed, email in (
                ("emoji", None, "😀", None, "dana@mail.example"),
                ("typed", VALID, VALID, "555", None),
                ("nothing", None, "anonymous", None, None)):
            c = InboundCall(receptionist_id=r.id, caller_name=f"Caller {key}", from_e164=e164,
                            caller_number_raw=caller_id, callback_number_raw=typed,
                            number_unverified=True, email=email, status=CallStatus.EVALUATED,
                            review=CallReview.NEEDS_REVIEW, started_at=NOW)
            s.add(c)
            s.flush()
            ids[key] = c.id
        return ids

    return workspace.db.run_sync(w, write=True)


def count(ws: Workspace, model: Any) -> int:
    return int(ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model))))


def test_ingest_refuses_an_unverified_number_until_the_user_confirms(
    workspace: Workspace, desk: dict[str, int], arun: Any
) -> None:
    svc = PipelineService(workspace.db, workspace.bus, clock=lambda: NOW)
    with pytest.raises(UnverifiedNumber, match="“555”.*texted to the number they called from, "
                                               r"\+1 214-555-0142"):
        arun(svc.ingest(desk["typed"], desk["iv"]))
    with pytest.raises(UnverifiedNumber, match="“😀” is not a phone number: the invitation "
                                               "would go by email only"):
        arun(svc.ingest(desk["emoji"], desk["iv"]))
    with pytest.raises(Exception, match="no way to invite them"):
        arun(svc.ingest(desk["nothing"], desk["iv"], confirm_unverified=True))
    assert count(workspace, Candidate) == 0 and count(workspace, OutboxItem) == 0

    typed = arun(svc.ingest(desk["typed"], desk["iv"], confirm_unverified=True))
    emoji = arun(svc.ingest(desk["emoji"], desk["iv"], confirm_unverified=True))
    people = workspace.db.run_sync(lambda s: {c.id: c.phone_e164 for c in s.scalars(
        select(Candidate))})
    assert people == {typed.candidate_id: VALID, emoji.candidate_id: None}  # never the raw text
    channels = workspace.db.run_sync(lambda s: {o.payload["candidate_id"]: o.payload["channels"]
                                                for o in s.scalars(select(OutboxItem))})
    assert channels == {typed.candidate_id: ["sms"], emoji.candidate_id: ["email"]}


def test_the_evaluator_never_invites_an_unverified_caller_by_itself(
    workspace: Workspace, desk: dict[str, int]
) -> None:
    def approve(s: Any) -> Any:
        call = s.get(InboundCall, desk["typed"])
        receptionist = s.get(Receptionist, desk["receptionist"])
        return link_and_invite(s, call, receptionist, invite=True,
                               now=NOW + dt.timedelta(minutes=1))

    link = workspace.db.run_sync(approve, write=True)
    assert link.held_unverified and link.application_id is None and link.outbox_id is None
    assert count(workspace, Candidate) == 0 and count(workspace, OutboxItem) == 0
