"""The small part of Liquid that Studio flows use: ``{{ path }}`` output and ``{% raw %}``.

The compiler escapes user text with :func:`escape` so a recruiter's "{{" is spoken, not
evaluated; the simulator renders with :func:`render` against a Studio-shaped context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"\{%\s*raw\s*%\}(.*?)\{%\s*endraw\s*%\}|\{\{(.*?)\}\}", re.DOTALL)
_RAW_OPEN_BRACE = "{% raw %}{{% endraw %}"


def escape(text: str) -> str:
    """``text`` as a Liquid template that renders back to exactly ``text``.

    Every "{" goes into its own raw block: that defuses "{{", "{%" and even a literal
    "{% endraw %}" typed by the user, and text without braces stays readable in Studio's editor.
    """
    return text.replace("{", _RAW_OPEN_BRACE)


def lookup(context: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``widgets.q_1.SpeechResult``), or None if absent."""
    node: Any = context
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _expression(context: Mapping[str, Any], expr: str) -> str:
    # The only filter our flows use is ``default`` ("a | default: b | default: c").
    head, *filters = expr.split("|")
    value = _literal_or_path(context, head.strip())
    for filt in (f.strip() for f in filters):
        if filt.startswith("default:") and value in (None, "", False):
            value = _literal_or_path(context, filt.removeprefix("default:").strip())
    if value is None or isinstance(value, Mapping | list):
        return ""  # Studio renders missing values (and objects) as nothing in our usage
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _literal_or_path(context: Mapping[str, Any], text: str) -> Any:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return lookup(context, text)


def render(template: str, context: Mapping[str, Any]) -> str:
    """Render ``template`` against a Studio execution context."""

    def repl(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return _expression(context, match.group(2))

    return _TOKEN.sub(repl, template)
