"""Issue 10's "done when": the demo walked as a new user would, in the real main window.

On a small demo workspace with the demo's sandbox telephony (the in-process sandbox Twilio, as
``--demo`` runs it), through the widgets: an interviewer created from a role template (SMS →
Voice, the flow that stayed "pending" for good in the issue) with a number picked from the
account's; three directory candidates invited to it; their results arriving by themselves in
its Candidates tab and in the Interviewers table; a shortlist undone; a receptionist created
(number picked, routing to the new interviewer), a Test call, a demo call landing in the
pipeline and ingested into the new interviewer; and at the end every screen's figures agreeing
with each other, with services/figures.py and with direct SQL.

Steps that are not UI gestures are direct calls: the sandbox's candidates answering (the
demo's scripted crowd), a caller dialling the new line (``DemoTelephony.place_call``), and the
sync jobs being woken instead of waiting for their interval.

``MILO_WALKTHROUGH_SHOTS=<dir>``: a PNG of the main window (1600×1000) after each step.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from milo_desktop.app.demo import SPARE_NUMBERS, DemoTelephony, start_demo_telephony
from milo_desktop.enums import ApplicationStatus, CallReview, QuestionKind, ReceptionistStatus
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.services import figures
from milo_desktop.services.analytics.ranges import preset_range
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.pipeline import listing as pipeline_listing
from milo_desktop.services.spend import PERIOD
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.outreach.invite_dialog import InviteDialog
from milo_desktop.views.receptionists.ingest_dialog import IngestDialog
from milo_desktop.views.widgets.formatting import money_text, score_text
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

pytestmark = WALKTHROUGH_MARKS

A = ApplicationStatus
FINISHED = (A.COMPLETED, A.KNOCKED_OUT)
SLOW = 180_000  # three SMS + Voice screenings on one number, one after the other
INTERVIEWER_NUMBER, RECEPTIONIST_NUMBER = SPARE_NUMBERS[0], SPARE_NUMBERS[1]
TITLE = "Warehouse Associate (Walkthrough)"
LINE = "Walkthrough Front Desk"
SQL_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLite stores the app's UTC times


def press(qtbot: Any, window: MainWindow, keys: str) -> None:
    """A section's shortcut, with the main window active again (as it is once a dialog
    closes on a desktop; offscreen nothing hands activation back)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    QTest.keySequence(window, QKeySequence(keys))


# ----- the walk -------------------------------------------------------------------------------
def test_a_first_day_in_the_demo(qtbot: Any, ctx: ViewContext, qloop: Any,
                                 tmp_path: Path) -> None:
    ws = ctx.workspace
    window = MainWindow(ctx)
    window.persist_state = False
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    shot = Shots(window)
    demo: DemoTelephony = run(qtbot, ctx, start_demo_telephony(ws, tmp_path))
    # Everyone answers here (the demo's crowd lets some calls ring out, retried hours later).
    demo.sandbox.candidates.default = plausible_candidates(seed=4, no_show=0.0)
    # The sync jobs, woken often rather than on their interval.
    waker = QTimer(interval=300)
    waker.timeout.connect(lambda: (demo.background.engine.wake(StageSync.service),
                                   demo.background.engine.wake("twilio")))
    waker.start()
    try:
        walk(qtbot, window, ctx, demo, shot)
    finally:
        waker.stop()
        for coro in (demo.stop(), ws.tasks.drain()):  # not ctx.spawn: drain cancels those
            task = qloop.create_task(coro)
            qtbot.waitUntil(task.done, timeout=WAIT)
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()


