"""The full-screen kiosk window for walk-ins at the front desk.

What makes it a kiosk rather than a form: it fills the screen and ignores ordinary closing
(Alt+F4, the window's close button), so a walk-in cannot wander into the app; staff leave it
with Ctrl+Shift+Q or by holding the top-right corner for three seconds, then confirming. A form
left half-filled asks "Are you still there?" after a quiet spell and clears itself when nobody
answers, so the next person never sees the last one's details.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.kiosk import KioskForm, KioskPerson, KioskResult, KioskService
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.kiosk_form import KioskWidget
from milo_desktop.views.widgets.kiosk_style import overlay_stylesheet

IDLE_MS = 90_000  # quiet this long on a started form → "Are you still there?"
WARN_S = 15  # … then this many seconds to answer before the form clears
HOLD_MS = 3_000  # holding the top-right corner this long offers to leave the kiosk
EXIT_KEYS = "Ctrl+Shift+Q"
_INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
})


class Overlay(QWidget):
    """Dims the kiosk and shows a card in the middle; a tap outside the card counts as input."""

    tapped = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.card = QFrame(self)
        self.card.setObjectName("overlayCard")
        self.card.setStyleSheet(overlay_stylesheet())
        self.card.setFixedWidth(640)
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(44, 36, 44, 36)
        self.body.setSpacing(18)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 150))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.tapped.emit()


def _label(text: str, name: str, parent: QWidget) -> QLabel:
    out = QLabel(text, parent)
    out.setObjectName(name)
    out.setWordWrap(True)
    out.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return out


class IdleWatch(QObject):
    """Any touch, click or key anywhere in the app restarts the quiet-time clock."""

    idle = Signal()

    def __init__(self, idle_ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.idle.emit)

    def start(self) -> None:
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.timer.start()
        return False


class ServiceBackend:
    """The front desk's backend: check-in and submit through ``KioskService`` (stored)."""

    def __init__(self, service: KioskService) -> None:
        self.service = service
        self.form: KioskForm | None = None

    async def check_in(self, person: KioskPerson) -> None:
        assert self.form is not None
        await self.service.check_in(self.form.interviewer_id, self.form.stage_id, person)

    async def submit(self, person: KioskPerson, answers: dict[str, str],
                     rating: int | None = None) -> KioskResult:
        assert self.form is not None
        return await self.service.submit(self.form.interviewer_id, self.form.stage_id, person,
                                         answers, rating)


def kiosk_service(ctx: ViewContext) -> KioskService:
    ws = ctx.workspace
    return KioskService(ws.db, ws.bus, ws.applications)


