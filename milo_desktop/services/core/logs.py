"""The rotating log file: owner-only, with secrets and personal data redacted before anything
is written, and third-party HTTP loggers kept below INFO (their request lines carry phone
numbers in query strings)."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Callable
from io import TextIOWrapper
from pathlib import Path

from milo_desktop.files import private_dir, private_opener, tighten

LOG_NAME = "milo-desktop.log"
BACKUPS = 5
# Libraries whose INFO / DEBUG lines hold request URLs (query strings with phone numbers),
# headers or SMTP dialogue: only their warnings and errors reach the log.
QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "urllib3", "requests", "twilio", "aiosmtplib",
                 "aiohttp", "asyncio")

PHONE = "[phone]"
EMAIL = "[email]"


def _masked_phone(lowest: int) -> Callable[[re.Match[str]], str]:
    """A replacement masking a match that holds ``lowest``..15 digits (%XX escapes aside)."""

    def replace(match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in re.sub(r"%[0-9A-Fa-f]{2}", "", match.group(0)))
        return PHONE if lowest <= digits <= 15 else match.group(0)

    return replace


# Separators inside a written phone number: space, dot, dash, brackets (also URL-encoded).
_SEP = r"(?:[ .()\-]|%20|%28|%29|%2[Dd])"
# Not inside a word, a SID, a decimal, a path or a longer number.
_BEFORE = r"(?<![\w.+%/\-])"
_AFTER = r"(?![\w:]|[.\-]\d)"

_PATTERNS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?i)\b(basic|bearer)\s+[a-z0-9._~+/=-]{8,}"), r"\1 [redacted]"),
    # message bodies: a quoted value, or everything to the end of the line
    (re.compile(r"(?im)([\"']?\bbody[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|.*$)"), r"\1[redacted]"),
    # key=value / key: value / "key": "value" for secret-looking keys
    (
        re.compile(
            r"(?i)([\"']?\b(?:auth[_-]?token|token|password|passwd|secret|api[_-]?key|authorization)"
            r"[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&}]+)"
        ),
        r"\1[redacted]",
    ),
    # credentials inside URLs: scheme://user:password@host
    (re.compile(r"(://[^/\s:@]+):[^@\s/]+@"), r"\1:[redacted]@"),
    # Twilio auth tokens / API secrets are 32 hex chars (account SIDs, AC + 32 hex, are kept)
    (re.compile(r"(?<![A-Za-z0-9])(?<!AC)(?<!SK)[0-9a-f]{32}(?![0-9a-f])"), "[redacted]"),
    # query strings of URLs, absolute or relative (To=%2B1…, PageToken=…): the path is kept
    (re.compile(r"(/[^\s?#\"'<>]*)\?[^\s\"'<>#]+"), r"\1?[query]"),
    # email addresses, plain or URL-encoded (jane%40example.com)
    (
        re.compile(r"(?i)(?<![\w.+%\-])[\w.+\-]+(?:@|%40)[a-z0-9\-]+(?:\.[a-z0-9\-]+)+"),
        EMAIL,
    ),
    # international numbers: E.164 (+12145550142), written (+44 20 7946 0958), URL-encoded
    (re.compile(rf"(?<![\w+%])(?:\+|%2[Bb])\(?\d(?:{_SEP}{{0,2}}\d){{5,16}}(?!\d)"),
     _masked_phone(7)),
    # North American national: (214) 555-0142, 214-555-0142, 214.555.0142, 1 214 555 0142,
    # 2145550142
    (
        re.compile(
            rf"{_BEFORE}(?:1[ .\-]?)?(?:\([2-9]\d\d\)|[2-9]\d\d)[ .\-]?\d{{3}}[ .\-]?\d{{4}}{_AFTER}"
        ),
        PHONE,
    ),
    # national with a trunk 0 (020 7946 0958, 07700 900123, 06 12 34 56 78) or an 00 prefix
    (re.compile(rf"{_BEFORE}0\d{{1,4}}(?:[ .\-]?\d{{2,4}}){{2,5}}{_AFTER}"), _masked_phone(9)),
]


def redact(text: str) -> str:
    """``text`` with secrets, message bodies, query strings, emails and phone numbers masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def url_for_log(url: str) -> str:
    """A URL as it may be logged: without its query string, fragment or credentials."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (and traceback text) with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files only their owner can read (0600), whatever the umask: the
    current file is opened through ``private_opener`` (also after each rollover); the rotated
    ones are renames of it and keep its mode."""

    def _open(self) -> TextIOWrapper:
        stream = open(self.baseFilename, self.mode, encoding=self.encoding,  # noqa: SIM115
                      errors=self.errors, opener=private_opener)
        assert isinstance(stream, TextIOWrapper)  # a text mode ("a")
        return stream


def setup_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    private_dir(log_dir)
    path = log_dir / LOG_NAME
    for n in range(1, BACKUPS + 1):  # rotated files an older version left readable
        tighten(path.with_name(f"{LOG_NAME}.{n}"))
    handler = PrivateRotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for old in list(root.handlers):
        if getattr(old, "_milo", False):
            root.removeHandler(old)
    handler._milo = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.addFilter(RedactingFilter())
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream._milo = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    return path
