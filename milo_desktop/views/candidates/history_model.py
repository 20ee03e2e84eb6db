"""The profile's contact history table: a candidate's messages, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from milo_desktop.services.candidates import MessageView
from milo_desktop.views.candidates.format import (
    CHANNEL_LABELS,
    DIRECTION_LABELS,
    MESSAGE_LABELS,
    label,
    local_datetime,
    purpose_text,
)

Index = QModelIndex | QPersistentModelIndex


class MessagesModel(QAbstractTableModel):
    """Contact history: a candidate's messages (a few dozen at most, all in memory)."""

    HEADERS = (
        QT_TRANSLATE_NOOP("MessagesModel", "Date"),
        QT_TRANSLATE_NOOP("MessagesModel", "Channel"),
        QT_TRANSLATE_NOOP("MessagesModel", "Purpose"),
        QT_TRANSLATE_NOOP("MessagesModel", "Subject"),
        QT_TRANSLATE_NOOP("MessagesModel", "Status"),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[MessageView, ...] = ()

    def set_rows(self, rows: tuple[MessageView, ...]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return local_datetime(m.created_at)
            if col == 1:
                return (
                    f"{label(CHANNEL_LABELS, m.channel)} · {label(DIRECTION_LABELS, m.direction)}"
                )
            if col == 2:
                return purpose_text(m.purpose)
            if col == 3:
                return m.subject
            return label(MESSAGE_LABELS, m.status)
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return m.subject or None
        return None
