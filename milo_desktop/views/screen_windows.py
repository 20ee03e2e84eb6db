"""``ScreenWindows``: the ``Windows`` (views/windows.py) that opens the real screens' windows.

The one module, with main_window, that imports every screen; no screen imports it. The app
builds it into the ``ViewContext`` (app/main.py), and so do the GUI tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from milo_desktop.views.context import ViewContext
from milo_desktop.views.windows import Navigator

# Each screen is imported when it first opens, not with the main window: together they cost
# about half a second of start-up (the wizard, the kiosk's camera, the preview's audio).


class ScreenWindows:
    def candidate_profile(self, ctx: ViewContext, candidate_id: int,
                          parent: QWidget | None = None, *, navigator: Navigator | None = None,
                          application_id: int | None = None) -> QDialog:
        from milo_desktop.views.candidates import open_candidate_profile

        return open_candidate_profile(ctx, candidate_id, parent, navigator=navigator,
                                      application_id=application_id)

    def stage_preview(self, ctx: ViewContext, stage: Any, parent: QWidget | None = None, *,
                      interviewer: Any | None = None) -> QDialog:
        from milo_desktop.views.preview import open_preview

        return open_preview(ctx, stage, parent, interviewer=interviewer)

    def kiosk(self, ctx: ViewContext, interviewer_id: int,
              parent: QWidget | None = None) -> QWidget:
        from milo_desktop.views.kiosk import open_kiosk

        return open_kiosk(ctx, interviewer_id, parent)

    def edit_interviewer(self, ctx: ViewContext, interviewer_id: int, parent: QWidget | None,
                         *, on_saved: Callable[[int], None] | None = None) -> QDialog:
        from milo_desktop.views.authoring import AuthoringWizard

        wizard = AuthoringWizard(ctx, parent, interviewer_id=interviewer_id)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_saved is not None:
            wizard.saved.connect(on_saved)
        wizard.open()
        return wizard

    def invite(self, ctx: ViewContext, candidate_ids: Sequence[int],
               parent: QWidget | None) -> QDialog:
        from milo_desktop.views.outreach import InviteDialog

        dialog = InviteDialog(ctx, candidate_ids, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def blast(self, ctx: ViewContext, application_ids: Sequence[int],
              parent: QWidget | None) -> QDialog:
        from milo_desktop.views.outreach import BlastDialog

        dialog = BlastDialog(ctx, application_ids, parent)
        dialog.open()
        return dialog
