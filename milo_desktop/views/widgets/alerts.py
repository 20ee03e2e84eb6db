"""Alerts that reach a front desk whose window is minimised: a tray icon with the unread
count, a desktop notification and a sound for every new notification."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from milo_desktop.views.context import ViewContext
from milo_desktop.views.resources import icon, resources_dir

log = logging.getLogger(__name__)

SOUND_SETTING = "alerts/sound"
KEEP_IN_TRAY_SETTING = "alerts/keep_running_in_tray"


def badge_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """The app icon with a red unread badge (the tray's equivalent of a dock badge)."""
    pixmap = base.pixmap(size, size)
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    text = str(count) if count < 100 else "99+"
    font = QFont()
    font.setPixelSize(int(size * 0.36))
    font.setBold(True)
    painter.setFont(font)
    diameter = size * 0.56
    rect = QRectF(size - diameter, 0, diameter, diameter)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#dc2626"))
    painter.drawEllipse(rect)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


class DesktopAlerts(QObject):
    """Owns the tray icon and the sound; shows each new notification on the desktop."""

    activated = Signal()  # the user clicked the tray icon or "Open Milo Desktop"
    quitRequested = Signal()
    shown = Signal(object)  # NotificationRow, after it was announced (for tests)

    def __init__(self, ctx: ViewContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.base_icon = icon("milo")
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.base_icon, self)
            menu = QMenu(parent)
            open_action = QAction(self.tr("Open Milo Desktop"), menu)
            open_action.triggered.connect(self.activated)
            quit_action = QAction(self.tr("Quit"), menu)
            quit_action.triggered.connect(self.quitRequested)
            menu.addAction(open_action)
            menu.addSeparator()
            menu.addAction(quit_action)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: self.activated.emit())
            self.tray.messageClicked.connect(self.activated)
            self.tray.setToolTip(self.tr("Milo Desktop"))
            self.tray.show()
        self._sound = None
        self.unread = 0
        ctx.bridge.notificationAdded.connect(self._added)

    @property
    def sound_enabled(self) -> bool:
        return str(self.ctx.settings.value(SOUND_SETTING, "true")).lower() == "true"

    def set_sound_enabled(self, enabled: bool) -> None:
        self.ctx.settings.setValue(SOUND_SETTING, "true" if enabled else "false")

    @property
    def keep_running_in_tray(self) -> bool:
        """Closing the window hides it to the tray (only where there is a tray)."""
        if self.tray is None:
            return False
        return str(self.ctx.settings.value(KEEP_IN_TRAY_SETTING, "true")).lower() == "true"

    def set_keep_running_in_tray(self, keep: bool) -> None:
        self.ctx.settings.setValue(KEEP_IN_TRAY_SETTING, "true" if keep else "false")

    def set_unread(self, count: int) -> None:
        self.unread = count
        if self.tray is not None:
            self.tray.setIcon(badge_icon(self.base_icon, count))
            self.tray.setToolTip(
                self.tr("Milo Desktop — %n unread").replace("%n", str(count))
                if count
                else self.tr("Milo Desktop")
            )

    def _added(self, notification_id: int) -> None:
        self.ctx.spawn(self._announce(notification_id), "alerts.announce")

    async def _announce(self, notification_id: int) -> None:
        row = await self.ctx.workspace.notifications.get(notification_id)
        if row is None:
            return
        if self.tray is not None:
            self.tray.showMessage(row.title, row.body, self.base_icon, 8000)
        if self.sound_enabled:
            self.play_sound()
        self.shown.emit(row)

    def play_sound(self) -> bool:
        """Play the chime if this machine has an audio output; False when it cannot."""
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

        if not QMediaDevices.audioOutputs():
            return False  # a headless or muted machine: nothing to play on, and no warning
        if self._sound is None:
            self._sound = QSoundEffect(self)
            self._sound.setSource(QUrl.fromLocalFile(str(resources_dir() / "sounds" / "chime.wav")))
            self._sound.setVolume(0.6)
        self._sound.play()
        return True

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()


