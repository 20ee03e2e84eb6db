"""The interviewer page's Integrations tab: not linked, it says why one would link and lists the
ATS jobs (imported from the Greenhouse sandbox over a socket); linked, it shows the job and
edits the link's stage mapping, write-back options and auto-invite, saved with save_link;
Unlink asks first. Screenshots light and dark in /work/shots-ats/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.models import AtsJob
from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.ats.views import REJECT
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.interviewers.detail_page import InterviewerPage
from milo_desktop.views.widgets.ats_link import LinkDialog
from tests.factories import make_interviewer
from tests.gui.ats_rig import attach, import_jobs, run, save_shot, seed

WAIT = 15_000


@pytest.fixture
def box() -> Iterator[GreenhouseSandbox]:
    sandbox = GreenhouseSandbox()
    with sandbox.running():
        yield sandbox


def integrations_of(qtbot: Any, ctx: ViewContext, iid: int) -> InterviewerPage:
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1230, 860)
    section.show()
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.open_interviewer(iid)
    page = section.detail_page
    page.tabs.setCurrentWidget(page.integrations)
    qtbot.waitUntil(page.integrations.is_loaded, timeout=WAIT)
    return page


def job_row(ctx: ViewContext) -> AtsJob:
    return ctx.workspace.db.run_sync(lambda s: s.scalars(
        select(AtsJob).where(AtsJob.title == "Forklift Operator")).one())


def test_link_edit_save_and_unlink_from_the_interviewer(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox, apply_theme: Any) -> None:
    apply_theme(False)
    ws = pinned_ctx.workspace
    attach(ws)
    iid = make_interviewer(ws, "Forklift Screening")
    seed(box, "Forklift Operator")
    seed(box, "Night Picker", [("Dev", "Patel")])
    import_jobs(qtbot, pinned_ctx, box)
    page = integrations_of(qtbot, pinned_ctx, iid)
    tab = page.integrations
    assert not tab.unlinked.isHidden() and tab.linked.isHidden()
    assert "Link this interviewer to a job" in tab.explain.text()

    tab.link_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, LinkDialog)
    qtbot.waitUntil(lambda: dialog.picker.count() == 2, timeout=WAIT)
    forklift = job_row(pinned_ctx).id
    assert dialog.picker.select_value(forklift)
    assert dialog.editor.job is not None and dialog.editor.job.title == "Forklift Operator"
    combo = dialog.editor.stage_combos["completed"]
    combo.setCurrentIndex(combo.findText("Phone Screen"))
    with qtbot.waitSignal(dialog.linked, timeout=WAIT):
        dialog.link_button.click()
    qtbot.waitUntil(lambda: not tab.linked.isHidden(), timeout=WAIT)
    assert "Forklift Operator" in tab.job_label.text()
    assert "Greenhouse" in tab.job_label.text()
    assert tab.sync_label.text().startswith("Greenhouse · ")
    assert tab.editor.stage_combos["completed"].currentText() == "Phone Screen"
    assert not tab.save_button.isEnabled()  # nothing edited yet
    save_shot(page.window(), "interviewer-integrations-light.png")

    # Edit the mapping and the options, then save.
    shortlisted = tab.editor.stage_combos["shortlisted"]
    shortlisted.setCurrentIndex(shortlisted.findText("Offer"))
    assert tab.save_button.isEnabled()
    dismissed = tab.editor.stage_combos["dismissed"]
    dismissed.setCurrentIndex(dismissed.findData(REJECT))
    tab.editor.reject_check.setChecked(True)
    tab.editor.note_check.setChecked(False)
    tab.editor.auto_invite_check.setChecked(True)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.text().startswith("Saved."), timeout=WAIT)
    assert not tab.save_button.isEnabled()
    job = job_row(pinned_ctx)
    stages = {name: sid for sid, name in
              ((str(st["id"]), str(st["name"])) for st in job.stages)}
    assert job.stage_mapping == {"completed": stages["Phone Screen"],
                                 "shortlisted": stages["Offer"], "dismissed": REJECT}
    assert (job.write_back["note"], job.write_back["move"], job.write_back["reject"]) == (
        False, True, True)
    assert job.auto_invite is True

    # Unlink asks; No keeps the link.
    tab.ask_user = lambda *_a: False  # type: ignore[method-assign]
    tab.unlink_button.click()
    assert job_row(pinned_ctx).interviewer_id == iid
    tab.ask_user = lambda *_a: True  # type: ignore[method-assign]
    tab.unlink_button.click()
    qtbot.waitUntil(lambda: not tab.unlinked.isHidden(), timeout=WAIT)
    assert job_row(pinned_ctx).interviewer_id is None
    assert tab.message.text() == "Unlinked Forklift Operator."


def test_unsaved_edits_survive_a_sync_and_dark_screenshot(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox, apply_theme: Any) -> None:
    apply_theme(True)
    ws = pinned_ctx.workspace
    attach(ws)
    iid = make_interviewer(ws, "Forklift Screening")
    seed(box, "Forklift Operator")
    import_jobs(qtbot, pinned_ctx, box)
    run(qtbot, pinned_ctx, ws.ats.link_job(job_row(pinned_ctx).id, iid))
    page = integrations_of(qtbot, pinned_ctx, iid)
    tab = page.integrations
    qtbot.waitUntil(lambda: not tab.linked.isHidden(), timeout=WAIT)
    tab.editor.auto_invite_check.setChecked(True)
    assert tab.save_button.isEnabled()
    with qtbot.waitSignal(pinned_ctx.bridge.atsChanged, timeout=WAIT):
        import_jobs(qtbot, pinned_ctx, box)  # AtsChanged arrives while the user edits
    qtbot.waitUntil(lambda: not ws.tasks.running, timeout=WAIT)  # any reload it started
    assert tab.editor.auto_invite_check.isChecked() and tab.save_button.isEnabled()
    save_shot(page.window(), "interviewer-integrations-dark.png")
