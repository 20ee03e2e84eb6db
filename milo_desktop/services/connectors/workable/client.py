"""``WorkableClient``: the ``AtsClient`` of Workable SPI v3 (https://workable.readme.io/).

Why it looks the way it does:

* Auth is an account access token (``Authorization: Bearer``) that does not expire: a 401 is
  final after one retry (``StaticAuth``), and the user is told to paste a new token.
* Every write (comment, move, disqualify) must name the Workable *member* it is done as
  (``member_id``). It is a setting of the connection; when it is empty, Test connection lists
  the members to choose from and writes stop with ``NotConfigured`` (reads keep working).
* A Workable candidate belongs to one job: a candidate id is also its application's id.
* Lists page by a ``paging.next`` URL (no ``paging`` on the last page): that URL is the page
  token the sync core stores, self-contained after a crash. "Updated since" is
  ``updated_after``, sent one second early (a change in the watermark's own second is read
  again rather than missed; re-reading is idempotent).
* Jobs are few: every walk reads all of them (``since`` is not sent), so a job closed or
  archived since the last walk is always seen.
* Rate limits (10 requests / 10 s for an account token) come back in ``X-Rate-Limit-*``
  headers, which ``AtsHttp`` reads; 429 is retried there.
* Deletions: Workable's API lists no deleted candidates and ``updated_after`` does not show
  them; a deleted candidate is simply missing from a full walk, and ``application()`` of it
  answers None (404).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from milo_desktop.services.connectors import NotConfigured, ProviderError, Quarantine
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate, NoteRef
from milo_desktop.services.connectors.ats.http import AtsHttp, RetryPolicy, StaticAuth
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    StageRecord,
    ident,
    text,
)
from milo_desktop.services.connectors.errors import AuthFailed, NotFoundAtProvider
from milo_desktop.services.connectors.workable.parse import (
    SERVICE,
    Stages,
    page_items,
    parse_candidate,
    parse_job,
    parse_stages,
)

log = logging.getLogger(__name__)

TITLE = "Workable"
PAGE_SIZE = 100  # Workable's most per page
MAX_FOLLOW = 20  # pages followed inside one call (members, activities, a search by email)
# Who sees Milo's comments: admins always; standard members and recruiters too, reviewers not.
COMMENT_POLICY = ("simple", "recruiter")


def auth_message(subdomain: str) -> str:
    where = f" for {subdomain}.workable.com" if subdomain else ""
    return (f"Workable refused the access token{where}. Create a new token in Workable "
            "(Settings → Integrations → Access token) and paste it under From ATS → "
            "Workable; Workable sync is paused until then.")


def _since_param(since: dt.datetime) -> str:
    when = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    return (when.astimezone(dt.UTC) - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Member:
    __slots__ = ("id", "name")

    def __init__(self, mid: str, name: str) -> None:
        self.id, self.name = mid, name

    def label(self) -> str:
        return f"{self.name} (id {self.id})"


class WorkableClient:
    """A connected Workable account (see the module docstring)."""

    service = SERVICE

    def __init__(self, base_url: str, token: str, member_id: str = "", subdomain: str = "", *,
                 policy: RetryPolicy | None = None, client: httpx.AsyncClient | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        self.subdomain = subdomain
        self.member_id = member_id.strip()
        self.page_size = max(1, min(page_size, PAGE_SIZE))
        self.http = AtsHttp(SERVICE, TITLE, base_url,
                            StaticAuth({"Authorization": f"Bearer {token}",
                                        "Accept": "application/json"}),
                            policy=policy, client=client,
                            auth_message=auth_message(subdomain))
        self._stages: Stages | None = None

    # -- reading ---------------------------------------------------------------------
    async def _page_body(self, path_or_url: str,
                         params: Mapping[str, Any] | None) -> tuple[Any, str | None]:
        """The JSON of a list page, or (None, the raw text) when it is not JSON at all."""
        resp = await self.http.request("GET", path_or_url, params=params)
        try:
            return resp.json(), None
        except ValueError:
            return None, resp.text

    @staticmethod
    def _broken(resource: str, reason: str, raw: str) -> AtsPage:
        return AtsPage(resource=resource, records=(),
                       quarantined=(Quarantine(SERVICE, resource, reason, raw),), broken=True)

    async def _list(self, resource: str, token: str | None,
                    params: dict[str, Any]) -> tuple[list[Any], str | None] | AtsPage:
        body, raw = await self._page_body(token or resource, None if token else params)
        if raw is not None:
            return self._broken(resource, f"Workable answered a {resource} page that is not "
                                "JSON", raw)
        found = page_items(body, resource)
        if found is None:
            return self._broken(resource, f"Workable answered a {resource} page that is not "
                                f"a list of {resource}", _dump(body))
        return found

    async def stage_list(self, refresh: bool = False) -> Stages:
        """The account's pipeline stages (``GET /stages``), read once per client."""
        if self._stages is None or refresh:
            body, _ = await self.http.json("GET", "stages")
            self._stages = parse_stages(body)
        return self._stages

    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        found = await self._list("jobs", token, {"limit": self.page_size})
        if isinstance(found, AtsPage):
            return found
        items, nxt = found
        records: list[Mapping[str, Any]] = []
        bad: list[Quarantine] = []
        for raw in items:
            parsed = parse_job(raw)
            if isinstance(parsed, Quarantine):
                bad.append(parsed)
            else:
                records.append(parsed)
        return AtsPage("jobs", records, bad, next_url=nxt)

    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        params: dict[str, Any] = {"limit": self.page_size}
        if since is not None:
            params["updated_after"] = _since_param(since)
        found = await self._list("candidates", token, params)
        if isinstance(found, AtsPage):
            return found
        items, nxt = found
        records, bad = await self._parse_candidates(items)
        return AtsPage("candidates", records, bad, next_url=nxt)

    async def _parse_candidates(self, items: list[Any]
                                ) -> tuple[list[CandidateRecord], list[Quarantine]]:
        stages = await self.stage_list()
        names = {r.get("stage") for r in items if isinstance(r, dict)}
        if any(isinstance(n, str) and n and stages.find(n) is None for n in names):
            stages = await self.stage_list(refresh=True)  # a stage added since we looked
        records: list[CandidateRecord] = []
        bad: list[Quarantine] = []
        for raw in items:
            parsed = parse_candidate(raw, stages)
            if isinstance(parsed, Quarantine):
                bad.append(parsed)
            else:
                records.append(parsed)
        return records, bad

    async def stages(self, job_id: str) -> list[StageRecord]:
        """Workable's stages are the account's (``GET /stages``): the same for every job."""
        return (await self.stage_list(refresh=True)).records()

    async def find_by_email(self, email: str) -> list[CandidateRecord]:
        found: list[CandidateRecord] = []
        url: str | None = "candidates"
        params: dict[str, Any] | None = {"email": email.strip(), "limit": PAGE_SIZE}
        for _ in range(MAX_FOLLOW):
            if url is None:
                break
            body, _ = await self.http.json("GET", url, params=params)
            page = page_items(body, "candidates")
            if page is None:
                raise self._unreadable("GET /candidates", body)
            records, bad = await self._parse_candidates(page[0])
            if bad:
                log.warning("workable: %d unreadable candidate(s) in a search by email",
                            len(bad))
            found += records
            url, params = page[1], None
        return found

    async def application(self, application_id: str) -> ApplicationRecord | None:
        try:
            body, _ = await self.http.json("GET", f"candidates/{_seg(application_id)}")
        except NotFoundAtProvider:
            return None
        cand = body.get("candidate") if isinstance(body, dict) else None
        records, bad = await self._parse_candidates([cand])
        if bad or not records:
            raise self._unreadable(f"GET /candidates/{application_id}", body)
        return records[0]["applications"][0]

    # -- writing ---------------------------------------------------------------------
    async def create_candidate(self, person: NewCandidate) -> CandidateRecord:
        cand: dict[str, str] = {
            "name": f"{person.first_name} {person.last_name}".strip(),
            "firstname": person.first_name, "lastname": person.last_name}
        if person.email:
            cand["email"] = person.email
        if person.phone:
            cand["phone"] = person.phone
        body, _ = await self.http.json("POST", f"jobs/{_seg(person.job_id)}/candidates",
                                       json={"sourced": True, "candidate": cand})
        raw = body.get("candidate") if isinstance(body, dict) else None
        records, _bad = await self._parse_candidates([raw])
        if not records:
            raise self._unreadable(f"POST /jobs/{person.job_id}/candidates", body)
        record = records[0]
        app = record["applications"][0]
        if app["job_id"] is None:
            app["job_id"] = person.job_id
        return record

    async def add_note(self, candidate_id: str, application_id: str | None, body: str) -> str:
        member = await self._member()
        answer, _ = await self.http.json(
            "POST", f"candidates/{_seg(candidate_id)}/comments",
            json={"member_id": member,
                  "comment": {"body": body, "policy": list(COMMENT_POLICY)}})
        nid = ident(answer.get("id")) if isinstance(answer, dict) else None
        if nid:
            return nid
        found = await self.find_note(candidate_id, application_id, body)
        return found.id if found else ""

    async def find_note(self, candidate_id: str, application_id: str | None,
                        marker: str) -> NoteRef | None:
        url: str | None = f"candidates/{_seg(candidate_id)}/activities"
        for _ in range(MAX_FOLLOW):
            if url is None:
                return None
            answer, _ = await self.http.json("GET", url)
            page = page_items(answer, "activities")
            if page is None:
                raise self._unreadable(f"GET /candidates/{candidate_id}/activities", answer)
            for act in page[0]:
                if not isinstance(act, dict) or act.get("action") != "comment":
                    continue
                note = act.get("body")
                if isinstance(note, str) and marker in note:
                    nid = ident(act.get("id")) or text(act.get("created_at"), 40)
                    return NoteRef(id=nid, body=note)
            url = page[1]
        return None

    async def move(self, application_id: str, to_stage_id: str,
                   from_stage_id: str | None) -> None:
        member = await self._member()
        stage = (await self.stage_list()).find(to_stage_id)
        slug = stage.slug if stage else to_stage_id
        resp = await self.http.request(
            "POST", f"candidates/{_seg(application_id)}/move",
            json={"member_id": member, "target_stage": slug}, ok=(422,))
        if resp.status_code != 422:
            return
        why = _error_text(resp)
        name = stage.name if stage else to_stage_id
        if stage is not None and stage.kind == "hired":
            message = (f"Workable did not move the candidate to {name}: with Hiring Plan on, "
                       "hiring needs a requisition. Move them to Hired in Workable.")
        else:
            message = f"Workable refused to move the candidate to {name}: {why}"
        raise ProviderError(SERVICE, message, status=422,
                            request=f"POST /candidates/{application_id}/move", answer=resp.text)

    async def reject(self, application_id: str, reason: str) -> None:
        """Disqualify; an already disqualified candidate is done (Workable may answer 422:
        the candidate is read again, and a disqualified one is success)."""
        member = await self._member()
        resp = await self.http.request(
            "POST", f"candidates/{_seg(application_id)}/disqualify",
            json={"member_id": member, "disqualification_reason": reason[:500]}, ok=(422,))
        if resp.status_code != 422:
            return
        now = await self.application(application_id)
        if now is not None and now["status"] == "rejected":
            return
        raise ProviderError(SERVICE, "Workable refused to disqualify the candidate: "
                            f"{_error_text(resp)}", status=422,
                            request=f"POST /candidates/{application_id}/disqualify",
                            answer=resp.text)

    # -- members and Test connection ---------------------------------------------------
    async def members(self) -> list[Member]:
        found: list[Member] = []
        url: str | None = "members"
        params: dict[str, Any] | None = {"limit": PAGE_SIZE}
        for _ in range(MAX_FOLLOW):
            if url is None:
                break
            body, _ = await self.http.json("GET", url, params=params)
            page = page_items(body, "members")
            if page is None:
                raise self._unreadable("GET /members", body)
            for row in page[0]:
                if isinstance(row, dict) and (mid := ident(row.get("id"))):
                    found.append(Member(mid, text(row.get("name"), 120) or
                                        text(row.get("email"), 120) or mid))
            url, params = page[1], None
        return found

    async def _member(self) -> str:
        if self.member_id:
            return self.member_id
        members = await self.members()
        if len(members) == 1:
            self.member_id = members[0].id
            return self.member_id
        raise NotConfigured(SERVICE, "Workable needs the member Milo writes as (comments, "
                            "moves and disqualifications carry their name). Choose one under "
                            "From ATS → Workable: " + _labels(members))

    async def test_connection(self) -> str:
        members = await self.members()
        where = f"Workable ({self.subdomain})" if self.subdomain else "Workable"
        found = await self._list("jobs", None, {"limit": PAGE_SIZE})
        if isinstance(found, AtsPage):
            raise ProviderError(SERVICE, "Workable answered the list of jobs in a way Milo "
                                "does not understand.", status=200, request="GET /jobs")
        n = len(found[0])
        count = f"{n}{'+' if found[1] else ''} job{'' if n == 1 and not found[1] else 's'}"
        if self.member_id:
            me = next((m for m in members if m.id == self.member_id), None)
            if me is None:
                raise AuthFailed(SERVICE, f"{where} has no member with the id "
                                 f"{self.member_id}. Choose one of: {_labels(members)}")
            return f"Connected to {where} as {me.name} · {count}"
        if len(members) == 1:
            return f"Connected to {where} as {members[0].name} · {count}"
        return (f"Connected to {where} · {count}. Choose the member Milo writes as "
                f"(comments, moves, disqualifications): {_labels(members)}")

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _unreadable(request: str, body: Any) -> ProviderError:
        return ProviderError(SERVICE, f"Workable answered {request} in a way Milo does not "
                             "understand. The details are under Sync issues.", status=200,
                             request=request, answer=_dump(body))

    async def aclose(self) -> None:
        await self.http.aclose()


def _labels(members: list[Member]) -> str:
    shown = ", ".join(m.label() for m in members[:10])
    more = len(members) - 10
    return (shown + (f" and {more} more" if more > 0 else "")) or "(no members listed)"


def _seg(value: str) -> str:
    """An id as one path segment (never a way to another path)."""
    return quote(str(value), safe="")


def _dump(body: Any) -> str:
    try:
        return json.dumps(body, allow_nan=True)[:10_000]
    except (TypeError, ValueError):
        return repr(body)[:10_000]


def _error_text(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return text(resp.text, 200) or f"HTTP {resp.status_code}"
    if isinstance(body, dict):
        for key in ("error", "message", "errors"):
            val = body.get(key)
            if isinstance(val, str) and val.strip():
                return text(val, 200)
            if isinstance(val, list) and val:
                return text("; ".join(str(v) for v in val[:3]), 200)
    return f"HTTP {resp.status_code}"


__all__ = ["COMMENT_POLICY", "PAGE_SIZE", "TITLE", "Member", "WorkableClient", "auth_message"]
