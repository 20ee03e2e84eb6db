""""Erase personal data…": what is erased, when, and what is not, before anything happens.

The request waits out the workspace's grace period (the person is hidden from lists and
nobody contacts them meanwhile), so the dialog's second state offers Cancel request.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.privacy import PendingErasure, PrivacyService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine
from milo_desktop.views.widgets.formatting import local_date


class EraseDialog(QDialog):
    def __init__(self, ctx: ViewContext, candidate_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.candidate_id = candidate_id
        self.privacy = PrivacyService.for_workspace(ctx.workspace)
        self.pending: PendingErasure | None = None
        self.setWindowTitle(self.tr("Erase personal data"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)
        layout = self.column = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel(self.tr("Erase everything held about %1?").replace("%1", name), self)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.what = self._para(self.tr(
            "<b>What is erased:</b> their profile and contact details, every application with "
            "its answers, transcripts and scores, notes, emails and texts both ways, calls and "
            "recordings, résumés and other documents, emails kept for review, the exports Milo "
            "wrote, and their entry in search. One audit note without personal data is kept "
            "(\"candidate #123 erased on request; 4 applications, 2 recordings\")."))
        self.when = self._para(self.tr("Loading…"))
        self.ats = self._para(self.tr(
            "<b>Not erased:</b> the copy an ATS (Greenhouse, Lever, Workable, Bullhorn) holds "
            "of this person, and files you saved elsewhere yourself. Erase those there."))
        self.message = MessageLine(self)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.reject)
        self.cancel_request = QPushButton(self.tr("Cancel request"), self)
        self.cancel_request.clicked.connect(self._cancel)
        self.request_button = QPushButton(self.tr("Request erasure"), self)
        self.request_button.setDefault(True)
        self.request_button.clicked.connect(self._request)
        for b in (self.close_button, self.cancel_request, self.request_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.request_button.setEnabled(False)
        self.cancel_request.hide()
        ctx.spawn(self._load(), "privacy.erase_dialog", owner=self)

    def _para(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        self.column.addWidget(label)
        return label

    async def _load(self) -> None:
        settings = await self.privacy.settings()
        self.grace_days = settings.grace_days
        self._show(await self.privacy.pending_for(self.candidate_id))

    def _show(self, pending: PendingErasure | None) -> None:
        self.pending = pending
        if pending is None:
            self.when.setText(self.tr(
                "<b>When:</b> after the grace period of %1 days (Settings → Privacy). Until "
                "then they are hidden from lists and nobody contacts them, and you can cancel "
                "the request in Settings → Privacy.").replace("%1", str(self.grace_days)))
        else:
            self.when.setText(self.tr(
                "<b>Erasure requested.</b> It runs on %1. Until then they are hidden from "
                "lists and nobody contacts them.").replace("%1", local_date(pending.due_at)))
        self.request_button.setVisible(pending is None)
        self.request_button.setEnabled(pending is None)
        self.cancel_request.setVisible(pending is not None)
        self.close_button.setText(self.tr("Close") if pending else self.tr("Cancel"))

    def _request(self) -> None:
        self.request_button.setEnabled(False)
        self.ctx.spawn(self._guarded(self.privacy.request(self.candidate_id)),
                       "privacy.request")

    def _cancel(self) -> None:
        self.cancel_request.setEnabled(False)

        async def cancel() -> None:
            await self.privacy.cancel(self.candidate_id)
            self.message.say(self.tr("Request cancelled: nothing will be erased."), "success")

        self.ctx.spawn(self._guarded(cancel()), "privacy.cancel")

    async def _guarded(self, work: Awaitable[Any]) -> None:
        try:
            await work
            self._show(await self.privacy.pending_for(self.candidate_id))
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
        finally:
            self.cancel_request.setEnabled(True)
