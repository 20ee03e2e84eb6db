"""The main window's shell: Ctrl+1… keep working after the View menu was opened (one
registration per key), and the sidebar shows product.md's whole map, the sections that come
later saying so in one line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QMenu, QWidget

from milo_desktop.services.workspace import Workspace
from milo_desktop.views import main_window as mw
from milo_desktop.views.later_sections import LaterSection
from milo_desktop.views.main_window import SECTION_ROLE, MainWindow
from tests.factories import make_interviewer


def _window(qtbot: Any, ctx: Any) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _open_and_close_view_menu(qtbot: Any, window: MainWindow) -> None:
    menu = window.view_menu
    menu.popup(window.mapToGlobal(QPoint(40, 40)))
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    menu.close()
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=2000)


def _menu_is_live(menu: QMenu, window: MainWindow) -> bool:
    """A menu whose actions' shortcuts work: one reachable from the window's menu bar."""
    owners = [w for w in menu.menuAction().associatedObjects() if isinstance(w, QWidget)]
    for owner in owners:
        if owner is window.menuBar():
            return True
        if isinstance(owner, QMenu) and _menu_is_live(owner, window):
            return True
    return False


def _live_key_bindings(window: MainWindow) -> list[tuple[str, object]]:
    """Every key sequence Qt would consider for a key press in this window right now: enabled
    QShortcuts on visible widgets, enabled QActions on visible widgets or in live menus."""
    found: list[tuple[str, object]] = []
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if (shortcut.isEnabled() and isinstance(parent, QWidget) and parent.isVisible()
                and shortcut.context() != Qt.ShortcutContext.WidgetShortcut):
            bound = shortcut.keys()  # a QShortcut's key sequences (not a dict)
            found += [(k.toString(), shortcut) for k in bound if not k.isEmpty()]
    for action in window.findChildren(QAction):
        if not action.isEnabled() or not action.shortcuts():
            continue
        owners = [w for w in action.associatedObjects() if isinstance(w, QWidget)]
        live = any(w is window or (isinstance(w, QMenu) and _menu_is_live(w, window))
                   or (not isinstance(w, QMenu) and w.isVisible()) for w in owners)
        if live and action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
            found += [(k.toString(), action) for k in action.shortcuts() if not k.isEmpty()]
    return found


def test_ctrl_2_still_works_after_the_view_menu_was_opened(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    make_interviewer(sqlite_workspace, "Forklift Operator")
    window = _window(qtbot, make_ctx(sqlite_workspace))
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=5000)
    _open_and_close_view_menu(qtbot, window)
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() is window.directory
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() is window.interviewers
    _open_and_close_view_menu(qtbot, window)  # a second opening must not add any
    QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() is window.analytics


def test_no_two_live_shortcuts_share_a_key(qtbot: Any, make_ctx: Any,
                                           sqlite_workspace: Workspace) -> None:
    window = _window(qtbot, make_ctx(sqlite_workspace))
    for _ in range(2):
        _open_and_close_view_menu(qtbot, window)
        keys = [k for k, _owner in _live_key_bindings(window)]
        assert "Ctrl+2" in keys
        assert sorted({k for k in keys if keys.count(k) > 1}) == []
    # every section (the directory adds its Columns menu to View)
    for row in range(window.sidebar.count()):
        if window.sidebar.item(row).data(SECTION_ROLE) is None:
            continue
        window.sidebar.setCurrentRow(row)
        _open_and_close_view_menu(qtbot, window)
        keys = [k for k, _owner in _live_key_bindings(window)]
        assert sorted({k for k in keys if keys.count(k) > 1}) == [], window.sidebar.item(row).text()


def test_sidebar_shows_the_whole_map_in_shortcut_order(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    window = _window(qtbot, make_ctx(sqlite_workspace))
    sidebar = window.sidebar
    items = [sidebar.item(i) for i in range(sidebar.count())]
    entries = [i.text() for i in items if i.data(SECTION_ROLE) is not None]
    assert entries == [
        "Interviewers", "Archived", "Candidate Directory", "Inbound via Phone", "Receptionists",
        "From ATS", "Apply via Email", "Sourcing Engine", "Analytics", "Outreach", "Data",
        "Settings"]  # no Integrations: this workspace has no keychain
    # The View menu lists the same entries in the same order; Ctrl+N counts down the sidebar.
    actions = window.section_actions.actions()
    assert [a.text() for a in actions] == [
        "Archived Interviewers" if e == "Archived" else e for e in entries]
    assert [a.text() for a in window.view_menu.actions()][:len(actions)] == [
        a.text() for a in actions]
    numbered = [(a.text(), a.shortcut().toString()) for a in actions if not a.shortcut().isEmpty()]
    assert numbered == [("Interviewers", "Ctrl+1"), ("Candidate Directory", "Ctrl+2"),
                        ("Inbound via Phone", "Ctrl+3"), ("Receptionists", "Ctrl+4"),
                        ("Analytics", "Ctrl+5")]
    for item in items:
        if item.data(SECTION_ROLE) is None:
            continue
        window.sidebar.setCurrentItem(item)
        shown = window.current_section()
        action = next(a for a in actions if a.data() == sidebar.row(item))
        assert action.isChecked()
        if isinstance(shown, LaterSection):
            # one calm line, what it will do and when; nothing to press, no sample rows
            assert shown.line.text().endswith("It comes in a later release.")
            assert shown.findChildren(QAbstractButton) == []
            assert shown.title == item.text()
        else:
            assert not isinstance(shown, LaterSection)


def test_archived_entry_opens_the_archived_tab_and_follows_it(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    window = _window(qtbot, make_ctx(sqlite_workspace))
    qtbot.waitUntil(window.interviewers.is_loaded, timeout=5000)
    page = window.interviewers.list_page
    sidebar = window.sidebar
    archived = next(sidebar.item(i) for i in range(sidebar.count())
                    if sidebar.item(i).data(mw.TAB_ROLE) == "archived")
    sidebar.setCurrentItem(archived)
    assert window.current_section() is window.interviewers
    assert page.current_tab() == "archived"
    page.show_tab("active")  # the tab bar chosen by hand: the sidebar follows
    assert sidebar.currentItem().text() == "Interviewers"
    page.show_tab("archived")
    assert sidebar.currentItem() is archived
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert page.current_tab() == "active"
    assert sidebar.currentItem().text() == "Interviewers"
