"""What the four ATS sandboxes (greenhouse.py, lever.py, workable.py, bullhorn.py) share.

``AtsSandbox`` is an aiohttp server on 127.0.0.1 (on the caller's loop with ``start()``, or
in its own thread with ``start_in_thread()`` / ``running()``). A subclass answers requests in
``handle(req) -> AtsResp`` under ``self.lock``; the base does the rest:

* a request log (``requests``: method, path, query, JSON body, headers) for the contract tests,
  which check the connectors' requests against tests/data/ats-schemas/;
* faults, injected by tests (``inject``): "429" storms (Retry-After and the vendor's reset
  header), "500", "401" (a refused token), "malformed" (a list page that is not a page),
  "poison" (a page with a record no parser can read, via the subclass's ``poison``), "cut"
  (the connection closed half-way through the answer) and "drop" (closed before any answer);
* rate-limit headers on every answer, by the vendor's names (``RATE_HEADERS``), from a
  window the test can make small (``rate_limit``);
* a clock of its own (``tick()``: ten minutes per change, from 2026-11-01 UTC), so record dates
  and "updated since" filters never depend on today's date.

The seeding API every sandbox offers (the shared connector suite in tests/ uses it):
``add_job(title, stages) -> job id``, ``add_candidate(first, last, email, phone, job_id,
linkedin=None) -> candidate id``, ``update_candidate(cid, **fields)``,
``delete_candidate(cid)``, ``notes_of(cid) -> [body]``, ``stage_of(application id) -> stage
id``, ``status_of(application id) -> "active" | "rejected" | …``, ``applications_of(cid) ->
[application id]``, ``expire_tokens()`` (every issued token stops working), ``credentials()``
(the fields the connector needs, for ``AtsSpec.make_client``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

EPOCH = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
# Each change moves the sandbox's clock on by ten minutes: more than the few minutes of
# overlap a sync job re-reads behind its watermark, so incremental rounds are visible.
TICK = dt.timedelta(minutes=10)


@dataclass
class AtsReq:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or None
    form: dict[str, str]  # form fields (token endpoints)
    origin: str  # scheme://host:port as the client used it

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default


@dataclass
class AtsResp:
    status: int = 200
    body: Any = None  # JSON value, bytes, or None (no body)
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


@dataclass
class _Fault:
    kind: str
    remaining: int
    path: re.Pattern[str] | None
    method: str | None
    retry_after: int


class AtsSandbox:
    """Base of an ATS sandbox; see the module docstring."""

    service = "ats"
    RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Recorded] = []
        self._faults: list[_Fault] = []
        self._clock = EPOCH
        self.rate_limit: tuple[int, float] | None = None  # (requests, window seconds)
        self._window_start = 0.0
        self._window_used = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- to implement ----------------------------------------------------------------
    def handle(self, req: AtsReq) -> AtsResp:
        raise NotImplementedError

    def poison(self, body: Any) -> Any:
        """The answer of a list request with one unreadable record added (for "poison")."""
        return body

    # -- clock -----------------------------------------------------------------------
    def tick(self) -> dt.datetime:
        """The sandbox's time, moved on by ``TICK`` (call on every change)."""
        with self.lock:
            self._clock += TICK
            return self._clock

    @property
    def now(self) -> dt.datetime:
        return self._clock

    # -- faults ----------------------------------------------------------------------
    def inject(self, kind: str, count: int = 1, path: str | None = None,
               method: str | None = None, retry_after: int = 0) -> None:
        """Answer the next ``count`` matching requests (``path`` a regex searched in the
        path) with a fault: "429", "500", "401", "malformed", "poison", "cut" or "drop"."""
        with self.lock:
            self._faults.append(_Fault(kind, count, re.compile(path) if path else None,
                                       method, retry_after))

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _take(self, method: str, path: str) -> _Fault | None:
        with self.lock:
            for fault in self._faults:
                if ((fault.method is None or fault.method == method)
                        and (fault.path is None or fault.path.search(path))):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def count(self, path: str | None = None, method: str | None = None) -> int:
        rx = re.compile(path) if path else None
        with self.lock:
            return sum(1 for r in self.requests
                       if (method is None or r.method == method)
                       and (rx is None or rx.search(r.path)))

    # -- rate limit --------------------------------------------------------------------
    def _rate_headers(self) -> dict[str, str]:
        import time
        limit, window = self.rate_limit or (1000, 10.0)
        now = time.time()
        with self.lock:
            if now - self._window_start >= window:
                self._window_start, self._window_used = now, 0
            self._window_used += 1
            remaining = max(0, limit - self._window_used)
            reset = int(self._window_start + window) + 1
        name_limit, name_remaining, name_reset = self.RATE_HEADERS
        return {name_limit: str(limit), name_remaining: str(remaining), name_reset: str(reset)}

    def _over_limit(self) -> bool:
        if self.rate_limit is None:
            return False
        with self.lock:
            return self._window_used > self.rate_limit[0]

    # -- serving -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._port = 0

    def start_in_thread(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.SelectorEventLoop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stop())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=serve, name=f"{self.service}-sandbox",
                                        daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    @contextlib.contextmanager
    def running(self) -> Iterator[AtsSandbox]:
        self.start_in_thread()
        try:
            yield self
        finally:
            self.stop_thread()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        method, path = request.method, request.path
        raw = await request.read()
        body: Any = None
        form: dict[str, str] = {}
        ctype = request.headers.get("Content-Type", "")
        if raw and "json" in ctype:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        elif raw and "form" in ctype:
            from urllib.parse import parse_qsl
            form = dict(parse_qsl(raw.decode("utf-8", "replace")))
        query: dict[str, list[str]] = {}
        for k, v in request.query.items():
            query.setdefault(k, []).append(v)
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self.lock:
            self.requests.append(Recorded(method, path, query, body, headers))
        fault = self._take(method, path)
        if fault is not None and fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        rate = self._rate_headers()
        if fault is not None and fault.kind in ("429", "500", "401"):
            status = int(fault.kind)
            extra = {"Retry-After": str(fault.retry_after)} if status == 429 else {}
            if status == 429:
                rate[self.RATE_HEADERS[1]] = "0"
            return self._send(AtsResp(status, {"message": _FAULT_WORDS[fault.kind]},
                                      {**rate, **extra}))
        if self._over_limit():
            rate[self.RATE_HEADERS[1]] = "0"
            return self._send(AtsResp(429, {"message": "Too many requests"},
                                      {**rate, "Retry-After": "1"}))
        req = AtsReq(method, path, query, headers, body, form,
                     f"{request.scheme}://{request.host}")
        try:
            with self.lock:
                resp = self.handle(req)
        except Exception as exc:  # a sandbox bug must be visible, not a hang
            resp = AtsResp(500, {"message": f"sandbox error: {type(exc).__name__}: {exc}"})
        resp.headers = {**rate, **resp.headers}
        if fault is not None and resp.status < 300:
            if fault.kind == "malformed":
                resp.body = _malformed(resp.body)
            elif fault.kind == "poison":
                with self.lock:
                    resp.body = self.poison(resp.body)
            elif fault.kind == "cut":
                return await self._cut(request, resp)
        return self._send(resp)

    @staticmethod
    async def _cut(request: web.Request, resp: AtsResp) -> web.StreamResponse:
        body = resp.encode()
        stream = web.StreamResponse(status=resp.status, headers=resp.headers)
        stream.content_type = "application/json"
        stream.content_length = len(body) + 1
        await stream.prepare(request)
        await stream.write(body[: len(body) // 2])
        if request.transport is not None:
            request.transport.close()
        return stream

    @staticmethod
    def _send(resp: AtsResp) -> web.Response:
        if resp.status == 204 or resp.body is None:
            return web.Response(status=resp.status, headers=resp.headers)
        ctype = "application/octet-stream" if isinstance(resp.body, bytes) else "application/json"
        return web.Response(status=resp.status, body=resp.encode(), content_type=ctype,
                            headers=resp.headers)


_FAULT_WORDS = {"429": "Too many requests", "500": "Internal server error",
                "401": "Unauthorized"}


def _malformed(body: Any) -> Any:
    """A list answer that is not a page: an object where an array was, and the reverse."""
    if isinstance(body, list):
        return {"unexpected": "not a list"}
    return ["unexpected", "not an object"]


def link_header(url: str, rel: str = "next") -> str:
    return f'<{url}>; rel="{rel}"'


def iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


__all__ = ["EPOCH", "AtsReq", "AtsResp", "AtsSandbox", "Recorded", "iso", "link_header"]
