"""The Candidates tab's "Send to ATS": disabled (and saying why) while the interviewer has no
linked ATS job; for the selected candidates, or all matching, it queues one outbox row per
finished interview (kind ``ats_result.greenhouse``) and says in the banner what was queued and
what was skipped and why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel
from sqlalchemy import select

from milo_desktop.enums import ApplicationStatus
from milo_desktop.models import AtsJob, Message, OutboxItem
from milo_desktop.services.ats.views import LinkSettings
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.detail_page import InterviewerPage
from tests.factories import make_application, make_candidate, make_interviewer
from tests.gui.ats_rig import attach, run, save_shot

WAIT = 15_000
STAGES = [{"id": "7001", "name": "Application Review"}, {"id": "7002", "name": "Phone Screen"},
          {"id": "7003", "name": "Offer"}]


def build(ws: Workspace) -> tuple[int, int]:
    """An interviewer with two finished interviews (Ana, Ben) and one not started (Carla),
    and a Greenhouse job (as a sync would have stored it). Answers (interviewer, job)."""
    attach(ws)
    iid = make_interviewer(ws, "Forklift Screening")
    for name, status, scores in (("Ana Lopez", ApplicationStatus.COMPLETED, {0: 82.0, 1: 74.0}),
                                 ("Ben Cho", ApplicationStatus.SHORTLISTED, {0: 91.0, 1: 88.0}),
                                 ("Carla Diaz", ApplicationStatus.PENDING, None)):
        make_application(ws, make_candidate(ws, name), iid, status, stage_scores=scores)

    def add_job(s: Any) -> int:
        job = AtsJob(provider="greenhouse", external_id="4410", title="Forklift Operator",
                     status="open", stages=STAGES)
        s.add(job)
        s.flush()
        return job.id

    return iid, ws.db.run_sync(add_job, write=True)


def open_page(qtbot: Any, ctx: ViewContext, iid: int) -> InterviewerPage:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1440, 900)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.open_interviewer(iid)
    return section.detail_page


def select_rows(page: InterviewerPage, *first_names: str) -> None:
    model, selection = page.model, QItemSelection()
    for i, row in enumerate(model.rows()):
        if row.name.split()[0] in first_names:
            selection.select(model.index(i, 0), model.index(i, model.columnCount() - 1))
    page.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


def outbox(ws: Workspace) -> list[tuple[str, dict[str, Any]]]:
    return ws.db.run_sync(lambda s: [(o.kind, dict(o.payload)) for o in
                                     s.scalars(select(OutboxItem).order_by(OutboxItem.id))])


def test_disabled_with_the_reason_until_the_interviewer_is_linked(
        qtbot: Any, pinned_ctx: ViewContext) -> None:
    ws = pinned_ctx.workspace
    iid, job_id = build(ws)
    page = open_page(qtbot, pinned_ctx, iid)
    bar = page.review_bar
    select_rows(page, "Ana")
    assert bar.shortlist_button.isEnabled()  # the selection is there…
    assert not bar.send_ats_button.isEnabled()  # …but no ATS job to send to
    assert bar.send_ats_button.toolTip().startswith("Link this interviewer to an ATS job")

    run(qtbot, pinned_ctx, ws.ats.link_job(job_id, iid))  # from anywhere: the page follows
    qtbot.waitUntil(bar.send_ats_button.isEnabled, timeout=WAIT)
    assert "Greenhouse" in bar.send_ats_button.toolTip()


def test_send_selected_then_all_matching_and_say_what_was_skipped(
        qtbot: Any, pinned_ctx: ViewContext, apply_theme: Any) -> None:
    apply_theme(False)
    ws = pinned_ctx.workspace
    iid, job_id = build(ws)
    run(qtbot, pinned_ctx, ws.ats.link_job(job_id, iid, LinkSettings(
        {"completed": "7002", "shortlisted": "7003"},
        {"note": True, "move": True, "reject": False, "reject_reason": ""}, False)))
    page = open_page(qtbot, pinned_ctx, iid)
    bar = page.review_bar
    qtbot.waitUntil(lambda: bar.ats_provider == "greenhouse", timeout=WAIT)
    select_rows(page, "Ana")
    assert bar.send_ats_button.isEnabled()
    bar.send_ats_button.click()
    qtbot.waitUntil(lambda: bar.banner.text().startswith("Send results to Greenhouse"),
                    timeout=WAIT)
    assert bar.banner.text() == "Send results to Greenhouse: 1 queued to send."
    rows = outbox(ws)
    assert [kind for kind, _p in rows] == ["ats_result.greenhouse"]
    payload = rows[0][1]
    assert (payload["move_to"], payload["move_to_name"], payload["email"]) == (
        "7002", "Phone Screen", "ana.lopez@example.com")
    assert "Overall score" in payload["note"]
    history = ws.db.run_sync(lambda s: list(s.scalars(select(Message.subject))))
    assert history == ["To Greenhouse: note, move to Phone Screen"]

    # Everyone matching: Ana's are sent already, Carla has not finished, Ben goes.
    qtbot.waitUntil(lambda: not bar.busy, timeout=WAIT)
    bar.select_all_matching()
    qtbot.waitUntil(lambda: bar.matching == 3, timeout=WAIT)
    bar.send_ats_button.click()
    qtbot.waitUntil(lambda: "1 skipped: these results" in bar.banner.text(), timeout=WAIT)
    assert bar.banner.text() == (
        "Send results to Greenhouse: 1 queued to send; 1 skipped: no results yet (the "
        "interview has not finished); 1 skipped: these results were already sent.")
    assert [p["move_to"] for _k, p in outbox(ws)] == ["7002", "7003"]
    save_shot(page.window(), "send-results-banner.png")
