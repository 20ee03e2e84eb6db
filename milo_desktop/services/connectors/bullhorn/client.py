"""``BullhornClient``: the AtsClient of a Bullhorn REST account.

Candidates come in two phases, told apart by the page token the sync core stores with each
page's rows (in one transaction) and hands back:

* **Initial load** (``since`` None, no token): the event subscription is (re)created FIRST, so
  every change made while the load runs is queued; then ``search/Candidate`` is walked by a
  keyset on ``id`` (``query=id:[N TO *]``, ``sort=id``), token ``"search:<since>:<last id>"``.
  A keyset never skips a record when others change mid-walk (offsets would). When the
  subscription has gone (Bullhorn drops unused ones after 30 days), the same search with
  ``dateLastModified:[since TO *]`` catches up and the subscription is made again.
* **Incremental** (``since`` set): the event queue, token ``"events:<requestId>"`` meaning
  "every batch up to this requestId is stored". Fetching a fresh batch acknowledges the
  previous one for good, so each call first asks ``…/lastRequestId`` (L):

  - L > the token's id (or no token and L > 0): batch L was fetched but maybe never stored
    (a crash between fetch and commit) → re-read it with ``requestId=L`` and answer it with
    token ``"events:L"`` (upserts make a re-applied batch harmless);
  - otherwise everything fetched is stored → a fresh batch R, answered with ``"events:R"``;
    an empty queue ends the walk (token None).

  A new batch is only ever fetched once the previous one is committed (the core passes a
  token only after its page's transaction), so at any moment at most batch L is unstored and
  the rule above re-reads it: nothing is lost, and nothing is applied twice except as an
  idempotent upsert. The price: a round starts without a token (the core drops it when a walk
  completes), so its first page re-applies the last batch once. A batch Bullhorn can no longer
  re-read (a 4xx) is skipped rather than blocking the queue for ever.

  Events name ids only: the Candidates (and, for JobSubmission events, their candidates) are
  read with one batched ``entity/Candidate/1,2,3`` per page; people Bullhorn no longer
  returns, or DELETED events, become ``deleted`` records.

Each page's applications come from one ``query/JobSubmission`` (``candidate.id IN (…)``,
paged by 500), never one request per person. Stages are the tenant's JobSubmission statuses
(``settings/jobResponseStatusList``); a move is ``POST entity/JobSubmission/{id}`` with the
status, a rejection the same with the tenant's first "…Rejected" status (re-rejecting is a
no-op at Bullhorn). Creates are PUT, updates POST. The subscription id is derived from the
client id and API user, so one Milo Desktop per API user (Bullhorn's own advice: one API user
per integration) — two installs sharing an API user would share one queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate, NoteRef
from milo_desktop.services.connectors.ats.http import AtsHttp
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    StageRecord,
    email_key,
)
from milo_desktop.services.connectors.bullhorn import parse
from milo_desktop.services.connectors.bullhorn.auth import (
    SERVICE,
    SESSION_REFUSED,
    TITLE,
    BullhornAuth,
)
from milo_desktop.services.connectors.bullhorn.reads import PAGE_SIZE, Reads, Unreadable
from milo_desktop.services.connectors.errors import NotFoundAtProvider, ProviderError
from milo_desktop.services.connectors.payloads import dump_payload

EVENT_BATCH = 100
NOTE_PAGES = 20
EVENT_NAMES = "Candidate,JobSubmission"  # jobs are walked by dateLastModified instead
EVENT_TYPES = "INSERTED,UPDATED,DELETED"


def since_key(since: dt.datetime | None) -> str:
    """Bullhorn's Lucene date form (yyyyMMddHHmmss, UTC); "*" for none."""
    return since.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S") if since else "*"


