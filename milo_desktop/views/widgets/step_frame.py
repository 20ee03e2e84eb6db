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


def build_step_frame(dialog: QDialog, step_titles: Sequence[str], pages: Sequence[QWidget]
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
