"""Demo mode: an invitation to a phone screening is answered by the sandbox's scripted
candidates and comes back scored, with no account and nothing but the running app's parts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import select

from milo_desktop.app.demo import start_demo_telephony
from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.models import Candidate, StageResult
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.demo import build_demo
from milo_desktop.services.demo.data import OUTREACH_NUMBER
from milo_desktop.services.workspace import Workspace
from tests.stage_runs import LICENCE, STORY, YEARS, make_screening


def test_demo_candidates_answer_their_invitations(tmp_path: Path, arun: Any) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(ws.db, candidates=200)
        screening = make_screening(ws, [(StageKind.VOICE, [LICENCE, STORY]),
                                        (StageKind.SMS, [YEARS])],
                                   phone_number=OUTREACH_NUMBER)
        candidate_id = ws.db.run_sync(lambda s: s.scalar(
            select(Candidate.id).where(Candidate.phone_e164.is_not(None))
            .order_by(Candidate.id).limit(1)))

        async def scenario() -> list[tuple[StageStatus, float | None, str]]:
            ws.bus.bind_loop(asyncio.get_running_loop())
            demo = await start_demo_telephony(ws, tmp_path)
            try:
                report = await ws.outreach.invite([candidate_id], screening.interviewer_id)
                assert "Sending to 1" in report.summary(), report.summary()

                def results(s: Any) -> list[tuple[StageStatus, float | None, str]]:
                    return [(r.status, r.score, r.transcript) for r in s.scalars(
                        select(StageResult).where(StageResult.stage_id.in_(
                            screening.stage_ids)).order_by(StageResult.stage_id))]

                for _ in range(400):
                    got = await ws.db.read(results)
                    if got and got[0][0] in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT):
                        return got
                    demo.background.engine.wake(StageSync.service)
                    await asyncio.sleep(0.1)
                raise AssertionError(f"the demo candidate never finished: {got}")
            finally:
                await demo.stop()
                await ws.tasks.drain()

        first, _second = arun(scenario(), timeout=90)
        status, score, transcript = first
        assert status in (StageStatus.COMPLETED, StageStatus.KNOCKED_OUT)
        assert "Caller:" in transcript and "Forklift Operator" in transcript
        assert status == StageStatus.KNOCKED_OUT or score is not None
    finally:
        ws.close()
