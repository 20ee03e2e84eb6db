"""A Lever v1 sandbox (https://hire.lever.co/developer/documentation) for the Lever connector.

Serves, under ``/v1`` (``base_url`` includes it, as Lever's does):
``GET /opportunities`` (limit 1..100 / offset token / updated_at_start|end /
created_at_start / email / contact_id (repeatable) / posting_id / stage_id / archived /
expand=applications|stage), ``GET /opportunities/deleted`` (deleted_at_start|end),
``GET /opportunities/{id}``, ``POST /opportunities?perform_as=``, ``PUT
/opportunities/{id}/stage``, ``PUT /opportunities/{id}/archived``, ``GET|POST
/opportunities/{id}/notes``, ``GET /postings``, ``GET /stages``, ``GET /archive_reasons``,
``GET /users/{id}``; and ``POST /oauth/token`` at the root (Lever's is
https://auth.lever.co/oauth/token).

Lever's quirks, modelled: Basic auth with the API key as username OR a Bearer access token
(1 hour, by the sandbox clock); refresh tokens ROTATE - each use issues a new one and the old
one is refused (``invalid_grant``); writes without ``perform_as`` are refused (400); a created
opportunity whose email belongs to a contact joins that contact (Lever's de-duplication by
email, ``deduped: true``); deleted opportunities leave every list and appear in
``/opportunities/deleted``; errors are ``{"code", "message"}``.

Rate limits: Lever documents a token bucket (10 requests/s, bursts of 20, then 429) and no
rate-limit headers; the sandbox sends the base's ``X-RateLimit-*`` headers (a window the
tests can make small) and ``Retry-After`` on 429 - the connector reads whichever it gets.
The seeding API (``add_job``, ``add_candidate``, …) is in ``lever_seed.py``, the records in
``lever_state.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp, AtsSandbox
from milo_desktop.sandbox.lever_seed import LeverSeeding
from milo_desktop.sandbox.lever_state import NOTE, LeverState, Opp

_OPP = re.compile(r"^/v1/opportunities/([^/]+)$")
_OPP_SUB = re.compile(r"^/v1/opportunities/([^/]+)/(stage|archived|notes)$")
_USER = re.compile(r"^/v1/users/([^/]+)$")
HOUR_MS = 3_600_000


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _err(status: int, code: str, message: str) -> AtsResp:
    return AtsResp(status, {"code": code, "message": message})


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class LeverSandbox(LeverSeeding, AtsSandbox):
    """See the module docstring; seeding API as in ``ats_base``."""

    service = "lever"

    def __init__(self) -> None:
        super().__init__()
        self.max_page_size = 100
        self.state = LeverState()
        self.api_key = "lever-sandbox-" + secrets.token_hex(8)
        self.client_id = "cid-" + secrets.token_hex(6)
        self.client_secret = "secret-" + secrets.token_hex(12)
        self.refresh_token = "rt-" + secrets.token_hex(12)  # the one that works now
        self.spent_refresh_tokens: list[str] = []
        self.token_requests = 0
        self._access: dict[str, int] = {}  # access token → expiry (sandbox ms)
        self.credential_mode = "oauth"  # what credentials() hands out ("oauth" | "api_key")

    @property
    def base_url(self) -> str:
        return f"{super().base_url}/v1"

    @property
    def root_url(self) -> str:
        return super().base_url

    def _now(self) -> int:
        return _ms(self.tick())

    def expire_tokens(self) -> None:
        with self.lock:
            self._access.clear()

    def credentials(self, mode: str | None = None) -> dict[str, str]:
        """The connector's fields: OAuth (client, secret, the refresh token valid NOW) by
        default, or the API key (``mode="api_key"``)."""
        with self.lock:
            user = str(self.state.user["id"])
            if (mode or self.credential_mode) == "api_key":
                return {"api_key": self.api_key, "perform_as": user}
            return {"oauth_client_id": self.client_id,
                    "oauth_client_secret": self.client_secret,
                    "refresh_token": self.refresh_token, "perform_as": user}

    def poison(self, body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            body["data"].append({"id": math.nan, "contact": {"id": None}, "name": "\ud800",
                                 "emails": "not a list", "updatedAt": 1e300})
        return body

    # -- serving -----------------------------------------------------------------------
    def handle(self, req: AtsReq) -> AtsResp:
        if req.path == "/oauth/token" and req.method == "POST":
            return self._token(req)
        if not self._signed_in(req.headers.get("authorization", "")):
            return _err(401, "UnauthorizedError", "Invalid API key or access token")
        path, method = req.path, req.method
        routes: dict[tuple[str, str], Callable[[AtsReq], AtsResp]] = {
            ("GET", "/v1/opportunities"): self._list_opps,
            ("POST", "/v1/opportunities"): self._create,
            ("GET", "/v1/opportunities/deleted"): self._list_deleted,
            ("GET", "/v1/postings"): self._list_postings,
            ("GET", "/v1/stages"): lambda r: self._page(r, self.state.stages),
            ("GET", "/v1/archive_reasons"): lambda r: self._page(r, self.state.reasons),
        }
        route = routes.get((method, path))
        if route is not None:
            return route(req)
        if (m := _OPP_SUB.match(path)) is not None:
            return self._opp_sub(req, m.group(1), m.group(2))
        if method == "GET" and (m := _OPP.match(path)) is not None:
            opp = self._opp(m.group(1))
            if opp is None:
                return _err(404, "ResourceNotFound", "Opportunity not found")
            return AtsResp(200, {"data": self.state.render_opp(opp, self._expand(req))})
        if method == "GET" and (m := _USER.match(path)) is not None:
            if m.group(1) != self.state.user["id"]:
                return _err(404, "ResourceNotFound", "User not found")
            return AtsResp(200, {"data": dict(self.state.user)})
        return _err(404, "ResourceNotFound", f"No route {method} {path}")

    # -- auth --------------------------------------------------------------------------
    def _signed_in(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                user = base64.b64decode(value).decode().partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                return False
            return secrets.compare_digest(user, self.api_key)
        if scheme.lower() == "bearer":
            expiry = self._access.get(value.strip())
            return expiry is not None and _ms(self.now) < expiry
        return False

    def _token(self, req: AtsReq) -> AtsResp:
        self.token_requests += 1
        form = req.form or (req.body if isinstance(req.body, dict) else {})
        if (form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret):
            return AtsResp(401, {"error": "access_denied", "error_description": "Unauthorized"})
        if form.get("grant_type") != "refresh_token":
            return AtsResp(403, {"error": "unsupported_grant_type",
                                 "error_description": "Unsupported grant type"})
        if form.get("refresh_token") != self.refresh_token:
            return AtsResp(403, {"error": "invalid_grant",
                                 "error_description": "Unknown or invalid refresh token."})
        self.spent_refresh_tokens.append(self.refresh_token)
        self.refresh_token = "rt-" + secrets.token_hex(12)
        access = "at-" + secrets.token_hex(16)
        self._access[access] = _ms(self.now) + HOUR_MS
        return AtsResp(200, {"access_token": access, "refresh_token": self.refresh_token,
                             "token_type": "Bearer", "expires_in": 3600,
                             "scope": "offline_access opportunities:write:admin "
                                      "postings:read:admin notes:write:admin"})

    # -- lists -------------------------------------------------------------------------
    def _limit(self, req: AtsReq) -> int | AtsResp:
        raw = req.arg("limit", "100")
        limit = _int(raw)
        if limit is None or not 1 <= limit <= 100:
            return _err(400, "BadRequestError", "limit must be between 1 and 100")
        return min(limit, self.max_page_size)

    @staticmethod
    def _expand(req: AtsReq) -> set[str]:
        return set(req.query.get("expand", []))

    def _walk(self, req: AtsReq, ids: Sequence[str], start_of: Callable[[str], int | None],
              keep: Callable[[str], bool], render: Callable[[str], Any]) -> AtsResp:
        """One page of ``ids`` (in order) from the offset token, ``keep`` ones only. The
        token is ``0.<n>.<last id>``: where the previous page stopped."""
        limit = self._limit(req)
        if isinstance(limit, AtsResp):
            return limit
        start = 0
        token = req.arg("offset")
        if token:
            last = token.rpartition(".")[2]
            pos = start_of(last)
            if not token.startswith("0.") or pos is None:
                return _err(400, "BadRequestError", "Invalid offset token")
            start = pos + 1
        found: list[str] = []
        i = start
        more = False
        while i < len(ids):
            if keep(ids[i]):
                if len(found) == limit:
                    more = True
                    break
                found.append(ids[i])
            i += 1
        body: dict[str, Any] = {"data": [render(x) for x in found], "hasNext": more}
        if more:
            body["next"] = f"0.{start + len(found)}.{found[-1]}"
        return AtsResp(200, body)

    def _page(self, req: AtsReq, items: list[dict[str, Any]]) -> AtsResp:
        ids = [item["id"] for item in items]
        where = {x: n for n, x in enumerate(ids)}
        by_id = {item["id"]: item for item in items}
        return self._walk(req, ids, where.get, lambda _: True, lambda x: dict(by_id[x]))

    def _list_postings(self, req: AtsReq) -> AtsResp:
        st = self.state
        states = set(req.query.get("state", []))
        where = {x: n for n, x in enumerate(st.posting_order)}
        return self._walk(req, st.posting_order, where.get,
                          lambda x: not states or st.postings[x].state in states,
                          lambda x: st.render_posting(st.postings[x]))

    def _list_opps(self, req: AtsReq) -> AtsResp:
        st = self.state
        upd_start, upd_end = _int(req.arg("updated_at_start")), _int(req.arg("updated_at_end"))
        created_start = _int(req.arg("created_at_start"))
        stage, posting = req.arg("stage_id"), req.arg("posting_id")
        archived = req.arg("archived")
        ids: Sequence[str] = st.order
        contacts: Iterable[str] | None = req.query.get("contact_id")
        email = req.arg("email")
        if email is not None:
            hit = st.by_email.get(email.strip().casefold())
            hits = [hit] if hit else []
            contacts = hits if contacts is None else [c for c in contacts if c in hits]
        if contacts is not None:
            wanted = {o for c in contacts if c in st.contacts for o in st.contacts[c].opps}
            ids = sorted(wanted, key=st.position.__getitem__)

        def keep(oid: str) -> bool:
            o = st.opps[oid]
            return (o.deleted_at is None
                    and (upd_start is None or o.updated >= upd_start)
                    and (upd_end is None or o.updated <= upd_end)
                    and (created_start is None or o.created >= created_start)
                    and (stage is None or o.stage == stage)
                    and (posting is None or o.posting == posting)
                    and (archived is None or (o.archived is not None) == (archived == "true")))

        expand = self._expand(req)
        local = {x: n for n, x in enumerate(ids)} if contacts is not None else st.position
        return self._walk(req, ids, local.get, keep,
                          lambda x: st.render_opp(st.opps[x], expand))

    def _list_deleted(self, req: AtsReq) -> AtsResp:
        st = self.state
        start, end = _int(req.arg("deleted_at_start")), _int(req.arg("deleted_at_end"))

        def keep(oid: str) -> bool:
            when = st.opps[oid].deleted_at or 0
            return (start is None or when >= start) and (end is None or when <= end)

        return self._walk(req, st.deleted, st.deleted_position.get, keep,
                          lambda x: st.render_opp(st.opps[x], set()))

    # -- single opportunities and writes -----------------------------------------------
    def _opp(self, oid: str) -> Opp | None:
        opp = self.state.opps.get(oid)
        return opp if opp is not None and opp.deleted_at is None else None

    def _performer(self, req: AtsReq) -> AtsResp | None:
        who = req.arg("perform_as")
        if not who:
            return _err(400, "BadRequestError", "Missing required parameter: perform_as")
        if who != self.state.user["id"]:
            return _err(400, "BadRequestError", "perform_as is not a user of this account")
        return None

    def _create(self, req: AtsReq) -> AtsResp:
        refused = self._performer(req)
        if refused is not None:
            return refused
        body = req.body if isinstance(req.body, dict) else {}
        st = self.state
        postings = body.get("postings") or []
        if not isinstance(postings, list) or any(p not in st.postings for p in postings):
            return _err(400, "BadRequestError", "postings must be a list of posting ids")
        emails = [e for e in body.get("emails") or [] if isinstance(e, str)]
        phones = [p for p in body.get("phones") or [] if isinstance(p, dict)]
        name = str(body["name"]) if isinstance(body.get("name"), str) else ""
        hit = next((st.by_email[e.casefold()] for e in emails if e.casefold() in st.by_email),
                   None)
        contact = st.contacts[hit] if hit else st.add_contact(
            name, emails, [{"type": str(p.get("type", "other")), "value": str(p.get("value"))}
                           for p in phones], [str(x) for x in body.get("links") or []])
        origin = str(body["origin"]) if isinstance(body.get("origin"), str) else "sourced"
        opp = st.add_opp(contact, postings[0] if postings else None, self._now(),
                         origin=origin)
        return AtsResp(201, {"data": st.render_opp(opp, set()), "deduped": hit is not None})

    def _opp_sub(self, req: AtsReq, oid: str, what: str) -> AtsResp:
        opp = self._opp(oid)
        if opp is None:
            return _err(404, "ResourceNotFound", "Opportunity not found")
        st = self.state
        if what == "notes" and req.method == "GET":
            notes = st.notes.get(oid, [])
            return self._walk(req, [n["id"] for n in notes],
                              {n["id"]: i for i, n in enumerate(notes)}.get, lambda _: True,
                              lambda x: dict(next(n for n in notes if n["id"] == x)))
        allowed = {"notes": "POST", "stage": "PUT", "archived": "PUT"}[what]
        if req.method != allowed:
            return _err(405, "MethodNotAllowed", f"{req.method} is not allowed here")
        refused = self._performer(req)
        if refused is not None:
            return refused
        body = req.body if isinstance(req.body, dict) else {}
        now = self._now()
        if what == "notes":
            value = body.get("value")
            if not isinstance(value, str) or not value:
                return _err(400, "BadRequestError", "value is required")
            note = {"id": st.next_id(NOTE), "text": "Note", "fields": [
                {"type": "note", "text": "Note", "value": value}], "user": st.user["id"],
                "secret": bool(body.get("secret", False)), "completedAt": now,
                "createdAt": now, "deletedAt": None}
            st.notes.setdefault(oid, []).append(note)
            opp.updated = now
            return AtsResp(201, {"data": {"noteId": note["id"]}})
        if what == "stage":
            sid = body.get("stage")
            if sid not in {s["id"] for s in st.stages}:
                return _err(400, "BadRequestError", "stage is not a stage of this account")
            opp.stage, opp.updated, opp.advanced = sid, now, now
        else:
            reason = body.get("reason")
            if reason is None:
                opp.archived = None
            elif reason not in {r["id"] for r in st.reasons}:
                return _err(400, "BadRequestError", "reason is not an archive reason")
            else:
                opp.archived = {"reason": reason, "archivedAt": now}
            opp.updated = now
        return AtsResp(200, {"data": st.render_opp(opp, set())})


__all__ = ["LeverSandbox"]
