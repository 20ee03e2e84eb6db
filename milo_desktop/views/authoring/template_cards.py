"""The role templates as a grid of cards with a search box (step 1 of the wizard)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from milo_desktop.services.authoring import RoleTemplate
from milo_desktop.views import theme

CARD = QSize(260, 112)  # the narrowest card; wider ones share the row
KEY_ROLE = Qt.ItemDataRole.UserRole
LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # "Résumé → Voice · 9 questions"
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # the description


class CardDelegate(QStyledItemDelegate):
    """Title, workflow line in the accent colour, two lines of description; a border that
    turns accent when selected."""

    def __init__(self, parent: QListWidget) -> None:
        super().__init__(parent)
        self.size = QSize()  # set by the list to fit its width

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self.size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        t = theme.current()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(t.accent if selected else t.border), 2 if selected else 1))
        painter.setBrush(QColor(t.hover if selected or hovered else t.base))
        painter.drawRoundedRect(rect, 8, 8)
        inner = rect.adjusted(12, 10, -12, -10)
        base = QFont(option.font)
        bold = _scaled(base, 1.08)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(t.text))
        fm = QFontMetrics(bold)
        title = fm.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole)),
                              Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(inner.x(), inner.y() + fm.ascent(), title)
        y = inner.y() + fm.height() + 2
        small = _scaled(base, 0.92)
        painter.setFont(small)
        sm = QFontMetrics(small)
        painter.setPen(QColor(t.accent))
        painter.drawText(inner.x(), y + sm.ascent(), sm.elidedText(
            str(index.data(LINE_ROLE)), Qt.TextElideMode.ElideRight, inner.width()))
        y += sm.height() + 4
        painter.setPen(QColor(t.muted))
        for line in _two_lines(str(index.data(TEXT_ROLE)), sm, inner.width()):
            painter.drawText(inner.x(), y + sm.ascent(), line)
            y += sm.lineSpacing()
        painter.restore()


def _scaled(font: QFont, factor: float) -> QFont:
    """``font`` ``factor`` times as big (style sheets size fonts in pixels, not points)."""
    out = QFont(font)
    if font.pointSizeF() > 0:
        out.setPointSizeF(font.pointSizeF() * factor)
    else:
        out.setPixelSize(max(1, round(font.pixelSize() * factor)))
    return out


def _two_lines(text: str, fm: QFontMetrics, width: int) -> list[str]:
    """``text`` cut to what fits on two lines, ending in "…" when cut."""
    words, lines = text.split(), [""]
    for i, word in enumerate(words):
        trial = f"{lines[-1]} {word}".strip()
        if fm.horizontalAdvance(trial) <= width:
            lines[-1] = trial
        elif len(lines) < 2:
            lines.append(word)
        else:
            rest = " ".join([lines[-1], *words[i:]])
            lines[-1] = fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)
            break
    return lines


class TemplateCards(QListWidget):
    """The card grid; ``current_key()`` is the chosen template."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateCards")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setMouseTracking(True)
        self.delegate = CardDelegate(self)
        self.setItemDelegate(self.delegate)
        self._fit_columns()
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setStyleSheet("QListWidget#templateCards { background: transparent; }")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """As many columns as fit at the minimum card width, sharing the width evenly."""
        width = self.viewport().width() - 2
        columns = max(1, width // CARD.width())
        card = QSize(max(CARD.width(), width // columns), CARD.height())
        if card != self.delegate.size:
            self.delegate.size = card
            self.setGridSize(card)

    def set_templates(self, templates: tuple[RoleTemplate, ...],
                      lines: dict[str, str]) -> None:
        self.clear()
        for t in templates:
            item = QListWidgetItem(t.title, self)
            item.setData(KEY_ROLE, t.key)
            item.setData(LINE_ROLE, lines[t.key])
            item.setData(TEXT_ROLE, t.description)
            item.setToolTip(f"{t.title}\n{lines[t.key]}\n\n{t.description}")

    def filter(self, query: str, templates: tuple[RoleTemplate, ...]) -> int:
        """Hide the cards ``query`` does not find; returns how many remain."""
        shown = 0
        by_key = {t.key: t for t in templates}
        for i in range(self.count()):
            item = self.item(i)
            match = by_key[str(item.data(KEY_ROLE))].matches(query)
            item.setHidden(not match)
            shown += match
        return shown

    def current_key(self) -> str | None:
        item = self.currentItem()
        return str(item.data(KEY_ROLE)) if item is not None and not item.isHidden() else None

    def select_key(self, key: str) -> None:
        for i in range(self.count()):
            if self.item(i).data(KEY_ROLE) == key:
                self.setCurrentRow(i)
                return
