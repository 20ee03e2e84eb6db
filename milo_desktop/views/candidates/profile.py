"""The candidate profile window: contact, interviews with scores and answers, notes, history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.candidates import (
    CandidateNotFound,
    CandidateProfile,
    display_name,
)
from milo_desktop.services.privacy import PrivacyService
from milo_desktop.views import theme
from milo_desktop.views.candidates.format import (
    SOURCE_LABELS,
    count_text,
    label,
    local_date,
)
from milo_desktop.views.candidates.history_model import HistoryPage
from milo_desktop.views.candidates.interview_card import InterviewCard, muted, wrapped
from milo_desktop.views.candidates.profile_nav import ProfileNavBar
from milo_desktop.views.candidates.profile_notes import NotesPage
from milo_desktop.views.candidates.resume_dialog import ResumeDialog
from milo_desktop.views.candidates.resume_view import ResumeView
from milo_desktop.views.context import ViewContext
from milo_desktop.views.privacy.erase_dialog import EraseDialog
from milo_desktop.views.windows import Navigator

_open: dict[tuple[int, int], ProfileDialog] = {}  # (workspace, candidate) -> its window
GEOMETRY_KEY = "candidates/profile/geometry"


def open_candidate_profile(
    ctx: ViewContext, candidate_id: int, parent: QWidget | None = None, *,
    navigator: Navigator | None = None, application_id: int | None = None,
) -> QDialog:
    """Show the candidate's profile window, or raise the one already open for them.

    From an interviewer's Candidates tab, ``application_id`` is the row opened (its interview
    is shown first and highlighted, notes attach to it) and ``navigator`` walks the tab's rows."""
    key = (id(ctx.workspace), candidate_id)
    dialog = _open.get(key)
    if dialog is not None:
        if navigator is not None:
            dialog.set_context(navigator, application_id)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    dialog = ProfileDialog(ctx, candidate_id, parent, navigator=navigator,
                           application_id=application_id)
    _register(dialog)
    dialog.destroyed.connect(lambda *_: _forget(dialog))
    dialog.finished.connect(lambda *_: _forget(dialog))
    dialog.show()
    return dialog


def _register(dialog: ProfileDialog) -> None:
    key = (id(dialog.ctx.workspace), dialog.candidate_id)
    other = _open.get(key)
    if other is not None and other is not dialog:
        other.close()  # a window that navigated onto this candidate takes over
    _open[key] = dialog


def _forget(dialog: ProfileDialog) -> None:
    for key, value in list(_open.items()):
        if value is dialog:
            del _open[key]


