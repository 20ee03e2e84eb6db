"""Step 2, Configure: the interviewer's name, its link name (slug, checked against the
database in the background as you type) and the position title with its character counter."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.authoring import InterviewerDraft, slugify
from milo_desktop.services.authoring.validation import NAME_MAX, SLUG_MAX, TITLE_MAX
from milo_desktop.views import theme
from milo_desktop.views.authoring.common import (
    FieldError,
    WizardPage,
    field_box,
    hint,
    section_title,
)
from milo_desktop.views.widgets.text_fields import CountedLine

SLUG_CHECK_MS = 250


class ConfigurePage(WizardPage):
    """``slugEdited(slug)`` asks the wizard to check the slug (debounced)."""

    prefixes = ("name", "slug", "position_title", "job_description")
    slugEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = InterviewerDraft()
        self._loading = False
        self._slug_follows_title = True
        self.name = QLineEdit(self)
        self.name.setMaxLength(NAME_MAX + 20)  # over the limit shows the message, not a wall
        self.name.setPlaceholderText(self.tr("e.g. Forklift Operator — Dallas nights"))
        self.link_base = QLabel(self)
        self.link_base.setProperty("muted", True)
        self.slug = QLineEdit(self)
        self.slug.setMaxLength(SLUG_MAX + 20)
        self.slug.setPlaceholderText("forklift-operator-dallas")
        self.slug_status = QLabel(self)
        self.slug_status.setObjectName("slugStatus")
        self.title = CountedLine(TITLE_MAX, self.tr("e.g. Forklift Operator"), parent=self)
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(self.tr("Optional: the job description, kept with "
                                                    "the interviewer for reference."))
        self.description.setMinimumHeight(150)
        for name in self.prefixes:
            self.errors[name] = FieldError(self)

        slug_row = QHBoxLayout()
        slug_row.setSpacing(2)
        slug_row.addWidget(self.link_base)
        slug_row.addWidget(self.slug, 1)
        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(self.tr("Interviewer name"), field_box(
            self, self.name, self.errors["name"],
            hint(self.tr("What recruiters see in the list."), self)))
        form.addRow(self.tr("Interview link"), field_box(
            self, slug_row, self.slug_status, self.errors["slug"],
            hint(self.tr("Lowercase letters, digits and hyphens; 3–80 characters. Candidates "
                         "see it in their invitation."), self)))
        form.addRow(self.tr("Position title"), field_box(
            self, self.title, self.errors["position_title"],
            hint(self.tr("What candidates see; at most {n} characters.").format(n=TITLE_MAX),
                 self)))
        form.addRow(self.tr("Job description"), field_box(
            self, self.description, self.errors["job_description"]))
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(self.tr("Configure"), self))
        layout.addWidget(hint(self.tr("Name the interviewer and choose its link."), self))
        layout.addLayout(form)
        layout.addStretch(1)

        self._slug_timer = QTimer(self, singleShot=True, interval=SLUG_CHECK_MS)
        self._slug_timer.timeout.connect(lambda: self.slugEdited.emit(self.draft.slug))
        self.name.textChanged.connect(self._name_edited)
        self.slug.textEdited.connect(self._slug_typed)
        self.slug.textChanged.connect(self._slug_changed)
        self.title.changed.connect(self._title_edited)
        self.description.textChanged.connect(self._description_edited)

    def load(self, draft: InterviewerDraft, link_base: str, editing: bool) -> None:
        self.draft = draft
        self._loading = True
        try:
            self.name.setText(draft.name)
            self.slug.setText(draft.slug)
            self.title.set_text(draft.position_title)
            self.description.setPlainText(draft.job_description)
        finally:
            self._loading = False
        self.set_link_base(link_base)
        # A slug typed by hand (or a stored one) stops following the title.
        self._slug_follows_title = not editing and draft.slug == slugify(draft.position_title)
        self._slug_timer.start()

    def set_link_base(self, base: str) -> None:
        self.link_base.setText(base.rstrip("/") + "/" if base else "")
        self.link_base.setVisible(bool(base))

    def set_slug_status(self, text: str, ok: bool | None) -> None:
        """"✓ Available" (ok), "Checking…" (None) or nothing (a problem shows below)."""
        t = theme.current()
        color = t.success if ok else t.muted
        self.slug_status.setStyleSheet(f"color: {color}; font-size: 12px;")
        self.slug_status.setText(text)
        self.slug_status.setVisible(bool(text))

    def _name_edited(self, text: str) -> None:
        if not self._loading:
            self.draft.name = text
            self.changed.emit()

    def _title_edited(self) -> None:
        if self._loading:
            return
        old_title = self.draft.position_title
        self.draft.position_title = self.title.text()
        if not self.name.text().strip() or self.name.text() == old_title:
            self.name.setText(self.title.text())  # the name follows until it is changed
        if self._slug_follows_title:
            self.slug.setText(slugify(self.title.text()))
        self.changed.emit()

    def _slug_typed(self, _text: str) -> None:
        self._slug_follows_title = False

    def _slug_changed(self, text: str) -> None:
        if self._loading:
            return
        self.draft.slug = text.strip()
        self.set_slug_status(self.tr("Checking…"), None)
        self._slug_timer.start()
        self.changed.emit()

    def _description_edited(self) -> None:
        if not self._loading:
            self.draft.job_description = self.description.toPlainText()
            self.changed.emit()
