"""The hand-written JSON Schemas of the ATS endpoints we use (tests/data/ats-schemas/).

One file per endpoint, ``tests/data/ats-schemas/<service>/<name>.json``: a JSON Schema
document with

* ``x-method`` ("GET") and ``x-path`` (a template: "/v3/candidates/{id}/notes") - which
  requests it describes (the path as seen by the sandbox, without the base URL's host);
* ``x-source`` - the vendor documentation page it came from (a URL), never empty;
* ``$defs.request`` - the request: an object with ``query`` (parameter → string, every value
  as the server receives it) and ``body`` (the JSON body, or null);
* ``$defs.response`` - the 2xx answer's body.

``check_request`` / ``check_response`` validate against them; ``endpoint_of`` finds the
schema of a recorded request, so a contract test can hold EVERY request a connector made.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

ROOT = Path(__file__).parent / "data" / "ats-schemas"


@functools.cache
def schemas(service: str) -> dict[str, dict[str, Any]]:
    """name → schema document, for one service."""
    found = {}
    for path in sorted((ROOT / service).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for key in ("x-method", "x-path", "x-source"):
            assert doc.get(key), f"{path}: {key} is missing"
        assert str(doc["x-source"]).startswith("https://"), f"{path}: x-source must be a URL"
        assert "request" in doc.get("$defs", {}) and "response" in doc["$defs"], path
        jsonschema.Draft202012Validator.check_schema(doc)
        found[path.stem] = doc
    return found


def _path_rx(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{rx}$")


def endpoint_of(service: str, method: str, path: str) -> str | None:
    """The schema name describing ``METHOD path`` (the most specific template wins)."""
    best: tuple[tuple[int, int], str] | None = None
    for name, doc in schemas(service).items():
        if doc["x-method"].upper() != method.upper() or not _path_rx(doc["x-path"]).match(path):
            continue
        key = (-doc["x-path"].count("{"), len(doc["x-path"]))
        if best is None or key > best[0]:
            best = (key, name)
    return best[1] if best else None


def _validator(service: str, name: str, part: str) -> jsonschema.Draft202012Validator:
    doc = schemas(service)[name]
    sub = {"$schema": doc.get("$schema", "https://json-schema.org/draft/2020-12/schema"),
           "$defs": doc["$defs"], "$ref": f"#/$defs/{part}"}
    return jsonschema.Draft202012Validator(sub)


def check_response(service: str, name: str, body: Any) -> None:
    """Raise ``jsonschema.ValidationError`` when ``body`` breaks the endpoint's schema."""
    _validator(service, name, "response").validate(body)


def check_request(service: str, name: str, query: dict[str, list[str]] | dict[str, str],
                  body: Any) -> None:
    flat = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
    _validator(service, name, "request").validate({"query": flat, "body": body})


__all__ = ["ROOT", "check_request", "check_response", "endpoint_of", "schemas"]
