"""Painting for the pipeline table: the two-line caller cell, contact cells with copy / call /
email buttons, the status pill with the review state, and the row's action links.

Buttons are painted, not widgets (a widget per cell would not scale); ``editorEvent`` turns a
click inside one into ``buttonClicked(key, row)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from milo_desktop.enums import CallReview
from milo_desktop.services.pipeline import CallRow
from milo_desktop.views import theme
from milo_desktop.views.receptionists import pipeline_format as fmt
from milo_desktop.views.receptionists.pipeline_model import caller_title
from milo_desktop.views.widgets.paged_model import ObjectRole

Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 46  # two lines; fixed so the table never measures rows
PAD = 8
BUTTON = 22  # square icon buttons
LINK_GAP = 12  # between two action links


def _background(delegate: QStyledItemDelegate, painter: QPainter, option: QStyleOptionViewItem,
                index: Index) -> None:
    """The style's selection / hover / alternate background, without any text."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    opt.icon = QIcon()
    style = opt.widget.style() if opt.widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)


def _selected(option: QStyleOptionViewItem) -> bool:
    return bool(option.state & QStyle.StateFlag.State_Selected)


def _ink(option: QStyleOptionViewItem, muted: bool = False) -> QColor:
    if _selected(option):
        return option.palette.color(QPalette.ColorRole.HighlightedText)
    role = QPalette.ColorRole.PlaceholderText if muted else QPalette.ColorRole.Text
    return option.palette.color(role)


def _small(font: QFont, factor: float = 0.9) -> QFont:
    small = QFont(font)
    if small.pointSizeF() > 0:
        small.setPointSizeF(small.pointSizeF() * factor)
    return small


def _elided(painter: QPainter, rect: QRect, text: str, font: QFont,
            align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
    painter.setFont(font)
    painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter,
                     QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                   max(0, rect.width())))


