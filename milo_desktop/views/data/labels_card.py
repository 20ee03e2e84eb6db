"""The Labels card: every interviewer label with its colour, kind and how many interviewers
use it; an editor row below the list creates a label or changes the selected one, and Delete
says how many interviewers lose it before it goes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from milo_desktop.services.data import LABEL_KINDS, LabelService, LabelUse
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine

NEW_COLOR = "#4f46e5"


def swatch(color: str, size: int = 14) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return pixmap


def used_by(n: int) -> str:
    return "Not used" if n == 0 else f"{n:,} interviewer" + ("" if n == 1 else "s")


class LabelsCard(ActionCard):
    loaded = Signal()

    def __init__(self, ctx: ViewContext, service: LabelService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Labels"), parent)
        self.ctx = ctx
        self.service = service
        self.rows: list[LabelUse] = []
        self.color = NEW_COLOR
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Label"), self.tr("Kind"), self.tr("Used by")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(380)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("Label name, e.g. Warehouse or Dallas"))
        self.kind_combo = QComboBox(self)
        for key, words in LABEL_KINDS.items():
            self.kind_combo.addItem(self.tr(words), key)
        self.color_button = QPushButton(self.tr("Colour…"), self)
        self.add_button = QPushButton(self.tr("Add label"), self)
        self.save_button = QPushButton(self.tr("Save changes"), self)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.add_button.setProperty("primary", True)
        editor = QHBoxLayout()
        editor.addWidget(self.name_edit, 1)
        editor.addWidget(self.kind_combo)
        editor.addWidget(self.color_button)
        editor.addWidget(self.add_button)
        editor.addWidget(self.save_button)
        editor.addWidget(self.delete_button)
        self.message = MessageLine(self)
        self.body.addWidget(self.table)
        self.body.addLayout(editor)
        self.body.addWidget(self.message)
        self.show_color(NEW_COLOR)
        self._selection_changed()

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.color_button.clicked.connect(self.choose_color)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.ask_delete)

    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.add_button, self.save_button, self.delete_button)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None and not self.is_busy()
        self.save_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # ----- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the labels; the load is this card's only (cancelled if it is destroyed)."""
        async def work() -> None:
            self.show_labels(await self.service.labels())
            self.loaded.emit()

        self.ctx.spawn(work(), "data.labels.load", owner=self)

    def show_labels(self, rows: list[LabelUse], select: int | None = None) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, label in enumerate(rows):
            name = QTableWidgetItem(swatch(label.color), label.name)
            name.setData(Qt.ItemDataRole.UserRole, label.id)
            used = QTableWidgetItem(used_by(label.interviewers))
            used.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(self.tr(LABEL_KINDS.get(label.kind,
                                                                              label.kind))))
            self.table.setItem(r, 2, used)
            if label.id == select:
                self.table.selectRow(r)
        count = len(rows)
        self.set_status(self.tr("No labels yet") if not count else
                        self.tr("1 label") if count == 1 else
                        self.tr("{n} labels").format(n=count))

    def show_color(self, color: str) -> None:
        self.color = color
        self.color_button.setIcon(swatch(color))
        self.color_button.setToolTip(color)

    def selected(self) -> LabelUse | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        label = self.selected()
        self._update_buttons()
        if label is not None:
            self.name_edit.setText(label.name)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(label.kind)))
            self.show_color(label.color)

    # ----- actions ------------------------------------------------------------------------
    def choose_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, self.tr("Label colour"))
        if chosen.isValid():
            self.show_color(chosen.name())

    def _apply(self, progress: str, action, done: str, name: str) -> None:
        async def work() -> None:
            label_id = await action()  # a refused name: said by _run
            self.show_labels(await self.service.labels(), select=label_id)
            self.message.say(done, "success")

        self._run(progress, work, name)

    def add(self) -> None:
        name, kind, color = self.name_edit.text(), self.kind_combo.currentData(), self.color

        async def create() -> int:
            return (await self.service.create(name, color, kind)).id

        self._apply(self.tr("Adding…"), create,
                    self.tr("Added “{n}”.").format(n=" ".join(name.split())), "data.labels.add")

    def save(self) -> None:
        label = self.selected()
        if label is None:
            return
        name, kind, color = self.name_edit.text(), self.kind_combo.currentData(), self.color

        async def update() -> int:
            return (await self.service.update(label.id, name=name, color=color, kind=kind)).id

        self._apply(self.tr("Saving…"), update, self.tr("Saved."), "data.labels.save")

    def ask_delete(self) -> None:
        label = self.selected()
        if label is None:
            return
        question = self.tr("Delete the label “{n}”?").format(n=label.name)
        detail = (self.tr("No interviewer uses it.") if label.interviewers == 0 else
                  self.tr("It is taken off the {u} that use it; the interviewers stay.")
                  .format(u=used_by(label.interviewers).lower()))
        answer = QMessageBox.question(self, self.tr("Delete label"), f"{question}\n\n{detail}")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(label)

    def delete(self, label: LabelUse) -> None:
        async def work() -> None:
            had = await self.service.delete(label.id)
            self.show_labels(await self.service.labels())
            self.name_edit.clear()
            self.message.say(self.tr("Deleted “{n}” ({u}).").format(
                n=label.name, u=self.tr("was on {w}").format(w=used_by(had).lower())
                if had else self.tr("was not used")), "success")

        self._run(self.tr("Deleting…"), work, "data.labels.delete")
