"""How value fields behave in every window, set once for the application (``install``, called
by ``theme.apply``) rather than screen by screen:

* the mouse wheel changes a combo box, spin box, date/time edit or slider only while it has
  keyboard focus; over an unfocused one the wheel scrolls the page it sits in, so scrolling
  Settings never changes the time zone under the pointer. Such fields no longer take focus
  from the wheel (``Qt.WheelFocus`` becomes ``Qt.StrongFocus``);
* a combo box's list draws its items with ``QStyledItemDelegate``, so the style sheet's
  ``::item`` colours (views/theme.py) apply and the current item stays readable;
* a spin box's text is indented like a line edit's;
* a date edit left on Qt's default pattern shows dates like every other screen
  (``formatting.date_format``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QScrollBar,
    QStyledItemDelegate,
    QWidget,
)

from milo_desktop.views.widgets.formatting import date_format

_FIELDS = (QComboBox, QAbstractSpinBox, QAbstractSlider)
_POLICY_NAME = "miloFieldPolicy"
SPIN_TEXT_INDENT = 8  # px, as the style sheet pads line edits and combo boxes


def value_field(obj: QObject) -> QWidget | None:
    """``obj`` when it is a field whose value the wheel would change (scroll bars scroll)."""
    if isinstance(obj, _FIELDS) and not isinstance(obj, QScrollBar):
        return obj
    return None


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area ``widget`` sits in (its viewport's content), if any."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and value_field(parent) is None:
            return parent
        if parent.isWindow():
            return None
        parent = parent.parentWidget()
    return None


class FieldPolicy(QObject):
    """The application event filter behind ``install``."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            field = value_field(obj)
            if field is not None and not field.hasFocus():
                scroll_instead(field, event)
                event.accept()  # handled: Qt must not hand it on to the parents as well
                return True
        elif kind == QEvent.Type.Polish and isinstance(obj, QWidget):
            polish(obj)
        return False


def scroll_instead(field: QWidget, event: QWheelEvent) -> None:
    """Give the wheel ``event`` that reached an unfocused ``field`` to the page around it."""
    area = scroll_area_of(field)
    if area is None:
        return
    viewport = area.viewport()
    pos = viewport.mapFromGlobal(event.globalPosition())
    forwarded = QWheelEvent(pos, event.globalPosition(), event.pixelDelta(), event.angleDelta(),
                            event.buttons(), event.modifiers(), event.phase(), event.inverted(),
                            event.source())
    QApplication.sendEvent(viewport, forwarded)


def polish(widget: QWidget) -> None:
    """Apply the policy to one widget (idempotent)."""
    if value_field(widget) is not None and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    popup_date = isinstance(widget, QDateTimeEdit) and widget.calendarPopup()
    if isinstance(widget, QAbstractSpinBox) and not popup_date:
        # The style sheet's left padding never reaches a spin box's text (Qt puts its line
        # edit at the left border; a date edit with a calendar is laid out like a combo box
        # and is padded), so the text would touch the border: indent it here.
        edit = widget.lineEdit()
        if edit is not None and edit.textMargins().left() < SPIN_TEXT_INDENT:
            edit.setTextMargins(SPIN_TEXT_INDENT, 0, 0, 0)
    if isinstance(widget, QComboBox):
        delegate = widget.itemDelegate()
        if delegate is None or delegate.metaObject().className() == "QComboMenuDelegate":
            widget.setItemDelegate(QStyledItemDelegate(widget))
    if isinstance(widget, QDateEdit) and widget.displayFormat() == widget.locale().dateFormat(
            QLocale.FormatType.ShortFormat):
        widget.setDisplayFormat(date_format())


def install(app: QApplication) -> FieldPolicy:
    """Install the policy on ``app`` (once; later calls return the same filter) and apply it
    to the widgets that already exist."""
    existing = app.findChild(FieldPolicy, _POLICY_NAME)
    if existing is not None:
        return existing
    policy = FieldPolicy(app)
    policy.setObjectName(_POLICY_NAME)
    app.installEventFilter(policy)
    for widget in app.allWidgets():
        polish(widget)
    return policy


def uninstall(app: QApplication) -> None:
    """Remove the policy (tests that measure Qt's own behaviour put the application back)."""
    existing = app.findChild(FieldPolicy, _POLICY_NAME)
    if existing is not None:
        app.removeEventFilter(existing)
        existing.setParent(None)
        existing.deleteLater()
