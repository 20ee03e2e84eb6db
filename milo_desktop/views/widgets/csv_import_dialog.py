"""Import CSV…: people from a spreadsheet or another system into the Candidate Directory.

Four steps in one dialog: choose a file; check the preview and say what each column holds (the
mapping suggested from the headers, or the one confirmed last time for the same headers); watch
the import (progress, Cancel); read the summary and download the rows that were set aside.

Everything slow runs off the GUI thread: the service reads the file in a worker thread and
stores each batch of rows through ``db.write``; this dialog only awaits it (``ctx.spawn``), so
the window stays responsive through a 100,000-row file. Shared by the Candidate Directory and
the From ATS section: open it with ``open_csv_import(ctx, parent)``. The preview table is
csv_import_table.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.candidates.csv_import import CsvImportService, ImportReport, Preview
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import MessageLine
from milo_desktop.views.widgets.csv_import_table import MappingTable, RegionCombo
from milo_desktop.views.widgets.formatting import count_text

REGION_KEY = "csv_import/region"
FOLDER_KEY = "csv_import/folder"
PAGE_PICK, PAGE_MAP, PAGE_RUN, PAGE_DONE = range(4)


def open_csv_import(ctx: ViewContext, parent: QWidget | None = None) -> None:
    """Open the Import CSV dialog over ``parent`` (window-modal; it deletes itself on close)."""
    dialog = CsvImportDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


class CsvImportDialog(QDialog):
    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = CsvImportService(ctx.workspace.db, ctx.workspace.bus)
        self.path: str | None = None
        self.preview: Preview | None = None
        self.report: ImportReport | None = None
        self._cancel = threading.Event()
        self._busy = False
        self._close_when_done = False
        self.setWindowTitle(self.tr("Import candidates from a CSV file"))
        self.setMinimumWidth(560)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._pick_page())
        self.stack.addWidget(self._map_page())
        self.stack.addWidget(self._run_page())
        self.stack.addWidget(self._done_page())
        self.message = MessageLine(self)
        self.back_button = QPushButton(self.tr("Choose another file"), self)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setProperty("primary", True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for b in (self.cancel_button, self.import_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.choose_file)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.close_button.clicked.connect(self.reject)
        self._show_page(PAGE_PICK)

    # ----- pages ----------------------------------------------------------------------------
    def _title(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        label.setFont(font)
        return label

    def _pick_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(self.tr(
            "Bring in candidates from a spreadsheet or another system. Save it as a CSV file "
            "with a header row (name, email, phone…). People already in your directory are "
            "updated with any details they are missing; nobody is added twice."), page)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.choose_button = QPushButton(self.tr("Choose a CSV file…"), page)
        self.choose_button.setProperty("primary", True)
        self.choose_button.clicked.connect(self.choose_file)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self._title(self.tr("Import candidates"), page))
        col.addWidget(intro)
        col.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        col.addStretch(1)
        return page

    def _map_page(self) -> QWidget:
        page = QWidget(self)
        self.map_title = self._title("", page)
        self.format_label = QLabel(page)
        self.format_label.setProperty("muted", True)
        self.format_label.setWordWrap(True)
        hint = QLabel(self.tr("Choose what each column holds. Columns set to “Ignore” are not "
                              "imported. A name, an email or a phone column is needed."), page)
        hint.setWordWrap(True)
        self.table = MappingTable(page)
        self.table.changed.connect(self._validate)
        self.region_combo = RegionCombo(self.ctx.settings.value(REGION_KEY), page)
        region_row = QHBoxLayout()
        region_row.addWidget(QLabel(self.tr("Phone numbers without a country code are in:"),
                                    page))
        region_row.addWidget(self.region_combo)
        region_row.addStretch(1)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.map_title)
        col.addWidget(self.format_label)
        col.addWidget(hint)
        col.addWidget(self.table, 1)
        col.addLayout(region_row)
        return page

    def _run_page(self) -> QWidget:
        page = QWidget(self)
        self.run_title = self._title(self.tr("Importing…"), page)
        self.progress = QProgressBar(page)
        self.progress.setRange(0, 0)
        self.progress_label = QLabel(self.tr("Reading the file…"), page)
        self.progress_label.setProperty("muted", True)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.run_title)
        col.addWidget(self.progress)
        col.addWidget(self.progress_label)
        col.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget(self)
        self.done_title = self._title("", page)
        self.summary = QLabel(page)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejects_button = QPushButton(self.tr("Download rejected rows…"), page)
        self.rejects_button.clicked.connect(self.download_rejects)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.done_title)
        col.addWidget(self.summary)
        col.addWidget(self.rejects_button, 0, Qt.AlignmentFlag.AlignLeft)
        col.addStretch(1)
        return page

    def _show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.resize(self._size_for(page))
        self.back_button.setVisible(page == PAGE_MAP)
        self.import_button.setVisible(page == PAGE_MAP)
        self.cancel_button.setVisible(page == PAGE_RUN)
        self.close_button.setVisible(page != PAGE_RUN)
        self.close_button.setText(self.tr("Done") if page == PAGE_DONE else self.tr("Close"))

    def _size_for(self, page: int) -> QSize:
        """The preview takes the room it can (up to 1100 × 720, within the window it is
        opened over); the other steps are a few lines."""
        if page != PAGE_MAP:
            return QSize(620, 300)
        host = self.parentWidget()
        area = host.window().size() if host is not None else QSize(1440, 900)
        return QSize(min(1100, max(620, area.width() - 160)),
                     min(720, max(460, area.height() - 120)))

    # ----- choosing and previewing ------------------------------------------------------------
    def _folder(self) -> str:
        saved = self.ctx.settings.value(FOLDER_KEY)
        if isinstance(saved, str) and Path(saved).is_dir():
            return saved
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a CSV file"), self._folder(),
            self.tr("CSV files (*.csv *.tsv *.txt);;All files (*)"))
        if path:
            self.ctx.settings.setValue(FOLDER_KEY, str(Path(path).parent))
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Preview ``path`` in the background and show the mapping step."""
        self.path = path
        self.message.say(self.tr("Reading the file…"), "muted")
        self.ctx.spawn(self._load(path), "csv_import.preview", owner=self)

    async def _load(self, path: str) -> None:
        try:
            preview = await self.service.preview(path)
        except EnvironmentProblem as exc:
            self.message.say(exc.message, "danger")
            return
        except OSError as exc:
            self.message.say(self.tr("This file could not be opened: {reason}").format(
                reason=exc.strerror or str(exc)), "danger")
            return
        if not isValid(self):
            return
        self.message.clear_message()
        self.show_preview(path, preview)

    def show_preview(self, path: str, preview: Preview) -> None:
        self.preview = preview
        self.map_title.setText(self.tr("Check the columns of {file}").format(
            file=Path(path).name))
        delimiter = {",": self.tr("comma"), ";": self.tr("semicolon"), "\t": self.tr("tab"),
                     "|": self.tr("pipe")}.get(preview.format.delimiter, preview.format.delimiter)
        shown = self.tr("{kind}-separated, {encoding}; showing the first {n} rows.").format(
            kind=delimiter, encoding=preview.format.encoding.upper(), n=len(preview.rows))
        if preview.remembered:
            shown += " " + self.tr("The columns are set as you chose them last time.")
        self.format_label.setText(shown)
        self.table.show_preview(preview)
        self._show_page(PAGE_MAP)
        self._validate()

    def mapping(self) -> dict[int, str]:
        return self.table.mapping()

    def set_field(self, column: int, key: str) -> None:
        self.table.set_field(column, key)

    def _validate(self) -> None:
        ok = self.table.can_import()
        self.import_button.setEnabled(ok and not self._busy)
        if ok:
            self.message.clear_message()
        else:
            self.message.say(self.tr("Choose the column with the name, or with the email or "
                                     "phone, to import."), "danger")

    # ----- importing ----------------------------------------------------------------------------
    def start_import(self) -> None:
        if self._busy or self.path is None or self.preview is None:
            return
        self._busy = True
        self._cancel.clear()
        region = self.region_combo.currentData()
        self.ctx.settings.setValue(REGION_KEY, region)
        self.progress.setRange(0, 0)
        self.progress_label.setText(self.tr("Reading the file…"))
        self.run_title.setText(self.tr("Importing {file}…").format(file=Path(self.path).name))
        self.message.clear_message()
        self._show_page(PAGE_RUN)
        self.cancel_button.setEnabled(True)
        # Not owned by the dialog: the batch being stored finishes even if the dialog goes.
        self.ctx.spawn(self._import(self.path, self.mapping(), region), "csv_import.run")

    def _progress(self, done: int, total: int) -> None:
        if not isValid(self):
            return
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress_label.setText(self.tr("{done} of {total} rows").format(
            done=count_text(done), total=count_text(total)))

    async def _import(self, path: str, mapping: dict[int, str], region: str) -> None:
        try:
            report = await self.service.import_file(
                path, mapping, source_label=self.tr("CSV import: {file}").format(
                    file=Path(path).name),
                progress=self._progress, cancel=self._cancel, region=region)
        except EnvironmentProblem as exc:
            self._failed(exc.message)
            return
        except OSError as exc:
            self._failed(self.tr("This file could not be read: {reason}").format(
                reason=exc.strerror or str(exc)))
            return
        finally:
            self._busy = False
        if not isValid(self) or self._close_when_done:
            CsvImportService.discard(report)
            if isValid(self):
                super().reject()
            return
        self.show_report(report)

    def _failed(self, text: str) -> None:
        if isValid(self) and self._close_when_done:
            super().reject()
        elif isValid(self):
            self._show_page(PAGE_MAP)
            self.message.say(text, "danger")

    def cancel_import(self) -> None:
        """Stop after the batch being stored; what was imported stays."""
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(self.tr("Stopping after the rows being saved…"))

    def reject(self) -> None:
        if self._busy:  # closing mid-import cancels it; the dialog closes once it stops
            self._close_when_done = True
            self.cancel_import()
            return
        if self.report is not None:
            CsvImportService.discard(self.report)
        super().reject()

    def show_report(self, report: ImportReport) -> None:
        self.report = report
        self.done_title.setText(self.tr("Import cancelled") if report.cancelled
                                else self.tr("Import finished"))
        self.summary.setText(self.summary_text(report))
        self.rejects_button.setVisible(report.rejects_path is not None)
        self._show_page(PAGE_DONE)

    def summary_text(self, report: ImportReport) -> str:
        def say(n: int, one: str, many: str) -> str:
            return (one if n == 1 else many).format(n=count_text(n))

        lines = [say(report.created, self.tr("1 new candidate was added to your directory."),
                     self.tr("{n} new candidates were added to your directory."))]
        if report.updated:
            lines.append(say(report.updated, self.tr(
                "1 candidate already in your directory got the details they were missing."),
                self.tr("{n} candidates already in your directory got the details they were "
                        "missing.")))
        if report.unchanged:
            lines.append(say(report.unchanged, self.tr("1 candidate was already up to date."),
                             self.tr("{n} candidates were already up to date.")))
        if report.possible_duplicates:
            lines.append(say(report.possible_duplicates, self.tr(
                "1 possible duplicate to review: the same email or phone under a different "
                "name."), self.tr("{n} possible duplicates to review: the same email or phone "
                                  "under different names.")))
        if report.quarantined:
            lines.append(say(report.quarantined, self.tr(
                "1 row was set aside, with its reason. Download it to fix and import again; "
                "it is also listed in Settings → Sync issues."), self.tr(
                "{n} rows were set aside, each with its reason. Download them to fix and "
                "import again; they are also listed in Settings → Sync issues.")))
        if report.cancelled:
            lines.append(self.tr("You cancelled the import after {done} of {total} rows: the "
                                 "rows before that are in your directory.").format(
                done=count_text(report.done), total=count_text(report.total)))
        return "\n\n".join(lines)

    def download_rejects(self) -> None:
        if self.report is None:
            return
        name = Path(self.report.file_name).stem + " - rejected rows.csv"
        dest, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the rejected rows"), str(Path(self._folder()) / name),
            self.tr("CSV files (*.csv)"))
        if dest:
            self.save_rejects_to(dest)

    def save_rejects_to(self, dest: str) -> None:
        """Write the rejected rows to ``dest`` off the GUI thread."""
        if self.report is None:
            return
        self.rejects_button.setEnabled(False)
        self.ctx.spawn(self._save_rejects(self.report, dest), "csv_import.rejects")

    async def _save_rejects(self, report: ImportReport, dest: str) -> None:
        try:
            written = await self.service.rejected_rows_csv(report, dest)
        except (EnvironmentProblem, OSError) as exc:
            if isValid(self):
                self.message.say(self.tr("The rejected rows could not be saved: {reason}")
                                 .format(reason=getattr(exc, "message", None) or str(exc)),
                                 "danger")
            return
        finally:
            if isValid(self):
                self.rejects_button.setEnabled(True)
        if isValid(self):
            text = (self.tr("1 rejected row saved to {file}.") if written == 1 else
                    self.tr("{n} rejected rows saved to {file}."))
            self.message.say(text.format(n=count_text(written), file=Path(dest).name),
                             "success")
