"""Step 3, Stages: add Voice / Résumé / SMS / Form stages, rename, remove, and drag to
reorder (the list is the order candidates go through)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import StageKind
from milo_desktop.services.authoring import FieldProblem, InterviewerDraft, StageDraft
from milo_desktop.services.authoring.validation import STAGE_NAME_MAX, STAGES_MAX
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import (
    FieldError,
    WizardPage,
    field_box,
    hint,
    list_style,
    questions_text,
    section_title,
    stage_kind_short,
    stage_kind_text,
)

STAGE_ROLE = Qt.ItemDataRole.UserRole
KIND_HINTS = {
    StageKind.RESUME: "Reads the résumé and checks it against your requirements.",
    StageKind.VOICE: "An AI phone interview: the candidate answers out loud.",
    StageKind.SMS: "Questions by text message, answered in replies.",
    StageKind.FORM: "A form at the front desk kiosk, or by SMS when the phone is known.",
}


class StagesPage(WizardPage):
    prefixes = ("stages",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = InterviewerDraft()
        self._loading = False
        self._problems: dict[str, str] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("stageList")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setSpacing(2)
        self.list.setStyleSheet(list_style("stageList"))
        self.remove_button = QPushButton(self.tr("Remove stage"), self)
        self.up_button = QPushButton(self.tr("Move up"), self)
        self.down_button = QPushButton(self.tr("Move down"), self)
        self.add_buttons: dict[StageKind, QPushButton] = {}
        adder = QGroupBox(self.tr("Add a stage"), self)
        grid = QGridLayout(adder)
        for i, kind in enumerate((StageKind.VOICE, StageKind.RESUME, StageKind.SMS,
                                  StageKind.FORM)):
            button = QPushButton("+  " + stage_kind_text(kind), adder)
            button.setToolTip(self.tr(KIND_HINTS[kind]))
            button.clicked.connect(lambda _c=False, k=kind: self.add_stage(k))
            self.add_buttons[kind] = button
            grid.addWidget(button, i, 0)
            grid.addWidget(hint(self.tr(KIND_HINTS[kind]), adder), i, 1)
        grid.setColumnStretch(1, 1)
        self.name = QLineEdit(self)
        self.name.setMaxLength(STAGE_NAME_MAX + 20)
        self.errors["stages"] = FieldError(self)
        self.name_error = FieldError(self)
        details = QGroupBox(self.tr("Selected stage"), self)
        form = QFormLayout(details)
        form.addRow(self.tr("Name"), field_box(details, self.name, self.name_error))

        buttons = QHBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        left.addWidget(self.errors["stages"])
        right = QVBoxLayout()
        right.addWidget(adder)
        right.addWidget(details)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Stages"), self))
        layout.addWidget(hint(self.tr("Candidates go through the stages from top to bottom. "
                                      "Drag to reorder. At least one, at most {n}.")
                              .format(n=STAGES_MAX), self))
        layout.addLayout(columns, 1)

        # A drop moves items inside the model; read the new order once it has settled.
        self._order_timer = QTimer(self, singleShot=True, interval=0)
        self._order_timer.timeout.connect(self._order_from_list)
        model = self.list.model()
        model.rowsMoved.connect(lambda *_a: self._order_timer.start())
        model.rowsInserted.connect(lambda *_a: self._order_timer.start())
        self.list.currentRowChanged.connect(self._show_current)
        self.name.textChanged.connect(self._name_edited)
        self.remove_button.clicked.connect(self.remove_stage)
        self.up_button.clicked.connect(lambda: self.move_stage(-1))
        self.down_button.clicked.connect(lambda: self.move_stage(1))
        self._show_current(-1)

    # ----- the list -----------------------------------------------------------------------
    def load(self, draft: InterviewerDraft) -> None:
        self.draft = draft
        self._loading = True
        try:
            self.list.clear()
            for stage in draft.stages:
                self._add_item(stage)
        finally:
            self._loading = False
        self.list.setCurrentRow(0 if draft.stages else -1)
        self._relabel()

    def _add_item(self, stage: StageDraft) -> None:
        item = QListWidgetItem(self.list)
        item.setData(STAGE_ROLE, stage)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)

    def stage_at(self, row: int) -> StageDraft:
        stage = self.list.item(row).data(STAGE_ROLE)
        assert isinstance(stage, StageDraft)
        return stage

    def _relabel(self) -> None:
        for row in range(self.list.count()):
            stage = self.stage_at(row)
            n = len(stage.questions)
            self.list.item(row).setText(self.tr("⋮⋮  {i}. {name}\n          {kind} · {n}")
                                        .format(i=row + 1, name=stage.name or "—",
                                                kind=stage_kind_short(stage.kind),
                                                n=questions_text(n)))
        full = len(self.draft.stages) >= STAGES_MAX
        for button in self.add_buttons.values():
            button.setEnabled(not full)

    def _order_from_list(self) -> None:
        if self._loading:
            return
        order = [self.stage_at(r) for r in range(self.list.count())]
        if [id(s) for s in order] != [id(s) for s in self.draft.stages]:
            self.draft.stages[:] = order
            self._relabel()
            self.changed.emit()

    def add_stage(self, kind: StageKind) -> None:
        stage = StageDraft.new(kind)
        self.draft.stages.append(stage)
        self._loading = True
        try:
            self._add_item(stage)
        finally:
            self._loading = False
        self.list.setCurrentRow(self.list.count() - 1)
        self._relabel()
        self.changed.emit()

    def remove_stage(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self._loading = True
        try:
            self.list.takeItem(row)
        finally:
            self._loading = False
        del self.draft.stages[row]
        self._relabel()
        self._show_current(self.list.currentRow())
        self.changed.emit()

    def move_stage(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        self._loading = True
        try:
            item = self.list.takeItem(row)
            self.list.insertItem(target, item)
        finally:
            self._loading = False
        self.list.setCurrentRow(target)
        self._order_from_list()

    def _show_current(self, row: int) -> None:
        has = 0 <= row < self.list.count()
        for w in (self.name, self.remove_button):
            w.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.list.count() - 1)
        self.name.blockSignals(True)
        self.name.setText(self.stage_at(row).name if has else "")
        self.name.blockSignals(False)
        self._show_name_error()

    def _name_edited(self, text: str) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.stage_at(row).name = text
            self._relabel()
            self.changed.emit()

    # ----- problems -----------------------------------------------------------------------
    def owns(self, field: str) -> bool:
        # "stages" and each stage's name; questions and minimum scores belong to step 4.
        parts = field.split(".")
        return field == "stages" or (len(parts) == 3 and parts[0] == "stages"
                                     and parts[2] == "name")

    def show_problems(self, problems: list[FieldProblem]) -> None:
        self._problems = {p.field: p.message for p in self.mine(problems)}
        self.errors["stages"].set_error(self._problems.get("stages"))
        self._show_name_error()
        t = theme.current()
        for row in range(self.list.count()):
            bad = f"stages.{row}.name" in self._problems
            self.list.item(row).setForeground(QColor(t.danger if bad else t.text))

    def _show_name_error(self) -> None:
        self.name_error.set_error(self._problems.get(f"stages.{self.list.currentRow()}.name"))

    def visible_errors(self) -> list[str]:
        return [e.text() for e in (self.errors["stages"], self.name_error)
                if not e.isHidden() and e.text()]
