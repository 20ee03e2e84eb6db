"""How the Twilio connector survives a busy or absent service.

429 / 20429 and 5xx are retried with exponential backoff plus jitter, honouring Retry-After,
a bounded number of times; 401 / 20003 raises ``AuthFailed`` at once (retrying a refused
password only locks accounts); transport errors are retried briefly, then ``Offline``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response

from milo_desktop.services.connectors import (
    AuthFailed,
    NotFoundAtProvider,
    Offline,
    ServiceUnavailable,
)
from milo_desktop.services.connectors.twilio.http import last_response

T = TypeVar("T")
log = logging.getLogger(__name__)
SERVICE = "twilio"

AUTH_MESSAGE = (
    "Twilio refused the credentials (error 20003). Check the Account SID and Auth Token, or "
    "the API key and secret, in Settings → Integrations → Twilio. Twilio sync is paused until then."
)
OFFLINE_MESSAGE = "Twilio cannot be reached. Calls will sync when the connection is back."


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: ``attempts`` tries in all, delays capped at ``max_delay`` seconds."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    network_attempts: int = 2
    # Off for non-idempotent creates (an SMS): a 5xx may mean "done, but the answer got lost".
    retry_server_errors: bool = True

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1`` (attempt counts from 1)."""
        if retry_after is not None:
            wait = min(retry_after, self.max_delay)
        else:
            wait = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        # Jitter spreads the retries of many clients (or tasks) that failed together.
        return wait + random.uniform(0, max(wait, self.base_delay) * 0.25)


def failed_response(exc: TwilioException) -> tuple[int, int | None, Response | None]:
    """(HTTP status, Twilio code, response) of a failed library call; status 0 if unknown."""
    if isinstance(exc, TwilioRestException):
        return exc.status, exc.code, last_response.get()
    resp = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], Response) else None
    if resp is None:
        return 0, None, None
    code = None
    try:
        body = json.loads(resp.text)
        code = body.get("code") if isinstance(body, dict) else None
    except ValueError:
        pass
    return resp.status_code, code, resp


def retry_after_of(resp: Response | None) -> float | None:
    """The Retry-After header in seconds (only the delta-seconds form), if present."""
    headers = getattr(resp, "headers", None) if resp is not None else None
    if not headers:
        return None
    raw = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


async def with_retries(
    what: str,
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``call()`` under the policy; raise AuthFailed, Offline or ServiceUnavailable."""
    attempt = 0
    network_failures = 0
    while True:
        attempt += 1
        try:
            return await call()
        except httpx.TransportError as exc:
            network_failures += 1
            if network_failures >= policy.network_attempts or attempt >= policy.attempts:
                raise Offline(SERVICE, OFFLINE_MESSAGE, detail=f"{what}: {exc!r}") from exc
            await sleep(policy.delay(attempt, None))
        except TwilioException as exc:
            status, code, resp = failed_response(exc)
            if status == 401 or code == 20003:
                raise AuthFailed(SERVICE, AUTH_MESSAGE, detail=f"{what}: HTTP {status}") from exc
            if status == 404 or code == 20404:
                raise NotFoundAtProvider(
                    SERVICE, f"Twilio has no such resource ({what}).", detail=f"HTTP {status}"
                ) from exc
            server_error = status >= 500 and policy.retry_server_errors
            if not (status == 429 or code == 20429 or server_error):
                raise
            if attempt >= policy.attempts:
                raise ServiceUnavailable(
                    SERVICE,
                    "Twilio is busy (too many requests). Milo Desktop will try again shortly.",
                    detail=f"{what}: HTTP {status} after {attempt} tries",
                ) from exc
            wait = policy.delay(attempt, retry_after_of(resp))
            log.info("twilio %s: HTTP %s, retry %d in %.1f s", what, status, attempt, wait)
            await sleep(wait)