class CallerDelegate(QStyledItemDelegate):
    """Caller name in bold over the receptionist's name; an accent dot marks unread calls."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if not isinstance(row, CallRow):
            super().paint(painter, option, index)
            return
        painter.save()
        _background(self, painter, option, index)
        rect = option.rect.adjusted(PAD, 4, -PAD, -4)
        dot = 8
        if row.unread:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.current().accent))
            painter.drawEllipse(rect.left(), rect.top() + rect.height() // 4 - dot // 2, dot, dot)
        rect = rect.adjusted(dot + 6, 0, 0, 0)
        half = rect.height() // 2
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setPen(_ink(option))
        _elided(painter, QRect(rect.left(), rect.top(), rect.width(), half), caller_title(row),
                bold)
        painter.setPen(_ink(option, muted=True))
        _elided(painter, QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half),
                row.receptionist_name, _small(option.font))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(200, ROW_HEIGHT)


class ButtonsDelegate(QStyledItemDelegate):
    """Text on the left, small icon buttons on the right (drawn only when they apply).

    ``text_of(row)`` gives the text; ``buttons`` is ((key, glyph, tooltip, applies(row)), …);
    ``tag_of(row)``, when given, a muted tag drawn right after the text ("unverified").
    """

    buttonClicked = Signal(str, object)  # key, row

    def __init__(self, text_of: Callable[[CallRow], str],
                 buttons: tuple[tuple[str, str, str, Callable[[CallRow], bool]], ...],
                 parent: Any = None, *, tag_of: Callable[[CallRow], str] | None = None) -> None:
        super().__init__(parent)
        self._text_of = text_of
        self._buttons = buttons
        self._tag_of = tag_of

    def button_rects(self, rect: QRect, row: CallRow) -> list[tuple[str, QRect]]:
        shown = [b for b in self._buttons if b[3](row)]
        x = rect.right() - PAD - len(shown) * (BUTTON + 2) + 2
        top = rect.top() + (rect.height() - BUTTON) // 2
        out = []
        for key, *_rest in shown:
            out.append((key, QRect(x, top, BUTTON, BUTTON)))
            x += BUTTON + 2
        return out

    def tooltip_at(self, rect: QRect, row: CallRow, pos: Any) -> str | None:
        tips = {b[0]: b[2] for b in self._buttons}
        for key, r in self.button_rects(rect, row):
            if r.contains(pos):
                return tips[key]
        return None

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if not isinstance(row, CallRow):
            super().paint(painter, option, index)
            return
        painter.save()
        _background(self, painter, option, index)
        rects = self.button_rects(option.rect, row)
        right = rects[0][1].left() - 6 if rects else option.rect.right() - PAD
        text = self._text_of(row)
        tag = self._tag_of(row) if self._tag_of is not None else ""
        left = option.rect.left() + PAD
        tag_font = _small(option.font, 0.82)
        tag_w = QFontMetrics(tag_font).horizontalAdvance(tag) + 12 if tag else 0
        room = right - left - (tag_w + 6 if tag else 0)
        painter.setPen(_ink(option, muted=not text))
        _elided(painter, QRect(left, option.rect.top(), room, option.rect.height()),
                text or "—", option.font)
        if tag:
            shown = min(QFontMetrics(option.font).horizontalAdvance(text or "—"), room)
            _paint_tag(painter, QRect(left + shown + 6, option.rect.top(), tag_w,
                                      option.rect.height()), tag, tag_font, option)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        glyphs = {b[0]: b[1] for b in self._buttons}
        for key, r in rects:
            color = QColor(theme.current().accent) if hovered else _ink(option, muted=True)
            if _selected(option):
                color = _ink(option)
            _paint_icon(painter, r, glyphs[key], color, option.font)
        painter.restore()

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            row = index.data(ObjectRole)
            if isinstance(row, CallRow):
                pos = event.position().toPoint()
                for key, r in self.button_rects(option.rect, row):
                    if r.contains(pos):
                        self.buttonClicked.emit(key, row)
                        return True
        return super().editorEvent(event, model, option, index)


def _paint_tag(painter: QPainter, rect: QRect, text: str, font: QFont,
               option: QStyleOptionViewItem) -> None:
    """A small outlined, muted tag (vertically centred in ``rect``)."""
    h = QFontMetrics(font).height() + 2
    box = QRect(rect.left(), rect.top() + (rect.height() - h) // 2, rect.width(), h)
    color = _ink(option) if _selected(option) else QColor(theme.current().warning)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(color, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), h / 2, h / 2)
    painter.setFont(font)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _paint_icon(painter: QPainter, rect: QRect, glyph: str, color: QColor, font: QFont) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if glyph == "copy":
        # Two overlapping sheets: drawn, because no copy glyph is in every system font.
        pen = QPen(color, 1.3)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = QRectF(rect).adjusted(6, 5, -8, -7)
        painter.drawRoundedRect(r.translated(3, 3), 1.5, 1.5)
        painter.drawRoundedRect(r, 1.5, 1.5)
        return
    painter.setPen(color)
    painter.setFont(_small(font, 1.1))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)


class StatusDelegate(QStyledItemDelegate):
    """The call's status as a coloured pill, the review state under it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if not isinstance(row, CallRow):
            super().paint(painter, option, index)
            return
        painter.save()
        _background(self, painter, option, index)
        rect = option.rect.adjusted(PAD, 3, -PAD, -3)
        half = rect.height() // 2
        font = _small(option.font, 0.85)
        fm = QFontMetrics(font)
        text = fmt.status_text(row.status)
        color = fmt.status_color(row.status)
        h = fm.height() + 2
        w = min(fm.horizontalAdvance(text) + 14, rect.width())
        pending = row.review == CallReview.PENDING
        # Not evaluated yet: no review line, so the pill sits in the middle of the cell.
        top = rect.top() + ((rect.height() - h) // 2 if pending else (half - h) // 2 + 1)
        pill = QRect(rect.left(), top, w, h)
        fill = QColor(color)
        fill.setAlpha(60 if theme.current().dark else 34)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, h / 2, h / 2)
        painter.setPen(color)
        _elided(painter, pill.adjusted(7, 0, -5, 0), text, font)
        if pending:
            painter.restore()
            return
        review = fmt.review_text(row.review)
        if row.score is not None:
            review = fmt.tr("{review} · score {score}").format(review=review,
                                                                score=fmt.score_text(row.score))
        painter.setPen(_ink(option) if _selected(option) else fmt.review_color(row.review))
        _elided(painter, QRect(rect.left() + 2, rect.top() + half, rect.width() - 2,
                               rect.height() - half), review, _small(option.font))
        painter.restore()


class LinksDelegate(QStyledItemDelegate):
    """The row's actions as links: "Details" and "Ingest…"."""

    linkClicked = Signal(str, object)  # key, row

    def __init__(self, links: tuple[tuple[str, str], ...], parent: Any = None) -> None:
        super().__init__(parent)
        self._links = links

    def width_needed(self, font: QFont) -> int:
        """The column width that shows every link whole."""
        fm = QFontMetrics(font)
        links = sum(fm.horizontalAdvance(text) + 4 for _key, text in self._links)
        return 2 * PAD + links + LINK_GAP * (len(self._links) - 1)

    def link_rects(self, option: QStyleOptionViewItem) -> list[tuple[str, str, QRect]]:
        fm = QFontMetrics(option.font)
        x = option.rect.left() + PAD
        out = []
        for key, text in self._links:
            w = fm.horizontalAdvance(text) + 4
            out.append((key, text, QRect(x, option.rect.top(), w, option.rect.height())))
            x += w + LINK_GAP
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if not isinstance(row, CallRow):
            super().paint(painter, option, index)
            return
        painter.save()
        _background(self, painter, option, index)
        painter.setPen(_ink(option) if _selected(option) else QColor(theme.current().accent))
        painter.setFont(option.font)
        for _key, text, r in self.link_rects(option):
            painter.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            row = index.data(ObjectRole)
            pos = event.position().toPoint()
            for key, _text, r in self.link_rects(option):
                if isinstance(row, CallRow) and r.contains(pos):
                    self.linkClicked.emit(key, row)
                    return True
        return super().editorEvent(event, model, option, index)