def walk(qtbot: Any, window: MainWindow, ctx: ViewContext, demo: DemoTelephony,
         shot: Shots) -> None:
    ws = ctx.workspace
    section = window.interviewers
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    shot("start")

    # 1. An interviewer from a role template, through the Create Interviewer wizard.
    iid = create_interviewer(qtbot, window, shot)
    list_page = section.list_page
    click(qtbot, section.detail_page.back_button)
    qtbot.waitUntil(lambda: row_of(list_page, iid) is not None, timeout=WAIT)
    assert row_of(list_page, iid).name == TITLE
    shot("interviewer-listed")

    # 2. Three directory candidates invited to it from the Candidate Directory.
    people = invite_three(qtbot, window, ctx, iid, shot)
    press(qtbot, window, "Ctrl+1")
    open_row(qtbot, list_page, iid)
    page = section.detail_page
    qtbot.waitUntil(lambda: page.interviewer_id == iid and page.is_loaded(), timeout=WAIT)
    qtbot.waitUntil(lambda: page.status_filter.itemText(0) == "All (3)", timeout=WAIT)
    qtbot.waitUntil(lambda: sorted(r.candidate_id for r in page.model.rows()) == people,
                    timeout=WAIT)
    assert not page.table.overlay.isVisible()
    shot("invited")

    # 3. Their results arrive by themselves: the rows, then the table's Stats.
    def statuses() -> list[A]:
        return [r.status for r in page.model.rows()]

    qtbot.waitUntil(lambda: len(statuses()) == 3 and all(s in FINISHED for s in statuses()),
                    timeout=SLOW)
    stored = dict(sql(ws, "SELECT candidate_id, status FROM applications "
                          "WHERE interviewer_id = :i", i=iid))
    assert {r.candidate_id: r.status for r in page.model.rows()} == {
        c: A(s) for c, s in stored.items()}
    assert all(A(s) in FINISHED for s in stored.values()), stored  # nobody pending for good
    shot("results")
    click(qtbot, page.back_button)
    table = list_page.model
    stats_column = table.COLUMNS[table.column_index("stats")]
    completed = sum(A(s) == A.COMPLETED for s in stored.values())
    wait_for(qtbot, lambda: table.display(row_of(list_page, iid), stats_column),
             f"3 • {round(100 * completed / 3)}%")
    shot("stats")

    # 4. Shortlist one and Undo: the rows and counts come back, no filter toggled.
    open_row(qtbot, list_page, iid)
    qtbot.waitUntil(lambda: page.is_loaded() and len(page.model.rows()) == 3, timeout=WAIT)
    shortlist_and_undo(qtbot, page, shot)

    # 5. A receptionist routing to the new interviewer; a Test call; a call lands; Ingest.
    create_receptionist(qtbot, window, iid, shot)
    place_test_call(qtbot, window, shot)
    caller = call_lands_and_is_ingested(qtbot, window, ctx, demo, iid, shot)
    press(qtbot, window, "Ctrl+1")
    open_row(qtbot, list_page, iid)
    qtbot.waitUntil(lambda: page.interviewer_id == iid and page.is_loaded(), timeout=WAIT)
    qtbot.waitUntil(lambda: caller in [r.candidate_id for r in page.model.rows()],
                    timeout=WAIT)
    qtbot.waitUntil(lambda: page.status_filter.itemText(0) == "All (4)", timeout=WAIT)
    shot("caller-in-candidates")
    # The caller's screening runs too: nobody stays pending for good.
    qtbot.waitUntil(lambda: next(r.status for r in page.model.rows()
                                 if r.candidate_id == caller) in FINISHED, timeout=SLOW)
    shot("caller-finished")

    # 6. The figures agree once the telephony is quiet.
    run(qtbot, ctx, demo.stop())
    figures_agree(qtbot, window, ctx, iid, shot)


# ----- step 1 ---------------------------------------------------------------------------------
def row_of(list_page: Any, iid: int) -> Any:
    return next((r for r in list_page.model.rows() if r.id == iid), None)


def open_row(qtbot: Any, list_page: Any, iid: int) -> None:
    """A single click on the interviewer's row opens it (issue 10, point 15)."""
    qtbot.waitUntil(lambda: row_of(list_page, iid) is not None, timeout=WAIT)
    model = list_page.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).id == iid)
    click_cell(qtbot, list_page.table, model.index(row, 0))


