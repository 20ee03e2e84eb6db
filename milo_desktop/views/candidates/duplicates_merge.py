"""The review's pieces: both people side by side, the Merge dialog, "Recently merged".

``PairComparison`` shows both records field by field (differences marked) with where each
person came from, their interviews and the reason they were listed. ``MergeDialog`` asks, for
each field that differs, which value the merged person keeps (radio buttons; the default is
the non-empty value, or the more recently updated person's), and says what happens to the
rest: the record that joined first stays, everything of the other moves to it, and the merge
can be undone for 30 days. ``RecentMerges`` lists the merges of the last 30 days with Undo
(disabled, with the reason, for one that must wait for a later merge's Undo).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.candidates import format_phone
from milo_desktop.services.candidates.duplicates import DuplicatePair, MergeView, PersonSide
from milo_desktop.views import theme
from milo_desktop.views.candidates.format import SOURCE_LABELS, count_text, local_date
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP

_CTX = "Duplicates"
FIELD_LABELS = {
    "full_name": QT_TRANSLATE_NOOP(_CTX, "Name"),
    "email": QT_TRANSLATE_NOOP(_CTX, "Email"),
    "phone_e164": QT_TRANSLATE_NOOP(_CTX, "Phone"),
    "linkedin_url": QT_TRANSLATE_NOOP(_CTX, "LinkedIn"),
    "location": QT_TRANSLATE_NOOP(_CTX, "Location"),
    "source": QT_TRANSLATE_NOOP(_CTX, "Source"),
    "ats": QT_TRANSLATE_NOOP(_CTX, "ATS record"),
}
PROVIDERS = {"greenhouse": "Greenhouse", "lever": "Lever", "workable": "Workable",
             "bullhorn": "Bullhorn"}
# Where a pair was listed from (PossibleDuplicate.source), besides the ATSs.
LISTED_FROM = {
    "scan": QT_TRANSLATE_NOOP(_CTX, "found by Look for similar names"),
    "csv": QT_TRANSLATE_NOOP(_CTX, "listed by a CSV import"),
    "call": QT_TRANSLATE_NOOP(_CTX, "listed when they phoned"),
    "kiosk": QT_TRANSLATE_NOOP(_CTX, "listed at the kiosk"),
    "email": QT_TRANSLATE_NOOP(_CTX, "listed from an emailed application"),
}
EMPTY = "—"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def provider_name(key: str) -> str:
    return PROVIDERS.get(key, key.title())


def field_text(person: PersonSide, field: str) -> str:
    """A merge field's value as the recruiter reads it ("—" when empty)."""
    if field == "phone_e164":
        return format_phone(person.phone_e164) or EMPTY
    if field == "source":
        return _tr(SOURCE_LABELS.get(person.source, str(person.source)))
    if field == "ats":
        if not person.ats_provider:
            return EMPTY
        return f"{provider_name(person.ats_provider)} #{person.ats_candidate_id or '?'}"
    return person.value(field) or EMPTY


def listed_from(source: str) -> str:
    """"listed from Greenhouse", "found by Look for similar names"…"""
    if source in LISTED_FROM:
        return _tr(LISTED_FROM[source])
    return _tr("listed from {source}").format(source=provider_name(source))


def sources_text(person: PersonSide) -> str:
    """"ATS · Greenhouse, Lever": how they came in, and every ATS that knows them."""
    words = _tr(SOURCE_LABELS.get(person.source, str(person.source)))
    if person.providers:
        words += " · " + ", ".join(provider_name(p) for p in person.providers)
    return words


def interviews_text(person: PersonSide) -> str:
    if not person.applications:
        return _tr("No interviews")
    names = ", ".join(person.interviewers)
    more = person.applications - len(person.interviewers)
    if more > 0:
        names += _tr(" and {n} more").format(n=count_text(more))
    return names


