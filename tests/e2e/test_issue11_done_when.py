"""Issue 11's "done when": a newcomer in demo mode, From ATS walked in the real main window.

On a small demo workspace with the demo's connected Greenhouse (its sandbox in-process,
connected through the ``MILO_GREENHOUSE_*`` environment as ``--demo`` does) and the demo's
sandbox telephony, through the widgets: Source Candidates → From ATS shows the Greenhouse card
connected and its five demo jobs with their people (imported into the directory); a job is
linked to a demo interviewer through the Link dialog (completed → Phone Screen, note and move
on); "Invite N waiting…" invites its people; auto-invite switched on through the same dialog
invites a new applicant by itself; the scripted candidates answer and are scored; "Send to
ATS" on the interviewer's Candidates tab queues their results, the outbox writes them, and the
sandbox Greenhouse holds the notes and the Phone Screen moves; the contact history says so;
sending again queues nothing.

The job is linked with auto-invite off first: an "updated since" pull re-reads a few minutes
of overlap, so with auto-invite on from the start the next sync round (not the button) would
invite the people already there, whichever came first. Steps that are not UI gestures are
direct calls: someone applying at the sandbox Greenhouse, the sandbox's candidates answering
(the demo's scripted crowd), and the sync jobs woken instead of waiting for their interval.
The demo's own random applicants are stopped so the counts are known.

``MILO_WALKTHROUGH_SHOTS=<dir>``: a PNG of the main window (1600×1000) after each step.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from milo_desktop.app.demo import DemoTelephony, start_demo_telephony
from milo_desktop.app.demo_ats import DEMO_JOBS, start_demo_ats, stop_demo_ats
from milo_desktop.enums import ApplicationStatus
from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.sandbox.twilio_candidates import plausible_candidates
from milo_desktop.services.connectors.twilio.stages_job import StageSync
from milo_desktop.services.flows.config import to_e164
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.ats import AtsSection
from milo_desktop.views.context import ViewContext
from milo_desktop.views.main_window import SECTION_ROLE, MainWindow
from milo_desktop.views.widgets.ats_link import LinkDialog
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
SLOW = 240_000  # SMS + Voice screenings on one number, one after the other
JOB, PEOPLE = DEMO_JOBS[0]  # "Warehouse Associate", 14 people
STAGE = "Phone Screen"
NEWCOMER = ("Jordan", "Avery", "jordan.avery@example.com", "+12025550999")


def answer_yes(seen: list[str]) -> None:
    """Answer the confirmation the next click opens (a modal QMessageBox) with Yes."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, press)
            return
        seen.append(f"{box.text()}\n{box.informativeText()}")
        button = box.button(QMessageBox.StandardButton.Yes)
        assert button is not None
        button.click()

    QTimer.singleShot(0, press)


def test_every_demo_greenhouse_person_can_be_texted() -> None:
    """The demo's interviewers screen by text and phone: each person the demo Greenhouse
    starts with has a mobile number of their own (fictional), so linking a job invites
    them all."""
    box, _env = asyncio.run(start_demo_ats())
    try:
        people = box.state.candidates.rows.values()
        numbers = [to_e164(p["phone_numbers"][0]["value"]) if p["phone_numbers"] else None
                   for p in people]
        assert len(numbers) == sum(n for _t, n in DEMO_JOBS)
        assert None not in numbers, numbers
        assert len(set(numbers)) == len(numbers), numbers
    finally:
        stop_demo_ats()


