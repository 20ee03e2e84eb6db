"""Workspace → Data (product.md: labels on interviewers; rebuild the search index)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from milo_desktop.services.data import LabelService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.data.index_card import IndexCard
from milo_desktop.views.data.labels_card import LabelsCard
from milo_desktop.views.widgets.page_header import page_title

CONTENT_WIDTH = 860


class DataSection(QWidget):
    """Labels and the search index."""

    key = "data"  # its name in the saved UI state (it replaced the "data" placeholder)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.title = QCoreApplication.translate("DataSection", "Data")
        self._loaded = False
        self.labels = LabelsCard(ctx, LabelService(ctx.workspace.db, ctx.workspace.bus), self)
        self.index = IndexCard(ctx, self)
        subtitle = QLabel(self.tr("Labels sort your interviewers by department, client or "
                                  "location; the Interviewers table filters by them."), self)
        subtitle.setProperty("muted", True)
        subtitle.setWordWrap(True)
        content = QWidget(self)
        content.setFixedWidth(CONTENT_WIDTH)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addWidget(page_title(self.title, content))
        column.addWidget(subtitle)
        column.addWidget(self.labels)
        column.addWidget(self.index)
        column.addStretch(1)
        holder = QWidget(self)
        centre = QVBoxLayout(holder)
        centre.setContentsMargins(24, 16, 24, 24)
        centre.addWidget(content, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.labels.loaded.connect(self._labels_loaded)

    def showEvent(self, event: Any) -> None:
        """Load the labels each time the section is shown: their counts change as
        interviewers are created, cloned or deleted elsewhere."""
        super().showEvent(event)
        self.labels.refresh()

    def _labels_loaded(self) -> None:
        self._loaded = True

    def is_loaded(self) -> bool:
        return self._loaded

    def save_state(self) -> None:
        """Nothing to keep: the section shows the workspace as it is."""

    def restore_state(self) -> None:
        """Nothing kept (save_state)."""
