"""How the Interviewers screens write things: workflows, money, deadlines, durations, stage
cells. Pure functions (no widgets) so the table models and their tests share them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from milo_desktop.enums import (
    ApplicationStatus,
    BudgetKind,
    InterviewerStatus,
    StageKind,
    StageStatus,
)
from milo_desktop.views.widgets.formatting import ago_text, money_text
from milo_desktop.views.widgets.formatting import local_date as _local_date

CTX = "Interviewers"
WARN_DAYS = 7  # a deadline closer than this is shown in the warning colour

STATUS_COLORS = {
    InterviewerStatus.ACTIVE: QColor("#16a34a"),
    InterviewerStatus.DRAFT: QColor("#9ca3af"),
    InterviewerStatus.EXPIRED: QColor("#d97706"),
    InterviewerStatus.ARCHIVED: QColor("#64748b"),
}
WARNING_COLOR = QColor("#b45309")
DANGER_COLOR = QColor("#dc2626")
MUTED_COLOR = QColor("#6b7280")


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def stage_kind_text(kind: StageKind) -> str:
    return {
        StageKind.RESUME: tr("Résumé"),
        StageKind.VOICE: tr("Voice"),
        StageKind.SMS: tr("SMS"),
        StageKind.FORM: tr("Form"),
    }[StageKind(kind)]


def workflow_text(kinds: tuple[StageKind, ...]) -> str:
    return " → ".join(stage_kind_text(k) for k in kinds) if kinds else tr("No stages")


def interviewer_status_text(status: InterviewerStatus) -> str:
    return {
        InterviewerStatus.DRAFT: tr("Draft"),
        InterviewerStatus.ACTIVE: tr("Active"),
        InterviewerStatus.EXPIRED: tr("Expired"),
        InterviewerStatus.ARCHIVED: tr("Archived"),
    }[InterviewerStatus(status)]


def application_status_text(status: ApplicationStatus) -> str:
    return {
        ApplicationStatus.PENDING: tr("Pending"),
        ApplicationStatus.IN_PROGRESS: tr("In progress"),
        ApplicationStatus.EVALUATING: tr("Evaluating"),
        ApplicationStatus.COMPLETED: tr("Completed"),
        ApplicationStatus.SHORTLISTED: tr("Shortlisted"),
        ApplicationStatus.DISMISSED: tr("Dismissed"),
        ApplicationStatus.KNOCKED_OUT: tr("Knocked out"),
    }[ApplicationStatus(status)]


def stage_status_text(status: StageStatus) -> str:
    return {
        StageStatus.NOT_STARTED: tr("not started"),
        StageStatus.IN_PROGRESS: tr("in progress"),
        StageStatus.COMPLETED: tr("completed"),
        StageStatus.KNOCKED_OUT: tr("knocked out"),
    }[StageStatus(status)]


# ----- money -----------------------------------------------------------------------------------
def micros_to_cents(micros: int) -> int:
    return round(micros / 10_000)


def spend_text(spend_micros: int, today_micros: int, kind: BudgetKind, budget_cents: int | None,
               currency: str = "USD") -> str:
    """ "$12" without a budget, "$3 / $1k" against an all-time budget, "$3 / $50/day" (today's
    spend) against a daily one."""
    kind = BudgetKind(kind)
    if kind == BudgetKind.NONE or budget_cents is None:
        return money_text(micros_to_cents(spend_micros), currency)
    if kind == BudgetKind.DAILY:
        return tr("{spent} / {budget}/day").format(
            spent=money_text(micros_to_cents(today_micros), currency),
            budget=money_text(budget_cents, currency))
    return f"{money_text(micros_to_cents(spend_micros), currency)} / " \
           f"{money_text(budget_cents, currency)}"


def over_budget(spend_micros: int, today_micros: int, kind: BudgetKind,
                budget_cents: int | None) -> bool:
    if budget_cents is None or kind == BudgetKind.NONE:
        return False
    spent = today_micros if kind == BudgetKind.DAILY else spend_micros
    return micros_to_cents(spent) >= budget_cents


def parse_dollars(text: str) -> int | None:
    """"250", "$99.50", "1,200" → cents; "" → None. Raises ValueError on anything else."""
    cleaned = text.strip().replace("$", "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    exponent = value.as_tuple().exponent  # a letter for NaN and infinities, else an int
    if not isinstance(exponent, int) or exponent < -2:
        raise ValueError(text)
    return int(value * 100)


# ----- time ------------------------------------------------------------------------------------
def deadline_text(deadline: dt.datetime | None, now: dt.datetime) -> str:
    """"4d left", "5h left", "Expired 3d ago", "No deadline"."""
    if deadline is None:
        return tr("No deadline")
    if deadline > now:
        left = deadline - now
        if left < dt.timedelta(days=1):
            return tr("{n}h left").format(n=max(1, left.seconds // 3600))
        return tr("{n}d left").format(n=left.days)
    ago = now - deadline
    if ago < dt.timedelta(days=1):
        return tr("Expired {n}h ago").format(n=max(1, ago.seconds // 3600))
    return tr("Expired {n}d ago").format(n=ago.days)


def deadline_is_near(deadline: dt.datetime | None, now: dt.datetime) -> bool:
    return deadline is not None and now < deadline < now + dt.timedelta(days=WARN_DAYS)


def duration_text(delta: dt.timedelta) -> str:
    """"3 weeks", "5 days", "2 months", "1 year", "today"."""
    days = delta.days
    if days < 1:
        return tr("today")
    for size, one, many in (
        (365, tr("1 year"), tr("{n} years")),
        (30, tr("1 month"), tr("{n} months")),
        (7, tr("1 week"), tr("{n} weeks")),
        (1, tr("1 day"), tr("{n} days")),
    ):
        if days >= size:
            n = days // size
            return one if n == 1 else many.format(n=n)
    return tr("today")  # pragma: no cover - days >= 1 always matched


def active_for_text(status: InterviewerStatus, activated_at: dt.datetime | None,
                    deadline: dt.datetime | None, now: dt.datetime) -> str:
    """How long it has been live: until now, or until its deadline once expired."""
    if activated_at is None:
        return "—"
    end = now
    if status == InterviewerStatus.EXPIRED and deadline is not None and deadline < now:
        end = deadline
    return duration_text(max(end - activated_at, dt.timedelta(0)))


def local_date_text(when: dt.datetime) -> str:
    """The local calendar date, in the one date style of the app ("Nov 3, 2026")."""
    return _local_date(when)


__all__ = ["ago_text", "money_text"]  # re-exported for this screen's callers


# ----- candidates ------------------------------------------------------------------------------
def stage_cell_text(status: StageStatus | None, score: float | None, passed: int,
                    total: int) -> str:
    """"74% • 2/3", "80%", "in progress", "pending", "knocked out"."""
    if status is None or status == StageStatus.NOT_STARTED:
        return tr("pending")
    if status == StageStatus.KNOCKED_OUT:
        return tr("knocked out")
    if status == StageStatus.IN_PROGRESS:
        return tr("in progress")
    parts = []
    if score is not None:
        parts.append(f"{round(score):d}%")
    if total:
        parts.append(f"{passed}/{total}")
    return " • ".join(parts) if parts else tr("completed")
