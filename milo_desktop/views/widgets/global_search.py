"""The top bar's type-ahead search over candidates and interviewers, with a results popup."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.search import SearchResults
from milo_desktop.views.context import ViewContext

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
DEBOUNCE_MS = 120
MAX_POPUP_WIDTH = 720  # long names and addresses beyond this are elided (whole on hover)
ITEM_CHROME = 56  # item padding, list and popup margins, frame, a vertical scroll bar


def popup_width(needed: int, floor: int, room: int) -> int:
    """At least ``floor`` (the search field's width); as wide as ``needed`` up to
    MAX_POPUP_WIDTH and the ``room`` left on the screen."""
    return max(floor, min(needed, MAX_POPUP_WIDTH, room))


class _ElidingRows(QStyledItemDelegate):
    """Rows claim no width of their own: each is as wide as the list and its text is elided
    (a row as wide as its text would be cut off at the edge, or scroll sideways)."""

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class ResultsPopup(QFrame):
    chosen = Signal(str, int)  # "candidate" | "interviewer", id

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip)
        self.setObjectName("popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        self.list = QListWidget(self)
        self.list.setObjectName("popupList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Rows as wide as the list, their text elided: never a sideways scroll bar.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)
        self.list.setItemDelegate(_ElidingRows(self.list))
        self.list.itemClicked.connect(self._clicked)
        self.empty = QLabel(self)
        self.empty.setObjectName("muted")
        self.empty.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)

    def show_results(self, results: SearchResults, anchor: QWidget) -> None:
        self.list.clear()
        groups = (
            (
                self.tr("CANDIDATES"),
                "candidate",
                [
                    (c.id, c.full_name, " · ".join(x for x in (c.email, c.phone_e164) if x))
                    for c in results.candidates
                ],
            ),
            (
                self.tr("INTERVIEWERS"),
                "interviewer",
                [(i.id, i.name, f"/{i.slug} · {i.status}") for i in results.interviewers],
            ),
        )
        for title, kind, rows in groups:
            if not rows:
                continue
            header = QListWidgetItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setData(KIND_ROLE, None)
            self.list.addItem(header)
            for item_id, name, detail in rows:
                item = QListWidgetItem(f"{name}    {detail}" if detail else name)
                item.setData(KIND_ROLE, kind)
                item.setData(ID_ROLE, item_id)
                item.setToolTip(f"{name}\n{detail}" if detail else name)
                self.list.addItem(item)
        has_rows = self.list.count() > 0
        self.list.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.empty.setText(
            self.tr("No candidates or interviewers match “%1”").replace("%1", results.query)
        )
        shown = min(self.list.count(), 14)
        row_height = self.list.sizeHintForRow(0) if self.list.count() else 28
        self.list.setFixedHeight(max(1, shown) * row_height + 2 * self.list.frameWidth() + 4)
        fm = self.list.fontMetrics()
        widest = max((fm.horizontalAdvance(self.list.item(i).text())
                      for i in range(self.list.count())), default=0)
        at = anchor.mapToGlobal(QPoint(0, 0))
        screen = anchor.screen().availableGeometry()
        self.setFixedWidth(popup_width(widest + ITEM_CHROME, max(anchor.width(), 460),
                                       screen.right() - at.x() - 8))
        self.adjustSize()
        self.move(anchor.mapToGlobal(QPoint(0, anchor.height() + 4)))
        self.show()
        self._select_first()

    def _select_first(self) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(KIND_ROLE):
                self.list.setCurrentRow(i)
                return

    def move_selection(self, step: int) -> None:
        row = self.list.currentRow()
        for _ in range(self.list.count()):
            row = (row + step) % max(1, self.list.count())
            if self.list.item(row).data(KIND_ROLE):
                self.list.setCurrentRow(row)
                return

    def activate_current(self) -> bool:
        item = self.list.currentItem()
        if item is None or not item.data(KIND_ROLE):
            return False
        self._clicked(item)
        return True

    def _clicked(self, item: QListWidgetItem) -> None:
        kind = item.data(KIND_ROLE)
        if kind:
            self.hide()
            self.chosen.emit(kind, int(item.data(ID_ROLE)))


class GlobalSearch(QLineEdit):
    """Type a name, email, phone or role; Enter opens the highlighted result."""

    candidateChosen = Signal(int)
    interviewerChosen = Signal(int)
    resultsShown = Signal(object)  # SearchResults, for tests

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("globalSearch")
        self.setPlaceholderText(self.tr("Search candidates and interviewers   Ctrl+K"))
        self.setClearButtonEnabled(True)
        self.popup = ResultsPopup(self)
        self.popup.chosen.connect(self._chosen)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(lambda _t: self._timer.start())
        self._seq = 0
        self.installEventFilter(self)

    def _search(self) -> None:
        text = self.text().strip()
        self._seq += 1
        if not text:
            self.popup.hide()
            return
        self.ctx.spawn(self._run(text, self._seq), "global-search")

    async def _run(self, text: str, seq: int) -> None:
        results = await self.ctx.workspace.search.typeahead(text, limit=8)
        if seq != self._seq:
            return  # a newer query is on its way
        self.popup.show_results(results, self)
        self.resultsShown.emit(results)

    def _chosen(self, kind: str, item_id: int) -> None:
        self.clear()
        if kind == "candidate":
            self.candidateChosen.emit(item_id)
        else:
            self.interviewerChosen.emit(item_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.KeyPress and self.popup.isVisible():
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down:
                self.popup.move_selection(1)
                return True
            if key == Qt.Key.Key_Up:
                self.popup.move_selection(-1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return self.popup.activate_current()
            if key == Qt.Key.Key_Escape:
                self.popup.hide()
                return True
        if watched is self and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(150, self._hide_if_unfocused)
        return super().eventFilter(watched, event)

    def _hide_if_unfocused(self) -> None:
        if not self.hasFocus():
            self.popup.hide()
