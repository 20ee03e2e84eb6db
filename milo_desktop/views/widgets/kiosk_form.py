"""The kiosk form itself: details, one question per screen, Back / Next, then thank-you.

The same widget runs full-screen at the front desk (views/kiosk: ``KioskWindow``) and inside
the stage Preview (views/preview), hence its place among the shared widgets; what happens on
check-in and submit is the ``KioskBackend``'s business (store through ``KioskService``, or
evaluate without saving).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.kiosk import KioskForm, KioskPerson, PersonProblem, check_person
from milo_desktop.views.widgets.kiosk_pages import (
    DetailsPage,
    QuestionPage,
    RatingPage,
    ThanksPage,
    label,
    question_page,
)
from milo_desktop.views.widgets.kiosk_style import kiosk_stylesheet

Spawn = Callable[[Coroutine[Any, Any, Any], str], Any]
CARD_WIDTH = 980


class KioskBackend(Protocol):
    """What the kiosk does with a walk-in: check them in (may refuse), then submit."""

    async def check_in(self, person: KioskPerson) -> None: ...

    async def submit(self, person: KioskPerson, answers: dict[str, str],
                     rating: int | None = None) -> Any: ...


class KioskWidget(QWidget):
    """One walk-in at a time. ``submitted`` carries the backend's result; ``reset_done`` fires
    when the form is empty again for the next person."""

    submitted = Signal(object)
    reset_done = Signal()

    def __init__(self, spawn: Spawn, backend: KioskBackend, parent: QWidget | None = None, *,
                 thanks_ms: int | None = 12_000, region: str = "US") -> None:
        super().__init__(parent)
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.spawn = spawn
        self.backend = backend
        self.region = region
        self.form: KioskForm | None = None
        self.busy = False
        self.questions: list[QuestionPage] = []
        self.rating: RatingPage | None = None  # the optional closing 1–5 rating

        self.role = label(self.tr("Loading…"), "kioskRole", self)
        self.stage = label("", "kioskStage", self)
        self.step = label("", "kioskStep", self)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.details = DetailsPage(self)
        self.thanks = ThanksPage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.details)
        self.problem = label("", "kioskProblem", self)
        self.problem.hide()
        self.back = QPushButton(self.tr("Back"), self)
        self.next = QPushButton(self.tr("Next"), self)
        self.next.setProperty("primary", True)
        for button in (self.back, self.next):
            button.setMinimumWidth(200)
            button.setAutoDefault(False)

        card = QFrame(self)
        card.setObjectName("kioskCard")
        card.setMaximumWidth(CARD_WIDTH)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(48, 40, 48, 36)
        inner.setSpacing(20)
        inner.addWidget(self.pages, 1)
        inner.addWidget(self.problem)
        nav = QHBoxLayout()
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.next)
        inner.addLayout(nav)
        self.nav = [self.back, self.next]

        head = QVBoxLayout()
        head.setSpacing(6)
        head.addWidget(self.role)
        head.addWidget(self.stage)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addSpacing(14)
        bar.addWidget(self.step)
        head.addSpacing(10)
        head.addLayout(bar)
        column = QVBoxLayout()
        column.setSpacing(24)
        column.addLayout(head)
        column.addWidget(card, 1)
        holder = QWidget(self)
        holder.setMaximumWidth(CARD_WIDTH)
        holder.setLayout(column)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(40, 32, 40, 32)
        outer.addStretch(1)
        outer.addWidget(holder, 100)
        outer.addStretch(1)
        self.setStyleSheet(kiosk_stylesheet())

        self.reset_timer = QTimer(self)
        self.reset_timer.setSingleShot(True)
        if thanks_ms is not None:
            self.reset_timer.setInterval(thanks_ms)
            self.reset_timer.timeout.connect(self.reset)
        self.back.clicked.connect(self.go_back)
        self.next.clicked.connect(self.go_next)
        self.details.advance.connect(self.go_next)
        self.thanks.done.clicked.connect(self.reset)
        self._show_page(0)

    # ----- the form -----------------------------------------------------------------------
    def set_form(self, form: KioskForm) -> None:
        """Build one page per question of ``form`` and start from the details page."""
        self.form = form
        for page in self.questions:
            self.pages.removeWidget(page)
            page.deleteLater()
        self.pages.removeWidget(self.thanks)
        if self.rating is not None:
            self.pages.removeWidget(self.rating)
            self.rating.deleteLater()
            self.rating = None
        self.questions = []
        for q in form.questions:
            page = question_page(q, self.pages)
            page.changed.connect(self._update_nav)
            page.advance.connect(self.go_next)
            self.pages.addWidget(page)
            self.questions.append(page)
        if form.ask_rating and form.questions:
            self.rating = RatingPage(self.pages)
            self.rating.advance.connect(self.go_next)
            self.pages.addWidget(self.rating)
        self.pages.addWidget(self.thanks)
        self._show_header(form)
        self._clear()

    def _show_header(self, form: KioskForm) -> None:
        self.role.setText(form.position_title or form.interviewer_name)
        self.stage.setText(form.stage_name)
        n = len(form.questions)
        self.details.hint.setText(self.tr(
            "Apply for {role} right here: {n} short questions, about {m} minutes."
        ).format(role=form.position_title, n=n, m=max(1, round(n * 0.7))) if n else "")
        self.details.set_closed(form.closed)

    def refresh_form(self, form: KioskForm) -> None:
        """A fresh read of the form between walk-ins: rebuild only what changed, and never under
        someone who has started typing."""
        if form == self.form:
            return
        if self.form is not None and form.questions == self.form.questions \
                and form.ask_rating == self.form.ask_rating:
            self.form = form
            self._show_header(form)
            self._update_nav()
        elif not self.dirty():
            self.set_form(form)

    def show_unavailable(self, message: str) -> None:
        """The form could not be loaded (no Form stage, the role is gone): say so, take no one."""
        self.role.setText(self.tr("This kiosk is not available"))
        self.stage.setText("")
        self.details.set_closed(message)
        self._update_nav()

    def dirty(self) -> bool:
        """Whether someone is part-way through: anything typed, or past the first screen
        (the thank-you screen is finished business: it resets on its own timer)."""
        if self.on_thanks():
            return False
        return self.pages.currentIndex() > 0 or self.details.touched()

    def on_thanks(self) -> bool:
        return self.pages.currentWidget() is self.thanks

    def reset(self) -> None:
        """Empty the form for the next person."""
        self._clear()
        self.reset_done.emit()

    def _clear(self) -> None:
        self.reset_timer.stop()
        self.details.clear()
        for page in self.questions:
            page.clear()
        if self.rating is not None:
            self.rating.clear()
        self.problem.hide()
        self.busy = False
        self._show_page(0)

    def answers(self) -> dict[str, str]:
        return {p.question.id: a for p in self.questions if (a := p.answer()) is not None}

    def given_rating(self) -> int | None:
        """The walk-in's 1–5 rating of the form; None when skipped or not asked."""
        return self.rating.rating() if self.rating is not None else None

    def _last_index(self) -> int:
        """The page that submits: the rating when asked, else the last question."""
        return len(self.questions) + (1 if self.rating is not None else 0)

    # ----- moving ---------------------------------------------------------------------------
    def go_back(self) -> None:
        index = self.pages.currentIndex()
        if index > 0 and not self.busy and not self.on_thanks():
            self._show_page(index - 1)

    def go_next(self) -> None:
        if self.busy or self.form is None or not self.next.isEnabled():
            return
        self.problem.hide()
        index = self.pages.currentIndex()
        if index == 0:
            person = self.details.person()
            try:
                check_person(person, self.region)
            except PersonProblem as exc:
                self.details.show_problems(exc.fields)
                return
            self.details.show_problems({})
            self._run(self._check_in(person), "kiosk.check_in")
        elif index < self._last_index():
            self._show_page(index + 1)
        else:
            self._run(self._submit(self.details.person(), self.answers(), self.given_rating()),
                      "kiosk.submit")

    async def _check_in(self, person: KioskPerson) -> None:
        await self.backend.check_in(person)
        if self.questions:
            self._show_page(1)
        else:
            await self._submit(person, {})

    async def _submit(self, person: KioskPerson, answers: dict[str, str],
                      rating: int | None = None) -> None:
        result = await self.backend.submit(person, answers, rating)
        assert self.form is not None
        first = person.name.split()[0] if person.name.split() else ""
        self.thanks.show_for(first, self.form.position_title, "")
        self._show_page(self.pages.indexOf(self.thanks))
        if self.reset_timer.interval() > 0:
            self.reset_timer.start()
        self.submitted.emit(result)

    def _run(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self.busy = True
        self._update_nav()

        async def guarded() -> None:
            try:
                await coro
            except PersonProblem as exc:
                self._show_page(0)
                self.details.show_problems(exc.fields)
            except EnvironmentProblem as exc:
                self.problem.setText(exc.message)
                self.problem.show()
            finally:
                self.busy = False
                self._update_nav()

        self.spawn(guarded(), name)

    # ----- showing --------------------------------------------------------------------------
    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        page = self.pages.currentWidget()
        total = len(self.questions)
        if page is self.thanks:
            self.step.setText(self.tr("Done"))
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
        elif page is not None and page is self.rating:
            self.progress.setRange(0, total + 1)
            self.progress.setValue(total + 1)
            self.step.setText(self.tr("Your rating (optional)"))
        else:
            self.progress.setRange(0, total + 1)
            self.progress.setValue(index)
            self.step.setText(self.tr("Your details") if index == 0 else
                              self.tr("Question {i} of {n}").format(i=index, n=total))
        if isinstance(page, QuestionPage | RatingPage):
            page.focus_first()
        elif page is self.details:
            self.details.name.edit.setFocus()
        self._update_nav()

    def _update_nav(self) -> None:
        page = self.pages.currentWidget()
        on_thanks = page is self.thanks
        for button in self.nav:
            button.setVisible(not on_thanks)
        index = self.pages.currentIndex()
        self.back.setVisible(not on_thanks and index > 0)
        last = (index == self._last_index() and index > 0) or (index == 0 and not self.questions)
        self.next.setText(self.tr("Sending…") if self.busy else
                          self.tr("Submit") if last else self.tr("Next"))
        ready = self.form is not None and not self.busy
        if index == 0:
            ready = ready and not (self.form is not None and self.form.closed) \
                and self.details.name.isEnabled()
        elif isinstance(page, QuestionPage):
            ready = ready and page.answer() is not None
        self.next.setEnabled(ready)
        self.back.setEnabled(not self.busy)