class BullhornClient:
    """See the module docstring."""

    service = SERVICE

    def __init__(self, fields: Mapping[str, str], base_url: str, *,
                 http: AtsHttp | None = None, page_size: int = PAGE_SIZE) -> None:
        self.auth = BullhornAuth(fields, base_url)
        self.http: AtsHttp = http or AtsHttp(SERVICE, TITLE, base_url, self.auth,
                                             auth_message=SESSION_REFUSED)
        self.http.auth = self.auth
        self.auth.bind(self.http)
        self.page_size = page_size
        seed = f"{fields.get('client_id', '')}|{fields.get('username', '')}".encode()
        self.subscription = "milo" + hashlib.sha256(seed).hexdigest()[:16]
        self._statuses: list[str] | None = None
        self.reads = Reads(self._call)

    # -- plumbing ----------------------------------------------------------------------
    async def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                    body: Any = None, ok: tuple[int, ...] = ()) -> tuple[Any, int]:
        url = (await self.auth.session_url()) + path
        data, resp = await self.http.json(method, url, params=params, json=body, ok=ok)
        return data, resp.status_code

    def _broken(self, resource: str, reason: str, body: Any) -> AtsPage:
        return AtsPage(resource, [], (Quarantine(SERVICE, resource, reason,
                                                 dump_payload(body)),), None, broken=True)

    # -- connection --------------------------------------------------------------------
    async def test_connection(self) -> str:
        body, _ = await self._call("GET", "search/JobOrder", params={
            "query": "isOpen:1 AND isDeleted:0", "fields": "id", "count": 1, "start": 0})
        total = body.get("total") if isinstance(body, dict) else None
        jobs = "" if not isinstance(total, int) or isinstance(total, bool) \
            else f" · {total} open job{'' if total == 1 else 's'}"
        return f"Connected to Bullhorn as {self.auth.username}{jobs}"

    # -- jobs --------------------------------------------------------------------------
    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        key, after = since_key(since), 0
        if token is not None:
            key, after = self._keyset(token, "jobs")
        query = f"id:[{after + 1} TO *]"
        if key != "*":
            query += f" AND dateLastModified:[{key} TO *]"
        body, _ = await self._call("GET", "search/JobOrder", params={
            "query": query, "fields": parse.JOB_FIELDS, "count": self.page_size, "start": 0,
            "sort": "id"})
        rows = parse.data_list(body)
        if rows is None:
            return self._broken("jobs", "Bullhorn answered a job search that is not a list",
                                body)
        records: list[Any] = []
        quarantined: list[Quarantine] = []
        for raw in rows:
            item = parse.parse_job(raw)
            if isinstance(item, Quarantine):
                quarantined.append(item)
            else:
                records.append(item)
        nxt = self._next(body, rows, "jobs", key)
        return AtsPage("jobs", records, tuple(quarantined), nxt)

    def _keyset(self, token: str, kind: str) -> tuple[str, int]:
        parts = token.split(":")
        if len(parts) == 3 and parts[0] == kind and parts[2].isdigit() and (
                parts[1] == "*" or (parts[1].isdigit() and len(parts[1]) == 14)):
            return parts[1], int(parts[2])
        raise self._bad_token(token)

    @staticmethod
    def _bad_token(token: str) -> ProviderError:
        return ProviderError(SERVICE, "Milo Desktop could not read its saved Bullhorn "
                             "position; the walk starts again.", status=400,
                             request="page token", answer=token[:100])

    def _next(self, body: Any, rows: list[Any], kind: str, key: str) -> str | None:
        total = body.get("total") if isinstance(body, dict) else None
        more = (total > len(rows)) if isinstance(total, int) and not isinstance(total, bool) \
            else len(rows) >= self.page_size
        ids = [i for r in rows if isinstance(r, dict) and (i := parse.bh_id(r.get("id")))]
        if not more or not ids:
            return None
        return f"{kind}:{key}:{max(ids)}"

    # -- candidates --------------------------------------------------------------------
    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        try:
            return await self._candidates(since, token)
        except Unreadable as exc:
            return self._broken("candidates", exc.reason, exc.body)

    async def _candidates(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        if token is None and since is None:
            await self._subscribe()
            return await self._search_page("*", 0)
        if token is not None and token.startswith("search:"):
            key, after = self._keyset(token, "search")
            return await self._search_page(key, after)
        stored: int | None = None
        if token is not None:
            if not token.startswith("events:") or not token[7:].isdigit():
                raise self._bad_token(token)
            stored = int(token[7:])
        return await self._events_page(stored, since)

    async def _subscribe(self) -> None:
        """(Re)create the subscription; reading on without one would lose changes."""
        body, _ = await self._call("PUT", f"event/subscription/{self.subscription}", params={
            "type": "entity", "names": EVENT_NAMES, "eventTypes": EVENT_TYPES})
        if not isinstance(body, dict) or not isinstance(body.get("subscriptionId"), str):
            raise Unreadable("Bullhorn did not confirm the event subscription", body)

    async def _search_page(self, key: str, after: int) -> AtsPage:
        query = f"id:[{after + 1} TO *]"
        if key != "*":
            query += f" AND dateLastModified:[{key} TO *]"
        body, _ = await self._call("GET", "search/Candidate", params={
            "query": query, "fields": parse.CANDIDATE_FIELDS, "count": self.page_size,
            "start": 0, "sort": "id"})
        rows = parse.data_list(body)
        if rows is None:
            return self._broken("candidates", "Bullhorn answered a candidate search that is "
                                "not a list", body)
        records, quarantined = await self.reads.people(rows)
        return AtsPage("candidates", records, quarantined,
                       self._next(body, rows, "search", key))

    async def _events_page(self, stored: int | None, since: dt.datetime | None) -> AtsPage:
        path = f"event/subscription/{self.subscription}"
        try:
            body, _ = await self._call("GET", f"{path}/lastRequestId")
        except NotFoundAtProvider:  # the subscription has gone: catch up by search
            await self._subscribe()
            return await self._search_page(since_key(since), 0)
        last = body.get("result") if isinstance(body, dict) else None
        if isinstance(last, bool) or not isinstance(last, int):
            return self._broken("candidates", "Bullhorn answered lastRequestId without a "
                                "number", body)
        if last > (stored or 0):
            try:
                body, _ = await self._call("GET", path, params={"maxEvents": EVENT_BATCH,
                                                                "requestId": last})
            except (NotFoundAtProvider, ProviderError) as exc:
                if isinstance(exc, ProviderError) and exc.server_side:
                    raise
                body = None  # Bullhorn no longer has that batch: go on with the queue
            request_id: Any = last
        else:
            body, _ = await self._call("GET", path, params={"maxEvents": EVENT_BATCH})
            if body is None:  # nothing queued: the walk is complete
                return AtsPage("candidates", [], (), None)
            request_id = body.get("requestId") if isinstance(body, dict) else None
        if body is None:  # a re-read batch Bullhorn no longer has
            return AtsPage("candidates", [], (), f"events:{last}")
        events = body.get("events") if isinstance(body, dict) else None
        if not isinstance(events, list) or parse.bh_id(request_id) is None:
            return self._broken("candidates", "Bullhorn answered an event batch that is not "
                                "a batch", body)
        people: set[int] = set()
        submissions: set[int] = set()
        gone: set[int] = set()
        quarantined: list[Quarantine] = []
        for ev in events:
            kind = ev.get("entityName") if isinstance(ev, dict) else None
            eid = parse.bh_id(ev.get("entityId")) if isinstance(ev, dict) else None
            if eid is None or not isinstance(kind, str):
                quarantined.append(Quarantine.of(SERVICE, "candidates", "an event without an "
                                                 "entity name or id", ev))
            elif kind == "Candidate":
                (gone if ev.get("entityEventType") == "DELETED" else people).add(eid)
            elif kind == "JobSubmission":
                submissions.add(eid)
        if submissions:
            for raw in await self.reads.entities("JobSubmission", submissions, "id,candidate"):
                cid = raw.get("candidate") if isinstance(raw, dict) else None
                if isinstance(cid, dict) and (c := parse.bh_id(cid.get("id"))):
                    people.add(c)
        people -= gone
        rows = await self.reads.entities("Candidate", people, parse.CANDIDATE_FIELDS)
        records, bad = await self.reads.people(rows)
        seen = {r["id"] for r in records} | {q.external_id for q in bad}
        missing = sorted(str(i) for i in people | gone if str(i) not in seen)
        records.extend(parse.deleted_candidate(i) for i in missing)
        return AtsPage("candidates", records, (*quarantined, *bad), f"events:{request_id}")

    async def _people(self, rows: list[Any]) -> list[CandidateRecord]:
        """People with their applications outside a page walk (an unreadable answer is the
        provider's error there)."""
        try:
            return (await self.reads.people(rows))[0]
        except Unreadable as exc:
            raise ProviderError(SERVICE, f"{exc.reason}.", status=0,
                                request="GET /query/JobSubmission",
                                answer=dump_payload(exc.body)) from exc

    # -- stages & lookups --------------------------------------------------------------
    async def _tenant_statuses(self) -> list[str]:
        if self._statuses is None:
            body, _ = await self._call("GET", "settings/jobResponseStatusList")
            raw = body.get("jobResponseStatusList") if isinstance(body, dict) else None
            self._statuses = [s for s in raw if isinstance(s, str) and s.strip()] \
                if isinstance(raw, list) else []
        return self._statuses

    async def stages(self, job_id: str) -> list[StageRecord]:
        return [StageRecord(id=s, name=s) for s in await self._tenant_statuses()]

    async def find_by_email(self, email: str) -> list[CandidateRecord]:
        key = email_key(email)
        if key is None:
            return []
        query = f'(email:"{key}" OR email2:"{key}" OR email3:"{key}") AND isDeleted:0'
        body, _ = await self._call("GET", "search/Candidate", params={
            "query": query, "fields": parse.CANDIDATE_FIELDS, "count": 50, "start": 0})
        records = await self._people(parse.data_list(body) or [])
        return [r for r in records if not r["deleted"]]

    async def application(self, application_id: str) -> ApplicationRecord | None:
        sid = _int_id(application_id)
        rows = await self.reads.entities("JobSubmission", [sid], parse.SUBMISSION_FIELDS)
        for raw in rows:
            item = parse.parse_submission(raw)
            if not isinstance(item, Quarantine) and not item[2]:
                return item[1]
        return None

    # -- writes ------------------------------------------------------------------------
    async def _changed(self, method: str, path: str, body: dict[str, Any]) -> str:
        answer, _ = await self._call(method, path, body=body)
        changed = parse.bh_id(answer.get("changedEntityId")) if isinstance(answer, dict) \
            else None
        if changed is None:
            raise ProviderError(SERVICE, f"Bullhorn did not say which record {method} {path} "
                                "changed.", status=0, request=f"{method} {path}",
                                answer=dump_payload(answer))
        return str(changed)

    async def create_candidate(self, person: NewCandidate) -> CandidateRecord:
        statuses = await self._tenant_statuses()
        name = f"{person.first_name} {person.last_name}".strip()
        fields: dict[str, Any] = {"firstName": person.first_name, "lastName": person.last_name,
                                  "name": name, "status": "New Lead", "source": "Milo Desktop"}
        if person.email:
            fields["email"] = person.email
        if person.phone:
            fields["phone"] = person.phone
        cid = await self._changed("PUT", "entity/Candidate", fields)
        await self._changed("PUT", "entity/JobSubmission", {
            "candidate": {"id": int(cid)}, "jobOrder": {"id": _int_id(person.job_id)},
            "status": statuses[0] if statuses else "Submitted",
            "dateWebResponse": int(dt.datetime.now(dt.UTC).timestamp() * 1000)})
        rows = await self.reads.entities("Candidate", [int(cid)], parse.CANDIDATE_FIELDS)
        records = await self._people(rows)
        if not records:
            raise ProviderError(SERVICE, "Bullhorn created the candidate but does not return "
                                "it yet; it will come with the next sync.", status=0,
                                request="GET /entity/Candidate")
        return records[0]

    async def add_note(self, candidate_id: str, application_id: str | None, body: str) -> str:
        note = await self._changed("PUT", "entity/Note", {
            "personReference": {"id": _int_id(candidate_id)}, "comments": body,
            "action": "Other"})
        if application_id:
            await self._changed("PUT", "entity/NoteEntity", {
                "note": {"id": int(note)}, "targetEntityID": _int_id(application_id),
                "targetEntityName": "JobSubmission"})
        return note

    async def find_note(self, candidate_id: str, application_id: str | None,
                        marker: str) -> NoteRef | None:
        path = f"entity/Candidate/{_int_id(candidate_id)}/notes"
        for page in range(NOTE_PAGES):
            try:
                body, _ = await self._call("GET", path, params={
                    "fields": "id,comments,isDeleted", "count": PAGE_SIZE,
                    "start": page * PAGE_SIZE})
            except NotFoundAtProvider:
                return None
            rows = parse.data_list(body) or []
            for raw in rows:
                if not isinstance(raw, dict) or raw.get("isDeleted") is True:
                    continue
                comments, nid = raw.get("comments"), parse.bh_id(raw.get("id"))
                if isinstance(comments, str) and marker in comments and nid is not None:
                    return NoteRef(id=str(nid), body=comments)
            if len(rows) < PAGE_SIZE:
                return None
        return None

    async def move(self, application_id: str, to_stage_id: str,
                   from_stage_id: str | None) -> None:
        sid = _int_id(application_id)
        await self._changed("POST", f"entity/JobSubmission/{sid}", {"status": to_stage_id})

    async def reject(self, application_id: str, reason: str) -> None:
        rejected = [s for s in await self._tenant_statuses()
                    if parse.status_state(s) == "rejected"]
        if not rejected:
            raise ProviderError(SERVICE, "Bullhorn has no rejected status for job submissions "
                                "in this account; add one (Admin → Field Mappings) or move "
                                "the submission by hand.", status=0,
                                request="GET /settings/jobResponseStatusList")
        await self.move(application_id, rejected[0], None)

    async def aclose(self) -> None:
        await self.http.aclose()


def _int_id(value: str) -> int:
    found = int(value) if value.strip().isdigit() else None
    if found is None or parse.bh_id(found) is None:
        raise NotFoundAtProvider(SERVICE, f"Bullhorn has no record with the id {value[:40]!r}.")
    return found


__all__ = ["EVENT_BATCH", "PAGE_SIZE", "BullhornClient", "since_key"]
