"""The application and stage status machines: every pair of statuses, legal or not."""

from __future__ import annotations

import itertools

import pytest

from milo_desktop.enums import ApplicationStatus as A
from milo_desktop.enums import StageStatus as S
from milo_desktop.errors import ValidationProblem
from milo_desktop.services.applications.status import (
    APPLICATION_TRANSITIONS,
    STAGE_TRANSITIONS,
    ReviewAction,
    check_application_transition,
    check_stage_transition,
    review_transition,
    status_from_stages,
)

# The legal moves, written out independently of the module's tables.
LEGAL_APPLICATION = {
    (A.PENDING, A.IN_PROGRESS), (A.PENDING, A.EVALUATING), (A.PENDING, A.COMPLETED),
    (A.PENDING, A.KNOCKED_OUT), (A.PENDING, A.DISMISSED),
    (A.IN_PROGRESS, A.EVALUATING), (A.IN_PROGRESS, A.COMPLETED),
    (A.IN_PROGRESS, A.KNOCKED_OUT), (A.IN_PROGRESS, A.DISMISSED),
    (A.EVALUATING, A.PENDING), (A.EVALUATING, A.IN_PROGRESS), (A.EVALUATING, A.COMPLETED),
    (A.EVALUATING, A.KNOCKED_OUT), (A.EVALUATING, A.DISMISSED),
    (A.COMPLETED, A.SHORTLISTED), (A.COMPLETED, A.DISMISSED),
    (A.KNOCKED_OUT, A.SHORTLISTED), (A.KNOCKED_OUT, A.DISMISSED),
    (A.SHORTLISTED, A.COMPLETED), (A.SHORTLISTED, A.KNOCKED_OUT), (A.SHORTLISTED, A.DISMISSED),
    (A.DISMISSED, A.PENDING), (A.DISMISSED, A.IN_PROGRESS), (A.DISMISSED, A.COMPLETED),
    (A.DISMISSED, A.KNOCKED_OUT), (A.DISMISSED, A.SHORTLISTED),
}
LEGAL_STAGE = {
    (S.NOT_STARTED, S.IN_PROGRESS), (S.NOT_STARTED, S.COMPLETED), (S.NOT_STARTED, S.KNOCKED_OUT),
    (S.IN_PROGRESS, S.NOT_STARTED), (S.IN_PROGRESS, S.COMPLETED), (S.IN_PROGRESS, S.KNOCKED_OUT),
}


def test_tables_cover_every_status() -> None:
    assert set(APPLICATION_TRANSITIONS) == set(A)
    assert set(STAGE_TRANSITIONS) == set(S)
    assert {(a, b) for a, targets in APPLICATION_TRANSITIONS.items() for b in targets} \
        == LEGAL_APPLICATION
    assert {(a, b) for a, targets in STAGE_TRANSITIONS.items() for b in targets} == LEGAL_STAGE


@pytest.mark.parametrize(("current", "target"), list(itertools.product(A, A)))
def test_every_application_transition(current: A, target: A) -> None:
    if (current, target) in LEGAL_APPLICATION:
        check_application_transition(current, target)
        return
    with pytest.raises(ValidationProblem) as err:
        check_application_transition(current, target)
    message = err.value.message
    assert message.endswith(".") and "_" not in message  # plain words, not enum values
    if current == target:
        assert "already" in message


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_stage_transition(current: S, target: S) -> None:
    if (current, target) in LEGAL_STAGE:
        check_stage_transition(current, target)
        return
    with pytest.raises(ValidationProblem) as err:
        check_stage_transition(current, target)
    assert "_" not in err.value.message


@pytest.mark.parametrize("current", list(A))
def test_shortlist_needs_a_finished_application(current: A) -> None:
    if current in (A.COMPLETED, A.KNOCKED_OUT):
        assert review_transition(current, ReviewAction.SHORTLIST) == A.SHORTLISTED
    else:
        with pytest.raises(ValidationProblem):
            review_transition(current, ReviewAction.SHORTLIST)


@pytest.mark.parametrize("current", list(A))
def test_dismiss_from_anything_but_dismissed(current: A) -> None:
    if current == A.DISMISSED:
        with pytest.raises(ValidationProblem, match="already dismissed"):
            review_transition(current, ReviewAction.DISMISS)
    else:
        assert review_transition(current, ReviewAction.DISMISS) == A.DISMISSED


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (A.DISMISSED, A.COMPLETED, A.COMPLETED),
    (A.DISMISSED, A.IN_PROGRESS, A.IN_PROGRESS),
    (A.DISMISSED, A.PENDING, A.PENDING),
    (A.DISMISSED, A.KNOCKED_OUT, A.KNOCKED_OUT),
    (A.DISMISSED, A.SHORTLISTED, A.SHORTLISTED),
    (A.SHORTLISTED, A.COMPLETED, A.COMPLETED),
    (A.SHORTLISTED, A.KNOCKED_OUT, A.KNOCKED_OUT),
    (A.DISMISSED, A.EVALUATING, None),  # never back into the transient status
    (A.SHORTLISTED, A.IN_PROGRESS, None),
    (A.DISMISSED, None, None),
    (A.COMPLETED, A.PENDING, None),  # nothing to undo
])
def test_undo(current: A, previous: A | None, expected: A | None) -> None:
    if expected is None:
        with pytest.raises(ValidationProblem):
            review_transition(current, ReviewAction.UNDO, previous=previous)
    else:
        assert review_transition(current, ReviewAction.UNDO, previous=previous) == expected


@pytest.mark.parametrize(("stages", "expected"), [
    ([], A.PENDING),
    ([S.NOT_STARTED, S.NOT_STARTED], A.PENDING),
    ([S.IN_PROGRESS, S.NOT_STARTED], A.IN_PROGRESS),
    ([S.COMPLETED, S.NOT_STARTED], A.IN_PROGRESS),
    ([S.COMPLETED, S.COMPLETED], A.COMPLETED),
    ([S.COMPLETED, S.KNOCKED_OUT], A.KNOCKED_OUT),
    ([S.KNOCKED_OUT, S.NOT_STARTED], A.KNOCKED_OUT),
])
def test_status_from_stages(stages: list[S], expected: A) -> None:
    assert status_from_stages(stages) == expected
