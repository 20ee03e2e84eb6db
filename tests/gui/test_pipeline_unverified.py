"""A caller whose number did not normalise, in the Inbound via Phone screen (offscreen, a real
SQLite workspace): the row shows the raw text with a muted "unverified" tag, Call asks before
dialling, Ingest says what it would do and waits for "Invite anyway", the details window says
so. Each view is also rendered to a PNG (``MILO_SHOTS=dir`` keeps them for a look)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from milo_desktop.enums import CallReview, CallStatus
from milo_desktop.models import Candidate, OutboxItem
from milo_desktop.services.pipeline import CallRow
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.receptionists import PipelineSection
from tests.factories import NOW, make_interviewer
from tests.unit.test_pipeline_service import add_call, add_receptionist

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")
CALLED_FROM = "+12145550142"


@pytest.fixture
def data(sqlite_workspace: Workspace) -> dict[str, int]:
    ws = sqlite_workspace
    ws.pipeline.clock = lambda: NOW  # the role's deadline is counted from NOW: so is "expired"
    iv = make_interviewer(ws, "Forklift Operator")
    desk = add_receptionist(ws, "Dallas Line", "+12145550197", [iv])
    common = {"status": CallStatus.EVALUATED, "review": CallReview.NEEDS_REVIEW}
    return {
        "iv": iv,
        "verified": add_call(ws, desk, "Vera Valid", "+14695550142", "vera@mail.example",
                             NOW - dt.timedelta(minutes=3), **common),
        "emoji": add_call(ws, desk, "Emma Emoji", None, "emma@mail.example",
                          NOW - dt.timedelta(minutes=2), caller_number_raw="😀",
                          number_unverified=True, **common),
        "typed": add_call(ws, desk, "Tom Typo", CALLED_FROM, None,
                          NOW - dt.timedelta(minutes=1), caller_number_raw=CALLED_FROM,
                          callback_number_raw="+1 (555) 01", number_unverified=True, **common),
    }


@pytest.fixture
def section(make_ctx: Any, sqlite_workspace: Workspace, data: dict[str, int], qtbot: Any
            ) -> Iterator[PipelineSection]:
    w = PipelineSection(make_ctx(sqlite_workspace))
    qtbot.addWidget(w)
    w.resize(1440, 560)
    with qtbot.waitSignal(w.loaded, timeout=10_000):
        w.show()
    yield w
    for top in QApplication.topLevelWidgets():
        if top is not w and top.isVisible():
            top.close()


def row_of(w: PipelineSection, name: str) -> CallRow:
    return next(r for r in w.model.rows() if r.caller_name == name)


def shot(widget: QWidget, tmp_path: Path, name: str) -> Path:
    """Render ``widget`` offscreen to a PNG (kept under $MILO_SHOTS when set)."""
    folder = Path(os.environ.get("MILO_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 1000
    return path


def count(ws: Workspace, model: Any) -> int:
    return int(ws.db.run_sync(lambda s: s.scalar(select(func.count()).select_from(model))))


def test_the_row_shows_the_raw_number_marked_unverified(section: PipelineSection,
                                                        tmp_path: Path) -> None:
    w = section
    phone = w.model.column_index("phone")
    texts = {r.caller_name: w.model.index(i, phone).data() for i, r in enumerate(w.model.rows())}
    assert texts == {"Tom Typo": "+1 (555) 01 (unverified)", "Emma Emoji": "😀 (unverified)",
                     "Vera Valid": "+1 469-555-0142"}
    tip = w.model.index(0, phone).data(3)  # ToolTipRole
    assert "Not a valid phone number" in tip and "+1 214-555-0142" in tip
    # Copy and call buttons: no call for a number that cannot be dialled at all.
    rect = w.table.visualRect(w.model.index(0, phone))
    keys = {r.caller_name: [k for k, _ in w.phone_delegate.button_rects(rect, r)]
            for r in w.model.rows()}
    assert keys == {"Tom Typo": ["copy_phone", "call"], "Emma Emoji": ["copy_phone"],
                    "Vera Valid": ["copy_phone", "call"]}
    shot(w, tmp_path, "pipeline-unverified")


def test_call_asks_before_dialling_an_unverified_number(section: PipelineSection) -> None:
    w = section
    opened: list[QUrl] = []
    asked: list[tuple[str, str]] = []
    answers = [False, True]
    w.open_url = opened.append

    def confirm(title: str, question: str) -> bool:
        asked.append((title, question))
        return answers.pop(0)

    w.confirm = confirm
    typo = row_of(w, "Tom Typo")
    w.contact_action("call", typo)  # the user says No: nothing is dialled
    assert opened == [] and len(asked) == 1
    assert "“+1 (555) 01” is unverified" in asked[0][1] and "+1 214-555-0142" in asked[0][1]
    w.contact_action("call", typo)  # Yes: the number they called from
    assert [u.toString() for u in opened] == [f"tel:{CALLED_FROM}"]
    w.contact_action("call", row_of(w, "Emma Emoji"))  # nothing to dial: nothing happens
    w.contact_action("call", row_of(w, "Vera Valid"))  # verified: no question
    assert len(asked) == 2 and opened[-1].toString() == "tel:+14695550142"
    w.contact_action("copy_phone", row_of(w, "Emma Emoji"))
    assert QApplication.clipboard().text() == "😀"
    menu = w.row_menu(row_of(w, "Emma Emoji"))
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert enabled["Call"] is False and enabled["Copy phone"] is True
    menu.deleteLater()


def test_ingest_waits_for_invite_anyway(section: PipelineSection, qtbot: Any,
                                        sqlite_workspace: Workspace, data: dict[str, int],
                                        tmp_path: Path) -> None:
    w = section
    w.ingest_row(row_of(w, "Tom Typo"))
    qtbot.waitUntil(lambda: w.ingest_dialog is not None, timeout=10_000)
    dialog = w.ingest_dialog
    assert dialog is not None
    assert dialog.warning.isVisibleTo(dialog) and "“+1 (555) 01”" in dialog.warning.text()
    assert "+1 214-555-0142" in dialog.warning.text()
    assert not dialog.ingest_button.isEnabled()
    shot(dialog, tmp_path, "ingest-unverified")
    dialog.ingest_button.click()  # disabled: nothing happens
    assert count(sqlite_workspace, Candidate) == 0
    dialog.confirm_box.setChecked(True)
    assert dialog.ingest_button.isEnabled() and dialog.confirmed
    dialog.ingest_button.click()
    qtbot.waitUntil(lambda: w.banner.text().startswith("Invited Tom Typo"), timeout=10_000)
    phones = sqlite_workspace.db.run_sync(lambda s: list(s.scalars(
        select(Candidate.phone_e164))))
    assert phones == [CALLED_FROM] and count(sqlite_workspace, OutboxItem) == 1


def test_details_say_the_number_is_unverified(section: PipelineSection, qtbot: Any,
                                              data: dict[str, int], tmp_path: Path) -> None:
    dialog = section.open_call(data["emoji"])
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert "😀 (unverified)" in dialog.subtitle.text()
    assert dialog.number_line.isVisibleTo(dialog)
    assert "email only, to emma@mail.example" in dialog.number_line.text()
    shot(dialog, tmp_path, "details-unverified")
    verified = section.open_call(data["verified"])
    qtbot.waitUntil(lambda: verified.detail is not None
                    and verified.detail.row.id == data["verified"], timeout=10_000)
    assert not verified.number_line.isVisibleTo(verified)
