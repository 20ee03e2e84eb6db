"""Settings → Privacy and the profile's privacy actions, driven as a user would, on a real
SQLite workspace: Cancel a pending request, Dry run before Turn on, the erase dialog's
request and Cancel request, Export data…; both screens rendered light and dark."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QPushButton

from milo_desktop.models import Candidate
from milo_desktop.models.base import utcnow
from milo_desktop.services.privacy.settings import load_settings
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates import ProfileDialog, open_candidate_profile
from milo_desktop.views.privacy import EraseDialog, PrivacyPanel
from tests.factories import make_candidate

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screens"


def _requested(ws: Workspace, cid: int) -> dt.datetime | None:
    c = ws.db.run_sync(lambda s: s.get(Candidate, cid))
    return None if c is None else c.erase_requested_at


def _open_profiles() -> list[Any]:
    from milo_desktop.views.candidates import profile

    return list(profile._open.values())


def _shoot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_panel_cancels_a_request_and_turns_retention_on_after_a_dry_run(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any) -> None:
    ws = sqlite_workspace
    long_ago = utcnow() - dt.timedelta(days=3 * 365)
    quiet = make_candidate(ws, "Orla Quiet", created_at=long_ago)
    make_candidate(ws, "Nadia Recent", created_at=utcnow())
    asked = make_candidate(ws, "Ivo Asked", created_at=utcnow())
    ws.db.run_sync(lambda s: setattr(s.get(Candidate, asked), "erase_requested_at", utcnow()),
                   write=True)
    for dark in (False, True):
        apply_theme(dark)
        panel = PrivacyPanel(make_ctx(ws))
        qtbot.addWidget(panel)
        panel.resize(900, 820)
        panel.show()
        qtbot.waitUntil(lambda p=panel: p.pending_table.rowCount() == 1, timeout=10_000)
        assert panel.pending_table.item(0, 0).text() == "Ivo Asked"
        assert panel.grace.value() == 60
        assert not panel.turn_on.isEnabled()  # no dry run yet
        panel.months.setValue(24)
        panel.dry_run_button.click()
        qtbot.waitUntil(lambda p=panel: p.dry is not None, timeout=10_000)
        assert [panel.dry_table.item(r, 0).text() for r in range(panel.dry_table.rowCount())] \
            == ["Orla Quiet"]
        assert panel.turn_on.isEnabled()
        _shoot(panel, f"privacy-panel-{'dark' if dark else 'light'}.png")
        if dark:
            break
        panel.close()

    cancel = panel.pending_table.cellWidget(0, 3)
    assert isinstance(cancel, QPushButton)
    cancel.click()
    qtbot.waitUntil(lambda: panel.pending_empty.isVisibleTo(panel), timeout=10_000)
    assert _requested(ws, asked) is None
    panel.turn_on.click()
    qtbot.waitUntil(lambda: panel.turn_on.text() == "Turn off", timeout=10_000)
    settings = ws.db.run_sync(load_settings)
    assert settings.retention_on and settings.retention_months == 24
    assert ws.db.run_sync(lambda s: s.get(Candidate, quiet)) is not None  # the job erases


def test_profile_erase_dialog_requests_and_cancels_and_export_writes_the_zip(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any,
        monkeypatch: Any) -> None:
    ws = sqlite_workspace
    cid = make_candidate(ws, "Bex Marlowe", "bex@example.com", phone_e164="+13125550111")
    opened: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: opened.append(self))
    for dark in (False, True):
        apply_theme(dark)
        ctx = make_ctx(ws)
        dialog = open_candidate_profile(ctx, cid)
        assert isinstance(dialog, ProfileDialog)  # closed below (it deletes itself)
        qtbot.waitUntil(dialog.is_loaded, timeout=10_000)
        dialog.export_data.click()
        qtbot.waitUntil(lambda d=dialog: d.last_export is not None, timeout=10_000)
        with zipfile.ZipFile(dialog.last_export) as zf:
            assert b"bex@example.com" in zf.read("candidate.json")
        assert opened and "readable only by you" in opened[-1].text()
        dialog.erase_data.click()
        erase = dialog.erase_dialog
        assert isinstance(erase, EraseDialog)
        qtbot.waitUntil(lambda e=erase: e.request_button.isEnabled(), timeout=10_000)
        assert "Not erased" in erase.ats.text() and "ATS" in erase.ats.text()
        assert "60 days" in erase.when.text()
        _shoot(dialog, f"privacy-profile-{'dark' if dark else 'light'}.png")
        _shoot(erase, f"privacy-erase-dialog-{'dark' if dark else 'light'}.png")
        erase.request_button.click()
        qtbot.waitUntil(lambda e=erase: e.cancel_request.isVisibleTo(e), timeout=10_000)
        assert _requested(ws, cid) is not None
        assert "Erasure requested" in erase.when.text()
        _shoot(erase, f"privacy-erase-requested-{'dark' if dark else 'light'}.png")
        erase.cancel_request.click()
        qtbot.waitUntil(lambda e=erase: e.request_button.isVisibleTo(e), timeout=10_000)
        assert _requested(ws, cid) is None
        erase.close()
        dialog.close()
        qtbot.waitUntil(lambda: not _open_profiles(), timeout=5_000)
