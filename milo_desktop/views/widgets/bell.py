"""The notifications bell: unread badge, the recent list, mark all read."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.notifications import NotificationRow
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.resources import icon
from milo_desktop.views.widgets.formatting import ago_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class NotificationsPopup(QFrame):
    chosen = Signal(object)  # NotificationRow
    markAllRead = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("popup")
        self.setFixedWidth(400)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        head = QHBoxLayout()
        title = QLabel(self.tr("Notifications"))
        title.setStyleSheet("font-weight: 650; font-size: 14px;")
        self.mark_all = QPushButton(self.tr("Mark all read"))
        self.mark_all.clicked.connect(self.markAllRead)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.mark_all)
        layout.addLayout(head)
        self.list = QListWidget(self)
        self.list.setObjectName("popupList")
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(item.data(ROW_ROLE)))
        self.empty = QLabel(
            self.tr("You're all caught up. New completions, callers and sync problems appear here.")
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        self.empty.setContentsMargins(6, 16, 6, 16)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)

    def set_rows(self, rows: list[NotificationRow]) -> None:
        self.list.clear()
        for row in rows:
            text = (
                f"{'● ' if not row.read else ''}{row.title}\n{row.body}  ·  {ago_text(row.created_at)}"
            )
            item = QListWidgetItem(text.strip())
            item.setData(ROW_ROLE, row)
            if not row.read:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.mark_all.setEnabled(any(not r.read for r in rows))
        self.list.setFixedHeight(min(420, max(1, len(rows)) * 52))
        self.adjustSize()


class NotificationBell(QToolButton):
    """Shows the unread count; click for the list. Refreshes on the bus's notification events."""

    notificationChosen = Signal(object)  # NotificationRow
    countChanged = Signal(int)

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("bell")
        self.setIcon(icon("bell"))
        self.setIconSize(QSize(20, 20))
        self.setToolTip(self.tr("Notifications"))
        self.setAccessibleName(self.tr("Notifications"))
        self.setFixedSize(40, 34)
        self.unread = 0
        self.popup = NotificationsPopup(self)
        self.popup.chosen.connect(self._chosen)
        self.popup.markAllRead.connect(
            lambda: ctx.spawn(self._mark_all(), "notifications.mark-all")
        )
        self.clicked.connect(self.open_popup)
        ctx.bridge.notificationAdded.connect(lambda _id: self.refresh())
        ctx.bridge.notificationsRead.connect(self.refresh)

    def refresh(self) -> None:
        self.ctx.spawn(self._refresh(), "notifications.count")

    async def _refresh(self) -> None:
        self.unread = await self.ctx.workspace.notifications.unread_count()
        self.setToolTip(self.tr("Notifications (%n unread)").replace("%n", str(self.unread)))
        self.update()
        self.countChanged.emit(self.unread)
        if self.popup.isVisible():
            self.popup.set_rows(await self.ctx.workspace.notifications.recent())

    def open_popup(self) -> None:
        self.ctx.spawn(self._open(), "notifications.open")

    async def _open(self) -> None:
        rows = await self.ctx.workspace.notifications.recent()
        self.popup.set_rows(rows)
        pos = self.mapToGlobal(QPoint(self.width() - self.popup.width(), self.height() + 4))
        self.popup.move(pos)
        self.popup.show()

    async def _mark_all(self) -> None:
        await self.ctx.workspace.notifications.mark_all_read()

    def _chosen(self, row: NotificationRow) -> None:
        self.popup.hide()
        if not row.read:
            self.ctx.spawn(self.ctx.workspace.notifications.mark_read(row.id), "notifications.read")
        self.notificationChosen.emit(row)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.unread <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = str(self.unread) if self.unread < 100 else "99+"
        font = QFont(self.font())
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        w = max(16, painter.fontMetrics().horizontalAdvance(text) + 8)
        rect = QRectF(self.width() - w - 1, 1, w, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.current().danger))
        painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
