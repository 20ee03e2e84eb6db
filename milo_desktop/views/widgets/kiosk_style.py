"""The kiosk's look: big type and big touch targets, in the app's light or dark colours.

Scoped to the kiosk widget's own style sheet, which beats the application's 13 px default for
everything inside it, so the rest of the app keeps its desktop density.
"""

from __future__ import annotations

from milo_desktop.views import theme
from milo_desktop.views.resources import resources_dir

TOUCH = 64  # px: the smallest button a finger hits reliably at arm's length


def kiosk_stylesheet() -> str:
    t = theme.current()
    selected_text = t.accent_text
    error_back = "#3b1d1d" if t.dark else "#fee2e2"
    banner_text = "#1c1404" if t.dark else "#ffffff"  # on the amber warning colour
    check = (resources_dir() / "icons" / "check.svg").as_posix()
    return f"""
    QWidget#kiosk {{ background: {t.window}; }}
    QWidget#kiosk QWidget {{ font-size: 20px; color: {t.text}; }}
    QWidget#kiosk QLabel#kioskRole {{ font-size: 30px; font-weight: 700; }}
    QWidget#kiosk QLabel#kioskStage {{ font-size: 18px; color: {t.muted}; }}
    QWidget#kiosk QLabel#kioskTitle {{ font-size: 34px; font-weight: 700; }}
    QWidget#kiosk QLabel#kioskHint {{ font-size: 18px; color: {t.muted}; }}
    QWidget#kiosk QLabel#kioskStep {{ font-size: 16px; color: {t.muted}; }}
    QWidget#kiosk QLabel#fieldLabel {{ font-size: 18px; font-weight: 600; }}
    QWidget#kiosk QLabel#fieldError {{ font-size: 17px; color: {t.danger}; }}
    QWidget#kiosk QLabel#kioskProblem {{ font-size: 20px; color: {t.danger};
        background: {error_back}; border-radius: 10px; padding: 14px 18px; }}
    QWidget#kiosk QLabel#kioskClosed {{ font-size: 24px; font-weight: 600; color: {t.danger};
        background: {error_back}; border-radius: 12px; padding: 22px 26px; }}
    QWidget#kiosk QLineEdit, QWidget#kiosk QPlainTextEdit {{
        font-size: 24px; background: {t.base}; border: 2px solid {t.border};
        border-radius: 10px; padding: 10px 14px; min-height: 40px; }}
    QWidget#kiosk QLineEdit:focus, QWidget#kiosk QPlainTextEdit:focus {{
        border-color: {t.accent}; }}
    QWidget#kiosk QLineEdit[invalid="true"] {{ border-color: {t.danger}; }}
    QWidget#kiosk QPushButton {{ font-size: 22px; min-height: {TOUCH}px; padding: 0 28px;
        border: 2px solid {t.border}; border-radius: 12px; background: {t.base}; }}
    QWidget#kiosk QPushButton:hover {{ background: {t.hover}; }}
    QWidget#kiosk QPushButton:disabled {{ color: {t.muted}; background: {t.alt_base}; }}
    QWidget#kiosk QPushButton[primary="true"] {{ background: {t.accent}; color: {t.accent_text};
        border-color: {t.accent}; font-weight: 700; }}
    QWidget#kiosk QPushButton[primary="true"]:disabled {{ background: {t.border};
        color: {t.muted}; border-color: {t.border}; }}
    QWidget#kiosk QPushButton[option="true"] {{ text-align: left; padding: 0 26px;
        min-height: 76px; font-size: 24px; }}
    QWidget#kiosk QPushButton[yesno="true"] {{ text-align: center; min-height: 96px;
        min-width: 240px; font-size: 28px; }}
    QWidget#kiosk QPushButton[rating="true"] {{ text-align: center; min-height: 96px;
        min-width: 120px; max-width: 150px; padding: 0; font-size: 30px; }}
    QWidget#kiosk QPushButton[option="true"]:checked {{ background: {t.accent};
        color: {selected_text}; border-color: {t.accent}; font-weight: 700; }}
    QWidget#kiosk QPushButton#stepper {{ min-width: {TOUCH}px; max-width: {TOUCH}px;
        padding: 0; font-size: 30px; font-weight: 700; }}
    QWidget#kiosk QLabel#unit {{ font-size: 26px; font-weight: 600; }}
    QWidget#kiosk QLabel#consentText {{ font-size: 19px; }}
    QWidget#kiosk QCheckBox::indicator {{ width: 26px; height: 26px; border-radius: 7px;
        border: 2px solid {t.muted}; background: {t.base}; }}
    QWidget#kiosk QCheckBox::indicator:checked {{ background: {t.accent};
        border-color: {t.accent}; image: url({check}); }}
    QWidget#kiosk QLabel#thanksMark {{ font-size: 64px; font-weight: 800; color: {t.success};
        border: 4px solid {t.success}; border-radius: 52px; min-width: 96px; max-width: 96px;
        min-height: 96px; max-height: 96px; }}
    QWidget#kiosk QCheckBox::indicator {{ width: 26px; height: 26px; border-radius: 7px;
        border: 2px solid {t.muted}; background: {t.base}; }}
    QWidget#kiosk QCheckBox::indicator:checked {{ background: {t.accent};
        border-color: {t.accent}; image: url({check}); }}
    QWidget#kiosk QProgressBar {{ border: none; background: {t.border}; border-radius: 5px;
        max-height: 10px; min-height: 10px; }}
    QWidget#kiosk QProgressBar::chunk {{ background: {t.accent}; border-radius: 5px; }}
    QWidget#kioskCard {{ background: {t.base}; border: 1px solid {t.border};
        border-radius: 18px; }}
    QWidget#previewBanner {{ background: {t.warning}; }}
    QWidget#previewBanner QLabel {{ color: {banner_text}; font-size: 15px;
        font-weight: 700; }}
    """


def overlay_stylesheet() -> str:
    t = theme.current()
    return f"""
    QWidget#overlayCard {{ background: {t.base}; border: 1px solid {t.border};
        border-radius: 18px; }}
    QWidget#overlayCard QLabel {{ color: {t.text}; font-size: 20px; }}
    QWidget#overlayCard QLabel#overlayBig {{ font-size: 30px; font-weight: 700; }}
    QWidget#overlayCard QLabel#overlayCount {{ font-size: 64px; font-weight: 800;
        color: {t.accent}; }}
    QWidget#overlayCard QPushButton {{ font-size: 22px; min-height: {TOUCH}px; padding: 0 28px;
        border: 2px solid {t.border}; border-radius: 12px; background: {t.base};
        color: {t.text}; }}
    QWidget#overlayCard QPushButton[primary="true"] {{ background: {t.accent};
        color: {t.accent_text}; border-color: {t.accent}; font-weight: 700; }}
    QWidget#overlayCard QPushButton[danger="true"] {{ color: {t.danger};
        border-color: {t.danger}; }}
    """
