"""Small pieces the receptionist wizard's pages share: the service lookup and the inline
problem list (the counted text boxes are views/widgets/text_fields.py)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QWidget

from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext


def receptionist_service(ctx: ViewContext) -> ReceptionistService:
    """The workspace's receptionist service (one per workspace, so every screen shares its
    publisher)."""
    return ctx.workspace.receptionists


class ProblemList(QLabel):
    """What is still wrong on a page, one line each; hidden when nothing is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setWordWrap(True)
        self.items: list[str] = []
        self.hide()

    def show_problems(self, problems: list[str]) -> None:
        self.items = list(problems)
        if not problems:
            self.hide()
            return
        t = theme.current()
        back = "#3b1d1d" if t.dark else "#fef2f2"
        self.setStyleSheet(f"QLabel#problems {{ color: {t.danger}; background: {back};"
                           " border-radius: 6px; padding: 8px 10px; }")
        self.setText("<br>".join("• " + html.escape(p) for p in problems))
        self.show()
