"""Demo mode's text to apply: the keyword is texted to the interviewer's own line — the same
number its text screening sends from, whose one flow holds both (number_flow.py) — and
"Simulate a text…" starts the text screening there; the line's texts reach that flow
(Studio hands a candidate's replies only to the flow on the SmsUrl)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import select

from milo_desktop.app.demo import start_demo_telephony
from milo_desktop.app.demo_entry import text_simulator
from milo_desktop.enums import CandidateSource, OutboxStatus, StageKind
from milo_desktop.models import Application, EntryRouter, OutboxItem, Stage
from milo_desktop.services.demo import build_demo
from milo_desktop.services.demo.data import APPLY_NUMBER, OUTREACH_NUMBER
from milo_desktop.services.entry.points import EntryKind
from milo_desktop.services.entry.service import DEMO_TEXTER
from milo_desktop.services.entry.texts_job import SERVICE as ENTRY_JOB
from milo_desktop.services.stages.handler import FLOW_EXECUTION
from milo_desktop.services.workspace import Workspace
from tests.stage_runs import LICENCE, STORY, make_screening

ROUNDS = 600  # × 0.1 s: a generous bound, the background's jobs are woken each time


def test_simulate_a_text_starts_the_text_screening_in_the_demo(tmp_path: Path,
                                                               arun: Any) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(ws.db, candidates=200)
        screening = make_screening(ws, [(StageKind.SMS, [LICENCE, STORY])],
                                   phone_number=OUTREACH_NUMBER)
        iid = screening.interviewer_id

        async def until(what: str, check: Any, demo: Any) -> Any:
            for _ in range(ROUNDS):
                got = await ws.db.read(check)
                if got:
                    return got
                demo.background.engine.wake(ENTRY_JOB)
                await asyncio.sleep(0.1)
            raise AssertionError(f"never: {what}")

        async def scenario() -> tuple[Any, ...]:
            ws.bus.bind_loop(asyncio.get_running_loop())
            demo = await start_demo_telephony(ws, tmp_path)
            ws.entry.text_simulator = text_simulator(demo.sandbox, ws)
            try:
                sender = (await ws.outreach.policy()).sms_from
                await until("the screening line's flow", lambda s: s.scalar(
                    select(EntryRouter.flow_sid).where(EntryRouter.phone_number == OUTREACH_NUMBER,
                                                       EntryRouter.webhook_url.is_not(None))),
                    demo)
                points = await ws.entry.points(iid)
                said = await ws.entry.simulate_text(points)

                def started(s: Any) -> bool:
                    rows = s.execute(select(Application.source, OutboxItem.status).join(
                        OutboxItem, OutboxItem.kind == FLOW_EXECUTION)
                        .where(Application.interviewer_id == iid,
                               OutboxItem.payload["application_id"].as_integer()
                               == Application.id)).all()
                    return rows == [(CandidateSource.PHONE, OutboxStatus.DONE)]
                await until("the screening's start", started, demo)
                webhook, stage_flow = await ws.db.read(lambda s: (s.scalar(
                    select(EntryRouter.webhook_url).where(
                        EntryRouter.phone_number == OUTREACH_NUMBER)),
                    s.get(Stage, screening.stage_ids[0]).flow_sid))
                with demo.sandbox.state.lock:
                    line = demo.sandbox.state.number_for(OUTREACH_NUMBER)
                    sms_url = line.data["sms_url"] if line is not None else None
                    froms = [m.data["from"] for m in demo.sandbox.state.messages.values()
                             if m.data["to"] == DEMO_TEXTER
                             and m.data["direction"] == "outbound-api"]
                routers = await ws.db.read(lambda s: [r.phone_number for r in s.scalars(
                    select(EntryRouter).where(EntryRouter.webhook_url.is_not(None)))])
                return sender, points, said, (webhook, stage_flow), sms_url, froms, routers
            finally:
                await demo.stop()
                await ws.tasks.drain()

        sender, points, said, webhook, sms_url, froms, routers = arun(scenario(), timeout=120)
        assert sender == APPLY_NUMBER
        text = points.of(EntryKind.TEXT)
        # The keyword lives on the interviewer's own line, beside its text screening.
        assert text is not None and text.target == OUTREACH_NUMBER
        assert said.startswith(f"Texted {points.keyword} to {OUTREACH_NUMBER}")
        webhook, stage_flow = webhook
        # One flow per number: the screening runs inside its line's flow, which the line's
        # texts reach.
        assert OUTREACH_NUMBER in routers
        assert sms_url == webhook and webhook.endswith(f"/Flows/{stage_flow}")
        assert OUTREACH_NUMBER in froms  # its questions come from the screening line
    finally:
        ws.close()
