"""The Notifications card: which kinds reach the bell (for the whole workspace) and how this
computer alerts (sound, desktop notifications).

A kind switched off is not recorded at all (services/notifications.py says why); each box
saves as it is clicked. Sound and desktop notifications are this computer's preferences,
kept with the window layout (views/widgets/alerts.py reads them for every new notification).
Where this computer cannot play a sound or show a desktop notification, the card says why
under the box (the preference is kept for when it can).
"""

from __future__ import annotations

from collections.abc import Awaitable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget
from shiboken6 import isValid

from milo_desktop.enums import NotificationKind
from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.notifications import NotificationService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets import media
from milo_desktop.views.widgets.alerts import (
    DESKTOP_SETTING,
    SOUND_SETTING,
    desktop_notification_problem,
    preference,
    set_preference,
)
from milo_desktop.views.widgets.cards import Card, MessageLine

K = NotificationKind


class NotificationsCard(Card):
    finished = Signal()  # a load or a save ended (successfully or not)

    def __init__(self, ctx: ViewContext, service: NotificationService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Notifications"), parent)
        self.ctx = ctx
        self.service = service
        self.switches: dict[NotificationKind, bool] | None = None
        self._busy = 0
        labels = {
            K.COMPLETED: self.tr("A candidate completed an interview (or a caller was approved "
                                 "or rejected)"),
            K.SCORE_READY: self.tr("A stage's score is ready"),
            K.CALLER_NEEDS_REVIEW: self.tr("A caller needs review"),
            K.EMAIL_APPLICATION: self.tr("An application arrived by email"),
            K.DEADLINE_NEAR: self.tr("An interviewer's deadline is within 7 days"),
            K.SYNC_FAILED: self.tr("A sync failed (sign-in refused or stopped)"),
        }
        intro = QLabel(self.tr(
            "Choose what appears in the bell. These switches apply to everyone in this "
            "workspace; a kind that is off is not recorded at all. Interviewers' subscribers "
            "are emailed about completions either way."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.boxes: dict[NotificationKind, QCheckBox] = {}
        kinds = QGridLayout()
        kinds.setHorizontalSpacing(24)
        kinds.setVerticalSpacing(8)
        for i, kind in enumerate(K):
            box = QCheckBox(labels[kind], self)
            box.setEnabled(False)  # until the saved switches are loaded
            box.toggled.connect(lambda on, kind=kind: self._kind_toggled(kind, on))
            self.boxes[kind] = box
            kinds.addWidget(box, i, 0)
        computer = QLabel(self.tr("On this computer"), self)
        font = computer.font()
        font.setBold(True)
        computer.setFont(font)
        self.sound_box = QCheckBox(self.tr("Play a sound"), self)
        self.sound_box.setChecked(preference(ctx.settings, SOUND_SETTING))
        self.sound_box.toggled.connect(
            lambda on: set_preference(ctx.settings, SOUND_SETTING, on))
        self.desktop_box = QCheckBox(self.tr("Desktop notifications"), self)
        self.desktop_box.setChecked(preference(ctx.settings, DESKTOP_SETTING))
        self.desktop_box.toggled.connect(
            lambda on: set_preference(ctx.settings, DESKTOP_SETTING, on))
        self.no_sound = QLabel(self)
        self.no_desktop = QLabel(self)
        for note in (self.no_sound, self.no_desktop):
            note.setWordWrap(True)
            note.setProperty("muted", True)
            note.setContentsMargins(24, 0, 0, 0)  # under its box's text
            note.hide()
        self.message = MessageLine(self)
        self.body.addWidget(intro)
        self.body.addLayout(kinds)
        self.body.addSpacing(4)
        self.body.addWidget(computer)
        self.body.addWidget(self.sound_box)
        self.body.addWidget(self.no_sound)
        self.body.addWidget(self.desktop_box)
        self.body.addWidget(self.no_desktop)
        self.body.addWidget(self.message)
        self.set_status(self.tr("Loading…"))

    # ----- state ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self.show_availability()  # devices come and go: asked each time the card is shown
        super().showEvent(event)

    def show_availability(self) -> None:
        """Say under each box why this computer cannot do it, if it cannot."""
        sound = media.audio_output_problem()
        self.no_sound.setText(self.tr("Sounds are unavailable on this computer: {why}.").format(
            why=sound) if sound else "")
        self.no_sound.setVisible(sound is not None)
        desktop = desktop_notification_problem()
        self.no_desktop.setText(self.tr(
            "Desktop notifications are unavailable on this computer: {why}. New notifications "
            "show in the bell and its badge.").format(why=desktop) if desktop else "")
        self.no_desktop.setVisible(desktop is not None)

    def is_busy(self) -> bool:
        return self._busy > 0

    def show_switches(self, switches: dict[NotificationKind, bool]) -> None:
        self.switches = dict(switches)
        for kind, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(switches.get(kind, True))
            box.blockSignals(False)
            box.setEnabled(True)
        on = sum(1 for value in switches.values() if value)
        if on == len(switches):
            self.set_status(self.tr("All on"), "success")
        elif on == 0:
            self.set_status(self.tr("All off"), "warning")
        else:
            self.set_status(self.tr("{on} of {total} on").format(on=on, total=len(switches)))

    # ----- actions --------------------------------------------------------------------------
    def load(self) -> None:
        self._run(self.service.kinds(), "notifications.settings.load")

    def _kind_toggled(self, kind: NotificationKind, on: bool) -> None:
        self._run(self.service.set_kinds({kind: on}), "notifications.settings.save", saved=True)

    def _run(self, work: Awaitable[dict[NotificationKind, bool]], name: str, *,
             saved: bool = False) -> None:
        self._busy += 1

        async def guarded() -> None:
            try:
                self.show_switches(await work)
                if saved:
                    self.message.say(self.tr("Saved for this workspace."), "success")
            except EnvironmentProblem as exc:
                self.message.say(exc.message, "danger")
                if self.switches is not None:
                    self.show_switches(self.switches)  # the boxes say what is really saved
            finally:
                self._busy -= 1
                if isValid(self):  # the card may be gone (work cancelled on close)
                    self.finished.emit()

        self.ctx.spawn(guarded(), name)
