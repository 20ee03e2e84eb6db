"""Optional parts of the computer — QtMultimedia (libpulse on Linux), an audio output, a system
tray — never stop the app: each feature that needs one says why it is unavailable, and works
where the part is there. QtMultimedia is made missing through the app's own probe (the
``multimedia_unavailable`` fixture); tests needing it for real are marked
``requires_multimedia`` (skipped with the reason where it is missing, a failure under CI=true).
The offscreen platform has no system tray, here and on CI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from milo_desktop.enums import NotificationKind
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.settings.notifications_card import NotificationsCard
from milo_desktop.views.widgets.alerts import (
    Announcement,
    DesktopAlerts,
    chime_path,
    desktop_notification_problem,
    tray_problem,
)

K = NotificationKind


@pytest.fixture
def ctx(make_ctx: Any, sqlite_workspace: Workspace) -> ViewContext:
    return make_ctx(sqlite_workspace)


@pytest.fixture
def alerts(ctx: ViewContext, qtbot: Any) -> Iterator[DesktopAlerts]:
    holder = QWidget()
    qtbot.addWidget(holder)
    yield DesktopAlerts(ctx, holder)


def announce(qtbot: Any, ctx: ViewContext, alerts: DesktopAlerts, title: str) -> Announcement:
    with qtbot.waitSignal(alerts.announced, timeout=5000) as announced:
        ctx.spawn(ctx.workspace.notifications.add(K.CALLER_NEEDS_REVIEW, title), "t")
    result = announced.args[0]
    assert isinstance(result, Announcement) and result.row.title == title
    return result


def card(ctx: ViewContext, qtbot: Any) -> NotificationsCard:
    widget = NotificationsCard(ctx, ctx.workspace.notifications)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_without_multimedia_the_sound_says_why(
        qtbot: Any, ctx: ViewContext, alerts: DesktopAlerts, multimedia_unavailable: str) -> None:
    reason = "the audio library libpulse (PulseAudio) is not installed"
    assert multimedia_unavailable == reason
    alerts.set_desktop_enabled(False)  # the sound alone
    result = announce(qtbot, ctx, alerts, "Dana Ruiz needs review")
    assert result.sound is None and result.sound_problem == reason
    assert alerts.sound_effect is None  # nothing of QtMultimedia was touched
    # Settings → Notifications says so under the box; the preference itself is kept.
    shown = card(ctx, qtbot)
    assert shown.no_sound.isVisible()
    assert shown.no_sound.text() == f"Sounds are unavailable on this computer: {reason}."
    assert shown.sound_box.isEnabled() and shown.sound_box.isChecked()


def test_sound_switched_off_is_not_tried(
        qtbot: Any, ctx: ViewContext, alerts: DesktopAlerts, multimedia_unavailable: str) -> None:
    alerts.set_sound_enabled(False)
    result = announce(qtbot, ctx, alerts, "Dana Ruiz needs review")
    assert (result.sound, result.sound_problem) == (None, None)


@pytest.mark.requires_multimedia
def test_the_chime_plays_where_there_is_an_audio_output(
        qtbot: Any, ctx: ViewContext, alerts: DesktopAlerts) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    assert chime_path().is_file()
    alerts.set_desktop_enabled(False)
    result = announce(qtbot, ctx, alerts, "Dana Ruiz needs review")
    shown = card(ctx, qtbot)
    if QMediaDevices.audioOutputs():  # a desktop: the chime is played from its file
        assert (result.sound, result.sound_problem) == (chime_path(), None)
        assert alerts.sound_effect is not None
        assert alerts.sound_effect.source() == QUrl.fromLocalFile(str(chime_path()))
        assert not shown.no_sound.isVisible()
    else:  # CI has libpulse but no sound server: said, and no QSoundEffect (it would warn)
        reason = "no audio output device was found"
        assert (result.sound, result.sound_problem) == (None, reason)
        assert alerts.sound_effect is None
        assert shown.no_sound.text() == f"Sounds are unavailable on this computer: {reason}."


def test_without_a_tray_desktop_notifications_say_why(
        qtbot: Any, ctx: ViewContext, alerts: DesktopAlerts) -> None:
    if tray_problem() is None:
        pytest.skip("this display has a system tray (the tests run offscreen, which has none)")
    reason = "there is no notification area (system tray)"
    assert desktop_notification_problem() == reason
    assert alerts.tray is None and not alerts.keep_running_in_tray
    alerts.set_sound_enabled(False)  # the desktop notification alone
    result = announce(qtbot, ctx, alerts, "Dana Ruiz needs review")
    assert (result.desktop, result.desktop_problem) == (False, reason)
    assert alerts.last_shown is None  # no message a click could open
    shown = card(ctx, qtbot)
    assert shown.no_desktop.isVisible()
    assert shown.no_desktop.text() == (
        f"Desktop notifications are unavailable on this computer: {reason}. New notifications "
        "show in the bell and its badge.")
    assert shown.desktop_box.isEnabled()


def test_without_a_tray_the_window_closes_for_real(qtbot: Any, ctx: ViewContext) -> None:
    if tray_problem() is None:
        pytest.skip("this display has a system tray (the tests run offscreen, which has none)")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert file_menu is not None
    texts = [a.text() for a in file_menu.actions()]
    assert not any("tray" in t for t in texts)  # nothing offers what cannot work
    with qtbot.waitSignal(window.closing, timeout=2000):
        window.close()  # no tray to hide in: closing quits
    assert not window.isVisible()
