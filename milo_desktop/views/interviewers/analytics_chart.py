"""How the Analytics tab draws and writes its figures: the funnel chart (pyqtgraph grouped
bars, labelled with their counts) and the texts of durations, rates and counts."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QWidget

from milo_desktop.enums import CandidateSource
from milo_desktop.services.analytics import StageFunnel
from milo_desktop.views import theme
from milo_desktop.views.widgets.formatting import count_text

BAR_WIDTH = 0.28  # of one stage's slot on the chart (three bars side by side)
MIN_SLOTS = 3  # the chart is never narrower than three stages' worth of bars
NAME_CHARS = 40  # longer stage names are elided in the table (the full name is the tooltip)


def tr(text: str) -> str:
    return QCoreApplication.translate("InterviewerAnalytics", text)


# ----- how figures read ----------------------------------------------------------------------
def duration_text(seconds: float | None) -> str:
    """A time in stage: "2d 4h", "3h 20m", "45m", "30s"; "—" when nothing was timed."""
    if seconds is None:
        return "—"
    s = max(0, round(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else f"{secs}s"


def percent_text(rate: float | None) -> str:
    """"76%", "4.9%" (one decimal below 10%), "—" when the rate has no denominator."""
    if rate is None:
        return "—"
    pct = rate * 100
    return f"{pct:.1f}%" if 0 < pct < 10 else f"{pct:.0f}%"


def compact_count(n: int) -> str:
    """Bar labels stay narrower than their bar: "9,812", "33.8k", "934k", "1.2M"."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 100_000:
        return f"{n / 1000:.0f}k"
    if n >= 10_000:
        return f"{n / 1000:.1f}k"
    return count_text(n)


def source_text(source: str) -> str:
    return {
        CandidateSource.ATS: tr("ATS"), CandidateSource.EMAIL: tr("Email"),
        CandidateSource.PHONE: tr("Phone"), CandidateSource.DIRECTORY: tr("Directory"),
        CandidateSource.MANUAL: tr("Manual"),
    }[CandidateSource(source)]


def bar_colors() -> tuple[str, str, str]:
    """Invited, Started, Completed: the colours the global analytics screen gives the same
    three series (views/analytics/charts.py ``series_colors``), so they read alike."""
    if theme.current().dark:
        return "#94a3b8", "#818cf8", "#4ade80"
    return "#94a3b8", "#4f46e5", "#16a34a"


def elide(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ----- the chart -----------------------------------------------------------------------------
class FunnelChart(pg.PlotWidget):
    """Grouped bars per stage (Invited, Started, Completed), each labelled with its count.
    A picture, not an instrument: no panning, zooming or context menu."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=None)
        self.setMinimumHeight(260)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.labels: list[str] = []  # the bar labels, left to right (tests read them)
        self._names: list[str] = []  # "1. Résumé screening", one per stage
        self._slots = 1.0  # stage slots across the chart's width

    def _fit_ticks(self) -> None:
        """Stage names under their bars, elided to their slot's width so none overlap."""
        axis = self.getPlotItem().getAxis("bottom")
        room = int(self.width() / max(self._slots, 1.0)) - 12
        metrics = QFontMetrics(axis.style.get("tickFont") or axis.font())
        axis.setTicks([[(i, metrics.elidedText(name, Qt.TextElideMode.ElideRight, room))
                        for i, name in enumerate(self._names)]])

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        # pyqtgraph also calls this from its __init__, before the plot (and _names) exist.
        if getattr(self, "_names", None):
            self._fit_ticks()

    def show_funnel(self, stages: tuple[StageFunnel, ...]) -> None:
        t = theme.current()
        item = self.getPlotItem()
        item.clear()
        self.setBackground(t.base)
        item.hideAxis("left")  # every bar carries its count
        axis = item.getAxis("bottom")
        axis.setPen(pg.mkPen(t.border))
        axis.setTextPen(pg.mkPen(t.muted))
        axis.setStyle(tickLength=0)  # a tick would cut the middle bar
        self.labels = []
        top = max((s.invited for s in stages), default=0)
        font = QFont(self.font())
        font.setPixelSize(12)
        for offset, color, values in zip(
            (-BAR_WIDTH, 0.0, BAR_WIDTH), bar_colors(),
            ([s.invited for s in stages], [s.started for s in stages],
             [s.completed for s in stages]), strict=True,
        ):
            xs = [i + offset for i in range(len(stages))]
            item.addItem(pg.BarGraphItem(x=xs, height=values, width=BAR_WIDTH * 0.92,
                                         brush=pg.mkBrush(color), pen=pg.mkPen(None)))
            for x, value in zip(xs, values, strict=True):
                label = pg.TextItem(compact_count(value), color=t.text, anchor=(0.5, 1.0))
                label.setFont(font)
                label.setPos(x, value)
                item.addItem(label)
                self.labels.append(label.toPlainText())
        # At least MIN_SLOTS stages wide, centred: one stage does not become three slabs.
        pad = max(0, MIN_SLOTS - len(stages)) / 2
        item.setXRange(-0.6 - pad, len(stages) - 0.4 + pad, padding=0)
        self._names = [f"{i + 1}. {s.name}" for i, s in enumerate(stages)]
        self._slots = len(stages) + 2 * pad + 0.2
        self._fit_ticks()
        item.setYRange(0, max(top, 1) * 1.18, padding=0)  # room for the labels on top
