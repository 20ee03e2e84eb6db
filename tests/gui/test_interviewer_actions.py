"""The interviewer page's header: Preview lists every stage and runs it, Open kiosk… only
with a Form stage, Edit… opens the wizard in edit mode on the stored interviewer."""

from __future__ import annotations

from typing import Any

from milo_desktop.enums import StageKind
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.interviewers.section import InterviewersSection
from milo_desktop.views.kiosk.window import KioskWindow
from milo_desktop.views.preview import PreviewDialog
from tests.form_stage import make_form_interviewer


def _page(qtbot: Any, make_ctx: Any, ws: Workspace, interviewer_id: int) -> Any:
    section = InterviewersSection(make_ctx(ws))
    qtbot.addWidget(section)
    section.resize(1400, 850)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.show()
    section.open_interviewer(interviewer_id)
    page = section.detail_page
    qtbot.waitUntil(page.is_loaded, timeout=10_000)
    return page


def test_preview_kiosk_and_edit_from_the_interviewer_page(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    iv, _form = make_form_interviewer(sqlite_workspace)
    page = _page(qtbot, make_ctx, sqlite_workspace, iv)
    actions = page.header_actions
    titles = [a.text() for a in actions.preview_menu.actions()]
    assert titles == ["1. Front-desk form (Form)", "2. Phone screen (Voice)"]
    assert actions.kiosk_button.isEnabled() and actions.edit_button.isEnabled()

    actions.preview_menu.actions()[1].trigger()
    dialogs = [w for w in page.window().findChildren(PreviewDialog)]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()

    wizard = actions.edit()
    assert isinstance(wizard, AuthoringWizard)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(wizard.is_loaded, timeout=10_000)
    assert wizard.draft.slug == "forklift-dallas"
    assert wizard.editing_id == iv and wizard.windowTitle() == "Edit interviewer"
    wizard.reject()

    kiosk = actions.open_kiosk()
    assert isinstance(kiosk, KioskWindow)
    qtbot.waitUntil(lambda: kiosk.isVisible())
    kiosk.leave()


def test_no_kiosk_without_a_form_stage(qtbot: Any, make_ctx: Any,
                                       sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(sqlite_workspace, slug="voice-only",
                                       stages=(StageKind.VOICE,))
    page = _page(qtbot, make_ctx, sqlite_workspace, iv)
    assert not page.header_actions.kiosk_button.isEnabled()
    assert "Form stage" in page.header_actions.kiosk_button.toolTip()
    menu = page.header_actions.preview_menu
    assert [a.text() for a in menu.actions()] == ["1. Phone screen (Voice)"]
