"""The interviewer page's header buttons: Edit… (the Create Interviewer wizard in edit mode),
Preview (any stage, as a candidate would live it) and Open kiosk… (walk-ins, Form stages)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from milo_desktop.enums import StageKind
from milo_desktop.services.interviewers import InterviewerDetail
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import formatting as fmt


class InterviewerActions(QWidget):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: InterviewerDetail | None = None
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.setToolTip(self.tr("Change stages, questions and settings "
                                            "(applies to new candidates only)"))
        self.preview_button = QPushButton(self.tr("Preview"), self)
        self.preview_button.setToolTip(self.tr("Go through a stage as a candidate would; "
                                               "nothing is saved"))
        self.preview_menu = QMenu(self)
        self.preview_button.setMenu(self.preview_menu)
        self.kiosk_button = QPushButton(self.tr("Open kiosk…"), self)
        self.kiosk_button.setToolTip(self.tr("Full-screen form for walk-ins at the front desk "
                                             "(staff leave with Ctrl+Shift+Q)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.preview_button, self.kiosk_button, self.edit_button):
            layout.addWidget(button)
        self.edit_button.clicked.connect(self.edit)
        self.kiosk_button.clicked.connect(self.open_kiosk)
        self.set_detail(None)

    def set_detail(self, detail: InterviewerDetail | None) -> None:
        self.detail = detail
        self.preview_menu.clear()
        for stage in detail.stages if detail else ():
            action = self.preview_menu.addAction(
                f"{stage.position + 1}. {stage.name} ({fmt.workflow_text((stage.kind,))})")
            action.triggered.connect(lambda _c=False, sid=stage.id: self.preview(sid))
        has_form = bool(detail and any(s.kind == StageKind.FORM for s in detail.stages))
        self.preview_button.setEnabled(bool(detail and detail.stages))
        self.kiosk_button.setEnabled(has_form)
        if detail is not None and not has_form:
            self.kiosk_button.setToolTip(self.tr("Add a Form stage to take walk-ins"))
        self.edit_button.setEnabled(detail is not None)

    # Other screens' windows, through ctx.windows (a screen never imports another).
    def edit(self) -> QWidget | None:
        if self.detail is None:
            return None
        return self.ctx.windows.edit_interviewer(self.ctx, self.detail.id, self.window())

    def preview(self, stage_id: int) -> QWidget:
        return self.ctx.windows.stage_preview(self.ctx, stage_id, self.window())

    def open_kiosk(self) -> QWidget | None:
        if self.detail is None:
            return None
        return self.ctx.windows.kiosk(self.ctx, self.detail.id, self.window())
