"""Linking an ATS job to an interviewer: the settings of a link (which ATS stage each of our
outcomes moves the application to, what is written back, auto-invite) and the Link dialog.

Both the From ATS screen (pick the interviewer for a job) and the interviewer's Integrations
tab (pick the job for an interviewer) use them; screens may not import each other, so they
live here. Everything the dialog asks the database runs in the background (``ctx.spawn``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.ats.views import (
    DEFAULT_WRITE_BACK,
    OUTCOME_WORDS,
    OUTCOMES,
    REJECT,
    AtsJobRow,
    LinkSettings,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP
from milo_desktop.views.widgets.search_picker import SearchPicker

NOTHING = ""  # the mapping value "Do nothing" (an outcome left out of the mapping)


J = "AtsJobs"  # translation context of a job's status words
STATUS_WORDS = {"open": QT_TRANSLATE_NOOP(J, "Open"), "closed": QT_TRANSLATE_NOOP(J, "Closed"),
                "draft": QT_TRANSLATE_NOOP(J, "Draft"), "archived": QT_TRANSLATE_NOOP(J, "Archived")}


def status_text(status: str) -> str:
    """A job's status at the ATS in words ("Open"); a vendor's own word as it came."""
    if status in STATUS_WORDS:
        return QCoreApplication.translate(J, STATUS_WORDS[status])
    return status.replace("_", " ").capitalize()


def job_choice_text(job: AtsJobRow) -> str:
    """"Senior Nurse · Greenhouse · open" (and whom it is linked to), for pickers."""
    text = f"{job.title} · {job.service_title} · {status_text(job.status)}"
    if job.interviewer_name:
        text += f" · → {job.interviewer_name}"
    return text


class LinkEditor(QWidget):
    """The stage mapping, write-back options and auto-invite of one job's link."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: AtsJobRow | None = None
        mapping_box = QGroupBox(self.tr("When a candidate…"), self)
        mapping = QFormLayout(mapping_box)
        mapping.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.stage_combos: dict[str, QComboBox] = {}
        for outcome in OUTCOMES:
            combo = QComboBox(mapping_box)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.stage_combos[outcome] = combo
            mapping.addRow(self.tr(OUTCOME_WORDS[outcome]), combo)

        back_box = QGroupBox(self.tr("Send results to the ATS"), self)
        back = QVBoxLayout(back_box)
        self.note_check = QCheckBox(
            self.tr("Add a note with the scores and the interview link"), back_box)
        self.move_check = QCheckBox(
            self.tr("Move the application to the stage chosen above"), back_box)
        self.reject_check = QCheckBox(
            self.tr("Reject the application where “Reject at the ATS” is chosen"), back_box)
        self.reason_edit = QLineEdit(back_box)
        self.reason_edit.setPlaceholderText(self.tr("Rejection reason the ATS records"))
        reason_row = QFormLayout()
        reason_row.setContentsMargins(24, 0, 0, 0)
        reason_row.addRow(self.tr("Reason"), self.reason_edit)
        for check in (self.note_check, self.move_check, self.reject_check):
            back.addWidget(check)
            check.toggled.connect(lambda _on: self._sync())
        back.addLayout(reason_row)
        self.reason_edit.textEdited.connect(lambda _t: self.changed.emit())

        self.auto_invite_check = QCheckBox(
            self.tr("Invite new candidates of this job automatically"), self)
        self.auto_invite_check.setToolTip(self.tr(
            "Candidates who apply to this job at the ATS are invited to the interviewer as "
            "they arrive (its budget is checked at each invitation)."))
        self.auto_invite_check.toggled.connect(lambda _on: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(mapping_box)
        layout.addWidget(back_box)
        layout.addWidget(self.auto_invite_check)
        self.set_job(None)

    def set_job(self, job: AtsJobRow | None) -> None:
        """Show ``job``'s link settings (its stages in the combos); None: nothing to edit."""
        self.job = job
        stages = job.stages if job is not None else ()
        mapping = job.stage_mapping if job is not None else {}
        write_back = {**DEFAULT_WRITE_BACK, **(job.write_back if job is not None else {})}
        for outcome, combo in self.stage_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("Do nothing"), NOTHING)
            for stage_id, name in stages:
                combo.addItem(name or stage_id, stage_id)
            combo.addItem(self.tr("Reject at the ATS"), REJECT)
            index = combo.findData(mapping.get(outcome, NOTHING))
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        for check, key in ((self.note_check, "note"), (self.move_check, "move"),
                           (self.reject_check, "reject")):
            check.blockSignals(True)
            check.setChecked(bool(write_back.get(key)))
            check.blockSignals(False)
        self.reason_edit.setText(str(write_back.get("reject_reason") or ""))
        self.auto_invite_check.blockSignals(True)
        self.auto_invite_check.setChecked(bool(job.auto_invite) if job is not None else False)
        self.auto_invite_check.blockSignals(False)
        self.setEnabled(job is not None)
        self._sync()

    def _sync(self) -> None:
        self.reason_edit.setEnabled(self.reject_check.isChecked())
        self.changed.emit()

    def settings(self) -> LinkSettings:
        mapping = {outcome: str(combo.currentData()) for outcome, combo in
                   self.stage_combos.items() if combo.currentData()}
        reason = self.reason_edit.text().strip() or str(DEFAULT_WRITE_BACK["reject_reason"])
        return LinkSettings(
            stage_mapping=mapping,
            write_back={"note": self.note_check.isChecked(), "move": self.move_check.isChecked(),
                        "reject": self.reject_check.isChecked(), "reject_reason": reason},
            auto_invite=self.auto_invite_check.isChecked())


