"""A budget set below what is already spent: refused unless the user confirms, with the
consequence said ("new invitations will pause"). One check for every place a budget is
edited — the Spend cell of the Interviewers table (``InterviewerService.set_budget``) and the
wizard's Settings step in edit mode (``AuthoringService.update``) — over the same spend the
invite-time budget uses (``outreach/budget.py``, ``figures.spend_micros``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.figures import spend_micros

MICROS_PER_CENT = 10_000


class BudgetBelowSpent(ValidationProblem):
    """The new budget is below the spend in its window; saving it needs the user's yes."""

    def __init__(self, message: str, spent_cents: float, budget_cents: int) -> None:
        super().__init__(message)
        self.spent_cents = spent_cents
        self.budget_cents = budget_cents


def local_midnight(now: dt.datetime) -> dt.datetime:
    """The start of today on this computer, in UTC (a daily budget's window)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def money(cents: float, currency: str = "USD") -> str:
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{symbol}{cents / 100:,.2f}"


def spent_cents(s: Session, interviewer_id: int, kind: BudgetKind | str,
                now: dt.datetime) -> float:
    """What the interviewer has spent in a budget's window: all of it (all-time, or no
    budget), or since local midnight (daily)."""
    since = local_midnight(now) if BudgetKind(kind) == BudgetKind.DAILY else None
    return spend_micros(s, interviewer_id=interviewer_id, since=since) / MICROS_PER_CENT


def check_not_below_spent(s: Session, interviewer_id: int, name: str, kind: BudgetKind | str,
                          cents: int | None, now: dt.datetime, *, currency: str = "USD",
                          confirmed: bool = False) -> None:
    """BudgetBelowSpent when ``cents`` is below what is already spent in its window and the
    user has not confirmed it."""
    kind = BudgetKind(kind)
    if confirmed or kind == BudgetKind.NONE or cents is None:
        return
    spent = spent_cents(s, interviewer_id, kind, now)
    if cents >= spent:
        return
    period = "today" if kind == BudgetKind.DAILY else "so far"
    raise BudgetBelowSpent(
        f"“{name}” has already spent {money(spent, currency)} {period}, more than a "
        f"{'daily ' if kind == BudgetKind.DAILY else ''}budget of {money(cents, currency)}: "
        "new invitations will pause until the budget is raised (candidates already invited "
        "carry on).", spent, cents)
