"""The small window shown while the workspace opens, migrates or the demo is built."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout


class StartupDialog(QDialog):
    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen)
        self.setFixedWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel(self.tr("Milo Desktop"))
        title.setObjectName("pageTitle")
        self.message = QLabel()
        self.message.setObjectName("muted")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.show()

    def show_progress(self, stage: str, done: int, total: int) -> None:
        self.message.setText(stage)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
