"""Fields that behave and read the same everywhere (issue 10, points 7, 13 and 14): the mouse
wheel changes a field only when it has focus, drop-down lists, calendars and spin boxes are
readable in light and dark, one date pattern follows the locale, inline errors never move the
fields below them, success banners go away, and time zones are picked by search."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QDate, QEvent, QItemSelectionModel, QLocale, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QStyleOptionSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.authoring import FieldProblem
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.interviewers.dialogs import ExtendDeadlineDialog
from milo_desktop.views.outreach import OutreachSection
from milo_desktop.views.settings.policy_card import CommunicationCard
from milo_desktop.views.widgets import formatting
from milo_desktop.views.widgets.banner import Banner
from milo_desktop.views.widgets.formatting import local_date, local_day


@pytest.fixture
def uk_locale() -> Iterator[QLocale]:
    """The system locale of a British user (Qt's default locale), put back afterwards."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield QLocale()
    QLocale.setDefault(before)


def wheel(widget: QWidget, down: bool = True) -> None:
    """One notch of the mouse wheel over the middle of ``widget``."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 if down else 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def settle_layouts() -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QApplication.processEvents()


# ----- point 7: the wheel over a field scrolls the page unless the field has focus -------------
def scrolling_page(qtbot: Any) -> tuple[QScrollArea, list[QWidget]]:
    combo = QComboBox()
    combo.addItems(["Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa"])
    spin = QSpinBox()
    spin.setRange(0, 10)
    spin.setValue(5)
    date = QDateEdit(QDate(2027, 1, 7))
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 10)
    slider.setValue(5)
    content = QWidget()
    column = QVBoxLayout(content)
    fields: list[QWidget] = [combo, spin, date, slider]
    for field in fields:
        column.addWidget(field)
    column.addSpacing(2000)  # a long page
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, fields


def value_of(field: QWidget) -> object:
    if isinstance(field, QComboBox):
        return field.currentIndex()
    if isinstance(field, QDateEdit):
        return field.date()
    return field.value()  # type: ignore[attr-defined]


@pytest.mark.parametrize("which", ["combo", "spin", "date", "slider"])
def test_the_wheel_over_an_unfocused_field_scrolls_the_page(
        qtbot: Any, apply_theme: Any, which: str) -> None:
    apply_theme(False)  # what the app does at start-up: the field policy comes with the theme
    area, fields = scrolling_page(qtbot)
    field = fields[["combo", "spin", "date", "slider"].index(which)]
    before = value_of(field)
    assert not field.hasFocus()
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no focus
    wheel(field)
    assert value_of(field) == before
    assert area.verticalScrollBar().value() > 0  # the page scrolled instead


def test_the_wheel_changes_a_field_that_has_focus(qtbot: Any, apply_theme: Any) -> None:
    apply_theme(False)
    area, fields = scrolling_page(qtbot)
    combo = fields[0]
    area.activateWindow()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert value_of(combo) == 1
    assert area.verticalScrollBar().value() == 0


def policy_page(qtbot: Any, make_ctx: Any, ws: Workspace) -> OutreachSection:
    """Outreach → Communication policy (the card the main window hands the section)."""
    ctx = make_ctx(ws)
    page = OutreachSection(ctx, policy=CommunicationCard(ctx, ws.outreach))
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    page.show_tab("policy")
    qtbot.waitUntil(page.is_loaded)
    qtbot.waitUntil(lambda: not page.communication.is_busy()
                    and page.communication.status.text() != "")
    return page


def test_scrolling_the_policy_keeps_the_time_zone(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any) -> None:
    apply_theme(False)
    page = policy_page(qtbot, make_ctx, sqlite_workspace)
    page.resize(1300, 500)  # the card is taller than the page: it scrolls
    zone = page.communication.zone_combo
    zone.setCurrentIndex(zone.findData("Africa/Accra"))
    area = page.scroll_areas["policy"]
    area.ensureWidgetVisible(zone)
    scroll = area.verticalScrollBar()
    start = scroll.value()
    for _ in range(3):
        wheel(zone)
    assert zone.currentData() == "Africa/Accra"
    assert page.communication.form_policy().timezone == "Africa/Accra"
    assert scroll.value() > start


# ----- pickers: time zones are searched, not scrolled through or typed free ------------------------
def test_time_zones_are_found_by_any_part_of_their_name(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    page = policy_page(qtbot, make_ctx, sqlite_workspace)
    card = page.communication
    zone = card.zone_combo
    edit = zone.lineEdit()
    edit.clear()
    qtbot.keyClicks(edit, "new york")
    completer = zone.completer()
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "America/New York"
    popup = completer.popup()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert zone.currentData() == "America/New_York"
    assert card.form_policy().timezone == "America/New_York"
    # Text that names no zone is not a zone: leaving the field puts the choice back.
    edit.clear()
    qtbot.keyClicks(edit, "Mars/Olympus")
    assert card.form_policy().timezone == "America/New_York"
    assert zone.currentText() == "America/New York"


# ----- point 14: drop-down lists, calendars and spin boxes read well in both themes ----------------
def luminance(rgb: int) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    color = QColor(rgb)
    return (0.2126 * channel(color.red()) + 0.7152 * channel(color.green())
            + 0.0722 * channel(color.blue()))


def ink_contrast(image: QImage, rect: QRect) -> float:
    """The WCAG contrast between the commonest colour in ``rect`` (the background) and the
    colour most unlike it (the text)."""
    pixels = Counter(image.pixel(x, y) for x in range(rect.left(), rect.right() + 1)
                     for y in range(rect.top(), rect.bottom() + 1))
    back = luminance(pixels.most_common(1)[0][0])
    return max((max(back, luminance(p)) + 0.05) / (min(back, luminance(p)) + 0.05)
               for p in pixels)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_current_item_of_a_drop_down_list_is_readable(
        qtbot: Any, apply_theme: Any, dark: bool) -> None:
    apply_theme(dark)
    combo = QComboBox()
    combo.addItems(["English", "Spanish", "French", "German"])
    qtbot.addWidget(combo)
    combo.show()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    current = combo.model().index(2, 0)
    view.selectionModel().setCurrentIndex(current,
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect)
    image = view.viewport().grab().toImage()
    rect = view.visualRect(current).adjusted(3, 3, -3, -3)
    assert ink_contrast(image, rect) >= 4.5
    combo.hidePopup()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_calendar_popup_shows_its_month_and_year(
        qtbot: Any, apply_theme: Any, dark: bool) -> None:
    apply_theme(dark)
    edit = QDateEdit(QDate(2027, 1, 7))
    edit.setCalendarPopup(True)
    qtbot.addWidget(edit)
    calendar = edit.calendarWidget()
    calendar.resize(320, 260)
    calendar.show()
    qtbot.waitExposed(calendar)
    image = calendar.grab().toImage()
    for name in ("qt_calendar_monthbutton", "qt_calendar_yearbutton"):
        button = calendar.findChild(QToolButton, name)
        assert button is not None and button.isVisibleTo(calendar)
        rect = QRect(button.mapTo(calendar, QPoint(0, 0)), button.size())
        assert ink_contrast(image, rect.adjusted(4, 4, -4, -4)) >= 4.5, name  # inside it


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_spin_box_arrows_are_drawn_as_arrows(qtbot: Any, apply_theme: Any, dark: bool) -> None:
    """Each button holds one small mark in the middle (an up and a down chevron, mirror
    images), not a line along the field's edge."""
    apply_theme(dark)
    spin = QSpinBox()
    spin.setRange(0, 99)
    spin.setValue(7)
    spin.resize(160, 34)
    qtbot.addWidget(spin)
    spin.show()
    qtbot.waitExposed(spin)
    image = spin.grab().toImage()
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    style = spin.style()
    marks: list[int] = []
    for control in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
        rect = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, option, control, spin)
        inner = rect.adjusted(3, 3, -3, -3)  # away from the field's border and corners
        back = luminance(Counter(
            image.pixel(x, y) for x in range(inner.left(), inner.right() + 1)
            for y in range(inner.top(), inner.bottom() + 1)).most_common(1)[0][0])
        ink = [(x - inner.left(), y - inner.top())
               for x in range(inner.left(), inner.right() + 1)
               for y in range(inner.top(), inner.bottom() + 1)
               if (max(back, luminance(image.pixel(x, y))) + 0.05)
               / (min(back, luminance(image.pixel(x, y))) + 0.05) >= 2]
        assert ink, control
        xs, ys = [p[0] for p in ink], [p[1] for p in ink]
        centre_x = (min(xs) + max(xs)) / 2
        assert abs(centre_x - inner.width() / 2) <= 3.5, (control, xs)  # centred
        assert max(xs) - min(xs) < inner.width() - 4  # a mark, not an edge-to-edge line
        middle = (min(ys) + max(ys)) / 2
        top = [x for x, y in ink if y < middle]
        bottom = [x for x, y in ink if y > middle]
        # A chevron is narrow at its tip: the top half for "up", the bottom half for "down".
        marks.append((max(top) - min(top)) - (max(bottom) - min(bottom)))
    up, down = marks
    assert up < 0 < down


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_an_unticked_check_box_is_visible(qtbot: Any, apply_theme: Any, dark: bool) -> None:
    apply_theme(dark)
    box = QCheckBox("Dealbreaker (knocks the candidate out)")
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    image = box.grab().toImage()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    assert ink_contrast(image, rect.adjusted(-2, -2, 2, 2).intersected(image.rect())) >= 3


