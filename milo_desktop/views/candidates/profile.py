"""The candidate profile window: contact, interviews with scores and answers, notes, history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.candidates import (
    NOTE_MAX_CHARS,
    CandidateNotFound,
    CandidateProfile,
)
from milo_desktop.views.candidates.format import (
    SOURCE_LABELS,
    count_text,
    label,
    local_date,
    local_datetime,
)
from milo_desktop.views.candidates.history_model import MessagesModel
from milo_desktop.views.candidates.interview_card import InterviewCard, muted, wrapped
from milo_desktop.views.context import ViewContext

_open: dict[tuple[int, int], ProfileDialog] = {}  # (workspace, candidate) -> its window
GEOMETRY_KEY = "candidates/profile/geometry"


def open_candidate_profile(
    ctx: ViewContext, candidate_id: int, parent: QWidget | None = None
) -> QDialog:
    """Show the candidate's profile window, or raise the one already open for them."""
    key = (id(ctx.workspace), candidate_id)
    dialog = _open.get(key)
    if dialog is not None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    dialog = ProfileDialog(ctx, candidate_id, parent)
    _open[key] = dialog
    dialog.destroyed.connect(lambda *_: _open.pop(key, None))
    dialog.finished.connect(lambda *_: _open.pop(key, None))
    dialog.show()
    return dialog


