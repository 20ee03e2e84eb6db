"""Small pieces the Twilio sandbox shares: sids, dates, prices, errors and the audio file.

Facts come from ../shared/docs/integrations.md and Twilio's OpenAPI files; error codes that are
not stated there are marked UNCONFIRMED where they are raised.
"""

from __future__ import annotations

import io
import math
import re
import secrets
import struct
import wave
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache

SID_RE = re.compile(r"^[A-Z]{2}[0-9a-f]{32}$")
MORE_INFO = "https://www.twilio.com/docs/errors/{code}"
WEBHOOK_URL = "https://webhooks.twilio.com/v1/Accounts/{account}/Flows/{flow}"
WEBHOOK_RE = re.compile(r"/v1/Accounts/(AC[0-9a-fA-F]{32})/Flows/(FW[0-9a-fA-F]{32})")

# Prices the sandbox reports (USD, negative strings like Twilio's). Close to US list prices;
# exact values do not matter, the shape does.
CALL_PRICE_PER_MINUTE = 0.0085
RECORDING_PRICE_PER_MINUTE = 0.0025
SMS_PRICE_PER_SEGMENT = 0.0079
SAMPLE_RATE = 8000  # Twilio call recordings are 8 kHz mono


class TwilioError(Exception):
    """An error answered as Twilio's JSON error body: {code, message, more_info, status}."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details

    def body(self) -> dict[str, object]:
        """The JSON body Twilio sends for this error."""
        out: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "more_info": MORE_INFO.format(code=self.code),
            "status": self.status,
        }
        if self.details is not None:
            out["details"] = self.details
        return out


def not_found(path: str) -> TwilioError:
    """404 / 20404, worded like Twilio."""
    return TwilioError(404, 20404, f"The requested resource {path} was not found")


def missing(name: str, code: int = 20001) -> TwilioError:
    """400 for a missing required parameter (20001 is Twilio's generic code; UNCONFIRMED)."""
    return TwilioError(400, code, f"Missing required parameter {name} in the post body")


def new_sid(prefix: str) -> str:
    """A fresh resource sid: two letters and 32 lowercase hex digits."""
    return prefix + secrets.token_hex(16)


def utcnow() -> datetime:
    """The default sandbox clock."""
    return datetime.now(UTC)


def rfc2822(moment: datetime | None) -> str | None:
    """The 2010 API's date format: 'Fri, 24 May 2019 17:44:46 +0000'."""
    if moment is None:
        return None
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0))


def iso8601(moment: datetime | None) -> str | None:
    """Studio's date format: '2017-11-06T12:00:00Z'."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_when(text: str) -> datetime | date:
    """A filter value: 'YYYY-MM-DD' (a date), ISO 8601 or RFC 2822 (a UTC datetime).

    Raises TwilioError 400 / 20001 when the value cannot be read (UNCONFIRMED code).
    """
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.match(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = parsedate_to_datetime(text)
    except (ValueError, TypeError) as exc:
        raise TwilioError(400, 20001, f"Invalid date value {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def when_matches(value: datetime | None, bound: datetime | date, op: str) -> bool:
    """Compare a record's moment with a filter bound; op is '=', '<' or '>' (inclusive, like
    Twilio's DateSent< / DateSent>). A date bound compares the record's UTC date."""
    if value is None:
        return False
    left: datetime | date = value.astimezone(UTC)
    if not isinstance(bound, datetime):
        left = left.date() if isinstance(left, datetime) else left
    if op == "<":
        return left <= bound
    if op == ">":
        return left >= bound
    return left == bound


def price(amount: float) -> str:
    """A charge as Twilio reports it: a negative decimal string, '-0.01700'."""
    return f"-{abs(amount):.5f}"


def minutes(seconds: int) -> int:
    """Billable minutes (Twilio rounds calls up to the minute)."""
    return max(1, math.ceil(seconds / 60))


def sms_segments(body: str) -> int:
    """How many SMS segments a body takes: GSM-7 160/153, otherwise UCS-2 70/67."""
    if not body:
        return 1
    gsm = all(ord(ch) < 128 for ch in body)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / multi)


def later(moment: datetime, seconds: float) -> datetime:
    """moment + seconds."""
    return moment + timedelta(seconds=seconds)


@lru_cache(maxsize=64)
def wav_bytes(seconds: int) -> bytes:
    """A real WAV file (8 kHz, 16-bit mono) of `seconds` seconds: a 440 Hz tone that beeps
    on and off each half second, so players show something is there."""
    seconds = max(1, min(int(seconds), 600))
    beep = b"".join(
        struct.pack("<h", int(9000 * math.sin(2 * math.pi * 440 * n / SAMPLE_RATE)))
        for n in range(SAMPLE_RATE // 2)
    )
    silence = b"\x00\x00" * (SAMPLE_RATE // 2)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((beep + silence) * seconds)
    return buffer.getvalue()
