"""The global Analytics section: totals, Interview Activity and Spend Over Time charts and the
recent completions, for all agents or one interviewer over a period.

Figures are counted by the database in the background (``AnalyticsService.overview``); a newer
filter or a refresh makes older answers stale (a generation counter). Applications and spend
changing (sync, reviews) recount after a pause, and only while the section is on screen."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.analytics import AnalyticsFilter, Overview
from milo_desktop.services.analytics.export import activity_csv, spend_csv, write_export
from milo_desktop.views.analytics import charts
from milo_desktop.views.analytics.filters import CUSTOM, FilterBar
from milo_desktop.views.analytics.format import (
    dollars_text,
    micros_money,
    percent_text,
    period_text,
    tr,
)
from milo_desktop.views.analytics.pieces import FigureCard, Panel, message_page, stylesheet
from milo_desktop.views.analytics.recent import RecentCompletionsList
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.banner import Banner
from milo_desktop.views.widgets.formatting import count_text
from milo_desktop.views.widgets.page_header import page_title

KEY = "analytics"
REFRESH_DELAY_MS = 1000  # sync writes in bursts: one recount per burst
RECENT = 10


def _png_bytes(image: QImage) -> bytes:
    """Encode off the GUI thread (QImage, unlike QPixmap, may be used from any thread)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; Qt wants str
    buffer.close()
    return bytes(data.data())


