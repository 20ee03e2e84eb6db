"""Text fields with a live character counter ("143 / 2,000", red past the limit) and the
placeholder chips that insert ``{{candidate_name}}`` etc. at the cursor; shared by the wizards,
the Templates card and the Blast dialog."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.outreach import PLACEHOLDERS
from milo_desktop.services.outreach.templates import offered_placeholders
from milo_desktop.views import theme


class Counter(QLabel):
    def __init__(self, limit: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.count = 0
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.show_count(0)

    def sizeHint(self) -> QSize:
        # As wide as the widest count it can show, so the field never jumps or gets cut off.
        widest = self.fontMetrics().horizontalAdvance(f"{self.limit * 10:,} / {self.limit:,}")
        return QSize(widest + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def show_count(self, n: int) -> None:
        t = theme.current()
        self.count = n
        self.setText(f"{n:,} / {self.limit:,}")
        self.setStyleSheet(f"color: {t.danger if self.over() else t.muted};"
                           f"{' font-weight: 600;' if self.over() else ''}")

    def over(self) -> bool:
        return self.count > self.limit


class CountedLine(QWidget):
    """A one-line field (an email subject) with its counter on the right."""

    changed = Signal()

    def __init__(self, limit: int, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.counter = Counter(limit, self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.counter)
        self.edit.textChanged.connect(self._changed)

    def _changed(self, text: str) -> None:
        self.counter.show_count(len(text))
        self.changed.emit()

    def over(self) -> bool:
        return self.counter.over()

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)


class CountedText(QWidget):
    """A multi-line text (a message body, a prompt) with its counter under it, right-aligned;
    ``height`` fixes the box's height (else it takes the room the layout gives it)."""

    changed = Signal()

    def __init__(self, limit: int, placeholder: str = "", parent: QWidget | None = None, *,
                 height: int | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setTabChangesFocus(True)
        if height is not None:
            self.edit.setFixedHeight(height)
        self.counter = Counter(limit, self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.edit, 1)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(self.counter)
        column.addLayout(foot)
        self.edit.textChanged.connect(self._changed)

    def _changed(self) -> None:
        self.counter.show_count(len(self.edit.toPlainText()))
        self.changed.emit()

    def over(self) -> bool:
        return self.counter.over()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)


class PlaceholderChips(QWidget):
    """"Insert: {{candidate_name}} {{job_title}} {{next_step}}" into whichever field had
    focus; ``{{link}}`` only once ``offer`` says the workspace has a candidate page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.targets: list[QLineEdit | QPlainTextEdit] = []
        self._last: QLineEdit | QPlainTextEdit | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel(self.tr("Insert:"), self)
        label.setProperty("muted", True)
        row.addWidget(label)
        self.chips: dict[str, QPushButton] = {}
        for name in PLACEHOLDERS:
            chip = QPushButton("{{" + name + "}}", self)
            chip.setFlat(True)
            chip.clicked.connect(lambda _c=False, n=name: self.insert(n))
            row.addWidget(chip)
            self.chips[name] = chip
        row.addStretch(1)
        self.offer(offered_placeholders(has_link=False))

    def offer(self, names: tuple[str, ...]) -> None:
        """Show only these placeholders (``templates.offered_placeholders``)."""
        for name, chip in self.chips.items():
            chip.setVisible(name in names)

    def follow(self, *edits: QLineEdit | QPlainTextEdit) -> None:
        for edit in edits:
            self.targets.append(edit)
            edit.installEventFilter(self)
        if self._last is None and edits:
            self._last = edits[-1]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for target in self.targets:
                if target is watched:
                    self._last = target
        return False

    def insert(self, name: str) -> None:
        target = self._last
        if target is None or not target.isEnabled():
            return
        text = "{{" + name + "}}"
        if isinstance(target, QLineEdit):
            target.insert(text)
        else:
            target.insertPlainText(text)
        target.setFocus()
