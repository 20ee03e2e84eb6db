"""The two charts of the analytics screen (pyqtgraph): Interview Activity as lines, Spend Over
Time as bars stacked by kind. One point per bucket, labelled with its UTC calendar day; hover
shows the bucket's figures. Pictures, not instruments: no panning, zooming or context menu."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QCursor, QFont, QImage, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from milo_desktop.enums import SpendKind
from milo_desktop.services.analytics import ActivityPoint, Bucket, SpendPoint
from milo_desktop.views import theme
from milo_desktop.views.analytics.format import (
    axis_label,
    bucket_label,
    dollars_text,
    tr,
)
from milo_desktop.views.widgets.formatting import count_text, money_text

MAX_TICKS = 8  # bottom-axis labels across the chart, whatever the number of buckets
BAR_WIDTH = 0.7


def series_colors() -> dict[str, str]:
    """Invited, started, completed: distinct hues (they cross), readable on either theme."""
    if theme.current().dark:
        return {"invited": "#94a3b8", "started": "#818cf8", "completed": "#4ade80"}
    return {"invited": "#94a3b8", "started": "#4f46e5", "completed": "#16a34a"}


def kind_colors() -> dict[str, str]:
    """Spend kinds, calls first (the bulk of it); "other" is email and LLM costs."""
    if theme.current().dark:
        return {"call": "#818cf8", "sms": "#38bdf8", "recording": "#fbbf24", "other": "#9aa1ad"}
    return {"call": "#4f46e5", "sms": "#0ea5e9", "recording": "#f59e0b", "other": "#9ca3af"}


def kind_names() -> dict[str, str]:
    return {"call": tr("Calls"), "sms": tr("Text messages"), "recording": tr("Recordings"),
            "other": tr("Other")}


def compact_count(value: float) -> str:
    n = round(value)
    if abs(n) >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if abs(n) >= 10_000:
        return f"{n / 1000:.0f}k" if abs(n) >= 100_000 else f"{n / 1000:.1f}k"
    return count_text(n)


class _CountAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [compact_count(v) if float(v).is_integer() else "" for v in values]


class _MoneyAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [money_text(v * 100) for v in values]  # values are dollars


def _kind_group(kind: SpendKind) -> str:
    return kind.value if kind.value in ("call", "sms", "recording") else "other"


class TimeChart(pg.PlotWidget):
    """One value (or stack) per bucket along a fixed bottom axis of bucket labels."""

    def __init__(self, left: pg.AxisItem, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=None,
                         axisItems={"left": left, "bottom": pg.AxisItem("bottom")})
        self.setMinimumHeight(200)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.bucket = Bucket.DAY
        self.days: list[Any] = []  # the buckets' first days, left to right
        self.hover_index: int | None = None
        self.scene().sigMouseMoved.connect(self._hovered)

    def _prepare(self, days: list[Any], bucket: Bucket, top: float) -> None:
        t = theme.current()
        self.bucket, self.days = bucket, days
        item = self.getPlotItem()
        item.clear()
        self.setBackground(t.base)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(t.border))
            axis.setTextPen(pg.mkPen(t.muted))
        item.getAxis("left").setWidth(52)
        item.showGrid(x=False, y=True, alpha=0.12 if not t.dark else 0.2)
        item.getAxis("left").setZValue(-1)  # its grid lines behind the bars, not across them
        n = len(days)
        step = max(1, math.ceil(n / MAX_TICKS))
        item.getAxis("bottom").setTicks(
            [[(i, axis_label(days[i], bucket)) for i in range(0, n, step)], []])
        item.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        item.setYRange(0, top * 1.12 if top > 0 else 1, padding=0)

    def _hovered(self, pos: QPointF) -> None:
        item = self.getPlotItem()
        if not self.days or not item.sceneBoundingRect().contains(pos):
            self.hover_index = None
            return
        x = item.getViewBox().mapSceneToView(pos).x()
        i = round(x)
        if 0 <= i < len(self.days) and abs(x - i) <= 0.5:
            self.hover_index = i
            QToolTip.showText(QCursor.pos(), self.tooltip(i), self)

    def tooltip(self, i: int) -> str:  # overridden
        return bucket_label(self.days[i], self.bucket)


class ActivityChart(TimeChart):
    """Invited / started / completed per bucket, as lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_CountAxis("left"), parent)
        self.points: tuple[ActivityPoint, ...] = ()

    def show_points(self, points: tuple[ActivityPoint, ...], bucket: Bucket) -> None:
        self.points = points
        top = max((max(p.invited, p.started, p.completed) for p in points), default=0)
        self._prepare([p.start for p in points], bucket, top)
        xs = list(range(len(points)))
        few = len(points) <= 31
        for key, color in series_colors().items():
            ys = [getattr(p, key) for p in points]
            self.plot(xs, ys, pen=pg.mkPen(color, width=2), antialias=True,
                      symbol="o" if few else None, symbolSize=5, symbolPen=pg.mkPen(color),
                      symbolBrush=pg.mkBrush(color))

    def tooltip(self, i: int) -> str:
        p = self.points[i]
        return tr("{when}\nInvited: {i}\nStarted: {s}\nCompleted: {c}").format(
            when=bucket_label(p.start, self.bucket), i=count_text(p.invited),
            s=count_text(p.started), c=count_text(p.completed))


