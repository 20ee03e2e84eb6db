"""Alerts that reach a front desk whose window is minimised: a tray icon with the unread
count, a desktop notification and a sound for every new notification.

What is announced: a notification whose kind is switched on (workspace setting, see
services/notifications.py — a switched-off kind is normally not even recorded; the check here
covers a switch flipped between recording and announcing). How: a desktop notification and the
chime (resources/sounds/chime.wav, made by make_chime.py), each a per-computer preference kept
in the UI settings (a front desk wants the chime, a recruiter at home may not), set from
Settings → Notifications or the File menu. Clicking the desktop notification opens its record.

The tray, the desktop notification service and the audio output are optional parts of the
computer: where one is missing the bell still works, each ``Announcement`` says what did not
reach the user and why, and Settings → Notifications explains it (``tray_problem``,
``desktop_notification_problem``, ``media.audio_output_problem``).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QRectF, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from milo_desktop.services.notifications import NotificationRow
from milo_desktop.views.context import ViewContext
from milo_desktop.views.resources import icon, resources_dir
from milo_desktop.views.widgets import media

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)
CTX = "alerts"

SOUND_SETTING = "alerts/sound"
DESKTOP_SETTING = "alerts/desktop"
KEEP_IN_TRAY_SETTING = "alerts/keep_running_in_tray"


def chime_path() -> Path:
    """The notification sound (resources/sounds/chime.wav)."""
    return resources_dir() / "sounds" / "chime.wav"


def _tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def tray_problem() -> str | None:
    """None when this computer has a notification area (system tray); else why not."""
    if QSystemTrayIcon.isSystemTrayAvailable():
        return None
    return _tr("there is no notification area (system tray)")


def desktop_notification_problem() -> str | None:
    """None when a desktop notification can be shown; otherwise why not, in plain words.

    Desktop notifications are the tray icon's messages. On Linux, Qt sends them to the
    desktop's notification service when the tray is a D-Bus (StatusNotifier) tray; without that
    service they vanish, so it is checked too. An XEmbed tray draws its own balloons."""
    problem = tray_problem()
    if problem is not None:
        return problem
    if not QSystemTrayIcon.supportsMessages():
        return _tr("the notification area cannot show messages")
    if sys.platform.startswith("linux") and not _linux_notification_service():
        return _tr("no desktop notification service is running")
    return None


def _linux_notification_service() -> bool:
    """False only when the session bus answers, the tray goes over it, and nobody there shows
    notifications (QtDBus is optional too: without it, trust the tray)."""
    try:
        from PySide6.QtDBus import QDBusConnection
    except ImportError:
        return True
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return True  # no D-Bus: Qt's XEmbed tray shows its own balloons
    names = bus.interface()

    def registered(name: str) -> bool:
        reply = names.isServiceRegistered(name)
        return bool(reply.value()) if reply.isValid() else False

    return not registered("org.kde.StatusNotifierWatcher") or registered(
        "org.freedesktop.Notifications")


@dataclass(frozen=True)
class Announcement:
    """How a new notification was announced on this computer: a desktop notification shown or
    not, the sound played (its file) or not, and why a wanted way did not reach the user."""

    row: NotificationRow
    desktop: bool = False
    sound: Path | None = None
    desktop_problem: str | None = None  # wanted, but: "there is no notification area …"
    sound_problem: str | None = None  # wanted, but: "the audio library libpulse … not installed"


def preference(settings: QSettings, key: str) -> bool:
    """A per-computer on/off alert preference (on unless switched off)."""
    return str(settings.value(key, "true")).lower() == "true"


def set_preference(settings: QSettings, key: str, enabled: bool) -> None:
    settings.setValue(key, "true" if enabled else "false")


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
    announced = Signal(object)  # Announcement: what reached the user, and why a wanted way didn't
    skipped = Signal(object)  # NotificationRow not announced (kind off, or no way wanted)
    openRequested = Signal(object)  # NotificationRow whose desktop notification was clicked

    def __init__(self, ctx: ViewContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.base_icon = icon("milo")
        self.tray: QSystemTrayIcon | None = None
        if tray_problem() is None:
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
            self.tray.messageClicked.connect(self._message_clicked)
            self.tray.setToolTip(self.tr("Milo Desktop"))
            self.tray.show()
        # Asked once: on Linux it is a D-Bus round trip (the tray's own set-up makes several).
        self.desktop_problem = desktop_notification_problem()
        self.sound_effect: QSoundEffect | None = None  # made on the first chime
        self.unread = 0
        self.last_shown: NotificationRow | None = None  # what a click on the message opens
        ctx.bridge.notificationAdded.connect(self._added)

    @property
    def sound_enabled(self) -> bool:
        return preference(self.ctx.settings, SOUND_SETTING)

    def set_sound_enabled(self, enabled: bool) -> None:
        set_preference(self.ctx.settings, SOUND_SETTING, enabled)

    @property
    def desktop_enabled(self) -> bool:
        """Desktop notifications (the system's notification area, where there is one)."""
        return preference(self.ctx.settings, DESKTOP_SETTING)

    def set_desktop_enabled(self, enabled: bool) -> None:
        set_preference(self.ctx.settings, DESKTOP_SETTING, enabled)

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
        notifications = self.ctx.workspace.notifications
        row = await notifications.get(notification_id)
        if row is None:
            return
        desktop, sound = self.desktop_enabled, self.sound_enabled
        if not (desktop or sound) or not await notifications.kind_enabled(row.kind):
            self.skipped.emit(row)
            return
        shown, desktop_problem = False, None
        if desktop:
            desktop_problem = self.desktop_problem
            if desktop_problem is None and self.tray is not None:
                self.last_shown = row
                self.tray.showMessage(row.title, row.body, self.base_icon, 8000)
                shown = True
        played, sound_problem = None, None
        if sound:
            sound_problem = self.play_sound()
            played = chime_path() if sound_problem is None else None
        self.announced.emit(Announcement(row, shown, played, desktop_problem, sound_problem))

    def _message_clicked(self) -> None:
        self.activated.emit()
        if self.last_shown is not None:
            self.openRequested.emit(self.last_shown)

    def play_sound(self) -> str | None:
        """Play the chime. None when it was played; otherwise why it could not be, in plain
        words (no QtMultimedia, or no audio output: a headless or muted machine — checked
        first, as QSoundEffect warns without a device)."""
        problem = media.audio_output_problem()
        if problem is not None:
            return problem
        if self.sound_effect is None:
            self.sound_effect = media.sound_effect(chime_path(), self)
        self.sound_effect.play()
        return None

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()


