"""Step 4, Questions & scoring: per stage, its questions (add, from the library, reused from
another interviewer, remove, reorder) edited one at a time, and the optional minimum score."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.services.authoring import FieldProblem, InterviewerDraft, QuestionDraft
from milo_desktop.services.authoring.validation import QUESTIONS_MAX
from milo_desktop.services.flows.rating import SETTING as RATING_SETTING
from milo_desktop.services.flows.rating import asks_rating
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import (
    FieldError,
    WizardPage,
    hint,
    list_style,
    section_title,
)
from milo_desktop.views.authoring.pickers import LibraryDialog, ReuseDialog
from milo_desktop.views.authoring.question_editor import QuestionEditor
from milo_desktop.views.context import ViewContext

Q_ROLE = Qt.ItemDataRole.UserRole
RATED_KINDS = frozenset({StageKind.VOICE, StageKind.SMS, StageKind.FORM})
D = TypeVar("D", LibraryDialog, ReuseDialog)


class QuestionsPage(WizardPage):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.draft = InterviewerDraft()
        self.picker: LibraryDialog | ReuseDialog | None = None
        self._problems: dict[str, str] = {}
        self._loading = False
        self.stage_tabs = QTabBar(self)
        self.stage_tabs.setDrawBase(False)
        self.stage_tabs.setExpanding(False)
        self.min_score_on = QCheckBox(self.tr("Enforce objective evaluation: minimum score"),
                                      self)
        self.min_score = QSpinBox(self)
        self.min_score.setRange(0, 100)
        self.min_score.setValue(60)
        self.min_score.setSuffix(" / 100")
        self.min_score.setMaximumWidth(120)
        self.min_score_error = FieldError(self)
        # The optional closing 1–5 rating (CSAT); Voice, SMS and Form stages, on by default.
        self.rating_on = QCheckBox(self.tr("End with an optional 1–5 rating"), self)
        self.rating_on.setObjectName("askRating")
        self.rating_on.setToolTip(self.tr(
            "Candidates rate this screening from 1 to 5 at its end, or skip. The rating never "
            "counts towards their score; the mean is the interviewer's CSAT."))
        self.list = QListWidget(self)
        self.list.setObjectName("questionList")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setStyleSheet(list_style("questionList"))
        self.add_button = QPushButton(self.tr("Add question"), self)
        self.add_button.setProperty("primary", True)
        self.library_button = QPushButton(self.tr("From library…"), self)
        self.reuse_button = QPushButton(self.tr("From another interviewer…"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.preview_button = QPushButton(self.tr("Preview stage…"), self)
        self.preview_button.setToolTip(self.tr(
            "Go through this stage as a candidate would, before it goes live; nothing is saved"))
        self.preview_button.clicked.connect(self.preview_stage)
        self.up_button = QPushButton("↑", self)
        self.up_button.setToolTip(self.tr("Move up"))
        self.down_button = QPushButton("↓", self)
        self.down_button.setToolTip(self.tr("Move down"))
        self.list_error = FieldError(self)
        self.editor = QuestionEditor(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.editor)
        self.empty = QLabel(self.tr("Add a stage in step 3 first."), self)
        self.empty.setProperty("muted", True)

        score_row = QHBoxLayout()
        score_row.addWidget(self.min_score_on)
        score_row.addWidget(self.min_score)
        score_row.addWidget(self.min_score_error)
        score_row.addSpacing(16)
        score_row.addWidget(self.rating_on)
        score_row.addStretch(1)
        score_row.addWidget(self.preview_button)
        adders = QHBoxLayout()
        for b in (self.add_button, self.library_button, self.reuse_button):
            adders.addWidget(b)
        adders.addStretch(1)
        movers = QHBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            movers.addWidget(b)
        movers.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(adders)
        left.addWidget(self.list, 1)
        left.addLayout(movers)
        left.addWidget(self.list_error)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addWidget(scroll, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Questions & scoring"), self))
        layout.addWidget(hint(self.tr("Scored questions (1–5) make the score; yes/no, amount "
                                      "and choice questions pass or fail, and a failed "
                                      "dealbreaker ends the screening."), self))
        layout.addWidget(self.stage_tabs)
        layout.addWidget(self.empty)
        layout.addLayout(score_row)
        layout.addLayout(columns, 1)

        self.stage_tabs.currentChanged.connect(lambda _i: self._show_stage())
        self.list.currentRowChanged.connect(self._show_question)
        # A drop moves rows inside the list's model; read the new order once it settled.
        self._order_timer = QTimer(self, singleShot=True, interval=0)
        self._order_timer.timeout.connect(self._reordered)
        self.list.model().rowsMoved.connect(lambda *_a: self._order_timer.start())
        self.list.model().rowsInserted.connect(lambda *_a: self._order_timer.start())
        self.editor.edited.connect(self._question_edited)
        self.add_button.clicked.connect(lambda: self.add_questions(
            [QuestionDraft(kind=QuestionKind.YES_NO)]))
        self.library_button.clicked.connect(self.open_library)
        self.reuse_button.clicked.connect(self.open_reuse)
        self.remove_button.clicked.connect(self.remove_question)
        self.up_button.clicked.connect(lambda: self.move_question(-1))
        self.down_button.clicked.connect(lambda: self.move_question(1))
        self.min_score_on.toggled.connect(self._min_score_edited)
        self.min_score.valueChanged.connect(self._min_score_edited)
        self.rating_on.toggled.connect(self._rating_edited)

    # ----- stages -------------------------------------------------------------------------
    def load(self, draft: InterviewerDraft) -> None:
        """(Re)build the stage tabs from ``draft``; called when the page is shown, since
        step 3 may have added, removed or reordered stages."""
        self.draft = draft
        current = self.stage_tabs.currentIndex()
        self.stage_tabs.blockSignals(True)
        while self.stage_tabs.count():
            self.stage_tabs.removeTab(0)
        for stage in draft.stages:
            self.stage_tabs.addTab(stage.name)
        self.stage_tabs.setCurrentIndex(min(max(current, 0), len(draft.stages) - 1))
        self.stage_tabs.blockSignals(False)
        self._show_stage()

    def stage_index(self) -> int:
        return self.stage_tabs.currentIndex()

    def questions(self) -> list[QuestionDraft]:
        i = self.stage_index()
        return self.draft.stages[i].questions if 0 <= i < len(self.draft.stages) else []

    def _show_stage(self) -> None:
        i = self.stage_index()
        has = 0 <= i < len(self.draft.stages)
        self.empty.setVisible(not has)
        for w in (self.min_score_on, self.min_score, self.add_button, self.library_button,
                  self.reuse_button, self.list):
            w.setEnabled(has)
        self._loading = True
        try:
            stage = self.draft.stages[i] if has else None
            self.min_score_on.setChecked(bool(stage and stage.min_score is not None))
            if stage and stage.min_score is not None:
                self.min_score.setValue(stage.min_score)
            self.min_score.setEnabled(bool(stage and stage.min_score is not None))
            rated = stage is not None and stage.kind in RATED_KINDS
            self.rating_on.setVisible(rated)
            self.rating_on.setChecked(rated and asks_rating(stage.settings if stage else None))
            self.list.clear()
            for q in self.questions():
                item = QListWidgetItem(self.list)
                item.setData(Q_ROLE, q)
        finally:
            self._loading = False
        self._relabel()
        self.list.setCurrentRow(0 if self.questions() else -1)
        self._show_question(self.list.currentRow())
        self._apply_problems()

    def _min_score_edited(self, *_args: object) -> None:
        if self._loading or not 0 <= self.stage_index() < len(self.draft.stages):
            return
        on = self.min_score_on.isChecked()
        self.min_score.setEnabled(on)
        self.draft.stages[self.stage_index()].min_score = self.min_score.value() if on else None
        self.changed.emit()

    def _rating_edited(self, on: bool) -> None:
        if self._loading or not 0 <= self.stage_index() < len(self.draft.stages):
            return
        self.draft.stages[self.stage_index()].settings[RATING_SETTING] = bool(on)
        self.changed.emit()

    # ----- questions ----------------------------------------------------------------------
    def question_at(self, row: int) -> QuestionDraft:
        q = self.list.item(row).data(Q_ROLE)
        assert isinstance(q, QuestionDraft)
        return q

    def _relabel(self) -> None:
        t = theme.current()
        prefix = f"stages.{self.stage_index()}.questions."
        for row in range(self.list.count()):
            q = self.question_at(row)
            bad = any(f.startswith(f"{prefix}{row}.") for f in self._problems)
            text = q.prompt.strip() or self.tr("(new question)")
            self.list.item(row).setText(f"{'⚠ ' if bad else ''}{row + 1}. {text}\n"
                                        f"      {q.summary()}")
            self.list.item(row).setForeground(QColor(t.danger if bad else t.text))
            self.list.item(row).setToolTip(q.prompt)
        self.add_button.setEnabled(self.list.isEnabled() and self.list.count() < QUESTIONS_MAX)

    def add_questions(self, questions: list[QuestionDraft]) -> None:
        if not 0 <= self.stage_index() < len(self.draft.stages) or not questions:
            return
        own = self.questions()
        own.extend(questions[:max(0, QUESTIONS_MAX - len(own))])
        self._show_stage()
        self.list.setCurrentRow(len(own) - 1)
        self.changed.emit()

    def remove_question(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        del self.questions()[row]
        self._show_stage()
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        self.changed.emit()

    def move_question(self, step: int) -> None:
        row, qs = self.list.currentRow(), self.questions()
        target = row + step
        if row < 0 or not 0 <= target < len(qs):
            return
        qs[row], qs[target] = qs[target], qs[row]
        self._show_stage()
        self.list.setCurrentRow(target)
        self.changed.emit()

    def _reordered(self) -> None:
        if self._loading:
            return
        order = [self.question_at(r) for r in range(self.list.count())]
        if [id(q) for q in order] != [id(q) for q in self.questions()]:
            self.questions()[:] = order
            self._relabel()
            self.changed.emit()

    def _show_question(self, row: int) -> None:
        has = 0 <= row < self.list.count()
        self.editor.set_question(self.question_at(row) if has else None)
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.list.count() - 1)
        self._apply_problems()

    def _question_edited(self) -> None:
        self._relabel()
        self.changed.emit()

    def preview_stage(self) -> None:
        i = self.stage_index()
        if not 0 <= i < len(self.draft.stages):
            return
        self.ctx.windows.stage_preview(self.ctx, self.draft.stages[i], self,
                                       interviewer=self.draft)

    def open_library(self) -> LibraryDialog:
        dialog = LibraryDialog(self.ctx.workspace.authoring, self)
        return self._open_picker(dialog)

    def open_reuse(self) -> ReuseDialog:
        return self._open_picker(ReuseDialog(self.ctx, self))

    def _open_picker(self, dialog: D) -> D:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.add_questions(dialog.chosen()))
        dialog.destroyed.connect(lambda: setattr(self, "picker", None))
        self.picker = dialog
        dialog.open()
        return dialog

    # ----- problems -----------------------------------------------------------------------
    def owns(self, field: str) -> bool:
        parts = field.split(".")
        return len(parts) >= 3 and parts[0] == "stages" and parts[2] in ("questions",
                                                                           "min_score")

    def show_problems(self, problems: list[FieldProblem]) -> None:
        self._problems = {p.field: p.message for p in self.mine(problems)}
        self._apply_problems()
        self._relabel()
        t = theme.current()
        for i in range(self.stage_tabs.count()):
            bad = any(f.startswith(f"stages.{i}.") for f in self._problems)
            self.stage_tabs.setTabTextColor(i, QColor(t.danger if bad else t.text))

    def _apply_problems(self) -> None:
        i, row = self.stage_index(), self.list.currentRow()
        self.min_score_error.set_error(self._problems.get(f"stages.{i}.min_score"))
        self.list_error.set_error(self._problems.get(f"stages.{i}.questions"))
        prefix = f"stages.{i}.questions.{row}."
        self.editor.show_errors({f[len(prefix):]: m for f, m in self._problems.items()
                                 if f.startswith(prefix)})

    def visible_errors(self) -> list[str]:
        own = [e.text() for e in (self.min_score_error, self.list_error)
               if not e.isHidden() and e.text()]
        return own + self.editor.visible_errors()
