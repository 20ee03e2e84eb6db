"""Apply via Email at scale: ``--messages`` emails (default 5,000; 20 % with a PDF or DOCX
résumé) APPENDed to a pymap mailbox, then ingested into a fresh workspace; prints one JSON
object.

The mailbox (pymap, dict backend) runs in a CHILD process: a real mail server is another
machine, and its parsing must not share our GIL. This process is the app's: a QApplication
on a qasync loop, the ``EmailIntake`` job reading over IMAP (imapclient on its own thread),
each page written by the workspace's single writer thread, résumés read and scored by
``ResumeService``, and a 10 ms QTimer whose lateness is the GUI's heartbeat.

- emails_per_s       messages ingested per second (first UID fetched → last move done)
- resumes_per_s      résumés read and scored per second over the same time
- heartbeat_p99_ms / heartbeat_max_ms   the GUI timer's lateness during the ingest
                                        (targets < 50 / < 100)
- load_1m            the machine's 1-minute load average before and after the ingest: the
                     heartbeat's maximum is set by whichever thread holds the interpreter
                     lock being preempted, so it follows the machine's load (see
                     docs/performance.md)
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing as mp
import random
import shutil
import sys
import tempfile
import time
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from heartbeat import Heartbeat  # benchmarks/heartbeat.py (this script's folder)

INTERVIEWERS = 10
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eun-ji", "Farah", "Goran", "Hana", "Ivan", "Jamal",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"]
LAST = ["Lopez", "Cho", "Müller", "Patel", "Kim", "Haddad", "Novak", "Sato", "Petrov", "Okafor",
        "Mensah", "Schmidt", "García", "Brown", "Nasser", "Raman", "Walsh", "Costa", "Berg"]


def _resume_pdf(name: str, years: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in [name.encode("latin-1", "replace").decode("latin-1"),
                 "Warehouse Associate, Acme Logistics", f"{2024 - years} - Present",
                 "- Operated reach and sit-down forklifts; cycle counts with RF scanners.",
                 "Forklift certified (OSHA), 2021.", "Skills: forklift, inventory, shipping"]:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _resume_docx(name: str, years: int) -> bytes:
    import docx

    d = docx.Document()
    for line in [name, "Forklift Operator, Northwind Supply", f"{2024 - years} - 2024",
                 "Loaded trucks, operated forklifts, forklift certified."]:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def messages(n: int, seed: int = 3) -> list[bytes]:
    rng = random.Random(seed)
    pdfs = [_resume_pdf(f"{FIRST[i]} {LAST[i]}", 2 + i % 6) for i in range(4)]
    docs = [_resume_docx(f"{FIRST[i]} {LAST[i]}", 1 + i % 5) for i in range(4)]
    out = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        msg = EmailMessage()
        msg["From"] = f"{name} <applicant{i}@example.com>"
        msg["To"] = f"jobs+role-{i % INTERVIEWERS}@agency.example"
        msg["Subject"] = "Application"
        msg["Message-ID"] = f"<bench-{i}@example.com>"
        msg.set_content(f"Hello,\n\nI would like to apply.\n\n{name}\n"
                        f"(214) 555-01{i % 100:02d}\n")
        if i % 5 == 0:  # 20 % with a résumé, PDF and DOCX in turn
            if i % 10 == 0:
                msg.add_attachment(pdfs[i % 4], maintype="application", subtype="pdf",
                                   filename="resume.pdf")
            else:
                msg.add_attachment(docs[i % 4], maintype="application",
                                   subtype="vnd.openxmlformats-officedocument"
                                           ".wordprocessingml.document",
                                   filename="resume.docx")
        out.append(msg.as_bytes(policy=SMTP))
    return out


def _serve(n: int, conn: Any) -> None:
    """The child: the pymap mailbox with ``n`` messages APPENDed."""
    from milo_desktop.sandbox.mailbox import LocalMailbox

    box = LocalMailbox().start()
    raws = messages(n)
    c = box.client()
    for start in range(0, len(raws), 200):
        c.multiappend("INBOX", raws[start:start + 200])
    c.logout()
    conn.send(box.url)
    conn.recv()
    box.stop()
    conn.send("bye")


def _prepare(ws: Any) -> None:
    from milo_desktop.enums import InterviewerStatus, QuestionKind, StageKind
    from milo_desktop.models import Interviewer, Question, Stage
    from milo_desktop.models.system import WorkspaceSetting
    from milo_desktop.services.email_intake.addresses import MAILBOX_KEY

    def w(s: Any) -> None:
        for i in range(INTERVIEWERS):
            iv = Interviewer(slug=f"role-{i}", name=f"Role {i}", position_title=f"Role {i}",
                             status=InterviewerStatus.ACTIVE)
            stage = Stage(position=0, kind=StageKind.RESUME, name="Résumé")
            stage.questions.append(Question(position=0, kind=QuestionKind.YES_NO,
                                            prompt="Has a forklift certification",
                                            expected_yes=True))
            iv.stages.append(stage)
            s.add(iv)
        s.add(WorkspaceSetting(key=MAILBOX_KEY, value={"address": "jobs@agency.example",
                                                       "mode": "plus", "aliases": {}}))
    ws.db.run_sync(w, write=True)


async def measure(url: str, imap_url: str, folder: Path, n: int) -> dict[str, Any]:
    from sqlalchemy import func, select

    from milo_desktop.enums import StageStatus
    from milo_desktop.models import Candidate, StageResult
    from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
    from milo_desktop.services.email_intake.intake import EmailIntake
    from milo_desktop.services.email_intake.mailbox import MailboxIntegration
    from milo_desktop.services.resume import ResumeService
    from milo_desktop.services.workspace import Workspace

    loop = asyncio.get_running_loop()
    ws = await loop.run_in_executor(None, Workspace.open, url)
    await loop.run_in_executor(None, _prepare, ws)
    mailbox = MailboxIntegration(None, DatabaseSettings(ws.db),
                                 env={"MILO_IMAP_URL": imap_url,
                                      "MILO_IMAP_ADDRESS": "jobs@agency.example"})
    resumes = ResumeService(ws.db, ws.bus, folder / "data", ws.applications)
    job = EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, folder / "data",
                      resumes=resumes, notifications=ws.notifications, bus=ws.bus)
    from milo_desktop.app.heap import defer_full_collections, settle_heap

    settle_heap()
    defer_full_collections()
    beat = Heartbeat()
    load_before = _load()
    beat.start()
    started = time.perf_counter()
    result = await job.run(lambda done: None)
    took = time.perf_counter() - started
    beat.stop()
    load_after = _load()

    def counts(s: Any) -> tuple[int, int]:
        return (int(s.scalar(select(func.count()).select_from(Candidate)) or 0),
                int(s.scalar(select(func.count()).select_from(StageResult).where(
                    StageResult.status == StageStatus.COMPLETED)) or 0))
    people, scored = await ws.db.read(counts)
    await loop.run_in_executor(None, ws.close)
    return {
        "messages": n,
        "ingested": result.count("emails"),
        "applications": result.count("applications"),
        "people": people,
        "resumes_scored": scored,
        "quarantined": result.quarantined,
        "ingest_s": round(took, 2),
        "emails_per_s": round(result.count("emails") / took, 1),
        "resumes_per_s": round(scored / took, 1),
        **beat.figures(),
        "load_1m": [load_before, load_after],
    }


def _load() -> float | None:
    """The 1-minute load average (None where the system has none: Windows)."""
    import os

    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=5_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="milo-email-"))
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(args.messages, child), daemon=True)
    proc.start()
    try:
        imap_url = parent.recv()
        import qasync
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            figures = loop.run_until_complete(
                measure(f"sqlite:///{folder / 'workspace.db'}", imap_url, folder,
                        args.messages))
        parent.send("stop")
        parent.recv()
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
