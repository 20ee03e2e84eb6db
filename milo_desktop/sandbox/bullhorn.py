"""A Bullhorn REST sandbox: loginInfo, OAuth (authorize → code → token, rotating refresh
tokens), the REST login (BhRestToken + restUrl) and the REST calls the connector makes
(search, query, entity GET/PUT/POST, settings, event subscriptions), with Bullhorn's shapes.

Everything is served from one origin: loginInfo names ``{origin}/oauth`` and
``{origin}/rest-services`` and the session's restUrl is ``{origin}/rest-services/sbx1/``.
Modelled quirks: an API user who never accepted the terms of service (``terms_pending``:
authorize redirects to a page, without a code); a moved data centre (``moved_data_centre = True``: the auth endpoints answer
307 to ``/dc2/…``, which serves the same account); sessions that expire (``expire_tokens``;
refresh tokens stay valid and are single use); a destructive event queue (a new batch
acknowledges the previous one; only the last batch can be re-read with ``requestId``, and
not for ever: ``lose_last_batch``); an unused subscription that Bullhorn dropped
(``drop_subscriptions``); soft deletes (``isDeleted``, an UPDATED event) and hard deletes
(``purge_candidate``: gone, a DELETED event); records hidden from the API user (``hidden``:
403); the search index lagging behind API creates (``index_lag``: searches that miss a new
candidate); per-tenant JobSubmission statuses (an unknown status is a 400). Bullhorn sends no
rate-limit headers: only 429 with Retry-After (unless a test sets ``rate_limit``).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp, AtsSandbox
from milo_desktop.sandbox.bullhorn_rest import rest
from milo_desktop.sandbox.bullhorn_state import QueryError, Store, ms, state_of

CORP = "sbx1"
REST = f"/rest-services/{CORP}/"
LOGIN_PAGE = b"<html><body><form id='login'>Bullhorn login</form></body></html>"


def _err(status: int, message: str, key: str = "errors.request") -> AtsResp:
    return AtsResp(status, {"errorMessage": message, "errorMessageKey": key,
                            "errorCode": status})


class BullhornSandbox(AtsSandbox):
    """See the module docstring; the seeding API is ats_base's."""

    service = "bullhorn"

    def __init__(self) -> None:
        super().__init__()
        self.store = Store(lambda: self.now)
        self.max_page_size = 500
        self.moved_data_centre = False
        self.index_lag = 0
        self._unindexed: dict[int, int] = {}
        self.terms_pending = False  # the API user has not accepted Bullhorn's terms yet
        self.hidden: set[int] = set()  # ids whose entity GET answers 403 (hidden records)
        self.client_id, self.client_secret = "sbx-client-id", "sbx-client-secret"
        self.username, self.password = "milo.api", "sbx-password"
        self._codes: set[str] = set()
        self._access: set[str] = set()
        self._refresh: set[str] = set()
        self._sessions: set[str] = set()

    # -- seeding API -------------------------------------------------------------------
    def add_job(self, title: str, stages: list[str]) -> str:
        with self.lock:
            return str(self.store.add_job(title, list(stages), self.tick()))

    def add_candidate(self, first: str, last: str, email: str | None, phone: str | None,
                      job_id: str, linkedin: str | None = None) -> str:
        with self.lock:
            when = self.tick()
            cid = self.store.add_candidate({"firstName": first, "lastName": last,
                                            "email": email, "phone": phone,
                                            "companyURL": linkedin}, when)
            jid = int(job_id)
            self.store.add_submission(cid, jid, self.store.job_first[jid], when)
            return str(cid)

    def seed_many(self, n: int, job_ids: list[str]) -> list[str]:
        """``n`` people, each with one submission, spread over ``job_ids`` (fast)."""
        jobs = [int(j) for j in job_ids]
        out = []
        with self.lock:
            for i in range(n):
                when = self.tick()
                cid = self.store.add_candidate({"firstName": f"Seed{i}", "lastName": "Person",
                                                "email": f"seed{i}@example.com",
                                                "phone": f"+1617555{i % 10000:04d}"}, when)
                jid = jobs[i % len(jobs)]
                self.store.add_submission(cid, jid, self.store.job_first[jid], when)
                out.append(str(cid))
        return out

    def update_candidate(self, cid: str, **fields: Any) -> None:
        names = {"first": "firstName", "last": "lastName", "email": "email", "phone": "phone"}
        with self.lock:
            rec = self.store.candidates[int(cid)]
            for key, value in fields.items():
                rec[names.get(key, key)] = value
            rec["name"] = f"{rec['firstName'] or ''} {rec['lastName'] or ''}".strip()
            rec["dateLastModified"] = ms(self.tick())
            self.store.event("Candidate", int(cid), "UPDATED",
                             [names.get(k, k) for k in fields])

    def delete_candidate(self, cid: str) -> None:
        """Bullhorn's delete of a person is soft: ``isDeleted`` and an UPDATED event."""
        with self.lock:
            rec = self.store.candidates[int(cid)]
            rec["isDeleted"] = True
            rec["dateLastModified"] = ms(self.tick())
            self.store.event("Candidate", int(cid), "UPDATED", ["isDeleted"])

    def purge_candidate(self, cid: str) -> None:
        """A hard delete (data-protection erasure): gone from every read, a DELETED event."""
        with self.lock:
            self.store.candidates.pop(int(cid))
            self.store.cand_ids.remove(int(cid))
            self.store.event("Candidate", int(cid), "DELETED")

    def set_status(self, app_id: str, status: str) -> None:
        with self.lock:
            sub = self.store.submissions[int(app_id)]
            sub["status"] = status
            sub["dateLastModified"] = ms(self.tick())
            self.store.event("JobSubmission", int(app_id), "UPDATED", ["status"])

    def notes_of(self, cid: str) -> list[str]:
        with self.lock:
            return [self.store.notes[n]["comments"]
                    for n in self.store.notes_of.get(int(cid), [])]

    def applications_of(self, cid: str) -> list[str]:
        with self.lock:
            return [str(s) for s in self.store.subs_of.get(int(cid), [])]

    def stage_of(self, app_id: str) -> str:
        with self.lock:
            return str(self.store.submissions[int(app_id)]["status"])

    def status_of(self, app_id: str) -> str:
        return state_of(self.stage_of(app_id))

    def expire_tokens(self) -> None:
        """Every access token and session stops working (refresh tokens still work)."""
        with self.lock:
            self._access.clear()
            self._sessions.clear()

    def lose_last_batch(self) -> None:
        """Re-reading the last batch by requestId fails from now on (Bullhorn keeps
        re-readable events for a limited time)."""
        with self.lock:
            for sub in self.store.subscriptions.values():
                sub.rereadable = False

    def drop_subscriptions(self) -> None:
        with self.lock:
            self.store.subscriptions.clear()

    def credentials(self) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret,
                "username": self.username, "password": self.password}

    def poison(self, body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            body["data"].append({"id": "not-a-number", "firstName": {"oops": 1},
                                 "dateLastModified": "yesterday-ish"})
        return body

    def _rate_headers(self) -> dict[str, str]:
        headers = super()._rate_headers()
        return headers if self.rate_limit is not None else {}

    # -- serving -------------------------------------------------------------------------
    def handle(self, req: AtsReq) -> AtsResp:
        path = req.path
        if path.startswith("/dc2/"):
            path = path[4:]
        elif self.moved_data_centre and (path.startswith("/oauth/")
                                         or path == "/rest-services/login"):
            query = urlencode([(k, v) for k, vs in req.query.items() for v in vs])
            return AtsResp(307, None, {"Location": f"{req.origin}/dc2{path}?{query}"})
        if path == "/rest-services/loginInfo" and req.method == "GET":
            return AtsResp(200, {"atsUrl": f"{req.origin}/ats", "coreUrl": f"{req.origin}/core",
                                 "dataCenterId": 1, "superCluster": "sandbox",
                                 "oauthUrl": f"{req.origin}/oauth",
                                 "restUrl": f"{req.origin}/rest-services"})
        if path == "/oauth/authorize" and req.method in ("GET", "POST"):
            return self._authorize(req)
        if path == "/oauth/token" and req.method == "POST":
            return self._token(req)
        if path == "/rest-services/login" and req.method in ("GET", "POST"):
            token = req.arg("access_token") or req.form.get("access_token")
            if token not in self._access:
                return _err(401, "Invalid or expired OAuth access token.",
                            "errors.authentication.invalidOAuthToken")
            session = secrets.token_hex(16)
            self._sessions.add(session)
            return AtsResp(200, {"BhRestToken": session, "restUrl": f"{req.origin}{REST}"})
        if path.startswith(REST):
            token = req.headers.get("bhresttoken") or req.arg("BhRestToken")
            if token not in self._sessions:
                return _err(401, "Bad 'BhRestToken' or timed-out.",
                            "errors.authentication.invalidRestToken")
            try:
                return rest(self, req, path[len(REST):])
            except QueryError as exc:
                return _err(400, f"Error parsing the query: {exc}", "errors.badQuery")
        return _err(404, f"No such resource: {path}", "errors.notFound")

    def _arg(self, req: AtsReq, name: str) -> str | None:
        return req.arg(name) or req.form.get(name)

    def _authorize(self, req: AtsReq) -> AtsResp:
        if self._arg(req, "client_id") != self.client_id:
            return AtsResp(400, {"error": "invalid_client",
                                 "error_description": "Invalid client_id"})
        if (self._arg(req, "username"), self._arg(req, "password")) != (self.username,
                                                                          self.password):
            return AtsResp(200, LOGIN_PAGE)  # the login form again (no redirect)
        if self.terms_pending:  # a user who never agreed to the terms: a page, no code
            return AtsResp(302, None, {"Location": f"{req.origin}/oauth/terms?client_id="
                                                   f"{self.client_id}"})
        code = "22%3A" + secrets.token_hex(12)
        self._codes.add(code.replace("%3A", ":"))
        return AtsResp(302, None, {"Location": f"https://www.bullhorn.com/?code={code}"
                                               f"&client_id={self.client_id}"})

    def _token(self, req: AtsReq) -> AtsResp:
        if (self._arg(req, "client_id"), self._arg(req, "client_secret")) != (
                self.client_id, self.client_secret):
            return AtsResp(401, {"error": "invalid_client",
                                 "error_description": "Bad client credentials"})
        grant = self._arg(req, "grant_type")
        if grant == "authorization_code":
            code = self._arg(req, "code") or ""
            if code not in self._codes:
                return AtsResp(400, {"error": "invalid_grant",
                                     "error_description": "Invalid authorization code"})
            self._codes.discard(code)
        elif grant == "refresh_token":
            old = self._arg(req, "refresh_token") or ""
            if old not in self._refresh:
                return AtsResp(400, {"error": "invalid_grant",
                                     "error_description": "Invalid refresh token"})
            self._refresh.discard(old)  # single use: a new one comes with the answer
        else:
            return AtsResp(400, {"error": "unsupported_grant_type"})
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        self._access.add(access)
        self._refresh.add(refresh)
        return AtsResp(200, {"access_token": access, "token_type": "Bearer",
                             "expires_in": 600, "refresh_token": refresh})

    def unindexed(self, cid: int) -> bool:
        """Whether the search index still misses this API-created candidate."""
        left = self._unindexed.get(cid, 0)
        return left > 0

    def searched(self) -> None:
        """One search ran: the index catches up a little."""
        for cid in list(self._unindexed):
            self._unindexed[cid] -= 1
            if self._unindexed[cid] <= 0:
                del self._unindexed[cid]

    def created_by_api(self, cid: int) -> None:
        if self.index_lag > 0:
            self._unindexed[cid] = self.index_lag


__all__ = ["CORP", "BullhornSandbox"]
