"""The row above a profile's name: previous / next through the list it was opened from
(an interviewer's Candidates tab, in its filtered order) and "Attach résumé…"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from milo_desktop.views.candidates.interview_card import muted

PREVIOUS_KEYS = ("Alt+Up", "Ctrl+[")
NEXT_KEYS = ("Alt+Down", "Ctrl+]")
LABEL_WIDTH = 360


class ProfileNavBar(QWidget):
    """``stepRequested(step)`` from the buttons or their shortcuts (window-wide: the keys work
    wherever the focus is in the profile); ``attachRequested()`` from Attach résumé…."""

    stepRequested = Signal(int)
    attachRequested = Signal()

    def __init__(self, shortcut_owner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = QPushButton(self.tr("‹ Previous"), self)
        self.next_button = QPushButton(self.tr("Next ›"), self)
        self.label = muted(QLabel(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for button, step, keys in ((self.prev_button, -1, PREVIOUS_KEYS),
                                   (self.next_button, 1, NEXT_KEYS)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, step=step: self.stepRequested.emit(step))
            for key in keys:
                QShortcut(QKeySequence(key), shortcut_owner,
                          lambda step=step: self.stepRequested.emit(step))
            native = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
            what = self.tr("Previous candidate") if step < 0 else self.tr("Next candidate")
            button.setToolTip(self.tr("{what} in the list ({keys})").format(what=what,
                                                                           keys=native))
            layout.addWidget(button)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.attach_button = QPushButton(self.tr("Attach résumé…"), self)
        self.attach_button.setAutoDefault(False)
        self.attach_button.setToolTip(
            self.tr("Read a PDF, DOCX or TXT résumé into this interview's Résumé stage"))
        self.attach_button.clicked.connect(self.attachRequested)
        layout.addWidget(self.attach_button)

    def show_state(self, *, label: str | None, previous: bool, following: bool,
                   attach: bool) -> None:
        """``label`` None: not opened from a list (no buttons)."""
        listed = label is not None
        for button, enabled in ((self.prev_button, previous), (self.next_button, following)):
            button.setVisible(listed)
            button.setEnabled(enabled)
        self.label.setVisible(listed)
        full = label or ""
        self.label.setToolTip(full)
        # Role names can be long: elided, so the row never pushes Attach résumé… away.
        self.label.setText(self.label.fontMetrics().elidedText(
            full, Qt.TextElideMode.ElideRight, LABEL_WIDTH))
        self.attach_button.setVisible(attach)
        self.setVisible(listed or attach)
