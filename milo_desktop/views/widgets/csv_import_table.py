"""The Import CSV dialog's preview: the file's first rows under its headers, with a row of
choices saying what each column holds ("Ignore", Full name, Email…) — a field belongs to one
column: choosing it for another column sets the first back to Ignore — and the country that
phone numbers written without a country code are in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from milo_desktop.services.candidates import csv_mapping as fields
from milo_desktop.services.candidates.csv_import import Preview

REGIONS = ("US", "CA", "GB", "IE", "AU", "NZ", "IN", "ZA", "FR", "DE", "ES", "IT", "NL", "BE",
           "CH", "PT", "BR", "MX")


class RegionCombo(QComboBox):
    """Countries by name; ``currentData()`` is the region code the service reads numbers in.
    Starts on ``saved`` (the last choice), else the computer's country, else the US."""

    def __init__(self, saved: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Country for phone numbers"))
        names = {"US": self.tr("United States"), "CA": self.tr("Canada"),
                 "GB": self.tr("United Kingdom"), "IE": self.tr("Ireland"),
                 "AU": self.tr("Australia"), "NZ": self.tr("New Zealand"),
                 "IN": self.tr("India"), "ZA": self.tr("South Africa"),
                 "FR": self.tr("France"), "DE": self.tr("Germany"), "ES": self.tr("Spain"),
                 "IT": self.tr("Italy"), "NL": self.tr("Netherlands"),
                 "BE": self.tr("Belgium"), "CH": self.tr("Switzerland"),
                 "PT": self.tr("Portugal"), "BR": self.tr("Brazil"), "MX": self.tr("Mexico")}
        for code in REGIONS:
            self.addItem(names[code], code)
        mine = QLocale.system().name().partition("_")[2]  # "en_GB" → "GB"
        region = saved if isinstance(saved, str) and saved in REGIONS else (
            mine if mine in REGIONS else "US")
        self.setCurrentIndex(REGIONS.index(region))


class MappingTable(QTableWidget):
    """Emits ``changed`` when the user chooses what a column holds."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combos: list[QComboBox] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setMinimumSectionSize(120)

    def show_preview(self, preview: Preview) -> None:
        headers = preview.headers
        self.clear()
        self.setColumnCount(len(headers))
        self.setRowCount(len(preview.rows) + 1)
        self.setHorizontalHeaderLabels([h or self.tr("Column {n}").format(n=i + 1)
                                        for i, h in enumerate(headers)])
        # Row numbers as the recruiter's spreadsheet shows them (the header is row 1).
        self.setVerticalHeaderLabels([self.tr("Holds")]
                                     + [str(i + 2) for i in range(len(preview.rows))])
        self.combos = []
        for col in range(len(headers)):
            combo = QComboBox(self)
            combo.setAccessibleName(self.tr("What column {n} holds").format(n=col + 1))
            combo.addItem(self.tr("Ignore"), "")
            for key in fields.FIELDS:
                combo.addItem(self.field_label(key), key)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(col, ""))))
            combo.activated.connect(lambda _i, c=col: self._chosen(c))
            self.setCellWidget(0, col, combo)
            self.combos.append(combo)
        for r, record in enumerate(preview.rows, start=1):
            for col in range(len(headers)):
                value = record[col] if col < len(record) else ""
                item = QTableWidgetItem(" ⏎ ".join(value.splitlines())[:200])
                item.setToolTip(value[:1000])
                self.setItem(r, col, item)
        self.resizeColumnsToContents()
        for col in range(len(headers)):
            self.setColumnWidth(col, min(260, max(140, self.columnWidth(col))))

    def field_label(self, key: str) -> str:
        return {fields.NAME: self.tr("Full name"), fields.FIRST_NAME: self.tr("First name"),
                fields.LAST_NAME: self.tr("Last name"), fields.EMAIL: self.tr("Email"),
                fields.PHONE: self.tr("Phone"), fields.MOBILE: self.tr("Mobile phone"),
                fields.LINKEDIN: self.tr("LinkedIn profile"), fields.LOCATION: self.tr("Location"),
                fields.CITY: self.tr("City"), fields.SOURCE: self.tr("Source"),
                fields.NOTES: self.tr("Notes")}.get(key, key)

    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def can_import(self) -> bool:
        """A name, an email or a phone column is chosen."""
        return bool(set(self.mapping().values())
                    & (fields.NAME_FIELDS | fields.CONTACT_FIELDS))

    def set_field(self, column: int, key: str) -> None:
        """Choose what ``column`` holds ("" for Ignore), as the user would."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(0, combo.findData(key)))
        self._chosen(column)

    def _chosen(self, column: int) -> None:
        key = self.combos[column].currentData()
        if key:
            for i, other in enumerate(self.combos):
                if i != column and other.currentData() == key:
                    other.setCurrentIndex(0)
        self.changed.emit()
