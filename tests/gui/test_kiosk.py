"""The front-desk kiosk, driven like a walk-in would: keyboard and taps, validation on the
fields, the inactivity reset, and the only ways out (Ctrl+Shift+Q, the held corner)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from milo_desktop.enums import InterviewerStatus, StageStatus
from milo_desktop.models import Answer, Application, Candidate, StageResult
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.kiosk import KioskWindow, open_kiosk
from milo_desktop.views.widgets.kiosk_pages import AmountPage, OptionsPage, RatingPage, TextPage
from tests.form_stage import make_form_interviewer

CLICK = Qt.MouseButton.LeftButton
SAFETY = ("I noticed a pallet stacked too high next to the dock, reported it to my lead, "
          "restacked it with a spotter and added a check to our shift walk-through.")


def _kiosk(qtbot: Any, make_ctx: Any, ws: Workspace, interviewer_id: int,
           **kw: Any) -> KioskWindow:
    full_screen = kw.pop("full_screen", True)
    window = KioskWindow(make_ctx(ws), interviewer_id, **kw)
    qtbot.addWidget(window)
    window.start(full_screen=full_screen)
    qtbot.waitUntil(lambda: window.kiosk.form is not None and not window.ctx.workspace.tasks.running)
    return window


def _leave(window: KioskWindow) -> None:
    if window.isVisible():
        window.leave()


def _details(qtbot: Any, window: KioskWindow, name: str, email: str, phone: str) -> None:
    d = window.kiosk.details
    qtbot.keyClicks(d.name.edit, name)
    qtbot.keyClick(d.name.edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(d.email.edit, email)
    qtbot.keyClicks(d.phone.edit, phone)


def test_a_walk_in_applies_with_keyboard_and_taps(qtbot: Any, make_ctx: Any,
                                                   sqlite_workspace: Workspace) -> None:
    iv, stage = make_form_interviewer(sqlite_workspace)
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv)
    kiosk = window.kiosk
    assert window.isFullScreen()
    assert kiosk.role.text() == "Forklift Operator"
    assert kiosk.step.text() == "Your details" and not kiosk.back.isVisible()
    assert "4 short questions" in kiosk.details.hint.text()

    _details(qtbot, window, "Maria Lopez", "maria@example.com", "(415) 555-0123")
    # Tapping the consent sentence ticks the box as well as the box itself.
    qtbot.mouseClick(kiosk.details.consent_text, CLICK)
    assert kiosk.details.consent.isChecked()
    qtbot.keyClick(kiosk.details.phone.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == 1)

    # 1: yes/no by keyboard ("y"), Next disabled until answered.
    page = kiosk.pages.currentWidget()
    assert isinstance(page, OptionsPage) and kiosk.step.text() == "Question 1 of 4"
    assert not kiosk.next.isEnabled() and kiosk.progress.value() == 1
    qtbot.keyClick(page, Qt.Key.Key_Y)
    assert page.answer() == "yes" and kiosk.next.isEnabled()
    qtbot.mouseClick(kiosk.next, CLICK)

    # 2: an amount with its unit; the steppers and typing both work.
    page = kiosk.pages.currentWidget()
    assert isinstance(page, AmountPage) and page.unit == "years"
    qtbot.mouseClick(page.plus, CLICK)
    qtbot.mouseClick(page.plus, CLICK)
    qtbot.mouseClick(page.minus, CLICK)
    assert page.answer() == "1 year"
    page.edit.clear()
    qtbot.keyClicks(page.edit, "3.5")
    assert page.answer() == "3.5 years"
    qtbot.keyClick(page.edit, Qt.Key.Key_Return)

    # 3: multiple choice by tapping; Back keeps the answers given so far.
    page = kiosk.pages.currentWidget()
    assert isinstance(page, OptionsPage) and len(page.buttons) == 3
    qtbot.mouseClick(page.buttons[2], CLICK)
    assert page.answer() == "Weekends"
    qtbot.mouseClick(kiosk.back, CLICK)
    assert kiosk.pages.currentWidget().answer() == "3.5 years"
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.mouseClick(kiosk.next, CLICK)

    # 4: the scored question, then the optional rating and Submit.
    page = kiosk.pages.currentWidget()
    assert isinstance(page, TextPage) and kiosk.next.text() == "Next"
    qtbot.keyClicks(page.edit, SAFETY)
    assert f"{len(SAFETY)} / 4,000" in page.count.text()
    qtbot.mouseClick(kiosk.next, CLICK)
    page = kiosk.pages.currentWidget()
    assert isinstance(page, RatingPage) and kiosk.step.text() == "Your rating (optional)"
    assert kiosk.next.text() == "Submit" and kiosk.next.isEnabled()  # skipping is fine
    qtbot.mouseClick(page.buttons[4], CLICK)
    qtbot.mouseClick(page.buttons[4], CLICK)  # a second tap takes it back …
    assert page.rating() is None
    qtbot.keyClick(page, Qt.Key.Key_4)  # … and the keyboard picks too
    assert page.rating() == 4
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.waitUntil(lambda: kiosk.on_thanks(), timeout=10_000)
    assert kiosk.thanks.title.text() == "Thank you, Maria!"
    assert not kiosk.next.isVisible() and not kiosk.back.isVisible()

    def stored(s: Any) -> Any:
        c = s.scalars(select(Candidate)).one()
        app = s.scalars(select(Application)).one()
        sr = s.scalars(select(StageResult).where(StageResult.stage_id == stage)).one()
        answers = [a.answer_text for a in s.scalars(select(Answer).order_by(Answer.id))]
        return (c.email, c.phone_e164, app.interviewer_id, sr.status, sr.score, answers,
                sr.rating)

    email, phone, app_iv, status, score, answers, rating = sqlite_workspace.db.run_sync(stored)
    assert (email, phone, app_iv) == ("maria@example.com", "+14155550123", iv)
    assert status == StageStatus.COMPLETED and score is not None
    assert rating == 4  # stored beside the answers, never one of them
    assert answers == ["yes", "3.5 years", "Weekends", SAFETY]

    # Done clears everything for the next person.
    qtbot.mouseClick(kiosk.thanks.done, CLICK)
    assert kiosk.pages.currentIndex() == 0 and kiosk.details.name.edit.text() == ""
    assert not kiosk.details.consent.isChecked() and all(p.answer() is None
                                                         for p in kiosk.questions)
    assert kiosk.given_rating() is None
    _leave(window)


def test_field_messages_for_bad_details(qtbot: Any, make_ctx: Any,
                                        sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(sqlite_workspace)
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv)
    kiosk, d = window.kiosk, window.kiosk.details
    qtbot.mouseClick(kiosk.next, CLICK)
    assert d.name.error.text() == "Please type your name."
    assert "email address or a phone number" in d.email.error.text()
    assert d.consent_error.isVisible() and kiosk.pages.currentIndex() == 0

    _details(qtbot, window, "Sam Reyes", "sam@example", "555")
    qtbot.mouseClick(d.consent, CLICK)
    qtbot.mouseClick(kiosk.next, CLICK)
    assert not d.name.error.isVisible() and not d.consent_error.isVisible()
    assert "doesn't look like an email address" in d.email.error.text()
    assert "couldn't read this phone number" in d.phone.error.text()
    assert d.email.edit.property("invalid") is True
    # Typing in a field clears its message; fixed details move on.
    qtbot.keyClicks(d.email.edit, ".com")
    assert not d.email.error.isVisible()
    d.phone.edit.clear()
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == 1)
    _leave(window)


def _await(qtbot: Any, coro: Any) -> Any:
    """Run a service coroutine on the test's qasync loop and wait for its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=10_000)
    return task.result()