# ----- the walk -------------------------------------------------------------------------------
def test_a_newcomer_sends_results_back_to_the_demo_greenhouse(
        qtbot: Any, ctx: ViewContext, qloop: Any, tmp_path: Path) -> None:
    ws = ctx.workspace
    window = MainWindow(ctx)
    window.persist_state = False
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.start()
    qtbot.waitExposed(window)
    shot = Shots(window)
    box: GreenhouseSandbox | None = None
    demo: DemoTelephony | None = None
    waker = QTimer(interval=300)
    try:
        box, env = run(qtbot, ctx, start_demo_ats())
        demo = run(qtbot, ctx, start_demo_telephony(ws, tmp_path, extra_env=env))
        # The demo's applicants come at random moments: this walk brings its own.
        for task in asyncio.all_tasks(qloop):
            if task.get_name() == "demo.ats_applicants":
                task.cancel()
        # Everyone answers here (the demo's crowd lets some calls ring out).
        demo.sandbox.candidates.default = plausible_candidates(seed=4, no_show=0.0)
        engine = demo.background.engine
        # The sync jobs, woken often rather than on their interval.
        waker.timeout.connect(lambda: (engine.wake(StageSync.service), engine.wake("twilio"),
                                       engine.wake("greenhouse")))
        waker.start()
        walk(qtbot, window, ctx, box, shot)
    finally:
        waker.stop()
        for coro in ((demo.stop(),) if demo else ()) + (ws.tasks.drain(),):
            task = qloop.create_task(coro)  # not ctx.spawn: drain cancels those
            qtbot.waitUntil(task.done, timeout=WAIT)
        stopped = qloop.create_task(asyncio.to_thread(stop_demo_ats))
        qtbot.waitUntil(stopped.done, timeout=WAIT)
        for w in QApplication.topLevelWidgets():
            if w is not window and w.isVisible():
                w.close()


def walk(qtbot: Any, window: MainWindow, ctx: ViewContext, box: GreenhouseSandbox,
         shot: Shots) -> None:
    ws = ctx.workspace
    section = open_from_ats(qtbot, window, ws, shot)
    iid, job = link_the_job(qtbot, section, ws, shot)
    invited = invite_waiting(qtbot, section, ws, iid, job, shot)
    newcomer = auto_invite_a_newcomer(qtbot, section, ws, box, iid, job, shot)
    finished = watch_them_scored(qtbot, window, ws, iid, [*invited, newcomer], shot)
    send_results(qtbot, window, ws, box, iid, job, finished, shot)


# ----- step 1: From ATS -----------------------------------------------------------------------
def open_from_ats(qtbot: Any, window: MainWindow, ws: Workspace, shot: Shots) -> AtsSection:
    sidebar = window.sidebar
    row = next(i for i in range(sidebar.count())
               if sidebar.item(i).data(SECTION_ROLE) == window.ats_index())
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=sidebar.visualItemRect(sidebar.item(row)).center())
    section = window.ats
    assert window.current_section() is section
    qtbot.waitUntil(section.is_loaded, timeout=WAIT)
    card = section.cards["greenhouse"]
    # The first sync round: the card says it is connected and synced, with what came.
    wait_for(qtbot, lambda: card.view.state, "idle")
    assert card.status.text().endswith("Connected"), card.status.text()
    qtbot.waitUntil(lambda: card.state_line.text().startswith("Synced"), timeout=WAIT)
    total = sum(n for _t, n in DEMO_JOBS)
    wait_for(qtbot, card.counts.text, f"{len(DEMO_JOBS)} jobs · 0 linked · {total} people")
    assert not card.env_label.isHidden()  # connected through the environment, read only
    model = section.model

    def jobs() -> dict[str, tuple[str, str, str]]:
        return {cell(section, i, "title"): (cell(section, i, "people"),
                                            cell(section, i, "interviewer"),
                                            cell(section, i, "waiting"))
                for i in range(model.rowCount())}

    wait_for(qtbot, jobs, {title: (str(n), "Not linked", "—") for title, n in DEMO_JOBS})
    assert not section.table.overlay.isVisible()
    # The directory holds them: people from the ATS, each with their Greenhouse identity.
    ((people, identities),) = sql(
        ws, "SELECT COUNT(DISTINCT c.id), COUNT(e.id) FROM candidates c JOIN external_ids e "
            "ON e.candidate_id = c.id AND e.provider = 'greenhouse' AND e.kind = 'candidate' "
            "WHERE c.source = 'ats' AND c.ats_provider = 'greenhouse'")
    assert (people, identities) == (total, total)
    shot("from-ats")
    return section


