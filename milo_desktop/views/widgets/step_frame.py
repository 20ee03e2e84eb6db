"""The frame both wizards share (Create Interviewer, receptionist): a list of steps on the
left, the pages in a stack on the right, and a bottom row with a busy indicator, a status
line and Cancel / Back / Next. The wizard keeps its own logic; this is only the furniture."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.views import theme
from milo_desktop.views.widgets.field_errors import keep_error_room, reserve_error_line


def build_step_frame(dialog: StepWizard, step_titles: Sequence[str], pages: Sequence[QWidget]
                     ) -> None:
    """Give ``dialog`` its ``stack``, ``steps``, ``progress``, ``status``, ``cancel_button``,
    ``back_button`` and ``next_button`` attributes, laid out."""
    d = dialog
    d.stack = QStackedWidget(d)
    for page in pages:
        d.stack.addWidget(page)
    d.steps = QListWidget(d)
    d.steps.setObjectName("wizardSteps")
    d.steps.setFixedWidth(210)
    d.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    t = theme.current()
    d.steps.setStyleSheet(
        f"QListWidget#wizardSteps {{ border: none; border-right: 1px solid {t.border};"
        f" background: transparent; padding-top: 8px; }}"
        f"QListWidget#wizardSteps::item {{ padding: 9px 12px; margin: 1px 8px 1px 0;"
        f" border-radius: 6px; color: {t.muted}; }}"
        f"QListWidget#wizardSteps::item:selected {{ background: {t.hover};"
        f" color: {t.text}; font-weight: 600; }}")
    for text in step_titles:
        d.steps.addItem(text)
    d.progress = QProgressBar(d)
    d.progress.setRange(0, 0)  # indeterminate: publishing / saving says nothing about progress
    d.progress.setFixedWidth(120)
    d.progress.hide()
    d.status = QLabel(d)
    d.status.setWordWrap(True)
    reserve_error_line(d.status)  # a message appearing does not move the buttons
    d.cancel_button = QPushButton(d.tr("Cancel"), d)
    d.back_button = QPushButton(d.tr("Back"), d)
    d.next_button = QPushButton(d.tr("Next"), d)
    d.next_button.setProperty("primary", True)
    d.next_button.setDefault(True)
    buttons = QHBoxLayout()
    buttons.addWidget(d.progress)
    buttons.addWidget(d.status, 1)
    buttons.addWidget(d.cancel_button)
    buttons.addWidget(d.back_button)
    buttons.addWidget(d.next_button)
    body = QHBoxLayout()
    body.addWidget(d.steps)
    body.addWidget(d.stack, 1)
    layout = QVBoxLayout(d)
    layout.addLayout(body, 1)
    layout.addLayout(buttons)


class StepWizard(QDialog):
    """The navigation both wizards share: a step is reachable when every step before it is
    valid, Next is enabled only on a valid page and submits on the last one, Back stops at
    ``first_step``, and a busy wizard (saving, publishing) takes no navigation at all.

    A subclass builds its pages, calls ``build_steps(titles, pages)``, and provides
    ``page_problems(i)``, ``submit_text()`` and ``submit()``; ``prepare_page(i)`` (before a
    page shows), ``page_shown(i)`` and ``next_blocked()`` are optional hooks."""

    pages: list[QWidget]
    stack: QStackedWidget
    steps: QListWidget
    progress: QProgressBar
    status: QLabel
    cancel_button: QPushButton
    back_button: QPushButton
    next_button: QPushButton

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False

    def build_steps(self, titles: Sequence[str], pages: Sequence[QWidget]) -> None:
        self.pages = list(pages)
        build_step_frame(self, titles, self.pages)
        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.steps.currentRowChanged.connect(self._step_clicked)

    # ----- what a wizard provides -----------------------------------------------------------
    def page_problems(self, index: int) -> list[str]:
        raise NotImplementedError

    def submit_text(self) -> str:
        raise NotImplementedError

    def submit(self) -> None:
        raise NotImplementedError

    def first_step(self) -> int:
        return 0

    def prepare_page(self, index: int) -> None:
        """Called before page ``index`` is shown (load it from the current draft)."""

    def page_shown(self, index: int) -> None:
        self._update_buttons()

    def next_blocked(self) -> bool:
        """Something besides the page's problems holds Next back (e.g. still loading)."""
        return False

    # ----- navigation -------------------------------------------------------------------------
    def current_step(self) -> int:
        return self.stack.currentIndex()

    def on_last_step(self) -> bool:
        return self.current_step() == len(self.pages) - 1

    def _show(self, index: int) -> None:
        self.prepare_page(index)
        self.stack.setCurrentIndex(index)
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(index)
        self.steps.blockSignals(False)
        self.page_shown(index)

    def _step_clicked(self, row: int) -> None:
        # Earlier steps are always reachable; later ones only through valid steps.
        first = self.first_step()
        ok = row >= first and (row <= self.current_step() or all(
            not self.page_problems(i) for i in range(first, row)))
        self._show(row if ok else self.current_step())

    def go_next(self) -> None:
        if self._busy:
            return
        if self.on_last_step():
            self.submit()
        elif not self.page_problems(self.current_step()):
            self._show(self.current_step() + 1)

    def go_back(self) -> None:
        if self.current_step() > self.first_step() and not self._busy:
            self._show(self.current_step() - 1)

    def _update_buttons(self) -> None:
        self.next_button.setText(self.submit_text() if self.on_last_step() else self.tr("Next"))
        blocked = self._busy or self.next_blocked() or bool(
            self.page_problems(self.current_step()))
        self.next_button.setEnabled(not blocked)
        self.back_button.setEnabled(not self._busy and self.current_step() > self.first_step())
        self.cancel_button.setEnabled(not self._busy)

    # ----- busy and errors ----------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        keep_error_room(self.status)
        self.status.setStyleSheet("")
        self.status.setText(text)
        self._update_buttons()

    def show_error(self, text: str) -> None:
        keep_error_room(self.status)
        self.status.setStyleSheet(f"color: {theme.current().danger};")
        self.status.setText(text)

    def error_text(self) -> str:
        return self.status.text()
