"""Inline errors that never move the form: the line under a field keeps its place while the
field is fine, so an error appearing or going away as the user types does not push the
fields below it up or down under the pointer (a click meant for one field landing on the
next). Every form's error labels go through ``reserve_error_line``; whoever clears or
replaces a message calls ``keep_error_room`` first; a field stacked with its hint and error
(authoring's ``field_box``) goes through ``keep_box_room``."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def _one_line(label: QLabel) -> int:
    return label.fontMetrics().lineSpacing() + 2


class _ErrorRoom(QObject):
    """Keeps at least a line of the label's font once the style sheet has set that font, and
    forgets a taller room when the label's width changes (the message wraps differently)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QLabel):
            return False
        kind = event.type()
        if kind in (QEvent.Type.Polish, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            if watched.minimumHeight() < _one_line(watched):
                watched.setMinimumHeight(_one_line(watched))
        elif (kind == QEvent.Type.Resize and isinstance(event, QResizeEvent)
              and event.oldSize().width() != event.size().width()):
            watched.setMinimumHeight(_one_line(watched))
        return False


def reserve_error_line(label: QLabel) -> QLabel:
    """Keep one line of room for ``label`` whether or not it shows an error (a hidden label
    keeps its room: ``retainSizeWhenHidden``). A longer message takes more room while shown."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
    label.setSizePolicy(policy)
    label.setMinimumHeight(_one_line(label))
    label.installEventFilter(_ErrorRoom(label))
    return label


def keep_error_room(label: QLabel) -> None:
    """Before ``label``'s message is cleared or replaced: keep the room it has on screen, so
    the fields below stay where the user saw them (until the form's width changes)."""
    if label.isVisible() and label.height() > label.minimumHeight():
        label.setMinimumHeight(label.height())


class _BoxRoom(QObject):
    """Before the box lays itself out again (its error or hint changed), keep the height it
    has on screen as its minimum; a new width starts afresh."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind == QEvent.Type.LayoutRequest and watched.isVisible():
            if watched.height() > watched.minimumHeight():
                watched.setMinimumHeight(watched.height())
        elif (kind == QEvent.Type.Resize and isinstance(event, QResizeEvent)
              and event.oldSize().width() != event.size().width()):
            watched.setMinimumHeight(0)
        return False


def keep_box_room(box: QWidget) -> QWidget:
    """A field with the lines under it (hint, error) that never gets shorter while the form
    is shown at the same width: a message that goes away, or a hint that gets shorter as
    the user types, leaves the fields below where they were. It may still grow."""
    box.installEventFilter(_BoxRoom(box))
    return box
