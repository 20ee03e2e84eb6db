"""Light and dark themes: a Fusion palette plus one stylesheet with a few named roles."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


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
    QLineEdit, QComboBox, QDateEdit, QSpinBox, QDoubleSpinBox {{
        background: {t.base}; border: 1px solid {t.border}; border-radius: 6px; padding: 5px 8px;
    }}
    QLineEdit:focus, QComboBox:focus {{ border-color: {t.accent}; }}
    QComboBox::drop-down {{ border: none; width: 20px; }}
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