class SpendChart(TimeChart):
    """Dollars per bucket, stacked by kind (calls, texts, recordings, other)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_MoneyAxis("left"), parent)
        self.points: tuple[SpendPoint, ...] = ()
        self.kinds: list[str] = []  # the stacked kinds shown, bottom up

    def show_points(self, points: tuple[SpendPoint, ...], bucket: Bucket) -> None:
        self.points = points
        top = max((p.micros for p in points), default=0) / 1_000_000
        self._prepare([p.start for p in points], bucket, top)
        grouped = [self._grouped(p) for p in points]
        self.kinds = [k for k in kind_colors() if any(g.get(k) for g in grouped)]
        base = [0.0] * len(points)
        xs = list(range(len(points)))
        for kind in self.kinds:
            heights = [g.get(kind, 0) / 1_000_000 for g in grouped]
            color = kind_colors()[kind]
            self.addItem(pg.BarGraphItem(x=xs, y0=list(base), height=heights, width=BAR_WIDTH,
                                         brush=pg.mkBrush(color), pen=pg.mkPen(None)))
            base = [b + h for b, h in zip(base, heights, strict=True)]

    @staticmethod
    def _grouped(p: SpendPoint) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind, micros in p.by_kind.items():
            group = _kind_group(kind)
            out[group] = out.get(group, 0) + micros
        return out

    def tooltip(self, i: int) -> str:
        p = self.points[i]
        lines = [bucket_label(p.start, self.bucket), tr("Total: {v}").format(v=dollars_text(p.micros))]
        names = kind_names()
        lines += [f"{names[k]}: {dollars_text(v)}" for k, v in self._grouped(p).items() if v]
        return "\n".join(lines)


def compose_picture(title: str, subtitle: str, legend: list[tuple[str, str]],
                    chart: QWidget) -> QImage:
    """The chart as an image with its title, period and legend above it (for Export PNG).
    Painted on the GUI thread (Qt widgets); encoding and writing happen elsewhere."""
    t = theme.current()
    shot = chart.grab()
    ratio = shot.devicePixelRatio()
    width = round(shot.width() / ratio)
    head = 78
    image = QImage(round(width * ratio), round((shot.height() / ratio + head) * ratio),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(t.base))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(chart.font())
    font.setPixelSize(16)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(t.text))
    painter.drawText(16, 26, title)
    font.setPixelSize(12)
    font.setBold(False)
    painter.setFont(font)
    painter.setPen(QColor(t.muted))
    painter.drawText(16, 46, subtitle)
    x = 16
    for color, name in legend:
        painter.fillRect(x, 58, 10, 10, QColor(color))
        painter.setPen(QColor(t.text))
        painter.drawText(x + 15, 68, name)
        x += 30 + painter.fontMetrics().horizontalAdvance(name)
    painter.drawPixmap(0, head, shot)
    painter.end()
    return image


def legend_html(items: list[tuple[str, str]]) -> str:
    return "&nbsp;&nbsp;&nbsp;".join(
        f"<span style='color:{color}'>■</span>&nbsp;{name}" for color, name in items)


def activity_legend() -> list[tuple[str, str]]:
    names = {"invited": tr("Invited"), "started": tr("Started"), "completed": tr("Completed")}
    return [(color, names[key]) for key, color in series_colors().items()]


def spend_legend(kinds: list[str]) -> list[tuple[str, str]]:
    colors, names = kind_colors(), kind_names()
    return [(colors[k], names[k]) for k in kinds]
