"""The interviewer page's Analytics tab: the funnel by stage (Invited → Started → Completed),
response / completion / drop-off rates, the median time in each stage and where the candidates
came from. The figures are counted by the database (services/analytics/funnel.py, whose module
doc defines every one of them); this tab only draws them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.analytics import InterviewerFunnel
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.interviewers.analytics_chart import (
    FunnelChart,
    bar_colors,
    duration_text,
    elide,
    percent_text,
    source_text,
    tr,
)
from milo_desktop.views.widgets.banner import Banner
from milo_desktop.views.widgets.formatting import count_text, money_text

REFRESH_DELAY_MS = 400  # sync reports results in bursts: one recount per burst
SIDE_BY_SIDE = 1000  # tab width from which the funnel and the sources share a row


# ----- the tab -------------------------------------------------------------------------------
class AnalyticsTab(QWidget):
    """Counts in the background when shown for an interviewer, and again (debounced) when
    applications change; while hidden it only notes that its figures are stale."""

    loaded = Signal()  # figures (or the empty state) are on screen

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.interviewer_id: int | None = None
        self.funnel: InterviewerFunnel | None = None
        self._stale = False
        self._generation = 0

        self.banner = Banner(self)
        self.pages = QStackedWidget(self)
        self.loading = self._message_page(tr("Loading analytics…"), "")
        self.empty = self._message_page(
            tr("No candidates yet — invite some to see the funnel"),
            tr("Response and completion rates, time in each stage and where candidates come "
               "from appear here once people are invited."))
        self.content = QWidget()
        self.cards = QHBoxLayout()
        self.cards.setSpacing(12)
        self.chart = FunnelChart(self.content)
        self.legend = QLabel(self.content)
        self.no_stages = QLabel(tr("This interviewer has no stages yet."), self.content)
        self.no_stages.setProperty("muted", True)
        self.stage_grid = QGridLayout()
        self.source_grid = QGridLayout()
        funnel_panel, funnel_box, funnel_head = self._panel(tr("Funnel by stage"))
        funnel_head.addWidget(self.legend)
        funnel_box.addWidget(self.no_stages)
        funnel_box.addWidget(self.chart, 1)
        source_panel, source_box, _head = self._panel(tr("Candidates by source"))
        source_box.addLayout(self.source_grid)
        source_box.addStretch(1)
        self.stage_panel, stage_box, _head = self._panel(tr("Stages"))
        stage_box.addLayout(self.stage_grid)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.middle.setSpacing(12)
        self.middle.addWidget(funnel_panel, 3)
        self.middle.addWidget(source_panel, 2)
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 12, 4, 12)
        body.setSpacing(12)
        body.addLayout(self.cards)
        body.addLayout(self.middle)
        body.addWidget(self.stage_panel)
        body.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.content)
        for page in (self.loading, self.empty, scroll):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.bridge.applicationsChanged.connect(lambda _ids: self._changed())
        ctx.bridge.spendChanged.connect(self._changed)  # the Spend card
        ctx.bridge.interviewersChanged.connect(
            lambda ids: self._changed() if not ids or self.interviewer_id in ids else None)

    # ----- loading ----------------------------------------------------------------------------
    def load(self, interviewer_id: int) -> None:
        """Show ``interviewer_id``'s figures (the loading state until they arrive). Counted
        now if the tab is on screen, else when it is first shown: most visits to an
        interviewer never open this tab."""
        self.interviewer_id = interviewer_id
        self.funnel = None
        self.banner.hide()
        self.pages.setCurrentWidget(self.loading)
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self) -> None:
        if self.interviewer_id is None:
            return
        self._stale = False
        self._generation += 1
        self.ctx.spawn(self._load(self.interviewer_id, self._generation),
                       name="interviewers.analytics.load", owner=self)

    async def _load(self, interviewer_id: int, generation: int) -> None:
        try:
            funnel = await self.ctx.workspace.analytics.funnel(interviewer_id)
        except EnvironmentProblem as exc:  # a locked or unreachable database: say so here
            if generation == self._generation:
                self.banner.say(exc.message, problem=True)
            return
        if generation != self._generation or interviewer_id != self.interviewer_id:
            return  # another interviewer or a newer count meanwhile
        self.banner.hide()
        self.show_funnel(funnel)

    def _changed(self) -> None:
        if self.interviewer_id is None:
            return
        if self.isVisible():
            # Started, not restarted: a steady stream of events (sync rounds every second)
            # must not hold the recount off for good.
            if not self._refresh_timer.isActive():
                self._refresh_timer.start()
        else:
            self._stale = True  # counted when the tab is shown again

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Side by side on a wide window; stacked when the funnel would be too cramped.
        self.middle.setDirection(QBoxLayout.Direction.LeftToRight if self.width() >= SIDE_BY_SIDE
                                 else QBoxLayout.Direction.TopToBottom)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # ----- drawing ----------------------------------------------------------------------------
    def show_funnel(self, f: InterviewerFunnel) -> None:
        self.funnel = f
        if f.empty:
            self.pages.setCurrentWidget(self.empty)
            self.loaded.emit()
            return
        t = theme.current()
        self.content.setStyleSheet(
            f"QFrame#analyticsCard {{ background: {t.base}; border: 1px solid {t.border};"
            " border-radius: 8px; }"
            f" QLabel#cardValue {{ font-size: 22px; font-weight: 650; color: {t.text}; }}"
            f" QLabel#cardTitle, QLabel#cardDetail, QLabel#gridHeader {{ color: {t.muted}; }}"
            " QLabel#gridHeader { font-weight: 600; }"
            " QLabel#sectionTitle { font-size: 15px; font-weight: 650; }"
            f" QProgressBar#sourceBar {{ border: none; background: {t.border};"
            " border-radius: 3px; max-height: 6px; }"
            f" QProgressBar#sourceBar::chunk {{ background: {t.accent}; border-radius: 3px; }}")
        self._fill_cards(f)
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(
            f"<span style='color:{color}'>■</span> {name}" for color, name in zip(
                bar_colors(), (tr("Invited"), tr("Started"), tr("Completed")), strict=True)))
        self.no_stages.setVisible(not f.stages)
        for widget in (self.chart, self.legend, self.stage_panel):
            widget.setVisible(bool(f.stages))
        self.chart.show_funnel(f.stages)
        self._fill_stage_grid(f)
        self._fill_source_grid(f)
        self.pages.setCurrentIndex(2)
        self.loaded.emit()

    def _fill_cards(self, f: InterviewerFunnel) -> None:
        _clear(self.cards)
        knocked = sum(s.knocked_out for s in f.stages)
        for title, value, detail in (
            (tr("Invited"), count_text(f.invited), tr("candidates in this interviewer, all time")),
            (tr("Response rate"), percent_text(f.response_rate),
             tr("{n} started a stage").format(n=count_text(f.responded))),
            (tr("Completion rate"), percent_text(f.completion_rate),
             tr("{n} of {m} who started completed every stage").format(
                 n=count_text(f.completed), m=count_text(f.responded))),
            (tr("Knocked out"), count_text(knocked), tr("by a dealbreaker")),
            (tr("Spend"), money_text(f.spend_micros / 10_000),
             tr("in total, as the providers report it")),
        ):
            self.cards.addWidget(_card(title, value, detail))

    def _fill_stage_grid(self, f: InterviewerFunnel) -> None:
        grid = self.stage_grid
        _clear(grid)
        if not f.stages:
            return
        heads = (tr("Stage"), tr("Invited"), tr("Started"), tr("Completed"), tr("Knocked out"),
                 tr("Drop-off"), tr("Median time"))
        for col, text in enumerate(heads):
            grid.addWidget(_cell(text, "gridHeader", right=col > 0), 0, col)
        for row, s in enumerate(f.stages, 1):
            name = _cell(f"{row}. {elide(s.name)}  ·  {fmt.stage_kind_text(s.kind)}")
            name.setToolTip(s.name)
            name.setWordWrap(True)  # a narrow window wraps the name instead of scrolling
            name.setMinimumWidth(120)
            grid.addWidget(name, row, 0)
            for col, text in enumerate((count_text(s.invited), count_text(s.started),
                                        count_text(s.completed), count_text(s.knocked_out),
                                        percent_text(s.drop_off_rate),
                                        duration_text(s.median_seconds)), 1):
                grid.addWidget(_cell(text, right=True), row, col)
        grid.setColumnStretch(0, 1)
        grid.setHorizontalSpacing(14)

    def _fill_source_grid(self, f: InterviewerFunnel) -> None:
        grid = self.source_grid
        _clear(grid)
        for row, (source, n) in enumerate(sorted(f.sources.items(), key=lambda kv: -kv[1])):
            share = n / f.invited if f.invited else 0.0
            bar = QProgressBar()
            bar.setObjectName("sourceBar")
            bar.setRange(0, 1000)
            bar.setValue(round(share * 1000))
            bar.setTextVisible(False)
            grid.addWidget(_cell(source_text(source)), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(_cell(count_text(n), right=True), row, 2)
            grid.addWidget(_cell(percent_text(share), "cardDetail", right=True), row, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 90)
        grid.setColumnMinimumWidth(2, 70)
        grid.setColumnMinimumWidth(3, 50)
        grid.setHorizontalSpacing(14)

    # ----- pieces -----------------------------------------------------------------------------
    def _message_page(self, title: str, hint: str) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        for text, name in ((title, "overlayTitle"), (hint, "overlayHint")):
            label = QLabel(text, page)
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setVisible(bool(text))
            box.addWidget(label)
        box.addStretch(2)
        return page

    def _panel(self, title: str) -> tuple[QFrame, QVBoxLayout, QHBoxLayout]:
        """A card with a title row; returns it, its body and its title row."""
        panel = QFrame(self.content)
        panel.setObjectName("analyticsCard")
        box = QVBoxLayout(panel)
        box.setContentsMargins(16, 12, 16, 14)
        box.setSpacing(10)
        head = QHBoxLayout()
        label = QLabel(title, panel)
        label.setObjectName("sectionTitle")
        head.addWidget(label)
        head.addStretch(1)
        box.addLayout(head)
        return panel, box, head

    def texts(self) -> list[str]:
        """The text of every label shown on the current page (tests read the figures)."""
        page = self.pages.currentWidget()
        if page is None:
            return []
        return [w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page) and w.text()]


def _card(title: str, value: str, detail: str) -> QFrame:
    card = QFrame()
    card.setObjectName("analyticsCard")
    box = QVBoxLayout(card)
    box.setContentsMargins(14, 10, 14, 12)
    box.setSpacing(2)
    for text, name in ((title, "cardTitle"), (value, "cardValue"), (detail, "cardDetail")):
        label = _cell(text, name)
        label.setWordWrap(name == "cardDetail")  # cards share a narrow window's width
        box.addWidget(label)
    box.addStretch(1)  # top-aligned, whether or not a detail wraps
    return card


def _cell(text: str, name: str = "", *, right: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    if right:
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _clear(layout: QGridLayout | QHBoxLayout) -> None:
    """Remove and delete every widget of ``layout`` (figures are redrawn whole)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()  # gone now, deleted when control returns to the event loop
            widget.deleteLater()
