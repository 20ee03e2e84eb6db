"""Reading Greenhouse v3 lists: cursor pages, the batched side lists a page needs.

A v3 list answers a bare JSON array and, while there is more, a ``Link`` header with the
``rel="next"`` URL; that URL holds a cursor with every filter of the first request baked in
and must be requested as it is. An answer that is not an array (or not JSON) is a broken page:
it is set aside whole, with its text, and the walk stops there (``AtsPage.broken``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.client import AtsPage
from milo_desktop.services.connectors.ats.http import AtsHttp
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    StageRecord,
)
from milo_desktop.services.connectors.errors import ProviderError
from milo_desktop.services.connectors.greenhouse.parse import (
    broken_page,
    parse_application,
    parse_candidate,
    parse_job,
    parse_stage,
)

if TYPE_CHECKING:
    from milo_desktop.services.connectors.greenhouse.client import Routes

YIELD_EVERY = 100  # records parsed between two yields to the event loop
MAX_SIDE_PAGES = 50  # a side list (applications of 500 people, stages of their jobs)
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?', re.IGNORECASE)


class BrokenPage(ValueError):
    """A list answer that is not a JSON array."""

    def __init__(self, text: str) -> None:
        super().__init__("not a JSON array")
        self.text = text


def link_next(resp: httpx.Response) -> str | None:
    """The ``rel="next"`` URL of a v3 list answer, or None on the last page."""
    m = _NEXT.search(resp.headers.get("Link", ""))
    return m.group(1).strip() if m else None


def since_filter(since: dt.datetime) -> str:
    """``gte|2026-11-01T10:00:00.000Z`` - v3's "updated since" (UTC, milliseconds)."""
    when = since.astimezone(dt.UTC)
    return "gte|" + when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class Lister:
    """The list reads of one client (shares its ``AtsHttp`` and a stage-name cache)."""

    def __init__(self, http: AtsHttp, routes: Routes, *, per_page: int) -> None:
        self.http = http
        self.routes = routes
        self.per_page = per_page
        self._stage_names: dict[str, str] = {}
        self._stages: dict[str, list[StageRecord]] = {}

    async def _get(self, path_or_url: str,
                   params: Mapping[str, str] | None) -> tuple[list[Any], httpx.Response]:
        resp = await self.http.request("GET", path_or_url, params=params,
                                       headers={"Accept": "application/json"})
        try:
            body = resp.json()
        except ValueError:
            raise BrokenPage(resp.text) from None
        if not isinstance(body, list):
            raise BrokenPage(resp.text)
        return body, resp

    async def first(self, path: str, filters: Mapping[str, str]
                    ) -> tuple[list[Any], httpx.Response]:
        """The first page of a list (filters and per_page on it), and its answer."""
        try:
            return await self._get(path, {**filters, "per_page": str(self.per_page)})
        except BrokenPage as exc:
            raise self._unreadable(path, exc) from None

    async def all(self, path: str, filters: Mapping[str, str]) -> list[Any]:
        """Every record of a (small) list, following next links a bounded number of times."""
        rows, resp = await self.first(path, filters)
        url = link_next(resp)
        for _ in range(MAX_SIDE_PAGES):
            if not url:
                break
            try:
                more, resp = await self._get(url, None)
            except BrokenPage as exc:
                raise self._unreadable(path, exc) from None
            rows += more
            url = link_next(resp)
        return rows

    @staticmethod
    def _unreadable(path: str, exc: BrokenPage) -> ProviderError:
        return ProviderError("greenhouse", "Greenhouse answered a list with something that "
                             "is not a list. Milo Desktop will try again shortly.", status=0,
                             request=f"GET /{path}", answer=exc.text)

    async def _page(self, path: str, since: dt.datetime | None, token: str | None
                    ) -> tuple[list[Any], str | None] | BrokenPage:
        params = None
        if token is None:
            params = {"per_page": str(self.per_page)}
            if since is not None:
                params["updated_at"] = since_filter(since)
        try:
            rows, resp = await self._get(token or path, params)
        except BrokenPage as exc:
            return exc
        return rows, link_next(resp)

    # -- stages ---------------------------------------------------------------------
    async def stages_of(self, job_ids: Iterable[str]) -> dict[str, list[StageRecord]]:
        """Each job's stages in their order (cached), in one batched request for the rest."""
        wanted = sorted({j for j in job_ids if j})
        missing = [j for j in wanted if j not in self._stages]
        for start in range(0, len(missing), 100):
            batch = missing[start:start + 100]
            rows = await self.all(self.routes.job_stages, {"job_ids": ",".join(batch)})
            grouped: dict[str, list[tuple[Any, StageRecord]]] = {j: [] for j in batch}
            for raw in rows:
                stage = parse_stage(raw)
                job = raw.get("job_id") if isinstance(raw, Mapping) else None
                if stage is None or str(job) not in grouped:
                    continue
                order = raw.get("sort_order", raw.get("priority", 0))
                key = order if isinstance(order, int) and not isinstance(order, bool) else 0
                grouped[str(job)].append((key, stage))
            for job, items in grouped.items():
                items.sort(key=lambda item: item[0])
                self._stages[job] = [stage for _, stage in items]
                self._stage_names.update({s["id"]: s["name"] for s in self._stages[job]})
        return {j: self._stages.get(j, []) for j in wanted}

    async def stage_names(self, job_ids: Iterable[Any]) -> dict[str, str]:
        await self.stages_of(str(j) for j in job_ids
                             if isinstance(j, int | str) and not isinstance(j, bool))
        return self._stage_names

    # -- pages ----------------------------------------------------------------------
    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        got = await self._page(self.routes.jobs, since, token)
        if isinstance(got, BrokenPage):
            return AtsPage("jobs", [], [broken_page("jobs", "Greenhouse answered the jobs "
                                                    "list with something that is not a list",
                                                    got.text)], None, broken=True)
        rows, nxt = got
        ids = [str(r["id"]) for r in rows if isinstance(r, Mapping)
               and isinstance(r.get("id"), int) and not isinstance(r.get("id"), bool)]
        stages = await self.stages_of(ids)
        records: list[Mapping[str, Any]] = []
        bad: list[Quarantine] = []
        for raw in rows:
            rid = raw.get("id") if isinstance(raw, Mapping) else None
            parsed = parse_job(raw, stages.get(str(rid), []))
            if isinstance(parsed, Quarantine):
                bad.append(parsed)
            else:
                records.append(parsed)
        return AtsPage("jobs", records, bad, nxt)

    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        got = await self._page(self.routes.candidates, since, token)
        if isinstance(got, BrokenPage):
            return AtsPage("candidates", [], [broken_page(
                "candidates", "Greenhouse answered the candidates list with something that "
                "is not a list", got.text)], None, broken=True)
        rows, nxt = got
        records, bad = await self._with_applications(rows)
        return AtsPage("candidates", records, bad, nxt)

    async def candidates_where(self, filters: Mapping[str, str]) -> list[CandidateRecord]:
        rows = await self.all(self.routes.candidates, filters)
        records, _ = await self._with_applications(rows)
        return records

    async def _with_applications(self, rows: Sequence[Any]
                                 ) -> tuple[list[CandidateRecord], list[Quarantine]]:
        ids = [str(r["id"]) for r in rows if isinstance(r, Mapping)
               and isinstance(r.get("id"), int) and not isinstance(r.get("id"), bool)]
        apps: list[Any] = []
        if ids:
            apps = await self.all(self.routes.applications, {"candidate_ids": ",".join(ids)})
        names = await self.stage_names(a.get("job_id") for a in apps if isinstance(a, Mapping))
        by_person: dict[str, list[ApplicationRecord]] = {}
        bad: list[Quarantine] = []
        for n, raw in enumerate(apps, 1):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a page is parsed on the GUI's loop: let it breathe
            parsed = parse_application(raw, names)
            if isinstance(parsed, Quarantine):
                bad.append(parsed)
                continue
            by_person.setdefault(str(raw.get("candidate_id")), []).append(parsed)
        records: list[CandidateRecord] = []
        for n, raw in enumerate(rows, 1):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            rid = raw.get("id") if isinstance(raw, Mapping) else None
            person = parse_candidate(raw, by_person.get(str(rid), []))
            if isinstance(person, Quarantine):
                bad.append(person)
            else:
                records.append(person)
        return records, bad


__all__ = ["BrokenPage", "Lister", "link_next", "since_filter"]
