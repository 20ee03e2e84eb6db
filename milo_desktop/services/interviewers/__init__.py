"""Interviewers (roles): the table's tabs and pages, one interviewer's candidates, and the
actions on them (archive, unarchive, clone, extend deadline, budget).

Definitions the screens rely on:

* **Tabs.** Active = drafts plus active interviewers whose deadline has not passed; Expired =
  status ``expired`` or active with a passed deadline (so the tabs are right even before the
  sweep ran); Archived = ``archived``. ``expire_overdue()`` is the sweep that writes the
  ``expired`` status (the list calls it on load).
* **Completion %** = applications whose candidate has done their part (evaluating, completed,
  shortlisted, dismissed, knocked out) / all applications. It measures drop-off, so a knock-out
  counts as finished: the candidate answered, the workflow ended for them.
* **Spend** is the sum of ``SpendEntry.amount_micros``; for a daily budget the table compares
  today's spend (since local midnight) with the budget.
* Aggregates are computed in SQL for the page's rows only, by grouped queries on indexed
  columns. The "most candidates" sort needs one grouped count over all applications (a single
  index scan; see the report in tests/benchmarks for its cost).
"""

from milo_desktop.services.interviewers.figures import _AggregateCache as _AggregateCache
from milo_desktop.services.interviewers.rows import (
    CANDIDATE_SORTS,
    FINISHED,
    MAX_BUDGET_CENTS,
    SORTS,
    TABS,
    CandidateRow,
    InterviewerDetail,
    InterviewerNotFound,
    InterviewerRow,
    LabelRow,
    QuestionDetail,
    StageCell,
    StageDetail,
)
from milo_desktop.services.interviewers.service import InterviewerService

__all__ = [
    "CANDIDATE_SORTS",
    "FINISHED",
    "MAX_BUDGET_CENTS",
    "SORTS",
    "TABS",
    "CandidateRow",
    "InterviewerDetail",
    "InterviewerNotFound",
    "InterviewerRow",
    "InterviewerService",
    "LabelRow",
    "QuestionDetail",
    "StageCell",
    "StageDetail",
]