# ----- point 14: one date pattern, from the locale ---------------------------------------------------
def test_every_date_reads_the_same_and_follows_the_locale(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace, apply_theme: Any,
        uk_locale: QLocale) -> None:
    apply_theme(False)
    assert formatting.date_format() == "d MMM yyyy"
    assert formatting.date_format(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == \
        "MMM d, yyyy"
    day = dt.date(2027, 1, 7)
    assert local_day(day) == "7 Jan 2027"
    noon = dt.datetime(2027, 1, 7, 12, tzinfo=dt.UTC).astimezone()
    assert local_date(noon) == local_day(noon.date())
    # A date field shows its date exactly as the tables and labels do: the Extend deadline
    # dialog, the wizard's deadline, the blackout dates of the communication policy.
    now = dt.datetime(2026, 12, 8, 12, tzinfo=dt.UTC)
    dialog = ExtendDeadlineDialog("Forklift Operator", None, now)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date.setDate(QDate(2027, 1, 7))
    assert dialog.date.text() == "7 Jan 2027"
    wizard = AuthoringWizard(make_ctx(sqlite_workspace))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    wizard.settings.load(wizard.draft)  # what showing the Settings step does
    wizard.settings.deadline.setDate(QDate(2027, 1, 7))
    assert wizard.settings.deadline.text() == "7 Jan 2027"
    page = policy_page(qtbot, make_ctx, sqlite_workspace)
    card = page.communication
    card.blackout_date.setDate(QDate(2027, 1, 7))
    assert card.blackout_date.text() == "7 Jan 2027"
    qtbot.mouseClick(card.add_blackout, Qt.MouseButton.LeftButton)
    assert card.blackout_list.item(0).text() == "7 Jan 2027"
    assert card.blackout_dates() == [day]
    # Any other date field gets the same pattern from the field policy.
    other = QDateEdit(QDate(2027, 1, 7))
    qtbot.addWidget(other)
    other.show()
    assert other.text() == "7 Jan 2027"


# ----- point 14: "Extended the deadline…" goes away by itself -----------------------------------
def test_a_success_banner_goes_away_and_a_problem_stays(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    banner = Banner(holder)
    holder.show()
    banner.say("Extended the deadline of “Forklift Operator”.")
    assert banner.isVisible()
    assert banner.timer.isActive() and 2000 <= banner.timer.interval() <= 10_000
    banner.timer.timeout.emit()  # the few seconds have passed
    assert banner.isHidden()
    banner.say("The database is locked by another program.", problem=True)
    assert not banner.timer.isActive()
    banner.say("Publishing “Front desk”…")  # still under way: stays for its outcome
    assert not banner.timer.isActive()
    # With the pointer over the window, it waits for the next click so nothing moves under it.
    banner.say("Archived 1 interviewer.")
    holder.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
    banner.timer.timeout.emit()
    assert banner.isVisible()
    qtbot.mouseClick(holder, Qt.MouseButton.LeftButton)
    assert banner.isHidden()


# ----- point 13: an error appearing or going away moves no field ------------------------------------
def test_inline_errors_do_not_move_the_fields_below(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    wizard = AuthoringWizard(make_ctx(sqlite_workspace))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    wizard.plan.choose_template("line-cook")
    while wizard.current_step() < wizard.pages.index(wizard.settings):
        step = wizard.current_step()
        qtbot.waitUntil(wizard.next_button.isEnabled)
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        assert wizard.current_step() == step + 1
    st = wizard.settings
    settle_layouts()

    def y(widget: QWidget) -> int:
        return widget.mapTo(st, QPoint(0, 0)).y()

    # A one-line error takes the room kept for it: nothing below moves.
    left = [y(st.days), y(st.retakes), y(st.language)]
    st.deadline.setDate(st.deadline.date().addYears(-3))
    settle_layouts()
    assert st.visible_errors() == ["The deadline must be in the future."]
    assert [y(st.days), y(st.retakes), y(st.language)] == left
    st.deadline.setDate(st.deadline.date().addYears(3))
    settle_layouts()
    assert st.visible_errors() == []
    assert [y(st.days), y(st.retakes), y(st.language)] == left
    right = [y(st.report), y(st.subscribers), y(st.labels)]
    st.subscribers.setPlainText("boss at northwind")
    settle_layouts()
    assert st.visible_errors() == ["Not an email address: “boss at northwind”"]
    assert y(st.labels) == right[2]
    st.subscribers.setPlainText("boss@northwind.example")
    settle_layouts()
    assert [y(st.report), y(st.subscribers), y(st.labels)] == right
    # Typing a phone number, as in the issue: the error and the hint under the field change
    # with every key, and "Email candidates their report" / Subscribers never move up under
    # the pointer (a click meant for Subscribers ticked the check box).
    seen = [y(st.report), y(st.subscribers), y(st.labels)]
    for typed in ("5", "555-12", "+1214555019", "+12145550197", ""):
        st.phone.setEditText(typed)
        settle_layouts()
        now = [y(st.report), y(st.subscribers), y(st.labels)]
        assert all(a >= b for a, b in zip(now, seen, strict=True)), (typed, now, seen)
        seen = now
    # A longer message above "Email candidates their report" makes its room taller once, and
    # that room stays when the error goes: the click meant for Subscribers lands on it.
    phone = FieldProblem("phone_number", "“555-12” is not a valid phone number. Write it in "
                                         "international format, e.g. +12145550197.")
    st.show_problems([phone])
    settle_layouts()
    shown = [y(st.report), y(st.subscribers), y(st.labels)]
    st.show_problems([])
    settle_layouts()
    assert st.visible_errors() == []
    assert [y(st.report), y(st.subscribers), y(st.labels)] == shown
    st.show_problems([phone])
    settle_layouts()
    assert [y(st.report), y(st.subscribers), y(st.labels)] == shown
