"""Issue 12's "done when": a newcomer in demo mode, entry points and Apply via Email walked in
the real main window.

The app composed as ``--demo`` composes it (app/main.py): the sandbox Twilio with "Simulate a
text…" plugged in, the demo mailbox (pymap) connected through the environment, the keychain's
Integrations service (an in-memory keychain) and the demo telephony's background. Through the
widgets:

1. no screen, message or poster offers a link to a host that does not exist: every section of
   the sidebar, an interviewer's Share step and its poster (the PDF's text), the templates'
   previews; ``{{link}}`` is offered only once Settings → Account has a candidate page (a
   local web server here, so the address answers);
2. "Simulate a text…" on the Share step texts the poster's text code (the keyword to the number)
   into the sandbox: the texter appears in that interviewer with the text stage in progress,
   then, as the sandbox's scripted candidate answers, finished;
3. the interviewer's apply address is copied from its Integrations tab and "Send a test
   application…" drops an email with a PDF résumé in the demo mailbox: within one mailbox round
   (the email job is never woken by the test; IDLE wakes it) the candidate is in that interviewer
   with the Résumé stage scored, and the profile's Résumé tab shows what was read;
4. hostile mail (an auto-reply, a winmail.dat, mail to an unknown address, an application to a
   draft interviewer) is kept aside under Sync issues with its reason; the raw messages are kept;
   Retry turns the application into a candidate once the interviewer is activated;
5. offline (the sandbox Twilio unreachable, the SMTP server stopped) an invitation waits under
   Outreach → Waiting to send with why; on reconnect each message goes out exactly once.

Steps that are not UI gestures are direct calls: a mail client APPENDing to the demo mailbox,
the sandbox's scripted candidates answering, the network going away and coming back, and the
text and stage sync jobs woken instead of waiting for their interval.

What the walk found wrong in the app (since fixed) is a test of its own at the end of this
module, so it stays fixed.

``MILO_WALKTHROUGH_SHOTS=<dir>``: a PNG of the main window (1600×1000) after each step.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP, default
from email.utils import make_msgid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from imapclient import IMAPClient
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from milo_desktop.app.demo import DemoTelephony, start_demo_sandbox, start_demo_telephony
from milo_desktop.app.demo_entry import text_simulator
from milo_desktop.app.demo_mail import DEMO_ADDRESS, start_demo_mailbox, stop_demo_mailbox
from milo_desktop.app.demo_mail import running_env as mail_env
from milo_desktop.enums import StageStatus
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.services.connectors.twilio.integration import IntegrationsService
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.email_intake.mailbox import ENV_URL
from milo_desktop.services.email_intake.service import DEMO_PEOPLE, demo_application
from milo_desktop.services.entry.points import EntryKind
from milo_desktop.services.entry.service import DEMO_TEXTER
from milo_desktop.services.entry.texts_job import SERVICE as ENTRY_JOB
from milo_desktop.services.sync.engine import ServiceState, SyncStatusChanged
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.candidates.profile import ProfileDialog
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers.delegates import profile_lines
from milo_desktop.views.main_window import SECTION_ROLE, MainWindow
from milo_desktop.views.outreach.invite_dialog import InviteDialog
from tests.e2e.walkthrough import (
    WAIT,
    WALKTHROUGH_MARKS,
    Shots,
    click,
    click_cell,
    run,
    sql,
    top_dialog,
    wait_for,
)
from tests.keychains import MemoryKeychain
from tests.smtp_server import PASSWORD, USER, MailServer, mail_server

pytestmark = WALKTHROUGH_MARKS

DEAD_HOSTS = ("milo.example", "interview.milo")  # the old placeholder's host, in any form
SLOW = 120_000  # a text screening answered by the sandbox's scripted candidate
S = StageStatus
FINISHED = (S.COMPLETED, S.KNOCKED_OUT)
TOOLTIP = Qt.ItemDataRole.ToolTipRole
OFFLINE_TWILIO = "Offline — goes out when Twilio can be reached again"
NO_SUCH_SLUG = "night-baker-nowhere"


# ----- the app, as app/main.py composes it in demo mode ---------------------------------------
class CandidatePage:
    """A candidate page the workspace hosts itself: a local web server that answers."""

    def __init__(self) -> None:
        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<h1>Apply</h1>")

            do_HEAD = do_GET

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}/apply"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def candidate_page() -> Iterator[CandidatePage]:
    page = CandidatePage()
    yield page
    page.stop()


class Waker:
    """The sync jobs a newcomer would wait for, woken often instead (never ``email``: the
    mailbox's own IDLE wakes that one, and step 3 counts its rounds)."""

    def __init__(self, demo: DemoTelephony) -> None:
        self.engine = demo.background.engine
        self.services = {"twilio", ENTRY_JOB, StageSync.service}
        self.timer = QTimer(interval=300)
        self.timer.timeout.connect(self.wake)
        self.timer.start()

    def wake(self) -> None:
        for service in self.services:
            self.engine.wake(service)


@dataclass
class DemoApp:
    window: MainWindow
    demo: DemoTelephony
    waker: Waker
    env: dict[str, str]  # what connects the app to the sandbox Twilio and the demo mailbox
    data_dir: Path
    stack: ExitStack  # servers a step starts, stopped at the end
    shot: Shots


@pytest.fixture
def app(qtbot: Any, ctx: ViewContext, qloop: Any, tmp_path: Path) -> Iterator[DemoApp]:
    """The main window in demo mode, composed as app/main.py composes ``--demo``."""
    ws = ctx.workspace
    box, env = run(qtbot, ctx, start_demo_sandbox())
    ws.entry.text_simulator = text_simulator(box, ws)  # "Simulate a text…"
    env = {**env, **run(qtbot, ctx, start_demo_mailbox(ws))}
    ws.integrations = IntegrationsService(CredentialStore(MemoryKeychain()), ws.db, bus=ws.bus,
                                          env=env)
    window = MainWindow(ctx)  # closed here, after the background (not by qtbot, before it)
    window.persist_state = False
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    demo: DemoTelephony | None = None
    waker: Waker | None = None
    stack = ExitStack()
    try:
        demo = run(qtbot, ctx, start_demo_telephony(
            ws, tmp_path, box, factory=ws.integrations.make_connector, extra_env=mail_env()))
        assert window.integrations is not None
        window.integrations.set_sync_engine(demo.background.engine)
        # Everyone answers here (the demo's crowd lets some screenings ring out).
        box.candidates.default = plausible_candidates(seed=4, no_show=0.0)
        # The demo's invited candidates send résumés at random moments, waking the stage
        # results job: these walks bring their own applicants.
        for task in asyncio.all_tasks(qloop):
            if task.get_name() == "demo.applicants":
                task.cancel()
        waker = Waker(demo)
        qtbot.waitUntil(window.interviewers.is_loaded, timeout=WAIT)
        yield DemoApp(window, demo, waker, env, tmp_path, stack, Shots(window))
    finally:
        if waker is not None:
            waker.timer.stop()
        for coro in ((demo.stop(),) if demo else ()) + (ws.tasks.drain(),):
            task = qloop.create_task(coro)  # not ctx.spawn: drain cancels those
            qtbot.waitUntil(task.done, timeout=WAIT)
        stopped = qloop.create_task(asyncio.to_thread(stop_demo_mailbox))
        qtbot.waitUntil(stopped.done, timeout=WAIT)
        stack.close()
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()
        window.close()
        window.deleteLater()


# ----- the walk ---------------------------------------------------------------------------------
def test_a_newcomer_walks_the_entry_points_and_apply_by_email(
        qtbot: Any, ctx: ViewContext, app: DemoApp, candidate_page: CandidatePage) -> None:
    ws = ctx.workspace
    texting = pick(ws, "sms")
    emailing = pick(ws, "resume")
    no_dead_links(qtbot, app, ctx, texting, candidate_page)
    simulate_a_text(qtbot, app, ctx, texting)
    apply_by_email(qtbot, app, ctx, emailing)
    hostile_mail(qtbot, app, ctx, emailing)
    offline_then_back(qtbot, app, ctx, texting)


def pick(ws: Workspace, first_stage: str) -> tuple[int, str]:
    """An active demo interviewer taking candidates whose first stage is ``first_stage``, with
    no budget to run out of."""
    rows = sql(ws, "SELECT i.id, i.slug FROM interviewers i WHERE i.status = 'active' "
                   "AND i.budget_kind = 'none' AND (i.deadline IS NULL OR "
                   "i.deadline > datetime('now', '+1 day')) AND (SELECT kind FROM stages "
                   "WHERE interviewer_id = i.id ORDER BY position LIMIT 1) = :k ORDER BY i.id",
               k=first_stage)
    assert rows, f"the demo has an active interviewer starting with {first_stage}"
    return int(rows[0][0]), str(rows[0][1])


# ----- what the user reads ----------------------------------------------------------------------
def texts(root: QWidget) -> list[str]:
    """Every text a widget tree shows or offers on hover: labels, buttons, fields, combo
    items, tab titles and every cell (and its tooltip) of its item views."""
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        out.append(w.toolTip())
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out += [w.text(), w.placeholderText()]
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            out += [w.toPlainText(), w.placeholderText()]
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for r in range(min(model.rowCount(QModelIndex()), 500)):
                c = 0  # a list model's columnCount is private: walk while valid
                while (index := model.index(r, c)).isValid():
                    out += [str(index.data() or ""), str(index.data(TOOLTIP) or "")]
                    c += 1
    return [t for t in out if t]


def dead_links(words: list[str]) -> list[str]:
    return [t for t in words if any(host in t.lower() for host in DEAD_HOSTS)]


def open_interviewer(qtbot: Any, window: MainWindow, iid: int) -> Any:
    window.open_interviewer(iid)  # as the notification center and search do
    page = window.interviewers.detail_page
    qtbot.waitUntil(lambda: page.interviewer_id == iid and page.is_loaded(), timeout=WAIT)
    return page


def open_share_step(qtbot: Any, window: MainWindow, iid: int) -> AuthoringWizard:
    """Edit… on the interviewer's page, then the Share step."""
    page = open_interviewer(qtbot, window, iid)
    click(qtbot, page.header_actions.edit_button)
    wizard: AuthoringWizard = top_dialog(qtbot, AuthoringWizard)
    qtbot.waitUntil(wizard.is_loaded, timeout=WAIT)
    share = wizard.pages.index(wizard.share)
    qtbot.waitUntil(lambda: not any(wizard.page_problems(i)  # the link name is checked
                                    for i in range(wizard.first_step(), share)), timeout=WAIT)
    wizard.steps.setCurrentRow(share)  # a click on "6  Share" in the step list
    assert wizard.current_step() == share
    qtbot.waitUntil(lambda: wizard.share.points is not None, timeout=WAIT)
    return wizard


def poster_text(qtbot: Any, wizard: AuthoringWizard, path: Path) -> str:
    """The poster as saved (Save poster as PDF…), read back as text."""
    task = wizard.share.save_poster(path, "pdf")
    qtbot.waitUntil(task.done, timeout=WAIT)
    assert wizard.share.saved.text() == f"Saved {path}"
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(path.read_bytes())).pages)


