"""A Workable SPI v3 sandbox: the endpoints the Workable connector uses, with Workable's shapes.

Base URL ``http://127.0.0.1:<port>/spi/v3`` (``base_url``), where the real one is
``https://{subdomain}.workable.com/spi/v3``. Requests carry ``Authorization: Bearer <token>``
(an account token: it does not expire, so ``expire_tokens()`` changes nothing; ``revoke_token()``
makes every later request a 401, as deleting the token in Workable does).

Answered (tests/data/ats-schemas/workable/ has one schema per endpoint, with its doc page):
``GET /members``, ``GET /stages``, ``GET /jobs``, ``GET /candidates`` (email, shortcode, stage,
limit ≤ 100, since_id, max_id, created_after, updated_after; ``paging.next`` only when there is
more), ``GET /candidates/{id}``, ``GET /candidates/{id}/activities``,
``POST /candidates/{id}/comments`` (201), ``POST /candidates/{id}/move``,
``POST /candidates/{id}/disqualify``, ``POST /jobs/{shortcode}/candidates`` (201).

Workable's quirks, modelled: writes need a known ``member_id`` (422 otherwise); moves take a
stage *slug* while candidates show the stage *name*; disqualifying a disqualified candidate
answers 422; with ``hiring_plan = True`` a move to a stage of kind "hired" answers 422 (Hiring
Plan wants requisition data); errors are ``{"error": "..."}``; rate-limit headers are
``X-Rate-Limit-Limit`` / ``-Remaining`` / ``-Reset`` (a Unix time). Deleted candidates are
simply gone (404, no longer listed): Workable's API does not show deletions to an
"updated after" walk, only a full walk can notice them missing.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from milo_desktop.sandbox.ats_base import AtsReq, AtsResp, AtsSandbox
from milo_desktop.sandbox.workable_state import Account, Cand, parse_stamp

PREFIX = "/spi/v3"
DEFAULT_LIMIT = 50  # Workable's default page size


def _error(status: int, message: str) -> AtsResp:
    return AtsResp(status, {"error": message})


class WorkableSandbox(AtsSandbox):
    service = "workable"
    RATE_HEADERS = ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")

    def __init__(self) -> None:
        super().__init__()
        self.account = Account()
        self.token = "wk_" + secrets.token_hex(16)
        self.max_page_size = 100
        self.hiring_plan = False
        self.expired = 0  # expire_tokens() calls (account tokens do not expire)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}{PREFIX}"

    # -- seeding API (ats_base) -----------------------------------------------------------
    def add_job(self, title: str, stages: list[str]) -> str:
        with self.lock:
            return self.account.add_job(title, stages, self.tick()).shortcode

    def add_candidate(self, first: str, last: str, email: str | None, phone: str | None,
                      job_id: str, linkedin: str | None = None) -> str:
        with self.lock:
            job = self.account.jobs[job_id]
            return self.account.add(first, last, email, phone, job, self.tick(), linkedin).id

    def seed_many(self, n: int, job_ids: list[str]) -> list[str]:
        """``n`` candidates spread over ``job_ids`` (benchmarks: 200,000 in a few seconds)."""
        firsts = ("Ana", "Ben", "Chloe", "Dimitris", "Eva", "Femi", "Gia", "Hugo")
        lasts = ("Alvarez", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia")
        with self.lock:
            jobs = [self.account.jobs[j] for j in job_ids]
            out = []
            for i in range(n):
                seq = len(self.account.order)
                cand = self.account.add(firsts[i % len(firsts)], lasts[i % len(lasts)],
                                        f"cand{seq}@example.com", f"+30210{seq:07d}",
                                        jobs[i % len(jobs)], self.tick())
                out.append(cand.id)
            return out

    def update_candidate(self, cid: str, **fields: str | None) -> None:
        with self.lock:
            cand = self.account.by_id[cid]
            for name, value in fields.items():
                if name == "email":
                    self.account.set_email(cand, value)
                elif name in ("first", "last", "phone", "linkedin"):
                    setattr(cand, name, value)
                else:
                    raise KeyError(f"update_candidate: unknown field {name}")
            cand.updated_at = self.tick()

    def delete_candidate(self, cid: str) -> None:
        with self.lock:
            self.account.remove(cid)

    def notes_of(self, cid: str) -> list[str]:
        with self.lock:
            acts = self.account.by_id[cid].activities or []
            return [a.body or "" for a in acts if a.action == "comment"]

    def applications_of(self, cid: str) -> list[str]:
        return [cid]  # a Workable candidate is its one application

    def stage_of(self, app_id: str) -> str:
        with self.lock:
            return self.account.by_id[app_id].stage

    def status_of(self, app_id: str) -> str:
        with self.lock:
            return self.account.status(self.account.by_id[app_id])

    def expire_tokens(self) -> None:
        """Account tokens do not expire at Workable: nothing changes (counted in
        ``expired``). ``revoke_token()`` is the way to refuse the token."""
        self.expired += 1

    def revoke_token(self) -> None:
        self.token = "wk_" + secrets.token_hex(16)

    def credentials(self) -> dict[str, str]:
        return {"subdomain": self.account.subdomain, "access_token": self.token,
                "member_id": self.account.members[0]["id"]}

    def poison(self, body: Any) -> Any:
        if isinstance(body, dict):
            for key, bad in (("candidates", {"id": {"$oid": 7}, "stage": 12,
                                             "disqualified": "maybe"}),
                             ("jobs", {"id": "zz", "shortcode": None, "state": "weird"})):
                if isinstance(body.get(key), list):
                    body[key].insert(len(body[key]) // 2, bad)
        return body

    # -- HTTP -----------------------------------------------------------------------------
    def handle(self, req: AtsReq) -> AtsResp:
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return _error(401, "Not authorized")
        if not req.path.startswith(PREFIX + "/"):
            return _error(404, "Not found")
        parts = req.path[len(PREFIX) + 1:].strip("/").split("/")
        route = (req.method, parts[0], len(parts), parts[-1] if len(parts) == 3 else "")
        if route[:3] == ("GET", "members", 1):
            return self._members(req)
        if route[:3] == ("GET", "stages", 1):
            return AtsResp(200, {"stages": [s.json() for s in sorted(
                self.account.stages.values(), key=lambda s: s.position)]})
        if route[:3] == ("GET", "jobs", 1):
            return self._jobs(req)
        if route == ("POST", "jobs", 3, "candidates"):
            return self._create(req, parts[1])
        if route[:3] == ("GET", "candidates", 1):
            return self._candidates(req)
        if parts[0] != "candidates" or len(parts) not in (2, 3):
            return _error(404, "Not found")
        cand = self.account.by_id.get(parts[1])
        if cand is None:
            return _error(404, "Not found")
        if route[:3] == ("GET", "candidates", 2):
            return AtsResp(200, {"candidate": self.account.candidate_json(cand, full=True)})
        if route == ("GET", "candidates", 3, "activities"):
            return AtsResp(200, {"activities": [a.json() for a in cand.activities or []]})
        if req.method == "POST" and len(parts) == 3:
            return self._write(req, cand, parts[2])
        return _error(404, "Not found")

    def _limit(self, req: AtsReq) -> int | AtsResp:
        raw = req.arg("limit")
        try:
            limit = int(raw) if raw else DEFAULT_LIMIT
        except ValueError:
            return _error(422, "limit must be a number")
        return max(1, min(limit, self.max_page_size, 100))

    def _next(self, req: AtsReq, since_id: str) -> dict[str, str]:
        query = {k: v[-1] for k, v in req.query.items() if k != "since_id"}
        query["since_id"] = since_id
        return {"next": f"{req.origin}{req.path}?{urlencode(query)}"}

    def _members(self, req: AtsReq) -> AtsResp:
        limit = self._limit(req)
        if isinstance(limit, AtsResp):
            return limit
        rows = self.account.members
        since = req.arg("since_id")
        start = next((i for i, m in enumerate(rows) if m["id"] == since), 0) if since else 0
        body: dict[str, Any] = {"members": rows[start:start + limit]}
        if start + limit < len(rows):
            body["paging"] = self._next(req, rows[start + limit]["id"])
        return AtsResp(200, body)

    def _jobs(self, req: AtsReq) -> AtsResp:
        limit = self._limit(req)
        if isinstance(limit, AtsResp):
            return limit
        state = req.arg("state")
        rows = [j for j in self.account.job_order if state is None or j.state == state]
        since = req.arg("since_id")
        start = next((i for i, j in enumerate(rows) if j.id == since), 0) if since else 0
        sub = self.account.subdomain
        body: dict[str, Any] = {"jobs": [j.json(sub) for j in rows[start:start + limit]]}
        if start + limit < len(rows):
            body["paging"] = self._next(req, rows[start + limit].id)
        return AtsResp(200, body)

    def _candidates(self, req: AtsReq) -> AtsResp:
        limit = self._limit(req)
        if isinstance(limit, AtsResp):
            return limit
        acc = self.account
        created_after = parse_stamp(req.arg("created_after"))
        updated_after = parse_stamp(req.arg("updated_after"))
        for name in ("created_after", "updated_after"):
            if req.arg(name) and parse_stamp(req.arg(name)) is None:
                return _error(422, f"{name} must be an ISO 8601 timestamp")
        shortcode, stage = req.arg("shortcode"), req.arg("stage")
        since_id, max_id, email = req.arg("since_id"), req.arg("max_id"), req.arg("email")
        start = (acc.seq_of(since_id) or 0) if since_id else 0
        stop = (acc.seq_of(max_id) if max_id else None)
        stop = len(acc.order) - 1 if stop is None else min(stop, len(acc.order) - 1)
        if email is not None:
            seqs = sorted(s for s in acc.by_email.get(email.strip().lower(), ())
                          if start <= s <= stop)
            pool: Any = (acc.order[s] for s in seqs)
        else:
            pool = (acc.order[s] for s in range(start, stop + 1))
        found: list[Cand] = []
        for cand in pool:
            if cand is None:
                continue
            if ((shortcode and cand.job != shortcode)
                    or (stage and stage != cand.stage and stage != acc.stage_name(cand))
                    or (created_after and cand.created_at <= created_after)
                    or (updated_after and cand.updated_at <= updated_after)):
                continue
            found.append(cand)
            if len(found) > limit:
                break
        body: dict[str, Any] = {"candidates": [acc.candidate_json(c) for c in found[:limit]]}
        if len(found) > limit:
            body["paging"] = self._next(req, found[limit].id)
        return AtsResp(200, body)

    def _member(self, req: AtsReq) -> dict[str, Any] | AtsResp:
        body = req.body if isinstance(req.body, dict) else {}
        mid = body.get("member_id")
        if not mid:
            return _error(422, "member_id is required")
        member = next((m for m in self.account.members if m["id"] == mid), None)
        return member if member is not None else _error(422, "Member not found")

    def _write(self, req: AtsReq, cand: Cand, action: str) -> AtsResp:
        member = self._member(req)
        if isinstance(member, AtsResp):
            return member
        body: dict[str, Any] = req.body
        acc = self.account
        if action == "comments":
            comment = body.get("comment")
            text = comment.get("body") if isinstance(comment, dict) else None
            if not isinstance(text, str) or not text.strip():
                return _error(422, "comment body can't be blank")
            act = acc.log(cand, "comment", text, member, self.tick())
            return AtsResp(201, {"id": act.id})
        if action == "move":
            target = acc.stages.get(str(body.get("target_stage") or ""))
            if target is None:
                return _error(422, "Stage not found")
            if target.kind == "hired" and self.hiring_plan and not body.get("requisition_id"):
                return _error(422, "A requisition is required to hire a candidate when "
                                   "Hiring Plan is enabled")
            now = self.tick()
            cand.stage, cand.updated_at = target.slug, now
            if target.kind == "hired":
                cand.hired_at = now
            acc.log(cand, "move", None, member, now, stage_name=target.name)
            return AtsResp(200, None)
        if action == "disqualify":
            if cand.disqualified:
                return _error(422, "Candidate is already disqualified")
            now = self.tick()
            reason = body.get("disqualification_reason")
            cand.disqualified, cand.disqualified_at, cand.updated_at = True, now, now
            cand.disqualification_reason = reason if isinstance(reason, str) else None
            acc.log(cand, "disqualification", cand.disqualification_reason, member, now)
            return AtsResp(200, None)
        return _error(404, "Not found")

    def _create(self, req: AtsReq, shortcode: str) -> AtsResp:
        job = self.account.jobs.get(shortcode)
        if job is None:
            return _error(404, "Not found")
        body = req.body if isinstance(req.body, dict) else {}
        raw = body.get("candidate")
        if not isinstance(raw, dict):
            return _error(422, "candidate is required")
        name = str(raw.get("name") or "").strip()
        first = str(raw.get("firstname") or "").strip() or name.partition(" ")[0]
        last = str(raw.get("lastname") or "").strip() or name.partition(" ")[2].strip()
        if not (name or first or last):
            return _error(422, "Validation failed: Name can't be blank")
        sourced = body.get("sourced", True) is not False
        stage = next((s for s in job.stages
                      if self.account.stages[s].kind == ("sourced" if sourced else "applied")),
                     job.stages[0])
        email, phone = raw.get("email"), raw.get("phone")
        cand = self.account.add(first, last, email if isinstance(email, str) else None,
                                phone if isinstance(phone, str) else None, job, self.tick(),
                                sourced=sourced, stage=stage)
        return AtsResp(201, {"status": "created",
                             "candidate": self.account.candidate_json(cand, full=True)})


__all__ = ["WorkableSandbox"]
