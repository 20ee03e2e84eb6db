"""How the pipeline writes calls: statuses, review states, durations, call info. Pure
functions (no widgets) so the model, the delegates, the details pane and tests share them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from milo_desktop.enums import CallReview, CallStatus, InterviewerStatus
from milo_desktop.views import theme

CTX = "Pipeline"

# Pill colours by status: grey while the caller still has to confirm, blue/violet while the
# record moves, green once evaluated.
STATUS_COLORS = {
    CallStatus.AWAITING_CONFIRMATION: QColor("#6b7280"),
    CallStatus.CONFIRMED: QColor("#2563eb"),
    CallStatus.PROCESSING: QColor("#7c3aed"),
    CallStatus.EVALUATED: QColor("#16a34a"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def tab_titles() -> dict[str, str]:
    return {"all": tr("All"), "evaluated": tr("Evaluated"), "needs_review": tr("Needs Review"),
            "approved": tr("Approved"), "rejected": tr("Rejected")}


def status_text(status: CallStatus) -> str:
    return {
        CallStatus.AWAITING_CONFIRMATION: tr("Awaiting Confirmation"),
        CallStatus.CONFIRMED: tr("Confirmed"),
        CallStatus.PROCESSING: tr("Processing"),
        CallStatus.EVALUATED: tr("Evaluated"),
    }[CallStatus(status)]


def review_text(review: CallReview) -> str:
    return {
        CallReview.PENDING: tr("Not reviewed yet"),
        CallReview.NEEDS_REVIEW: tr("Needs review"),
        CallReview.APPROVED: tr("Approved"),
        CallReview.REJECTED: tr("Rejected"),
    }[CallReview(review)]


def review_color(review: CallReview) -> QColor:
    t = theme.current()
    return QColor({
        CallReview.PENDING: t.muted,
        CallReview.NEEDS_REVIEW: t.warning,
        CallReview.APPROVED: t.success,
        CallReview.REJECTED: t.danger,
    }[CallReview(review)])


def status_color(status: CallStatus) -> QColor:
    color = QColor(STATUS_COLORS[CallStatus(status)])
    return color.lighter(135) if theme.current().dark else color


def duration_text(seconds: int | None) -> str:
    """"2:34", "1:02:05"; "—" when unknown."""
    if seconds is None:
        return "—"
    h, rest = divmod(max(0, int(seconds)), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def evaluations_text(n: int) -> str:
    return tr("1 evaluation") if n == 1 else tr("{n} evaluations").format(n=n)


def call_info_text(duration_s: int | None, evaluations: int, has_recording: bool) -> str:
    """"2:34 · 4 evaluations · ● recording"."""
    parts = [duration_text(duration_s), evaluations_text(evaluations)]
    if has_recording:
        parts.append(tr("● recording"))
    return " · ".join(parts)


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}"


def interviewer_choice_text(name: str, status: InterviewerStatus, usable: bool,
                            already_invited: bool, is_default: bool) -> str:
    text = name
    if is_default:
        text = tr("{name} (default)").format(name=name)
    if not usable:
        why = {InterviewerStatus.ARCHIVED: tr("archived"),
               InterviewerStatus.DRAFT: tr("draft")}.get(InterviewerStatus(status),
                                                         tr("expired"))
        return tr("{name} — {why}").format(name=text, why=why)
    if already_invited:
        return tr("{name} — already invited").format(name=text)
    return text


def unverified_tag() -> str:
    """The muted tag beside a number that did not normalise."""
    return tr("unverified")


def phone_cell_text(phone_display: str, unverified: bool) -> str:
    """The phone column's text for copy and screen readers ("😀 (unverified)")."""
    if unverified and phone_display:
        return tr("{number} (unverified)").format(number=phone_display)
    return phone_display


def unverified_tooltip(dial_number: str | None) -> str:
    text = tr("Not a valid phone number: this is what the caller gave, as Twilio sent it. "
              "Milo Desktop does not call or text it without asking you.")
    if dial_number:
        text += "\n" + tr("Calls and texts would go to {number}, the number they called "
                          "from.").format(number=dial_number)
    return text


def confirm_call_text(shown: str, dial_display: str) -> str:
    return tr("The caller's number “{shown}” is unverified: it is not a valid phone number. "
              "Call {number}, the number they called from, anyway?").format(
        shown=shown, number=dial_display)
