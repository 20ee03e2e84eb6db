"""Issue 4's "done when", end to end on the demo with nothing but the app's own parts: an
interviewer created from a role template (Résumé → Voice), three demo candidates invited,
their résumés sent (demo applicants), the phone screening answered by the sandbox's
scripted candidates, scored results and knock-outs stored, and a PDF score report of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import pypdf
from sqlalchemy import select

from milo_desktop.app.demo import start_demo_telephony
from milo_desktop.enums import ApplicationStatus, StageKind
from milo_desktop.models import Application, Candidate
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.demo import build_demo
from milo_desktop.services.demo.data import OUTREACH_NUMBER
from milo_desktop.services.demo.resumes import send_demo_resumes
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.review import ReviewSelection
from milo_desktop.services.workspace import Workspace

FINISHED = (ApplicationStatus.COMPLETED, ApplicationStatus.KNOCKED_OUT)


def test_template_to_invited_to_scored_to_report(tmp_path: Path, arun: Any) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        build_demo(ws.db, candidates=200)
        ws.resumes = ResumeService(ws.db, ws.bus, tmp_path, ws.applications)
        draft = ws.authoring.draft_from_template("forklift-operator")
        assert [s.kind for s in draft.stages] == [StageKind.RESUME, StageKind.VOICE]
        draft.slug, draft.phone_number = "forklift-done-when", OUTREACH_NUMBER
        people = ws.db.run_sync(lambda s: list(s.scalars(
            select(Candidate.id).where(Candidate.phone_e164.is_not(None))
            .order_by(Candidate.id).limit(3))))

        async def scenario() -> list[tuple[str, ApplicationStatus, float | None]]:
            ws.bus.bind_loop(asyncio.get_running_loop())
            assert await ws.authoring.validate(draft) == []
            iv = await ws.authoring.create(draft)
            demo = await start_demo_telephony(ws, tmp_path)
            # The demo's crowd lets some calls ring out (retried hours later); here all answer.
            demo.sandbox.candidates.default = plausible_candidates(seed=4, no_show=0.0)
            try:
                report = await ws.outreach.invite(people, iv)
                # Résumé first: only the emails go, and no email account is connected here.
                assert report.queued == 3, report.summary()
                assert report.summary() == "3 queued — connect an email account to send"
                later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
                sent = await send_demo_resumes(ws.db, ws.resumes, tmp_path / "cv",
                                               random.Random(5), now=later)
                assert sent == 3

                def results(s: Any) -> list[tuple[str, ApplicationStatus, float | None]]:
                    return [(name, status, score) for name, status, score in s.execute(
                        select(Candidate.full_name, Application.status, Application.score)
                        .join(Candidate).where(Application.interviewer_id == iv)
                        .order_by(Application.id))]

                for _ in range(600):
                    got = await ws.db.read(results)
                    if all(status in FINISHED for _n, status, _s in got):
                        return got
                    demo.background.engine.wake(StageSync.service)
                    await asyncio.sleep(0.1)
                raise AssertionError(f"the candidates never finished: {got}")
            finally:
                await demo.stop()
                await ws.tasks.drain()

        finished = arun(scenario(), timeout=120)
        assert len(finished) == 3
        # Everyone answered (no no-shows): at least one screening ends in a scored result.
        assert any(status == ApplicationStatus.COMPLETED for _n, status, _s in finished), finished

        iv_id = ws.db.run_sync(lambda s: s.scalar(
            select(Application.interviewer_id).where(Application.candidate_id == people[0])
            .order_by(Application.id.desc()).limit(1)))
        pdf = tmp_path / "report.pdf"
        made = arun(ws.review.score_report(ReviewSelection(iv_id), pdf))
        assert made.candidates == 3
        pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages]
        for name, status, score in finished:
            # Each candidate's page: completed → its 0–100 score; knocked out → said so.
            page = next((t for t in pages if "Score report" in t and name in t), "")
            if status == ApplicationStatus.COMPLETED:
                assert score is not None and 0 <= score <= 100, (name, score)
                assert f"Overall score {score:.0f} / 100" in page, page
            else:
                assert status == ApplicationStatus.KNOCKED_OUT and "Knocked out" in page, page
        text = "\n".join(pages)
        assert "Résumé" in text or "Resume" in text
    finally:
        ws.close()
