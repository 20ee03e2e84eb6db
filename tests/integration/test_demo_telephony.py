"""Demo mode end to end: the sandbox serves the demo receptionists, a simulated caller rings,
and the call lands in the pipeline evaluated, with a notification — no account needed."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from milo_desktop.app.demo import start_demo_telephony
from milo_desktop.enums import CallStatus, ReceptionistStatus
from milo_desktop.models import Answer, InboundCall, Notification, Receptionist
from milo_desktop.services.demo import build_demo
from milo_desktop.services.workspace import Workspace


def test_a_demo_call_lands_evaluated(tmp_path: Path, arun: Any) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(ws.db, candidates=200)

        async def scenario() -> tuple[Any, ...]:
            ws.bus.bind_loop(asyncio.get_running_loop())
            demo = await start_demo_telephony(ws, tmp_path)
            try:
                assert demo.lines, "the live demo receptionists are published on the sandbox"
                sid = await demo.place_call(random.Random(3))

                def landed(s: Any) -> Any:
                    return s.execute(
                        select(
                            InboundCall.id,
                            InboundCall.status,
                            InboundCall.review,
                            InboundCall.caller_name,
                            InboundCall.recording_path,
                        ).where(InboundCall.execution_sid == sid)
                    ).one_or_none()

                for _ in range(300):
                    row = await ws.db.read(landed)
                    if row is not None and row.status == CallStatus.EVALUATED:
                        break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError(f"call {sid} never reached Evaluated: {row}")
                answers = await ws.db.read(
                    lambda s: s.scalar(
                        select(func.count())
                        .select_from(Answer)
                        .where(Answer.inbound_call_id == row.id)
                    )
                )
                notes = await ws.db.read(
                    lambda s: s.scalar(
                        select(func.count())
                        .select_from(Notification)
                        .where(Notification.inbound_call_id == row.id)
                    )
                )
                flows = await ws.db.read(
                    lambda s: s.scalars(
                        select(Receptionist.flow_sid).where(
                            Receptionist.status == ReceptionistStatus.LIVE
                        )
                    ).all()
                )
                return row, answers, notes, flows
            finally:
                await demo.stop()
                await ws.tasks.drain()

        row, answers, notes, flows = arun(scenario(), timeout=90)
        assert row.caller_name  # the name the caller said
        assert row.review.value in ("approved", "needs_review")
        assert answers > 0 and notes == 1
        assert row.recording_path and Path(row.recording_path).exists()
        assert all(f and f.startswith("FW") for f in flows)
    finally:
        ws.close()


def test_a_newcomers_receptionist_goes_live_on_a_spare_demo_number(
    tmp_path: Path, arun: Any
) -> None:
    from milo_desktop.app.demo import SPARE_NUMBERS
    from tests.factories import make_interviewer
    from tests.unit.test_receptionists_service import draft

    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(ws.db, candidates=200)
        iid = make_interviewer(ws, "Night Shift Picker", slug="night-picker")

        async def scenario() -> tuple[Any, ...]:
            ws.bus.bind_loop(asyncio.get_running_loop())
            demo = await start_demo_telephony(ws, tmp_path)
            try:
                numbers = await ws.receptionists.account_numbers()
                free = [n for n in numbers if n.e164 in SPARE_NUMBERS and not n.used_by]
                created = await ws.receptionists.create(
                    draft(iid, name="My front desk", phone=free[0].e164)
                )
                await demo.refresh_lines(ws)
                return created, [n for n, _q in demo.lines], len(free)
            finally:
                await demo.stop()
                await ws.tasks.drain()

        created, lines, free = arun(scenario(), timeout=90)
        assert free == len(SPARE_NUMBERS)
        assert created.status == ReceptionistStatus.LIVE and created.flow_sid
        assert created.phone_number in lines  # the demo's callers now ring it too
    finally:
        ws.close()
