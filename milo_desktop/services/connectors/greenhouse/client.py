"""``GreenhouseClient``: the AtsClient for Greenhouse Harvest v3, over ``AtsHttp``.

Wire rules it follows (harvestdocs.greenhouse.io: pagination, list-endpoints, the READ and
WRITE endpoint migration guides):

* lists answer a bare JSON array and page by ``Link: <…?cursor=…>; rel="next"``; filters and
  ``per_page`` (≤ 500) go on the first request only, the next link is followed exactly as given
  (a request with ``cursor`` carries nothing else) - and that absolute link is the page token
  the sync core stores, so a resumed walk needs nothing else;
* "updated since" is ``updated_at=gte|<ISO>``;
* there is no single-record GET: one record is ``?ids=<id>``;
* applications are their own list: a candidates page costs one more request,
  ``/v3/applications?candidate_ids=…`` (plus its next links), and stage names come from
  ``/v3/job_stages?job_ids=…`` once per job (cached) - never one request per person;
* writes carry ``On-Behalf-Of: <user id>``; a record created a moment ago may answer 404 for a
  while, so writes that name one are retried (``FRESH_RETRIES``) before giving up;
* reject of an application that is already rejected answers 422: we re-read it and, when it is
  rejected, that is success.

UNCONFIRMED against harvestdocs (kept configurable, see ``Routes``): the note create route
(``POST /v3/notes``), the reject route (``POST /v3/applications/{id}/reject``), the
``email`` filter on ``/v3/candidates``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate, NoteRef
from milo_desktop.services.connectors.ats.http import AtsHttp, RetryPolicy
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    StageRecord,
)
from milo_desktop.services.connectors.errors import NotFoundAtProvider, ProviderError
from milo_desktop.services.connectors.greenhouse.auth import WRONG_SECRET, ClientCredentials
from milo_desktop.services.connectors.greenhouse.listing import Lister, link_next
from milo_desktop.services.connectors.greenhouse.parse import (
    parse_application,
    parse_candidate,
)

T = TypeVar("T")
FRESH_RETRIES = 4  # reads/writes naming a just-created record: 404 "not yet" retries


@dataclass(frozen=True)
class Routes:
    """The v3 paths we call (relative to the API base's origin)."""

    users: str = "v3/users"
    jobs: str = "v3/jobs"
    job_stages: str = "v3/job_stages"
    candidates: str = "v3/candidates"
    applications: str = "v3/applications"
    notes: str = "v3/notes"
    note_create: str = "v3/notes"  # UNCONFIRMED (v1: candidates/{id}/activity_feed/notes)
    move: str = "v3/applications/{id}/move"
    reject: str = "v3/applications/{id}/reject"  # UNCONFIRMED
    rejection_reasons: str = "v3/rejection_reasons"


def api_root(base_url: str) -> str:
    """The origin the ``v3/…`` paths hang from ("https://harvest.greenhouse.io/v3" and
    "https://harvest.greenhouse.io" both give the latter)."""
    return re.sub(r"/v3/?$", "", base_url.rstrip("/"))


def _num(value: str) -> int | str:
    return int(value) if value.isdigit() else value


class GreenhouseClient:
    """A connected Greenhouse account (one agency's client id, secret and user id)."""

    service = "greenhouse"

    def __init__(self, auth: ClientCredentials, base_url: str, *,
                 policy: RetryPolicy | None = None, routes: Routes | None = None,
                 per_page: int = 500) -> None:
        self.auth = auth
        self.routes = routes or Routes()
        self.http = AtsHttp("greenhouse", "Greenhouse", api_root(base_url), auth,
                            policy=policy, extra_hosts=(urlsplit(auth.url).netloc,),
                            auth_message=WRONG_SECRET)
        auth.http = self.http
        self.user_id = auth.user_id
        self.lister = Lister(self.http, self.routes, per_page=min(max(per_page, 1), 500))
        self._reason_id: int | None = None

    @property
    def writes(self) -> dict[str, str]:
        return {"On-Behalf-Of": self.user_id}

    async def _fresh(self, call: Callable[[], Awaitable[T]]) -> T:
        """``call()``, retried while Greenhouse says 404 about a record it just created."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call()
            except NotFoundAtProvider:
                if attempt >= FRESH_RETRIES:
                    raise
                await self.http.sleep(self.http.policy.delay(attempt, None))

    # -- reading --------------------------------------------------------------------
    async def test_connection(self) -> str:
        users, _ = await self.lister.first(self.routes.users, {"ids": self.user_id})
        me = users[0] if users and isinstance(users[0], Mapping) else {}
        name = " ".join(str(me.get(k) or "") for k in ("first_name", "last_name")).strip()
        jobs, resp = await self.lister.first(self.routes.jobs, {"status": "open"})
        count = f"{len(jobs)}+" if link_next(resp) else str(len(jobs))
        who = f" as {name}" if name else ""
        return f"Connected to Greenhouse{who} · {count} open jobs"

    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        return await self.lister.jobs_page(since, token)

    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        return await self.lister.candidates_page(since, token)

    async def stages(self, job_id: str) -> list[StageRecord]:
        found = await self.lister.stages_of([job_id])
        return found.get(job_id, [])

    async def find_by_email(self, email: str) -> list[CandidateRecord]:
        page = await self.lister.candidates_where({"email": email.strip().lower()})
        return [r for r in page if email.strip().lower() in r["emails"]]

    async def application(self, application_id: str) -> ApplicationRecord | None:
        try:
            rows = await self._fresh(lambda: self.lister.all(
                self.routes.applications, {"ids": application_id}))
        except NotFoundAtProvider:
            return None
        names = await self.lister.stage_names([r.get("job_id") for r in rows
                                               if isinstance(r, Mapping)])
        for raw in rows:
            parsed = parse_application(raw, names)
            if not isinstance(parsed, dict) or parsed["id"] != application_id:
                continue
            return parsed
        return None

    async def find_note(self, candidate_id: str, application_id: str | None,
                        marker: str) -> NoteRef | None:
        notes = await self._fresh(lambda: self.lister.all(
            self.routes.notes, {"candidate_ids": candidate_id}))
        for note in notes:
            body = note.get("body") if isinstance(note, Mapping) else None
            if isinstance(body, str) and marker in body and note.get("id") is not None:
                return NoteRef(str(note["id"]), body)
        return None

    # -- writing --------------------------------------------------------------------
    async def create_candidate(self, person: NewCandidate) -> CandidateRecord:
        body: dict[str, Any] = {"first_name": person.first_name,
                                "last_name": person.last_name}
        if person.email:
            body["email_addresses"] = [{"value": person.email, "type": "personal"}]
        if person.phone:
            body["phone_numbers"] = [{"value": person.phone, "type": "mobile"}]
        created, _ = await self.http.json("POST", self.routes.candidates, json=body,
                                          headers=self.writes)
        cid = created.get("id") if isinstance(created, Mapping) else None
        if not isinstance(cid, int):
            raise ProviderError("greenhouse", "Greenhouse created the candidate but did not "
                                "say under which id.", status=0, request="POST /v3/candidates")
        app_body = {"candidate_id": cid, "job_id": _num(person.job_id)}
        app, _ = await self._fresh(lambda: self.http.json(
            "POST", self.routes.applications, json=app_body, headers=self.writes))
        names = await self.lister.stage_names([person.job_id])
        parsed_app = parse_application(app, names)
        apps = [parsed_app] if isinstance(parsed_app, dict) else []
        record = parse_candidate(created, apps)
        if not isinstance(record, dict):
            raise ProviderError("greenhouse", "Greenhouse answered the new candidate in a way "
                                "Milo Desktop cannot read.", status=0,
                                request="POST /v3/candidates", answer=record.reason)
        return record

    async def add_note(self, candidate_id: str, application_id: str | None, body: str) -> str:
        note: dict[str, Any] = {"candidate_id": _num(candidate_id), "user_id": _num(self.user_id),
                                "body": body, "visibility": "public"}
        if application_id:
            note["application_id"] = _num(application_id)
        answer, _ = await self._fresh(lambda: self.http.json(
            "POST", self.routes.note_create, json=note, headers=self.writes))
        nid = answer.get("id") if isinstance(answer, Mapping) else None
        if nid is None:
            raise ProviderError("greenhouse", "Greenhouse took the note but did not say under "
                                "which id.", status=0, request="POST /v3/notes")
        return str(nid)

    async def move(self, application_id: str, to_stage_id: str,
                   from_stage_id: str | None) -> None:
        if from_stage_id is None:
            current = await self.application(application_id)
            if current is None:
                raise NotFoundAtProvider("greenhouse", "Greenhouse has no such application.")
            if current["stage_id"] == to_stage_id:
                return
            from_stage_id = current["stage_id"]
        path = self.routes.move.format(id=application_id)
        for attempt in (1, 2):
            body = {"from_stage_id": _num(from_stage_id or ""),
                    "to_stage_id": _num(to_stage_id)}
            resp = await self._fresh(lambda: self.http.request(
                "POST", path, json=body, headers=self.writes, ok=(422,)))  # noqa: B023
            if resp.status_code != 422:
                return
            # A stale from_stage_id (a resend after a crash, a move made at Greenhouse):
            # re-read; already there is done, elsewhere is one more try from where it is.
            current = await self.application(application_id)
            if current is not None and current["stage_id"] == to_stage_id:
                return
            if attempt == 2 or current is None or current["stage_id"] == from_stage_id:
                raise ProviderError(
                    "greenhouse", "Greenhouse refused to move the application "
                    f"(POST /{path}): HTTP 422. The details are under Sync issues.",
                    status=422, request=f"POST /{path}", answer=resp.text)
            from_stage_id = current["stage_id"]

    async def _rejection_reason(self) -> int | None:
        if self._reason_id is None:
            reasons, _ = await self.lister.first(self.routes.rejection_reasons, {})
            for reason in reasons:
                rid = reason.get("id") if isinstance(reason, Mapping) else None
                if isinstance(rid, int) and not isinstance(rid, bool):
                    self._reason_id = rid
                    break
        return self._reason_id

    async def reject(self, application_id: str, reason: str) -> None:
        body: dict[str, Any] = {"notes": reason[:2000]}
        reason_id = await self._rejection_reason()
        if reason_id is not None:
            body["rejection_reason_id"] = reason_id
        path = self.routes.reject.format(id=application_id)
        resp = await self._fresh(lambda: self.http.request(
            "POST", path, json=body, headers=self.writes, ok=(422,)))
        if resp.status_code != 422:
            return
        current = await self.application(application_id)  # already rejected? then done
        if current is not None and current["status"] == "rejected":
            return
        raise ProviderError("greenhouse", "Greenhouse refused to reject the application "
                            f"(POST /{path}): HTTP 422. The details are under Sync issues.",
                            status=422, request=f"POST /{path}", answer=resp.text)

    async def aclose(self) -> None:
        await self.http.aclose()


__all__ = ["FRESH_RETRIES", "GreenhouseClient", "Routes", "api_root"]
