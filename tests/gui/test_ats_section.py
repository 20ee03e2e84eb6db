"""Source Candidates → From ATS: the Greenhouse card connects through its dialog against the
Greenhouse sandbox (a real server on 127.0.0.1), the jobs imported from it are listed, a job is
linked to an interviewer through the Link dialog and unlinked, its waiting people invited; the
Interviewers table's ATS column follows; screenshots at 1440×900, light and dark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import StageKind
from milo_desktop.models import Application, AtsJob
from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.ats.views import REJECT
from milo_desktop.views.ats import AtsSection
from milo_desktop.views.ats.cards import ConnectDialog
from milo_desktop.views.context import ViewContext
from milo_desktop.views.interviewers import InterviewersSection
from milo_desktop.views.main_window import MainWindow
from milo_desktop.views.widgets.ats_link import LinkDialog
from tests.factories import make_interviewer
from tests.gui.ats_rig import attach, import_jobs, run, save_shot, seed

WAIT = 15_000
LONG = ("Senior Warehouse Operations Supervisor — Night Shift, Cold Storage and Hazardous "
        "Materials Handling (Dallas–Fort Worth Distribution Center)")


@pytest.fixture
def box() -> Iterator[GreenhouseSandbox]:
    sandbox = GreenhouseSandbox()
    with sandbox.running():
        yield sandbox


def shown(qtbot: Any, ctx: ViewContext) -> AtsSection:
    section = AtsSection(ctx)
    qtbot.addWidget(section)
    section.resize(1230, 860)
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.show()
    return section


def cell(section: AtsSection, row: int, key: str) -> str:
    model = section.model
    column = next(i for i, c in enumerate(model.COLUMNS) if c[0] == key)
    return str(model.data(model.index(row, column)))


def test_connect_greenhouse_through_its_card(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox) -> None:
    chain = attach(pinned_ctx.workspace)
    section = shown(qtbot, pinned_ctx)
    card = section.cards["greenhouse"]
    assert "Not connected" in card.status.text()
    assert card.test_button.isHidden() and card.disconnect_button.isHidden()
    overlay = section.table.overlay
    assert overlay.isVisible()
    assert overlay.title.text() == "Connect your ATS to see its jobs here"

    card.connect_button.click()
    dialog = section.dialog
    assert isinstance(dialog, ConnectDialog)
    assert dialog.edits["client_secret"].echoMode() == dialog.edits["client_secret"].EchoMode.Password
    assert dialog.base_edit.text() == "https://harvest.greenhouse.io"  # the real one, prefilled
    creds = box.credentials()
    dialog.edits["client_id"].setText(creds["client_id"])
    dialog.edits["user_id"].setText(creds["user_id"])
    dialog.edits["client_secret"].setText("not-the-secret")
    dialog.set_advanced_open(True)
    dialog.base_edit.setText(box.base_url)
    dialog.connect_button.click()
    assert dialog.busy and not dialog.connect_button.isEnabled()  # never blocks: it waits
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert dialog.message.tone == "danger"
    assert dialog.message.text().startswith("Greenhouse refused these credentials")
    assert chain.items == {}  # nothing kept from a refused test
    assert dialog.isVisible()

    dialog.edits["client_secret"].setText(creds["client_secret"])
    with qtbot.waitSignal(dialog.connected, timeout=WAIT):
        dialog.connect_button.click()
    assert creds["client_secret"] in chain.items.values()
    qtbot.waitUntil(lambda: "Connected" in card.status.text(), timeout=WAIT)
    assert card.message.text().startswith("Connected to Greenhouse")
    assert not card.test_button.isHidden() and not card.disconnect_button.isHidden()
    assert card.connect_button.text() == "Change…"
    qtbot.waitUntil(lambda: overlay.title.text() == "No jobs yet", timeout=WAIT)

    # Test connection asks Greenhouse again, in the background.
    card.test_button.click()
    qtbot.waitUntil(lambda: not card.is_busy(), timeout=WAIT)
    assert card.message.tone == "success"

    # Disconnect asks first; No keeps everything.
    card.ask_user = lambda *_a: False  # type: ignore[method-assign]
    card.disconnect_button.click()
    assert creds["client_secret"] in chain.items.values()
    card.ask_user = lambda *_a: True  # type: ignore[method-assign]
    card.disconnect_button.click()
    qtbot.waitUntil(lambda: "Not connected" in card.status.text(), timeout=WAIT)
    assert creds["client_secret"] not in chain.items.values()


def test_link_a_job_through_the_dialog_invite_its_people_and_unlink_it(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox) -> None:
    ws = pinned_ctx.workspace
    attach(ws)
    iid = make_interviewer(ws, "Forklift Screening", stages=(StageKind.RESUME,))
    seed(box)
    import_jobs(qtbot, pinned_ctx, box)
    section = shown(qtbot, pinned_ctx)
    assert section.model.rowCount() == 1
    assert (cell(section, 0, "title"), cell(section, 0, "people"),
            cell(section, 0, "interviewer"), cell(section, 0, "waiting")) == (
        "Forklift Operator", "3", "Not linked", "—")
    assert not section.link_button.isEnabled()
    section.table.selectRow(0)
    assert section.link_button.isEnabled() and not section.unlink_button.isEnabled()
    assert not section.invite_button.isEnabled()

    section.link_button.click()
    dialog = section.dialog
    assert isinstance(dialog, LinkDialog)
    qtbot.waitUntil(lambda: dialog.picker.count() > 0, timeout=WAIT)
    assert dialog.picker.select_value(iid)
    combos = dialog.editor.stage_combos
    stages = dict(section.model.row_at(0).stages)  # type: ignore[union-attr]
    phone = next(i for i, name in stages.items() if name == "Phone Screen")
    assert [combos["completed"].itemText(i) for i in range(combos["completed"].count())] == [
        "Do nothing", "Application Review", "Phone Screen", "Offer", "Reject at the ATS"]
    combos["completed"].setCurrentIndex(combos["completed"].findData(phone))
    combos["knocked_out"].setCurrentIndex(combos["knocked_out"].findData(REJECT))
    dialog.editor.reject_check.setChecked(True)
    dialog.editor.reason_edit.setText("Not enough forklift experience")
    dialog.editor.auto_invite_check.setChecked(True)
    with qtbot.waitSignal(dialog.linked, timeout=WAIT):
        dialog.link_button.click()

    qtbot.waitUntil(lambda: cell(section, 0, "interviewer") == "Forklift Screening",
                    timeout=WAIT)
    assert cell(section, 0, "waiting") == "3"
    assert "Linked Forklift Operator to Forklift Screening" in section.banner.text()
    job = ws.db.run_sync(lambda s: s.scalars(select(AtsJob)).one())
    assert job.interviewer_id == iid
    assert job.stage_mapping == {"completed": phone, "knocked_out": REJECT}
    assert job.write_back["reject"] is True
    assert job.write_back["reject_reason"] == "Not enough forklift experience"
    assert job.auto_invite is True

    section.table.selectRow(0)
    assert section.invite_button.isEnabled()
    assert section.invite_button.text() == "Invite 3 waiting…"
    section.ask_user = lambda *_a: True  # type: ignore[method-assign]
    section.invite_button.click()
    qtbot.waitUntil(lambda: "Invitations for Forklift Operator" in section.banner.text(),
                    timeout=WAIT)
    qtbot.waitUntil(lambda: cell(section, 0, "waiting") == "0", timeout=WAIT)
    apps = ws.db.run_sync(lambda s: s.scalars(select(Application.interviewer_id)).all())
    assert apps == [iid, iid, iid]

    section.table.selectRow(0)
    section.ask_user = lambda *_a: False  # type: ignore[method-assign]
    section.unlink_button.click()
    assert cell(section, 0, "interviewer") == "Forklift Screening"
    section.ask_user = lambda *_a: True  # type: ignore[method-assign]
    section.unlink_button.click()
    qtbot.waitUntil(lambda: cell(section, 0, "interviewer") == "Not linked", timeout=WAIT)
    assert ws.db.run_sync(lambda s: s.scalars(select(AtsJob.interviewer_id)).one()) is None


def test_search_and_the_empty_states(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox) -> None:
    ws = pinned_ctx.workspace
    attach(ws)
    run(qtbot, pinned_ctx, ws.ats.connect("greenhouse", box.credentials(), box.base_url))
    section = shown(qtbot, pinned_ctx)
    assert section.table.overlay.title.text() == "No jobs yet"
    seed(box, "Forklift Operator")
    seed(box, "Night Picker", [("Dev", "Patel")])
    import_jobs(qtbot, pinned_ctx, box)  # publishes AtsChanged: the screen reloads itself
    qtbot.waitUntil(lambda: section.model.rowCount() == 2, timeout=WAIT)
    assert section.table.overlay.isHidden()
    section.search.setText("picker")
    qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=WAIT)
    assert cell(section, 0, "title") == "Night Picker"
    section.search.setText("no such job")
    qtbot.waitUntil(lambda: section.model.rowCount() == 0, timeout=WAIT)
    assert section.table.overlay.title.text() == "No jobs match"


def test_import_from_csv_opens_the_csv_import_dialog(
        qtbot: Any, pinned_ctx: ViewContext) -> None:
    from milo_desktop.views.widgets.csv_import_dialog import CsvImportDialog

    attach(pinned_ctx.workspace)
    section = shown(qtbot, pinned_ctx)
    assert section.findChild(CsvImportDialog) is None
    section.import_button.click()
    dialog = section.findChild(CsvImportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_the_interviewers_table_says_which_ats_and_how_fresh(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox) -> None:
    ws = pinned_ctx.workspace
    attach(ws)
    linked = make_interviewer(ws, "Forklift Screening")
    make_interviewer(ws, "Barista")
    seed(box)
    import_jobs(qtbot, pinned_ctx, box)
    job_id = ws.db.run_sync(lambda s: s.scalars(select(AtsJob.id)).one())
    run(qtbot, pinned_ctx, ws.ats.link_job(job_id, linked))
    seen = ws.db.run_sync(lambda s: s.scalars(select(AtsJob.seen_at)).one())
    ws.ats.clock = lambda: seen + dt.timedelta(minutes=2)
    section = InterviewersSection(pinned_ctx)
    qtbot.addWidget(section)
    section.resize(1600, 900)
    with qtbot.waitSignal(section.loaded, timeout=WAIT):
        section.show()
    model = section.list_page.model
    column = model.column_index("ats")
    texts = {r.name: model.data(model.index(i, column)) for i, r in enumerate(model.rows())}
    assert texts == {"Forklift Screening": "Greenhouse · synced 2 min ago", "Barista": "—"}
    row = next(i for i, r in enumerate(model.rows()) if r.name == "Forklift Screening")
    tip = model.data(model.index(row, column), 3)  # ToolTipRole
    assert tip.startswith("Greenhouse · synced 2 min ago\n")


def test_screenshots_light_and_dark_empty_and_populated(
        qtbot: Any, pinned_ctx: ViewContext, box: GreenhouseSandbox, apply_theme: Any) -> None:
    ws = pinned_ctx.workspace
    attach(ws)
    for dark in (False, True):
        apply_theme(dark)
        window = MainWindow(pinned_ctx)
        window.persist_state = False
        qtbot.addWidget(window)
        window.resize(1440, 900)
        window.show()
        window.show_ats()
        qtbot.waitUntil(window.ats.is_loaded, timeout=WAIT)
        assert window.current_section() is window.ats
        qtbot.waitUntil(lambda: not ws.tasks.running, timeout=WAIT)
        save_shot(window, f"ats-empty-{'dark' if dark else 'light'}.png")
        window.close()
    run(qtbot, pinned_ctx, ws.ats.connect("greenhouse", box.credentials(), box.base_url))
    seed(box, LONG, [("Ana", "Lopez"), ("Ben", "Cho"), ("Carla", "Diaz"), ("Eve", "Adams")])
    seed(box, "Forklift Operator")
    seed(box, "Night Picker", [("Dev", "Patel")])
    import_jobs(qtbot, pinned_ctx, box)
    iid = make_interviewer(ws, "Cold Storage Supervisor Screening (Night Shift, DFW)")
    long_id = ws.db.run_sync(lambda s: s.scalars(select(AtsJob.id).where(AtsJob.title == LONG))
                             .one())
    run(qtbot, pinned_ctx, ws.ats.link_job(long_id, iid))
    for dark in (False, True):
        apply_theme(dark)
        window = MainWindow(pinned_ctx)
        window.persist_state = False
        qtbot.addWidget(window)
        window.resize(1440, 900)
        window.show()
        window.show_ats()
        qtbot.waitUntil(lambda w=window: w.ats.model.rowCount() == 3, timeout=WAIT)
        window.ats.table.selectRow(0)
        qtbot.waitUntil(lambda: not ws.tasks.running, timeout=WAIT)
        save_shot(window, f"ats-populated-{'dark' if dark else 'light'}.png")
        window.ats.open_link(window.ats.current_job())
        dialog = window.ats.dialog
        assert isinstance(dialog, LinkDialog)
        qtbot.waitUntil(lambda d=dialog: d.picker.count() > 0, timeout=WAIT)
        save_shot(dialog, f"ats-link-dialog-{'dark' if dark else 'light'}.png")
        dialog.reject()
        window.close()
