"""Flows that cannot progress are flagged up front (issue 10, point 1): an interviewer whose
first stage is SMS screening and which has no phone number. The wizard's Settings and Share
steps say what is missing and Create saves it as a draft; its page says so and refuses to
activate it, with the reason, until a number is set; then it activates and invites go."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from milo_desktop.enums import InterviewerStatus, StageKind
from milo_desktop.models import Interviewer, WorkspaceSetting
from milo_desktop.services.authoring import StageDraft
from milo_desktop.services.outreach import CommunicationPolicy
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard
from milo_desktop.views.interviewers.section import InterviewersSection
from tests.factories import make_candidate


def open_wizard(qtbot: Any, ctx: Any) -> AuthoringWizard:
    wizard = AuthoringWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    return wizard


def to_step(qtbot: Any, wizard: AuthoringWizard, step: int) -> None:
    while wizard.current_step() < step:
        qtbot.waitUntil(wizard.next_button.isEnabled)
        wizard.next_button.click()


def status_of(ws: Workspace, slug: str) -> InterviewerStatus:
    return ws.db.run_sync(lambda s: s.scalar(select(Interviewer.status).where(
        Interviewer.slug == slug)))


def test_sms_first_without_a_number_is_flagged_saved_as_draft_and_refused_until_fixed(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    wizard = open_wizard(qtbot, ctx)
    wizard.plan.choose_template("line-cook")
    # SMS screening first, before the template's stages.
    wizard.draft.stages.insert(0, StageDraft.new(StageKind.SMS))
    wizard.draft.stages[0].questions = [q.fresh_copy() for q in
                                        wizard.draft.stages[-1].questions[:2]]
    wizard.stages.load(wizard.draft)
    to_step(qtbot, wizard, 4)  # Settings
    settings = wizard.settings
    assert settings.phone.lineEdit().placeholderText() == "+12145550100 (needed)"
    assert settings.phone_hint.text() == (
        "Needed: “SMS screening”, “Voice interview” calls or texts candidates from this "
        "number (or from the default SMS sender under Outreach → Communication policy). Without "
        "one, Create saves a draft.")
    assert "optional" not in settings.phone_hint.text()
    to_step(qtbot, wizard, 5)  # Share
    share = wizard.share
    assert share.readiness.isVisible()
    assert "It can't go live yet, so Create saves it as a draft:" in share.readiness.text()
    assert wizard.next_button.text() == "Save as draft"
    slug = wizard.draft.slug
    with qtbot.waitSignal(wizard.created, timeout=10_000) as created:
        wizard.next_button.click()
    iv = created.args[0]
    assert status_of(ws, slug) == InterviewerStatus.DRAFT

    # Its page says what is missing; Activate is refused with the reason.
    section = InterviewersSection(ctx)
    qtbot.addWidget(section)
    section.resize(1440, 900)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        section.show()
    section.open_interviewer(iv)
    page = section.detail_page
    qtbot.waitUntil(page.is_loaded, timeout=10_000)
    line = page.readiness
    qtbot.waitUntil(lambda: line.isVisible() and line.readiness is not None)
    assert "This draft can't go live yet: The “SMS screening” stage texts candidates" in \
        line.text.text()
    assert line.activate_button.isVisible()
    line.activate_button.click()
    qtbot.waitUntil(lambda: "can't go live yet: The “SMS screening”" in line.text.text()
                    and "“" + page.detail.name + "” can't go live yet" in line.text.text())
    assert status_of(ws, slug) == InterviewerStatus.DRAFT

    # A default SMS sender is a number to text from: now it activates, and the line goes.
    ws.db.run_sync(lambda s: s.add(WorkspaceSetting(key="outreach.policy", value=(
        CommunicationPolicy(sms_from="+12145550190").to_json()))), write=True)
    page.readiness.load(iv, InterviewerStatus.DRAFT)
    qtbot.waitUntil(lambda: "activate it to start" in line.text.text())
    with qtbot.waitSignal(line.activated, timeout=5000):
        line.activate_button.click()
    assert status_of(ws, slug) == InterviewerStatus.ACTIVE
    qtbot.waitUntil(lambda: not line.activate_button.isVisible()
                    and "can't" not in line.text.text())
    ana = make_candidate(ws, "Ana Text", phone_e164="+15550100222")
    task = ctx.spawn(ws.outreach.invite([ana], iv), "test.invite")
    qtbot.waitUntil(task.done)
    assert task.result().queued == 1
