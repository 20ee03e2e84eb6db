"""The profile's contact history: a candidate's messages, newest first, with how each one
fared (sent / delivered / failed / bounced / opened; the provider's reason on hover)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import Channel, MessageStatus
from milo_desktop.services.candidates import MessageView
from milo_desktop.views import theme
from milo_desktop.views.candidates.format import (
    CHANNEL_LABELS,
    DIRECTION_LABELS,
    MESSAGE_LABELS,
    label,
    local_datetime,
    purpose_text,
)
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP

Index = QModelIndex | QPersistentModelIndex
# Delivery at a glance: problems in red, confirmed delivery (or an open) in green.
STATUS_COLORS = {
    MessageStatus.FAILED: "#dc2626",
    MessageStatus.BOUNCED: "#dc2626",
    MessageStatus.DELIVERED: "#16a34a",
    MessageStatus.OPENED: "#16a34a",
}


# A bounce in a few words (the mail server's own words are on hover): what the enhanced
# status code or the diagnostic says, else that the address does not exist (the usual bounce).
BOUNCE_WORDS = (
    (("5.2.2", "mailbox full", "quota", "over quota", "insufficient storage"),
     QT_TRANSLATE_NOOP("Candidates", "the mailbox is full")),
    (("5.7.", "spam", "blocked", "policy", "rejected by", "blacklist"),
     QT_TRANSLATE_NOOP("Candidates", "the receiving server refused it")),
    (("5.1.2", "host not found", "domain not found", "no mx", "nxdomain"),
     QT_TRANSLATE_NOOP("Candidates", "the address's domain does not exist")),
)
BOUNCE_DEFAULT = QT_TRANSLATE_NOOP("Candidates", "the address does not exist")


def bounce_reason(error: str | None) -> str:
    """"the address does not exist", "the mailbox is full"… from a bounce's diagnostic."""
    text = (error or "").lower()
    for needles, words in BOUNCE_WORDS:
        if any(n in text for n in needles):
            return QCoreApplication.translate("Candidates", words)
    return QCoreApplication.translate("Candidates", BOUNCE_DEFAULT)


def status_text(m: MessageView) -> str:
    """"Delivered", "Bounced — the address does not exist", "Cancelled — not sent", or for a
    message that cannot go out yet "Queued — connect an email account to send"
    (services/readiness.py says why)."""
    if m.status == MessageStatus.BOUNCED:
        return QCoreApplication.translate("Candidates", "Bounced — {why}").format(
            why=bounce_reason(m.error))
    if m.status == MessageStatus.CANCELLED:
        return QCoreApplication.translate("Candidates", "Cancelled — not sent")
    word = label(MESSAGE_LABELS, m.status)
    if m.waiting:
        return f"{word} — {QCoreApplication.translate('Candidates', m.waiting)}"
    return word


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
                if m.channel == Channel.ATS:  # written to the ATS, not sent to the person
                    return f"{label(CHANNEL_LABELS, m.channel)} · {m.to_addr.title()}"
                return (
                    f"{label(CHANNEL_LABELS, m.channel)} · {label(DIRECTION_LABELS, m.direction)}"
                )
            if col == 2:
                return purpose_text(m.purpose)
            if col == 3:
                return m.subject
            return status_text(m)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 3:
                return m.subject or None
            if col == 4 and m.waiting:
                return status_text(m)
            if col == 4 and m.error:
                return self.tr("{status}: {why}").format(
                    status=label(MESSAGE_LABELS, m.status), why=m.error)
            if col == 1 and m.to_addr:
                return self.tr("To {address}").format(address=m.to_addr)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            # amber for a message waiting on the user: nothing failed, but it won't go alone
            color = theme.current().warning if m.waiting else STATUS_COLORS.get(m.status)
            return QColor(color) if color else None
        return None


class HistoryPage(QWidget):
    """The Contact history tab: the table, or a line saying there is nothing yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MessagesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.table.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setStretchLastSection(False)
        for col, width in enumerate((160, 150, 130, 260, 300)):
            self.table.setColumnWidth(col, width)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(self.tr("No messages yet."), self)
        self.empty.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.empty, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.table, 1)

    def set_rows(self, rows: tuple[MessageView, ...]) -> None:
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