# ----- step 1: no link to a host that does not exist --------------------------------------------
def no_dead_links(qtbot: Any, app: DemoApp, ctx: ViewContext, texting: tuple[int, str],
                  page: CandidatePage) -> None:
    window, shot = app.window, app.shot
    sidebar = window.sidebar
    for row in range(sidebar.count()):
        item = sidebar.item(row)
        if item.data(SECTION_ROLE) is None:
            continue  # a heading
        sidebar.setCurrentRow(row)  # a click on the entry
        section = window.current_section()
        loaded = getattr(section, "is_loaded", None)
        if loaded is not None:
            qtbot.waitUntil(loaded, timeout=WAIT)
        QApplication.processEvents()
        assert dead_links(texts(section)) == [], item.text()
    shot("every-section")
    # An interviewer's own page: its overview, analytics and integrations (apply address).
    iid, slug = texting
    interviewer = open_interviewer(qtbot, window, iid)
    for tab in range(interviewer.tabs.count()):
        interviewer.tabs.setCurrentIndex(tab)
    apply_email = interviewer.integrations.apply_email
    qtbot.waitUntil(lambda: apply_email.current is not None, timeout=WAIT)
    assert dead_links(texts(interviewer)) == []
    interviewer.tabs.setCurrentIndex(0)

    # The templates: none offers {{link}}, every preview is free of dead hosts.
    templates = open_templates(qtbot, window)
    assert not templates.chips.chips["link"].isVisibleTo(templates)
    previews = template_previews(templates)
    assert previews and dead_links(previews) == [], previews
    assert not any("{{link}}" in t for t in previews)
    shot("templates")

    # An interviewer's Share step and poster: ways in, none of them a web page.
    wizard = open_share_step(qtbot, window, iid)
    share = wizard.share
    kinds = [p.kind for p in share.points.points]
    assert EntryKind.TEXT in kinds and EntryKind.EMAIL in kinds and EntryKind.LINK not in kinds
    assert share.page_state.text().startswith("No candidate web page")
    assert dead_links(texts(wizard)) == []
    poster = poster_text(qtbot, wizard, app.data_dir / "poster.pdf")
    text = share.points.of(EntryKind.TEXT)
    email = share.points.of(EntryKind.EMAIL)
    assert text is not None and email is not None
    assert email.target == f"jobs+{slug}@{DEMO_ADDRESS.split('@')[1]}"
    flat = "".join(poster.split())  # the PDF's lines wrap long addresses
    assert f"Text{share.points.keyword}to" in flat and email.target in flat, poster
    assert dead_links([poster]) == [] and "http" not in poster
    shot("share-step", wizard)
    wizard.reject()

    # Settings → Account: the workspace's own candidate page; then {{link}} is offered.
    account = open_account(qtbot, window)
    assert account.page_edit.text() == ""
    account.page_edit.setText(page.address)
    click(qtbot, account.save_button)
    wait_for(qtbot, account.page_state.text, f"{page.address} answers.")
    # (Outreach → Templates, shown before, still hides {{link}} here: see
    # test_templates_offer_link_once_the_candidate_page_is_saved below.)
    wizard = open_share_step(qtbot, window, iid)
    link = wizard.share.points.of(EntryKind.LINK)
    assert link is not None and link.target == f"{page.address}/{slug}"
    wait_for(qtbot, wizard.share.page_state.text, f"{page.address} answers.")
    assert dead_links(texts(wizard)) == []
    shot("share-step-with-page", wizard)
    wizard.reject()


