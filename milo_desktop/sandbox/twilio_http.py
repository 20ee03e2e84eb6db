"""Request / response values the sandbox handlers use, and fault injection for tests.

Handlers see a `Req` (already authenticated) and return a `Resp`; the aiohttp glue lives in
twilio_server.py, so handlers stay plain functions that run under the state lock.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from milo_desktop.sandbox.twilio_util import TwilioError

FaultKind = Literal["429", "500", "status", "cut", "drop", "missing_sid", "non_json", "rewrite"]
# For kind "rewrite": the JSON answer (a copy) in, the body to send instead out — any JSON
# value (NaN, lone surrogates, a list…; written with json.dumps) or raw bytes.
Rewrite = Callable[[Any], Any]


@dataclass
class Req:
    """One authenticated request: `query` / `form` are multidicts (get, getall, items)."""

    method: str
    path: str
    query: Any
    form: Any
    account_sid: str
    origin: str  # scheme://host:port the client used; absolute URLs are built on it


@dataclass
class Resp:
    """What a handler answers: a JSON body (dict), raw bytes, or nothing (204)."""

    status: int = 200
    body: dict[str, Any] | bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        """The body as bytes."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


def error_resp(error: TwilioError) -> Resp:
    """Twilio's JSON error body with the error's status and headers."""
    return Resp(error.status, error.body(), headers=dict(error.headers))


def xml_not_found(path: str) -> Resp:
    """What the sandbox answers for a 2010 path without `.json`: Twilio defaults to XML, and
    the sandbox only speaks JSON, so it answers a 404 in Twilio's XML error format."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse><RestException>'
        "<Code>20404</Code>"
        f"<Message>The requested resource {path} was not found</Message>"
        "<MoreInfo>https://www.twilio.com/docs/errors/20404</MoreInfo>"
        "<Status>404</Status></RestException></TwilioResponse>"
    )
    return Resp(404, body.encode(), content_type="application/xml")


@dataclass
class Fault:
    """A pending fault: answer the next `remaining` matching requests this way."""

    kind: FaultKind
    remaining: int
    path: re.Pattern[str] | None
    method: str | None
    retry_after: int | str
    status: int = 500  # for kind "status"
    rewrite: Rewrite | None = None  # for kind "rewrite"


class Faults:
    """Fault injection and request counting (thread-safe; tests call it from any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []
        self.counts: Counter[str] = Counter()  # "GET /2010-04-01/…/Messages.json" -> n

    def inject(
        self,
        kind: FaultKind,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        retry_after: int | str = 1,
        status: int = 500,
        rewrite: Rewrite | None = None,
    ) -> None:
        """Make the next `count` requests whose path matches the regex `path` (searched; any
        path when None) and `method` fail: '429' (code 20429 + Retry-After: seconds, or an
        HTTP date when a string), '500' (20500), 'status' (Twilio's error body with HTTP
        `status`: 400, 403, 408, 422, 503…; Retry-After on 408 / 429 / 503), 'cut' (the
        answer starts, then the connection is closed half-way), 'drop' (the connection is
        closed before any answer), 'missing_sid' (a list page whose first record lacks `sid`;
        other answers untouched), 'non_json' (200 with a cut-off JSON body) or 'rewrite' (a
        JSON answer replaced with `rewrite(answer)`: poison records, a page without its list)."""
        with self._lock:
            self._pending.append(
                Fault(kind, count, re.compile(path) if path else None, method, retry_after,
                      status, rewrite)
            )

    def clear(self) -> None:
        """Drop pending faults and reset the counters."""
        with self._lock:
            self._pending.clear()
            self.counts.clear()

    def count(self, path: str | None = None, method: str | None = None) -> int:
        """Requests seen whose path matches the regex `path` (all when None), by method."""
        rx = re.compile(path) if path else None
        with self._lock:
            return sum(
                n
                for key, n in self.counts.items()
                if (method is None or key.split(" ", 1)[0] == method)
                and (rx is None or rx.search(key.split(" ", 1)[1]))
            )

    def record(self, method: str, path: str) -> None:
        """Count one request."""
        with self._lock:
            self.counts[f"{method} {path}"] += 1

    def take(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, if one is pending (and consume one use)."""
        with self._lock:
            for fault in self._pending:
                if (fault.method is None or fault.method == method) and (
                    fault.path is None or fault.path.search(path)
                ):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._pending.remove(fault)
                    return fault
            return None


def apply_before(fault: Fault) -> Resp | None:
    """The answer for a fault that replaces the request entirely (429 / 500)."""
    if fault.kind == "429":
        return error_resp(
            TwilioError(
                429,
                20429,
                "Too Many Requests",
                headers={"Retry-After": str(fault.retry_after)},
            )
        )
    if fault.kind == "500":
        return error_resp(TwilioError(500, 20500, "An internal server error has occurred"))
    if fault.kind == "status":
        headers = ({"Retry-After": str(fault.retry_after)}
                   if fault.status in (408, 429, 503) else {})
        code = {400: 20001, 403: 20403, 408: 20408, 422: 20422, 429: 20429}.get(
            fault.status, 20500 if fault.status >= 500 else 20001)
        return error_resp(TwilioError(fault.status, code, f"Sandbox fault: HTTP {fault.status}",
                                      headers=headers))
    return None


def apply_after(fault: Fault, resp: Resp) -> Resp:
    """Spoil a real answer: drop `sid` from a list page's first record, cut the JSON, or
    replace it with what `fault.rewrite` makes of it (poison records, a page without its
    list…)."""
    if fault.kind == "rewrite" and fault.rewrite is not None and isinstance(resp.body, dict):
        new = fault.rewrite(copy.deepcopy(resp.body))
        raw = new if isinstance(new, bytes) else json.dumps(new).encode()
        return Resp(resp.status, raw, resp.content_type, dict(resp.headers))
    if fault.kind == "non_json":
        raw = resp.encode()
        return Resp(200, raw[: max(1, len(raw) // 2)], headers=resp.headers)
    if fault.kind == "missing_sid" and isinstance(resp.body, dict):
        for value in resp.body.values():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                value[0] = {k: v for k, v in value[0].items() if k != "sid"}
                break
    return resp
