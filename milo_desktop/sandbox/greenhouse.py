"""A local Greenhouse Harvest v3 (and its token endpoint) for tests and demo mode.

It answers what ``services/connectors/greenhouse`` calls, in v3's shapes
(harvestdocs.greenhouse.io): ``POST /token`` (client credentials: Basic client_id:secret,
form grant_type + sub; answers ``access_token``, ``token_type`` and ``expires_at``, or
``expires_in`` when ``token_style`` says so), and under ``/v3``: users, jobs, job_stages,
candidates, applications, notes, rejection_reasons (GET lists), candidates, applications,
notes (POST creates), applications/{id}/move and /reject.

Lists are bare JSON arrays paged by ``Link: <…?cursor=…>; rel="next"``; the cursor (URL-safe
base64 JSON) carries the filters and the last id, so a request with ``cursor`` must carry
nothing else (422 otherwise, as documented); ``per_page`` ≤ 500 (422 above), served up to
``max_page_size``. Filters: ``ids``, ``candidate_ids``, ``job_ids``, ``status``, ``email``,
``updated_at=gte|…`` (any of gte/gt/lte/lt, chained with ``|``).

Quirks modelled: writes need ``On-Behalf-Of`` (a known user; 422 otherwise); a record created
through the API answers 404 to the first ``fresh_lag`` requests that name it (Greenhouse's
read-after-write lag); rejecting a rejected application answers 422; tokens expire at
``expires_at`` (``token_ttl`` seconds of real time) or at once with ``expire_tokens()``.
Moving, rejecting or adding an application bumps the person's ``updated_at`` (so an "updated
since" pull sees it). Deleting a person removes them: v3 has no deleted-records list, so a
deletion is invisible to an incremental pull.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gc
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

from milo_desktop.sandbox.ats_base import TICK, AtsReq, AtsResp, AtsSandbox, link_header
from milo_desktop.sandbox.greenhouse_state import GreenhouseState, Table, stamp

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100
_OPS: dict[str, Callable[[float, float], bool]] = {
    "gte": lambda a, b: a >= b, "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b, "lt": lambda a, b: a < b}
_LISTS = ("users", "jobs", "job_stages", "candidates", "applications", "notes",
          "rejection_reasons")


def _error(status: int, message: str, field: str | None = None) -> AtsResp:
    if field is None:
        return AtsResp(status, {"message": message})
    return AtsResp(status, {"message": "Validation error",
                            "errors": [{"message": message, "field": field}]})


def _ids(raw: str | None) -> set[int] | None:
    if raw is None:
        return None
    return {int(x) for x in raw.split(",") if x.strip().isdigit()}


def _time_filter(raw: str | None) -> list[tuple[Callable[[float, float], bool], float]] | None:
    if raw is None:
        return None
    parts = raw.split("|")
    found = []
    for op, value in zip(parts[::2], parts[1::2], strict=False):
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        found.append((_OPS[op.lower()], when.timestamp()))
    return found


class GreenhouseSandbox(AtsSandbox):
    """See the module docstring. ``credentials()`` gives what ``SPEC.make_client`` needs."""

    service = "greenhouse"

    def __init__(self) -> None:
        super().__init__()
        self.state = GreenhouseState()
        self.client_id = "gh-client-" + secrets.token_hex(4)
        self.client_secret = secrets.token_urlsafe(18)
        self.user_id = self.state.users.add({
            "first_name": "Kate", "last_name": "Austen", "name": "Kate Austen",
            "primary_email_address": "kate.austen@example.com", "site_admin": True,
            "disabled": False, "created_at": stamp(self.now), "updated_at": stamp(self.now)})
        self.state.reasons.add({"name": "Lacking skill(s)/qualification(s)",
                                "type": {"id": 1, "name": "We rejected them"},
                                "created_at": stamp(self.now), "updated_at": stamp(self.now)})
        self.tokens: dict[str, float] = {}  # token → expiry (Unix time)
        self.token_ttl = 3600.0
        self.token_style = "expires_at"  # or "expires_in"
        self.max_page_size = MAX_PER_PAGE
        self.fresh_lag = 1  # 404s a just-created record answers before it is visible
        self._lagging: dict[int, int] = {}

    # -- seeding API (tests, demo, benchmark) ----------------------------------------------
    def credentials(self) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret,
                "user_id": str(self.user_id)}

    def add_job(self, title: str, stages: list[str]) -> str:
        with self.lock:
            return str(self.state.job(title, stages, self.tick()))

    def add_candidate(self, first: str, last: str, email: str | None, phone: str | None,
                      job_id: str, linkedin: str | None = None) -> str:
        with self.lock:
            now = self.tick()
            cid = self.state.candidate(first, last, [email] if email else [],
                                       [phone] if phone else [], now, linkedin)
            self.state.application(cid, int(job_id), now)
            return str(cid)

    def seed_many(self, n: int, job_ids: list[str], seed: int = 0) -> list[str]:
        """``n`` fictional people with one application each (deterministic for a seed)."""
        paused = gc.isenabled()
        gc.disable()  # millions of small dicts: the cyclic collector would rescan them all
        try:
            with self.lock:
                made = self.state.seed_many(n, [int(j) for j in job_ids], seed, self.tick())
                for _ in range(int(n // TICK.total_seconds()) + 1):
                    self.tick()  # the clock moves past the last seeded person's time
        finally:
            if paused:
                gc.enable()
        return [str(c) for c in made]

    def update_candidate(self, cid: str, **fields: str) -> None:
        with self.lock:
            row = self.state.candidates.rows[int(cid)]
            for name in ("first", "last"):
                if name in fields:
                    row[f"{name}_name"] = fields[name]
            if "email" in fields:
                row["email_addresses"] = [{"value": fields["email"], "type": "personal"}]
            if "phone" in fields:
                row["phone_numbers"] = [{"value": fields["phone"], "type": "mobile"}]
            self.state.touch(int(cid), self.tick())

    def delete_candidate(self, cid: str) -> None:
        with self.lock:
            self.state.delete(int(cid))
            self.tick()

    def notes_of(self, cid: str) -> list[str]:
        with self.lock:
            return [self.state.notes.rows[n]["body"]
                    for n in self.state.notes_by_candidate.get(int(cid), [])]

    def applications_of(self, cid: str) -> list[str]:
        with self.lock:
            return [str(a) for a in self.state.apps_by_candidate.get(int(cid), [])]

    def stage_of(self, app_id: str) -> str:
        with self.lock:
            return str(self.state.applications.rows[int(app_id)]["current_stage_id"])

    def status_of(self, app_id: str) -> str:
        with self.lock:
            return str(self.state.applications.rows[int(app_id)]["status"])

    def stages_of_job(self, job_id: str) -> list[str]:
        with self.lock:
            return [str(s) for s in self.state.stages_by_job.get(int(job_id), [])]

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def poison(self, body: Any) -> Any:
        if isinstance(body, list):
            return [*body, {"id": "978-not-an-id", "first_name": {"unexpected": True},
                            "updated_at": float("nan"), "status": 7}]
        return body

    # -- serving --------------------------------------------------------------------------
    def handle(self, req: AtsReq) -> AtsResp:
        if req.path == "/token":
            return self._token(req) if req.method == "POST" else _error(405, "Not allowed")
        if not req.path.startswith("/v3/"):
            return _error(404, "Resource not found")
        token = req.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if self.tokens.get(token, 0.0) <= time.time():
            return _error(401, "Unauthorized")
        parts = req.path.strip("/").split("/")[1:]
        if req.method == "GET" and len(parts) == 1 and parts[0] in _LISTS:
            return self._list(req, parts[0])
        if req.method != "POST":
            return _error(404, "Resource not found")
        user = req.headers.get("on-behalf-of", "")
        if not user.isdigit() or int(user) not in self.state.users.rows:
            return _error(422, "On-Behalf-Of must be the id of a Greenhouse user",
                          "On-Behalf-Of")
        body = req.body if isinstance(req.body, dict) else {}
        from milo_desktop.sandbox import greenhouse_writes as writes

        if parts == ["candidates"]:
            return writes.create_candidate(self, body)
        if parts == ["applications"]:
            return writes.create_application(self, body)
        if parts == ["notes"]:
            return writes.create_note(self, body, int(user))
        if len(parts) == 3 and parts[0] == "applications" and parts[1].isdigit():
            if parts[2] == "move":
                return writes.move(self, int(parts[1]), body)
            if parts[2] == "reject":
                return writes.reject(self, int(parts[1]), body)
        return _error(404, "Resource not found")

    def fresh(self, rid: int) -> None:
        """A record just created through the API: it 404s for a while (``fresh_lag``)."""
        if self.fresh_lag > 0:
            self._lagging[rid] = self.fresh_lag

    def lagging(self, ids: Iterable[int]) -> bool:
        """True (and one 404 spent) when any of ``ids`` is still too fresh to be seen."""
        hit = False
        for rid in ids:
            left = self._lagging.get(rid, 0)
            if left > 0:
                hit = True
                if left == 1:
                    del self._lagging[rid]
                else:
                    self._lagging[rid] = left - 1
        return hit

    def _token(self, req: AtsReq) -> AtsResp:
        raw = req.headers.get("authorization", "")
        try:
            pair = base64.b64decode(raw.removeprefix("Basic ").strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            pair = ""
        if pair != f"{self.client_id}:{self.client_secret}":
            return AtsResp(401, {"error": "invalid_client"})
        if req.form.get("grant_type") != "client_credentials":
            return AtsResp(400, {"error": "unsupported_grant_type"})
        sub = req.form.get("sub", "")
        if not sub.isdigit() or int(sub) not in self.state.users.rows:
            return AtsResp(400, {"error": "invalid_request",
                                 "error_description": "sub is not a user of this account"})
        token = secrets.token_urlsafe(24)
        expires = time.time() + self.token_ttl
        self.tokens[token] = expires
        answer: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.token_style == "expires_in":
            answer["expires_in"] = int(self.token_ttl)
        else:
            answer["expires_at"] = dt.datetime.fromtimestamp(expires, dt.UTC).isoformat()
        return AtsResp(200, answer)

    # -- lists ------------------------------------------------------------------------------
    def _list(self, req: AtsReq, resource: str) -> AtsResp:
        query = {k: v[-1] for k, v in req.query.items()}
        if "cursor" in query:
            if len(query) > 1:
                return _error(422, "cursor cannot be combined with other parameters", "cursor")
            try:
                state = json.loads(base64.urlsafe_b64decode(query["cursor"].encode()))
                filters, per_page, last = state["f"], int(state["n"]), int(state["a"])
            except (ValueError, KeyError, TypeError, binascii.Error):
                return _error(422, "cursor is not valid", "cursor")
        else:
            filters = {k: v for k, v in query.items() if k != "per_page"}
            try:
                per_page = int(query.get("per_page", DEFAULT_PER_PAGE))
            except ValueError:
                return _error(422, "per_page must be a number", "per_page")
            if not 1 <= per_page <= MAX_PER_PAGE:
                return _error(422, f"per_page must be between 1 and {MAX_PER_PAGE}", "per_page")
            last = 0
        try:
            table, ids, match = self._source(resource, filters)
        except (ValueError, KeyError):
            return _error(422, "a filter is not valid", "query")
        named = [*(_ids(filters.get("ids")) or ()), *(_ids(filters.get("candidate_ids")) or ())]
        if named and self.lagging(named):
            return _error(404, "Resource not found")
        size = min(per_page, self.max_page_size)
        rows: list[dict[str, Any]] = []
        more = False
        for rid in ids(last):
            row = table.rows.get(rid)
            if row is None or not match(row):
                continue
            if len(rows) == size:
                more = True
                break
            rows.append(row)
        headers: dict[str, str] = {}
        if more:
            cursor = base64.urlsafe_b64encode(json.dumps(
                {"f": filters, "n": per_page, "a": rows[-1]["id"]}).encode()).decode()
            headers["Link"] = link_header(f"{req.origin}{req.path}?cursor={quote(cursor)}")
        return AtsResp(200, rows, headers)

    def _source(self, resource: str, f: dict[str, str]
                ) -> tuple[Table, Callable[[int], Iterator[int]], Callable[[dict[str, Any]], bool]]:
        """The table, the ids to walk (ascending, after a given id) and the row filter."""
        s = self.state
        table = {"users": s.users, "jobs": s.jobs, "job_stages": s.stages,
                 "candidates": s.candidates, "applications": s.applications,
                 "notes": s.notes, "rejection_reasons": s.reasons}[resource]
        wanted = _ids(f.get("ids"))
        updated = _time_filter(f.get("updated_at"))
        status = f.get("status")
        email = f.get("email", "").lower() or None
        by_parent: list[int] | None = None
        if resource in ("applications", "notes") and "candidate_ids" in f:
            index = s.apps_by_candidate if resource == "applications" else s.notes_by_candidate
            by_parent = sorted(i for c in (_ids(f["candidate_ids"]) or ()) for i in index.get(c, ()))
        elif resource == "job_stages" and "job_ids" in f:
            by_parent = sorted(i for j in (_ids(f["job_ids"]) or ())
                               for i in s.stages_by_job.get(j, ()))
        if wanted is not None:
            by_parent = sorted(wanted if by_parent is None else wanted & set(by_parent))

        def ids(last: int) -> Iterator[int]:
            if by_parent is not None:
                return (i for i in by_parent if i > last)
            order = table.order
            return (order[i] for i in range(table.after(last), len(order)))

        def match(row: dict[str, Any]) -> bool:
            if status is not None and row.get("status") != status:
                return False
            if email is not None and not any(
                    e["value"].lower() == email for e in row.get("email_addresses", ())):
                return False
            if updated is not None:
                when = (s.updated[row["id"]] if resource == "candidates" else
                        dt.datetime.fromisoformat(row["updated_at"].replace("Z", "+00:00"))
                        .timestamp())
                return all(op(when, bound) for op, bound in updated)
            return True

        return table, ids, match


__all__ = ["MAX_PER_PAGE", "GreenhouseSandbox"]
