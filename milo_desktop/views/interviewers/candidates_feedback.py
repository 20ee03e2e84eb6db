"""What the Candidates tab says while and after it acts: a progress strip (with Cancel where
the work can stop) and a banner with one follow-up button (Undo, Open, Show in folder)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from milo_desktop.views import theme
from milo_desktop.views.widgets.formatting import count_text


class ProgressStrip(QFrame):
    """"Dismissing… 1,500 of 10,000" with a bar; Cancel only for work that can stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressStrip")
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setMaximumWidth(320)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self._on_cancel: Callable[[], None] | None = None
        self.cancel_button.clicked.connect(self._cancel)
        self.hide()

    def start(self, text: str, on_cancel: Callable[[], None] | None = None) -> None:
        self._text = text
        self._on_cancel = on_cancel
        self.cancel_button.setVisible(on_cancel is not None)
        self.cancel_button.setEnabled(True)
        self.bar.setRange(0, 0)  # busy until the first figure arrives
        self.label.setText(text)
        self.show()

    def update_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(self.tr("{what} {done} of {total}").format(
            what=self._text, done=count_text(done), total=count_text(total)))

    def finish(self) -> None:
        self._on_cancel = None
        self.hide()

    def _cancel(self) -> None:
        if self._on_cancel is not None:
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("Stopping…"))
            self._on_cancel()


class FeedbackBanner(QFrame):
    """A line saying what just happened (or went wrong), with an optional button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackBanner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton(self)
        self.close_button = QPushButton("×", self)
        self.close_button.setObjectName("bannerClose")
        self.close_button.setToolTip(self.tr("Dismiss this message"))
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._action: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._act)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def say(self, text: str, *, problem: bool = False, action: str = "",
            on_action: Callable[[], None] | None = None) -> None:
        t = theme.current()
        if problem:
            fg, bg = ("#fecaca", "#3b1d1d") if t.dark else ("#991b1b", "#fee2e2")
        else:
            fg, bg = (t.text, t.hover)
        self.setStyleSheet(
            f"QFrame#feedbackBanner {{ background: {bg}; border-radius: 6px; }}"
            f"QFrame#feedbackBanner QLabel {{ color: {fg}; }}"
            "QPushButton#bannerClose { border: none; background: transparent; }")
        self.label.setText(text)
        self._action = on_action
        self.action_button.setText(action)
        self.action_button.setVisible(bool(action) and on_action is not None)
        self.action_button.setEnabled(True)
        self.show()

    def text(self) -> str:
        return self.label.text()

    def _act(self) -> None:
        if self._action is not None:
            action, self._action = self._action, None
            self.action_button.setEnabled(False)
            action()