class ProfileDialog(QDialog):
    def __init__(self, ctx: ViewContext, candidate_id: int, parent: QWidget | None = None, *,
                 navigator: Navigator | None = None,
                 application_id: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.candidate_id = candidate_id
        self.navigator = navigator
        self.application_id = application_id
        self.neighbours: dict[int, Any] = {}  # step (-1, 1) -> the row there, once probed
        self.resume_dialog: QDialog | None = None
        self.erase_dialog: QDialog | None = None
        self.last_export: Path | None = None  # the zip "Export data…" wrote
        self.profile: CandidateProfile | None = None
        self._closed = False
        self._generation = 0
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.setWindowTitle(self.tr("Candidate"))
        self.resize(900, 700)
        geometry = ctx.settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))

        self.stack = QStackedWidget(self)
        self.message = self._build_message()
        self.stack.addWidget(self.message)
        self.content = QWidget(self)
        self.stack.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # A fixed minimum instead of one that follows the content: the window must not
        # jump (or ask the window system for new size hints) each time a profile loads.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(640, 480)
        layout.addWidget(self.stack)
        self._build_content()
        ctx.bridge.candidatesChanged.connect(self._candidates_changed)
        ctx.bridge.applicationsChanged.connect(self._applications_changed)
        self._update_nav()
        self.reload()

    # ----- layout -------------------------------------------------------------------------
    def _build_content(self) -> None:
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        self.nav = ProfileNavBar(self, self.content)
        self.nav.stepRequested.connect(self.go)
        self.nav.attachRequested.connect(self.attach_resume)
        outer.addWidget(self.nav)
        self.name = wrapped("", self.content)
        self.name.setObjectName("profileName")
        # A style sheet, not setFont: the app's sheet sets every widget's font size.
        self.name.setStyleSheet("QLabel#profileName { font-size: 21px; font-weight: 700; }")
        outer.addWidget(self.name)
        contact = QHBoxLayout()
        contact.setSpacing(6)
        self.email, self.copy_email = self._copyable(contact, self.tr("Copy email"))
        contact.addSpacing(14)
        self.phone, self.copy_phone = self._copyable(contact, self.tr("Copy phone"))
        contact.addStretch(1)
        # Privacy: the person's data as a zip, and erasure (after the grace period).
        self.export_data = QPushButton(self.tr("Export data…"), self.content)
        self.export_data.setToolTip(self.tr("Everything held about them, with their files, "
                                            "zipped into the exports folder"))
        self.export_data.clicked.connect(self._export_data)
        self.erase_data = QPushButton(self.tr("Erase personal data…"), self.content)
        self.erase_data.clicked.connect(self._erase_data)
        contact.addWidget(self.export_data)
        contact.addWidget(self.erase_data)
        outer.addLayout(contact)
        self.facts = muted(wrapped("", self.content, selectable=False))
        outer.addWidget(self.facts)
        # Another directory person with this number: said, never merged or linked silently.
        self.shared_phone = wrapped("", self.content, selectable=False)
        self.shared_phone.setObjectName("sharedPhone")
        self.shared_phone.hide()
        outer.addWidget(self.shared_phone)

        self.tabs = QTabWidget(self.content)
        self.tabs.setDocumentMode(True)
        outer.addWidget(self.tabs, 1)
        self.interviews_box = QWidget()
        self.interviews_layout = QVBoxLayout(self.interviews_box)
        self.interviews_layout.setContentsMargins(2, 10, 10, 10)
        self.interviews_layout.setSpacing(12)
        self.tabs.addTab(self._scrolling(self.interviews_box), "")
        self.notes_page = NotesPage()
        self.notes_page.saveRequested.connect(self._save_note)
        # the page's widgets, by the names the rest of the app and its tests know
        self.note_edit, self.save_note = self.notes_page.note_edit, self.notes_page.save_note
        self.note_error, self.notes_box = self.notes_page.note_error, self.notes_page.notes_box
        self.tabs.addTab(self.notes_page, "")
        self.history_page = HistoryPage()
        self.history_model, self.history = self.history_page.model, self.history_page.table
        self.tabs.addTab(self.history_page, "")
        self.resume_page = ResumeView(self.ctx)  # the parsed résumé, "Open original"
        self.tabs.addTab(self.resume_page, self.tr("Résumé"))

    def _build_message(self) -> QWidget:
        """The loading / not-found / error page."""
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.message_title = QLabel(self.tr("Loading…"), page)
        font = QFont(self.message_title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.message_title.setFont(font)
        self.message_hint = muted(QLabel(page))
        self.message_hint.setWordWrap(True)
        self.message_close = QPushButton(self.tr("Close"), page)
        self.message_close.clicked.connect(self.close)
        self.message_close.hide()
        for widget in (self.message_title, self.message_hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.message_close, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _copyable(self, row: QHBoxLayout, tip: str) -> tuple[QLabel, QToolButton]:
        value = QLabel(self.content)
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        button = QToolButton(self.content)
        button.setText(self.tr("Copy"))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: QGuiApplication.clipboard().setText(value.text()))
        row.addWidget(value)
        row.addWidget(button)
        return value, button

    def _scrolling(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(inner)
        return area

    # ----- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        self._generation += 1
        if self.profile is None:
            self.stack.setCurrentWidget(self.message)
        self.ctx.spawn(self._load(self._generation), "ProfileDialog.load")

    async def _load(self, generation: int) -> None:
        try:
            profile = await self.ctx.workspace.candidates.profile(self.candidate_id)
        except CandidateNotFound:
            if not self._closed and generation == self._generation:
                self.profile = None
                self._show_message(
                    self.tr("This candidate no longer exists."),
                    self.tr("They may have been erased or merged with another record."),
                )
            return
        except EnvironmentProblem as exc:
            if not self._closed and generation == self._generation:
                self._show_message(self.tr("Could not load this candidate."), exc.message)
            return
        if self._closed or generation != self._generation:
            return  # closed, or a newer load is on its way
        self.show_profile(profile)
        await self._probe(generation)

    async def _probe(self, generation: int) -> None:
        """Ask for both neighbours, so the buttons say whether there is one."""
        if self.navigator is None or self.application_id is None:
            return
        found = {step: await self.navigator.step(self.application_id, step) for step in (-1, 1)}
        if not self._closed and generation == self._generation:
            self.neighbours = found
            self._update_nav()

    # ----- previous / next, context -------------------------------------------------------
    def set_context(self, navigator: Navigator | None, application_id: int | None) -> None:
        self.navigator = navigator
        self.application_id = application_id
        self.neighbours = {}
        self._update_nav()
        self.reload()

    def go(self, step: int) -> None:
        """Show the previous (-1) or next (1) candidate of the list."""
        row = self.neighbours.get(step)
        if row is None or self._closed:
            return
        self.candidate_id, self.application_id = row.candidate_id, row.id
        if self.navigator is not None:
            self.navigator.followed(row.id)
        self.neighbours = {}
        _forget(self)
        _register(self)
        self._update_nav()
        self.reload()

    def _update_nav(self) -> None:
        self.nav.show_state(
            label=self.navigator.label if self.navigator is not None else None,
            previous=self.neighbours.get(-1) is not None,
            following=self.neighbours.get(1) is not None,
            attach=self.application_id is not None)

    def attach_resume(self) -> None:
        if self.application_id is None:
            return
        self.resume_dialog = ResumeDialog(self.ctx, self.application_id, self)
        self.resume_dialog.open()

    def _show_message(self, title: str, hint: str) -> None:
        self.message_title.setText(title)
        self.message_hint.setText(hint)
        self.message_close.show()
        self.stack.setCurrentWidget(self.message)

    def message_text(self) -> str:
        return f"{self.message_title.text()} {self.message_hint.text()}".strip()

    def is_loaded(self) -> bool:
        return self.profile is not None and self.stack.currentWidget() is self.content

    def show_profile(self, p: CandidateProfile) -> None:
        self.profile = p
        name = display_name(p.full_name, p.phone_e164, p.email)
        self.setWindowTitle(self.tr("{name} — Candidate").format(name=name))
        self.name.setText(name)
        self.email.setText(p.email or self.tr("No email"))
        self.copy_email.setVisible(bool(p.email))
        self.phone.setText(p.phone_display or self.tr("No phone"))
        self.copy_phone.setVisible(bool(p.phone_display))
        facts = []
        if p.location:
            facts.append(" ".join(p.location.split()))  # one line, even if typed on two
        facts.append(self.tr("Source: {source}").format(source=label(SOURCE_LABELS, p.source)))
        facts.append(self.tr("Joined {date}").format(date=local_date(p.joined)))
        if p.ats_candidate_id:
            facts.append(
                self.tr("{ats} ID {id}").format(
                    ats=(p.ats_provider or "ATS").title(), id=p.ats_candidate_id
                )
            )
        states = {"rejected": self.tr(" — rejected"), "hired": self.tr(" — hired"),
                  "removed": self.tr(" — removed at the ATS")}
        for provider, job, stage, status in p.at_ats[:3]:
            where = job + (f" ({stage})" if stage else "")
            facts.append(self.tr("At {ats}: {job}{status}").format(
                ats=provider.title(), job=where, status=states.get(status, "")))
        if p.sms_opted_out_at is not None:
            facts.append(self.tr("No texts: replied STOP on {date}").format(
                date=local_date(p.sms_opted_out_at)))
        self.facts.setText("  ·  ".join(facts))
        self.shared_phone.setText(self.tr("⚠ Shares a phone number with {names}.").format(
            names=", ".join(p.shares_phone_with)) if p.shares_phone_with else "")
        self.shared_phone.setStyleSheet(f"color: {theme.current().warning};")
        self.shared_phone.setVisible(bool(p.shares_phone_with))
        self._fill_interviews(p)
        self.notes_page.fill(p.notes)
        self.history_page.set_rows(p.messages)
        self.resume_page.load(self.candidate_id)
        self.tabs.setTabText(0, self.tr("Interviews ({n})").format(n=count_text(len(p.interviews))))
        self.tabs.setTabText(1, self.tr("Notes ({n})").format(n=count_text(len(p.notes))))
        self.tabs.setTabText(
            2, self.tr("Contact history ({n})").format(n=count_text(len(p.messages)))
        )
        self.stack.setCurrentWidget(self.content)

    def _clear(self, layout: QVBoxLayout) -> None:
        while (item := layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()

    def _fill_interviews(self, p: CandidateProfile) -> None:
        expanded = {
            (card.interview.application_id, block.stage.position)
            for card in self.interview_cards()
            for block in card.stages
            if block.answers.isVisible() or block.toggle.isChecked()
        }
        self._clear(self.interviews_layout)
        if not p.interviews:
            self.interviews_layout.addWidget(
                muted(wrapped(self.tr("Not invited to any interviewer yet."), self.interviews_box))
            )
        current = self.application_id
        ordered = sorted(p.interviews, key=lambda i: i.application_id != current)
        for interview in ordered:
            here = interview.application_id == current
            card = InterviewCard(interview, self.interviews_box, current=here)
            for block in card.stages:
                seen = (interview.application_id, block.stage.position) in expanded
                if (here or seen) and not block.toggle.isHidden():
                    block.set_expanded(True)
            self.interviews_layout.addWidget(card)
        self.interviews_layout.addStretch(1)

    def interview_cards(self) -> list[InterviewCard]:
        return self.interviews_box.findChildren(
            InterviewCard, options=Qt.FindChildOption.FindDirectChildrenOnly
        )

    # ----- notes --------------------------------------------------------------------------
    def _save_note(self, body: str) -> None:
        self.ctx.spawn(self._add_note(body), "ProfileDialog.add_note")

    async def _add_note(self, body: str) -> None:
        generation = self._generation
        try:
            await self.ctx.workspace.candidates.add_note(
                self.candidate_id, body, application_id=self._note_application())
        except EnvironmentProblem as exc:
            if not self._closed:
                self.notes_page.failed(exc.message)
            return
        if self._closed:
            return
        self.notes_page.saved()
        if generation == self._generation:  # CandidatesChanged has not reloaded us already
            self.reload()

    def _note_application(self) -> int | None:
        """Notes written from an interviewer's tab belong to that interview ("has notes")."""
        mine = {i.application_id for i in self.profile.interviews} if self.profile else set()
        return self.application_id if self.application_id in mine else None

    def _candidates_changed(self, ids: tuple[int, ...]) -> None:
        if not ids or self.candidate_id in ids:
            self.reload()

    def _applications_changed(self, ids: tuple[int, ...]) -> None:
        mine = {i.application_id for i in self.profile.interviews} if self.profile else set()
        if not ids or mine & set(ids):
            self.reload()

    # ----- privacy ------------------------------------------------------------------------
    def _export_data(self) -> None:
        self.export_data.setEnabled(False)
        self.ctx.spawn(self._export(), "ProfileDialog.export_data")

    async def _export(self) -> None:
        try:
            path = await PrivacyService.for_workspace(self.ctx.workspace).export(
                self.candidate_id)
        except EnvironmentProblem as exc:
            if not self._closed:
                self.export_data.setEnabled(True)
                QMessageBox.warning(self, self.tr("Export data"), exc.message)
            return
        if self._closed:
            return
        self.export_data.setEnabled(True)
        self.last_export = path
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Export data"),
                          self.tr("Everything held about them was written to {path} "
                                  "(readable only by you).").format(path=path),
                          QMessageBox.StandardButton.Close, self)
        show = box.addButton(self.tr("Show in folder"), QMessageBox.ButtonRole.ActionRole)
        show.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _erase_data(self) -> None:
        name = self.name.text() or self.tr("this candidate")
        self.erase_dialog = EraseDialog(self.ctx, self.candidate_id, name, self)
        self.erase_dialog.open()

    # ----- lifetime -----------------------------------------------------------------------
    def done(self, result: int) -> None:
        self._closed = True
        self.ctx.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        self._closed = True
        self.ctx.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)
