"""The Candidates tab's column chooser: a checkable action per hideable column.

The header's saved state already holds hidden sections, so "remembered" means: save the
table layout the moment a column is toggled, and build the menu's checks from the header
after a layout is restored. The actions are shared by the tab's Columns button and any other
menu (the main window's View menu) through ``populate``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from milo_desktop.views.widgets.paged_model import PagedTableModel


class ColumnChooser(QObject):
    def __init__(self, table: QTableView, model: PagedTableModel[Any],
                 save: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.table = table
        self.model = model
        self._save = save
        self.menu = QMenu(parent)
        self.actions: dict[str, QAction] = {}

    def rebuild(self) -> None:
        """One action per hideable column of the model's current columns (they change with
        the interviewer's stages), checked as the header shows them."""
        for action in self.actions.values():
            action.deleteLater()
        self.actions = {}
        self.menu.clear()
        self.menu.addSection(self.tr("Columns"))
        header = self.table.horizontalHeader()
        for i, column in enumerate(self.model.COLUMNS):
            if not column.hideable:
                header.setSectionHidden(i, False)
                continue
            title = self.model.headerData(i, Qt.Orientation.Horizontal)
            action = QAction(str(title), self)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda on, i=i: self._toggle(i, on))
            self.actions[column.key] = action
            self.menu.addAction(action)

    def populate(self, menu: QMenu) -> None:
        for action in self.actions.values():
            menu.addAction(action)

    def shown(self, key: str) -> bool:
        index = next(i for i, c in enumerate(self.model.COLUMNS) if c.key == key)
        return not self.table.isColumnHidden(index)

    def _toggle(self, index: int, on: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(index, not on)
        self._save()
