"""The table view every big list uses: fixed row heights, SQL-side sorting, a designed overlay
for the loading / empty / no-results / error states, and a remembered column layout."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QByteArray, QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.views.widgets.paged_model import LoadState, PagedTableModel

ROW_HEIGHT = 34


class StateOverlay(QWidget):
    """A centred message over the table's viewport (not a blank grid)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(self)
        self.title.setObjectName("overlayTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self)
        self.hint.setObjectName("overlayHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addStretch(2)

    def show_message(self, title: str, hint: str = "") -> None:
        self.title.setText(title)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.show()
        self.raise_()


class DataTable(QTableView):
    """A QTableView over a PagedTableModel.

    ``empty_text`` is shown when nothing exists yet (with a hint on how to add some);
    ``no_results_text`` when filters or a search hide everything.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vh = self.verticalHeader()
        vh.setVisible(False)
        # Fixed heights: Qt never measures rows, so 100k rows scroll as fast as 100.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionsMovable(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.overlay = StateOverlay(self.viewport())
        self.overlay.hide()
        self.viewport().installEventFilter(self)
        self.empty_text = (self.tr("Nothing here yet"), "")
        self.no_results_text = (
            self.tr("No matches"),
            self.tr("Try a different search or clear the filters."),
        )
        self.loading_text = (self.tr("Loading…"), "")
        self._filtered = False

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if isinstance(model, PagedTableModel):
            model.stateChanged.connect(self._on_state)
            for i, column in enumerate(model.COLUMNS):
                self.setColumnWidth(i, column.width)
            q = model.query
            for i, column in enumerate(model.COLUMNS):
                if column.sort == q.sort:
                    order = (
                        Qt.SortOrder.DescendingOrder
                        if q.descending
                        else Qt.SortOrder.AscendingOrder
                    )
                    self.horizontalHeader().setSortIndicator(i, order)
                    break
            self._on_state(model.state)

    def set_filtered(self, filtered: bool) -> None:
        """Whether a search or filter is active: decides 'No matches' vs 'Nothing here yet'."""
        self._filtered = filtered
        model = self.model()
        if isinstance(model, PagedTableModel):
            self._on_state(model.state)

    def _on_state(self, state: LoadState) -> None:
        if state == LoadState.LOADING:
            self.overlay.show_message(*self.loading_text)
        elif state == LoadState.EMPTY:
            self.overlay.show_message(
                *(self.no_results_text if self._filtered else self.empty_text)
            )
        elif state == LoadState.ERROR:
            self.overlay.show_message(
                self.tr("Could not load this list"), self.tr("See the message above, then retry.")
            )
        else:
            self.overlay.hide()
        self._place_overlay()

    def _place_overlay(self) -> None:
        self.overlay.setGeometry(self.viewport().rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_overlay()
        return super().eventFilter(watched, event)

    # ----- remembered layout --------------------------------------------------------------
    def save_layout(self, settings: QSettings, key: str) -> None:
        settings.setValue(f"{key}/header", self.horizontalHeader().saveState())

    def restore_layout(self, settings: QSettings, key: str) -> None:
        state = settings.value(f"{key}/header")
        if isinstance(state, QByteArray | bytes) and state:
            self.horizontalHeader().restoreState(QByteArray(state))
