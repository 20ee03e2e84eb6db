"""Check JSON answers against Twilio's published OpenAPI 3 files (twilio-oai), with no
dependency beyond the stdlib.

Twilio's component schemas mark every property nullable and list none as required, so a
plain JSON Schema check would accept `{}`. `check` is stricter: in strict mode every declared
property must be present and no undeclared one may appear; types, nullability, enums,
patterns and the date formats are checked too.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

RFC2822_RE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "object": (dict,), "array": (list,),
}


class Spec:
    """One OpenAPI file (e.g. twilio_api_v2010.json)."""

    def __init__(self, path: str | Path) -> None:
        self.doc: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))

    def response_schema(self, path: str, method: str, status: int | str = 200) -> dict[str, Any]:
        """The JSON schema of an operation's answer, e.g. ('/v2/Flows', 'get', 200)."""
        operation = self.doc["paths"][path][method.lower()]
        content = operation["responses"][str(status)]["content"]["application/json"]
        return content["schema"]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow `$ref`s to '#/components/schemas/…'."""
        while "$ref" in schema:
            node: Any = self.doc
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def check(self, value: Any, schema: dict[str, Any], *, strict: bool = True) -> list[str]:
        """Problems with `value` against `schema` ([] when it conforms)."""
        problems: list[str] = []
        self._check(value, schema, "$", strict, problems)
        return problems

    def _check(
        self, value: Any, schema: dict[str, Any], where: str, strict: bool, out: list[str]
    ) -> None:
        nullable = schema.get("nullable", False)
        schema = self.resolve(schema)
        nullable = nullable or schema.get("nullable", False)
        if value is None:
            if not nullable and schema.get("type") is not None:
                out.append(f"{where}: null but not nullable")
            return
        kind = schema.get("type")
        if kind is not None:
            ok = isinstance(value, JSON_TYPES[kind]) and not (
                kind in ("integer", "number") and isinstance(value, bool)
            )
            if not ok:
                out.append(f"{where}: {type(value).__name__} where the spec says {kind}")
                return
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{where}: {value!r} is not one of {schema['enum']}")
        if isinstance(value, str):
            self._string(value, schema, where, out)
        if isinstance(value, dict) and "properties" in schema:
            props: dict[str, Any] = schema["properties"]
            required = set(props) if strict else set(schema.get("required", ()))
            for name in sorted(required - set(value)):
                out.append(f"{where}: missing {name}")
            if strict:
                for name in sorted(set(value) - set(props)):
                    out.append(f"{where}: {name} is not in the spec")
            for name, sub in props.items():
                if name in value:
                    self._check(value[name], sub, f"{where}.{name}", strict, out)
        if isinstance(value, dict) and schema.get("format") == "uri-map":
            for name, link in value.items():
                if not isinstance(link, str):
                    out.append(f"{where}.{name}: uri-map values are strings")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                self._check(item, schema["items"], f"{where}[{i}]", strict, out)

    @staticmethod
    def _string(value: str, schema: dict[str, Any], where: str, out: list[str]) -> None:
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, value):
            out.append(f"{where}: {value!r} does not match {pattern}")
        for bound, test in (("minLength", len(value) >= schema.get("minLength", 0)),
                            ("maxLength", len(value) <= schema.get("maxLength", len(value)))):
            if not test:
                out.append(f"{where}: {value!r} breaks {bound}")
        fmt = schema.get("format")
        if fmt == "date-time-rfc-2822":
            if not RFC2822_RE.match(value):
                out.append(f"{where}: {value!r} is not an RFC 2822 date")
            else:
                parsedate_to_datetime(value)
        elif fmt == "date-time":
            if not ISO_RE.match(value):
                out.append(f"{where}: {value!r} is not an ISO 8601 date-time")
            else:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif fmt == "uri" and value and not re.match(r"^(https?://|/)", value):
            out.append(f"{where}: {value!r} is not a URI")
