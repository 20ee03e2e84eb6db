"""A budget below what is already spent (issue 10, point 15: "$3.15 / $2 accepted without a
word"): refused with the consequence ("new invitations will pause") unless confirmed, in the
Interviewers table's budget cell (InterviewerService.set_budget) and the wizard's edit mode
(AuthoringService.update); a daily budget compares with today's spend only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from milo_desktop.enums import BudgetKind, SpendKind
from milo_desktop.models import Interviewer, SpendEntry
from milo_desktop.services.budget_check import BudgetBelowSpent
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_interviewer

MESSAGE = ("“Forklift Operator” has already spent $3.15 so far, more than a budget of $2.00: "
           "new invitations will pause until the budget is raised (candidates already invited "
           "carry on).")


def spend(ws: Workspace, iv: int, micros: int, when: dt.datetime, sid: str) -> None:
    ws.db.run_sync(lambda s: s.add(SpendEntry(
        service="twilio", kind=SpendKind.CALL, provider_sid=sid, amount_micros=micros,
        interviewer_id=iv, occurred_at=when)), write=True)


def budget(ws: Workspace, iv: int) -> tuple[BudgetKind, int | None]:
    return ws.db.run_sync(lambda s: (s.get(Interviewer, iv).budget_kind,
                                     s.get(Interviewer, iv).budget_cents))


def test_the_budget_cell_asks_before_a_budget_below_the_spend(workspace: Workspace,
                                                              arun: Any) -> None:
    ws = workspace
    ws.interviewers.clock = lambda: NOW
    iv = make_interviewer(ws, "Forklift Operator")
    spend(ws, iv, 3_150_000, NOW - dt.timedelta(days=2), "CA1")
    with pytest.raises(BudgetBelowSpent) as refused:
        arun(ws.interviewers.set_budget(iv, BudgetKind.ALL_TIME, 200))
    assert refused.value.message == MESSAGE and refused.value.spent_cents == 315
    assert budget(ws, iv) == (BudgetKind.NONE, None)
    arun(ws.interviewers.set_budget(iv, BudgetKind.ALL_TIME, 200, confirmed=True))
    assert budget(ws, iv) == (BudgetKind.ALL_TIME, 200)
    arun(ws.interviewers.set_budget(iv, BudgetKind.ALL_TIME, 315))  # equal: no question
    # A daily budget: only today's spend counts (the $3.15 was two days ago).
    arun(ws.interviewers.set_budget(iv, BudgetKind.DAILY, 200))
    assert budget(ws, iv) == (BudgetKind.DAILY, 200)
    spend(ws, iv, 2_500_000, NOW, "CA2")
    with pytest.raises(BudgetBelowSpent, match=r"has already spent \$2.50 today, more than a "
                       r"daily budget of \$1.00: new invitations will pause"):
        arun(ws.interviewers.set_budget(iv, BudgetKind.DAILY, 100))


def test_the_wizard_edit_asks_too_but_only_when_the_budget_changes(workspace: Workspace,
                                                                   arun: Any) -> None:
    ws = workspace
    ws.authoring.clock = lambda: NOW
    draft = ws.authoring.draft_from_template("line-cook")
    draft.phone_number = "+12145550100"
    iv = arun(ws.authoring.create(draft))
    spend(ws, iv, 3_150_000, NOW - dt.timedelta(hours=1), "CA3")
    edited = arun(ws.authoring.load_draft(iv))
    edited.budget_kind, edited.budget_cents = BudgetKind.ALL_TIME, 200
    with pytest.raises(BudgetBelowSpent, match="new invitations will pause"):
        arun(ws.authoring.update(iv, edited))
    assert budget(ws, iv) == (BudgetKind.NONE, None)
    arun(ws.authoring.update(iv, edited, confirm_budget=True))
    assert budget(ws, iv) == (BudgetKind.ALL_TIME, 200)
    again = arun(ws.authoring.load_draft(iv))
    again.days_to_complete = 5  # the budget as it was: saved without a question
    arun(ws.authoring.update(iv, again))
