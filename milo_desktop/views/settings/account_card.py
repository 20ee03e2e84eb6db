"""Where Integrations → Account was: one line saying that the candidate page address and the
company information moved to Settings → Account (views/workspace_settings/), with the brand."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class AccountPointer(QLabel):

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("Account details moved to Settings → Account."))
        self.setObjectName("accountMoved")
        self.setWordWrap(True)
        self.setProperty("muted", True)