def cell(section: AtsSection, row: int, key: str) -> str:
    model = section.model
    column = next(i for i, c in enumerate(model.COLUMNS) if c[0] == key)
    return str(model.data(model.index(row, column)))


def row_of_job(section: AtsSection, title: str) -> int:
    return next(i for i in range(section.model.rowCount())
                if section.model.row_at(i).title == title)


# ----- step 2: link a job to an interviewer ---------------------------------------------------
def pick_interviewer(ws: Workspace) -> tuple[int, str]:
    """A demo interviewer that takes candidates and whose stages the scripted candidates
    finish: active, SMS then Voice, a screening number, no budget to run out of."""
    rows = sql(ws, "SELECT i.id, i.name FROM interviewers i WHERE i.status = 'active' "
                   "AND i.phone_number IS NOT NULL AND i.budget_kind = 'none' "
                   "AND (SELECT group_concat(kind, ',') FROM (SELECT kind FROM stages "
                   "WHERE interviewer_id = i.id ORDER BY position)) = 'sms,voice' "
                   "ORDER BY i.id")
    assert rows, "the demo has an active SMS → Voice interviewer without a budget"
    return int(rows[0][0]), str(rows[0][1])


def link_dialog(qtbot: Any, section: AtsSection, title: str) -> LinkDialog:
    click_cell(qtbot, section.table, section.model.index(row_of_job(section, title), 1))
    assert section.current_job() is not None and section.current_job().title == title
    click(qtbot, section.link_button)
    dialog: LinkDialog = top_dialog(qtbot, LinkDialog)
    qtbot.waitUntil(lambda: dialog.picker.count() > 0 and not dialog.busy, timeout=WAIT)
    return dialog