class KioskWindow(QWidget):
    """The kiosk for one interviewer's Form stage (by id, or by slug from the command line)."""

    left = Signal()

    def __init__(self, ctx: ViewContext, interviewer_id: int | None = None, *,
                 slug: str | None = None, parent: QWidget | None = None,
                 idle_ms: int = IDLE_MS, warn_s: int = WARN_S, hold_ms: int = HOLD_MS,
                 thanks_ms: int = 12_000) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        assert (interviewer_id is None) != (slug is None)
        self.ctx = ctx
        self.interviewer_id = interviewer_id
        self.slug = slug
        self.leaving = False
        self.setWindowTitle(self.tr("Milo Desktop — Kiosk"))
        self.service = kiosk_service(ctx)
        self.backend = ServiceBackend(self.service)
        self.kiosk = KioskWidget(ctx.spawn, self.backend, self, thanks_ms=thanks_ms,
                                 region=self.service.region)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kiosk)

        # The staff-only corner: invisible, big enough for a thumb, held to leave.
        self.corner = QPushButton(self)
        self.corner.setObjectName("kioskCorner")
        self.corner.setFlat(True)
        self.corner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.corner.setFixedSize(72, 72)
        self.corner.setStyleSheet(
            "QPushButton#kioskCorner { border: none; background: transparent; }")
        self.corner.setAccessibleName(self.tr("Staff: hold to leave the kiosk"))
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.setInterval(hold_ms)
        self.hold.timeout.connect(self.ask_to_leave)
        self.corner.pressed.connect(self.hold.start)
        self.corner.released.connect(self.hold.stop)
        self.exit_shortcut = QShortcut(QKeySequence(EXIT_KEYS), self)
        self.exit_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.exit_shortcut.activated.connect(self.ask_to_leave)

        self._build_still_there(warn_s)
        self._build_leave()
        self.idle = IdleWatch(idle_ms, self)
        self.idle.idle.connect(self._quiet)
        self.kiosk.reset_done.connect(self.load)

    def _build_still_there(self, warn_s: int) -> None:
        self.warn_s = warn_s
        self.still_there = Overlay(self)
        card = self.still_there.card
        self.still_there.body.addWidget(_label(self.tr("Are you still there?"), "overlayBig", card))
        self.countdown = _label("", "overlayCount", card)
        self.still_there.body.addWidget(self.countdown)
        self.still_there.body.addWidget(_label(
            self.tr("The form clears itself for the next person when the time runs out."),
            "overlayText", card))
        self.still_here = QPushButton(self.tr("I'm still here"), card)
        self.still_here.setProperty("primary", True)
        self.still_there.body.addWidget(self.still_here)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self.still_here.clicked.connect(self._still_here)
        self.still_there.tapped.connect(self._still_here)
        self.remaining = 0

    def _build_leave(self) -> None:
        self.leave_box = Overlay(self)
        card = self.leave_box.card
        self.leave_box.body.addWidget(_label(self.tr("Leave kiosk mode?"), "overlayBig", card))
        self.leave_box.body.addWidget(_label(
            self.tr("For front-desk staff. Anything on screen now is cleared."), "overlayText",
            card))
        row = QHBoxLayout()
        self.stay_button = QPushButton(self.tr("Stay in kiosk"), card)
        self.stay_button.setProperty("primary", True)
        self.leave_button = QPushButton(self.tr("Leave kiosk"), card)
        self.leave_button.setProperty("danger", True)
        row.addWidget(self.stay_button, 1)
        row.addWidget(self.leave_button, 1)
        self.leave_box.body.addLayout(row)
        self.stay_button.clicked.connect(self.leave_box.hide)
        self.leave_button.clicked.connect(self.leave)
        # Offered by mistake and left alone: it goes away by itself.
        self.leave_timeout = QTimer(self)
        self.leave_timeout.setSingleShot(True)
        self.leave_timeout.setInterval(15_000)
        self.leave_timeout.timeout.connect(self.leave_box.hide)

    # ----- life cycle ------------------------------------------------------------------------
    def start(self, *, full_screen: bool = True) -> None:
        """Show the kiosk (full screen at the front desk) and load its form."""
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        self.idle.start()
        self.load()

    def load(self) -> None:
        """(Re)read the form: at start and after each walk-in, so a deadline that passed or an
        edited stage shows up without restarting the kiosk."""

        async def go() -> None:
            try:
                if self.interviewer_id is None:
                    assert self.slug is not None
                    form = await self.service.form_for_slug(self.slug)
                    self.interviewer_id = form.interviewer_id
                else:
                    form = await self.service.form(self.interviewer_id)
            except EnvironmentProblem as exc:
                self.kiosk.show_unavailable(exc.message)
                return
            self.backend.form = form
            if self.kiosk.form is None:
                self.kiosk.set_form(form)
            else:
                self.kiosk.refresh_form(form)

        self.ctx.spawn(go(), "kiosk.load")

    def ask_to_leave(self) -> None:
        self.hold.stop()
        if self.still_there.isVisible():
            self._still_here()
        self.leave_box.cover()
        self.stay_button.setFocus()
        self.leave_timeout.start()

    def leave(self) -> None:
        self.leaving = True
        self.kiosk.reset_done.disconnect(self.load)
        self.kiosk.reset()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leaving:
            event.ignore()  # Alt+F4 / the close button: only the deliberate way out works
            return
        self.idle.stop()
        self.tick.stop()
        self.leave_timeout.stop()
        super().closeEvent(event)
        self.left.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.corner.move(self.width() - self.corner.width(), 0)
        self.corner.raise_()
        for overlay in (self.still_there, self.leave_box):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())

    # ----- quiet time --------------------------------------------------------------------------
    def _quiet(self) -> None:
        if not self.kiosk.dirty() or self.kiosk.busy or self.leave_box.isVisible():
            self.idle.timer.start()
            return
        self.remaining = self.warn_s
        self.countdown.setText(str(self.remaining))
        self.still_there.cover()
        self.still_here.setFocus()
        self.tick.start()

    def _tick(self) -> None:
        self.remaining -= 1
        self.countdown.setText(str(max(0, self.remaining)))
        if self.remaining <= 0:
            self.tick.stop()
            self.still_there.hide()
            self.kiosk.reset()
            self.idle.timer.start()

    def _still_here(self) -> None:
        self.tick.stop()
        self.still_there.hide()
        self.idle.timer.start()
