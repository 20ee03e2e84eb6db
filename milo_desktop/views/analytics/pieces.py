"""The analytics screen's building blocks: figure cards, titled panels, message pages, and the
stylesheet they share (from the theme, so light and dark both read well)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from milo_desktop.views import theme
from milo_desktop.views.analytics.format import tr


def stylesheet() -> str:
    t = theme.current()
    return (
        f"QFrame#analyticsCard {{ background: {t.base}; border: 1px solid {t.border};"
        " border-radius: 8px; }"
        f" QLabel#cardValue {{ font-size: 24px; font-weight: 650; color: {t.text}; }}"
        f" QLabel#cardTitle {{ color: {t.muted}; font-weight: 600; }}"
        f" QLabel#cardDetail, QLabel#periodLabel {{ color: {t.muted}; }}"
        " QLabel#panelTitle { font-size: 15px; font-weight: 650; }"
        f" QListWidget#recentList {{ background: {t.base}; border: none; }}"
        " QPushButton#exportButton { padding: 3px 8px; font-size: 12px; }"
        " QDateEdit::drop-down { border: none; width: 20px; }"
    )


class FigureCard(QFrame):
    """A header figure: its name, the value, one line saying what it counts."""

    def __init__(self, title: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsCard")
        self.setToolTip(tooltip)
        self.name = title
        self.title = QLabel(title, self)
        self.title.setMinimumWidth(1)  # a long period is cut, never widens the row
        self.title.setObjectName("cardTitle")
        self.value = QLabel("—", self)
        self.value.setObjectName("cardValue")
        self.detail = QLabel("", self)
        self.detail.setObjectName("cardDetail")
        self.detail.setMinimumWidth(1)  # a long detail is cut, never widens the row
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(2)
        for label in (self.title, self.value, self.detail):
            box.addWidget(label)

    def set_period(self, period: str) -> None:
        """Say over which period the figure is counted: "Spend · Last 30 days"."""
        self.title.setText(f"{self.name} · {period}")

    def set(self, value: str, detail: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class Panel(QFrame):
    """A titled card; charts get a legend and Export PNG / Export CSV buttons in the header."""

    exportRequested = Signal(str)  # "png" or "csv"

    def __init__(self, title: str, body: QWidget, *, exports: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analyticsCard")
        self.title = QLabel(title, self)
        self.title.setObjectName("panelTitle")
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setMinimumWidth(1)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.title, 1)
        self.buttons: dict[str, QPushButton] = {}
        if exports:
            for kind, text, tip in (
                ("png", tr("Export PNG"), tr("Save this chart as an image")),
                ("csv", tr("Export CSV"), tr("Save this chart's figures for a spreadsheet")),
            ):
                button = QPushButton(text, self)
                button.setObjectName("exportButton")
                button.setToolTip(tip)
                button.clicked.connect(lambda _c=False, k=kind: self.exportRequested.emit(k))
                head.addWidget(button)
                self.buttons[kind] = button
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        box.setSpacing(6)
        box.addLayout(head)
        box.addWidget(self.legend)  # its own line: it never squeezes the buttons
        self.legend.setVisible(exports)
        box.addWidget(body, 1)


def message_page(title: str, hint: str) -> tuple[QWidget, QLabel, QLabel]:
    """A centred title and hint (loading and empty states), like the tables' overlays."""
    page = QWidget()
    box = QVBoxLayout(page)
    box.addStretch(1)
    labels = []
    for text, name in ((title, "overlayTitle"), (hint, "overlayHint")):
        label = QLabel(text, page)
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        box.addWidget(label)
        labels.append(label)
    box.addStretch(2)
    return page, labels[0], labels[1]
