"""Previous / next for a profile opened from the Candidates tab: the neighbours of an
application in the tab's current filtered order, asked of the service (so they work past the
rows loaded so far, and after the filters change)."""

from __future__ import annotations

from collections.abc import Callable

from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.interviewers import CandidateRow, InterviewerService


class TabNavigator:
    """``query()`` gives the tab's query at the moment of each step (filters and sort as the
    user has them now); ``shown(application_id)`` lets the tab follow along."""

    def __init__(self, service: InterviewerService, query: Callable[[], PageQuery],
                 shown: Callable[[int], None] | None = None, label: str = "") -> None:
        self.service = service
        self.query = query
        self.shown = shown
        self.label = label  # e.g. the interviewer's name, shown beside the buttons

    async def step(self, application_id: int, step: int) -> CandidateRow | None:
        """The row before (-1) or after (1) ``application_id``; None at either end."""
        return await self.service.candidate_neighbour(self.query(), application_id, step)

    def followed(self, application_id: int) -> None:
        """The profile moved to ``application_id``."""
        if self.shown is not None:
            self.shown(application_id)