class PairComparison(QFrame):
    """Both people of a pair, field by field; differing values are marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairComparison")
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        font = self.reason.font()
        font.setBold(True)
        self.reason.setFont(font)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.reason)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.cells: dict[str, tuple[QLabel, QLabel]] = {}

    def show_pair(self, pair: DuplicatePair) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.cells.clear()
        t = theme.current()
        self.reason.setText(pair.reason + (" · " + listed_from(pair.source)
                                           if pair.source else ""))
        a, b = pair.first, pair.second
        self._header(a, b)
        differing = set(pair.differing_fields())
        rows = [(FIELD_LABELS[f], field_text(a, f), field_text(b, f), f in differing, f)
                for f in FIELD_LABELS]
        rows += [(QT_TRANSLATE_NOOP(_CTX, "Came from"), sources_text(a), sources_text(b),
                  False, "sources"),
                 (QT_TRANSLATE_NOOP(_CTX, "Joined"), local_date(a.created_at),
                  local_date(b.created_at), False, "joined"),
                 (QT_TRANSLATE_NOOP(_CTX, "Interviews"), interviews_text(a),
                  interviews_text(b), False, "interviews")]
        for i, (label, left, right, differs, key) in enumerate(rows, start=1):
            name = QLabel(_tr(label), self)
            name.setProperty("muted", True)
            self.grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
            cells = []
            for col, text in ((1, left), (2, right)):
                cell = QLabel(text, self)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if differs:
                    cell.setStyleSheet(f"background: {t.hover}; border-radius: 4px;"
                                       " padding: 2px 6px; font-weight: 600;")
                else:
                    cell.setStyleSheet("padding: 2px 6px;")
                self.grid.addWidget(cell, i, col)
                cells.append(cell)
            self.cells[key] = (cells[0], cells[1])

    def _header(self, a: PersonSide, b: PersonSide) -> None:
        for col, person in ((1, a), (2, b)):
            head = QLabel(person.full_name, self)
            font = head.font()
            font.setPointSizeF(font.pointSizeF() * 1.15)
            font.setBold(True)
            head.setFont(font)
            head.setWordWrap(True)
            self.grid.addWidget(head, 0, col)


class MergeDialog(QDialog):
    """Choose each differing field's value; ``choices()`` is what ``merge`` takes."""

    def __init__(self, pair: DuplicatePair, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair = pair
        self.setWindowTitle(self.tr("Merge two people"))
        self.setMinimumWidth(640)
        a, b = pair.first, pair.second
        intro = QLabel(self.tr(
            "Choose what to keep where the two records differ. {kept}'s record stays (joined "
            "first); {other}'s interviews, notes, messages and calls move to it. You can undo "
            "the merge for 30 days.").format(kept=a.full_name, other=b.full_name), self)
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for col, person in ((1, a), (2, b)):
            head = QLabel(self.tr("{name} · joined {date}").format(
                name=person.full_name, date=local_date(person.created_at)), self)
            head.setProperty("muted", True)
            head.setWordWrap(True)
            grid.addWidget(head, 0, col)
        self.groups: dict[str, QButtonGroup] = {}
        self.radios: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        defaults = pair.default_choices()
        for row, field in enumerate(pair.differing_fields(), start=1):
            name = QLabel(_tr(FIELD_LABELS[field]), self)
            font = name.font()
            font.setBold(True)
            name.setFont(font)
            grid.addWidget(name, row, 0)
            group = QButtonGroup(self)
            kept = QRadioButton(field_text(a, field), self)
            merged = QRadioButton(field_text(b, field), self)
            for r, name_of in ((kept, a), (merged, b)):
                r.setAccessibleName(self.tr("{field} from {name}").format(
                    field=_tr(FIELD_LABELS[field]), name=name_of.full_name))
            group.addButton(kept, 0)
            group.addButton(merged, 1)
            (merged if defaults.get(field) == "merged" else kept).setChecked(True)
            grid.addWidget(kept, row, 1)
            grid.addWidget(merged, row, 2)
            self.groups[field] = group
            self.radios[field] = (kept, merged)
        same = [_tr(FIELD_LABELS[f]) for f in FIELD_LABELS if f not in self.groups]
        self.same_label = QLabel(self.tr("The same in both: {fields}").format(
            fields=", ".join(same)) if same else "", self)
        self.same_label.setProperty("muted", True)
        self.same_label.setWordWrap(True)
        self.same_label.setVisible(bool(same))
        self.buttons = QDialogButtonBox(self)
        self.merge_button = self.buttons.addButton(self.tr("Merge"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setProperty("primary", True)
        self.merge_button.style().polish(self.merge_button)  # already polished by the box
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.same_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def choices(self) -> dict[str, str]:
        return {f: "merged" if g.checkedId() == 1 else "kept" for f, g in self.groups.items()}


class RecentMerges(QWidget):
    """Merges of the last 30 days, newest first; ``undo_button`` acts on the selected one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.merges: list[MergeView] = []
        self.tree = QTreeWidget(self)
        self.tree.setRootIsDecorated(False)
        self.tree.header().setMinimumSectionSize(150)
        t = theme.current()
        self.tree.setStyleSheet(
            f"QTreeWidget {{ background: {t.base}; border: 1px solid {t.border};"
            " border-radius: 8px; }"
            "QTreeWidget::item { padding: 6px 4px; }"
            f"QTreeWidget::item:selected {{ background: {t.hover}; color: {t.text}; }}")
        self.tree.setHeaderLabels([self.tr("Merged"), self.tr("Into"), self.tr("When"),
                                   self.tr("By"), self.tr("Undo until")])
        self.tree.currentItemChanged.connect(lambda *_a: self._selected_changed())
        self.empty = QLabel(self.tr("No merges in the last 30 days."), self)
        self.empty.setProperty("muted", True)
        self.undo_button = QPushButton(self.tr("Undo merge"), self)
        self.undo_button.setEnabled(False)
        self.why = QLabel(self)
        self.why.setProperty("muted", True)
        self.why.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.why, 1)
        row.addWidget(self.undo_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 8, 0, 0)
        v.addWidget(self.empty)
        v.addWidget(self.tree, 1)
        v.addLayout(row)

    def fill(self, merges: list[MergeView]) -> None:
        self.merges = merges
        self.tree.clear()
        for m in merges:
            item = QTreeWidgetItem([m.merged_name, m.kept_name, local_date(m.created_at),
                                    m.actor or self.tr("(unknown)"), local_date(m.undo_until)])
            item.setData(0, Qt.ItemDataRole.UserRole, m.id)
            self.tree.addTopLevelItem(item)
        for col in range(4):
            self.tree.resizeColumnToContents(col)
        self.empty.setVisible(not merges)
        self.tree.setVisible(bool(merges))
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._selected_changed()

    def selected(self) -> MergeView | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        log_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((m for m in self.merges if m.id == log_id), None)

    def _selected_changed(self) -> None:
        m = self.selected()
        self.undo_button.setEnabled(m is not None and m.can_undo)
        self.why.setText((m.why_not or "") if m is not None else "")
