"""Preview any stage as a candidate would meet it (nothing saved, nothing sent)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from milo_desktop.services.preview import PreviewStage
from milo_desktop.views.context import ViewContext
from milo_desktop.views.preview.dialog import PreviewDialog


def open_preview(ctx: ViewContext, stage: int | PreviewStage | Any,
                 parent: QWidget | None = None, *, interviewer: Any | None = None
                 ) -> PreviewDialog:
    """Open the Preview of ``stage``: a stored stage's id, or the wizard's ``StageDraft``
    (pass its ``InterviewerDraft`` as ``interviewer`` for the position title and language).
    Non-modal; the dialog deletes itself when closed."""
    dialog = PreviewDialog(ctx, stage, parent, interviewer=interviewer)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog


__all__ = ["PreviewDialog", "open_preview"]
