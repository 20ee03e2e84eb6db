"""The notifications bell: unread badge, the recent list (newest first, each with its kind and
age), mark all read; choosing a row marks it read and asks the window to open its record."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import NotificationKind
from milo_desktop.services.notifications import NotificationRow
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.resources import icon
from milo_desktop.views.widgets.formatting import ago_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def kind_label(kind: NotificationKind) -> str:
    """The short name of a kind, shown under each notification."""
    return {
        NotificationKind.COMPLETED: QCoreApplication.translate("Bell", "Completed"),
        NotificationKind.SCORE_READY: QCoreApplication.translate("Bell", "Score ready"),
        NotificationKind.CALLER_NEEDS_REVIEW: QCoreApplication.translate("Bell", "Caller"),
        NotificationKind.EMAIL_APPLICATION: QCoreApplication.translate("Bell", "By email"),
        NotificationKind.DEADLINE_NEAR: QCoreApplication.translate("Bell", "Deadline"),
        NotificationKind.SYNC_FAILED: QCoreApplication.translate("Bell", "Sync"),
    }[kind]


POPUP_WIDTH = 420
LIST_MAX_HEIGHT = 460
TITLE_MAX, BODY_MAX = 140, 180  # characters shown; the record itself has the rest


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class NotificationItem(QWidget):
    """One row of the list: an unread dot, the title (bold while unread), the body and
    "Kind · age" in muted text. Clicks go through to the list (labels ignore the mouse)."""

    def __init__(self, row: NotificationRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = theme.current()
        self.row_layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        self.dot = QLabel("●", self)
        self.dot.setStyleSheet(f"color: {t.accent if not row.read else 'transparent'};"
                               " font-size: 10px;")
        self.dot.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.dot.setToolTip(self.tr("Unread") if not row.read else "")
        column = QVBoxLayout()
        column.setSpacing(2)
        self.title = QLabel(_clip(row.title, TITLE_MAX), self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setStyleSheet(f"font-weight: {650 if not row.read else 400};")
        self.body = QLabel(_clip(row.body, BODY_MAX), self)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setWordWrap(True)
        self.body.setStyleSheet(f"color: {t.muted};")
        self.body.setVisible(bool(row.body.strip()))
        self.meta = QLabel(f"{kind_label(row.kind)}  ·  {ago_text(row.created_at)}", self)
        self.meta.setStyleSheet(f"color: {t.muted}; font-size: 11px;")
        column.addWidget(self.title)
        column.addWidget(self.body)
        column.addWidget(self.meta)
        layout.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(column, 1)
        for label in (self.dot, self.title, self.body, self.meta):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)


class _BackgroundOnly(QStyledItemDelegate):
    """Paints a row's hover / selection only: its ``NotificationItem`` shows the text, which
    the item still carries for accessibility and keyboard search."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = ""


class NotificationsPopup(QFrame):
    chosen = Signal(object)  # NotificationRow
    markAllRead = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("popup")
        self.setFixedWidth(POPUP_WIDTH)
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
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setStyleSheet("QListWidget#popupList::item { padding: 0px; }")  # rows pad
        self.list.setItemDelegate(_BackgroundOnly(self.list))
        self.list.itemClicked.connect(lambda item: self.chosen.emit(item.data(ROW_ROLE)))
        self.list.itemActivated.connect(lambda item: self.chosen.emit(item.data(ROW_ROLE)))
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
        # Each row as wide as the list without its scroll bar, as tall as its wrapped text.
        width = POPUP_WIDTH - 16 - 2 - self.list.verticalScrollBar().sizeHint().width()
        total = 0
        for row in rows:
            item = QListWidgetItem(f"{row.title}\n{row.body}".strip())
            item.setData(ROW_ROLE, row)
            widget = NotificationItem(row, self.list.viewport())
            widget.ensurePolished()  # the app's style sheet sets the fonts it is measured in
            height = widget.row_layout.totalHeightForWidth(width)
            item.setSizeHint(QSize(width, height))
            total += height
            self.list.addItem(item)
            self.list.setItemWidget(item, widget)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.mark_all.setEnabled(any(not r.read for r in rows))
        self.list.setFixedHeight(min(LIST_MAX_HEIGHT, max(1, total) + 4))
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
        self.popup.chosen.connect(self.choose)
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

    def choose(self, row: NotificationRow) -> None:
        """Open ``row``'s record (``notificationChosen``), marking it read."""
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
