"""Workspace search (skeleton: being implemented)."""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.services.database import Database


@dataclass(frozen=True)
class CandidateHit:
    id: int
    full_name: str
    email: str | None
    phone_e164: str | None


@dataclass(frozen=True)
class InterviewerHit:
    id: int
    name: str
    slug: str
    status: str


@dataclass(frozen=True)
class SearchResults:
    query: str
    candidates: tuple[CandidateHit, ...] = ()
    interviewers: tuple[InterviewerHit, ...] = ()


class SearchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def typeahead(self, text: str, limit: int = 8) -> SearchResults:
        return SearchResults(text)
