"""The Invite dialog shows its result whole (found by the issue 10 walkthrough,
tests/e2e/test_issue10_done_when.py): the result's lines wrap at the dialog's width, and the
dialog grows to hold them instead of drawing the preview over them."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from milo_desktop.enums import StageKind
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.outreach import InviteDialog
from tests.factories import make_candidate, make_interviewer

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")


def test_the_result_and_the_notice_stand_whole_under_the_preview(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    # SMS first with a number: the texts go now, the emails wait for an email account — a
    # result of two long lines, and a notice before it.
    iid = make_interviewer(ws, "Warehouse Associate (Walkthrough)", deadline=None,
                           stages=(StageKind.SMS, StageKind.VOICE),
                           phone_number="+12145550180")
    people = [make_candidate(ws, name, phone_e164=f"+1214555010{i}")
              for i, name in enumerate(("Joseph Kim", "Aisha Tran", "Carol Gupta"))]
    dialog = InviteDialog(make_ctx(ws), people)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.is_ready)
    dialog.choose(iid)
    qtbot.waitUntil(lambda: dialog.invite_button.isEnabled() and dialog.readiness.isVisible())

    def whole(part: Any) -> None:
        qtbot.waitUntil(lambda: part.isVisible())
        assert not part.geometry().intersects(dialog.preview.geometry()), part.text()
        assert part.height() >= part.heightForWidth(part.width()), part.text()
        assert part.geometry().bottom() < dialog.buttons.geometry().top()

    whole(dialog.readiness)
    with qtbot.waitSignal(dialog.invited, timeout=10_000):
        qtbot.mouseClick(dialog.invite_button, Qt.MouseButton.LeftButton)
    assert "\n" in dialog.message.text()  # the summary, then what waits for what
    whole(dialog.message)
