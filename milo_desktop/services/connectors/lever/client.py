"""``LeverClient``: the ``AtsClient`` of Lever v1.

Paging: Lever lists by ``offset`` tokens (``{"data", "hasNext", "next"}``; the ``next`` is
passed back as ``offset``). Our page tokens are self-contained strings:

* ``"o:<lever token>"`` - the next page of ``GET /opportunities`` (``updated_at_start`` =
  the watermark in epoch milliseconds, on every page);
* ``"d:<lever token>"`` / ``"d:"`` - incremental walks only: after the last opportunity page,
  ``GET /opportunities/deleted?deleted_at_start=…`` so deletions reach us too.

A page of opportunities names some contacts (people); one more request per page,
``GET /opportunities?contact_id=…&contact_id=…``, reads ALL the opportunities of those
contacts, so each ``CandidateRecord`` carries every application of its person (never a
partial list) - two requests per page, never one per candidate. A contact whose
opportunities are all deleted comes out as ``deleted: True``.

Writes carry ``?perform_as=<user id>`` (Lever requires it). Rejecting archives the
opportunity with a non-hired archive reason; an opportunity that is already archived is
left as it is (done, not an error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from milo_desktop.services.connectors import Quarantine
from milo_desktop.services.connectors.ats.client import AtsPage, NewCandidate, NoteRef
from milo_desktop.services.connectors.ats.http import AtsHttp, Auth
from milo_desktop.services.connectors.ats.records import (
    ApplicationRecord,
    CandidateRecord,
    JobRecord,
    StageRecord,
    ident,
    iso_time,
    parse_iso,
    text,
)
from milo_desktop.services.connectors.errors import (
    NotConfigured,
    NotFoundAtProvider,
    ProviderError,
)
from milo_desktop.services.connectors.lever import parse
from milo_desktop.services.connectors.lever.auth import SERVICE, TITLE

PAGE_SIZE = 100  # Lever's maximum ``limit``
EXPAND = ("applications", "stage")
MAX_PAGES = 20  # a batch (contacts, stages, notes) longer than this is not plausible
NO_USER = ("Lever needs the ID of the Lever user that Milo Desktop acts as, to write notes, "
           "moves and archives. Add it under From ATS → Lever.")


def _ms(when: dt.datetime) -> str:
    return str(int(when.timestamp() * 1000))


class LeverClient:
    """A connected Lever account (see the module docstring)."""

    def __init__(self, http: AtsHttp, *, perform_as: str = "", page_size: int = PAGE_SIZE,
                 mode: str = "api key") -> None:
        self.http = http
        self.perform_as = perform_as
        self.page_size = page_size
        self.mode = mode
        self._hired: frozenset[str] | None = None

    @property
    def service(self) -> str:
        return SERVICE

    # -- helpers -------------------------------------------------------------------
    async def _get(self, path: str, params: Any = None) -> Any:
        body, _ = await self.http.json("GET", path, params=params)
        return body

    def _broken(self, resource: str, reason: str, body: Any) -> AtsPage:
        return AtsPage(resource, [], (Quarantine.of(SERVICE, resource, reason, body),),
                       broken=True)

    def _writer(self) -> dict[str, str]:
        if not self.perform_as:
            raise NotConfigured(SERVICE, NO_USER)
        return {"perform_as": self.perform_as}

    async def hired(self) -> frozenset[str]:
        """The ids of the account's "hired" archive reasons (read once per client)."""
        if self._hired is None:
            listed = parse.list_body(await self._get("archive_reasons"))
            self._hired = parse.hired_reasons(listed.items) if listed else frozenset()
        return self._hired

    async def _of_contacts(self, contacts: Sequence[str]) -> list[Any] | None:
        """Every opportunity of these contacts (None: an answer that is not a list)."""
        found: list[Any] = []
        offset: str | None = None
        for _ in range(MAX_PAGES):
            params: list[tuple[str, str]] = [("contact_id", c) for c in contacts]
            params += [("expand", e) for e in EXPAND] + [("limit", str(self.page_size))]
            if offset:
                params.append(("offset", offset))
            listed = parse.list_body(await self._get("opportunities", params))
            if listed is None:
                return None
            found += listed.items
            if not listed.has_next:
                return found
            offset = listed.next
        return found

    async def _people(self, contacts: Sequence[str]
                      ) -> tuple[list[CandidateRecord], list[Quarantine], list[str]] | None:
        """The records of these contacts from all their opportunities, the opportunities set
        aside, and the contacts with no opportunity left (None: a broken answer)."""
        if not contacts:
            return [], [], []
        items = await self._of_contacts(contacts)
        if items is None:
            return None
        hired = await self.hired()
        groups, bad = parse.group_by_contact(items)
        records: list[CandidateRecord] = []
        for contact in contacts:
            opps = groups.get(contact)
            if opps:
                record, more = parse.parse_person(contact, opps, hired)
                bad += more
                if record is not None:
                    records.append(record)
        return records, bad, [c for c in contacts if c not in groups]

    # -- AtsClient -------------------------------------------------------------------
    async def test_connection(self) -> str:
        postings = parse.list_body(await self._get("postings", {"limit": "1"}))
        if postings is None:
            raise ProviderError(SERVICE, "Lever answered in a way Milo Desktop does not "
                                "understand (the postings list).", status=0,
                                request="GET /v1/postings")
        if not self.perform_as:
            return (f"Connected to Lever ({self.mode}). Add the user ID Milo Desktop acts "
                    "as to send results back.")
        try:
            user = parse.single(await self._get(f"users/{self.perform_as}"))
        except NotFoundAtProvider:
            raise NotConfigured(SERVICE, "Lever has no user with the ID given for "
                                "\"Acting as\". Copy your user ID from Lever and try again."
                                ) from None
        name = text(user.get("name")) if user else ""
        return f"Connected to Lever as {name or self.perform_as} ({self.mode})."

    async def jobs_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        """Postings. Lever's postings list has no "updated since" filter: every page is
        read, and postings older than ``since`` are left out here."""
        params = {"limit": str(self.page_size)}
        if token:
            params["offset"] = token
        body = await self._get("postings", params)
        listed = parse.list_body(body)
        if listed is None:
            return self._broken("jobs", "the postings page is not a Lever list", body)
        records: list[JobRecord] = []
        bad: list[Quarantine] = []
        for raw in listed.items:
            job = parse.parse_posting(raw)
            if isinstance(job, Quarantine):
                bad.append(job)
                continue
            changed = parse_iso(job["updated_at"])
            if since is None or changed is None or changed >= since:
                records.append(job)
        return AtsPage("jobs", records, bad, listed.next if listed.has_next else None)

    async def candidates_page(self, since: dt.datetime | None, token: str | None) -> AtsPage:
        phase, _, offset = (token or "o:").partition(":")
        if phase == "d" and since is not None:
            return await self._deleted_page(since, offset or None)
        params: dict[str, str] = {"limit": str(self.page_size)}
        if since is not None:
            params["updated_at_start"] = _ms(since)
        if offset:
            params["offset"] = offset
        body = await self._get("opportunities", params)
        listed = parse.list_body(body)
        if listed is None:
            return self._broken("candidates", "the opportunities page is not a Lever list",
                                body)
        groups, bad = parse.group_by_contact(listed.items)
        people = await self._people(list(groups))
        if people is None:
            return self._broken("candidates", "the contacts' opportunities are not a Lever "
                                "list", None)
        records, more, _ = people
        if listed.has_next:
            nxt: str | None = f"o:{listed.next}"
        else:
            nxt = "d:" if since is not None else None
        return AtsPage("candidates", records, [*bad, *more], nxt)

    async def _deleted_page(self, since: dt.datetime, offset: str | None) -> AtsPage:
        params = {"limit": str(self.page_size), "deleted_at_start": _ms(since)}
        if offset:
            params["offset"] = offset
        body = await self._get("opportunities/deleted", params)
        listed = parse.list_body(body)
        if listed is None:
            return self._broken("candidates", "the deleted opportunities page is not a Lever "
                                "list", body)
        groups, bad = parse.group_by_contact(listed.items)
        people = await self._people(list(groups))
        if people is None:
            return self._broken("candidates", "the contacts' opportunities are not a Lever "
                                "list", None)
        records, more, gone = people
        for contact in gone:
            record, worse = parse.parse_person(contact, groups[contact], frozenset(),
                                               deleted=True)
            more += worse
            if record is not None:
                records.append(record)
        nxt = f"d:{listed.next}" if listed.has_next else None
        return AtsPage("candidates", records, [*bad, *more], nxt)

    async def stages(self, job_id: str) -> list[StageRecord]:
        """Lever's stages are the account's (the same for every posting)."""
        found: list[StageRecord] = []
        params: dict[str, str] = {}
        for _ in range(MAX_PAGES):
            listed = parse.list_body(await self._get("stages", params or None))
            if listed is None:
                break
            found += [s for s in map(parse.parse_stage, listed.items) if s is not None]
            if not listed.has_next or listed.next is None:
                break
            params = {"offset": listed.next}
        return found

    async def _people_of(self, items: list[Any]) -> list[CandidateRecord]:
        groups, _ = parse.group_by_contact(items)
        people = await self._people(list(groups))
        return people[0] if people else []

    async def find_by_email(self, email: str) -> list[CandidateRecord]:
        """Lever keeps one contact per email: the people whose opportunities carry it."""
        listed = parse.list_body(await self._get("opportunities", {
            "email": email.strip(), "limit": str(self.page_size)}))
        return await self._people_of(listed.items) if listed else []

    async def create_candidate(self, person: NewCandidate) -> CandidateRecord:
        body: dict[str, Any] = {
            "name": f"{person.first_name} {person.last_name}".strip(),
            "postings": [person.job_id], "origin": "sourced"}
        if person.email:
            body["emails"] = [person.email]
        if person.phone:
            body["phones"] = [{"type": "mobile", "value": person.phone}]
        answer, _ = await self.http.json("POST", "opportunities", params=self._writer(),
                                         json=body)
        created = parse.single(answer)
        contact = parse.contact_of(created)
        if created is None or contact is None:
            raise ProviderError(SERVICE, "Lever created the candidate but answered in a way "
                                "Milo Desktop does not understand.", status=0,
                                request="POST /v1/opportunities")
        people = await self._people([contact])
        if people and people[0]:
            return people[0][0]
        record, _ = parse.parse_person(contact, [created], await self.hired())
        if record is None:
            raise ProviderError(SERVICE, "Lever's new candidate could not be read.", status=0,
                                request="POST /v1/opportunities")
        return record

    async def application(self, application_id: str) -> ApplicationRecord | None:
        try:
            body = await self._get(f"opportunities/{application_id}",
                                   [("expand", e) for e in EXPAND])
        except NotFoundAtProvider:
            return None
        app = parse.parse_application(parse.single(body), await self.hired())
        return None if isinstance(app, Quarantine) else app

    async def _opportunities(self, candidate_id: str,
                             application_id: str | None) -> list[str]:
        if application_id:
            return [application_id]
        items = await self._of_contacts([candidate_id]) or []
        ordered = sorted((o for o in items if isinstance(o, dict)),
                         key=lambda o: iso_time(o.get("updatedAt")) or "", reverse=True)
        return [oid for oid in (ident(o.get("id")) for o in ordered) if oid]

    async def add_note(self, candidate_id: str, application_id: str | None, body: str) -> str:
        writer = self._writer()
        opps = await self._opportunities(candidate_id, application_id)
        if not opps:
            raise NotFoundAtProvider(SERVICE, "Lever has no opportunity for this candidate "
                                     "any more; the note was not added.")
        answer, _ = await self.http.json("POST", f"opportunities/{opps[0]}/notes",
                                         params=writer, json={"value": body})
        data = parse.single(answer) or {}
        for key in ("noteId", "id"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
        raise ProviderError(SERVICE, "Lever added the note but did not say its ID.", status=0,
                            request=f"POST /v1/opportunities/{opps[0]}/notes")

    async def find_note(self, candidate_id: str, application_id: str | None,
                        marker: str) -> NoteRef | None:
        for opp in await self._opportunities(candidate_id, application_id):
            offset: str | None = None
            for _ in range(MAX_PAGES):
                params = {"limit": str(self.page_size), **({"offset": offset} if offset else {})}
                try:
                    listed = parse.list_body(await self._get(f"opportunities/{opp}/notes",
                                                             params))
                except NotFoundAtProvider:
                    break
                if listed is None:
                    break
                for raw in listed.items:
                    note = parse.note_body(raw)
                    if note is not None and marker in note[1]:
                        return NoteRef(note[0], note[1])
                if not listed.has_next:
                    break
                offset = listed.next
        return None

    async def move(self, application_id: str, to_stage_id: str,
                   from_stage_id: str | None) -> None:
        await self.http.request("PUT", f"opportunities/{application_id}/stage",
                                params=self._writer(), json={"stage": to_stage_id})

    async def _reason_id(self, reason: str) -> str:
        listed = parse.list_body(await self._get("archive_reasons"))
        reasons = [r for r in parse.archive_reasons(listed.items if listed else [])
                   if r[2] != "hired"]
        if not reasons:
            raise ProviderError(SERVICE, "Lever has no archive reason for a rejection; add one "
                                "in Lever's settings.", status=0,
                                request="GET /v1/archive_reasons")
        wanted = reason.strip().casefold()
        for rid, words, _ in reasons:
            if wanted and (words.casefold() == wanted or rid == reason):
                return rid
        return reasons[0][0]

    async def reject(self, application_id: str, reason: str) -> None:
        """Archive with a non-hired reason (matched by its words, else the first one);
        already archived is done."""
        writer = self._writer()
        current = await self.application(application_id)
        if current is None:
            raise NotFoundAtProvider(SERVICE, "Lever has no such opportunity any more; it was "
                                     "not archived.")
        if current["status"] != "active":
            return
        await self.http.request("PUT", f"opportunities/{application_id}/archived",
                                params=writer, json={"reason": await self._reason_id(reason),
                                                     "cleanInterviews": False})

    async def aclose(self) -> None:
        await self.http.aclose()


def make_http(base_url: str, auth: Auth, extra_hosts: tuple[str, ...]) -> AtsHttp:
    return AtsHttp(SERVICE, TITLE, base_url, auth, extra_hosts=extra_hosts, auth_message=(
        "Lever refused the API key or the OAuth sign-in. Check them under From ATS → Lever; "
        "Lever sync is paused until then."))


__all__ = ["PAGE_SIZE", "LeverClient", "make_http"]
