"""The AI receptionists list: All / Live / Inactive tabs with counts, one row per receptionist,
and the actions Create, Edit, Pause / Resume and Test call.

Receptionists are few (one per phone number), so the whole list is loaded in one read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.enums import LanguageMode, ReceptionistStatus
from milo_desktop.services.receptionists import (
    ReceptionistDetail,
    ReceptionistRow,
    ReceptionistsChanged,
)
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.receptionists.practice_call import PracticeCallDialog
from milo_desktop.views.receptionists.wizard import ReceptionistWizard
from milo_desktop.views.receptionists.wizard_common import receptionist_service
from milo_desktop.views.widgets.banner import Banner, run_reporting
from milo_desktop.views.widgets.data_table import DataTable
from milo_desktop.views.widgets.formatting import money_text
from milo_desktop.views.widgets.page_header import filter_tabs, page_title
from milo_desktop.views.widgets.paged_model import ObjectRole
from milo_desktop.views.widgets.rows_model import RowsTableModel

KEY = "receptionists/list"
Index = QModelIndex | QPersistentModelIndex
COLUMNS = (("name", "Receptionist", 280), ("agent", "Agent", 110), ("number", "Number", 140),
           ("status", "Status", 130), ("language", "Language", 120),
           ("questions", "Questions", 90), ("calls", "Calls", 80), ("spend", "Spend", 90))


class ReceptionistsModel(RowsTableModel[ReceptionistRow]):
    COLUMNS = COLUMNS
    RIGHT_ALIGNED = frozenset({"questions", "calls", "spend"})

    def cell(self, row: ReceptionistRow, key: str) -> str:
        return {
            "name": row.name, "agent": row.agent_name, "number": row.phone_number or "—",
            "status": status_text(row),
            "language": self.tr("Multilingual") if row.language_mode ==
            LanguageMode.MULTILINGUAL else self.tr("English only"),
            "questions": str(row.questions), "calls": str(row.calls),
            "spend": money_text(row.spend_micros / 10_000),
        }[key]

    def tooltip(self, row: ReceptionistRow, key: str) -> str | None:
        return row.note or row.name


def status_text(row: ReceptionistRow) -> str:
    if row.status == ReceptionistStatus.LIVE:
        return QCoreApplication.translate("ReceptionistsModel", "Live")
    if not row.published:
        return QCoreApplication.translate("ReceptionistsModel", "Not published")
    return QCoreApplication.translate("ReceptionistsModel", "Paused")


class PillDelegate(QStyledItemDelegate):
    """The status as a coloured pill: Live green, Paused grey, Not published amber."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ObjectRole)
        if not isinstance(row, ReceptionistRow):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.widget.style().drawControl(
            opt.widget.style().ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        t = theme.current()
        color = t.success if row.status == ReceptionistStatus.LIVE else (
            t.muted if row.published else t.warning)
        text = status_text(row)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = option.fontMetrics
        width = fm.horizontalAdvance(text) + 22
        rect = QRectF(option.rect.x() + 8, option.rect.center().y() - 10, width, 20)
        back = QColor(color)
        back.setAlpha(40)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(back)
        painter.drawRoundedRect(rect, 10, 10)
        painter.setBrush(QColor(color))
        painter.drawEllipse(QRectF(rect.x() + 7, rect.center().y() - 3, 6, 6))
        painter.setPen(QColor(color))
        painter.drawText(rect.adjusted(16, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()


class ReceptionistsSection(QWidget):
    """What the main window embeds for AI receptionists. Loads on first show."""

    loaded = Signal()
    _changed = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = receptionist_service(ctx)
        self._started = False
        self._loaded = False
        self.wizard: ReceptionistWizard | None = None
        self.test_call: PracticeCallDialog | None = None

        title = page_title(self.tr("AI receptionists"), self)
        self._tab_titles = {"all": self.tr("All"), "live": self.tr("Live"),
                            "inactive": self.tr("Inactive")}
        self.tabs = filter_tabs(self._tab_titles, self)
        self.create_button = QPushButton(self.tr("Create receptionist"), self)
        self.create_button.setProperty("primary", True)
        self.edit_button = QPushButton(self.tr("Edit"), self)
        self.pause_button = QPushButton(self.tr("Pause"), self)
        self.test_button = QPushButton(self.tr("Test call"), self)
        self.banner = Banner(self)
        self.model = ReceptionistsModel(self)
        self.table = DataTable(self)
        self.table.setSortingEnabled(False)  # a handful of rows, newest first
        self.table.setSelectionMode(DataTable.SelectionMode.SingleSelection)
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(40)
        for i, (_k, _t, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        # The name takes the spare width; figures stay next to their neighbours.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        self._pill = PillDelegate(self.table)
        self.table.setItemDelegateForColumn(3, self._pill)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        for b in (self.test_button, self.pause_button, self.edit_button, self.create_button):
            bar.addWidget(b)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(heading)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=100)
        self._reload_timer.timeout.connect(lambda: self.reload() if self._started else None)
        self._changed.connect(self._reload_timer.start)
        changed = self._changed
        sub = ctx.workspace.bus.subscribe(ReceptionistsChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())
        # A call landing, or its price arriving, changes a row's Calls and Spend.
        ctx.bridge.callUpdated.connect(self._call_landed)
        ctx.bridge.spendChanged.connect(self._changed)
        self.tabs.currentChanged.connect(lambda _i: self.reload())
        self.create_button.clicked.connect(self.create_receptionist)
        self.edit_button.clicked.connect(lambda: self.edit(self.current_row()))
        self.pause_button.clicked.connect(lambda: self.toggle_pause(self.current_row()))
        self.test_button.clicked.connect(lambda: self.open_test_call(self.current_row()))
        self.table.doubleClicked.connect(lambda index: self.edit(self.model.row_at(index.row())))
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync_buttons())
        self._sync_buttons()

    # ----- loading ------------------------------------------------------------------------
    def _call_landed(self, _call_id: int) -> None:
        self._changed.emit()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.reload()

    def reload(self) -> None:
        run_reporting(self.ctx, self.banner, self._load(), "receptionists.list.load")

    async def _load(self) -> None:
        selected = self.current_row()
        listing = await self.service.overview(self.current_tab())
        for i in range(self.tabs.count()):
            key = str(self.tabs.tabData(i))
            self.tabs.setTabText(i, self.tr("{tab} ({n})").format(
                tab=self._tab_titles[key], n=listing.counts.get(key, 0)))
        self.model.set_rows(listing.rows)
        if not listing.rows:
            empty = {"all": (self.tr("No receptionists yet"),
                             self.tr("Create one to answer calls 24/7 on its own number.")),
                     "live": (self.tr("No live receptionists"),
                              self.tr("Resume one, or create a new receptionist.")),
                     "inactive": (self.tr("No inactive receptionists"),
                                  self.tr("Paused or unpublished receptionists show up here."))}
            self.table.overlay.show_message(*empty[self.current_tab()])
        else:
            self.table.overlay.hide()
        for n, row in enumerate(listing.rows):
            if selected is not None and row.id == selected.id:
                self.table.selectRow(n)
        self._sync_buttons()
        if not self._loaded:
            self._loaded = True
            self.loaded.emit()

    def is_loaded(self) -> bool:
        return self._loaded

    def current_tab(self) -> str:
        return str(self.tabs.tabData(self.tabs.currentIndex()))

    def current_row(self) -> ReceptionistRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _sync_buttons(self) -> None:
        row = self.current_row()
        for b in (self.edit_button, self.pause_button, self.test_button):
            b.setEnabled(row is not None)
        live = row is not None and row.status == ReceptionistStatus.LIVE
        self.pause_button.setText(self.tr("Pause") if live or row is None else self.tr("Resume"))

    # ----- actions ------------------------------------------------------------------------
    def create_receptionist(self) -> ReceptionistWizard:  # not "create": QWidget.create()
        return self._open_wizard(None)

    def _open_wizard(self, detail: ReceptionistDetail | None) -> ReceptionistWizard:
        if self.wizard is not None:
            if self.wizard.is_busy():  # still publishing: keep it, its outcome matters
                self.wizard.raise_()
                return self.wizard
            self.wizard.close()
            self.wizard.deleteLater()
        self.wizard = ReceptionistWizard(self.ctx, self, detail)
        self.wizard.saved.connect(self._saved)
        self.wizard.open()
        return self.wizard

    def _saved(self, detail: ReceptionistDetail) -> None:
        if detail.status == ReceptionistStatus.LIVE:
            text = self.tr("“{name}” is live on {number}.")
        else:
            text = self.tr("“{name}” is saved but inactive. ") + self.tr(detail.note)
        self.banner.say(text.format(name=detail.name, number=detail.phone_number))
        self.reload()

    def edit(self, row: ReceptionistRow | None) -> None:
        if row is None:
            return

        async def go() -> None:
            self._open_wizard(await self.service.get(row.id))

        run_reporting(self.ctx, self.banner, go(), "receptionists.list.edit")

    def toggle_pause(self, row: ReceptionistRow | None) -> None:
        if row is None:
            return

        async def go() -> None:
            if row.status == ReceptionistStatus.LIVE:
                detail = await self.service.pause(row.id)
                self.banner.say(self.tr("“{name}” is paused; {number} no longer answers.")
                                .format(name=detail.name, number=detail.phone_number))
            else:
                self.banner.say(self.tr("Publishing “{name}”…").format(name=row.name))
                detail = await self.service.resume(row.id)
                self.banner.say(self.tr("“{name}” is live on {number}.").format(
                    name=detail.name, number=detail.phone_number))

        run_reporting(self.ctx, self.banner, go(), "receptionists.list.pause")

    def open_test_call(self, row: ReceptionistRow | None) -> None:
        if row is None:
            return

        async def go() -> None:
            detail = await self.service.get(row.id)
            if self.test_call is not None:
                self.test_call.close()
                self.test_call.deleteLater()
            self.test_call = PracticeCallDialog(detail.config(), self)
            self.test_call.open()

        run_reporting(self.ctx, self.banner, go(), "receptionists.list.test_call")

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.tr("Edit…"), lambda: self.edit(row))
        menu.addAction(self.tr("Pause") if row.status == ReceptionistStatus.LIVE
                       else self.tr("Resume"), lambda: self.toggle_pause(row))
        menu.addAction(self.tr("Test call…"), lambda: self.open_test_call(row))
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ----- state --------------------------------------------------------------------------
    def save_state(self) -> None:
        settings: QSettings = self.ctx.settings
        self.table.save_layout(settings, f"{KEY}/table")
        settings.setValue(f"{KEY}/tab", self.current_tab())

    def restore_state(self) -> None:
        settings: QSettings = self.ctx.settings
        self.table.restore_layout(settings, f"{KEY}/table")
        tab = settings.value(f"{KEY}/tab", "all")
        for i in range(self.tabs.count()):
            if self.tabs.tabData(i) == tab:
                self.tabs.setCurrentIndex(i)

    def closeEvent(self, event: Any) -> None:
        self._reload_timer.stop()
        super().closeEvent(event)
