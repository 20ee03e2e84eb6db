"""Editing one question: kind, prompt, and per kind the rubric and weight (scored), the
expected answer (yes/no), the minimum and unit (amount) or the choices and accepted ones;
dealbreaker for structured kinds; follow-ups. Each field has its error line under it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import QuestionKind
from milo_desktop.services.authoring import QuestionDraft
from milo_desktop.services.authoring.validation import (
    MIN_VALUE_MAX,
    PROMPT_MAX,
    WEIGHT_MAX,
    WEIGHT_MIN,
)
from milo_desktop.views.authoring.common import FieldError, field_box, hint, kind_text
from milo_desktop.views.widgets.text_fields import CountedText

KINDS = (QuestionKind.SCORED, QuestionKind.YES_NO, QuestionKind.MIN_AMOUNT,
         QuestionKind.MULTIPLE_CHOICE)
UNITS = ("years", "months", "hours per week", "words per minute", "lb", "miles", "dollars")
FIELDS = ("prompt", "weight", "rubric_low", "rubric_high", "expected_yes", "min_value", "unit",
          "choices", "accepted_choices", "follow_ups")


def _text_box(parent: QWidget, placeholder: str, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class QuestionEditor(QWidget):
    """Edits ``question`` in place; ``edited`` after every change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question: QuestionDraft | None = None
        self._loading = False
        self.errors = {name: FieldError(self) for name in FIELDS}
        self.kind = QComboBox(self)
        for kind in KINDS:
            self.kind.addItem(kind_text(kind), kind)
        self.prompt = CountedText(PROMPT_MAX, self.tr("e.g. Do you have a current forklift "
                                                      "certification?"), height=62, parent=self)
        # Scored
        self.rubric_low = _text_box(self, self.tr("In plain words: what does a weak answer "
                                                  "sound like?"), 52)
        self.rubric_high = _text_box(self, self.tr("And a great one?"), 52)
        self.weight = QDoubleSpinBox(self)
        self.weight.setRange(WEIGHT_MIN, WEIGHT_MAX)
        self.weight.setSingleStep(0.5)
        self.weight.setDecimals(1)
        self.weight.setMaximumWidth(110)
        # Yes / no
        self.expected = QComboBox(self)
        self.expected.addItem(self.tr("Choose…"), None)
        self.expected.addItem(self.tr("Yes"), True)
        self.expected.addItem(self.tr("No"), False)
        self.expected.setMaximumWidth(160)
        # Minimum amount
        self.min_value = QDoubleSpinBox(self)
        self.min_value.setRange(0, MIN_VALUE_MAX)
        self.min_value.setDecimals(1)
        self.min_value.setMaximumWidth(130)
        self.unit = QComboBox(self)
        self.unit.setEditable(True)
        self.unit.addItems(UNITS)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Multiple choice
        self.choices = _text_box(self, self.tr("One choice a line (at most 9)"), 84)
        self.accepted = QListWidget(self)
        self.accepted.setFixedHeight(84)
        self.dealbreaker = QCheckBox(self.tr("Dealbreaker (knocks the candidate out)"), self)
        self.dealbreaker.setToolTip(self.tr("A wrong answer ends the screening for this "
                                            "candidate at this stage."))
        self.follow_ups = _text_box(self, self.tr("Optional: one follow-up question a line, "
                                                  "asked after the answer (at most 3)"), 52)

        amount = QHBoxLayout()
        amount.setContentsMargins(0, 0, 0, 0)
        amount.addWidget(self.min_value)
        amount.addWidget(self.unit, 1)
        self.structured_hint = hint("", self)
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Question"), field_box(self, self.prompt,
                                                        self.errors["prompt"]))
        # Rows of one kind only: shown while the question is of that kind.
        self.kind_rows: dict[QuestionKind, list[QWidget]] = {}
        for kind, rows in (
            (QuestionKind.SCORED, ((self.tr("What a 1 looks like"), self.rubric_low,
                                    "rubric_low"),
                                   (self.tr("What a 5 looks like"), self.rubric_high,
                                    "rubric_high"),
                                   (self.tr("Weight"), self.weight, "weight"))),
            (QuestionKind.YES_NO, ((self.tr("Expected answer"), self.expected,
                                    "expected_yes"),)),
            (QuestionKind.MIN_AMOUNT, ((self.tr("At least"), amount, "min_value"),)),
            (QuestionKind.MULTIPLE_CHOICE, ((self.tr("Choices"), self.choices, "choices"),
                                            (self.tr("Accepted"), self.accepted,
                                             "accepted_choices"))),
        ):
            boxes = []
            for label, widget, name in rows:
                extra = [self.errors["unit"]] if name == "min_value" else []
                box = field_box(self, widget, self.errors[name], *extra)
                self.form.addRow(label, box)
                boxes.append(box)
            self.kind_rows[kind] = boxes
        self.form.addRow("", field_box(self, self.dealbreaker, self.structured_hint))
        self.form.addRow(self.tr("Follow-ups"), field_box(self, self.follow_ups,
                                                          self.errors["follow_ups"]))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.form)
        outer.addStretch(1)  # spare height goes below the fields, not between them

        self.kind.currentIndexChanged.connect(self._edited)
        self.prompt.changed.connect(self._edited)
        for box in (self.rubric_low, self.rubric_high, self.follow_ups):
            box.textChanged.connect(self._edited)
        self.choices.textChanged.connect(self._choices_edited)
        for spin in (self.weight, self.min_value):
            spin.valueChanged.connect(self._edited)
        self.expected.currentIndexChanged.connect(self._edited)
        self.unit.editTextChanged.connect(self._edited)
        self.dealbreaker.toggled.connect(self._edited)
        self.accepted.itemChanged.connect(self._edited)
        self.set_question(None)

    def set_question(self, question: QuestionDraft | None) -> None:
        self.question = question
        self.setEnabled(question is not None)
        q = question or QuestionDraft(kind=QuestionKind.SCORED)
        self._loading = True
        try:
            self.kind.setCurrentIndex(KINDS.index(q.kind))
            self.prompt.set_text(q.prompt)
            self.rubric_low.setPlainText(q.rubric_low)
            self.rubric_high.setPlainText(q.rubric_high)
            self.weight.setValue(q.weight)
            self.expected.setCurrentIndex(self.expected.findData(q.expected_yes))
            self.min_value.setValue(q.min_value or 0.0)
            self.unit.setEditText(q.unit or "")
            self.choices.setPlainText("\n".join(q.choices))
            self._fill_accepted(q)
            self.dealbreaker.setChecked(q.dealbreaker)
            self.follow_ups.setPlainText("\n".join(q.follow_ups))
        finally:
            self._loading = False
        self._sync_kind()

    def _fill_accepted(self, q: QuestionDraft) -> None:
        self.accepted.blockSignals(True)
        self.accepted.clear()
        for choice in q.choices:
            item = QListWidgetItem(choice, self.accepted)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice in q.accepted_choices
                               else Qt.CheckState.Unchecked)
        self.accepted.blockSignals(False)

    def _sync_kind(self) -> None:
        kind = self.kind.currentData()
        for k, boxes in self.kind_rows.items():
            for box in boxes:
                self.form.setRowVisible(box, k == kind)
        structured = kind != QuestionKind.SCORED
        self.dealbreaker.setEnabled(structured)
        self.structured_hint.setText(
            self.tr("Structured questions pass or fail; they don't count towards the score.")
            if structured else self.tr("Scored 1–5 against your two descriptions; the stage "
                                       "score is the weighted mean."))

    def _choices_edited(self) -> None:
        if self._loading or self.question is None:
            return
        q = self.question
        q.choices = [c.strip() for c in self.choices.toPlainText().splitlines() if c.strip()]
        q.accepted_choices = [a for a in q.accepted_choices if a in q.choices]
        self._fill_accepted(q)
        self._edited()

    def _edited(self, *_args: object) -> None:
        if self._loading or self.question is None:
            return
        q = self.question
        q.kind = QuestionKind(self.kind.currentData())
        q.prompt = self.prompt.text()
        q.rubric_low = self.rubric_low.toPlainText()
        q.rubric_high = self.rubric_high.toPlainText()
        q.weight = self.weight.value()
        q.expected_yes = self.expected.currentData()
        q.min_value = self.min_value.value()
        q.unit = self.unit.currentText()
        q.accepted_choices = [self.accepted.item(i).text() for i in range(self.accepted.count())
                              if self.accepted.item(i).checkState() == Qt.CheckState.Checked]
        q.dealbreaker = self.dealbreaker.isChecked() and q.kind != QuestionKind.SCORED
        q.follow_ups = [f.strip() for f in self.follow_ups.toPlainText().splitlines()
                        if f.strip()]
        self._sync_kind()
        self.edited.emit()

    def show_errors(self, by_suffix: dict[str, str]) -> None:
        for name, label in self.errors.items():
            label.set_error(by_suffix.get(name))

    def visible_errors(self) -> list[str]:
        return [e.text() for e in self.errors.values() if not e.isHidden() and e.text()]
