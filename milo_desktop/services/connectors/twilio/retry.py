"""How the Twilio connector classifies every answer and survives a busy or absent service.

* 401 / 403 (or Twilio error 20003) → ``AuthFailed`` at once (retrying a refused password only
  locks accounts);
* 404 (20404) → ``NotFoundAtProvider``;
* 408, 429 (20429) and 5xx → retried with exponential backoff plus jitter, honouring
  Retry-After in both its forms (delta-seconds and HTTP date), a bounded number of times;
  then ``RateLimited`` (408 / 429) or ``ProviderError`` whose words name the answer ("Twilio
  answered HTTP 503");
* any other 4xx → ``ProviderError`` at once, with the request (method and path, never the
  query string: it holds phone numbers) and an excerpt of the answer;
* transport errors (refused, reset, cut mid-answer, timeouts) → retried briefly, then
  ``Offline``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response

from milo_desktop.services.connectors.errors import (
    AuthFailed,
    NotFoundAtProvider,
    Offline,
    ProviderError,
    RateLimited,
)
from milo_desktop.services.connectors.twilio.http import last_request, last_response

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


def retry_after_of(resp: Response | None,
                   now: Callable[[], dt.datetime] | None = None) -> float | None:
    """The Retry-After header in seconds, from either of its forms: delta-seconds ("120") or
    an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT", counted from ``now``); None when absent
    or unreadable."""
    headers = getattr(resp, "headers", None) if resp is not None else None
    if not headers:
        return None
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if raw is None:
        return None
    text = str(raw).strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now() if now is not None else dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


RETRIED = frozenset({408, 429})


def _answer_text(exc: TwilioException, resp: Response | None) -> str:
    if resp is not None and getattr(resp, "text", None):
        return str(resp.text)
    if isinstance(exc, TwilioRestException):
        return str(exc.msg)
    return str(exc)


async def with_retries(
    what: str,
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run ``call()`` under the policy; see the module docstring for what each answer
    becomes. Only the library's own errors and transport errors are classified here."""
    attempt = 0
    network_failures = 0
    while True:
        attempt += 1
        try:
            return await call()
        except httpx.TransportError as exc:
            network_failures += 1
            if network_failures >= policy.network_attempts or attempt >= policy.attempts:
                raise Offline(SERVICE, OFFLINE_MESSAGE,
                              detail=f"{what}: {type(exc).__name__}") from exc
            await sleep(policy.delay(attempt, None))
        except TwilioException as exc:
            status, code, resp = failed_response(exc)
            request = last_request.get() or what
            if status in (401, 403) or code == 20003:
                raise AuthFailed(SERVICE, AUTH_MESSAGE, detail=f"{what}: HTTP {status}") from exc
            if status == 404 or code == 20404:
                raise NotFoundAtProvider(
                    SERVICE, f"Twilio has no such resource ({what}).", detail=f"HTTP {status}"
                ) from exc
            limited = status in RETRIED or code == 20429
            server_error = status >= 500
            if not (limited or server_error) or (server_error and not policy.retry_server_errors):
                if server_error:  # a create that may have gone through: the caller reconciles
                    raise
                raise ProviderError(
                    SERVICE, _refused_message(status, what), status=status, request=request,
                    answer=_answer_text(exc, resp), detail=f"{request}: HTTP {status}",
                    code=code,
                ) from exc
            retry_after = retry_after_of(resp)
            if attempt >= policy.attempts:
                if limited:
                    raise RateLimited(
                        SERVICE,
                        "Twilio is busy (too many requests). Milo Desktop will try again "
                        "shortly.",
                        detail=f"{what}: HTTP {status} after {attempt} tries",
                        retry_after=retry_after,
                    ) from exc
                raise ProviderError(
                    SERVICE,
                    f"Twilio answered HTTP {status} ({_reason(status)}). Milo Desktop will "
                    "try again shortly.",
                    status=status, request=request, answer=_answer_text(exc, resp),
                    detail=f"{request}: HTTP {status} after {attempt} tries", code=code,
                ) from exc
            wait = policy.delay(attempt, retry_after)
            log.info("twilio %s: HTTP %s, retry %d in %.1f s", what, status, attempt, wait)
            await sleep(wait)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "an error"


def _refused_message(status: int, what: str) -> str:
    if status == 0:
        return f"Twilio answered {what} in a way Milo Desktop does not understand."
    return (f"Twilio refused a request ({what}): HTTP {status}, {_reason(status)}. "
            "The details are under Sync issues.")
