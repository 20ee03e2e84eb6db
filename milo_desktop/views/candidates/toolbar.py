"""The directory's tool row: search, Joined after / before, Clear filters, Sort, View."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from milo_desktop.views.candidates.date_filter import DateFilterButton
from milo_desktop.views.candidates.directory_model import SORT_CHOICES


class DirectoryToolbar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by name, email or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.search.setMaximumWidth(420)
        self.search.setAccessibleName(self.tr("Search candidates"))
        self.joined_after = DateFilterButton(self.tr("Joined after"), self)
        self.joined_before = DateFilterButton(self.tr("Joined before"), self)
        self.clear_filters = QPushButton(self.tr("Clear filters"), self)
        self.clear_filters.setFlat(True)
        self.clear_filters.setCursor(Qt.CursorShape.PointingHandCursor)
        # Keeps its place when hidden, so the row (and the window) never changes minimum width.
        policy = self.clear_filters.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.clear_filters.setSizePolicy(policy)
        self.clear_filters.hide()
        self.sort_combo = QComboBox(self)
        self.sort_combo.setAccessibleName(self.tr("Sort"))
        for text, key, descending in SORT_CHOICES:
            # Marked for translation in the model's context, where they are declared.
            label = QCoreApplication.translate("DirectoryModel", text)
            self.sort_combo.addItem(label, (key, descending))
        self.view_button = QPushButton(self.tr("View"), self)
        self.view_button.setToolTip(self.tr("Show or hide columns"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search)
        row.addWidget(self.joined_after)
        row.addWidget(self.joined_before)
        row.addWidget(self.clear_filters)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Sort:"), self))
        row.addWidget(self.sort_combo)
        row.addWidget(self.view_button)
