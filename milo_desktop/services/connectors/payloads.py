"""Raw provider payloads, made safe to keep: what makes a record poison, and how any received
value (even one holding lone surrogates, NUL characters, NaN or a 5,000-digit integer) is
written down as text that SQLite and PostgreSQL both accept.

Provider-neutral: every connector's record checks use ``poison_in`` and every quarantine entry
goes through ``dump_payload`` / ``safe_text`` (``Quarantine`` does it by itself).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 32  # nesting of objects and lists in one record
MAX_TEXT = 100_000  # characters in one string of a record
MAX_INT_BITS = 63  # integers must fit a signed 64-bit column
_DIGITS_CHUNK = 10**1000
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """``text`` with what no database text column takes escaped: NUL (PostgreSQL refuses it)
    becomes ``\\x00`` and a lone surrogate (UTF-8 cannot encode it) ``\\udXXX``."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() == "\x00"
                       else f"\\u{ord(m.group()):04x}", text)


def show(value: Any, limit: int = 60) -> str:
    """A short, printable rendering of a received value for a quarantine reason."""
    if isinstance(value, str):
        text = repr(value[:limit]) + ("…" if len(value) > limit else "")
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        text = f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    elif isinstance(value, dict | list):
        text = f"a{'n object' if isinstance(value, dict) else ' list'} ({len(value)} entries)"
    else:
        text = repr(value)[:limit]
    return safe_text(text)


def kind_of(value: Any) -> str:
    """The JSON name of a value's type ("text", "number", "object"…), for reasons."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def poison_in(value: Any, where: str = "the record") -> str | None:
    """Why ``value`` (a parsed JSON document) cannot be stored as it is, or None.

    Poison: a string with a NUL or a lone surrogate, or longer than MAX_TEXT; NaN or an
    infinity; an integer beyond 64 bits; nesting deeper than MAX_DEPTH; a non-JSON type.
    """
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"{where} is nested more than {MAX_DEPTH} levels deep"
        if node is None or isinstance(node, bool):
            continue
        if isinstance(node, str):
            if "\x00" in node:
                return f"{path} holds a NUL character"
            if _SURROGATE.search(node):
                return f"{path} holds a lone surrogate (not valid Unicode)"
            if len(node) > MAX_TEXT:
                return f"{path} is {len(node):,} characters long"
        elif isinstance(node, int):
            if node.bit_length() > MAX_INT_BITS:
                return f"{path} is {show(node)}, too large to store"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return f"{path} is {node!r}, not a finite number"
        elif isinstance(node, Mapping):
            for key, item in node.items():
                if not isinstance(key, str):
                    return f"{path} has a key that is not text"
                if _UNSAFE.search(key) or len(key) > 1000:
                    return f"{path} has a key that is not storable text: {show(key)}"
                stack.append((item, f"{key}" if depth == 0 else f"{path}.{key}", depth + 1))
        elif isinstance(node, list | tuple):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node))
        else:
            return f"{path} is {kind_of(node)}, not JSON"
    return None


def _exact_int(value: int) -> str:
    """Every digit of an integer, even past Python's 4,300-digit str() limit."""
    if value.bit_length() < 10_000:
        return str(value)
    sign, value = ("-", -value) if value < 0 else ("", value)
    chunks: list[str] = []
    while value:
        value, low = divmod(value, _DIGITS_CHUNK)
        chunks.append(str(low).rjust(1000, "0") if value else str(low))
    return sign + "".join(reversed(chunks))


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` with what json.dumps cannot write (huge integers, non-JSON types, cycles of
    depth) turned into text; NaN and infinities stay (json writes them as NaN / Infinity)."""
    if depth > 200:
        return "<nested too deep>"
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return value if value.bit_length() < 10_000 else _exact_int(value)
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: _plain(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    return repr(value)


def dump_payload(value: Any) -> str:
    """``value`` (a parsed document) as JSON text safe for any text column and readable in
    the Sync issues panel: accents and emoji as they are, NUL and lone surrogates as \\uXXXX
    escapes (JSON reads them back as they were), NaN / Infinity as JavaScript writes them,
    integers whole. Raw text that was not JSON goes through ``safe_text`` instead."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (ValueError, TypeError, RecursionError):
        text = json.dumps(_plain(value), ensure_ascii=False, default=repr)
    # json escapes NUL itself; a lone surrogate it leaves raw: write it as JSON's escape.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
