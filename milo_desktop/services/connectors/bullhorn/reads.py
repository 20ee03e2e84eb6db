"""Reading Bullhorn people with their applications, in a bounded number of requests.

``entities`` reads records by id, 100 ids a request (Bullhorn answers 404 when none of them
exists, and 403 for records hidden from the API user: both are "not returned");
``people`` parses a page of Candidates and attaches their JobSubmissions, read with ONE
``query/JobSubmission?where=candidate.id IN (…)`` paged by 500 — never a request per person.
A submission answer that is not a list makes the whole page unreadable (``Unreadable``):
people stored without their applications would look as if they had none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, Protocol

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.records import ApplicationRecord, CandidateRecord
from milo_desktop.services.connectors.bullhorn import parse
from milo_desktop.services.connectors.errors import NotFoundAtProvider

PAGE_SIZE = 500  # search/query "count" maximum


class Call(Protocol):
    def __call__(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 body: Any = None, ok: tuple[int, ...] = ()) -> Awaitable[tuple[Any, int]]: ...


class Unreadable(Exception):
    """A part of a page Bullhorn answered in a shape we cannot read: the page is broken."""

    def __init__(self, reason: str, body: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.body = body


class Reads:
    """Bounded reads over the client's signed ``call``."""

    def __init__(self, call: Call) -> None:
        self.call = call

    async def entities(self, entity: str, ids: Iterable[int], fields: str) -> list[Any]:
        """The entities among ``ids`` Bullhorn still returns (one request per 100 ids)."""
        ordered, found = sorted(ids), []
        for i in range(0, len(ordered), 100):
            chunk = ",".join(map(str, ordered[i:i + 100]))
            try:
                body, status = await self.call("GET", f"entity/{entity}/{chunk}",
                                                params={"fields": fields}, ok=(403,))
            except NotFoundAtProvider:
                continue
            rows = parse.data_list(body) if status != 403 else []
            found.extend(rows or [])
        return found

    async def people(self, rows: list[Any]
                      ) -> tuple[list[CandidateRecord], tuple[Quarantine, ...]]:
        records: list[CandidateRecord] = []
        quarantined: list[Quarantine] = []
        for raw in rows:
            item = parse.parse_candidate(raw)
            if isinstance(item, Quarantine):
                quarantined.append(item)
            else:
                records.append(item)
        apps, bad = await self.applications([int(r["id"]) for r in records])
        for record in records:
            record["applications"] = apps.get(record["id"], [])
        return records, (*quarantined, *bad)

    async def applications(self, people: list[int]
                            ) -> tuple[dict[str, list[ApplicationRecord]], list[Quarantine]]:
        """The JobSubmissions of ``people``, by candidate id (one query, paged by 500)."""
        found: dict[str, list[ApplicationRecord]] = {}
        quarantined: list[Quarantine] = []
        if not people:
            return found, quarantined
        where = f"candidate.id IN ({','.join(map(str, sorted(set(people))))})"
        start = 0
        while True:
            body, _ = await self.call("GET", "query/JobSubmission", params={
                "where": where, "fields": parse.SUBMISSION_FIELDS, "count": PAGE_SIZE,
                "start": start, "orderBy": "id"})
            rows = parse.data_list(body)
            if rows is None:  # without them the people's applications would be wrong
                raise Unreadable("Bullhorn answered a submission query that is not a list",
                                 body)
            for raw in rows:
                item = parse.parse_submission(raw)
                if isinstance(item, Quarantine):
                    quarantined.append(item)
                elif not item[2]:
                    found.setdefault(item[0], []).append(item[1])
            if len(rows) < PAGE_SIZE:
                return found, quarantined
            start += len(rows)


__all__ = ["PAGE_SIZE", "Reads", "Unreadable"]
