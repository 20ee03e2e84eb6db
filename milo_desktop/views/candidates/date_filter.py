"""A compact, clearable date filter: a button "Joined after: Any" with a calendar popup."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCalendarWidget, QMenu, QPushButton, QWidget, QWidgetAction

from milo_desktop.views.candidates.format import local_day
from milo_desktop.views.widgets.formatting import py_date


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class DateFilterButton(QPushButton):
    """Shows "<caption>: Any" or "<caption>: Nov 3, 2026"; the menu holds a calendar, Today
    and Clear. ``dateChanged`` carries a ``datetime.date`` or None (cleared)."""

    dateChanged = Signal(object)

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self._date: dt.date | None = None
        self._bounds: tuple[dt.date | None, dt.date | None] = (None, None)
        self.calendar: QCalendarWidget | None = None  # built on first open: it is slow to make
        self.setAccessibleName(caption)
        menu = QMenu(self)
        self._calendar_slot = menu.addSeparator()
        self.today_action = menu.addAction(self.tr("Today"))
        self.today_action.triggered.connect(lambda: self.set_date(dt.date.today()))
        self.clear_action = menu.addAction(self.tr("Clear (any date)"))
        self.clear_action.triggered.connect(lambda: self.set_date(None))
        menu.aboutToShow.connect(self._before_show)
        self.setMenu(menu)
        self._refresh()
        # An explicit minimum (the "Any" width): a picked date widens the button where there is
        # room but never raises the row's minimum width, so the window does not relayout.
        self.setMinimumWidth(self.sizeHint().width())

    def date(self) -> dt.date | None:
        return self._date

    def set_date(self, value: dt.date | None) -> None:
        if value == self._date:
            return
        self._date = value
        self._refresh()
        self.dateChanged.emit(value)

    def set_bounds(self, minimum: dt.date | None, maximum: dt.date | None) -> None:
        """Keep "after" ≤ "before": the other filter's date limits this calendar."""
        self._bounds = (minimum, maximum)
        if self.calendar is not None:
            self._apply_bounds(self.calendar)

    def _apply_bounds(self, calendar: QCalendarWidget) -> None:
        minimum, maximum = self._bounds
        calendar.setMinimumDate(_qdate(minimum) if minimum else QDate(1900, 1, 1))
        calendar.setMaximumDate(_qdate(maximum) if maximum else QDate.currentDate().addYears(1))

    def _ensure_calendar(self) -> QCalendarWidget:
        if self.calendar is None:
            menu = self.menu()
            calendar = QCalendarWidget(menu)
            calendar.setGridVisible(False)
            calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            calendar.clicked.connect(self._picked)
            calendar.activated.connect(self._picked)
            holder = QWidgetAction(menu)
            holder.setDefaultWidget(calendar)
            menu.insertAction(self._calendar_slot, holder)
            self.calendar = calendar
        return self.calendar

    def _before_show(self) -> None:
        calendar = self._ensure_calendar()
        self._apply_bounds(calendar)
        calendar.setSelectedDate(_qdate(self._date or dt.date.today()))
        self.clear_action.setEnabled(self._date is not None)

    def _picked(self, picked: QDate) -> None:
        self.set_date(py_date(picked))
        self.menu().hide()

    def _refresh(self) -> None:
        value = self.tr("Any") if self._date is None else local_day(self._date)
        self.setText(self.tr("{caption}: {value}").format(caption=self._caption, value=value))