def create_interviewer(qtbot: Any, window: MainWindow, shot: Shots) -> int:
    click(qtbot, window.create_button)
    wizard = top_dialog(qtbot, AuthoringWizard)
    qtbot.waitUntil(wizard.is_loaded, timeout=WAIT)
    plan = wizard.plan
    qtbot.keyClicks(plan.search, "warehouse associate")
    cards = plan.cards
    shown = [i for i in range(cards.count()) if not cards.item(i).isHidden()]
    assert [cards.item(i).text() for i in shown] == ["Warehouse Associate"]
    qtbot.mouseClick(cards.viewport(), Qt.MouseButton.LeftButton, pos=cards.visualItemRect(
        cards.item(shown[0])).center())
    click(qtbot, plan.use_template)
    assert "SMS → Voice" in plan.summary.toPlainText()
    shot("wizard-plan", wizard)

    def next_step() -> None:
        step = wizard.current_step()
        qtbot.waitUntil(wizard.next_button.isEnabled, timeout=WAIT)
        click(qtbot, wizard.next_button)
        assert wizard.current_step() == step + 1

    next_step()
    conf = wizard.configure
    conf.title.edit.selectAll()
    qtbot.keyClicks(conf.title.edit, TITLE)
    qtbot.waitUntil(lambda: conf.slug_status.text() == "✓ Available", timeout=WAIT)
    next_step()  # stages
    next_step()  # questions
    next_step()  # settings
    st = wizard.settings
    # The SMS stage texts from a number of the account: the step says so and offers them.
    assert "(needed)" in st.phone.lineEdit().placeholderText()
    numbers = [st.phone.itemData(i) for i in range(st.phone.count())]
    assert INTERVIEWER_NUMBER in numbers, numbers
    st.phone.setCurrentIndex(st.phone.findData(INTERVIEWER_NUMBER))
    assert st.phone_hint.text() == "Calls and texts to candidates come from this number."
    shot("wizard-settings", wizard)
    next_step()
    share = wizard.share
    assert wizard.next_button.text() == "Create interviewer"
    assert "can't go live" not in share.readiness.text()
    shot("wizard-share", wizard)
    with qtbot.waitSignal(wizard.created, timeout=WAIT) as created:
        click(qtbot, wizard.next_button)
    return int(created.args[0])


# ----- step 2 ---------------------------------------------------------------------------------
def invite_three(qtbot: Any, window: MainWindow, ctx: ViewContext, iid: int,
                 shot: Shots) -> list[int]:
    press(qtbot, window, "Ctrl+2")
    directory = window.directory
    assert window.current_section() is directory
    qtbot.waitUntil(directory.is_loaded, timeout=WAIT)
    model, view = directory.model, directory.table
    qtbot.waitUntil(lambda: model.rowCount() >= 10, timeout=WAIT)
    with_phone = [i for i in range(model.rowCount()) if model.row_at(i).phone_e164][:3]
    assert len(with_phone) == 3
    click_cell(qtbot, view, model.index(with_phone[0], 1))
    for i in with_phone[1:]:
        click_cell(qtbot, view, model.index(i, 1), Qt.KeyboardModifier.ControlModifier)
    people = sorted(model.row_at(i).id for i in with_phone)
    assert sorted(directory.selected_candidate_ids()) == people
    click(qtbot, directory.invite_button)
    dialog: InviteDialog = top_dialog(qtbot, InviteDialog)
    qtbot.waitUntil(dialog.is_ready, timeout=WAIT)
    dialog.combo.setCurrentIndex(dialog.combo.findData(iid))
    qtbot.waitUntil(lambda: dialog.invite_button.isEnabled()
                    and TITLE in dialog.preview.toPlainText(), timeout=WAIT)
    assert not dialog.blocked
    shot("invite-dialog", dialog)
    with qtbot.waitSignal(dialog.invited, timeout=WAIT) as invited:
        click(qtbot, dialog.invite_button)
    report = invited.args[0]
    words = dialog.message.text()
    # Honest words: the SMS screening starts now (the number is set); the emails wait for an
    # email account, and nothing says "Sent" for them.
    assert report.summary() in words, words
    assert "Sent" not in words, words
    assert "queued" in words.lower() or "sending" in words.lower(), words
    shot("invite-result", dialog)
    # The result stands under the preview, whole: nothing drawn over anything else.
    for part in (dialog.message, dialog.buttons):
        assert not part.geometry().intersects(dialog.preview.geometry()), part
        assert part.geometry().bottom() < dialog.height()
    assert dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())
    click(qtbot, dialog.invite_button)  # Close
    # The directory counts the new interviews by itself.
    qtbot.waitUntil(lambda: all(
        model.row_at(i).interviews >= 1 for i in with_phone), timeout=WAIT)
    return people


