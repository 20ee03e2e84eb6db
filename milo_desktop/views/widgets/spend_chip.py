"""Spend used vs budget, in the top bar (services/spend.py says over which period)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from milo_desktop.services.spend import SpendSummary
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.formatting import local_day, money_text


class SpendChip(QWidget):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(3)
        self.label = QLabel(self.tr("Spend —"))
        self.bar = QProgressBar(self)
        self.bar.setObjectName("spendBar")
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(130)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.summary: SpendSummary | None = None
        ctx.bridge.spendChanged.connect(self.refresh)
        # A budget edited, an interviewer archived or created: the budget side moves.
        ctx.bridge.interviewersChanged.connect(lambda _ids: self.refresh())

    def refresh(self) -> None:
        self.ctx.spawn(self._refresh(), "spend.summary")

    async def _refresh(self) -> None:
        self.show_summary(await self.ctx.workspace.spend.summary())

    def show_summary(self, s: SpendSummary) -> None:
        """The label names its period ("Spend (30 days)"): the Analytics section's default
        one, summed by the same function, so both screens show the same figure."""
        self.summary = s
        used = money_text(s.used_cents, s.currency)
        title = self.tr("Spend (%n days)", "", s.days)
        last = (s.end - dt.timedelta(microseconds=1)).date()
        period = self.tr("%1 – %2, days in UTC").replace(
            "%1", local_day(s.start.date())).replace("%2", local_day(last))
        if s.budget_cents:
            budget = money_text(s.budget_cents)
            self.label.setText(f"{title} {used} / {budget}")
            fraction = s.fraction or 0.0
            self.bar.setValue(min(1000, int(fraction * 1000)))
            self.bar.setProperty("over", fraction > 1)
            self.bar.setVisible(True)
            self.setToolTip(
                self.tr(
                    "%1 spent in the last %2 days (%3), as the providers report it: the same "
                    "figure as Analytics over that period.\nBudget for the period: %4 across "
                    "live interviewers (all-time budgets, plus daily budgets × %2 days)."
                )
                .replace("%1", used)
                .replace("%2", str(s.days))
                .replace("%3", period)
                .replace("%4", budget)
            )
        else:
            self.label.setText(f"{title} {used}")
            self.bar.setVisible(False)
            self.setToolTip(
                self.tr(
                    "%1 spent in the last %2 days (%3), as the providers report it: the same "
                    "figure as Analytics over that period. No budgets set."
                )
                .replace("%1", used)
                .replace("%2", str(s.days))
                .replace("%3", period)
            )
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)
