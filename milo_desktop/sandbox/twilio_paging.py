"""List paging for the sandbox: the 2010 envelope (relative `next_page_uri`) and Studio's `meta`
envelope (absolute `next_page_url`), with Twilio's PageSize / Page / PageToken parameters.

Page tokens are keyset positions like Twilio's: 'PA' + the last sid of the previous page (the
page after it) or 'PB' + the first sid of the next page (the page before it), so a record
created while a client pages does not shift the pages it has yet to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from milo_desktop.sandbox.twilio_state import Rec
from milo_desktop.sandbox.twilio_util import TwilioError

PAGING_PARAMS = ("PageSize", "Page", "PageToken")
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class PageSlice:
    """One page of records and the tokens around it."""

    records: list[Rec]
    page: int
    page_size: int
    start: int
    token: str | None
    next_token: str | None
    previous_token: str | None


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise TwilioError(400, 20001, f"Invalid {name}: {raw}") from exc  # UNCONFIRMED code


def paginate(records: Sequence[Rec], query: Mapping[str, str]) -> PageSlice:
    """Cut the page the query asks for out of `records` (already filtered and ordered).

    PageSize > 1000 answers 400 / 20007; an unknown PageToken answers 400 / 21481.
    """
    size = _int_param(query, "PageSize", DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise TwilioError(400, 20007, f"PageSize must be less than or equal to {MAX_PAGE_SIZE}")
    if size < 1:
        raise TwilioError(400, 20001, "PageSize must be greater than 0")  # UNCONFIRMED code
    page = max(0, _int_param(query, "Page", 0))
    token = query.get("PageToken") or None
    if token is None:
        # No token: Page is an offset (Twilio honours it for the first pages).
        start = page * size
    else:
        where = token[:2]
        index = next((i for i, r in enumerate(records) if r.sid == token[2:]), None)
        if where not in ("PA", "PB") or index is None:
            # UNCONFIRMED message; the code is the one integrations.md names.
            raise TwilioError(400, 21481, f"Invalid PageToken: {token}")
        start = index + 1 if where == "PA" else max(0, index - size)
    chunk = list(records[start : start + size])
    has_next = start + size < len(records)
    return PageSlice(
        records=chunk,
        page=page,
        page_size=size,
        start=start,
        token=token,
        next_token=f"PA{chunk[-1].sid}" if chunk and has_next else None,
        previous_token=f"PB{chunk[0].sid}" if chunk and start > 0 else None,
    )


def _link(path: str, filters: list[tuple[str, str]], size: int, page: int, token: str | None) -> str:
    params = [*filters, ("PageSize", str(size)), ("Page", str(page))]
    if token:
        params.append(("PageToken", token))
    return f"{path}?{urlencode(params)}"


def filters_of(query: Any) -> list[tuple[str, str]]:
    """The non-paging query parameters, in order, to carry into the page links."""
    return [(k, v) for k, v in query.items() if k not in PAGING_PARAMS]


def envelope_2010(
    key: str,
    path: str,
    query: Any,
    records: Sequence[Rec],
    render: Callable[[Rec], dict[str, Any]],
) -> dict[str, Any]:
    """A 2010 list page: {key: [...], page, page_size, start, end, uri, first_page_uri,
    next_page_uri (relative, with PageToken), previous_page_uri}."""
    cut = paginate(records, query)
    filters = filters_of(query)
    size = cut.page_size
    return {
        key: [render(r) for r in cut.records],
        "page": cut.page,
        "page_size": size,
        "start": cut.start,
        "end": cut.start + max(0, len(cut.records) - 1),
        "uri": _link(path, filters, size, cut.page, cut.token),
        "first_page_uri": _link(path, filters, size, 0, None),
        "next_page_uri": _link(path, filters, size, cut.page + 1, cut.next_token)
        if cut.next_token
        else None,
        "previous_page_uri": _link(path, filters, size, max(0, cut.page - 1), cut.previous_token)
        if cut.previous_token
        else None,
    }


def envelope_studio(
    key: str,
    origin: str,
    path: str,
    query: Any,
    records: Sequence[Rec],
    render: Callable[[Rec], dict[str, Any]],
) -> dict[str, Any]:
    """A Studio list page: {key: [...], meta: {page, page_size, first_page_url,
    previous_page_url, next_page_url (absolute), url, key}}."""
    cut = paginate(records, query)
    filters = filters_of(query)
    size = cut.page_size
    base = origin + path
    return {
        key: [render(r) for r in cut.records],
        "meta": {
            "page": cut.page,
            "page_size": size,
            "first_page_url": _link(base, filters, size, 0, None),
            "previous_page_url": _link(base, filters, size, max(0, cut.page - 1), cut.previous_token)
            if cut.previous_token
            else None,
            "next_page_url": _link(base, filters, size, cut.page + 1, cut.next_token)
            if cut.next_token
            else None,
            "url": _link(base, filters, size, cut.page, cut.token),
            "key": key,
        },
    }