def link_the_job(qtbot: Any, section: AtsSection, ws: Workspace,
                 shot: Shots) -> tuple[int, Any]:
    iid, name = pick_interviewer(ws)
    assert section.link_button.text() == "Link to interviewer…"
    dialog = link_dialog(qtbot, section, JOB)
    assert dialog.heading.text() == f"{JOB} at Greenhouse"
    assert dialog.picker.select_value(iid)
    editor = dialog.editor
    completed = editor.stage_combos["completed"]
    completed.setCurrentIndex(completed.findText(STAGE))
    assert completed.currentIndex() > 0
    assert editor.note_check.isChecked() and editor.move_check.isChecked()  # the defaults
    assert not editor.auto_invite_check.isChecked()
    shot("link-dialog", dialog)
    with qtbot.waitSignal(dialog.linked, timeout=WAIT):
        click(qtbot, dialog.link_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    wait_for(qtbot, lambda: cell(section, row_of_job(section, JOB), "interviewer"), name)
    assert row_of_job(section, JOB) == 0  # linked jobs first
    assert section.banner.text() == f"Linked {JOB} to {name}."
    job = section.model.row_at(0)
    phone_screen = next(sid for sid, stage in job.stages if stage == STAGE)
    assert job.stage_mapping == {"completed": phone_screen}
    shot("linked")
    return iid, job


# ----- step 3: invite the people waiting, then auto-invite ------------------------------------
def ats_applications(ws: Workspace, iid: int) -> dict[int, int]:
    """Candidate → application, for this interviewer's applications tied to Greenhouse."""
    return dict(sql(ws, "SELECT a.candidate_id, a.id FROM applications a JOIN external_ids e "
                        "ON e.application_id = a.id AND e.provider = 'greenhouse' "
                        "AND e.kind = 'application' WHERE a.interviewer_id = :i "
                        "AND a.source = 'ats'", i=iid))


def invite_waiting(qtbot: Any, section: AtsSection, ws: Workspace, iid: int, job: Any,
                   shot: Shots) -> list[int]:
    waiting = sorted(c for (c,) in sql(
        ws, "SELECT DISTINCT candidate_id FROM external_ids WHERE provider = 'greenhouse' "
            "AND kind = 'application' AND job_external_id = :j", j=job.external_id))
    assert 0 < len(waiting) <= PEOPLE  # two applicants may be one person (same name, phone)
    wait_for(qtbot, lambda: cell(section, 0, "waiting"), str(len(waiting)))
    section.table.selectRow(0)
    wait_for(qtbot, section.invite_button.text, f"Invite {len(waiting)} waiting…")
    asked: list[str] = []
    answer_yes(asked)
    click(qtbot, section.invite_button)
    assert asked and JOB in asked[0], asked
    qtbot.waitUntil(lambda: section.banner.text().startswith(f"Invitations for {JOB}:"),
                    timeout=WAIT)
    words = section.banner.text()
    assert "skipped" not in words, words  # everyone can be texted and called
    wait_for(qtbot, lambda: sorted(ats_applications(ws, iid)), waiting)
    wait_for(qtbot, lambda: cell(section, 0, "waiting"), "0")
    qtbot.waitUntil(lambda: not section.invite_button.isEnabled(), timeout=WAIT)
    shot("invited")
    return waiting


def auto_invite_a_newcomer(qtbot: Any, section: AtsSection, ws: Workspace,
                           box: GreenhouseSandbox, iid: int, job: Any, shot: Shots) -> int:
    assert section.link_button.text() == "Change interviewer…"
    dialog = link_dialog(qtbot, section, JOB)
    assert dialog.picker.value() == iid  # the link as it is, to change
    assert dialog.editor.stage_combos["completed"].currentText() == STAGE
    dialog.editor.auto_invite_check.setChecked(True)
    with qtbot.waitSignal(dialog.linked, timeout=WAIT):
        click(qtbot, dialog.link_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: section.model.row_at(0).auto_invite, timeout=WAIT)
    first, last, email, phone = NEWCOMER
    gid = box.add_candidate(first, last, email, phone, job.external_id)

    def newcomer() -> int | None:
        rows = sql(ws, "SELECT candidate_id FROM external_ids WHERE provider = 'greenhouse' "
                       "AND kind = 'candidate' AND external_id = :g", g=gid)
        return int(rows[0][0]) if rows else None

    # The next sync round brings them in and invites them: nobody clicks anything.
    qtbot.waitUntil(lambda: newcomer() is not None
                    and newcomer() in ats_applications(ws, iid), timeout=WAIT)
    cid = newcomer()
    assert cid is not None
    wait_for(qtbot, lambda: cell(section, 0, "people"), str(PEOPLE + 1))
    wait_for(qtbot, lambda: cell(section, 0, "waiting"), "0")
    shot("auto-invited")
    return cid


# ----- step 4: scored -------------------------------------------------------------------------
def watch_them_scored(qtbot: Any, window: MainWindow, ws: Workspace, iid: int,
                      people: list[int], shot: Shots) -> dict[int, Any]:
    window.open_interviewer(iid)
    page = window.interviewers.detail_page
    qtbot.waitUntil(lambda: page.interviewer_id == iid and page.is_loaded(), timeout=WAIT)
    qtbot.waitUntil(lambda: page.review_bar.ats_provider == "greenhouse", timeout=WAIT)

    def finished() -> dict[int, Any]:
        return {r.id: r for r in page.model.rows()
                if r.candidate_id in people and r.status in FINISHED}

    # A "no" to a dealbreaker ends the SMS stage (knocked out); the others go on to Voice.
    qtbot.waitUntil(lambda: len(finished()) >= 3 and any(
        r.status == A.COMPLETED for r in finished().values()), timeout=SLOW)
    stored = dict(sql(ws, "SELECT id, status FROM applications WHERE interviewer_id = :i",
                      i=iid))
    done = finished()
    assert all(A(stored[a]) == r.status for a, r in done.items())
    shot("scored")
    return done


# ----- step 5: send the results back ----------------------------------------------------------
def send_results(qtbot: Any, window: MainWindow, ws: Workspace, box: GreenhouseSandbox,
                 iid: int, job: Any, finished: dict[int, Any], shot: Shots) -> None:
    page = window.interviewers.detail_page
    bar = page.review_bar
    chosen = sorted(finished)
    select_rows(qtbot, page, chosen)
    click(qtbot, bar.send_ats_button)
    want = f"Send results to Greenhouse: {len(chosen)} queued to send."
    wait_for(qtbot, bar.banner.text, want)
    shot("sent-to-ats")

    # The outbox writes them at the sandbox Greenhouse by itself.
    def sent() -> list[str]:
        return [s for (s,) in sql(ws, "SELECT status FROM outbox WHERE kind = "
                                      "'ats_result.greenhouse' ORDER BY id")]

    wait_for(qtbot, sent, ["done"] * len(chosen), timeout=SLOW)
    phone_screen = next(sid for sid, stage in job.stages if stage == STAGE)
    first_stage = job.stages[0][0]
    for app_id in chosen:
        ((cid, score, status),) = sql(ws, "SELECT candidate_id, score, status FROM applications "
                                          "WHERE id = :a", a=app_id)
        ((person,),) = sql(ws, "SELECT external_id FROM external_ids WHERE provider = "
                               "'greenhouse' AND kind = 'candidate' AND candidate_id = :c",
                           c=cid)
        ((application,),) = sql(ws, "SELECT external_id FROM external_ids WHERE provider = "
                                    "'greenhouse' AND kind = 'application' "
                                    "AND application_id = :a", a=app_id)
        notes = [n for n in box.notes_of(person) if "Milo screening results" in n]
        assert len(notes) == 1, box.notes_of(person)
        overall = (f"Overall score: {round(score)}/100" if score is not None
                   else "Overall score: not scored")
        assert overall in notes[0], notes[0]
        ((subject,),) = sql(ws, "SELECT subject FROM messages WHERE application_id = :a "
                                "AND channel = 'ats'", a=app_id)
        if A(status) == A.COMPLETED:
            assert box.stage_of(application) == phone_screen
            assert subject == f"Sent to Greenhouse: note, moved to {STAGE}"
        else:  # knocked out: the mapping does nothing with them but the note
            assert box.stage_of(application) == first_stage
            assert subject == "Sent to Greenhouse: note"
    assert any(A(r.status) == A.COMPLETED for r in finished.values()), "someone moved"
    shot("written-back")

    # Sending the same results again queues nothing new.
    qtbot.waitUntil(lambda: not bar.busy, timeout=WAIT)
    select_rows(qtbot, page, chosen)
    click(qtbot, bar.send_ats_button)
    wait_for(qtbot, bar.banner.text,
             f"Send results to Greenhouse: Nothing to send; {len(chosen)} skipped: these "
             "results were already sent.")
    assert sent() == ["done"] * len(chosen)
    shot("already-sent")


def select_rows(qtbot: Any, page: Any, app_ids: list[int]) -> None:
    """Click the rows (Ctrl for each after the first). Results still arriving for the others
    may reload the table between clicks: then choose again."""
    model, view = page.model, page.table
    for _attempt in range(5):
        rows = [i for i in range(model.rowCount()) if model.row_at(i).id in app_ids]
        assert len(rows) == len(app_ids)
        click_cell(qtbot, view, model.index(rows[0], 1))
        for i in rows[1:]:
            click_cell(qtbot, view, model.index(i, 1), Qt.KeyboardModifier.ControlModifier)
        if sorted(r.id for r in page.review_bar.selected_rows()) == sorted(app_ids):
            return
    raise AssertionError("the rows could not be selected")
