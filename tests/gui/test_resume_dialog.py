"""The Attach résumé dialog and the LLM card, driven with qtbot on a real SQLite workspace
(the LLM card against the fake endpoint on a local socket)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.enums import StageKind
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.scoring.llm_config import KEY, LlmConfig
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates.resume_dialog import ResumeDialog
from milo_desktop.views.settings.llm_card import LlmCard
from milo_desktop.views.widgets.formatting import score_text
from tests.factories import make_application, make_candidate, make_interviewer
from tests.fake_llm import Reply, fake_llm
from tests.integration.test_applications_service import add_questions
from tests.integration.test_resume_service import REQUIREMENTS
from tests.keychains import MemoryKeychain
from tests.resume_files import write_pdf
from tests.unit.test_resume_extract import make_bad


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


def _dialog(qtbot: Any, make_ctx: Any, ws: Workspace, tmp_path: Path) -> ResumeDialog:
    iv = make_interviewer(ws, "Forklift Operator With A Remarkably Long Role Name",
                          stages=(StageKind.RESUME, StageKind.VOICE))
    add_questions(ws, iv, 0, *REQUIREMENTS, min_score=90)
    app = make_application(ws, make_candidate(ws, "Dana Lopez"), iv)
    ws.resumes = ResumeService(ws.db, ws.bus, tmp_path / "data", ws.applications)
    dialog = ResumeDialog(make_ctx(ws), app)
    qtbot.addWidget(dialog)
    dialog.resize(620, 560)
    dialog.show()
    return dialog


def test_attach_and_see_the_result(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
                                   tmp_path: Path) -> None:
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, tmp_path)
    assert dialog.choose_button.isEnabled() and not dialog.headline.isVisible()
    with qtbot.waitSignal(dialog.attached, timeout=15_000):
        dialog.attach_file(str(write_pdf(tmp_path / "Dana CV.pdf")))
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.file_label.text() == "Dana CV.pdf"
    ev = dialog.outcome.evaluation if dialog.outcome else None
    assert ev is not None and ev.score is not None
    assert dialog.headline.text() == f"Résumé {score_text(ev.score)}% • 2/3"
    html = dialog.details.text()
    assert "Has a forklift certification" in html and "Forklift certified (OSHA)" in html
    assert "Scored by rubric" in html
    assert ("Below the stage minimum of 90" in html) == (ev.score < 90)
    assert not dialog.progress.isVisible()
    dialog.grab().save(str(tmp_path / "resume-dialog.png"))


@pytest.mark.parametrize("dark", [False, True])
def test_a_bad_file_gives_a_clear_message(qtbot: Any, make_ctx: Any,
                                          sqlite_workspace: Workspace, tmp_path: Path,
                                          dark: bool, apply_theme: Any) -> None:
    apply_theme(dark)
    dialog = _dialog(qtbot, make_ctx, sqlite_workspace, tmp_path)
    dialog.attach_file(str(make_bad(tmp_path, "scan.pdf")))
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=15_000)
    assert dialog.message.tone == "danger"
    assert dialog.message.text() == ("scan.pdf: This PDF has no text layer — scanned? "
                                     "Ask for a DOCX or text résumé.")
    assert not dialog.headline.isVisible() and dialog.choose_button.isEnabled()
    dialog.grab().save(str(tmp_path / f"resume-error-{dark}.png"))


def test_without_a_resume_service(qtbot: Any, make_ctx: Any,
                                  sqlite_workspace: Workspace) -> None:
    dialog = ResumeDialog(make_ctx(sqlite_workspace), 1)
    qtbot.addWidget(dialog)
    assert not dialog.choose_button.isEnabled()
    assert "cannot be attached" in dialog.message.text()


# ----------------------------------------------------------------------------- LLM card


def _card(qtbot: Any, make_ctx: Any, ws: Workspace, chain: MemoryKeychain) -> LlmCard:
    card = LlmCard(make_ctx(ws), LlmConfig(ws.db, CredentialStore(chain)))
    qtbot.addWidget(card)
    card.resize(760, 380)
    card.show()
    card.refresh()
    qtbot.waitUntil(lambda: not card.is_busy())
    return card


def _click(qtbot: Any, card: LlmCard, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=15_000)


def test_llm_card_test_save_and_refusals(qtbot: Any, make_ctx: Any,
                                         sqlite_workspace: Workspace, tmp_path: Path) -> None:
    chain = MemoryKeychain()
    card = _card(qtbot, make_ctx, sqlite_workspace, chain)
    assert "Off" in card.status.text() and not card.enabled_box.isChecked()
    assert card.url_edit.text() == "https://api.openai.com/v1"

    refused = Reply(401, {"error": {"message": "bad key"}})
    with fake_llm([refused]) as server:
        card.url_edit.setText(server.base_url)
        card.model_edit.setText("fake-model")
        qtbot.keyClicks(card.key_edit, "sk-wrong")
        _click(qtbot, card, card.test_button)
        assert card.message.tone == "danger" and "refused this API key" in card.message.text()

        card.key_edit.clear()
        qtbot.keyClicks(card.key_edit, "sk-right")
        _click(qtbot, card, card.test_button)
        assert card.message.tone == "success"
        assert "fake-model answered" in card.message.text()

        card.enabled_box.setChecked(True)
        _click(qtbot, card, card.save_button)
    assert card.message.tone == "success" and "fake-model" in card.message.text()
    assert "On — fake-model" in card.status.text()
    assert card.key_edit.text() == "" and "Stored in your keychain" in card.key_edit.placeholderText()
    assert chain.items[("Milo Desktop", KEY)] == "sk-right"
    card.grab().save(str(tmp_path / "llm-card.png"))

    card.model_edit.setText("two words")
    _click(qtbot, card, card.save_button)
    assert card.message.tone == "danger" and "one word" in card.message.text()
