"""Light and dark themes: a Fusion palette plus one stylesheet with a few named roles."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from milo_desktop.paths import resources_dir
from milo_desktop.views.widgets import field_policy


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    sidebar: str
    sidebar_text: str
    sidebar_active: str
    warning: str
    danger: str
    success: str
    hover: str


LIGHT = Theme(
    dark=False,
    window="#f6f7f9",
    base="#ffffff",
    alt_base="#fafbfc",
    text="#1f2430",
    muted="#6b7280",
    border="#e3e6eb",
    accent="#4f46e5",
    accent_text="#ffffff",
    sidebar="#111827",
    sidebar_text="#d1d5db",
    sidebar_active="#312e81",
    warning="#b45309",
    danger="#dc2626",
    success="#15803d",
    hover="#eef0ff",
)
DARK = Theme(
    dark=True,
    window="#16181d",
    base="#1d2027",
    alt_base="#21252d",
    text="#e6e8ec",
    muted="#9aa1ad",
    border="#2e333d",
    accent="#818cf8",
    accent_text="#0b0d12",
    sidebar="#0d0f13",
    sidebar_text="#c9ced6",
    sidebar_active="#312e81",
    warning="#f59e0b",
    danger="#f87171",
    success="#4ade80",
    hover="#272b45",
)

_current: Theme = LIGHT


def current() -> Theme:
    return _current


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply(app: QApplication, dark: bool | None = None) -> Theme:
    global _current
    theme = DARK if (system_prefers_dark() if dark is None else dark) else LIGHT
    _current = theme
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alt_base,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.base,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: theme.accent_text,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Link: theme.accent,
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(theme.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(theme.muted))
    app.setPalette(pal)
    app.setStyleSheet(stylesheet(theme))
    field_policy.install(app)  # wheel focus, readable drop-down lists, one date pattern
    return theme


def stylesheet(t: Theme) -> str:
    return f"""
    QWidget {{ font-size: 13px; }}
    #topBar {{ background: {t.base}; border-bottom: 1px solid {t.border}; }}
    #brand {{ font-size: 16px; font-weight: 700; color: {t.text}; }}
    #sidebar {{ background: {t.sidebar}; border: none; color: {t.sidebar_text}; padding-top: 6px; }}
    #sidebar::item {{ padding: 8px 14px; border-radius: 6px; margin: 1px 8px; }}
    #sidebar::item:selected {{ background: {t.sidebar_active}; color: #ffffff; }}
    #sidebar::item:hover:!selected {{ background: #1f2937; }}
    #sidebar::item:disabled {{ color: #6b7280; font-size: 11px; font-weight: 600;
        padding: 14px 14px 4px 14px; background: transparent; }}
    #pageTitle {{ font-size: 20px; font-weight: 650; }}
    #muted, QLabel[muted="true"] {{ color: {t.muted}; }}
    #overlayTitle {{ font-size: 16px; font-weight: 600; color: {t.text}; }}
    #overlayHint {{ color: {t.muted}; }}
    QLineEdit, QComboBox, QAbstractSpinBox {{
        background: {t.base}; border: 1px solid {t.border}; border-radius: 6px; padding: 5px 8px;
    }}
    QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus {{ border-color: {t.accent}; }}
    {fields_stylesheet(t)}
    #globalSearch {{ border-radius: 8px; padding: 6px 10px; min-width: 340px; background: {t.window}; }}
    QPushButton, QToolButton {{
        border: 1px solid {t.border}; border-radius: 6px; padding: 5px 10px; background: {t.base};
    }}
    QPushButton:hover, QToolButton:hover {{ background: {t.hover}; }}
    QPushButton[primary="true"] {{ background: {t.accent}; color: {t.accent_text}; border-color: {t.accent}; }}
    QToolButton#bell {{ border: none; padding: 4px 6px; font-size: 16px; }}
    QTableView {{ background: {t.base}; border: 1px solid {t.border}; border-radius: 8px;
        gridline-color: {t.border}; selection-background-color: {t.hover}; selection-color: {t.text}; }}
    QHeaderView::section {{ background: {t.base}; color: {t.muted}; border: none;
        border-bottom: 1px solid {t.border}; padding: 6px 8px; font-weight: 600; }}
    QTabBar::tab {{ padding: 7px 14px; border: none; color: {t.muted}; background: transparent; }}
    QTabBar::tab:selected {{ color: {t.text}; border-bottom: 2px solid {t.accent}; font-weight: 600; }}
    QStatusBar {{ background: {t.base}; border-top: 1px solid {t.border}; color: {t.muted}; }}
    QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
    #popup {{ background: {t.base}; border: 1px solid {t.border}; border-radius: 8px; }}
    #popupHeader {{ color: {t.muted}; font-size: 11px; font-weight: 700; padding: 6px 10px 2px 10px; }}
    QListWidget#popupList {{ border: none; background: {t.base}; }}
    QListWidget#popupList::item {{ padding: 6px 10px; border-radius: 6px; }}
    QListWidget#popupList::item:selected {{ background: {t.hover}; color: {t.text}; }}
    QProgressBar#spendBar {{ border: none; background: {t.border}; border-radius: 3px; max-height: 6px; }}
    QProgressBar#spendBar::chunk {{ background: {t.accent}; border-radius: 3px; }}
    QProgressBar#spendBar[over="true"]::chunk {{ background: {t.danger}; }}
    """


def _icon_url(name: str, t: Theme) -> str:
    # Arrows are drawn by our SVGs: once a field's border is styled, Qt stops drawing the
    # native sub-controls and its fallback glyphs render broken.
    return (resources_dir() / "icons" / f"{name}{'-dark' if t.dark else ''}.svg").as_posix()


def fields_stylesheet(t: Theme) -> str:
    """Combo boxes, spin boxes, date edits and their popups, check boxes and radio buttons,
    readable in both themes: the arrows, the current item of a drop-down list, the calendar's
    month/year header, an unticked box on a dark card."""
    down, up = _icon_url("chevron-down", t), _icon_url("chevron-up", t)
    left, right = _icon_url("chevron-left", t), _icon_url("chevron-right", t)
    check = _icon_url("check", t)  # white on the light theme's accent, ink on the dark one's
    return f"""
    QComboBox::drop-down, QDateTimeEdit::drop-down {{
        subcontrol-origin: padding; subcontrol-position: center right; border: none;
        width: 20px; }}
    QComboBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({down});
        width: 10px; height: 10px; }}
    QAbstractSpinBox {{ padding-right: 24px; }}
    QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
        subcontrol-origin: border; width: 20px; border: none;
        border-left: 1px solid {t.border}; background: transparent; }}
    QAbstractSpinBox::up-button {{ subcontrol-position: top right;
        border-top-right-radius: 6px; }}
    QAbstractSpinBox::down-button {{ subcontrol-position: bottom right;
        border-bottom-right-radius: 6px; }}
    QAbstractSpinBox::up-button:hover, QAbstractSpinBox::down-button:hover {{
        background: {t.hover}; }}
    QAbstractSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 10px; }}
    QAbstractSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 10px; }}
    QComboBox QAbstractItemView {{ background: {t.base}; color: {t.text};
        border: 1px solid {t.border}; outline: 0; padding: 2px;
        selection-background-color: {t.accent}; selection-color: {t.accent_text}; }}
    QComboBox QAbstractItemView::item {{ min-height: 24px; padding: 0 8px; color: {t.text}; }}
    QComboBox QAbstractItemView::item:hover {{ background: {t.hover}; color: {t.text}; }}
    QComboBox QAbstractItemView::item:selected {{ background: {t.accent};
        color: {t.accent_text}; }}
    QComboBox QAbstractItemView::item:disabled {{ color: {t.muted}; }}
    QCalendarWidget QWidget#qt_calendar_navigationbar {{ background: {t.base};
        border-bottom: 1px solid {t.border}; }}
    QCalendarWidget QToolButton {{ color: {t.text}; background: transparent; border: none;
        font-weight: 600; padding: 4px 8px; }}
    QCalendarWidget QToolButton:hover {{ background: {t.hover}; }}
    QCalendarWidget QToolButton::menu-indicator {{ image: none; }}
    QCalendarWidget QToolButton#qt_calendar_prevmonth {{ qproperty-icon: url({left}); }}
    QCalendarWidget QToolButton#qt_calendar_nextmonth {{ qproperty-icon: url({right}); }}
    QCalendarWidget QSpinBox {{ padding: 2px 24px 2px 6px; }}
    QCalendarWidget QAbstractItemView {{ background: {t.base}; color: {t.text};
        selection-background-color: {t.accent}; selection-color: {t.accent_text};
        outline: 0; }}
    QCalendarWidget QAbstractItemView:disabled {{ color: {t.muted}; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: 14px; height: 14px;
        border: 1px solid {t.muted}; background: {t.base}; }}
    QCheckBox::indicator {{ border-radius: 3px; }}
    QRadioButton::indicator {{ border-radius: 8px; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent};
        image: url({check}); }}
    QRadioButton::indicator:checked {{ border-color: {t.accent}; background: qradialgradient(
        cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5, stop: 0 {t.accent},
        stop: 0.45 {t.accent}, stop: 0.55 {t.base}, stop: 1 {t.base}); }}
    QCheckBox::indicator:hover, QRadioButton::indicator:hover {{ border-color: {t.accent}; }}
    QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{
        border-color: {t.border}; background: {t.window}; }}
    QCheckBox::indicator:checked:disabled {{ background: {t.muted}; border-color: {t.muted}; }}
    """
