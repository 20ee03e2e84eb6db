"""The status machines of applications and their stages, as explicit transition tables.

Why tables: several services move applications (stage results arriving from sync, the résumé
stage, the recruiter's Shortlist / Dismiss buttons), and every one of them must agree on what is
legal. Staying in the same status is *not* a transition: the check functions refuse it, and a
caller that may legitimately leave the status unchanged (a middle stage finishing while the
application is already in progress) simply skips the check when nothing changes.

Application statuses split in two groups:

* **work statuses** — pending, in_progress, evaluating, completed, knocked_out — follow the
  candidate through the stages. Only stage results move them; the only automatic verdict is a
  dealbreaker knock-out (scores are advice).
* **review statuses** — shortlisted, dismissed — are the recruiter's decisions. Shortlisting needs
  a finished application (completed or knocked_out: the recruiter may overrule a knock-out);
  a dismissed candidate is shortlisted again only by undoing the dismissal.
  Dismissing is allowed at any time. Both can be undone: undo returns to the status the
  application had before (``review_transition(..., ReviewAction.UNDO, previous=...)``); the caller
  supplies ``previous``. Results keep arriving while an application is dismissed (its status
  stays), so a saved work status can be stale: ``results.work_statuses`` /
  ``status_from_stages`` give the one the stage results imply now.

Stage statuses: not_started → in_progress → completed | knocked_out. A stage may also finish in
one step from not_started (a résumé attached, a finished execution seen by sync), and an
in-progress run may be reset to not_started (abandoned call, retake). Completed and knocked_out
stages are final.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import StageStatus as S
from milo_desktop.errors import ValidationProblem

APPLICATION_TRANSITIONS: dict[A, frozenset[A]] = {
    A.PENDING: frozenset({A.IN_PROGRESS, A.EVALUATING, A.COMPLETED, A.KNOCKED_OUT, A.DISMISSED}),
    A.IN_PROGRESS: frozenset({A.EVALUATING, A.COMPLETED, A.KNOCKED_OUT, A.DISMISSED}),
    # Evaluating may fall back to where it came from when an evaluation is abandoned.
    A.EVALUATING: frozenset({A.PENDING, A.IN_PROGRESS, A.COMPLETED, A.KNOCKED_OUT, A.DISMISSED}),
    A.COMPLETED: frozenset({A.SHORTLISTED, A.DISMISSED}),
    A.KNOCKED_OUT: frozenset({A.SHORTLISTED, A.DISMISSED}),
    # Un-shortlisting returns to the finished work status; or the recruiter changes their mind.
    A.SHORTLISTED: frozenset({A.COMPLETED, A.KNOCKED_OUT, A.DISMISSED}),
    # Undoing a dismissal returns to the status before it (never to the transient evaluating).
    A.DISMISSED: frozenset({A.PENDING, A.IN_PROGRESS, A.COMPLETED, A.KNOCKED_OUT, A.SHORTLISTED}),
}

STAGE_TRANSITIONS: dict[S, frozenset[S]] = {
    S.NOT_STARTED: frozenset({S.IN_PROGRESS, S.COMPLETED, S.KNOCKED_OUT}),
    S.IN_PROGRESS: frozenset({S.NOT_STARTED, S.COMPLETED, S.KNOCKED_OUT}),
    S.COMPLETED: frozenset(),
    S.KNOCKED_OUT: frozenset(),
}

REVIEW_STATUSES: frozenset[A] = frozenset({A.SHORTLISTED, A.DISMISSED})
FINISHED_STATUSES: frozenset[A] = frozenset({A.COMPLETED, A.KNOCKED_OUT})

_APPLICATION_WORDS: dict[A, str] = {
    A.PENDING: "pending",
    A.IN_PROGRESS: "in progress",
    A.EVALUATING: "being evaluated",
    A.COMPLETED: "completed",
    A.SHORTLISTED: "shortlisted",
    A.DISMISSED: "dismissed",
    A.KNOCKED_OUT: "knocked out",
}
_STAGE_WORDS: dict[S, str] = {
    S.NOT_STARTED: "not started",
    S.IN_PROGRESS: "in progress",
    S.COMPLETED: "completed",
    S.KNOCKED_OUT: "knocked out",
}


class ReviewAction(StrEnum):
    """The recruiter's decisions on an application (Candidates tab actions)."""

    SHORTLIST = "shortlist"
    DISMISS = "dismiss"
    UNDO = "undo"  # back to the status before the last shortlist / dismiss


def can_move_application(current: A, target: A) -> bool:
    return target in APPLICATION_TRANSITIONS[current]


def can_move_stage(current: S, target: S) -> bool:
    return target in STAGE_TRANSITIONS[current]


def check_application_transition(current: A, target: A) -> None:
    """Raise ValidationProblem with a plain message unless current → target is legal."""
    if current == target:
        raise ValidationProblem(f"This application is already {_APPLICATION_WORDS[current]}.")
    if not can_move_application(current, target):
        raise ValidationProblem(
            f"An application that is {_APPLICATION_WORDS[current]} cannot become "
            f"{_APPLICATION_WORDS[target]}."
        )


def check_stage_transition(current: S, target: S) -> None:
    """Raise ValidationProblem with a plain message unless current → target is legal."""
    if current == target:
        raise ValidationProblem(f"This stage is already {_STAGE_WORDS[current]}.")
    if not can_move_stage(current, target):
        raise ValidationProblem(
            f"A stage that is {_STAGE_WORDS[current]} cannot become {_STAGE_WORDS[target]}."
        )


def review_transition(current: A, action: ReviewAction, *, previous: A | None = None) -> A:
    """The status a review action leads to from ``current``, checked against the table.

    ``previous`` is required for UNDO: the status the application had before it was shortlisted
    or dismissed (a review status itself is allowed: dismissing a shortlisted candidate, then
    undoing, shortlists them again).
    """
    if action is ReviewAction.SHORTLIST:
        target = A.SHORTLISTED
        if current not in FINISHED_STATUSES:
            raise ValidationProblem(
                "Only candidates who finished the interview (completed or knocked out) can be "
                f"shortlisted; this one is {_APPLICATION_WORDS[current]}."
            )
    elif action is ReviewAction.DISMISS:
        target = A.DISMISSED
    else:
        if current not in REVIEW_STATUSES:
            raise ValidationProblem(
                f"There is nothing to undo: this application is {_APPLICATION_WORDS[current]}."
            )
        if previous is None or previous == current:
            raise ValidationProblem("The status before this decision is not known.")
        target = previous
    check_application_transition(current, target)
    return target


def status_from_stages(stage_statuses: Iterable[S]) -> A:
    """The work status that a set of stage statuses implies (pending … completed / knocked_out).

    Used to restore an application after a review decision is undone and to decide where an
    application stands after a stage result is stored.
    """
    statuses = list(stage_statuses)
    if any(s == S.KNOCKED_OUT for s in statuses):
        return A.KNOCKED_OUT
    if statuses and all(s == S.COMPLETED for s in statuses):
        return A.COMPLETED
    if any(s in (S.IN_PROGRESS, S.COMPLETED) for s in statuses):
        return A.IN_PROGRESS
    return A.PENDING
