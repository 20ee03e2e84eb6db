"""Pieces the Create Interviewer wizard's pages share: the inline error under a field, a
field-with-error box, and the base class that routes validation problems to those labels.

Problems come from ``AuthoringService.static_problems`` as ``FieldProblem(field, message)``;
each page registers the fields it shows (``self.errors["slug"] = FieldError(...)``) and
``show_problems`` puts every message under its own field.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.services.authoring import FieldProblem
from milo_desktop.views import theme
from milo_desktop.views.widgets.field_errors import (
    keep_box_room,
    keep_error_room,
    reserve_error_line,
)
from milo_desktop.views.widgets.page_header import hint, section_title

__all__ = ["FieldError", "WizardPage", "field_box", "hint", "kind_text", "list_style",
           "questions_text", "section_title", "stage_kind_short", "stage_kind_text"]


def tr(text: str) -> str:
    return QCoreApplication.translate("AuthoringWizard", text)


def kind_text(kind: QuestionKind) -> str:
    return {
        QuestionKind.SCORED: tr("Scored 1–5"),
        QuestionKind.YES_NO: tr("Yes / no"),
        QuestionKind.MIN_AMOUNT: tr("Minimum amount"),
        QuestionKind.MULTIPLE_CHOICE: tr("Multiple choice"),
    }[kind]


def stage_kind_text(kind: StageKind) -> str:
    return {
        StageKind.VOICE: tr("Voice interview"),
        StageKind.RESUME: tr("Résumé screening"),
        StageKind.SMS: tr("SMS screening"),
        StageKind.FORM: tr("Form screening"),
    }[kind]


def stage_kind_short(kind: StageKind) -> str:
    return {StageKind.VOICE: tr("Voice"), StageKind.RESUME: tr("Résumé"),
            StageKind.SMS: tr("SMS"), StageKind.FORM: tr("Form")}[kind]


def questions_text(n: int) -> str:
    return tr("1 question") if n == 1 else tr("{n} questions").format(n=n)


def list_style(name: str) -> str:
    """A list of editable things (stages, questions): roomy rows, a soft selection."""
    t = theme.current()
    return (f"QListWidget#{name} {{ background: {t.base}; border: 1px solid {t.border};"
            f" border-radius: 8px; padding: 4px; outline: 0; }}"
            f"QListWidget#{name}::item {{ padding: 7px 8px; border-radius: 6px; }}"
            f"QListWidget#{name}::item:selected {{ background: {t.hover}; color: {t.text}; }}")


class FieldError(QLabel):
    """The red line under a field; hidden while the field is fine, its room kept so the
    fields below never move as errors come and go (views/widgets/field_errors.py)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        reserve_error_line(self)
        self.hide()

    def set_error(self, message: str | None) -> None:
        keep_error_room(self)
        if not message:
            self.clear()
            self.hide()
            return
        self.setStyleSheet(f"color: {theme.current().danger}; font-size: 12px;")
        self.setText(message)
        self.show()


def field_box(parent: QWidget, *widgets: QWidget | QLayout) -> QWidget:
    """A field (or a row of them) with whatever goes under it, tightly stacked; the error
    lines go last, so a hint stays next to its field and the room kept for an error reads
    as the space between rows. The box does not get shorter while the form is shown."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    errors_last = sorted(widgets, key=lambda w: isinstance(w, FieldError))  # stable
    for w in errors_last:
        if isinstance(w, QLayout):
            layout.addLayout(w)
        else:
            layout.addWidget(w)
    layout.addStretch(1)  # room the box keeps goes below its lines
    return keep_box_room(box)  # never shorter under the pointer (views/widgets/field_errors)


class WizardPage(QWidget):
    """A step: ``changed`` on every edit; ``errors`` maps field paths to their labels."""

    changed = Signal()
    prefixes: tuple[str, ...] = ()  # the problem fields this page owns (path prefixes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, FieldError] = {}

    def owns(self, field: str) -> bool:
        return any(field == p or field.startswith(p + ".") for p in self.prefixes)

    def mine(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        return [p for p in problems if self.owns(p.field)]

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Put each of this page's problems under its field; clear the others."""
        by_field: dict[str, str] = {}
        for p in self.mine(problems):
            by_field.setdefault(p.field, p.message)
        for name, label in self.errors.items():
            label.set_error(by_field.get(name))

    def visible_errors(self) -> list[str]:
        """The messages on screen now (tests read them as a user would)."""
        return [e.text() for e in self.errors.values() if not e.isHidden() and e.text()]
