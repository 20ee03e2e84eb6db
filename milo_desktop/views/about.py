"""Help → About: the version, the third-party licences, and the data and log folders.

The licences are the THIRD-PARTY-LICENSES file that installers/build.py generates into a frozen
build (installers/licences.py); a run from a checkout has none and says how to make it. The
folders are where support asks people to look, so each has an Open button (the system's file
manager). The dialog learns them from what the app already set up: the UI-state file lives in
the data folder (app/config.py, ``Paths.ui_settings``) and the log file's handler sits on the
root logger (services/core/logs.py), so no new wiring is needed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop import __version__

if TYPE_CHECKING:
    from milo_desktop.views.context import ViewContext

LICENCES_FILE = "THIRD-PARTY-LICENSES"


def licences_path() -> Path | None:
    """The bundled THIRD-PARTY-LICENSES (beside the frozen app's code), or None from source."""
    bundle = getattr(sys, "_MEIPASS", None)
    path = Path(bundle) / LICENCES_FILE if bundle else None
    return path if path is not None and path.is_file() else None


def log_folder() -> Path | None:
    """The folder of the app's log file: the root logger's file handler."""
    for handler in logging.getLogger().handlers:
        filename = getattr(handler, "baseFilename", None)
        if filename:
            return Path(filename).parent
    return None


def licences_text() -> str:
    path = licences_path()
    if path is None:
        return ("This copy runs from source, without a list of bundled software: the installers "
                "carry THIRD-PARTY-LICENSES, made by installers/build.py from the bundled "
                "packages' metadata.")
    return path.read_text(encoding="utf-8", errors="replace")


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path | None, log_dir: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Milo Desktop"))
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Milo Desktop</b> %1").replace("%1", __version__))
        title.setObjectName("aboutTitle")
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr(
            "Screening and an AI receptionist for recruiters, on your desktop.")))

        folders = QGridLayout()
        self.open_buttons: dict[str, QPushButton] = {}
        for row, (key, label, folder) in enumerate((
                ("data", self.tr("Data folder"), data_dir),
                ("logs", self.tr("Log folder"), log_dir))):
            folders.addWidget(QLabel(label), row, 0)
            path = QLabel(str(folder) if folder else self.tr("not known"))
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            folders.addWidget(path, row, 1)
            button = QPushButton(self.tr("Open"))
            button.setEnabled(folder is not None)
            button.clicked.connect(lambda _c=False, f=folder: self.open_folder(f))
            folders.addWidget(button, row, 2)
            self.open_buttons[key] = button
        folders.setColumnStretch(1, 1)
        layout.addLayout(folders)

        layout.addWidget(QLabel(self.tr("Third-party software and licences")))
        self.licences = QPlainTextEdit(licences_text())
        self.licences.setReadOnly(True)
        self.licences.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.licences, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def open_folder(folder: Path | None) -> bool:
        """Show the folder in the system's file manager."""
        return folder is not None and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @classmethod
    def for_context(cls, ctx: ViewContext, parent: QWidget | None = None) -> AboutDialog:
        """The dialog for the app's window: its data folder is where its UI state is kept."""
        return cls(Path(ctx.settings.fileName()).parent, log_folder(), parent)
