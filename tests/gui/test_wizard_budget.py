"""The wizard's Settings step in edit mode: a budget below what the interviewer already spent
is said under the budget ("new invitations will pause"), and Save asks first (issue 10,
point 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QMessageBox

from milo_desktop.enums import BudgetKind, SpendKind
from milo_desktop.models import Interviewer, SpendEntry
from milo_desktop.services.workspace import Workspace
from milo_desktop.views.authoring import AuthoringWizard


def test_editing_a_budget_below_the_spend_says_so_and_asks(
        qtbot: Any, make_ctx: Any, sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ctx = make_ctx(ws)
    draft = ws.authoring.draft_from_template("line-cook")
    draft.phone_number = "+12145550100"
    task = ctx.spawn(ws.authoring.create(draft), "test.create")
    qtbot.waitUntil(task.done)
    iv = task.result()
    ws.db.run_sync(lambda s: s.add(SpendEntry(
        service="twilio", kind=SpendKind.CALL, provider_sid="CA1", amount_micros=3_150_000,
        interviewer_id=iv, occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))),
        write=True)
    wizard = AuthoringWizard(ctx, interviewer_id=iv)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(wizard.is_loaded)
    wizard._show(4)  # Settings
    settings = wizard.settings
    settings.budget_buttons[BudgetKind.ALL_TIME].setChecked(True)
    settings.amount.setValue(2)
    assert settings.budget_notice.isVisible()
    assert settings.budget_notice.text() == (
        "Already spent $3.15 so far, more than this budget: new invitations will pause until "
        "it is raised. Saving asks you to confirm.")
    wizard.resize(1440, 900)
    settings.amount.setValue(5)
    assert not settings.budget_notice.isVisible()
    settings.amount.setValue(2)
    wizard._show(5)  # Share
    qtbot.waitUntil(wizard.next_button.isEnabled)
    wizard.next_button.click()  # Save changes
    qtbot.waitUntil(lambda: wizard.budget_question is not None)
    box = wizard.budget_question
    assert "new invitations will pause" in box.text()
    stored = lambda: ws.db.run_sync(lambda s: s.get(Interviewer, iv).budget_cents)  # noqa: E731
    assert stored() is None  # nothing saved before the answer
    with qtbot.waitSignal(wizard.saved, timeout=10_000):
        next(b for b in box.buttons() if b.text() == "Save anyway").click()
    assert stored() == 200
    assert isinstance(box, QMessageBox)