# ----- step 4 ---------------------------------------------------------------------------------
def shortlist_and_undo(qtbot: Any, page: Any, shot: Shots) -> None:
    rows = page.model.rows()
    done = [i for i, r in enumerate(rows) if r.status == A.COMPLETED]
    target = done[0] if done else 0
    name = rows[target].name
    before = page.status_filter.itemText(0)
    page.set_status_filter(rows[target].status)
    qtbot.waitUntil(lambda: name in [r.name for r in page.model.rows()], timeout=WAIT)
    filtered = [r.name for r in page.model.rows()]
    status_text = page.status_filter.currentText()
    index = next(i for i, r in enumerate(page.model.rows()) if r.name == name)
    click_cell(qtbot, page.table, page.model.index(index, 1))
    bar = page.review_bar
    if rows[target].status == A.COMPLETED:
        click(qtbot, bar.shortlist_button)
    else:
        click(qtbot, bar.dismiss_button)
    qtbot.waitUntil(lambda: name not in [r.name for r in page.model.rows()], timeout=WAIT)
    qtbot.waitUntil(lambda: bar.banner.action_button.isVisible(), timeout=WAIT)
    shot("shortlisted")
    click(qtbot, bar.banner.action_button)  # Undo
    qtbot.waitUntil(lambda: page.status_filter.currentText() == status_text, timeout=WAIT)
    qtbot.waitUntil(lambda: [r.name for r in page.model.rows()] == filtered, timeout=WAIT)
    assert page.status_filter.itemText(0) == before
    shot("undone")
    page.set_status_filter(None)
    qtbot.waitUntil(lambda: len(page.model.rows()) == 3, timeout=WAIT)


# ----- step 5 ---------------------------------------------------------------------------------
def create_receptionist(qtbot: Any, window: MainWindow, iid: int, shot: Shots) -> None:
    press(qtbot, window, "Ctrl+4")
    section = window.receptionists
    assert window.current_section() is section
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    click(qtbot, section.create_button)
    wizard = section.wizard
    assert wizard is not None
    basic = wizard.basic
    qtbot.waitUntil(lambda: basic.options is not None, timeout=WAIT)
    offered = [basic.number.itemData(i) for i in range(basic.number.count())]
    assert RECEPTIONIST_NUMBER in offered, offered
    qtbot.keyClicks(basic.name, LINE)
    basic.number.setCurrentIndex(basic.number.findData(RECEPTIONIST_NUMBER))
    qtbot.keyClicks(basic.agent, "Ava")
    basic.intro.set_text("Thanks for calling Northwind Staffing!")
    basic.manual.setChecked(True)  # every caller is reviewed, then ingested by hand
    shot("receptionist-step1", wizard)
    click(qtbot, wizard.next_button)
    assert wizard.current_step() == 1
    click(qtbot, wizard.next_button)  # disclosures as they are
    click(qtbot, wizard.next_button)  # no custom context
    qs = wizard.questions
    click(qtbot, qs.add_button)
    qs.prompt.setPlainText("Are you authorized to work in the US?")
    qs.kind.setCurrentIndex(qs.kind.findData(QuestionKind.YES_NO))
    qtbot.waitUntil(lambda: qs.default_interviewer.findData(iid) >= 0, timeout=WAIT)
    qs.default_interviewer.setCurrentIndex(qs.default_interviewer.findData(iid))
    shot("receptionist-questions", wizard)
    click(qtbot, wizard.next_button)
    assert wizard.current_step() == 4
    assert wizard.review_problems() == []
    assert wizard.next_button.text() == "Create receptionist"
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)

    def mine() -> Any:
        return next((section.model.row_at(i) for i in range(section.model.rowCount())
                     if section.model.row_at(i).name == LINE), None)

    qtbot.waitUntil(lambda: mine() is not None and mine().status == ReceptionistStatus.LIVE,
                    timeout=WAIT)
    assert mine().phone_number == RECEPTIONIST_NUMBER
    shot("receptionist-live")