def open_account(qtbot: Any, window: MainWindow) -> Any:
    """Settings → Account through the sidebar, as a user gets there; its card, loaded."""
    sidebar = window.sidebar
    row = next(r for r in range(sidebar.count()) if sidebar.item(r).text() == "Settings")
    sidebar.setCurrentRow(row)
    settings = window.later["settings"]
    settings.show_page(0)
    account = settings.account
    qtbot.waitUntil(lambda: account.save_button.isEnabled(), timeout=WAIT)  # loaded
    return account


def open_templates(qtbot: Any, window: MainWindow) -> Any:
    window.show_section(window.outreach_index())
    outreach = window.outreach
    outreach.show_tab("templates")
    templates = outreach.templates
    assert templates is not None
    qtbot.waitUntil(lambda: not templates.is_busy() and templates.choice.count() > 0,
                    timeout=WAIT)
    return templates


def template_previews(templates: Any) -> list[str]:
    seen = []
    for i in range(templates.choice.count()):
        templates.choice.setCurrentIndex(i)
        seen.append(templates.preview.text())
    return seen


# ----- step 2: a text to the poster's number starts the screening -------------------------------
def simulate_a_text(qtbot: Any, app: DemoApp, ctx: ViewContext,
                    texting: tuple[int, str]) -> Any:
    """Returns the texter's row on the interviewer's Candidates tab, finished."""
    ws, window, waker, shot = ctx.workspace, app.window, app.waker, app.shot
    iid, _slug = texting
    page = open_interviewer(qtbot, window, iid)
    before = {r.id for r in page.model.rows()}
    wizard = open_share_step(qtbot, window, iid)
    share = wizard.share
    text = share.points.of(EntryKind.TEXT)
    keyword = share.points.keyword
    assert text is not None and keyword
    # The poster's text code: the keyword, to the number.
    assert text.uri == f"sms:{text.target}?body={keyword}"
    assert share.way_edits[EntryKind.TEXT].text().startswith(f"Text {keyword} to ")
    qtbot.waitUntil(share.simulate_button.isVisible, timeout=WAIT)
    assert share.simulate_button.isEnabled()
    waker.services.discard(StageSync.service)  # results wait: the user sees it in progress
    # Simulate a text… (the button's slot): until the number's flow is published the app says
    # "Try again shortly", and the user does, after the text-to-apply job's next round.
    for _attempt in range(20):
        task = share.simulate_text()
        assert task is not None
        qtbot.waitUntil(task.done, timeout=WAIT)
        if not share.saved.text().endswith("Try again shortly."):
            break
        with qtbot.waitSignal(ctx.bridge.syncStatusChanged, timeout=WAIT,
                              check_params_cb=lambda service: service == ENTRY_JOB):
            pass
    assert share.saved.text().startswith(f"Texted {keyword} to {text.target} from "
                                         f"{DEMO_TEXTER}."), share.saved.text()
    with app.demo.sandbox.state.lock:
        inbound = [m.data["body"] for m in app.demo.sandbox.state.messages.values()
                   if m.data["from"] == DEMO_TEXTER and m.data["to"] == text.target]
    assert inbound == [keyword]
    shot("simulated-text", wizard)
    wizard.reject()

    def newcomer() -> Any:
        return next((r for r in page.model.rows() if r.id not in before), None)

    qtbot.waitUntil(lambda: newcomer() is not None and newcomer().stages
                    and newcomer().stages[0] is not None
                    and newcomer().stages[0].status == S.IN_PROGRESS, timeout=WAIT)
    shot("text-stage-in-progress")
    waker.services.add(StageSync.service)
    qtbot.waitUntil(lambda: newcomer().stages[0].status in FINISHED, timeout=SLOW)
    cell = newcomer().stages[0]
    if cell.status == S.COMPLETED:
        assert cell.score is not None
    ((stored,),) = sql(ws, "SELECT sr.status FROM stage_results sr WHERE sr.application_id = "
                           ":a AND sr.stage_id = :s", a=newcomer().id, s=cell.stage_id)
    assert S(stored) == cell.status
    shot("text-stage-scored")
    return newcomer()


