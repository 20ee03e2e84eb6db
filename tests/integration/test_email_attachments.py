"""Every document of an emailed application, over a real IMAP server (pymap on 127.0.0.1): the
Résumé stage scores the attachment that reads as a résumé — not a cover letter or certificate
sent before it — and every other PDF / DOCX / TXT / RTF is kept on the candidate as a file, once
per candidate (by content), even when the round stopped before scoring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import StageKind, StageStatus
from milo_desktop.models import Candidate, ParsedResumeRow, StageResult
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.email_intake import store
from milo_desktop.services.email_intake.files import files_of
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer
from tests.integration.test_email_intake import count, make_intake, setup_workspace
from tests.unit.test_email_parse import application, docx_bytes, pdf_bytes

PDF, DOCX, TXT = "application/pdf", ("application/vnd.openxmlformats-officedocument."
                                     "wordprocessingml.document"), "text/plain"
RESUME = ["Dana Lopez", "dana@example.com | (214) 555-0141 | Dallas, TX", "EXPERIENCE",
          "Warehouse Associate, Acme Logistics", "Jan 2020 - Present",
          "Operated reach and sit-down forklifts. Forklift certified (OSHA), 2021.",
          "Cashier, FoodMart", "Jun 2017 - Dec 2019", "SKILLS", "Forklift, inventory, RF scanner",
          "EDUCATION", "Dallas High School"]
COVER = ["Dana Lopez", "dana@example.com | (214) 555-0141", "Dear hiring manager,",
         "I am writing to apply for the warehouse role at your company.",
         "I enjoy working with a team and I learn quickly.", "Kind regards, Dana Lopez"]
CERTIFICATE = ["CERTIFICATE OF COMPLETION", "This certifies that Dana Lopez",
               "has completed Forklift Operator Safety Training (OSHA).", "Issued March 2021"]


@pytest.fixture
def box() -> Iterator[LocalMailbox]:
    with LocalMailbox() as mailbox:
        yield mailbox


def scored_file(ws: Workspace) -> str:
    return str(ws.db.run_sync(lambda s: s.scalar(select(ParsedResumeRow.file_name))))


def kept_names(ws: Workspace, root: Path, arun: Any, email: str = "dana@example.com") -> list[str]:
    cid = ws.db.run_sync(lambda s: s.scalar(select(Candidate.id).where(Candidate.email == email)))
    return [f.name for f in arun(files_of(ws.db, root, cid))]


def test_the_resume_is_scored_not_the_cover_letter_before_it(
        workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    """Names that say nothing: the content decides. The round stops before scoring first
    (no résumé service); the next one scores from the kept raw message."""
    ws = workspace
    setup_workspace(ws)
    cover, cv, cert = pdf_bytes(COVER), docx_bytes(RESUME), pdf_bytes(CERTIFICATE)
    box.append(application(attachments=[("document1.pdf", PDF, cover),
                                        ("document2.docx", DOCX, cv),
                                        ("document3.pdf", PDF, cert)]))
    first = make_intake(ws, box, tmp_path)
    first.resumes = None  # stopped between the commit and the scoring
    arun(first.run(lambda n: None))
    assert ws.db.run_sync(lambda s: s.scalar(select(StageResult.status))) == \
        StageStatus.NOT_STARTED
    raw = ws.db.run_sync(store.resumes_to_score)[0][1]
    assert Path(raw).exists()

    arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    stage = ws.db.run_sync(lambda s: s.scalar(select(StageResult)))
    assert stage.status == StageStatus.COMPLETED and scored_file(ws) == "document2.docx"
    assert (stage.structured_passed, stage.structured_total) == (1, 1)
    root = tmp_path / "resumes"
    assert kept_names(ws, root, arun) == ["document1.pdf", "document3.pdf"]
    kept = sorted((root / "files").rglob("*.pdf"))
    assert sorted(p.read_bytes() for p in kept) == sorted([cover, cert])
    assert all(p.stat().st_mode & 0o077 == 0 for p in kept)
    assert not Path(raw).exists() and ws.db.run_sync(store.resumes_to_score) == []
    arun(make_intake(ws, box, tmp_path).run(lambda n: None))  # nothing again
    assert kept_names(ws, root, arun) == ["document1.pdf", "document3.pdf"]


def test_names_count_and_every_file_is_kept_once_per_candidate(
        sqlite_workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    ws = sqlite_workspace
    setup_workspace(ws)
    make_interviewer(ws, "Night Picker", slug="night-picker", stages=(StageKind.RESUME,))
    cover, cv = pdf_bytes(COVER), pdf_bytes(RESUME)
    certificate = "\n".join(CERTIFICATE).encode()
    box.append(application(message_id="<one@example.com>", attachments=[
        ("Cover letter.pdf", PDF, cover), ("Forklift certificate.txt", TXT, certificate),
        ("Dana Lopez CV.pdf", PDF, cv), ("Dana Lopez CV (1).pdf", PDF, cv),  # the same file
        ("notes-1.txt", TXT, b"one"), ("notes-2.txt", TXT, b"two")]))  # more than three
    intake = make_intake(ws, box, tmp_path)
    arun(intake.run(lambda n: None))
    assert scored_file(ws) == "Dana Lopez CV.pdf"
    root = tmp_path / "resumes"
    assert kept_names(ws, root, arun) == ["Cover letter.pdf", "Forklift certificate.txt",
                                          "notes-1.txt", "notes-2.txt"]

    # A second application (another role) with the same cover letter and a new CV.
    box.append(application(to="jobs+night-picker@agency.example",
                           message_id="<two@example.com>", attachments=[
                               ("Cover letter.pdf", PDF, cover),
                               ("CV 2026.docx", DOCX, docx_bytes(RESUME))]))
    arun(intake.run(lambda n: None))
    assert count(ws, Candidate) == 1
    assert sorted(ws.db.run_sync(lambda s: list(s.scalars(select(ParsedResumeRow.file_name))))) \
        == ["CV 2026.docx", "Dana Lopez CV.pdf"]
    assert kept_names(ws, root, arun) == ["Cover letter.pdf", "Forklift certificate.txt",
                                          "notes-1.txt", "notes-2.txt"]


def test_without_a_resume_stage_the_resume_is_kept_as_a_file(
        sqlite_workspace: Workspace, box: LocalMailbox, tmp_path: Path, arun: Any) -> None:
    """Nothing to score it against: it is not lost with the raw message."""
    ws = sqlite_workspace
    setup_workspace(ws)
    make_interviewer(ws, "Driver", slug="driver", stages=(StageKind.FORM,))
    box.append(application(to="jobs+driver@agency.example",
                           attachments=[("Dana Lopez CV.pdf", PDF, pdf_bytes(RESUME))]))
    arun(make_intake(ws, box, tmp_path).run(lambda n: None))
    assert kept_names(ws, tmp_path / "resumes", arun) == ["Dana Lopez CV.pdf"]
    assert ws.db.run_sync(store.resumes_to_score) == []