def place_test_call(qtbot: Any, window: MainWindow, shot: Shots) -> None:
    section = window.receptionists
    row = next(i for i in range(section.model.rowCount())
               if section.model.row_at(i).name == LINE)
    click_cell(qtbot, section.table, section.model.index(row, 0))
    click(qtbot, section.test_button)
    qtbot.waitUntil(lambda: section.test_call is not None and section.test_call.isVisible(),
                    timeout=WAIT)
    call = section.test_call
    assert "Thanks for calling Northwind Staffing!" in call.agent_says.text()
    qtbot.keyClicks(call.speech, "Ada Lovelace")
    qtbot.keyClick(call.speech, Qt.Key.Key_Return)
    call.press("4155550123#")
    call.say("yeah I do")
    shot("test-call", call)
    call.close()


def call_lands_and_is_ingested(qtbot: Any, window: MainWindow, ctx: ViewContext,
                               demo: DemoTelephony, iid: int, shot: Shots) -> int:
    press(qtbot, window, "Ctrl+3")
    pipeline = window.pipeline
    assert window.current_section() is pipeline
    qtbot.waitUntil(pipeline.is_loaded, timeout=WAIT)
    ws = ctx.workspace

    async def dial() -> str | None:
        await demo.refresh_lines(ws)
        demo.lines = [line for line in demo.lines if line[0] == RECEPTIONIST_NUMBER]
        assert demo.lines, "the new receptionist's line is live on the sandbox"
        return await demo.place_call(random.Random(3))

    sid = run(qtbot, ctx, dial())
    assert sid
    model = pipeline.model

    def landed() -> Any:
        return next((model.row_at(i) for i in range(model.rowCount())
                     if model.row_at(i).receptionist_name == LINE), None)

    qtbot.waitUntil(lambda: landed() is not None, timeout=WAIT)
    # Manual approval: evaluated, then waiting for the recruiter.
    wait_for(qtbot, lambda: landed().review, CallReview.NEEDS_REVIEW)
    call = landed()
    shot("call-landed")
    row = next(i for i in range(model.rowCount()) if model.row_at(i).id == call.id)
    index = model.index(row, model.column_index("actions"))
    pipeline.table.scrollTo(index)
    option = QStyleOptionViewItem()
    option.rect = pipeline.table.visualRect(index)
    option.font = pipeline.table.font()
    ingest = next(r for key, _t, r in pipeline.links_delegate.link_rects(option)
                  if key == "ingest")
    qtbot.mouseClick(pipeline.table.viewport(), Qt.MouseButton.LeftButton, pos=ingest.center())
    dialog: IngestDialog = top_dialog(qtbot, IngestDialog)
    dialog.choose(iid)
    assert dialog.combo.currentData() == iid
    if dialog.person_box.isVisible():  # a possible match: say who this is, explicitly
        dialog.as_new.setChecked(True)
    shot("ingest-dialog", dialog)
    click(qtbot, dialog.ingest_button)
    qtbot.waitUntil(lambda: landed().candidate_id is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: "Invited" in pipeline.banner.text(), timeout=WAIT)
    # The tabs' counts follow (the caller moved to Approved), no refresh.

    def tab_texts() -> list[str]:
        return [pipeline.tabs.tabText(i) for i in range(pipeline.tabs.count())]

    def counted() -> list[str]:
        counts = ctx.workspace.db.run_sync(lambda s: pipeline_listing.tab_counts(s, {}))
        return [f"{title} ({counts[str(pipeline.tabs.tabData(i))]})"
                for i, title in enumerate(("All", "Evaluated", "Needs Review", "Approved",
                                           "Rejected"))]

    try:
        qtbot.waitUntil(lambda: tab_texts() == counted(), timeout=WAIT)
    except qtbot.TimeoutError:
        assert tab_texts() == counted()  # says which differ
    shot("ingested")
    return int(landed().candidate_id)


