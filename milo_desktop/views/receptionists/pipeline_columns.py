"""The pipeline's columns fit the table's width: the actions column keeps its (compact) width
and is never pushed behind a horizontal scroll bar; the other columns share the room.

Each flexible column has a preferred width (its default, or what the user dragged it to) and a
minimum. When the preferred widths do not fit, every flexible column gives up room in
proportion to what it has above its minimum (its text is elided, the full text on hover);
when they leave room, the stretch column takes it. Only a window too narrow for every minimum
scrolls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView
from shiboken6 import isValid


class ColumnFitter(QObject):
    """``minimums()`` and ``fixed()`` measure with the table's font as it is when fitting
    (the theme's style sheet may change it after the table is built)."""

    def __init__(self, table: QTableView, *, minimums: Callable[[], dict[int, int]],
                 fixed: Callable[[], dict[int, int]], stretch: int) -> None:
        super().__init__(table)
        self.table = table
        self._minimums = minimums
        self._fixed = fixed
        self.fixed: dict[int, int] = {}
        self.minimums: dict[int, int] = {}
        self.stretch = stretch
        self._fitting = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        self.preferred = {i: header.sectionSize(i) for i in range(header.count())}
        self.apply_modes()
        header.sectionResized.connect(self._resized)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self)
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.fit)

    def apply_modes(self) -> None:
        """The fixed columns' widths and modes (again after a saved header state is restored:
        it carries the modes and widths of older versions)."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        self.fixed = self._fixed()
        for i, width in self.fixed.items():
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Fixed)
            self._set(i, width)

    def remember_widths(self) -> None:
        """Take the header's current widths as the preferred ones (after restoring a layout)."""
        header = self.table.horizontalHeader()
        self.preferred = {i: header.sectionSize(i) for i in range(header.count())}
        self.apply_modes()
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() in (QEvent.Type.Resize,
                                                          QEvent.Type.Show):
            self.fit()
        return super().eventFilter(watched, event)

    def _resized(self, index: int, _old: int, new: int) -> None:
        if self._fitting or index in self.fixed:
            return
        self.preferred[index] = new  # the user dragged it: the others make room
        self._later.start()

    def _set(self, index: int, width: int) -> None:
        self._fitting = True
        try:
            self.table.horizontalHeader().resizeSection(index, width)
        finally:
            self._fitting = False

    def fit(self) -> None:
        if not isValid(self.table):
            return  # being destroyed
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        if room <= 0:
            return
        if self._fixed() != self.fixed:  # the font changed
            self.apply_modes()
        self.minimums = self._minimums()
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        flexible = [i for i in shown if i not in self.fixed]
        room -= sum(self.fixed[i] for i in shown if i in self.fixed)
        want = {i: max(self.preferred.get(i, header.sectionSize(i)), self._minimum(i))
                for i in flexible}
        excess = sum(want.values()) - room
        widths = dict(want)
        if excess > 0:
            give = {i: want[i] - self._minimum(i) for i in flexible}
            share = min(1.0, excess / max(1, sum(give.values())))
            widths = {i: want[i] - int(give[i] * share + 0.999) for i in flexible}
        elif flexible:
            target = self.stretch if self.stretch in widths else flexible[-1]
            widths[target] += -excess
        for i, width in widths.items():
            if header.sectionSize(i) != width:
                self._set(i, width)

    def _minimum(self, index: int) -> int:
        return self.minimums.get(index, self.table.horizontalHeader().minimumSectionSize())
