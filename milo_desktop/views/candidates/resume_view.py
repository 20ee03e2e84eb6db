"""The candidate's parsed résumé, shown as a résumé: a header (name, contact, location) and
sections (Experience with titles, employers and dates; Skills; Education; Certifications;
Languages), with "Open original" one click away. Every field's tooltip says the line of the
file it was read from. The other documents of emailed applications (a cover letter, a
certificate) are listed below it ("Also sent"), each opened with one click.

``ResumeView.load(candidate_id)`` reads the candidate's parsed résumés (newest first) off the
GUI thread; the newest is shown, and a picker appears when there are several.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import phonenumbers
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.email_intake.files import KeptFile, files_of
from milo_desktop.services.resume.parse import Job, Value
from milo_desktop.services.resume.store import (
    StoredResume,
    UnreadableResume,
    parsed_resumes_of,
    unreadable_resumes_of,
)
from milo_desktop.views import theme
from milo_desktop.views.candidates.format import local_date
from milo_desktop.views.candidates.interview_card import muted, wrapped
from milo_desktop.views.context import ViewContext

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_text(point: str) -> str:
    """"2019-03" → "Mar 2019"; "present" → "Present"."""
    if point == "present":
        return "Present"
    try:
        year, month = (int(x) for x in point.split("-"))
        return f"{_MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return point


def duration_text(months: int) -> str:
    years, rest = divmod(max(0, months), 12)
    parts = []
    if years:
        parts.append(f"{years} yr" if years == 1 else f"{years} yrs")
    if rest or not years:
        parts.append(f"{rest} mo" if rest == 1 else f"{rest} mos")
    return " ".join(parts)


def phone_text(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _source_tip(v: Value) -> str:
    line = v.source if len(v.source) <= 120 else v.source[:117] + "…"
    return f"Read from line {v.line} of the file:\n{line}"


class ResumeView(QWidget):
    """The Résumé tab of the candidate profile."""

    loaded = Signal()  # a load finished (shown, empty or failed)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resumes: list[StoredResume] = []
        self.current: StoredResume | None = None
        self.unreadable: UnreadableResume | None = None  # shown when nothing was parsed
        self._generation = 0
        self._closed = False
        self.destroyed.connect(self._mark_closed)
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        # "Also sent": the other documents of emailed applications (cover letter,
        # certificate), one click each, under the résumé or its empty state
        self.kept_files: list[KeptFile] = []
        self.files = QWidget(self)
        self.files_layout = QHBoxLayout(self.files)
        self.files_layout.setContentsMargins(4, 4, 14, 8)
        self.files.hide()
        layout.addWidget(self.files)

        self.state = QWidget(self)  # loading / empty / error
        state = QVBoxLayout(self.state)
        state.addStretch(1)
        self.state_title = QLabel(self.tr("Reading the résumé…"), self.state)
        self.state_title.setObjectName("resumeStateTitle")
        self.state_title.setStyleSheet(
            "QLabel#resumeStateTitle { font-size: 15px; font-weight: 600; }")
        self.state_hint = muted(wrapped("", self.state, selectable=False))
        for w in (self.state_title, self.state_hint):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            state.addWidget(w)
        # an unreadable résumé (scanned, damaged) is still one click away
        self.state_open = QPushButton(self.tr("Open original"), self.state)
        self.state_open.clicked.connect(self.open_original)
        self.state_open.hide()
        state.addSpacing(8)
        state.addWidget(self.state_open, 0, Qt.AlignmentFlag.AlignHCenter)
        state.addStretch(2)
        self.stack.addWidget(self.state)

        self.page = QWidget()
        self.page_layout = QVBoxLayout(self.page)
        self.page_layout.setContentsMargins(4, 12, 14, 12)
        self.page_layout.setSpacing(6)
        top = QHBoxLayout()
        self.picker = QComboBox(self.page)
        self.picker.setToolTip(self.tr("This candidate has sent more than one résumé"))
        self.picker.currentIndexChanged.connect(self._picked)
        self.file_label = muted(wrapped("", self.page, selectable=False))
        self.open_button = QPushButton(self.tr("Open original"), self.page)
        self.open_button.setToolTip(self.tr("Open the file the candidate sent"))
        self.open_button.clicked.connect(self.open_original)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.picker)
        top.addWidget(self.open_button)
        self.page_layout.addLayout(top)
        self.open_error = wrapped("", self.page, selectable=False)
        self.open_error.hide()
        self.page_layout.addWidget(self.open_error)
        self.body = QWidget(self.page)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(6)
        self.page_layout.addWidget(self.body)
        self.page_layout.addStretch(1)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.page)
        self.stack.addWidget(area)
        self.scroll_area = area

    def _mark_closed(self) -> None:
        self._closed = True

    def _current(self, generation: int) -> bool:
        """Still on screen (the profile may have closed while the database answered) and
        this is the newest load."""
        return isValid(self) and not self._closed and generation == self._generation

    # ----- loading ------------------------------------------------------------------------
    def load(self, candidate_id: int) -> Any:
        """Read the candidate's résumés in the background; the task (cancelled if this view
        is destroyed first)."""
        self._generation += 1
        if not self.resumes:
            self._state(self.tr("Reading the résumé…"), "")
        return self.ctx.spawn(self._load(candidate_id, self._generation), "ResumeView.load",
                              owner=self)

    async def _load(self, candidate_id: int, generation: int) -> None:
        try:
            found = await parsed_resumes_of(self.ctx.workspace.db, candidate_id)
            bad = [] if found else await unreadable_resumes_of(self.ctx.workspace.db,
                                                              candidate_id)
            service = self.ctx.workspace.resumes
            kept = await files_of(self.ctx.workspace.db, Path(service.folder),
                                  candidate_id) if service is not None else []
        except EnvironmentProblem as exc:
            if self._current(generation):
                self._state(self.tr("Could not read the résumé."), exc.message)
                self.loaded.emit()
            return
        if not self._current(generation):
            return
        self.unreadable = bad[0] if bad else None
        self.show_resumes(found)
        self.show_files(kept)
        self.loaded.emit()

    def _state(self, title: str, hint: str, *, can_open: bool = False) -> None:
        self.state_title.setText(title)
        self.state_hint.setText(hint)
        self.state_open.setVisible(can_open)
        self.stack.setCurrentWidget(self.state)

    def show_resumes(self, resumes: list[StoredResume]) -> None:
        self.resumes = resumes
        if not resumes and self.unreadable is not None:
            self.current = None
            self._state(self.tr("This résumé could not be read"),
                        self.tr("{reason} The file is kept aside; the Résumé stage was not "
                                "scored.").format(reason=self.unreadable.reason),
                        can_open=self.unreadable.file_path is not None)
            return
        if not resumes:
            self.current = None
            self._state(self.tr("No résumé yet"),
                        self.tr("A résumé attached on an interviewer's Candidates tab, or sent "
                                "with an emailed application, appears here as it was read."))
            return
        self.picker.blockSignals(True)
        self.picker.clear()
        for r in resumes:
            self.picker.addItem(f"{r.file_name} · {local_date(r.added)}")
        self.picker.setCurrentIndex(0)
        self.picker.blockSignals(False)
        self.picker.setVisible(len(resumes) > 1)
        self.show_resume(resumes[0])

    def _picked(self, index: int) -> None:
        if 0 <= index < len(self.resumes):
            self.show_resume(self.resumes[index])

    # ----- the résumé ---------------------------------------------------------------------
    def show_resume(self, stored: StoredResume) -> None:
        self.current = stored
        p = stored.parsed
        self.open_error.hide()
        added = stored.added.astimezone() if stored.added.tzinfo else stored.added
        self.file_label.setText(self.tr("{file} · received {day}").format(
            file=stored.file_name, day=local_date(added)))
        while (item := self.body_layout.takeAt(0)) is not None:
            if (w := item.widget()) is not None:
                w.deleteLater()
        t = theme.current()
        name = wrapped(p.name.value if p.name else self.tr("Name not found in the résumé"),
                       self.body)
        name.setObjectName("resumeName")
        name.setStyleSheet("QLabel#resumeName { font-size: 20px; font-weight: 700; }")
        if p.name:
            name.setToolTip(_source_tip(p.name))
        self.body_layout.addWidget(name)
        contact = QHBoxLayout()
        contact.setSpacing(16)
        for value, shown in ((p.email, p.email.value if p.email else ""),
                             (p.phone, phone_text(p.phone.value) if p.phone else ""),
                             (p.location, p.location.value if p.location else "")):
            if value is None:
                continue
            label = wrapped(shown, self.body)
            label.setToolTip(_source_tip(value))
            contact.addWidget(label)
        contact.addStretch(1)
        row = QWidget(self.body)
        row.setLayout(contact)
        contact.setContentsMargins(0, 0, 0, 0)
        self.body_layout.addWidget(row)
        if not (p.email or p.phone or p.location):
            self.body_layout.addWidget(muted(wrapped(
                self.tr("No contact details found in the résumé."), self.body)))
        rule = QFrame(self.body)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet(f"color: {t.border};")
        self.body_layout.addWidget(rule)

        self._heading(self.tr("Experience"))
        if not p.jobs:
            self.body_layout.addWidget(muted(wrapped(
                self.tr("No dated work history found."), self.body)))
        for job in p.jobs:
            self.body_layout.addWidget(self._job(job))
        lists = ((self.tr("Skills"), p.skills, " · "),
                 (self.tr("Education"), p.education, "\n"),
                 (self.tr("Certifications"), p.certifications, "\n"),
                 (self.tr("Languages"), p.languages, " · "))
        for title, values, joiner in lists:
            if not values:
                continue
            self._heading(title)
            text = wrapped(joiner.join(v.value for v in values), self.body)
            text.setToolTip("\n".join(sorted({f"Line {v.line}: {v.source[:100]}"
                                               for v in values}))[:1500])
            self.body_layout.addWidget(text)
        self.stack.setCurrentIndex(1)

    def _heading(self, text: str) -> None:
        label = QLabel(text.upper(), self.body)
        label.setObjectName("resumeSection")
        label.setStyleSheet(
            f"QLabel#resumeSection {{ color: {theme.current().accent}; font-size: 12px;"
            " font-weight: 700; letter-spacing: 1px; padding-top: 10px; }")
        self.body_layout.addWidget(label)

    def _job(self, job: Job) -> QWidget:
        box = QWidget(self.body)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 2, 0, 6)
        layout.setSpacing(1)
        first = QHBoxLayout()
        title = wrapped(job.title.value if job.title else self.tr("Title not found"), box)
        title.setObjectName("resumeJobTitle")
        title.setStyleSheet("QLabel#resumeJobTitle { font-weight: 600; }")
        if job.title:
            title.setToolTip(_source_tip(job.title))
        dates = muted(QLabel(f"{month_text(job.start)} – {month_text(job.end)}  ·  "
                             f"{duration_text(job.months)}", box))
        dates.setToolTip(_source_tip(job.dates))
        first.addWidget(title, 1)
        first.addWidget(dates)
        layout.addLayout(first)
        where = " · ".join(v.value for v in (job.employer, job.location) if v is not None)
        if where:
            employer = muted(wrapped(where, box))
            if job.employer:
                employer.setToolTip(_source_tip(job.employer))
            layout.addWidget(employer)
        return box

    def show_files(self, kept: list[KeptFile]) -> None:
        self.kept_files = kept
        while (item := self.files_layout.takeAt(0)) is not None:
            if (w := item.widget()) is not None:
                w.deleteLater()
        self.files.setVisible(bool(kept))
        if not kept:
            return
        self.files_layout.addWidget(muted(QLabel(self.tr("Also sent:"), self.files)))
        for f in kept:
            button = QPushButton(f.name, self.files)
            button.setObjectName("keptFile")
            button.setToolTip(self.tr("Open {file}").format(file=f.name))
            button.clicked.connect(lambda _=False, path=f.path: self._open_file(path))
            self.files_layout.addWidget(button)
        self.files_layout.addStretch(1)

    def _open_file(self, path: Path) -> bool:
        return path.is_file() and bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    # ----- open original ------------------------------------------------------------------
    def open_original(self) -> bool:
        """Open the kept file with the system's viewer; says so when it is gone."""
        if self.current is not None:
            path, name = Path(self.current.file_path), self.current.file_name
        elif self.unreadable is not None and self.unreadable.file_path is not None:
            path, name = self.unreadable.file_path, self.unreadable.file_name
        else:
            return False
        if not path.is_file():
            self.open_error.setText(self.tr(
                "The original file is no longer on this computer ({file}).").format(file=name))
            if self.current is None:
                self.state_hint.setText(self.open_error.text())
            self.open_error.setStyleSheet(f"color: {theme.current().danger};")
            self.open_error.show()
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


