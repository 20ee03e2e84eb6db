"""What a previewed candidate would get: the stage score, knock-out, requirements met, and each
answer's evaluation with the evaluator that made it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.applications.results import StageEvaluation
from milo_desktop.services.scoring.text import format_number
from milo_desktop.views import theme

COLUMNS = ("Question", "Answer", "Result", "Why")


def result_text(passed: bool | None, score: int | None, structured: bool) -> str:
    """"4 / 5" for a scored answer; Pass / Fail / Unclear for a structured one."""
    if not structured:
        return f"{score} / 5"
    return "Pass" if passed is True else "Fail" if passed is False else "Unclear"


class ResultView(QWidget):
    """Empty until ``show_evaluation``; ``again`` starts the preview over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self.tr("What this candidate would get"), self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.score = QLabel(self)
        self.score.setObjectName("previewScore")
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.again = QPushButton(self.tr("Try again"), self)
        self.again.setAutoDefault(False)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col, mode in enumerate((QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.Stretch,
                                    QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(col, mode)
        # Wrapped rows are as tall as their text at the columns' current widths.
        header.sectionResized.connect(lambda *_a: self._fit_rows())
        self.reasons = QLabel(self)
        self.reasons.setWordWrap(True)
        self.reasons.setProperty("muted", True)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.again)
        score_row = QHBoxLayout()
        score_row.addWidget(self.score)
        score_row.addWidget(self.facts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(score_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reasons)
        self.evaluation: StageEvaluation | None = None
        self.show_waiting()

    def show_waiting(self, text: str = "") -> None:
        self.evaluation = None
        self.score.setText("")
        self.facts.setText(text)
        self.table.setRowCount(0)
        self.reasons.setText("")

    def show_evaluation(self, ev: StageEvaluation) -> None:
        t = theme.current()
        self.evaluation = ev
        big = format_number(ev.score) if ev.score is not None else "—"
        color = t.danger if ev.knocked_out or ev.below_min_score else t.accent
        self.score.setText(f"<span style='font-size:34px; font-weight:800; color:{color}'>"
                           f"{big}</span><span style='color:{t.muted}'> / 100</span>")
        facts: list[str] = []
        if ev.knocked_out:
            facts.append(f"<b style='color:{t.danger}'>{self.tr('Knocked out')}</b> — "
                         f"{html.escape(ev.knockout_reason or ev.knocked_out_by or '')}")
        if ev.score is None:
            facts.append(self.tr("No score: this stage has no scored questions."))
        if ev.below_min_score and ev.min_score is not None:
            facts.append(f"<span style='color:{t.danger}'>"
                         + self.tr("Below the stage minimum of {n}").format(n=ev.min_score)
                         + "</span>")
        if ev.structured_total:
            facts.append(self.tr("Requirements met: {p} of {n}").format(
                p=ev.structured_passed, n=ev.structured_total))
        facts.append(self.tr("Scored by: {e}").format(e=html.escape(ev.evaluator)))
        self.facts.setText("<br>".join(facts))
        self.table.setRowCount(len(ev.answers))
        for row, record in enumerate(ev.answers):
            e = record.evaluation
            structured = e.score is None  # scored answers always carry a 1–5
            # A keypad answer has no words: its evidence says what was pressed.
            shown = record.text or (e.evidence if record.answered else "")
            cells = (record.prompt, shown or self.tr("— not answered —"),
                     result_text(e.passed, e.score, structured),
                     f"{e.summary}" + (f"\n({e.evaluator})" if e.evaluator else ""))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if col != 3 else f"{e.summary}\n\n{e.evidence}".strip())
                if col == 2 and text in ("Fail", "Unclear"):
                    item.setForeground(QColor(t.danger if text == "Fail" else t.warning))
                self.table.setItem(row, col, item)
        self._fit_rows()
        self.reasons.setText("\n".join(f"• {r}" for r in ev.review_reasons))

    def _fit_rows(self) -> None:
        self.table.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_rows)  # not after the dialog is gone
