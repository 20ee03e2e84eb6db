"""The profile's Résumé tab after an emailed application with a cover letter before the CV
(read from a real local IMAP server): the CV is the résumé shown, and the cover letter is one
click away under "Also sent"."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from milo_desktop.models import Candidate
from milo_desktop.sandbox.mailbox import LocalMailbox
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates import ProfileDialog, open_candidate_profile
from milo_desktop.views.candidates.resume_view import ResumeView
from tests.integration.test_email_attachments import COVER, PDF, RESUME
from tests.integration.test_email_intake import make_intake, setup_workspace
from tests.unit.test_email_parse import application, pdf_bytes


def test_the_cover_letter_is_one_click_away_beside_the_resume(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    setup_workspace(ws)
    cover = pdf_bytes(COVER)
    with LocalMailbox() as box:
        box.append(application(attachments=[("Cover letter.pdf", PDF, cover),
                                            ("Dana Lopez CV.pdf", PDF, pdf_bytes(RESUME))]))
        intake = make_intake(ws, box, tmp_path)
        task = asyncio.ensure_future(intake.run(lambda n: None))
        qtbot.waitUntil(task.done, timeout=30_000)
        task.result()
    ws.resumes = ResumeService(ws.db, ws.bus, tmp_path, ws.applications)
    candidate = ws.db.run_sync(lambda s: s.scalar(select(Candidate.id)))
    dialog = open_candidate_profile(ctx, candidate)
    assert isinstance(dialog, ProfileDialog)
    qtbot.addWidget(dialog)
    view: ResumeView = dialog.resume_page
    qtbot.waitUntil(lambda: view.current is not None and view.files.isVisibleTo(view),
                    timeout=15_000)
    assert view.current is not None and view.current.file_name == "Dana Lopez CV.pdf"
    buttons = view.files.findChildren(QPushButton, "keptFile")
    assert [b.text() for b in buttons] == ["Cover letter.pdf"]
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    buttons[0].click()
    assert len(urls) == 1 and Path(urls[0].toLocalFile()).read_bytes() == cover
