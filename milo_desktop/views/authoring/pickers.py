"""Picking questions to add: from the built-in library (grouped by topic, searchable) or from
another interviewer (its stages, loaded in the background). Both return fresh copies."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.authoring import AuthoringService, QuestionDraft, StageDraft
from milo_desktop.views.authoring.common import hint, kind_text
from milo_desktop.views.context import ViewContext

Q_ROLE = Qt.ItemDataRole.UserRole


class _CheckTree(QDialog):
    """A tree of groups → checkable questions, and an Add button counting the checked."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 560)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Question"), self.tr("Kind")])
        self.tree.setColumnWidth(0, 500)
        self.tree.setUniformRowHeights(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.add_button = self.buttons.addButton(self.tr("Add"),
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setProperty("primary", True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.itemChanged.connect(lambda *_a: self._count())
        self._count()

    def fill(self, groups: list[tuple[str, list[QuestionDraft]]]) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        for name, questions in groups:
            top = QTreeWidgetItem(self.tree, [f"{name} ({len(questions)})"])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            for q in questions:
                item = QTreeWidgetItem(top, [q.prompt, kind_text(q.kind)])
                item.setData(0, Q_ROLE, q)
                item.setToolTip(0, f"{q.prompt}\n{q.summary()}")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
            top.setExpanded(True)
        self.tree.blockSignals(False)
        self._count()

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                out += [c for j in range(top.childCount()) if (c := top.child(j)) is not None]
        return out

    def check(self, prompt: str) -> None:
        """Tick the question with this prompt (tests and keyboard users)."""
        for item in self._items():
            if item.text(0) == prompt:
                item.setCheckState(0, Qt.CheckState.Checked)

    def chosen(self) -> list[QuestionDraft]:
        """Fresh copies of the ticked questions, in the tree's order."""
        out = []
        for item in self._items():
            q = item.data(0, Q_ROLE)
            if item.checkState(0) == Qt.CheckState.Checked and isinstance(q, QuestionDraft):
                out.append(q.fresh_copy())
        return out

    def _count(self) -> None:
        n = len(self.chosen())
        self.add_button.setText(self.tr("Add {n} question(s)").format(n=n) if n else
                                self.tr("Add"))
        self.add_button.setEnabled(n > 0)


class LibraryDialog(_CheckTree):
    def __init__(self, service: AuthoringService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Question library"), parent)
        self.groups = service.question_library()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search questions"))
        self.search.setClearButtonEnabled(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr("Questions from every role template, by topic. Tick the "
                                      "ones to add; you can edit them afterwards."), self))
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._filter)
        self._filter("")

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        keep = [q.prompt for q in self.chosen()]
        groups = []
        for g in self.groups:
            qs = [q for q in g.questions if all(w in q.prompt.casefold() for w in words)]
            if qs:
                groups.append((g.topic, qs))
        self.fill(groups)
        for prompt in keep:
            self.check(prompt)


class ReuseDialog(_CheckTree):
    """Questions of another interviewer; the list of interviewers loads in the background."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reuse questions from another interviewer"), parent)
        self.ctx = ctx
        self.service: AuthoringService = ctx.workspace.authoring
        self.source = QComboBox(self)
        self.source.setMinimumWidth(360)
        self.status = QLabel(self.tr("Loading interviewers…"), self)
        self.status.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.source.currentIndexChanged.connect(self._load_questions)
        self.loading = True
        ctx.spawn(self._load_choices(), "authoring.reuse.choices")

    async def _load_choices(self) -> None:
        choices = await self.service.interviewer_choices()
        self.source.blockSignals(True)
        for c in choices:
            self.source.addItem(c.name, c.id)
        self.source.blockSignals(False)
        if not choices:
            self.loading = False
            self.status.setText(self.tr("No other interviewer has questions yet."))
            return
        self._load_questions()

    def _load_questions(self, *_args: object) -> None:
        interviewer_id = self.source.currentData()
        if interviewer_id is None:
            return
        self.loading = True
        self.status.setText(self.tr("Loading questions…"))

        async def go() -> None:
            stages: list[StageDraft] = await self.service.questions_of(int(interviewer_id))
            if self.source.currentData() != interviewer_id:
                return  # another interviewer was picked meanwhile
            self.fill([(s.name, s.questions) for s in stages if s.questions])
            self.status.setText("")
            self.loading = False

        self.ctx.spawn(go(), "authoring.reuse.questions")
