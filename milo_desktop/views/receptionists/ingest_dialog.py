"""Ingest: choose one of the receptionist's interviewers to approve and invite the caller to."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.pipeline import InterviewerChoice
from milo_desktop.views import theme
from milo_desktop.views.receptionists import pipeline_format as fmt


class IngestDialog(QDialog):
    """Only the receptionist's interviewers are offered; archived or expired ones are shown
    but can't be chosen, and ones the caller is already in say so.

    ``unverified``: the caller's number did not normalise; the dialog says what inviting
    would do (``CallDetail.number_warning``) and Ingest waits for the user to tick "Invite
    anyway" (``confirmed``).

    ``possible``: someone in the directory has the caller's phone under another name
    (``CallDetail.possible_match``); the dialog asks whether the caller is that person or a
    new one — new by default (``use_possible_match``)."""

    chosen = Signal(int)  # interviewer id

    def __init__(self, caller: str, choices: tuple[InterviewerChoice, ...],
                 parent: QWidget | None = None, *, unverified: str | None = None,
                 possible: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ingest caller"))
        self.setMinimumWidth(420)
        intro = QLabel(self.tr("Approve <b>{caller}</b> and invite them to a screening "
                               "interview with:").format(caller=_escape(caller)), self)
        intro.setWordWrap(True)
        self.combo = QComboBox(self)
        model = self.combo.model()
        first_usable = -1
        for choice in choices:
            self.combo.addItem(fmt.interviewer_choice_text(
                choice.name, choice.status, choice.usable, choice.already_invited,
                choice.is_default), choice.id)
            i = self.combo.count() - 1
            if not choice.usable and isinstance(model, QStandardItemModel):
                item = model.item(i)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            elif first_usable < 0 or (choice.is_default and not choice.already_invited):
                first_usable = i
        if first_usable >= 0:
            self.combo.setCurrentIndex(first_usable)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("dialogHint")
        self.buttons = QDialogButtonBox(self)
        self.ingest_button = self.buttons.addButton(self.tr("Ingest"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        if not choices:
            self.note.setText(self.tr("This receptionist routes to no interviewers yet. Add "
                                      "some in the receptionist's settings."))
        elif first_usable < 0:
            self.note.setText(self.tr("None of this receptionist's interviewers takes new "
                                      "candidates (archived, expired or draft)."))
        else:
            self.note.setText(self.tr("The invitation is sent by email and SMS from the "
                                      "outbox; a caller already in that interviewer is not "
                                      "invited twice."))
        self._usable = first_usable >= 0
        self.warning = QLabel(unverified or "", self)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("unverifiedWarning")
        self.warning.setStyleSheet(f"color: {theme.current().warning};")
        self.warning.setVisible(bool(unverified))
        self.confirm_box = QCheckBox(self.tr("Invite anyway: I checked the caller's number"),
                                     self)
        self.confirm_box.setVisible(bool(unverified))
        self.confirm_box.toggled.connect(self._update_button)
        self._unverified = bool(unverified)
        self.person_box = QGroupBox(self.tr("Who is this caller?"), self)
        self.as_new = QRadioButton(self.tr("{caller}, a new person in your directory").format(
            caller=caller), self.person_box)
        self.as_match = QRadioButton(self.tr("{name}, already in your directory (same phone "
                                             "number or email, another name)").format(name=possible or ""),
                                     self.person_box)
        self.as_new.setChecked(True)  # a phone number alone never makes two people one
        person = QVBoxLayout(self.person_box)
        person.addWidget(self.as_new)
        person.addWidget(self.as_match)
        self.person_box.setVisible(bool(possible))
        self._update_button()
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(self.person_box)
        layout.addWidget(self.note)
        layout.addWidget(self.warning)
        layout.addWidget(self.confirm_box)
        layout.addWidget(self.buttons)

    @property
    def use_possible_match(self) -> bool:
        """The user said the caller is the directory person with the same phone."""
        return self.person_box.isVisibleTo(self) and self.as_match.isChecked()

    @property
    def confirmed(self) -> bool:
        """The user confirmed inviting a caller whose number is unverified."""
        return self._unverified and self.confirm_box.isChecked()

    def _update_button(self) -> None:
        self.ingest_button.setEnabled(self._usable and (not self._unverified
                                                        or self.confirm_box.isChecked()))

    def choose(self, interviewer_id: int) -> None:
        """Select an interviewer by id (tests and keyboard users alike)."""
        i = self.combo.findData(interviewer_id)
        if i >= 0:
            self.combo.setCurrentIndex(i)

    def _accept(self) -> None:
        data = self.combo.currentData()
        if data is None or not self.ingest_button.isEnabled():
            return
        self.chosen.emit(int(data))
        self.accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
