"""Small editors opened from the Interviewers table: the budget popup and Extend deadline."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import BudgetKind
from milo_desktop.views import theme
from milo_desktop.views.interviewers import formatting as fmt
from milo_desktop.views.widgets.formatting import date_format


class BudgetEditor(QFrame):
    """A popup under the Spend cell: kind (none / all-time / daily) and an amount in dollars.

    Emits ``submitted(kind, cents)``; the owner saves through the service and either closes
    the popup, calls ``show_error`` with the service's message, or — for a budget below what
    is already spent — ``ask_to_confirm`` with the consequence: Save becomes "Save anyway",
    and ``confirmed`` is True for the next submit (until the amount or kind changes).
    """

    submitted = Signal(str, object)  # BudgetKind value, cents or None

    def __init__(self, kind: BudgetKind, cents: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("budgetEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind = QComboBox(self)
        for value, title in ((BudgetKind.NONE, self.tr("No budget")),
                             (BudgetKind.ALL_TIME, self.tr("All-time budget")),
                             (BudgetKind.DAILY, self.tr("Daily budget"))):
            self.kind.addItem(title, value.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(BudgetKind(kind).value)))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("Amount in dollars"))
        if cents is not None:
            self.amount.setText(f"{cents / 100:.2f}".removesuffix(".00"))
        self.error = QLabel(self)
        self.error.setObjectName("budgetError")
        self.error.setStyleSheet(f"color: {fmt.DANGER_COLOR.name()};")
        self.error.setWordWrap(True)
        self.error.hide()
        self.save = QPushButton(self.tr("Save"), self)
        self.save.setDefault(True)
        cancel = QPushButton(self.tr("Cancel"), self)
        form = QFormLayout()
        form.addRow(self.tr("Budget"), self.kind)
        form.addRow(self.tr("Amount"), self.amount)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.confirmed = False
        self._asking = False
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.amount.textEdited.connect(lambda _t: self._stop_asking())
        self.amount.returnPressed.connect(self._submit)
        self.save.clicked.connect(self._submit)
        cancel.clicked.connect(self.close)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.amount.setEnabled(self.kind.currentData() != BudgetKind.NONE.value)
        self.error.hide()
        self._stop_asking()

    def _stop_asking(self) -> None:
        if self._asking:
            self._asking = self.confirmed = False
            self.save.setText(self.tr("Save"))
            self.error.hide()

    def _submit(self) -> None:
        kind = str(self.kind.currentData())
        cents: int | None = None
        if kind != BudgetKind.NONE.value:
            try:
                cents = fmt.parse_dollars(self.amount.text())
            except ValueError:
                self.show_error(self.tr("Enter an amount like 250 or 99.50."))
                return
        self.confirmed = self._asking
        self.save.setEnabled(False)
        self.submitted.emit(kind, cents)

    def show_error(self, message: str) -> None:
        self.save.setEnabled(True)
        self.error.setStyleSheet(f"color: {fmt.DANGER_COLOR.name()};")
        self.error.setText(message)
        self.error.show()
        self.adjustSize()

    def ask_to_confirm(self, message: str) -> None:
        """The budget is below what is already spent: say what that does; a second Save
        ("Save anyway") confirms it."""
        self._asking, self.confirmed = True, False
        self.save.setEnabled(True)
        self.save.setText(self.tr("Save anyway"))
        self.error.setStyleSheet(f"color: {theme.current().warning};")
        self.error.setText(message)
        self.error.show()
        self.adjustSize()


class ExtendDeadlineDialog(QDialog):
    """+7 / +14 / +30 days, or a date. Emits ``chosen(days, until)``: one of them is None."""

    chosen = Signal(object, object)  # days: int | None, until: datetime | None

    def __init__(self, name: str, deadline: dt.datetime | None, now: dt.datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Extend deadline"))
        current = fmt.deadline_text(deadline, now)
        intro = QLabel(self.tr("{name}: {current}").format(name=name, current=current), self)
        intro.setWordWrap(True)
        quick = QHBoxLayout()
        self.quick_buttons: dict[int, QPushButton] = {}
        for days in (7, 14, 30):
            button = QPushButton(self.tr("+{n} days").format(n=days), self)
            button.clicked.connect(lambda _=False, d=days: self._pick(d, None))
            quick.addWidget(button)
            self.quick_buttons[days] = button
        start = max(deadline, now) if deadline is not None else now
        local = (start + dt.timedelta(days=30)).astimezone()
        self.date = QDateEdit(QDate(local.year, local.month, local.day), self)
        self.date.setDisplayFormat(date_format())
        self.date.setCalendarPopup(True)
        tomorrow = (now + dt.timedelta(days=1)).astimezone()
        self.date.setMinimumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        on_date = QHBoxLayout()
        on_date.addWidget(QLabel(self.tr("Or until"), self))
        on_date.addWidget(self.date, 1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.set_date = box.addButton(self.tr("Set date"), QDialogButtonBox.ButtonRole.AcceptRole)
        box.rejected.connect(self.reject)
        self.set_date.clicked.connect(self._pick_date)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(quick)
        layout.addLayout(on_date)
        layout.addWidget(box)

    def _pick(self, days: int | None, until: dt.datetime | None) -> None:
        self.chosen.emit(days, until)
        self.accept()

    def _pick_date(self) -> None:
        self._pick(None, end_of_local_day(self.date.date()))


def end_of_local_day(day: QDate) -> dt.datetime:
    """The last second of ``day`` in local time, as UTC (a deadline "until" a date includes
    that whole day)."""
    local = dt.datetime(day.year(), day.month(), day.day(), 23, 59, 59).astimezone()
    return local.astimezone(dt.UTC)