# ----- step 3: apply by email ------------------------------------------------------------------
def apply_by_email(qtbot: Any, app: DemoApp, ctx: ViewContext,
                   emailing: tuple[int, str]) -> None:
    ws, window, shot = ctx.workspace, app.window, app.shot
    iid, slug = emailing
    page = open_interviewer(qtbot, window, iid)
    before = {r.id for r in page.model.rows()}
    page.tabs.setCurrentWidget(page.integrations)
    group = page.integrations.apply_email
    address = f"jobs+{slug}@{DEMO_ADDRESS.split('@')[1]}"
    wait_for(qtbot, group.address_label.text, address)
    click(qtbot, group.copy_button)
    assert QApplication.clipboard().text() == address
    assert group.message.text() == f"Copied {address}."
    # The mailbox's rounds from now on (the test never wakes the email job).
    rounds: list[bool] = []

    def applied() -> bool:
        return bool(sql(ws, "SELECT 1 FROM applications WHERE interviewer_id = :i AND "
                            "source = 'email' AND id NOT IN (SELECT value FROM json_each(:b))",
                        i=iid, b=str(sorted(before))))

    engine = ws.sync
    assert engine is not None
    ended: list[str] = []  # every round's end state, for the failure message

    def round_done(event: SyncStatusChanged) -> None:
        state = engine.status("email").state
        if event.service == "email" and state != ServiceState.SYNCING:
            ended.append(f"{state}: {engine.status('email').message}")
            rounds.append(state == ServiceState.IDLE and applied())

    subscription = ws.bus.subscribe(SyncStatusChanged, round_done)
    try:
        assert group.demo_button.isVisible()
        with qtbot.waitSignal(group.sent, timeout=WAIT) as sent:
            click(qtbot, group.demo_button)
        name = sent.args[0]
        assert name == DEMO_PEOPLE[0][0]
        sent_at = len(rounds)
        page.tabs.setCurrentIndex(0)
        qtbot.waitUntil(lambda: any(r.name == name for r in page.model.rows()), timeout=WAIT)
        try:
            qtbot.waitUntil(lambda: True in rounds, timeout=WAIT)  # that round has ended
        except qtbot.TimeoutError:
            raise AssertionError(f"no mailbox round ended with it: {ended}") from None
    finally:
        subscription.close()
    # Within one poll: the round under way when the mail arrived, else the next one, took it.
    assert rounds.index(True) - sent_at < 2, (sent_at, rounds, ended)

    def row() -> Any:
        return next(r for r in page.model.rows() if r.name == name)

    assert row().id not in before
    qtbot.waitUntil(lambda: row().stages[0] is not None
                    and row().stages[0].status == S.COMPLETED
                    and row().stages[0].score is not None, timeout=WAIT)
    shot("applied-by-email")

    # The profile's Résumé tab: what was read from the PDF.
    index = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).name == name)
    click_cell(qtbot, page.table, page.model.index(index, 1))
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                      pos=page.table.visualRect(page.model.index(index, 1)).center())
    profile: ProfileDialog = top_dialog(qtbot, ProfileDialog)
    resume = profile.resume_page
    profile.tabs.setCurrentWidget(resume)
    qtbot.waitUntil(lambda: resume.current is not None, timeout=WAIT)
    shown = " ".join(texts(resume))
    for words in ("Warehouse Associate", "Acme Logistics", "Cashier", "FoodMart",
                  "Forklift certified"):
        assert words in shown, (words, shown)
    assert resume.open_button.isEnabled()
    shot("resume-tab", profile)
    profile.close()


