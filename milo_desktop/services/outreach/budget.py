"""The interviewer's budget at invite time: how many more candidates it has room for.

Spend is what the providers reported (``spend``, micro-units; the same ledger SpendService and
the Interviewers table sum), against ``budget_cents``: all-time, or since local midnight for a
daily budget. With an estimated cost per completed interview, the room left also keeps back
the cost of candidates invited in that window who have not started yet (they will spend it);
without an estimate, invitations stop only once the budget is used up. Candidates already in a
flow are never cut off: this is only asked about new invitations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.enums import ApplicationStatus, BudgetKind
from milo_desktop.models import Application, Interviewer
from milo_desktop.services.budget_check import local_midnight, spent_cents

MICROS_PER_CENT = 10_000


@dataclass(frozen=True)
class BudgetRoom:
    room: int | None  # how many more may be invited; None: no limit
    reason: str = ""  # why invitations stop, in the recruiter's words


_local_midnight = local_midnight  # one window for a daily budget (budget_check.py)


def _money(cents: float, currency: str) -> str:
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{symbol}{cents / 100:,.2f}"


def budget_room(s: Session, iv: Interviewer, now: dt.datetime) -> BudgetRoom:
    if iv.budget_kind == BudgetKind.NONE or iv.budget_cents is None:
        return BudgetRoom(None)
    since = _local_midnight(now) if iv.budget_kind == BudgetKind.DAILY else None
    waiting = select(func.count()).select_from(Application).where(
        Application.interviewer_id == iv.id, Application.status == ApplicationStatus.PENDING)
    if since is not None:
        waiting = waiting.where(Application.created_at >= since)
    used_cents = spent_cents(s, iv.id, iv.budget_kind, now)  # the one spend (figures.py)
    left = iv.budget_cents - used_cents
    period = "today's" if since is not None else "its"
    budget = _money(iv.budget_cents, iv.currency)
    if left <= 0:
        return BudgetRoom(0, f"“{iv.name}” has used {period} budget of {budget}. Raise the "
                             "budget to invite more candidates.")
    est = iv.est_cost_per_interview_cents
    if not est:
        return BudgetRoom(None)
    pending = int(s.scalar(waiting) or 0)
    room = max(0, int((left - pending * est) // est))
    if room == 0:
        return BudgetRoom(0, f"“{iv.name}” has {_money(left, iv.currency)} of {period} "
                             f"{budget} budget left, already set aside for {pending} invited "
                             f"candidates at about {_money(est, iv.currency)} per interview. "
                             "Raise the budget to invite more.")
    return BudgetRoom(room, f"“{iv.name}” has {_money(left, iv.currency)} of {period} {budget} "
                            f"budget left: room for {room} more at about "
                            f"{_money(est, iv.currency)} per completed interview.")
