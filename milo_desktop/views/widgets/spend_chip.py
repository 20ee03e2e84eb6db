"""Spend used vs budget, in the top bar."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from milo_desktop.services.spend import SpendSummary
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.formatting import money_text


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

    def refresh(self) -> None:
        self.ctx.spawn(self._refresh(), "spend.summary")

    async def _refresh(self) -> None:
        self.show_summary(await self.ctx.workspace.spend.summary())

    def show_summary(self, s: SpendSummary) -> None:
        self.summary = s
        used = money_text(s.used_cents, s.currency)
        month = s.month_start.strftime("%B")
        if s.budget_cents:
            self.label.setText(
                self.tr("Spend %1 / %2")
                .replace("%1", used)
                .replace("%2", money_text(s.budget_cents))
            )
            fraction = s.fraction or 0.0
            self.bar.setValue(min(1000, int(fraction * 1000)))
            self.bar.setProperty("over", fraction > 1)
            self.bar.setVisible(True)
            self.setToolTip(
                self.tr(
                    "%1 spent in %2 of a %3 budget across live interviewers (as the providers report it)."
                )
                .replace("%1", used)
                .replace("%2", month)
                .replace("%3", money_text(s.budget_cents))
            )
        else:
            self.label.setText(self.tr("Spend %1").replace("%1", used))
            self.bar.setVisible(False)
            self.setToolTip(
                self.tr("%1 spent in %2. No budgets set.").replace("%1", used).replace("%2", month)
            )
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)
