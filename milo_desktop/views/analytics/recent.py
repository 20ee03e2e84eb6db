"""The "Recent completions" list: who completed, for which interviewer, their score, when.
A click (or Enter) opens the candidate's profile."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from milo_desktop.services.analytics import RecentCompletion
from milo_desktop.views import theme
from milo_desktop.views.analytics.format import tr
from milo_desktop.views.widgets.formatting import ago_text, local_datetime, score_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_HEIGHT = 52


def score_color(score: float | None) -> str:
    t = theme.current()
    if score is None:
        return t.muted
    if score >= 75:
        return t.success
    if score >= 50:
        return t.accent
    return t.warning


class _RowDelegate(QStyledItemDelegate):
    """Name (bold) over "Interviewer · 2h ago"; the score at the right."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, RecentCompletion):
            return
        t = theme.current()
        painter.save()
        rect = option.rect.adjusted(10, 0, -10, 0)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if hovered or selected:
            painter.fillRect(option.rect, QColor(t.hover))
        score = score_text(row.score) or tr("Scoring…")
        bold = QFont(option.font)
        bold.setBold(True)
        score_font = QFont(bold)
        score_font.setPixelSize(16)
        painter.setFont(score_font)
        score_w = painter.fontMetrics().horizontalAdvance(score) + 4
        painter.setPen(QColor(score_color(row.score)))
        painter.drawText(QRect(rect.right() - score_w, rect.top(), score_w, rect.height()),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score)
        text_w = rect.width() - score_w - 12
        painter.setFont(bold)
        painter.setPen(QColor(t.text))
        name = painter.fontMetrics().elidedText(row.candidate_name, Qt.TextElideMode.ElideRight,
                                                text_w)
        painter.drawText(QRect(rect.left(), rect.top() + 7, text_w, 20),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(option.font)
        painter.setPen(QColor(t.muted))
        when = f" · {ago_text(row.completed_at)}"  # kept whole; a long role name is cut
        metrics = painter.fontMetrics()
        role_w = max(0, text_w - metrics.horizontalAdvance(when))
        detail = metrics.elidedText(row.interviewer_name, Qt.TextElideMode.ElideRight,
                                    role_w) + when
        painter.drawText(QRect(rect.left(), rect.top() + 27, text_w, 18),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)
        painter.setPen(QColor(t.border))
        painter.drawLine(option.rect.left() + 10, option.rect.bottom(),
                         option.rect.right() - 10, option.rect.bottom())
        painter.restore()


class RecentCompletionsList(QListWidget):
    """Newest first; ``candidateChosen(candidate_id)`` on click or Enter."""

    candidateChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recentList")
        self.setItemDelegate(_RowDelegate(self))
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.itemClicked.connect(self._chosen)
        self.itemActivated.connect(self._chosen)

    def set_rows(self, rows: tuple[RecentCompletion, ...]) -> None:
        self.clear()
        for row in rows:
            item = QListWidgetItem()
            item.setData(ROW_ROLE, row)
            item.setToolTip(tr("{name} — {role}, completed {when}. Click to open.").format(
                name=row.candidate_name, role=row.interviewer_name,
                when=local_datetime(row.completed_at)))
            item.setSizeHint(QSize(0, ROW_HEIGHT))
            self.addItem(item)

    def rows(self) -> list[RecentCompletion]:
        return [self.item(i).data(ROW_ROLE) for i in range(self.count())]

    def _chosen(self, item: QListWidgetItem) -> None:
        row = item.data(ROW_ROLE)
        if isinstance(row, RecentCompletion):
            self.candidateChosen.emit(row.candidate_id)