# ----- step 4: hostile mail --------------------------------------------------------------------
def deliver(env: dict[str, str], *raws: bytes) -> None:
    """What any mail client pointed at the demo's pymap does: APPEND to its INBOX."""
    url = urlsplit(env[ENV_URL])
    assert url.hostname and url.port
    with IMAPClient(url.hostname, port=url.port, ssl=False, timeout=30) as imap:
        imap.login(unquote(url.username or ""), unquote(url.password or ""))
        for raw in raws:
            imap.append("INBOX", raw)


def message_id(raw: bytes) -> str:
    return str(BytesParser(policy=default).parsebytes(raw, headersonly=True)["Message-ID"])


def auto_reply(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Dana Reyes <dana.reyes@example.com>"
    msg["To"] = to
    msg["Subject"] = "Out of office"
    msg["Auto-Submitted"] = "auto-replied"
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content("I am away until Monday.")
    return msg.as_bytes(policy=SMTP)


def winmail(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Luis Okafor <luis.okafor@example.com>"
    msg["To"] = to
    msg["Subject"] = "My application"
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content("Please find my résumé attached.")
    msg.add_attachment(b"\x78\x9f\x3e\x22" + bytes(200), maintype="application",
                       subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes(policy=SMTP)


def hostile_mail(qtbot: Any, app: DemoApp, ctx: ViewContext,
                 emailing: tuple[int, str]) -> None:
    ws, window, shot, data_dir = ctx.workspace, app.window, app.shot, app.data_dir
    _iid, slug = emailing
    domain = DEMO_ADDRESS.split("@")[1]
    ((draft_id, draft_slug, draft_title),) = sql(
        ws, "SELECT id, slug, position_title FROM interviewers WHERE status = 'draft' "
            "AND (SELECT group_concat(kind) FROM stages WHERE interviewer_id = "
            "interviewers.id) = 'resume' ORDER BY id LIMIT 1")
    now = dt.datetime.now(dt.UTC)
    hostile = [auto_reply(f"jobs+{slug}@{domain}"), winmail(f"jobs+{slug}@{domain}"),
               demo_application("Minh Nguyen", "2145550176", f"jobs+{NO_SUCH_SLUG}@{domain}",
                                "Night Baker", now),
               demo_application("Olga Silva", "2145550177", f"jobs+{draft_slug}@{domain}",
                                draft_title, now)]
    deliver(app.env, *hostile)
    # Apply via Email says that mail needs review, and opens Sync issues.
    window.show_email_intake()
    section = window.email_intake
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    card = section.card
    qtbot.waitUntil(lambda: card.review_button.isVisibleTo(section)
                    and card.review_button.text().startswith("4 "), timeout=WAIT)
    shot("apply-via-email")
    click(qtbot, card.review_button)
    assert window.integrations is not None
    panel = window.integrations.issues_panel
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(panel.is_loaded, timeout=WAIT)
    model = panel.model

    def reasons() -> list[str]:
        return sorted(model.row_at(i).reason for i in range(model.rowCount())
                      if model.row_at(i).service == "email")

    wait_for(qtbot, lambda: len(reasons()), 4)
    said = reasons()
    assert any(r.startswith("An automatic reply") for r in said), said
    assert any("winmail.dat" in r for r in said), said
    assert any(f"“{NO_SUCH_SLUG}”" in r and "no interviewer" in r for r in said), said
    assert any(r.startswith("An application for a closed interviewer") for r in said), said
    # Nothing lost: each issue's raw payload names the message as received, kept owner-only.
    click(qtbot, panel.payload_button)
    kept = {}
    for i in range(model.rowCount()):
        click_cell(qtbot, panel.table, model.index(i, 2))
        summary = json.loads(panel.payload.toPlainText())
        path = Path(summary["raw_file"])
        assert path.is_relative_to(data_dir) and path.stat().st_mode & 0o077 == 0
        kept[message_id(path.read_bytes())] = path
    assert sorted(kept) == sorted(message_id(raw) for raw in hostile)
    shot("sync-issues", panel)

    # The draft is activated; Retry then reads the kept message again: an application.
    page = open_interviewer(qtbot, window, draft_id)
    click(qtbot, page.readiness.activate_button)
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.status == "active",
                    timeout=WAIT)
    window.open_email_issues()
    panel = window.integrations.issues_panel
    assert panel is not None
    qtbot.waitUntil(panel.is_loaded, timeout=WAIT)

    def retry(reason_starts: str) -> None:
        row = next(i for i in range(panel.model.rowCount())
                   if panel.model.row_at(i).reason.startswith(reason_starts))
        click_cell(qtbot, panel.table, panel.model.index(row, 2))
        panel.message.clear_message()
        click(qtbot, panel.retry_button)
        qtbot.waitUntil(lambda: panel.message.text() != "", timeout=WAIT)

    retry("An automatic reply")  # still not an application: kept aside again, still kept
    assert panel.message.text().startswith("1 still kept aside: An automatic reply")
    assert len(reasons_of(panel)) == 4
    retry("An application for a closed")
    assert panel.message.text() == "1 became an application."
    wait_for(qtbot, lambda: len(reasons_of(panel)), 3)
    page = open_interviewer(qtbot, window, draft_id)
    qtbot.waitUntil(lambda: any(r.name == "Olga Silva" for r in page.model.rows()),
                    timeout=WAIT)
    applied = message_id(hostile[3])
    assert not kept[applied].exists()  # now an application: its copy went with it
    assert all(p.exists() for key, p in kept.items() if key != applied)
    shot("retried", panel)
    panel.close()


def reasons_of(panel: Any) -> list[str]:
    return [panel.model.row_at(i).reason for i in range(panel.model.rowCount())
            if panel.model.row_at(i).service == "email"]


# ----- step 5: offline, then back --------------------------------------------------------------
def offline_then_back(qtbot: Any, app: DemoApp, ctx: ViewContext,
                      texting: tuple[int, str]) -> None:
    window, demo, stack, shot = app.window, app.demo, app.stack, app.shot
    iid, _slug = texting  # a single text stage: one screening per person, ever
    server = stack.enter_context(mail_server())
    connect_email(qtbot, window, server)
    # The network goes: the SMTP server stops, the sandbox Twilio stops answering.
    port = server.port
    stack.close()
    demo.sandbox.faults.inject("drop", count=1_000_000)

    cid, email, phone = invite_one(qtbot, window, ctx, iid, shot)
    # Outreach → Waiting to send, from the status bar: each message and why it waits.
    qtbot.waitUntil(window.waiting_button.isVisible, timeout=WAIT)
    click(qtbot, window.waiting_button)
    assert window.current_section() is window.outreach
    panel = window.outreach.waiting
    qtbot.waitUntil(panel.is_loaded, timeout=WAIT)

    def waiting(candidate_id: int) -> dict[str, str]:
        return {r.what: r.words for r in (panel.model.row_at(i)
                                          for i in range(panel.model.rowCount()))
                if r.candidate_id == candidate_id}

    def offline() -> bool:
        words = set(waiting(cid).values())
        by_email = words - {OFFLINE_TWILIO}
        return len(words) == 2 and len(by_email) == 1 and all(
            w.startswith("Offline — goes out when") and "email account" in w for w in by_email)

    qtbot.waitUntil(offline, timeout=WAIT)
    ((title,),) = sql(ctx.workspace, "SELECT position_title FROM interviewers WHERE id = :i",
                      i=iid)
    assert sorted(waiting(cid)) == [f"Invitation to {title} by email",
                                    f"Screening by text for {title}"]
    assert window.waiting_button.text() == f"{panel.total} waiting to send"
    shot("waiting-to-send")

    # Back online: each goes out, once.
    server = stack.enter_context(mail_server(port))
    demo.sandbox.faults.clear()

    def executions(number: str) -> int:
        with demo.sandbox.state.lock:
            return sum(e.data["contact_channel_address"] == number
                       for e in demo.sandbox.state.executions.values())

    def mails(address: str) -> int:
        return sum(address in m.recipients for m in server.messages())

    qtbot.waitUntil(lambda: not waiting(cid), timeout=SLOW)
    wait_for(qtbot, lambda: (mails(email), executions(phone)), (1, 1))
    # Someone else invited now goes straight out: the outbox has had its rounds since.
    other, other_email, other_phone = invite_one(qtbot, window, ctx, iid, shot)
    wait_for(qtbot, lambda: (mails(other_email), executions(other_phone)), (1, 1))
    assert not waiting(other)
    assert (mails(email), executions(phone)) == (1, 1)  # nothing went out twice
    shot("sent")


def connect_email(qtbot: Any, window: MainWindow, server: MailServer) -> None:
    """Integrations → Email: the agency's SMTP server."""
    window.open_integrations()
    assert window.integrations is not None
    card = window.integrations.email
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=WAIT)
    card.host_edit.setText("127.0.0.1")
    card.security_combo.setCurrentIndex(card.security_combo.findText("None (local relay only)"))
    card.port_spin.setValue(server.port)
    card.username_edit.setText(USER)
    card.password_edit.setText(PASSWORD)
    card.from_edit.setText(USER)
    card.name_edit.setText("Northwind Staffing")
    click(qtbot, card.save_button)
    qtbot.waitUntil(lambda: not card.is_busy() and "Connected" in card.status.text(),
                    timeout=WAIT)


def invite_one(qtbot: Any, window: MainWindow, ctx: ViewContext, iid: int,
               shot: Shots) -> tuple[int, str, str]:
    """A directory candidate with an email and a phone, invited to the texting interviewer."""
    ws = ctx.workspace
    rows = sql(ws, "SELECT c.id, c.full_name, c.email, c.phone_e164 FROM candidates c "
                   "WHERE c.email IS NOT NULL AND c.phone_e164 IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM applications a WHERE a.candidate_id = c.id) "
                   "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.candidate_id = c.id) "
                   "ORDER BY c.id LIMIT 1")
    assert rows, "the demo has a directory candidate nobody has contacted yet"
    cid, name, email, phone = rows[0]
    window.show_section(1)
    directory = window.directory
    qtbot.waitUntil(directory.is_loaded, timeout=WAIT)
    directory.search.setText(email)
    directory.search.returnPressed.emit()
    model = directory.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.row_at(0).id == cid, timeout=WAIT)
    click_cell(qtbot, directory.table, model.index(0, 1))
    click(qtbot, directory.invite_button)
    dialog: InviteDialog = top_dialog(qtbot, InviteDialog)
    qtbot.waitUntil(dialog.is_ready, timeout=WAIT)
    dialog.choose(iid)
    qtbot.waitUntil(lambda: dialog.invite_button.isEnabled()
                    and dialog.preview.toPlainText() != "", timeout=WAIT)
    assert dead_links(texts(dialog)) == []
    with qtbot.waitSignal(dialog.invited, timeout=WAIT):
        click(qtbot, dialog.invite_button)
    words = dialog.message.text()
    assert "Sent" not in words and "skipped" not in words.lower(), (name, words)
    shot("invited", dialog)
    dialog.close()
    return int(cid), str(email), str(phone)


