"""Small pieces the receptionist wizard's pages share: the service lookup, a text box with a
live "123/800" counter, and the inline problem list."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.receptionists import ReceptionistService
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext


def receptionist_service(ctx: ViewContext) -> ReceptionistService:
    """The workspace's receptionist service (one per workspace, so every screen shares its
    publisher)."""
    return ctx.workspace.receptionists


class CountedText(QWidget):
    """A text box with a counter under it ("123/800", red past the limit)."""

    changed = Signal()

    def __init__(self, limit: int, placeholder: str = "", *, single_line: bool = False,
                 height: int = 80, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.edit: QLineEdit | QPlainTextEdit
        if single_line:
            self.edit = QLineEdit(self)
            self.edit.textChanged.connect(self._update)
        else:
            self.edit = QPlainTextEdit(self)
            self.edit.setFixedHeight(height)
            self.edit.textChanged.connect(self._update)
        self.edit.setPlaceholderText(placeholder)
        self.counter = QLabel(self)
        self.counter.setObjectName("counter")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self.counter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addLayout(row)
        self._update()

    def text(self) -> str:
        edit = self.edit
        return edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()

    def set_text(self, text: str) -> None:
        edit = self.edit
        if isinstance(edit, QLineEdit):
            edit.setText(text)
        else:
            edit.setPlainText(text)

    def over(self) -> bool:
        return len(self.text()) > self.limit

    def _update(self) -> None:
        t = theme.current()
        n = len(self.text())
        self.counter.setText(f"{n}/{self.limit}")
        color = t.danger if n > self.limit else t.muted
        self.counter.setStyleSheet(f"color: {color}; font-size: 11px;")
        self.changed.emit()


class ProblemList(QLabel):
    """What is still wrong on a page, one line each; hidden when nothing is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setWordWrap(True)
        self.items: list[str] = []
        self.hide()

    def show_problems(self, problems: list[str]) -> None:
        self.items = list(problems)
        if not problems:
            self.hide()
            return
        t = theme.current()
        back = "#3b1d1d" if t.dark else "#fef2f2"
        self.setStyleSheet(f"QLabel#problems {{ color: {t.danger}; background: {back};"
                           " border-radius: 6px; padding: 8px 10px; }")
        self.setText("<br>".join("• " + html.escape(p) for p in problems))
        self.show()


def section_title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    label.setWordWrap(True)
    return label
