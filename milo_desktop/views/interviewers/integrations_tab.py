"""The interviewer page's Integrations tab: the ATS job this interviewer screens for.

Linked: the job (title, ATS, status, last sync), Change… / Unlink, and the link's settings —
which ATS stage each outcome moves the application to, what "Send results to ATS" writes,
auto-invite — saved with ``AtsService.save_link``. Not linked: why one would, and a button
that lists the ATS jobs. The tab is made of sections (group boxes) so other integrations of
the interviewer (its apply-by-email address…) can sit beside the ATS one.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.ats.views import AtsJobRow, LinkSettings
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.apply_by_email import ApplyByEmailGroup
from milo_desktop.views.widgets.ats_link import (
    LinkDialog,
    LinkEditor,
    open_link_dialog,
    status_text,
)
from milo_desktop.views.widgets.cards import MessageLine


class IntegrationsTab(QScrollArea):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ats = ctx.workspace.ats
        self.interviewer_id: int | None = None
        self.interviewer_name = ""
        self.job: AtsJobRow | None = None
        self.saved: LinkSettings | None = None  # what the editor showed when loaded / saved
        self._loaded = False
        self._generation = 0
        self.dialog: LinkDialog | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget(self)
        self.ats_box = QGroupBox(self.tr("ATS"), inner)
        box = QVBoxLayout(self.ats_box)
        box.setSpacing(10)

        # Not linked: what a link does, and the way to make one.
        self.unlinked = QWidget(self.ats_box)
        self.explain = QLabel(self.tr(
            "Link this interviewer to a job in your applicant tracking system (Greenhouse, "
            "Lever, Workable, Bullhorn): the job's candidates come here to be screened, and "
            "their results go back to the ATS as a note and a stage move."), self.unlinked)
        self.explain.setWordWrap(True)
        self.explain.setProperty("muted", True)
        self.link_button = QPushButton(self.tr("Link to an ATS job…"), self.unlinked)
        self.link_button.setProperty("primary", True)
        unlinked = QVBoxLayout(self.unlinked)
        unlinked.setContentsMargins(0, 0, 0, 0)
        unlinked.addWidget(self.explain)
        unlinked.addWidget(self.link_button, 0, Qt.AlignmentFlag.AlignLeft)

        # Linked: the job, and its link's settings.
        self.linked = QWidget(self.ats_box)
        self.job_label = QLabel(self.linked)
        self.job_label.setWordWrap(True)
        self.job_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_label = QLabel(self.linked)
        self.sync_label.setProperty("muted", True)
        self.change_button = QPushButton(self.tr("Change…"), self.linked)
        self.change_button.setToolTip(self.tr("Link this interviewer to another ATS job"))
        self.unlink_button = QPushButton(self.tr("Unlink"), self.linked)
        head = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(self.job_label)
        column.addWidget(self.sync_label)
        head.addLayout(column, 1)
        head.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.unlink_button, 0, Qt.AlignmentFlag.AlignTop)
        self.editor = LinkEditor(self.linked)
        self.save_button = QPushButton(self.tr("Save"), self.linked)
        self.save_button.setProperty("primary", True)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        linked = QVBoxLayout(self.linked)
        linked.setContentsMargins(0, 0, 0, 0)
        linked.addLayout(head)
        linked.addWidget(self.editor)
        linked.addLayout(save_row)

        self.message = MessageLine(self.ats_box)
        box.addWidget(self.unlinked)
        box.addWidget(self.linked)
        box.addWidget(self.message)
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(0, 12, 0, 12)
        outer.addWidget(self.ats_box)
        self.apply_email = ApplyByEmailGroup(ctx, inner)  # the interviewer's apply address
        outer.addWidget(self.apply_email)
        outer.addStretch(1)
        inner.setMaximumWidth(880)
        self.setWidget(inner)
        self.linked.hide()
        self.unlinked.hide()

        self.link_button.clicked.connect(self.open_link)
        self.change_button.clicked.connect(self.open_link)
        self.unlink_button.clicked.connect(self.unlink)
        self.save_button.clicked.connect(self.save)
        self.editor.changed.connect(self._edited)
        ctx.bridge.atsChanged.connect(lambda _s: self._changed())
        ctx.bridge.syncStatusChanged.connect(lambda _s: self._changed())
        self._stale = False  # changed while hidden: reload when shown again

    # ----- loading ----------------------------------------------------------------------------
    def load(self, interviewer_id: int, name: str = "") -> None:
        self.interviewer_id = interviewer_id
        self.interviewer_name = name
        self.job = self.saved = None
        self._loaded = False
        self.message.clear_message()
        self.refresh(force=True)
        self.apply_email.load(interviewer_id)

    def _changed(self) -> None:
        """The ATS side changed: reload now if shown, else when the tab is shown again (a
        sync round every few seconds must not read the database for a hidden tab)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def set_name(self, name: str) -> None:
        self.interviewer_name = name

    def refresh(self, force: bool = False) -> None:
        """Reload the linked job (kept edits are not overwritten unless ``force``)."""
        iid = self.interviewer_id
        if iid is None:
            return
        if not force and self.save_button.isEnabled():
            return  # unsaved edits: the user's, until they save
        self._generation += 1
        generation = self._generation

        async def work() -> None:
            try:
                job = await self.ats.job_of_interviewer(iid)
                lines = await self.ats.ats_lines([iid])
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                return
            if isValid(self) and generation == self._generation:
                self._show(job, lines.get(iid, ""))

        self.ctx.spawn(work(), "interviewers.integrations.load", owner=self)

    def is_loaded(self) -> bool:
        return self._loaded

    def _show(self, job: AtsJobRow | None, sync_line: str) -> None:
        self.job = job
        self.unlinked.setVisible(job is None)
        self.linked.setVisible(job is not None)
        if job is not None:
            e = html.escape
            where = " · ".join(p for p in (job.service_title, status_text(job.status),
                                           job.location or "") if p)
            self.job_label.setText(f"<b>{e(job.title)}</b><br>{e(where)}")
            self.sync_label.setText(sync_line)
            self.sync_label.setVisible(bool(sync_line))
            self.editor.set_job(job)
        self.saved = self.editor.settings() if job is not None else None
        self.save_button.setEnabled(False)
        self._loaded = True

    def _edited(self) -> None:
        """Save is enabled while the settings differ from the saved ones."""
        self.save_button.setEnabled(self.saved is not None
                                    and self.editor.settings() != self.saved)

    # ----- actions ----------------------------------------------------------------------------
    def open_link(self) -> LinkDialog | None:
        if self.interviewer_id is None:
            return None
        self.dialog = open_link_dialog(self.ctx, self.window(), interviewer_id=self.interviewer_id,
                                       interviewer_name=self.interviewer_name)
        self.dialog.linked.connect(lambda row: self._after(self.tr("Linked to {job}.").format(
            job=row.title)))
        return self.dialog

    def save(self) -> None:
        job = self.job
        if job is None:
            return
        settings = self.editor.settings()
        self.save_button.setEnabled(False)
        self.message.say(self.tr("Saving…"), "muted")

        async def work() -> None:
            try:
                row = await self.ats.save_link(job.id, settings)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                    self.save_button.setEnabled(True)
                return
            if isValid(self):
                self.job = row
                self.editor.set_job(row)
                self.saved = self.editor.settings()
                self.save_button.setEnabled(False)
                self.message.say(self.tr("Saved. Results sent from now on follow these "
                                         "settings."), "success")

        self.ctx.spawn(work(), "interviewers.integrations.save")

    def unlink(self) -> None:
        job = self.job
        if job is None:
            return
        if not self.ask_user(self.tr("Unlink this job?"), self.tr(
                "This interviewer will no longer be linked to {job}. Candidates already "
                "invited stay; new ones are not invited and results can no longer be sent to "
                "{ats}.").format(job=job.title, ats=job.service_title)):
            return

        async def work() -> None:
            try:
                await self.ats.unlink_job(job.id)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                return
            self._after(self.tr("Unlinked {job}.").format(job=job.title))

        self.ctx.spawn(work(), "interviewers.integrations.unlink")

    def _after(self, words: str) -> None:
        if isValid(self):
            self.message.say(words, "success")
            self.refresh(force=True)

    def ask_user(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self, title, question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
