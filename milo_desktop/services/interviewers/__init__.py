"""Interviewers (roles): the table's tabs and pages, one interviewer's candidates, and the
actions on them (archive, unarchive, clone, extend deadline, budget).

Definitions the screens rely on:

* **Tabs.** Active = drafts plus active interviewers whose deadline has not passed; Expired =
  status ``expired`` or active with a passed deadline (so the tabs are right even before the
  sweep ran); Archived = ``archived``. ``expire_overdue()`` is the sweep that writes the
  ``expired`` status (the list calls it on load).
* **Candidates, completion % and spend** are the shared figures of ``services/figures.py``
  (the Analytics screens read the same functions): completion = of the candidates who started,
  the share who completed every stage (a knock-out is not a completion); spend = what the
  providers reported, in total, and for a daily budget today's (since local midnight).
* Candidates, started, completed, CSAT and spend in total are read from ``interviewer_figures``,
  kept current by the database in the same transaction as every write that changes them
  (models/figures.py); today's spend is summed per page over the day's rows.
"""

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
