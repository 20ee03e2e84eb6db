"""The profile's Résumé tab: the parsed résumé shown as a résumé (header, sections, dates),
"Open original", the empty state; rendered light and dark with a long name."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel

from milo_desktop.enums import StageKind
from milo_desktop.services.resume import ResumeService
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.candidates import ProfileDialog, open_candidate_profile
from milo_desktop.views.candidates.resume_view import ResumeView, duration_text, month_text
from tests.factories import NOW, make_application, make_candidate, make_interviewer
from tests.integration.test_applications_service import add_questions
from tests.integration.test_resume_service import REQUIREMENTS

LONG = "Maximiliana Wilhelmina van der Oosterhuizen-Kaczmarczyk de la Cruz"
LINES = [
    LONG, "maximiliana.vanderoosterhuizen@example.com | (214) 555-0142 | Dallas, TX", "",
    "PROFESSIONAL HISTORY",
    "Warehouse Associate | Acme Logistics | Jan 2020 – Present",
    "- Operated reach forklifts in a 200,000 sq ft distribution center.",
    "Inventory Control Specialist, Northwind Traders", "03/2016 - 12/2019",
    "- Cycle counts with RF scanners.",
    "Cashier", "Sunrise Bakery, Dallas, TX", "Summer 2015",
    "SKILLS", "Forklift (sit-down and reach), RF scanners, Excel, Inventory management",
    "EDUCATION", "High School Diploma, Lincoln High School, 2014",
    "CERTIFICATIONS", "Forklift certified (OSHA), 2021", "LANGUAGES", "English, Spanish",
]


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    gc.collect()
    yield
    request.node.funcargs.clear()
    gc.collect()


@pytest.fixture
def opened(request: pytest.FixtureRequest, qtbot: Any, make_ctx: Any,
           sqlite_workspace: Workspace, tmp_path: Path, apply_theme: Any,
           monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The profile of a candidate whose résumé was attached, on its Résumé tab (themed dark
    when the test's indirect parameter says so, before any widget exists, as the app does)."""
    apply_theme(bool(getattr(request, "param", False)))
    ws = sqlite_workspace
    ctx = make_ctx(ws)  # the qasync loop runs from here on
    iv = make_interviewer(ws, stages=(StageKind.RESUME, StageKind.VOICE))
    add_questions(ws, iv, 0, *REQUIREMENTS)
    candidate = make_candidate(ws, LONG)
    app = make_application(ws, candidate, iv)
    ws.applications.clock = lambda: NOW
    ws.resumes = ResumeService(ws.db, ws.bus, tmp_path / "data", ws.applications,
                               clock=lambda: NOW)
    source = tmp_path / "Maximiliana CV.txt"
    source.write_text("\n".join(LINES), encoding="utf-8")
    task = asyncio.ensure_future(ws.resumes.attach_detailed(app, source))
    qtbot.waitUntil(task.done, timeout=15_000)
    outcome = task.result()
    dialog = open_candidate_profile(ctx, candidate, application_id=app)
    assert isinstance(dialog, ProfileDialog)
    qtbot.addWidget(dialog)
    dialog.resize(1440, 900)
    view: ResumeView = dialog.resume_page
    qtbot.waitUntil(lambda: view.current is not None, timeout=15_000)
    dialog.tabs.setCurrentWidget(view)
    opened_urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(_recorder(opened_urls)))
    return dict(dialog=dialog, view=view, kept=outcome.kept, urls=opened_urls)


def _recorder(urls: list[QUrl]) -> Any:
    """QDesktopServices.openUrl for tests: records the URL (no viewer is started)."""

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    return open_url


def _texts(view: ResumeView) -> list[str]:
    return [label.text() for label in view.body.findChildren(QLabel)]


def test_the_resume_reads_as_a_resume(opened: dict[str, Any], qtbot: Any) -> None:
    view: ResumeView = opened["view"]
    texts = _texts(view)
    assert texts[0] == LONG
    assert "maximiliana.vanderoosterhuizen@example.com" in texts
    assert "+1 214-555-0142" in texts and "Dallas, TX" in texts
    for heading in ("EXPERIENCE", "SKILLS", "EDUCATION", "CERTIFICATIONS", "LANGUAGES"):
        assert heading in texts
    assert "Warehouse Associate" in texts and "Acme Logistics" in texts
    assert "Jan 2020 – Present  ·  6 yrs 10 mos" in texts
    assert "Mar 2016 – Dec 2019  ·  3 yrs 9 mos" in texts
    assert "Sunrise Bakery · Dallas, TX" in texts
    assert "Forklift certified (OSHA), 2021" in texts
    title = next(label for label in view.body.findChildren(QLabel)
                 if label.text() == "Inventory Control Specialist")
    assert title.toolTip() == ("Read from line 7 of the file:\n"
                               "Inventory Control Specialist, Northwind Traders")
    assert view.file_label.text().startswith("Maximiliana CV.txt · received")
    assert not view.picker.isVisibleTo(view)


