"""Step 4 of the receptionist wizard: screening questions (add, remove, reorder, edit by
kind) and routing (threshold, default interviewer, interviewers callers may go to)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows import QuestionSpec
from milo_desktop.services.receptionists import InterviewerChoice
from milo_desktop.views import theme
from milo_desktop.views.receptionists.wizard_common import ProblemList
from milo_desktop.views.widgets.page_header import hint, section_title

KINDS = (
    (QuestionKind.YES_NO, "Yes / no"),
    (QuestionKind.MIN_AMOUNT, "Minimum amount"),
    (QuestionKind.MULTIPLE_CHOICE, "Multiple choice"),
    (QuestionKind.SCORED, "Scored 1–5"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("QuestionsPage", text)


def _choice_text(c: InterviewerChoice) -> str:
    return c.name if c.closed is None else f"{c.name} — {_tr(c.closed)}"


@dataclass
class _Draft:
    """One question while it is being edited (mutable; becomes a QuestionSpec)."""

    id: str
    kind: QuestionKind = QuestionKind.YES_NO
    prompt: str = ""
    expected_yes: bool = True
    min_value: float = 1.0
    unit: str = "years"
    choices: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    dealbreaker: bool = False
    weight: float = 1.0

    def spec(self) -> QuestionSpec:
        k = self.kind
        return QuestionSpec(
            id=self.id, kind=k, prompt=self.prompt.strip(),
            expected_yes=self.expected_yes if k == QuestionKind.YES_NO else None,
            min_value=self.min_value if k == QuestionKind.MIN_AMOUNT else None,
            unit=self.unit.strip() if k == QuestionKind.MIN_AMOUNT else None,
            choices=tuple(self.choices) if k == QuestionKind.MULTIPLE_CHOICE else (),
            accepted_choices=tuple(a for a in self.accepted if a in self.choices)
            if k == QuestionKind.MULTIPLE_CHOICE else (),
            dealbreaker=self.dealbreaker and k != QuestionKind.SCORED, weight=self.weight,
        )

    @classmethod
    def of(cls, spec: QuestionSpec) -> _Draft:
        return cls(id=spec.id, kind=spec.kind, prompt=spec.prompt,
                   expected_yes=spec.expected_yes is not False,
                   min_value=spec.min_value or 0.0, unit=spec.unit or "years",
                   choices=list(spec.choices), accepted=list(spec.accepted_choices),
                   dealbreaker=spec.dealbreaker, weight=spec.weight)


class QuestionsPage(QWidget):
    changed = Signal()

    def __init__(self, manual_approval: Callable[[], bool], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._manual = manual_approval
        self._drafts: list[_Draft] = []
        self._next_id = 1
        self._loading = False
        # Routing of an edited receptionist, applied once the interviewers have loaded.
        self._pending_routing: tuple[int | None, tuple[int, ...]] | None = None
        self._closed: dict[int, tuple[str, str]] = {}  # id → (name, "expired" / "draft" / …)

        self.list = QListWidget(self)
        self.list.setMinimumWidth(260)
        self.add_button = QPushButton(self.tr("Add question"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.up_button = QPushButton(self.tr("Move up"), self)
        self.down_button = QPushButton(self.tr("Move down"), self)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)

        self.editor = QGroupBox(self.tr("Question"), self)
        self.prompt = QPlainTextEdit(self.editor)
        self.prompt.setPlaceholderText(self.tr("Are you authorized to work in the United States?"))
        self.prompt.setFixedHeight(64)
        self.kind = QComboBox(self.editor)
        for kind, text in KINDS:
            self.kind.addItem(_tr(text), kind)
        self.expected = QComboBox(self.editor)
        self.expected.addItem(self.tr("Yes"), True)
        self.expected.addItem(self.tr("No"), False)
        self.min_value = QDoubleSpinBox(self.editor)
        self.min_value.setRange(0, 1_000_000)
        self.min_value.setDecimals(1)
        self.min_value.setMaximumWidth(140)
        self.unit = QLineEdit(self.editor)
        self.unit.setPlaceholderText(self.tr("years"))
        self.choices = QPlainTextEdit(self.editor)
        self.choices.setPlaceholderText(self.tr("One choice a line (keypad 1–9)"))
        self.choices.setFixedHeight(78)
        self.accepted = QListWidget(self.editor)
        self.accepted.setFixedHeight(78)
        self.weight = QDoubleSpinBox(self.editor)
        self.weight.setRange(0, 10)
        self.weight.setSingleStep(0.5)
        self.weight.setMaximumWidth(140)
        self.dealbreaker = QCheckBox(self.tr("Dealbreaker — a wrong answer sends the caller "
                                             "to review"), self.editor)
        self.options = QStackedWidget(self.editor)
        self.options.addWidget(self._form((self.tr("Expected answer"), self.expected)))
        amount = QHBoxLayout()
        amount.addWidget(self.min_value)
        amount.addWidget(self.unit)
        amount_box = QWidget(self.editor)
        amount_box.setLayout(amount)
        amount.setContentsMargins(0, 0, 0, 0)
        self.options.addWidget(self._form((self.tr("At least"), amount_box)))
        self.options.addWidget(self._form((self.tr("Choices"), self.choices),
                                          (self.tr("Accepted"), self.accepted)))
        self.options.addWidget(self._form((self.tr("Weight"), self.weight)))
        editor_form = QFormLayout(self.editor)
        editor_form.addRow(self.tr("Question"), self.prompt)
        editor_form.addRow(self.tr("Kind"), self.kind)
        editor_form.addRow(self.options)
        editor_form.addRow("", self.dealbreaker)

        routing = QGroupBox(self.tr("Routing"), self)
        self.threshold = QSpinBox(routing)
        self.threshold.setRange(0, 100)
        self.threshold.setValue(70)
        self.threshold.setSuffix(self.tr(" / 100"))
        self.threshold.setMaximumWidth(140)
        self.default_interviewer = QComboBox(routing)
        self.routes = QListWidget(routing)
        self.routes.setFixedHeight(120)
        self.routes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.routes.setTextElideMode(Qt.TextElideMode.ElideRight)
        # A route kept from before to an interviewer that has since closed: said, not hidden.
        self.routing_note = QLabel(routing)
        self.routing_note.setObjectName("routingNote")
        self.routing_note.setWordWrap(True)
        self.routing_note.hide()
        routing_form = QFormLayout(routing)
        routing_form.addRow(self.tr("Approve at a score of"), self.threshold)
        routing_form.addRow(self.tr("Default interviewer"), self.default_interviewer)
        routing_form.addRow(self.tr("May also route to"), self.routes)
        routing_form.addRow(self.routing_note)

        right = QVBoxLayout()
        right.addWidget(self.editor)
        right.addWidget(routing)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        self.problem_list = ProblemList(self)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Screening questions"), self))
        layout.addWidget(hint(self.tr("Asked in order, by speech or keypad. Callers at or above "
                                      "the score are approved and invited to the default "
                                      "interviewer."), self))
        layout.addLayout(columns, 1)
        layout.addWidget(self.problem_list)

        self.add_button.clicked.connect(lambda: self.add_question())
        self.remove_button.clicked.connect(self.remove_question)
        self.up_button.clicked.connect(lambda: self.move_question(-1))
        self.down_button.clicked.connect(lambda: self.move_question(1))
        self.list.currentRowChanged.connect(self._show_current)
        self.prompt.textChanged.connect(self._edited)
        self.unit.textChanged.connect(self._edited)
        self.choices.textChanged.connect(self._choices_edited)
        for combo in (self.kind, self.expected):
            combo.currentIndexChanged.connect(self._edited)
        for spin in (self.min_value, self.weight):
            spin.valueChanged.connect(self._edited)
        self.dealbreaker.toggled.connect(self._edited)
        self.accepted.itemChanged.connect(self._edited)
        self.threshold.valueChanged.connect(lambda _v: self.changed.emit())
        self.default_interviewer.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.routes.itemChanged.connect(lambda _i: self.changed.emit())
        self.changed.connect(self.refresh)
        self.set_interviewers([])
        self._show_current(-1)

    def _form(self, *rows: tuple[str, QWidget]) -> QWidget:
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        for label, widget in rows:
            form.addRow(label, widget)
        return box

    # ----- the list -----------------------------------------------------------------------
    def add_question(self, spec: QuestionSpec | None = None) -> None:
        if spec is None:
            draft = _Draft(id=f"new_{self._next_id}")
            self._next_id += 1
        else:
            draft = _Draft.of(spec)
        self._drafts.append(draft)
        self.list.addItem(QListWidgetItem())
        self._relabel(len(self._drafts) - 1)
        self.list.setCurrentRow(len(self._drafts) - 1)
        if spec is None:
            self.prompt.setFocus()
        self.changed.emit()

    def remove_question(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        del self._drafts[row]
        self.list.takeItem(row)
        for i in range(row, len(self._drafts)):
            self._relabel(i)
        self._show_current(self.list.currentRow())
        self.changed.emit()

    def move_question(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < len(self._drafts):
            return
        d = self._drafts
        d[row], d[target] = d[target], d[row]
        self._relabel(row)
        self._relabel(target)
        self.list.setCurrentRow(target)
        self.changed.emit()

    def _relabel(self, row: int) -> None:
        draft = self._drafts[row]
        text = draft.prompt.strip() or self.tr("(new question)")
        kind = _tr(dict(KINDS)[draft.kind])
        item = self.list.item(row)
        item.setText(f"{row + 1}. {text}\n    {kind}" + (self.tr(" · dealbreaker")
                                                       if draft.spec().dealbreaker else ""))
        item.setToolTip(draft.prompt)

    def _show_current(self, row: int) -> None:
        has = 0 <= row < len(self._drafts)
        self.editor.setEnabled(has)
        for b in (self.remove_button, self.up_button, self.down_button):
            b.setEnabled(has)
        if not has:
            return
        d = self._drafts[row]
        self._loading = True
        try:
            self.prompt.setPlainText(d.prompt)
            self.kind.setCurrentIndex(self.kind.findData(d.kind))
            self.expected.setCurrentIndex(0 if d.expected_yes else 1)
            self.min_value.setValue(d.min_value)
            self.unit.setText(d.unit)
            self.choices.setPlainText("\n".join(d.choices))
            self._fill_accepted(d)
            self.weight.setValue(d.weight)
            self.dealbreaker.setChecked(d.dealbreaker)
        finally:
            self._loading = False
        self._sync_kind()

    def _fill_accepted(self, d: _Draft) -> None:
        self.accepted.blockSignals(True)
        self.accepted.clear()
        for choice in d.choices:
            item = QListWidgetItem(choice, self.accepted)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice in d.accepted
                               else Qt.CheckState.Unchecked)
        self.accepted.blockSignals(False)

    def _sync_kind(self) -> None:
        kind = self.kind.currentData()
        self.options.setCurrentIndex([k for k, _t in KINDS].index(kind))
        self.dealbreaker.setEnabled(kind != QuestionKind.SCORED)

    def _choices_edited(self) -> None:
        row = self.list.currentRow()
        if self._loading or row < 0:
            return
        d = self._drafts[row]
        d.choices = [c.strip() for c in self.choices.toPlainText().splitlines() if c.strip()]
        self._fill_accepted(d)
        self._edited()

    def _edited(self, *_args: object) -> None:
        row = self.list.currentRow()
        if self._loading or row < 0:
            return
        d = self._drafts[row]
        d.prompt = self.prompt.toPlainText()
        d.kind = QuestionKind(self.kind.currentData())
        d.expected_yes = bool(self.expected.currentData())
        d.min_value = self.min_value.value()
        d.unit = self.unit.text()
        d.weight = self.weight.value()
        d.dealbreaker = self.dealbreaker.isChecked()
        d.accepted = [self.accepted.item(i).text() for i in range(self.accepted.count())
                      if self.accepted.item(i).checkState() == Qt.CheckState.Checked]
        self._sync_kind()
        self._relabel(row)
        self.changed.emit()

    # ----- routing ------------------------------------------------------------------------
    def set_interviewers(self, choices: list[InterviewerChoice]) -> None:
        """The interviewers that accept candidates; an edited receptionist's routes to ones
        that have since closed come too, marked ("— expired") and offered to nobody else."""
        chosen_default = self.default_interviewer.currentData()
        routed = set(self.routed_ids())
        self._closed = {c.id: (c.name, c.closed) for c in choices if c.closed}
        self.default_interviewer.blockSignals(True)
        self.default_interviewer.clear()
        self.default_interviewer.addItem(self.tr("None — every caller goes to review"), None)
        for c in choices:
            self.default_interviewer.addItem(_choice_text(c), c.id)
        index = self.default_interviewer.findData(chosen_default)
        self.default_interviewer.setCurrentIndex(max(index, 0))
        self.default_interviewer.blockSignals(False)
        self.routes.blockSignals(True)
        self.routes.clear()
        for c in choices:
            item = QListWidgetItem(_choice_text(c), self.routes)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in routed else
                               Qt.CheckState.Unchecked)
        self.routes.blockSignals(False)
        if self._pending_routing is not None:
            self.apply_routing(*self._pending_routing)
        self.changed.emit()

    def routed_ids(self) -> tuple[int, ...]:
        items = (self.routes.item(i) for i in range(self.routes.count()))
        return tuple(int(i.data(Qt.ItemDataRole.UserRole)) for i in items
                     if i.checkState() == Qt.CheckState.Checked)

    def default_id(self) -> int | None:
        data = self.default_interviewer.currentData()
        return None if data is None else int(data)

    def load(self, specs: tuple[QuestionSpec, ...], threshold: int, default_id: int | None,
             routed: tuple[int, ...]) -> None:
        for spec in specs:
            self.add_question(spec)
        self.list.setCurrentRow(0 if specs else -1)
        self.threshold.setValue(threshold)
        self._pending_routing = (default_id, routed)
        self.apply_routing(default_id, routed)

    def apply_routing(self, default_id: int | None, routed: tuple[int, ...]) -> None:
        index = self.default_interviewer.findData(default_id)
        if index >= 0:
            self.default_interviewer.setCurrentIndex(index)
        for i in range(self.routes.count()):
            item = self.routes.item(i)
            if int(item.data(Qt.ItemDataRole.UserRole)) in routed:
                item.setCheckState(Qt.CheckState.Checked)

    # ----- values -------------------------------------------------------------------------
    def specs(self) -> tuple[QuestionSpec, ...]:
        return tuple(d.spec() for d in self._drafts)

    def problems(self) -> list[str]:
        out: list[str] = []
        if not self._drafts:
            out.append(self.tr("Add at least one screening question."))
        for n, spec in enumerate(self.specs(), start=1):
            out.extend(spec.problems(self.tr("Question {n}").format(n=n)))
        if not self._manual() and self.default_id() is None:
            out.append(self.tr("Choose the default interviewer that callers who pass are "
                               "invited to, or turn on manual approval in step 1."))
        return out

    def closed_routes(self) -> list[str]:
        """Sentences about chosen routes whose interviewer no longer accepts candidates."""
        out: list[str] = []
        default = self.default_id()
        for iid in ([default] if default is not None else []) + [
                i for i in self.routed_ids() if i != default]:
            if iid in self._closed:
                name, why = self._closed[iid]
                role = self.tr("the default interviewer") if iid == default else \
                    self.tr("a route")
                fix = {"expired": self.tr("extend its deadline"),
                       "draft": self.tr("activate it")}.get(why, self.tr("unarchive it"))
                out.append(self.tr("“{name}” ({role}) is {why} and takes no new candidates: "
                                   "callers are not invited there. Choose another, or "
                                   "{fix}.").format(name=name, role=role, why=_tr(why),
                                                    fix=fix))
        return out

    def refresh(self) -> None:
        self.problem_list.show_problems(self.problems())
        notes = self.closed_routes()
        self.routing_note.setText("\n".join(notes))
        self.routing_note.setStyleSheet(f"color: {theme.current().warning};")
        self.routing_note.setVisible(bool(notes))
