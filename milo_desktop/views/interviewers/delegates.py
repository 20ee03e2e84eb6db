"""Painting for the Interviewers tables: two-line name cells, label chips, the budget pencil."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from milo_desktop.views import theme
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.widgets.paged_model import ObjectRole

Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 44  # two lines of text; fixed so big tables never measure rows
PAD = 8


def _background(delegate: QStyledItemDelegate, painter: QPainter, option: QStyleOptionViewItem,
                index: Index) -> None:
    """Let the style draw selection / hover / alternate background, without any text."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    opt.icon = QIcon()
    style = opt.widget.style() if opt.widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)


def _text_color(option: QStyleOptionViewItem, muted: bool = False) -> QColor:
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    if selected:
        return option.palette.color(QPalette.ColorRole.HighlightedText)
    if muted:
        return option.palette.color(QPalette.ColorRole.PlaceholderText)
    return option.palette.color(QPalette.ColorRole.Text)


class TwoLineDelegate(QStyledItemDelegate):
    """A bold first line and a grey second line, with an optional status dot before them.

    ``lines(row)`` returns (title, subtitle, dot colour or None).
    """

    def __init__(self, lines: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines = lines

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if row is None:
            super().paint(painter, option, index)
            return
        title, subtitle, dot = self._lines(row)
        painter.save()
        _background(self, painter, option, index)
        rect = option.rect.adjusted(PAD, 4, -PAD, -4)
        if dot is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(dot)
            d = 8
            fm = QFontMetrics(option.font)
            painter.drawEllipse(rect.left(), rect.top() + (fm.height() - d) // 2 + 2, d, d)
            rect = rect.adjusted(d + 8, 0, 0, 0)
        bold = QFont(option.font)
        bold.setBold(True)
        half = rect.height() // 2
        painter.setFont(bold)
        painter.setPen(_text_color(option))
        top = QRect(rect.left(), rect.top(), rect.width(), half)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight,
                                                       top.width()))
        small = QFont(option.font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.9)
        painter.setFont(small)
        painter.setPen(_text_color(option, muted=True))
        bottom = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(small).elidedText(subtitle, Qt.TextElideMode.ElideRight,
                                                        bottom.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(200, ROW_HEIGHT)


class LabelChipsDelegate(QStyledItemDelegate):
    """Labels as small rounded chips in their own colours; "+2" when they don't fit."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        labels = getattr(row, "labels", ()) if row is not None else ()
        painter.save()
        _background(self, painter, option, index)
        font = QFont(option.font)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(font)
        h = fm.height() + 4
        x = option.rect.left() + PAD
        y = option.rect.top() + (option.rect.height() - h) // 2
        right = option.rect.right() - PAD
        for i, label in enumerate(labels):
            w = fm.horizontalAdvance(label.name) + 12
            rest = len(labels) - i - 1
            more_w = fm.horizontalAdvance(f"+{rest}") + 6 if rest else 0
            if x + w + more_w > right:
                painter.setPen(_text_color(option, muted=True))
                painter.drawText(QRect(x, y, right - x, h), Qt.AlignmentFlag.AlignVCenter,
                                 f"+{len(labels) - i}")
                break
            color = QColor(label.color)
            fill = QColor(color)
            fill.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRect(x, y, w, h), h / 2, h / 2)
            # readable on both themes: darker ink on light, lighter ink on dark
            painter.setPen(color.lighter(150) if theme.current().dark else color.darker(130))
            painter.drawText(QRect(x, y, w, h), Qt.AlignmentFlag.AlignCenter, label.name)
            x += w + 4
        painter.restore()


class SpendDelegate(QStyledItemDelegate):
    """The spend text, plus a pencil on the hovered cell: clicking it asks for the editor."""

    editRequested = Signal(QModelIndex)

    def _pencil_rect(self, rect: QRect) -> QRect:
        return QRect(rect.left() + 2, rect.top(), 20, rect.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        if option.state & QStyle.StateFlag.State_MouseOver:
            painter.save()
            painter.setPen(_text_color(option, muted=True))
            painter.drawText(self._pencil_rect(option.rect), Qt.AlignmentFlag.AlignCenter, "✎")
            painter.restore()

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if (event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
                and self._pencil_rect(option.rect).contains(event.position().toPoint())):
            # PySide6's stub omits QModelIndex(QPersistentModelIndex), which Qt converts.
            self.editRequested.emit(QModelIndex(index))  # type: ignore[arg-type]
            return True
        return super().editorEvent(event, model, option, index)


def interviewer_lines(row: Any) -> tuple[str, str, QColor]:
    return (row.name, f"{row.slug} · {fmt.interviewer_status_text(row.status)}",
            fmt.STATUS_COLORS[row.status])


def profile_lines(row: Any) -> tuple[str, str, None]:
    second = " · ".join(x for x in (row.email, row.location) if x)
    return row.name, second, None
