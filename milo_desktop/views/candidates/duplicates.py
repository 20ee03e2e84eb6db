"""Possible duplicates: the review window and the directory's "Possible duplicates (N)" button.

People who share an email, phone or LinkedIn profile under different names, or who only have
a similar name, are never merged by themselves; this window lists them (newest first), shows
both side by side with the reason, and lets the recruiter Merge… (choosing each differing
field) or say "Not the same person". After a merge an Undo link stays in the banner, and
"Recently merged" keeps Undo for 30 days. Everything runs through ``workspace.duplicates``.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.services.candidates.duplicates import DuplicatePair, MergeView
from milo_desktop.views import theme
from milo_desktop.views.candidates.duplicates_merge import (
    MergeDialog,
    PairComparison,
    RecentMerges,
)
from milo_desktop.views.candidates.format import count_text
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.banner import Banner, run_reporting

PAGE = 50
RECOUNT_MS = 1000  # imports change candidates in bursts: one count per burst
UNDO_BANNER_MS = 20_000


class DuplicatesDialog(QDialog):
    """The review. ``loaded`` is emitted whenever the lists have been (re)read."""

    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.workspace.duplicates
        self.pairs: list[DuplicatePair] = []
        self.recent: list[MergeView] = []
        self._cursor: int | None = None
        self._loaded = False
        self.setWindowTitle(self.tr("Possible duplicates"))
        self.resize(1100, 720)
        self._build()
        self._reload_timer = QTimer(self, singleShot=True, interval=RECOUNT_MS)
        self._reload_timer.timeout.connect(self.reload)
        ctx.bridge.candidatesChanged.connect(lambda _ids: self._reload_timer.start())
        self.reload()

    # ----- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel(self.tr("Possible duplicates"), self)
        title.setObjectName("pageTitle")
        self.scan_button = QPushButton(self.tr("Look for similar names"), self)
        self.scan_button.setToolTip(self.tr("Check the whole directory for people with the "
                                            "same or a similar name"))
        self.scan_button.clicked.connect(self.scan)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.scan_button)
        intro = QLabel(self.tr(
            "People who share an email, phone or LinkedIn profile under different names, or "
            "only have a similar name. Nobody is merged until you say so."), self)
        intro.setProperty("muted", True)
        intro.setWordWrap(True)
        self.banner = Banner(self, success_ms=UNDO_BANNER_MS)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.linkActivated.connect(self._banner_link)

        self.tabs = QTabWidget(self)
        self.tabs.tabBar().setUsesScrollButtons(False)  # two tabs, and their counts change
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.addTab(self._review_page(), self.tr("To review"))
        self.recent_page = RecentMerges(self)
        self.recent_page.undo_button.clicked.connect(self.undo_selected)
        self.recent_tree, self.undo_button = self.recent_page.tree, self.recent_page.undo_button
        self.recent_empty = self.recent_page.empty
        self.tabs.addTab(self.recent_page, self.tr("Recently merged"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _review_page(self) -> QWidget:
        page = QWidget(self)
        self.pair_list = QListWidget(page)
        self.pair_list.setAccessibleName(self.tr("Possible duplicates"))
        self.pair_list.setWordWrap(True)
        t = theme.current()
        self.pair_list.setStyleSheet(
            f"QListWidget {{ background: {t.base}; border: 1px solid {t.border};"
            " border-radius: 8px; padding: 4px; }"
            f"QListWidget::item {{ padding: 8px 10px; border-radius: 6px;"
            f" border-bottom: 1px solid {t.border}; }}"
            f"QListWidget::item:selected {{ background: {t.hover}; color: {t.text}; }}")
        self.pair_list.currentRowChanged.connect(lambda _row: self._show_current())
        self.more_button = QPushButton(self.tr("Show more"), page)
        self.more_button.clicked.connect(lambda: self.ctx.spawn(
            self._load_more(), "duplicates.more", owner=self))
        self.more_button.hide()
        left = QWidget(page)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.pair_list, 1)
        lv.addWidget(self.more_button)

        self.comparison = PairComparison(page)
        self.merge_button = QPushButton(self.tr("Merge…"), page)
        self.merge_button.setProperty("primary", True)
        self.merge_button.clicked.connect(lambda: self.merge_current())
        self.distinct_button = QPushButton(self.tr("Not the same person"), page)
        self.distinct_button.setToolTip(self.tr("They will not be suggested again"))
        self.distinct_button.clicked.connect(self.mark_current_distinct)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.distinct_button)
        actions.addWidget(self.merge_button)
        detail = QWidget(page)
        dv = QVBoxLayout(detail)
        dv.setContentsMargins(16, 4, 4, 4)
        dv.addWidget(self.comparison, 1)
        dv.addLayout(actions)

        empty = QWidget(page)
        ev = QVBoxLayout(empty)
        ev.addStretch(1)
        self.empty_title = QLabel(self.tr("No possible duplicates"), empty)
        self.empty_title.setObjectName("overlayTitle")
        self.empty_hint = QLabel(self.tr(
            "When two people share an email, phone or LinkedIn profile under different names, "
            "or have similar names, they are listed here for you to decide."), empty)
        self.empty_hint.setObjectName("overlayHint")
        self.empty_hint.setWordWrap(True)
        for label in (self.empty_title, self.empty_hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            ev.addWidget(label)
        ev.addStretch(2)

        split = QSplitter(page)
        split.addWidget(left)
        split.addWidget(detail)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 700])
        self.stack = QStackedWidget(page)
        self.stack.addWidget(split)
        self.stack.addWidget(empty)
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 8, 0, 0)
        v.addWidget(self.stack)
        return page

    # ----- loading ----------------------------------------------------------------------------
    def is_loaded(self) -> bool:
        return self._loaded

    def reload(self) -> None:
        self.ctx.spawn(self._load(), "duplicates.load", owner=self)

    async def _load(self) -> None:
        page = await self.service.open_pairs(limit=PAGE)
        total = await self.service.count_open()
        recent = await self.service.recent_merges()
        if not isValid(self):
            return
        keep = self.current_pair()
        self.pairs = list(page.rows)
        self._cursor = page.next_cursor[0] if page.next_cursor else None
        self._fill_pairs(keep.id if keep else None)
        self.tabs.setTabText(0, self.tr("To review ({n})").format(n=count_text(total)))
        self.recent = recent
        self.recent_page.fill(recent)
        self.tabs.setTabText(1, self.tr("Recently merged ({n})").format(
            n=count_text(len(recent))) if recent else self.tr("Recently merged"))
        self._loaded = True
        self.loaded.emit()

    async def _load_more(self) -> None:
        if self._cursor is None:
            return
        page = await self.service.open_pairs(after=self._cursor, limit=PAGE)
        if not isValid(self):
            return
        known = {p.id for p in self.pairs}
        self.pairs.extend(p for p in page.rows if p.id not in known)
        self._cursor = page.next_cursor[0] if page.next_cursor else None
        current = self.current_pair()
        self._fill_pairs(current.id if current else None)

    def _fill_pairs(self, keep_id: int | None) -> None:
        self.pair_list.blockSignals(True)
        self.pair_list.clear()
        row = 0
        for i, pair in enumerate(self.pairs):
            item = QListWidgetItem(f"{pair.first.full_name}  ·  {pair.second.full_name}\n"
                                   f"{pair.reason}")
            item.setData(Qt.ItemDataRole.UserRole, pair.id)
            self.pair_list.addItem(item)
            if pair.id == keep_id:
                row = i
        self.pair_list.blockSignals(False)
        self.more_button.setVisible(self._cursor is not None)
        self.stack.setCurrentIndex(0 if self.pairs else 1)
        if self.pairs:
            self.pair_list.setCurrentRow(min(row, len(self.pairs) - 1))
        self._show_current()

    # ----- the current pair -------------------------------------------------------------------
    def current_pair(self) -> DuplicatePair | None:
        row = self.pair_list.currentRow()
        return self.pairs[row] if 0 <= row < len(self.pairs) else None

    def _show_current(self) -> None:
        pair = self.current_pair()
        self.merge_button.setEnabled(pair is not None)
        self.distinct_button.setEnabled(pair is not None)
        if pair is not None:
            self.comparison.show_pair(pair)

    def merge_current(self) -> MergeDialog | None:
        """Open the Merge dialog for the current pair; merging starts when it is accepted."""
        pair = self.current_pair()
        if pair is None:
            return None
        dialog = MergeDialog(pair, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._run(self._merge(pair, dialog.choices()),
                                                  "duplicates.merge"))
        dialog.open()
        return dialog

    async def _merge(self, pair: DuplicatePair, choices: dict[str, str]) -> None:
        done = await self.service.merge(pair.first.id, pair.second.id, choices)
        if not isValid(self):
            return
        self.banner.say(self.tr("Merged {merged} into {kept}.").format(
            merged=html.escape(done.merged_name), kept=html.escape(done.kept_name))
            + f" <a href='undo:{done.log_id}'>{self.tr('Undo')}</a>")
        self.reload()

    def mark_current_distinct(self) -> None:
        pair = self.current_pair()
        if pair is not None:
            self._run(self._distinct(pair), "duplicates.distinct")

    async def _distinct(self, pair: DuplicatePair) -> None:
        await self.service.mark_distinct(pair.id)
        if not isValid(self):
            return
        self.banner.say(html.escape(self.tr(
            "{a} and {b} are different people; they will not be suggested again.").format(
            a=pair.first.full_name, b=pair.second.full_name)))
        self.reload()

    # ----- undo ------------------------------------------------------------------------------
    def _banner_link(self, link: str) -> None:
        if link.startswith("undo:"):
            self.undo(int(link.split(":", 1)[1]))

    def undo_selected(self) -> None:
        m = self.recent_page.selected()
        if m is not None:
            self.undo(m.id)

    def undo(self, log_id: int) -> None:
        self._run(self._undo(log_id), "duplicates.undo")

    async def _undo(self, log_id: int) -> None:
        known = next((m for m in self.recent if m.id == log_id), None)
        await self.service.undo_merge(log_id)
        if not isValid(self):
            return
        text = (self.tr("Merge undone: {merged} and {kept} are two people again.").format(
            merged=known.merged_name, kept=known.kept_name) if known
            else self.tr("Merge undone."))
        self.banner.say(html.escape(text))
        self.reload()

    # ----- scanning --------------------------------------------------------------------------
    def scan(self) -> None:
        self.scan_button.setEnabled(False)
        self.banner.say(self.tr("Looking for similar names…"))
        self._run(self._scan(), "duplicates.scan")

    async def _scan(self) -> None:
        try:
            found = await self.service.scan_names()
        finally:
            if isValid(self):
                self.scan_button.setEnabled(True)
        if not isValid(self):
            return
        new = found.same_name + found.similar_name
        self.banner.say(self.tr("Checked {n} people: {new} new possible duplicates.").format(
            n=count_text(found.compared), new=count_text(new)) if new else self.tr(
            "Checked {n} people: no new possible duplicates.").format(
            n=count_text(found.compared)))
        self.reload()

    def _run(self, coro: Any, name: str) -> None:
        run_reporting(self.ctx, self.banner, coro, name)


class DuplicatesButton(QPushButton):
    """"Possible duplicates (N)" for the directory's header; opens the review."""

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.count: int | None = None
        self.dialog: DuplicatesDialog | None = None
        self.setText(self.tr("Possible duplicates"))
        self.setToolTip(self.tr("People who may be the same person: review, merge or keep "
                                "apart"))
        self.clicked.connect(lambda: self.open_review())
        self._timer = QTimer(self, singleShot=True, interval=RECOUNT_MS)
        self._timer.timeout.connect(self.recount)
        ctx.bridge.candidatesChanged.connect(lambda _ids: self._timer.start())
        self.recount()

    def recount(self) -> None:
        self.ctx.spawn(self._count(), "duplicates.count", owner=self)

    async def _count(self) -> None:
        n = await self.ctx.workspace.duplicates.count_open()
        if not isValid(self):
            return
        self.count = n
        self.setText(self.tr("Possible duplicates ({n})").format(n=count_text(n)) if n
                     else self.tr("Possible duplicates"))

    def open_review(self) -> DuplicatesDialog:
        if self.dialog is None or not isValid(self.dialog):
            self.dialog = DuplicatesDialog(self.ctx, self.window())
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
