"""The Search index card: "Rebuild search index" with a progress bar and Cancel. The rebuild
runs on the database thread (services/data/index_rebuild.py); its progress comes back through
a signal, so the window stays live, and a cancelled rebuild leaves the index as it was."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.data import IndexRebuild
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import Card, MessageLine


class IndexCard(Card):
    progressed = Signal(int, int, str)  # done, total, unit: from the database thread
    finished = Signal(bool)  # True: rebuilt; False: cancelled or failed

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Search index"), parent)
        self.ctx = ctx
        self.job: IndexRebuild | None = None
        about = QLabel(self.tr(
            "Type-ahead search and the directory's search read an index of names, emails and "
            "phone numbers. Rebuild it if search misses people you know are there. Searching "
            "keeps working meanwhile; saving waits until it is done."), self)
        about.setWordWrap(True)
        about.setProperty("muted", True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.hide()
        self.rebuild_button = QPushButton(self.tr("Rebuild search index"), self)
        self.rebuild_button.setProperty("primary", True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.hide()  # only while a rebuild runs
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.rebuild_button)
        self.message = MessageLine(self)
        self.body.addWidget(about)
        self.body.addLayout(buttons)
        self.body.addWidget(self.message)

        self.progressed.connect(self._show_progress)
        self.rebuild_button.clicked.connect(self.rebuild)
        self.cancel_button.clicked.connect(self.cancel)

    def is_running(self) -> bool:
        return self.job is not None

    def rebuild(self) -> None:
        if self.job is not None:
            return
        emit = self.progressed.emit
        self.job = job = IndexRebuild(self.ctx.workspace.db,
                                      lambda p: emit(p.done, p.total, p.unit))
        self.rebuild_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.bar.show()
        self.set_status(self.tr("Rebuilding…"))
        self.message.say(self.tr("Counting…"), "muted")

        async def work() -> None:
            done = False
            try:
                done = await job.run()
                if done:
                    self.message.say(self.tr("The search index was rebuilt."), "success")
                    self.set_status(self.tr("Rebuilt"), "success")
                else:
                    self.message.say(self.tr("Cancelled — the search index is as it was."),
                                     "muted")
                    self.set_status(self.tr("Cancelled"))
            except EnvironmentProblem as exc:  # the disk is full, the workspace is busy…
                self.message.say(exc.message, "danger")
                self.set_status(self.tr("Failed"), "danger")
            finally:
                self.job = None
                self.bar.hide()
                self.rebuild_button.setEnabled(True)
                self.cancel_button.hide()
                self.finished.emit(done)

        self.ctx.spawn(work(), "data.search_index.rebuild")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.say(self.tr("Cancelling…"), "muted")

    def _show_progress(self, done: int, total: int, unit: str) -> None:
        if self.job is None or self.job.cancelled:
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        what = self.tr("indexes") if unit == "indexes" else self.tr("records")
        self.message.say(self.tr("{d:,} of {t:,} {w}").format(d=done, t=total, w=what),
                         "muted")

