"""Export CSV / JSON and the score report PDF from the Candidates tab.

The file is chosen here (a save dialog remembering its folder); the work runs in the review
service, page by page off the GUI thread, with the progress strip and a Cancel button for
exports. The banner then offers to open the folder (exports) or the PDF (reports).
"""

from __future__ import annotations

import re
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget
from shiboken6 import isValid

from milo_desktop.services.review import ExportFormat, ReviewSelection
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.candidates_feedback import FeedbackBanner, ProgressStrip
from milo_desktop.views.interviewers.candidates_model import InterviewerCandidatesModel

FOLDER_KEY = "interviewers/candidates/export-folder"


def safe_file_name(text: str) -> str:
    """A file name from a person's or a role's name (no separators or control characters)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip(" .")
    return " ".join(cleaned.split())[:80] or "candidates"


if TYPE_CHECKING:
    _Base = QWidget  # ReviewBar is one: for the type checker, so is this mixin of it
else:
    _Base = object


class ExportActions(_Base):
    """Mixed into ReviewBar, which provides these attributes and ``_run``."""

    ctx: ViewContext
    model: InterviewerCandidatesModel
    progress: ProgressStrip
    banner: FeedbackBanner
    title: str = ""  # the interviewer's name, for default file names; set by the page
    last_path: Path | None = None

    if TYPE_CHECKING:  # provided by ReviewBar
        def selection(self) -> ReviewSelection | None: ...
        def selected_rows(self) -> list[Any]: ...
        def candidates_text(self, n: int) -> str: ...
        def _run(self, coro: Coroutine[Any, Any, Any], name: str, *,
                 quiet: bool = False) -> None: ...

    # ----- choosing the file ----------------------------------------------------------------------
    def _folder(self) -> str:
        saved = self.ctx.settings.value(FOLDER_KEY)
        if isinstance(saved, str) and Path(saved).is_dir():
            return saved
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def _ask(self, caption: str, name: str, filter_text: str) -> Path | None:
        parent = self if isinstance(self, QWidget) else None
        chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(Path(self._folder()) / name),
                                                filter_text)
        if not chosen:
            return None
        self.ctx.settings.setValue(FOLDER_KEY, str(Path(chosen).parent))
        return Path(chosen)

    def export(self, fmt: str) -> None:
        kind = ExportFormat(fmt)
        suffix = kind.value
        filter_text = (self.tr("CSV files (*.csv)") if kind == ExportFormat.CSV
                       else self.tr("JSON files (*.json)"))
        path = self._ask(self.tr("Export candidates"),
                         f"{safe_file_name(self.title)} candidates.{suffix}", filter_text)
        if path is not None:
            self.export_to(path, kind)

    def report(self) -> None:
        rows = self.selected_rows()
        name = (f"{safe_file_name(rows[0].name)} score report.pdf" if len(rows) == 1
                else f"{safe_file_name(self.title)} score reports.pdf")
        path = self._ask(self.tr("Save score report"), name, self.tr("PDF files (*.pdf)"))
        if path is not None:
            self.report_to(path)

    # ----- doing it ------------------------------------------------------------------------------------
    def export_to(self, path: Path, fmt: ExportFormat) -> None:
        """Export the selection (or, with nothing selected, every candidate the filters
        show) to ``path``."""
        selection = self.selection() or ReviewSelection.of(self.model.query)
        stop = {"asked": False}

        def cancel() -> None:
            stop["asked"] = True

        async def go() -> None:
            self.progress.start(self.tr("Exporting…"), on_cancel=cancel)
            result = await self.ctx.workspace.review.export(
                selection, path, fmt, progress=self._progress,
                cancelled=lambda: stop["asked"])
            if not isValid(self.banner):
                return
            if result.cancelled:
                self.banner.say(self.tr("Export cancelled; no file was written."))
                return
            self.last_path = result.path
            self.banner.say(
                self.tr("Exported {who} to {file}.").format(
                    who=self.candidates_text(result.rows), file=result.path.name),
                action=self.tr("Show in folder"),
                on_action=lambda: _open(result.path.parent))

        self._run(go(), f"candidates.export.{fmt}")

    def report_to(self, path: Path) -> None:
        selection = self.selection()
        if selection is None:
            return

        async def go() -> None:
            self.progress.start(self.tr("Writing the score report…"))
            result = await self.ctx.workspace.review.score_report(selection, path)
            if not isValid(self.banner):
                return
            self.last_path = result.path
            self.banner.say(
                self.tr("Saved the score report of {who} ({pages} pages) to {file}.").format(
                    who=self.candidates_text(result.candidates), pages=result.pages,
                    file=result.path.name),
                action=self.tr("Open"), on_action=lambda: _open(result.path))

        self._run(go(), "candidates.report")

    def _progress(self, done: int, total: int) -> None:
        if isValid(self.progress):
            self.progress.update_progress(done, total)


def _open(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

