"""The Interviewers section of the main window: the list and one interviewer's page, stacked."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.list_page import InterviewersListPage

if TYPE_CHECKING:  # built when first opened: its charts (pyqtgraph) cost ~0.7 s to import
    from milo_desktop.views.interviewers.detail_page import InterviewerPage


class InterviewersSection(QWidget):
    """What the main window embeds. Loads lazily on first show.

    ``loaded`` fires when the page on screen has its first page of data (screenshots wait for
    it); ``openCandidate(candidate_id)`` asks the main window to open a profile.
    """

    openCandidate = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = InterviewersListPage(ctx, self)
        self._detail: InterviewerPage | None = None
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.list_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.list_page.openInterviewer.connect(self.open_interviewer)
        self.list_page.loaded.connect(lambda: self._page_loaded(self.list_page))
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)

    @property
    def detail_page(self) -> InterviewerPage:
        """One interviewer's page, built the first time it is needed (not at start-up)."""
        if self._detail is None:
            from milo_desktop.views.interviewers.detail_page import InterviewerPage

            page = InterviewerPage(self.ctx, self)
            self.stack.addWidget(page)
            page.back.connect(self.show_list)
            page.openCandidate.connect(self.openCandidate)
            page.loaded.connect(lambda: self._page_loaded(page))
            self._detail = page
        return self._detail

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.stack.currentWidget() is self.list_page:
            self.list_page.start()

    def closeEvent(self, event: Any) -> None:
        # Closing comes before the workspace closes: no debounced reload may fire after it.
        for timer in self.findChildren(QTimer):
            timer.stop()
        super().closeEvent(event)

    def _page_loaded(self, page: QWidget) -> None:
        if self.stack.currentWidget() is page:
            self.loaded.emit()

    # ----- what the main window calls ---------------------------------------------------------
    def open_interviewer(self, interviewer_id: int) -> None:
        self.detail_page.load(interviewer_id, self.ctx.settings)
        self.stack.setCurrentWidget(self.detail_page)

    def open_interviewer_slug(self, slug: str) -> asyncio.Task[Any]:
        """Look the slug up off the GUI thread, then open it (a message when it's gone)."""

        async def go() -> None:
            interviewer_id = await self.ctx.workspace.interviewers.id_for_slug(slug)
            if interviewer_id is None:
                self.show_list()
                self.list_page.banner.say(
                    self.tr("No interviewer has the link name “{slug}”.").format(slug=slug),
                    problem=True)
                return
            self.open_interviewer(interviewer_id)

        return self.ctx.spawn(go(), "interviewers.open_slug")

    def show_list(self) -> None:
        if self._detail is not None:
            self._detail.save_layout()
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.start()
        if self.list_page.is_loaded():
            self.list_page.table.setFocus()

    def show_tab(self, tab: str) -> None:
        """The list on one of its tabs ("active", "expired", "archived")."""
        if self.stack.currentWidget() is not self.list_page:
            self.show_list()
        self.list_page.show_tab(tab)

    def current_page(self) -> InterviewersListPage | InterviewerPage:
        page = self.stack.currentWidget()
        if page is self.list_page or self._detail is None:
            return self.list_page
        return self._detail

    def is_loaded(self) -> bool:
        return self.current_page().is_loaded()

    def focus_search(self) -> None:
        self.current_page().focus_search()

    def save_state(self) -> None:
        """Column layouts, tab and sort into the UI settings."""
        self.list_page.save_state(self.ctx.settings)
        if self._detail is not None:
            self._detail.save_layout(self.ctx.settings)

    def restore_state(self) -> None:
        self.list_page.restore_state(self.ctx.settings)
