"""The front-desk kiosk: an interviewer's Form stage, full screen, one walk-in at a time."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from milo_desktop.views.context import ViewContext
from milo_desktop.views.kiosk.window import EXIT_KEYS, KioskWindow
from milo_desktop.views.widgets.kiosk_form import KioskBackend, KioskWidget


def open_kiosk(ctx: ViewContext, interviewer_id: int, parent: QWidget | None = None) -> KioskWindow:
    """Start the kiosk for ``interviewer_id``'s Form stage, full screen. Staff leave it with
    Ctrl+Shift+Q or by holding the top-right corner; the window is returned so the caller may
    connect ``left``; the window deletes itself once left)."""
    window = KioskWindow(ctx, interviewer_id, parent=parent)
    window.left.connect(window.deleteLater)
    window.start()
    return window


__all__ = ["EXIT_KEYS", "KioskBackend", "KioskWidget", "KioskWindow", "open_kiosk"]