class AnalyticsSection(QWidget):
    """What the main window embeds. Loads on first show (or ``start()``); ``loaded`` fires
    whenever a filter's figures (or the empty state) are drawn."""

    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.analytics
        self.overview: Overview | None = None
        self.filter: AnalyticsFilter | None = None
        self._started = False
        self._loading = False
        self._stale = False
        self._generation = 0
        self.last_export: Path | None = None
        self.choices_loaded = False  # the interviewer list has been read
        self._build()
        self._wire()

    # ----- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.setStyleSheet(stylesheet())
        self.filters = FilterBar(self.service.clock, self)
        self.period_label = QLabel(self)
        self.period_label.setObjectName("periodLabel")
        self.period_label.setMinimumWidth(1)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("Analytics"), self))
        head.addSpacing(12)
        head.addWidget(self.period_label, 1, Qt.AlignmentFlag.AlignBaseline)
        head.addWidget(self.filters)
        self.banner = Banner(self)

        self.cards = {
            "candidates": FigureCard(tr("Candidates"), tr(
                "Different people invited in this period (by any interviewer in the filter).")),
            "interviews": FigureCard(tr("Interviews"), tr(
                "Interviews started in this period.")),
            "completion": FigureCard(tr("Completion rate"), tr(
                "Of the interviews started in this period, the share completed in it: every "
                "stage done and scored (knock-outs are not completions).")),
            "spend": FigureCard(tr("Spend"), tr(
                "What Twilio and other providers charged in this period. For all agents this "
                "includes the receptionists' calls.")),
        }
        cards = QHBoxLayout()
        cards.setSpacing(12)
        for card in self.cards.values():
            cards.addWidget(card, 1)
        self.activity_chart = charts.ActivityChart(self)
        self.spend_chart = charts.SpendChart(self)
        self.activity_panel = Panel(tr("Interview Activity"), self.activity_chart, exports=True)
        self.spend_panel = Panel(tr("Spend Over Time"), self.spend_chart, exports=True)
        self.recent = RecentCompletionsList(self)
        self.no_recent = QLabel(tr("No completions in this period."), self)
        self.no_recent.setObjectName("cardDetail")
        self.no_recent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        recent_body = QWidget(self)
        recent_box = QVBoxLayout(recent_body)
        recent_box.setContentsMargins(0, 0, 0, 0)
        recent_box.addWidget(self.no_recent)
        recent_box.addWidget(self.recent, 1)
        self.recent_panel = Panel(tr("Recent completions"), recent_body, exports=False)
        self.recent_panel.setMinimumWidth(300)
        self.recent_panel.setMaximumWidth(420)
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.activity_panel, 1)
        left.addWidget(self.spend_panel, 1)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(left, 3)
        body.addWidget(self.recent_panel, 1)

        self.content = QWidget()
        content_box = QVBoxLayout(self.content)
        content_box.setContentsMargins(0, 0, 0, 0)
        content_box.setSpacing(12)
        content_box.addLayout(cards)
        content_box.addLayout(body, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.content)
        self.content.setMinimumHeight(620)
        self.loading_page, _t, _h = message_page(tr("Counting…"), tr(
            "Interviews, completions and spend are being counted."))
        self.empty_page, self.empty_title, self.empty_hint = message_page(
            tr("No interviews in this period"),
            tr("Nobody was invited, started or completed an interview, and nothing was spent. "
               "Try a longer period or all agents."))
        self.pages = QStackedWidget(self)
        for page in (self.loading_page, self.empty_page, scroll):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

    def _wire(self) -> None:
        self.filters.changed.connect(self.apply_filter)
        self.filters.invalid.connect(lambda text: self.banner.say(text, problem=True))
        self.recent.candidateChosen.connect(self.open_candidate)
        self.activity_panel.exportRequested.connect(lambda kind: self.ask_export("activity", kind))
        self.spend_panel.exportRequested.connect(lambda kind: self.ask_export("spend", kind))
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.ctx.bridge.applicationsChanged.connect(lambda _ids: self._changed())
        self.ctx.bridge.spendChanged.connect(self._changed)
        self.ctx.bridge.interviewersChanged.connect(lambda _ids: self._load_choices())

    # ----- loading ---------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.start()
        if self._stale:
            self.refresh()

    def closeEvent(self, event: Any) -> None:
        self._refresh_timer.stop()
        super().closeEvent(event)

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._load_choices()
            self.refresh()

    def is_loaded(self) -> bool:
        return self.overview is not None and not self._loading

    def apply_filter(self, f: AnalyticsFilter) -> None:
        """Count and show ``f``, the filter the header's controls just chose."""
        self.filter = f
        self.banner.hide()
        self._count(f)

    def refresh(self) -> None:
        """Count again with the filter on screen (presets move with the clock)."""
        self._stale = False
        try:
            f = self.filters.current()
        except EnvironmentProblem as exc:
            self.banner.say(exc.message, problem=True)
            return
        self.filter = f
        self._count(f)

    def _count(self, f: AnalyticsFilter) -> None:
        self._generation += 1
        self._loading = True
        self.period_label.setText(tr("Counting…") if self.overview is not None
                                  else period_text(f.start, f.end, f.bucket))
        if self.overview is None:
            self.pages.setCurrentWidget(self.loading_page)
        self.ctx.spawn(self._load(f, self._generation), name="analytics.overview", owner=self)

    async def _load(self, f: AnalyticsFilter, generation: int) -> None:
        try:
            overview = await self.service.overview(f, RECENT)
        except EnvironmentProblem as exc:  # a locked or unreachable database: say so here
            if generation == self._generation:
                self._loading = False
                self.banner.say(exc.message, problem=True)
            return
        if generation != self._generation:
            return  # a newer filter or refresh is counting
        self._loading = False
        self.show_overview(overview)

    def _load_choices(self) -> None:
        async def go() -> None:
            self.filters.set_choices(await self.service.interviewer_choices())
            self.choices_loaded = True

        self.ctx.spawn(go(), name="analytics.interviewers", owner=self)

    def _changed(self) -> None:
        if not self._started:
            return
        if self.isVisible():
            # Started, not restarted: a steady stream of events (sync rounds every second)
            # must not hold the recount off for good.
            if not self._refresh_timer.isActive():
                self._refresh_timer.start()
        else:
            self._stale = True  # counted when the section is shown again

    # ----- drawing ---------------------------------------------------------------------------
    def show_overview(self, o: Overview) -> None:
        self.overview = o
        f = o.filter
        self.period_label.setText(period_text(f.start, f.end, o.bucket))
        self.period_label.setToolTip(self.period_label.text())  # the whole of it, if cut
        if o.empty:
            self.pages.setCurrentWidget(self.empty_page)
            self.loaded.emit()
            return
        t = o.totals
        period = self.filters.period_name(f.start, f.end)
        for card in self.cards.values():
            card.set_period(period)
        self.cards["candidates"].set(count_text(t.candidates), tr("{n} invitations").format(
            n=count_text(t.invited)))
        self.cards["interviews"].set(count_text(t.started), tr("started in this period"))
        self.cards["completion"].set(percent_text(t.completion_rate),
                                     tr("{done} of {started} completed").format(
                                         done=count_text(t.started_completed),
                                         started=count_text(t.started)))
        self.cards["spend"].set(micros_money(t.spend_micros), tr(
            "{cost} per completion").format(
                cost=dollars_text(t.spend_micros // t.completed)) if t.completed
            else tr("no completed interviews"))
        self.activity_chart.show_points(o.activity, o.bucket)
        self.activity_panel.legend.setText(charts.legend_html(charts.activity_legend()))
        self.spend_chart.show_points(o.spend, o.bucket)
        self.spend_panel.legend.setText(charts.legend_html(
            charts.spend_legend(self.spend_chart.kinds)) if self.spend_chart.kinds
            else tr("Nothing spent in this period"))
        self.recent.set_rows(o.recent)
        self.recent.setVisible(bool(o.recent))
        self.no_recent.setVisible(not o.recent)
        self.pages.setCurrentIndex(2)
        self.loaded.emit()

    def open_candidate(self, candidate_id: int) -> None:
        self.ctx.windows.candidate_profile(self.ctx, candidate_id, self.window())

    # ----- export ----------------------------------------------------------------------------
    def _folder(self) -> str:
        saved = self.ctx.settings.value(f"{KEY}/export-folder")
        if isinstance(saved, str) and Path(saved).is_dir():
            return saved
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def ask_export(self, chart: str, kind: str) -> None:
        if self.overview is None:
            return
        title = (self.activity_panel if chart == "activity" else self.spend_panel).title.text()
        name = f"{title} {self.overview.filter.start.date()}.{kind}"
        filter_text = tr("PNG images (*.png)") if kind == "png" else tr("CSV files (*.csv)")
        chosen, _ = QFileDialog.getSaveFileName(self, tr("Export {chart}").format(chart=title),
                                                str(Path(self._folder()) / name), filter_text)
        if chosen:
            self.ctx.settings.setValue(f"{KEY}/export-folder", str(Path(chosen).parent))
            self.export(chart, kind, Path(chosen))

    def export(self, chart: str, kind: str, path: Path) -> Any:
        """Save ``chart`` ("activity" / "spend") as PNG or its data as CSV; returns the task.
        The picture is painted here; encoding and writing run in a worker thread."""
        o = self.overview
        assert o is not None
        panel = self.activity_panel if chart == "activity" else self.spend_panel
        if kind == "png":
            legend = (charts.activity_legend() if chart == "activity"
                      else charts.spend_legend(self.spend_chart.kinds))
            widget = self.activity_chart if chart == "activity" else self.spend_chart
            image = charts.compose_picture(panel.title.text(), self._subtitle(o), legend, widget)
        else:
            text = (activity_csv(o.activity, o.bucket) if chart == "activity"
                    else spend_csv(o.spend, o.bucket))

        async def go() -> None:
            try:
                data = (await asyncio.to_thread(_png_bytes, image) if kind == "png"
                        else text.encode("utf-8"))
                await write_export(path, data)
            except EnvironmentProblem as exc:
                self.banner.say(exc.message, problem=True)
                return
            self.last_export = path
            self.banner.say(tr("Saved {file}.").format(file=path.name))

        return self.ctx.spawn(go(), name=f"analytics.export.{kind}")

    def _subtitle(self, o: Overview) -> str:
        who = self.filters.interviewer.itemText(self.filters.interviewer.currentIndex())
        return f"{who} · {period_text(o.filter.start, o.filter.end, o.bucket)}"

    # ----- state -----------------------------------------------------------------------------
    def save_state(self) -> None:
        s = self.ctx.settings
        iid = self.filters.interviewer_id()
        s.setValue(f"{KEY}/interviewer", "" if iid is None else int(iid))
        s.setValue(f"{KEY}/period", self.filters.preset())
        first, last = self.filters.custom_days()
        s.setValue(f"{KEY}/first", first.isoformat())
        s.setValue(f"{KEY}/last", last.isoformat())

    def restore_state(self) -> None:
        s = self.ctx.settings
        period = str(s.value(f"{KEY}/period", "") or "")
        if self.filters.period.findData(period) >= 0:
            days = None
            if period == CUSTOM:
                try:
                    days = (dt.date.fromisoformat(str(s.value(f"{KEY}/first"))),
                            dt.date.fromisoformat(str(s.value(f"{KEY}/last"))))
                except ValueError:
                    days = None
            self.filters.set_period(period, *(days or (None, None)))
        saved = str(s.value(f"{KEY}/interviewer", "") or "")
        if saved.isdigit():
            self.filters.set_interviewer(int(saved))
