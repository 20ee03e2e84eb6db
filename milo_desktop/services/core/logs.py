"""The rotating log file, with secrets and message bodies redacted before anything is written."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
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
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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
        return True


def setup_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "milo-desktop.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.setLevel(level)
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
