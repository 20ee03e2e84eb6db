"""The profile's Notes tab: write a note (counted against the limit), and the notes so far."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.candidates import NOTE_MAX_CHARS, NoteView
from milo_desktop.views.candidates.format import count_text, local_datetime
from milo_desktop.views.candidates.interview_card import muted, wrapped


class NotesPage(QWidget):
    """``saveRequested(body)`` when Save note is clicked; the dialog writes it and calls
    ``saved()`` or ``failed(message)``."""

    saveRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText(self.tr("Add a note about this candidate…"))
        self.note_edit.setFixedHeight(86)
        self.note_edit.textChanged.connect(self._edited)
        layout.addWidget(self.note_edit)
        row = QHBoxLayout()
        self.note_error = QLabel(self)
        self.note_error.setStyleSheet("color: #b91c1c;")
        self.note_error.setWordWrap(True)
        row.addWidget(self.note_error, 1)
        self.note_counter = muted(QLabel(self))
        row.addWidget(self.note_counter)
        self.save_note = QPushButton(self.tr("Save note"), self)
        self.save_note.setDefault(False)
        self.save_note.setAutoDefault(False)
        self.save_note.clicked.connect(self._save)
        row.addWidget(self.save_note)
        layout.addLayout(row)
        self.notes_box = QWidget()
        self.notes_layout = QVBoxLayout(self.notes_box)
        self.notes_layout.setContentsMargins(2, 6, 10, 6)
        self.notes_layout.setSpacing(10)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(self.notes_box)
        layout.addWidget(area, 1)
        self._edited()

    def fill(self, notes: tuple[NoteView, ...]) -> None:
        while (item := self.notes_layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        if not notes:
            self.notes_layout.addWidget(muted(QLabel(self.tr("No notes yet."), self.notes_box)))
        for note in notes:
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

    def saved(self) -> None:
        self.note_edit.clear()

    def failed(self, message: str) -> None:
        self.note_error.setText(message)
        self.save_note.setEnabled(True)

    def _edited(self) -> None:
        n = len(self.note_edit.toPlainText().strip())
        self.note_counter.setText(
            self.tr("{n} / {max}").format(n=count_text(n), max=count_text(NOTE_MAX_CHARS)))
        self.save_note.setEnabled(0 < n <= NOTE_MAX_CHARS)
        self.note_error.setText(
            self.tr("Too long by {n} characters.").format(n=count_text(n - NOTE_MAX_CHARS))
            if n > NOTE_MAX_CHARS else "")

    def _save(self) -> None:
        self.save_note.setEnabled(False)
        self.saveRequested.emit(self.note_edit.toPlainText())