class ProfileDialog(QDialog):
    def __init__(self, ctx: ViewContext, candidate_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.candidate_id = candidate_id
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
        self.reload()

    # ----- layout -------------------------------------------------------------------------
    def _build_content(self) -> None:
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(10)
        self.name = wrapped("", self.content)
        font = QFont(self.name.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.name.setFont(font)
        outer.addWidget(self.name)
        contact = QHBoxLayout()
        contact.setSpacing(6)
        self.email, self.copy_email = self._copyable(contact, self.tr("Copy email"))
        contact.addSpacing(14)
        self.phone, self.copy_phone = self._copyable(contact, self.tr("Copy phone"))
        contact.addStretch(1)
        outer.addLayout(contact)
        self.facts = muted(wrapped("", self.content, selectable=False))
        outer.addWidget(self.facts)

        self.tabs = QTabWidget(self.content)
        self.tabs.setDocumentMode(True)
        outer.addWidget(self.tabs, 1)
        self.interviews_box = QWidget()
        self.interviews_layout = QVBoxLayout(self.interviews_box)
        self.interviews_layout.setContentsMargins(2, 10, 10, 10)
        self.interviews_layout.setSpacing(12)
        self.tabs.addTab(self._scrolling(self.interviews_box), "")
        self.tabs.addTab(self._build_notes(), "")
        self.history_model = MessagesModel(self)
        self.history = QTableView(self)
        self.history.setModel(self.history_model)
        self.history.verticalHeader().hide()
        self.history.setShowGrid(False)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(False)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.history.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setStretchLastSection(False)
        for col, width in enumerate((160, 130, 130, 260, 100)):
            self.history.setColumnWidth(col, width)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history_empty = muted(QLabel(self.tr("No messages yet."), self))
        history_page = QWidget()
        hl = QVBoxLayout(history_page)
        hl.setContentsMargins(0, 10, 0, 0)
        hl.addWidget(self.history_empty, 0, Qt.AlignmentFlag.AlignTop)
        hl.addWidget(self.history, 1)
        self.tabs.addTab(history_page, "")

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

    def _build_notes(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        self.note_edit = QPlainTextEdit(page)
        self.note_edit.setPlaceholderText(self.tr("Add a note about this candidate…"))
        self.note_edit.setFixedHeight(86)
        self.note_edit.textChanged.connect(self._note_edited)
        layout.addWidget(self.note_edit)
        row = QHBoxLayout()
        self.note_error = QLabel(page)
        self.note_error.setStyleSheet("color: #b91c1c;")
        self.note_error.setWordWrap(True)
        row.addWidget(self.note_error, 1)
        self.note_counter = muted(QLabel(page))
        row.addWidget(self.note_counter)
        self.save_note = QPushButton(self.tr("Save note"), page)
        self.save_note.setDefault(False)
        self.save_note.setAutoDefault(False)
        self.save_note.clicked.connect(self._save_note)
        row.addWidget(self.save_note)
        layout.addLayout(row)
        self.notes_box = QWidget()
        self.notes_layout = QVBoxLayout(self.notes_box)
        self.notes_layout.setContentsMargins(2, 6, 10, 6)
        self.notes_layout.setSpacing(10)
        layout.addWidget(self._scrolling(self.notes_box), 1)
        self._note_edited()
        return page

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
        self.setWindowTitle(self.tr("{name} — Candidate").format(name=p.full_name))
        self.name.setText(p.full_name)
        self.email.setText(p.email or self.tr("No email"))
        self.copy_email.setVisible(bool(p.email))
        self.phone.setText(p.phone_display or self.tr("No phone"))
        self.copy_phone.setVisible(bool(p.phone_display))
        facts = []
        if p.location:
            facts.append(p.location)
        facts.append(self.tr("Source: {source}").format(source=label(SOURCE_LABELS, p.source)))
        facts.append(self.tr("Joined {date}").format(date=local_date(p.joined)))
        if p.ats_candidate_id:
            facts.append(
                self.tr("{ats} ID {id}").format(
                    ats=(p.ats_provider or "ATS").title(), id=p.ats_candidate_id
                )
            )
        self.facts.setText("  ·  ".join(facts))
        self._fill_interviews(p)
        self._fill_notes(p)
        self.history_model.set_rows(p.messages)
        self.history_empty.setVisible(not p.messages)
        self.history.setVisible(bool(p.messages))
        self.tabs.setTabText(0, self.tr("Interviews ({n})").format(n=count_text(len(p.interviews))))
        self.tabs.setTabText(1, self.tr("Notes ({n})").format(n=count_text(len(p.notes))))
        self.tabs.setTabText(
            2, self.tr("Contact history ({n})").format(n=count_text(len(p.messages)))
        )
        self.stack.setCurrentWidget(self.content)

    def _clear(self, layout: QVBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
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
        for interview in p.interviews:
            card = InterviewCard(interview, self.interviews_box)
            for block in card.stages:
                if (interview.application_id, block.stage.position) in expanded:
                    block.set_expanded(True)
            self.interviews_layout.addWidget(card)
        self.interviews_layout.addStretch(1)

    def interview_cards(self) -> list[InterviewCard]:
        return self.interviews_box.findChildren(
            InterviewCard, options=Qt.FindChildOption.FindDirectChildrenOnly
        )

    def _fill_notes(self, p: CandidateProfile) -> None:
        self._clear(self.notes_layout)
        if not p.notes:
            self.notes_layout.addWidget(muted(QLabel(self.tr("No notes yet."), self.notes_box)))
        for note in p.notes:
            card = QFrame(self.notes_box)
            card.setObjectName("noteCard")
            card.setFrameShape(QFrame.Shape.StyledPanel)
            cl = QVBoxLayout(card)
            cl.setContentsMargins(12, 8, 12, 10)
            cl.setSpacing(4)
            who = note.author or self.tr("Unknown author")
            cl.addWidget(muted(wrapped(f"{who} · {local_datetime(note.created_at)}", card)))
            cl.addWidget(wrapped(note.body, card))
            self.notes_layout.addWidget(card)
        self.notes_layout.addStretch(1)

    # ----- notes --------------------------------------------------------------------------
    def _note_edited(self) -> None:
        n = len(self.note_edit.toPlainText().strip())
        self.note_counter.setText(
            self.tr("{n} / {max}").format(n=count_text(n), max=count_text(NOTE_MAX_CHARS))
        )
        self.save_note.setEnabled(0 < n <= NOTE_MAX_CHARS)
        self.note_error.setText(
            self.tr("Too long by {n} characters.").format(n=count_text(n - NOTE_MAX_CHARS))
            if n > NOTE_MAX_CHARS
            else ""
        )

    def _save_note(self) -> None:
        body = self.note_edit.toPlainText()
        self.save_note.setEnabled(False)
        self.ctx.spawn(self._add_note(body), "ProfileDialog.add_note")

    async def _add_note(self, body: str) -> None:
        generation = self._generation
        try:
            await self.ctx.workspace.candidates.add_note(self.candidate_id, body)
        except EnvironmentProblem as exc:
            if not self._closed:
                self.note_error.setText(exc.message)
                self.save_note.setEnabled(True)
            return
        if self._closed:
            return
        self.note_edit.clear()
        if generation == self._generation:  # CandidatesChanged has not reloaded us already
            self.reload()

    def _candidates_changed(self, ids: tuple[int, ...]) -> None:
        if not ids or self.candidate_id in ids:
            self.reload()

    # ----- lifetime -----------------------------------------------------------------------
    def done(self, result: int) -> None:
        self._closed = True
        self.ctx.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        self._closed = True
        self.ctx.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)