class LinkDialog(QDialog):
    """Link a job to an interviewer. Given ``job``, the user picks the interviewer; given
    ``interviewer_id``, the job. Emits ``linked(AtsJobRow)`` once the link is saved."""

    linked = Signal(object)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None, *,
                 job: AtsJobRow | None = None, interviewer_id: int | None = None,
                 interviewer_name: str = "") -> None:
        super().__init__(parent)
        assert (job is None) != (interviewer_id is None), "a job or an interviewer"
        self.ctx = ctx
        self.job = job
        self.interviewer_id = interviewer_id
        self.jobs: dict[int, AtsJobRow] = {}
        self.busy = False
        self.setWindowTitle(self.tr("Link to an interviewer") if job is not None
                            else self.tr("Link to an ATS job"))
        self.setMinimumWidth(560)
        if job is not None:
            heading = self.tr("{title} at {ats}").format(title=job.title, ats=job.service_title)
            ask = self.tr("Interviewer")
            placeholder = self.tr("Search interviewers")
        else:
            heading = self.tr("Which ATS job does {name} screen for?").format(
                name=interviewer_name or self.tr("this interviewer"))
            ask = self.tr("ATS job")
            placeholder = self.tr("Search jobs")
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.picker = SearchPicker(self, placeholder)
        self.picker.currentIndexChanged.connect(lambda _i: self._picked())
        pick = QFormLayout()
        pick.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        pick.addRow(ask, self.picker)
        self.editor = LinkEditor(self)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.link_button = QPushButton(self.tr("Link"), self)
        self.link_button.setProperty("primary", True)
        self.link_button.setDefault(True)
        self.buttons.addButton(self.link_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.link_button.clicked.connect(self.link)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(pick)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if job is not None:
            self.editor.set_job(job)
        self.link_button.setEnabled(False)
        self.message.say(self.tr("Loading…"), "muted")
        ctx.spawn(self._load(), "ats.link.load", owner=self)

    async def _load(self) -> None:
        try:
            if self.job is not None:
                people = await self.ctx.workspace.outreach.invitable_interviewers()
                choices: list[tuple[str, object]] = [(c.name, c.id) for c in people]
            else:
                rows = await self.ctx.workspace.ats.jobs()
                self.jobs = {r.id: r for r in rows}
                choices = [(job_choice_text(r), r.id) for r in rows]
        except EnvironmentProblem as exc:
            if isValid(self):
                self.message.say(exc.message, "danger")
            return
        if not isValid(self):
            return
        self.picker.blockSignals(True)
        self.picker.set_choices(choices)
        self.picker.setCurrentIndex(-1)
        self.picker.blockSignals(False)
        preselect = self.job.interviewer_id if self.job is not None else next(
            (r.id for r in self.jobs.values() if r.interviewer_id == self.interviewer_id), None)
        if preselect is not None:
            self.picker.select_value(preselect)
        elif choices:
            self.picker.setCurrentIndex(0)
        if not choices:
            self.message.say(self.tr("No interviewer takes candidates now: activate one first.")
                             if self.job is not None else
                             self.tr("No ATS jobs yet: connect your ATS under Source "
                                     "Candidates → From ATS and let it sync."), "warning")
        else:
            self.message.clear_message()
        self._picked()

    def _picked(self) -> None:
        value = self.picker.value()
        if self.job is None:
            self.editor.set_job(self.jobs.get(value) if isinstance(value, int) else None)
            job = self.editor.job
            if job is not None and job.interviewer_id not in (None, self.interviewer_id):
                self.message.say(self.tr("This job is linked to {name} now; linking it here "
                                         "unlinks it there.").format(
                                             name=job.interviewer_name or "—"), "warning")
            elif self.message.tone == "warning" and self.jobs:
                self.message.clear_message()
        self._sync_button()

    def _sync_button(self) -> None:
        self.link_button.setEnabled(not self.busy and isinstance(self.picker.value(), int))

    def chosen(self) -> tuple[int, int] | None:
        """(job id, interviewer id) as picked, or None."""
        value = self.picker.value()
        if not isinstance(value, int):
            return None
        if self.job is not None:
            return self.job.id, value
        assert self.interviewer_id is not None
        return value, self.interviewer_id

    def link(self) -> None:
        chosen = self.chosen()
        if chosen is None or self.busy:
            return
        job_id, interviewer_id = chosen
        settings = self.editor.settings()
        self._set_busy(True)
        self.message.say(self.tr("Linking…"), "muted")

        async def work() -> None:
            try:
                row = await self.ctx.workspace.ats.link_job(job_id, interviewer_id, settings)
            except EnvironmentProblem as exc:
                if isValid(self):
                    self.message.say(exc.message, "danger")
                    self._set_busy(False)
                return
            if isValid(self):
                self._set_busy(False)
                self.linked.emit(row)
                self.accept()

        self.ctx.spawn(work(), "ats.link")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.picker.setEnabled(not busy)
        self.editor.setEnabled(not busy and self.editor.job is not None)
        self._sync_button()


def open_link_dialog(ctx: ViewContext, parent: QWidget | None, **kwargs: Any) -> LinkDialog:
    """Show a LinkDialog (window-modal, deleted on close) and return it."""
    dialog = LinkDialog(ctx, parent, **kwargs)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
