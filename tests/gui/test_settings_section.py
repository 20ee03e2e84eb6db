"""Workspace → Settings: Account (company name counted and refused past 25 characters, a logo
checked and shown, the brand colour; the candidate page card moved here from Integrations,
which keeps a one-line pointer), AI defaults saved and read by the wizard's new drafts, and
the Privacy page present only when its panel exists."""

from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from milo_desktop.services.workspace import Workspace
from milo_desktop.services.workspace_settings.branding import read_branding
from milo_desktop.views.settings.account_card import AccountPointer
from milo_desktop.views.workspace_settings import SettingsSection
from milo_desktop.views.workspace_settings.section import PRIVACY_MODULE

WAIT = 20_000
SHOTS = os.environ.get("MILO_TEST_SHOTS")  # a folder: the tests save what they render


def shot(widget: Any, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def open_section(qtbot: Any, make_ctx: Any, ws: Workspace, tmp_path: Path) -> SettingsSection:
    section = SettingsSection(make_ctx(ws))
    qtbot.addWidget(section)
    section.resize(1200, 860)
    section.show()
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    return section


@pytest.mark.parametrize("dark", [False, True])
def test_account_brand_is_checked_saved_and_shown(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any,
        tmp_path: Path, dark: bool) -> None:
    apply_theme(dark)
    ws = sqlite_workspace
    section = open_section(qtbot, make_ctx, ws, tmp_path)
    brand = section.brand
    assert section.page_names()[:2] == ["Account", "AI defaults"]
    assert section.account.isVisibleTo(section)  # the candidate page card lives here now

    brand.name_edit.setText("Northwind Staffing Partners")  # 27 characters
    assert brand.name_count.text() == "27/25"
    assert "27 characters; the limit is 25" in brand.name_error.text()
    brand.save_button.click()
    assert "the limit is 25" in brand.message.text() and brand.message.tone == "danger"
    assert read_branding_of(ws).company_name == ""  # nothing saved

    brand.name_edit.setText("Northwind Staffing")
    assert brand.name_error.text() == ""
    brand.show_color("#0f766e")  # what the colour picker hands back
    brand.save_button.click()
    qtbot.waitUntil(lambda: not brand.is_busy(), timeout=WAIT)
    assert brand.message.text().startswith("Saved.")
    saved = read_branding_of(ws)
    assert (saved.company_name, saved.brand_color) == ("Northwind Staffing", "#0f766e")

    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    brand.set_logo(bad)
    qtbot.waitUntil(lambda: not brand.is_busy(), timeout=WAIT)
    assert brand.message.text() == "This file is not a PNG image."
    logo = tmp_path / "mark.png"
    out = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(out, format="PNG")
    logo.write_bytes(out.getvalue())
    brand.set_logo(logo)
    qtbot.waitUntil(lambda: not brand.is_busy(), timeout=WAIT)
    assert brand.message.text() == "Logo saved."
    assert brand.logo_view.pixmap().height() == 56
    # Kept beside the workspace (the data folder of this test's SQLite file).
    assert Path(read_branding_of(ws).logo_path).parent == tmp_path.resolve() / "branding"
    assert brand.remove_logo_button.isEnabled()


def read_branding_of(ws: Workspace) -> Any:
    return ws.db.run_sync(read_branding)


def test_ai_defaults_are_saved_and_start_new_interviewers(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    section = open_section(qtbot, make_ctx, ws, tmp_path)
    section.show_page(1)
    card = section.ai_defaults
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    card.language_combo.setCurrentIndex(card.language_combo.findData("es"))
    assert [card.voice_combo.itemData(i) for i in range(card.voice_combo.count())] == [
        "Polly.Lupe", "Polly.Miguel", "Polly.Penelope"]  # Spanish voices only
    card.voice_combo.setCurrentIndex(card.voice_combo.findData("Polly.Miguel"))
    card.follow_ups.setValue(0)
    first = card._question_items()[0]
    first.setCheckState(0, Qt.CheckState.Checked)
    assert card.chosen_count.text().startswith("1 of")
    card.save_button.click()
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=WAIT)
    assert card.message.text() == "Saved. New interviewers start with these."
    shot(section, "settings-ai-defaults.png")

    draft = ws.authoring.draft_from_template(ws.authoring.templates()[0].key)
    assert draft.language == "es"
    prompts = {q.prompt for st in draft.stages for q in st.questions}
    assert first.text(0) in prompts
    assert all(not q.follow_ups for st in draft.stages for q in st.questions)


def test_integrations_points_to_settings_account(qtbot: Any) -> None:
    pointer = AccountPointer()
    qtbot.addWidget(pointer)
    assert pointer.text() == "Account details moved to Settings → Account."


def test_privacy_page_only_when_its_panel_exists(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, tmp_path: Path) -> None:
    section = open_section(qtbot, make_ctx, sqlite_workspace, tmp_path)
    exists = importlib.util.find_spec(PRIVACY_MODULE.rpartition(".")[0]) is not None
    assert ("Privacy" in section.page_names()) == exists
    if exists:
        section.show_page(section.page_names().index("Privacy"))
        assert section.privacy is not None and section.privacy.isVisibleTo(section)
