"""The kiosk's screens: the walk-in's details, one page per kind of question, the thank-you.

Every question page offers ``answer()`` (the text the scorer reads: "yes", a choice exactly
as written, "3 years", free text; None while unanswered), ``clear()`` and two signals:
``changed`` (the Next button follows it) and ``advance`` (Enter / a keyboard pick wants Next).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import QuestionKind
from milo_desktop.services.kiosk import ANSWER_MAX, KioskPerson
from milo_desktop.services.scoring.spec import QuestionSpec
from milo_desktop.services.scoring.text import format_number
from milo_desktop.services.scoring.units import question_unit
from milo_desktop.views.widgets.field_errors import keep_error_room, reserve_error_line


def label(text: str, name: str, parent: QWidget) -> QLabel:
    out = QLabel(text, parent)
    out.setObjectName(name)
    out.setWordWrap(True)
    return out


class ClickLabel(QLabel):
    """A wrapping label that acts like its neighbour's text (a tap ticks the check box)."""

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("consentText")
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


class QuestionPage(QWidget):
    changed = Signal()
    advance = Signal()

    def __init__(self, question: QuestionSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(18)
        self.prompt = label(question.prompt, "kioskTitle", self)
        self.layout_.addWidget(self.prompt)

    def answer(self) -> str | None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def focus_first(self) -> None:
        self.setFocus()


class OptionsPage(QuestionPage):
    """Big exclusive buttons: Yes / No, or the choices of a multiple-choice question. Keys:
    Y / N for yes/no, 1–9 for the n-th choice."""

    def __init__(self, question: QuestionSpec, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        yes_no = question.kind == QuestionKind.YES_NO
        self.values = ["yes", "no"] if yes_no else list(question.choices)
        shown = [self.tr("Yes"), self.tr("No")] if yes_no else self.values
        self.layout_.addWidget(label(
            self.tr("Tap your answer.") if yes_no else self.tr("Tap one answer."),
            "kioskHint", self))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout() if yes_no else QVBoxLayout()
        row.setSpacing(14)
        for i, text in enumerate(shown):
            prefix = "" if yes_no else f"{i + 1}.  "
            button = QPushButton(prefix + text, self)
            button.setCheckable(True)
            button.setProperty("option", True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setProperty("yesno", yes_no)
            self.group.addButton(button, i)
            self.buttons.append(button)
            row.addWidget(button)
        if yes_no:
            row.addStretch(1)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.group.idClicked.connect(lambda _i: self.changed.emit())

    def answer(self) -> str | None:
        picked = self.group.checkedId()
        return None if picked < 0 else self.values[picked]

    def pick(self, index: int) -> None:
        self.buttons[index].setChecked(True)
        self.changed.emit()

    def clear(self) -> None:
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)

    def focus_first(self) -> None:
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text().lower()
        if self.question.kind == QuestionKind.YES_NO and text in ("y", "n"):
            self.pick(0 if text == "y" else 1)
        elif text.isdigit() and 1 <= int(text) <= len(self.buttons) and \
                self.question.kind == QuestionKind.MULTIPLE_CHOICE:
            self.pick(int(text) - 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.answer() is not None:
            self.advance.emit()
        else:
            super().keyPressEvent(event)


class AmountPage(QuestionPage):
    """A number with the question's unit beside it, and − / + steppers for touch screens."""

    def __init__(self, question: QuestionSpec, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.unit = (question.unit or "").strip()
        self.layout_.addWidget(label(self.tr("Type a number, or use − and +."), "kioskHint",
                                     self))
        self.edit = QLineEdit(self)
        self.edit.setObjectName("amount")
        validator = QDoubleValidator(0.0, 1e9, 2, self.edit)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        self.edit.setValidator(validator)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.edit.setMaximumWidth(220)
        self.edit.setPlaceholderText("0")
        self.minus = QPushButton("−", self)
        self.plus = QPushButton("+", self)
        for button in (self.minus, self.plus):
            button.setObjectName("stepper")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self.minus)
        row.addWidget(self.edit)
        row.addWidget(self.plus)
        row.addWidget(label(self.unit, "unit", self))
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.edit.returnPressed.connect(self._enter)
        self.minus.clicked.connect(lambda: self.step(-1))
        self.plus.clicked.connect(lambda: self.step(1))

    def value(self) -> float | None:
        try:
            return float(self.edit.text().replace(",", ""))
        except ValueError:
            return None

    def step(self, delta: int) -> None:
        self.edit.setText(format_number(max(0.0, (self.value() or 0) + delta)).replace(",", ""))

    def answer(self) -> str | None:
        value = self.value()
        if value is None:
            return None
        # "1 year", "3 years": the unit as the question names it, singular for one.
        return f"{format_number(value)} {question_unit(self.unit).label(value)}".strip()

    def clear(self) -> None:
        self.edit.clear()

    def focus_first(self) -> None:
        self.edit.setFocus()

    def _enter(self) -> None:
        if self.answer() is not None:
            self.advance.emit()


class TextPage(QuestionPage):
    """A scored question: room to write, a character count against the limit."""

    def __init__(self, question: QuestionSpec, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.layout_.addWidget(label(self.tr("Write your answer in your own words. There are no "
                                             "trick questions."), "kioskHint", self))
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("answerText")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(200)
        self.count = label("", "kioskStep", self)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.layout_.addWidget(self.edit, 1)
        self.layout_.addWidget(self.count)
        self.edit.textChanged.connect(self._changed)
        self._changed()

    def _changed(self) -> None:
        n = len(self.edit.toPlainText())
        self.count.setText(f"{n:,} / {ANSWER_MAX:,}")
        self.changed.emit()

    def answer(self) -> str | None:
        text = self.edit.toPlainText().strip()
        return text if text and len(text) <= ANSWER_MAX else None

    def clear(self) -> None:
        self.edit.clear()

    def focus_first(self) -> None:
        self.edit.setFocus()


def question_page(question: QuestionSpec, parent: QWidget | None = None) -> QuestionPage:
    if question.kind in (QuestionKind.YES_NO, QuestionKind.MULTIPLE_CHOICE):
        return OptionsPage(question, parent)
    if question.kind == QuestionKind.MIN_AMOUNT:
        return AmountPage(question, parent)
    return TextPage(question, parent)


class Field(QWidget):
    """A labelled line edit with its own error line under it."""

    def __init__(self, title: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(title, "fieldLabel", self)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.error = reserve_error_line(label("", "fieldError", self))  # errors move nothing
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(lambda _t: self.set_error(None))

    def set_error(self, message: str | None) -> None:
        keep_error_room(self.error)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)


class DetailsPage(QWidget):
    """Name, email, phone and the consent line; a closed role says so here and takes no one."""

    advance = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(self.tr("Welcome! Let's start with you."), "kioskTitle", self)
        self.hint = label("", "kioskHint", self)
        self.closed = label("", "kioskClosed", self)
        self.closed.hide()
        self.name = Field(self.tr("Full name"), self.tr("e.g. Maria Lopez"), self)
        self.email = Field(self.tr("Email"), self.tr("e.g. maria@example.com"), self)
        self.phone = Field(self.tr("Mobile phone"), self.tr("e.g. (415) 555-0123"), self)
        self.email.edit.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.phone.edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        # A check box cannot wrap its text: the box, and a wrapping label that ticks it too.
        self.consent = QCheckBox(self)
        self.consent.setAccessibleName(self.tr("I agree"))
        self.consent_text = ClickLabel(self.tr(
            "I agree that the hiring team stores my details and answers to consider me for "
            "this job, and may contact me about it."), self)
        self.consent_text.clicked.connect(self.consent.toggle)
        self.consent_error = reserve_error_line(label("", "fieldError", self))
        self.consent_error.hide()
        self.consent.toggled.connect(lambda _c: self.consent_error.hide())
        contact = QHBoxLayout()
        contact.setSpacing(18)
        contact.addWidget(self.email, 1)
        contact.addWidget(self.phone, 1)
        self.contact_hint = label(self.tr("An email address or a phone number is enough."),
                                  "kioskStep", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.closed)
        layout.addWidget(self.name)
        layout.addLayout(contact)
        layout.addWidget(self.contact_hint)
        layout.addSpacing(6)
        consent = QHBoxLayout()
        consent.setSpacing(14)
        consent.addWidget(self.consent, 0, Qt.AlignmentFlag.AlignTop)
        consent.addWidget(self.consent_text, 1)
        layout.addLayout(consent)
        layout.addWidget(self.consent_error)
        layout.addStretch(1)
        for f in (self.name, self.email, self.phone):
            f.edit.returnPressed.connect(self.advance.emit)

    def fields(self) -> dict[str, Field]:
        return {"name": self.name, "email": self.email, "phone": self.phone}

    def person(self) -> KioskPerson:
        return KioskPerson(self.name.edit.text(), self.email.edit.text(),
                           self.phone.edit.text(), self.consent.isChecked())

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, f in self.fields().items():
            f.set_error(problems.get(key))
        self.consent_error.setText(problems.get("consent", ""))
        self.consent_error.setVisible("consent" in problems)
        for key in ("name", "email", "phone"):
            if key in problems:
                self.fields()[key].edit.setFocus()
                break

    def set_closed(self, reason: str | None) -> None:
        self.closed.setText(reason or "")
        self.closed.setVisible(bool(reason))
        for w in (self.name, self.email, self.phone, self.consent, self.consent_text):
            w.setEnabled(not reason)

    def clear(self) -> None:
        for f in self.fields().values():
            f.edit.clear()
            f.set_error(None)
        self.consent.setChecked(False)
        self.consent_error.hide()

    def touched(self) -> bool:
        return any(f.edit.text() for f in self.fields().values()) or self.consent.isChecked()


class ThanksPage(QWidget):
    """After Submit: a thank-you naming the person; the kiosk resets by itself afterwards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("", "kioskTitle", self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = label("", "kioskHint", self)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done = QPushButton(self.tr("Done"), self)
        self.done.setProperty("primary", True)
        self.done.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        check = label("✓", "thanksMark", self)
        check.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(check, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addSpacing(24)
        layout.addWidget(self.done, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_for(self, first_name: str, role: str, body: str) -> None:
        self.title.setText(self.tr("Thank you, {name}!").format(name=first_name)
                           if first_name else self.tr("Thank you!"))
        self.body.setText(body or self.tr(
            "Your answers for {role} are with the hiring team. They will be in touch soon."
        ).format(role=role))


class RatingPage(QWidget):
    """The optional last screen: "How was this?" 1–5, or Submit without one (skipped).
    Keys 1–5 pick; a second tap on the picked rating takes it back."""

    changed = Signal()
    advance = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        layout.addWidget(label(self.tr("How would you rate this form?"), "kioskTitle", self))
        layout.addWidget(label(self.tr(
            "Optional: 1 is poor, 5 is excellent. Your rating helps the hiring team and doesn't "
            "change your application. Tap Submit to skip."), "kioskHint", self))
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # a second tap takes the rating back
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.setSpacing(14)
        for value in range(1, 6):
            button = QPushButton(str(value), self)
            button.setCheckable(True)
            button.setProperty("option", True)
            button.setProperty("rating", True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setAccessibleName(self.tr("Rate {n} out of 5").format(n=value))
            self.group.addButton(button, value)
            self.buttons.append(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.group.idClicked.connect(self._clicked)

    def rating(self) -> int | None:
        return next((i + 1 for i, b in enumerate(self.buttons) if b.isChecked()), None)

    def pick(self, value: int | None) -> None:
        for i, button in enumerate(self.buttons):
            button.setChecked(value == i + 1)
        self.changed.emit()

    def _clicked(self, value: int) -> None:
        self.pick(value if self.buttons[value - 1].isChecked() else None)

    def clear(self) -> None:
        for button in self.buttons:
            button.setChecked(False)

    def focus_first(self) -> None:
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= 5:
            self.pick(int(text))
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.advance.emit()
        else:
            super().keyPressEvent(event)
