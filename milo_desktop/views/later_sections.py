"""Sections of the product map that come in a later release: the sidebar shows them so the
whole map is visible, and each says in one calm line what it will do. No buttons that do
nothing, no sample data."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from milo_desktop.views.widgets.page_header import page_title

# key → (title, what it will do). The line ends by saying when: a later release.
LATER_SECTIONS: dict[str, tuple[str, str]] = {
    "sourcing": (
        "Sourcing Engine",
        "Picks candidates to invite from the directory and your ATS, by rules and quotas you "
        "set per interviewer.",
    ),
    "data": (
        "Data",
        "Manages interviewer labels and rebuilds the search index.",
    ),
    "settings": (
        "Settings",
        "Holds your account, your team and privacy & compliance: erasing or exporting a "
        "candidate's data, retention rules.",
    ),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("LaterSection", text)


class LaterSection(QWidget):
    """A section that is not built yet: its title and one line."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        title, does = LATER_SECTIONS[key]
        self.title = _tr(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(self.title, self))
        self.line = QLabel(
            _tr("{does} It comes in a later release.").format(does=_tr(does)), self)
        self.line.setObjectName("muted")
        self.line.setWordWrap(True)
        self.line.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.line)
        layout.addStretch(1)

    def is_loaded(self) -> bool:
        return True  # nothing to load (screenshots wait on this)

    def save_state(self) -> None:
        pass

    def restore_state(self) -> None:
        pass
