"""The analytics header's filters: which interviewer ("All agents" or one, found by typing) and
which period (presets, or Custom… with two dates). Emits the resulting AnalyticsFilter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QSignalBlocker, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QHBoxLayout, QLabel, QWidget

from milo_desktop.enums import InterviewerStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.analytics import (
    AnalyticsFilter,
    Bucket,
    InterviewerChoice,
    Preset,
    day_range,
    preset_range,
)
from milo_desktop.services.analytics.ranges import DEFAULT_PRESET as DEFAULT_PRESET
from milo_desktop.views.analytics.format import axis_label, tr
from milo_desktop.views.widgets.formatting import date_format, local_day

CUSTOM = "custom"
DATE_DELAY_MS = 400  # typing a date fires on every digit: wait for a pause


def preset_titles() -> dict[str, str]:
    return {Preset.LAST_7_DAYS: tr("Last 7 days"), Preset.LAST_30_DAYS: tr("Last 30 days"),
            Preset.LAST_90_DAYS: tr("Last 90 days"), Preset.LAST_12_MONTHS: tr("Last 12 months"),
            Preset.THIS_YEAR: tr("This year"), CUSTOM: tr("Custom…")}


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class FilterBar(QWidget):
    """``changed(AnalyticsFilter)`` when the user picks another interviewer or period;
    ``invalid(str)`` when a custom period makes no sense (end before start)."""

    changed = Signal(object)
    invalid = Signal(str)

    def __init__(self, clock: Callable[[], dt.datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock  # the analytics service's: presets end today (UTC)
        self.interviewer = QComboBox(self)
        self.interviewer.setObjectName("analyticsInterviewer")
        self.interviewer.setEditable(True)
        self.interviewer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.interviewer.setMinimumWidth(240)
        self.interviewer.setMaximumWidth(340)
        search = self.interviewer.lineEdit()
        assert search is not None  # an editable combo box has one
        search.setPlaceholderText(tr("Search interviewers"))
        self.interviewer.addItem(tr("All agents"), None)
        self._completer = QCompleter(QStringListModel(self), self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.interviewer.setCompleter(self._completer)

        self.period = QComboBox(self)
        self.period.setObjectName("analyticsPeriod")
        for key, title in preset_titles().items():
            self.period.addItem(title, str(key))
        self.first = QDateEdit(self)
        self.last = QDateEdit(self)
        self.dash = QLabel("–", self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.interviewer)
        layout.addWidget(self.period)
        layout.addWidget(self.first)
        layout.addWidget(self.dash)
        layout.addWidget(self.last)

        self._last_good = 0  # the interviewer index to go back to after a non-match
        self._date_timer = QTimer(self, singleShot=True, interval=DATE_DELAY_MS)
        self._date_timer.timeout.connect(self._emit)
        self.interviewer.activated.connect(self._interviewer_chosen)
        # The text overload; PySide6's stubs lack SignalInstance.__getitem__ (works at run time).
        self._completer.activated[str].connect(self._completed)  # type: ignore[index]
        search.editingFinished.connect(self._restore_text)
        self.period.activated.connect(lambda _i: self._period_chosen())
        self.first.dateChanged.connect(lambda _d: self._date_timer.start())
        self.last.dateChanged.connect(lambda _d: self._date_timer.start())
        self.set_period(DEFAULT_PRESET)

    # ----- interviewers ----------------------------------------------------------------------
    def set_choices(self, choices: tuple[InterviewerChoice, ...]) -> None:
        """Fill the list (keeping the current choice); archived ones say so."""
        current = self.interviewer_id()
        with QSignalBlocker(self.interviewer):
            self.interviewer.clear()
            self.interviewer.addItem(tr("All agents"), None)
            for c in choices:
                name = c.name if c.status != InterviewerStatus.ARCHIVED else tr(
                    "{name} (archived)").format(name=c.name)
                self.interviewer.addItem(name, c.id)
            index = max(0, self.interviewer.findData(current))
            self.interviewer.setCurrentIndex(index)
        self._last_good = index
        model = self._completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([self.interviewer.itemText(i)
                             for i in range(self.interviewer.count())])
        if current is not None and index == 0:  # the remembered interviewer is gone
            self._emit()

    def interviewer_id(self) -> int | None:
        data = self.interviewer.itemData(self._last_good)
        return int(data) if data is not None else None

    def set_interviewer(self, interviewer_id: int | None, name: str = "") -> None:
        """Choose an interviewer without emitting (before the list loaded, a placeholder named
        ``name``, renamed when the list arrives)."""
        index = self.interviewer.findData(interviewer_id)
        if index < 0:
            self.interviewer.addItem(name or "…", interviewer_id)
            index = self.interviewer.count() - 1
        self._select(index, emit=False)

    def _interviewer_chosen(self, index: int) -> None:
        if index >= 0:
            self._select(index)

    def _completed(self, text: str) -> None:
        index = self.interviewer.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self._select(index)

    def _select(self, index: int, emit: bool = True) -> None:
        changed = index != self._last_good
        self._last_good = index
        with QSignalBlocker(self.interviewer):
            self.interviewer.setCurrentIndex(index)
        if changed and emit:
            self._emit()

    def _restore_text(self) -> None:
        """Typed text that matched nothing: show the chosen interviewer again."""
        self.interviewer.setEditText(self.interviewer.itemText(self._last_good))

    # ----- period ------------------------------------------------------------------------------
    def preset(self) -> str:
        return str(self.period.currentData())

    def set_period(self, preset: str, first: dt.date | None = None,
                   last: dt.date | None = None) -> None:
        """Choose a preset, or CUSTOM with its two days (without emitting)."""
        index = self.period.findData(str(preset))
        self.period.setCurrentIndex(max(0, index))
        if preset == CUSTOM and first is not None and last is not None:
            self._set_dates(first, last)
        elif preset != CUSTOM:
            start, end = preset_range(Preset(preset), self.clock())
            self._set_dates(start.date(), (end - dt.timedelta(days=1)).date())
        self._show_dates()

    def custom_days(self) -> tuple[dt.date, dt.date]:
        return _pydate(self.first.date()), _pydate(self.last.date())

    def _set_dates(self, first: dt.date, last: dt.date) -> None:
        with QSignalBlocker(self.first), QSignalBlocker(self.last):
            self.first.setDate(_qdate(first))
            self.last.setDate(_qdate(last))

    def _show_dates(self) -> None:
        custom = self.preset() == CUSTOM
        for widget in (self.first, self.dash, self.last):
            widget.setVisible(custom)

    def _period_chosen(self) -> None:
        self.set_period(self.preset(), *self.custom_days())
        self._emit()

    # ----- the filter --------------------------------------------------------------------------
    def period_name(self, start: dt.datetime, end: dt.datetime) -> str:
        """What the figures of ``[start, end)`` are labelled with: the preset's title when the
        range is one ("Last 30 days"), else its days ("Oct 1 – Oct 5, 2026")."""
        titles = preset_titles()
        for preset in Preset:
            if preset_range(preset, self.clock()) == (start, end):
                return titles[preset]
        first, last = start.date(), (end - dt.timedelta(days=1)).date()
        if first.year == last.year:  # the header's period line gives the year
            return tr("{first} – {last}").format(first=axis_label(first, Bucket.DAY),
                                                  last=axis_label(last, Bucket.DAY))
        return tr("{first} – {last}").format(first=local_day(first), last=local_day(last))

    def current(self) -> AnalyticsFilter:
        """The filter on screen; ValidationProblem for a custom period ending before it starts."""
        if self.preset() == CUSTOM:
            start, end = day_range(*self.custom_days())
        else:
            start, end = preset_range(Preset(self.preset()), self.clock())
        return AnalyticsFilter(self.interviewer_id(), start, end)

    def _emit(self) -> None:
        self._date_timer.stop()
        try:
            f = self.current()
        except ValidationProblem as exc:
            self.invalid.emit(exc.message)
            return
        self.changed.emit(f)