# ----- defects the walk found (fixed): each keeps its fix --------------------------------------
def test_templates_offer_link_once_the_candidate_page_is_saved(
        qtbot: Any, app: DemoApp, candidate_page: CandidatePage) -> None:
    """Outreach → Templates, once shown, offers the {{link}} chip as soon as the candidate page
    is saved under Settings → Account (saving publishes AccountChanged, and the section
    loads its templates again) — it used to keep hiding it until the app restarted."""
    window = app.window
    templates = open_templates(qtbot, window)
    assert not templates.chips.chips["link"].isVisibleTo(templates)
    account = open_account(qtbot, window)
    account.page_edit.setText(candidate_page.address)
    click(qtbot, account.save_button)
    wait_for(qtbot, account.page_state.text, f"{candidate_page.address} answers.")
    templates = open_templates(qtbot, window)
    qtbot.waitUntil(lambda: templates.chips.chips["link"].isVisibleTo(templates), timeout=5_000)


def test_a_texter_is_named_on_the_candidates_tab(
        qtbot: Any, ctx: ViewContext, app: DemoApp) -> None:
    """Someone who texts a keyword becomes a candidate with no name (entry/intake.py); the
    interviewer's Candidates tab names them by their phone number (candidates.display_name)
    instead of drawing a blank Profile cell."""
    row = simulate_a_text(qtbot, app, ctx, pick(ctx.workspace, "sms"))
    first, second, _icon = profile_lines(row)
    assert first.strip() or second.strip(), "the texter's Profile cell is blank"


def test_the_status_bar_names_every_service_in_words(qtbot: Any, app: DemoApp) -> None:
    """The status bar names every service in words (services/sync/names.py): "Text to
    apply", "After screening" — never a job's key such as "Twilio_Entry"."""
    label = app.window.sync_label
    qtbot.waitUntil(lambda: "Email:" in label.text(), timeout=WAIT)
    assert "_" not in label.text(), label.text()