# ----- step 6 ---------------------------------------------------------------------------------
def figures_agree(qtbot: Any, window: MainWindow, ctx: ViewContext, iid: int,
                  shot: Shots) -> None:
    ws = ctx.workspace
    now = ws.spend.clock()
    start, end = preset_range(PERIOD, now)
    ((by_sql,),) = sql(ws, "SELECT COALESCE(SUM(amount_micros), 0) FROM spend "
                           "WHERE occurred_at >= :a AND occurred_at < :b",
                       a=start.astimezone(dt.UTC).strftime(SQL_TIME),
                       b=end.astimezone(dt.UTC).strftime(SQL_TIME))
    by_service = ws.db.run_sync(lambda s: figures.spend_micros(s, since=start, until=end))
    assert by_service == by_sql > 0
    money = money_text(by_sql / 10_000)
    chip = window.spend
    qtbot.waitUntil(lambda: chip.summary is not None
                    and chip.summary.used_micros == by_sql, timeout=WAIT)
    assert chip.label.text().startswith(f"Spend (30 days) {money}"), chip.label.text()
    press(qtbot, window, "Ctrl+5")
    analytics = window.analytics
    assert window.current_section() is analytics
    qtbot.waitUntil(lambda: analytics.cards["spend"].value.text() == money, timeout=WAIT)
    assert analytics.cards["spend"].title.text() == "Spend · Last 30 days"
    # Recent completions: the new interviewer's candidates, each with the score shown for
    # them in its Candidates tab (compared below).
    qtbot.waitUntil(lambda: sum(r.interviewer_id == iid for r in analytics.recent.rows()) >= 3,
                    timeout=WAIT)
    recent = {r.candidate_id: score_text(r.score) for r in analytics.recent.rows()
              if r.interviewer_id == iid}
    shot("analytics")

    # The interviewer's completion: the table's Stats vs its Analytics tab vs SQL.
    ((candidates, started, done),) = sql(
        ws, "SELECT COUNT(*), COUNT(started_at), SUM(CASE WHEN started_at IS NOT NULL AND "
            "(status = 'completed' OR (status IN ('shortlisted', 'dismissed') AND "
            "completed_at IS NOT NULL AND knocked_out_stage_id IS NULL)) THEN 1 ELSE 0 END) "
            "FROM applications WHERE interviewer_id = :i", i=iid)
    service = ws.db.run_sync(lambda s: figures.application_figures(s, [iid]))[iid]
    assert (service.candidates, service.started, service.completed) == (candidates, started,
                                                                        done)
    percent = f"{round(100 * done / started)}%"
    press(qtbot, window, "Ctrl+1")
    section = window.interviewers
    if section.current_page() is not section.list_page:
        click(qtbot, section.detail_page.back_button)
    list_page = section.list_page
    table = list_page.model
    stats = table.COLUMNS[table.column_index("stats")]
    wait_for(qtbot, lambda: table.display(row_of(list_page, iid), stats),
             f"{candidates} • {percent}")
    shot("interviewers-final")
    open_row(qtbot, list_page, iid)
    page = section.detail_page
    qtbot.waitUntil(lambda: page.interviewer_id == iid and page.is_loaded(), timeout=WAIT)
    qtbot.waitUntil(lambda: len(page.model.rows()) == candidates, timeout=WAIT)
    column = page.model.column_index("score")
    tab_scores = {page.model.row_at(i).candidate_id: page.model.index(i, column).data()
                  for i in range(page.model.rowCount())}
    assert {c: tab_scores[c] for c in recent} == recent  # one score, one way of writing it
    page.tabs.setCurrentWidget(page.analytics)
    qtbot.waitUntil(lambda: page.analytics.funnel is not None
                    and page.analytics.funnel.invited == candidates, timeout=WAIT)
    f = page.analytics.funnel
    assert (f.invited, f.responded, f.completed) == (candidates, started, done)
    assert percent in page.analytics.texts()
    shot("interviewer-analytics")