def test_open_original_is_one_click(opened: dict[str, Any], qtbot: Any) -> None:
    view: ResumeView = opened["view"]
    view.open_button.click()
    assert opened["urls"] == [QUrl.fromLocalFile(str(opened["kept"]))]
    Path(opened["kept"]).unlink()
    view.open_button.click()
    assert len(opened["urls"]) == 1
    assert view.open_error.isVisibleTo(view)
    assert "no longer on this computer" in view.open_error.text()


@pytest.mark.parametrize("opened", [False, True], ids=["light", "dark"], indirect=True)
def test_render(opened: dict[str, Any], qtbot: Any, tmp_path: Path) -> None:
    view: ResumeView = opened["view"]
    assert view.stack.currentIndex() == 1
    image = opened["dialog"].grab().toImage()
    image.save(str(tmp_path / "resume-view.png"))
    # muted text (an employer) stays readable: it differs from the page's background
    employer = next(label for label in view.body.findChildren(QLabel)
                    if label.text() == "Acme Logistics")
    text = employer.palette().color(employer.foregroundRole())
    background = view.palette().color(view.backgroundRole())
    assert abs(text.lightness() - background.lightness()) > 60


def test_empty_state(qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace,
                     tmp_path: Path) -> None:
    candidate = make_candidate(sqlite_workspace, "Dana Lopez")
    view = ResumeView(make_ctx(sqlite_workspace))
    qtbot.addWidget(view)
    view.resize(900, 500)
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        view.load(candidate)
    assert view.state_title.text() == "No résumé yet"
    assert "appears here" in view.state_hint.text()
    assert view.stack.currentWidget() is view.state
    view.grab().save(str(tmp_path / "resume-view-empty.png"))


def test_format_helpers() -> None:
    assert month_text("2019-03") == "Mar 2019" and month_text("present") == "Present"
    assert duration_text(3) == "3 mos" and duration_text(12) == "1 yr"
    assert duration_text(25) == "2 yrs 1 mo"


def test_an_unreadable_resume_says_why_and_opens(qtbot: Any, make_ctx: Any,
                                                 sqlite_workspace: Workspace, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from milo_desktop.errors import ValidationProblem
    from tests.resume_files import write_image_only_pdf

    ws = sqlite_workspace
    ctx = make_ctx(ws)
    iv = make_interviewer(ws, stages=(StageKind.RESUME, StageKind.VOICE))
    candidate = make_candidate(ws, "Dana Lopez")
    app = make_application(ws, candidate, iv)
    service = ResumeService(ws.db, ws.bus, tmp_path / "data", ws.applications,
                            clock=lambda: NOW)
    task = asyncio.ensure_future(service.attach(app, write_image_only_pdf(tmp_path / "scan.pdf")))
    qtbot.waitUntil(task.done, timeout=15_000)
    assert isinstance(task.exception(), ValidationProblem)
    view = ResumeView(ctx)
    qtbot.addWidget(view)
    view.resize(900, 500)
    with qtbot.waitSignal(view.loaded, timeout=15_000):
        view.load(candidate)
    assert view.state_title.text() == "This résumé could not be read"
    assert view.state_hint.text().startswith("scan.pdf: This PDF has no text layer — scanned?")
    assert view.state_open.isVisibleTo(view)
    urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(_recorder(urls)))
    view.state_open.click()
    assert len(urls) == 1 and urls[0].toLocalFile().endswith("scan.pdf")
    assert Path(urls[0].toLocalFile()).read_bytes() == (tmp_path / "scan.pdf").read_bytes()
    view.grab().save(str(tmp_path / "resume-view-unreadable.png"))


def test_a_view_closed_while_loading_is_left_alone(qtbot: Any, make_ctx: Any,
                                                   sqlite_workspace: Workspace) -> None:
    from shiboken6 import isValid

    candidate = make_candidate(sqlite_workspace, "Dana Lopez")
    view = ResumeView(make_ctx(sqlite_workspace))
    task = view.load(candidate)
    view.deleteLater()
    qtbot.waitUntil(lambda: not isValid(view), timeout=15_000)
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.cancelled() or task.exception() is None
