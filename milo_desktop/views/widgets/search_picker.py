"""A drop-down list of known choices that can be searched by typing (time zones, and any
other long list): any part of a choice's text matches, case-insensitively ("york" finds
"America/New York"), and what is typed never becomes a value of its own."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget


class SearchPicker(QComboBox):
    """Choices are ``(text, value)`` pairs; ``value()`` is the chosen one's. Leaving the field
    with text that names no choice puts the current choice's text back."""

    def __init__(self, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(14)
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)  # QComboBox selects the item a completion names
        edit = self.lineEdit()
        assert edit is not None  # an editable combo box has one
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(self.settle)

    def set_choices(self, choices: Iterable[tuple[str, object]]) -> None:
        self.clear()
        for text, value in choices:
            self.addItem(text, value)

    def value(self) -> object:
        return self.currentData()

    def select_value(self, value: object) -> bool:
        """Choose the item whose value is ``value``; False (and no change) when none is."""
        index = self.findData(value)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True

    def settle(self) -> None:
        """Text naming a choice (in any case) selects it; anything else is undone."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))