def test_a_finished_form_is_refused_at_check_in(qtbot: Any, make_ctx: Any,
                                                sqlite_workspace: Workspace) -> None:
    from milo_desktop.services.kiosk import KioskPerson, KioskService

    iv, stage = make_form_interviewer(sqlite_workspace)
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv)
    service = KioskService(sqlite_workspace.db, sqlite_workspace.bus,
                           sqlite_workspace.applications)
    answers = dict(zip([q.id for q in window.kiosk.form.questions],
                       ["yes", "4 years", "Days", SAFETY], strict=True))
    _await(qtbot, service.submit(iv, stage, KioskPerson("Li Wei", "li@example.com", "", True),
                                 answers))
    kiosk = window.kiosk
    _details(qtbot, window, "Li Wei", "LI@example.com", "")
    qtbot.mouseClick(kiosk.details.consent, CLICK)
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.waitUntil(lambda: kiosk.problem.isVisible())
    assert "already filled in this form" in kiosk.problem.text()
    assert kiosk.pages.currentIndex() == 0 and kiosk.next.isEnabled()
    _leave(window)


def test_a_closed_interviewer_says_so_on_the_first_screen(qtbot: Any, make_ctx: Any,
                                                          sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(
        sqlite_workspace, status=InterviewerStatus.EXPIRED,
        deadline=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv)
    d = window.kiosk.details
    assert d.closed.isVisible() and "Applications for Forklift Operator closed" in d.closed.text()
    assert not d.name.isEnabled() and not window.kiosk.next.isEnabled()
    _leave(window)


def test_a_role_without_a_form_stage_is_explained(qtbot: Any, make_ctx: Any,
                                                  sqlite_workspace: Workspace) -> None:
    from milo_desktop.enums import StageKind

    iv, _stage = make_form_interviewer(sqlite_workspace, stages=(StageKind.VOICE,))
    window = KioskWindow(make_ctx(sqlite_workspace), iv)
    qtbot.addWidget(window)
    window.start(full_screen=False)
    qtbot.waitUntil(lambda: window.kiosk.details.closed.isVisible())
    assert "no Form stage" in window.kiosk.details.closed.text()
    assert not window.kiosk.next.isEnabled()
    _leave(window)


def test_inactivity_asks_then_clears_the_form(qtbot: Any, make_ctx: Any,
                                              sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(sqlite_workspace)
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv, idle_ms=300, warn_s=1)
    kiosk = window.kiosk
    # An untouched first screen is never interrupted.
    qtbot.wait(700)
    assert not window.still_there.isVisible()

    qtbot.keyClicks(kiosk.details.name.edit, "Half Done")
    qtbot.waitUntil(lambda: window.still_there.isVisible(), timeout=3000)
    assert window.countdown.text() == "1"
    # "I'm still here" keeps what was typed.
    qtbot.mouseClick(window.still_here, CLICK)
    assert not window.still_there.isVisible()
    assert kiosk.details.name.edit.text() == "Half Done"
    # Nobody answers the second time: the form clears for the next person.
    qtbot.waitUntil(lambda: window.still_there.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: not window.still_there.isVisible(), timeout=3000)
    assert kiosk.details.name.edit.text() == "" and kiosk.pages.currentIndex() == 0
    _leave(window)


def test_the_thank_you_screen_resets_by_itself(qtbot: Any, make_ctx: Any,
                                               sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(sqlite_workspace, questions=())
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv, thanks_ms=300)
    kiosk = window.kiosk
    _details(qtbot, window, "Quick Person", "quick@example.com", "")
    qtbot.mouseClick(kiosk.details.consent, CLICK)
    assert kiosk.next.text() == "Submit"  # a form without questions submits the details
    qtbot.mouseClick(kiosk.next, CLICK)
    qtbot.waitUntil(kiosk.on_thanks, timeout=10_000)
    qtbot.waitUntil(lambda: kiosk.pages.currentIndex() == 0, timeout=3000)
    assert kiosk.details.name.edit.text() == ""
    _leave(window)


def test_leaving_needs_a_deliberate_action(qtbot: Any, make_ctx: Any,
                                           sqlite_workspace: Workspace) -> None:
    iv, _stage = make_form_interviewer(sqlite_workspace)
    ctx = make_ctx(sqlite_workspace)
    window = open_kiosk(ctx, iv)
    qtbot.waitUntil(lambda: window.kiosk.form is not None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # Closing the ordinary way does nothing.
    window.close()
    assert window.isVisible()
    # Ctrl+Shift+Q offers to leave; "Stay" keeps the kiosk.
    qtbot.keyClick(window.kiosk.details.name.edit, Qt.Key.Key_Q,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.leave_box.isVisible()
    qtbot.mouseClick(window.stay_button, CLICK)
    assert not window.leave_box.isVisible() and window.isVisible()

    # A short tap on the corner is not enough; holding it is.
    qtbot.mousePress(window.corner, CLICK)
    qtbot.mouseRelease(window.corner, CLICK)
    assert not window.leave_box.isVisible()
    window.hold.setInterval(200)
    qtbot.mousePress(window.corner, CLICK)
    qtbot.waitUntil(window.leave_box.isVisible, timeout=2000)
    qtbot.mouseRelease(window.corner, CLICK)
    with qtbot.waitSignal(window.left):
        qtbot.mouseClick(window.leave_button, CLICK)
    qtbot.waitUntil(lambda: not _alive_and_visible(window))


def _alive_and_visible(window: KioskWindow) -> bool:
    try:
        return window.isVisible()
    except RuntimeError:  # deleted after leaving, as open_kiosk arranges
        return False


@pytest.mark.parametrize("dark", [False, True])
def test_kiosk_renders_in_both_themes(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
                                      dark: bool, tmp_path: Any, apply_theme: Any) -> None:
    from milo_desktop.views import theme

    apply_theme(dark)
    iv, _stage = make_form_interviewer(
        sqlite_workspace, title="Senior Registered Nurse — Intensive Care Unit, Nights")
    window = _kiosk(qtbot, make_ctx, sqlite_workspace, iv, full_screen=False)
    window.resize(1280, 800)
    image = window.grab().toImage()
    assert image.pixelColor(5, 5).name() == theme.current().window
    assert window.kiosk.role.text().startswith("Senior Registered Nurse")
    _leave(window)
