"""Pulling one resource page by page since its cursor.

Each page is fetched (and prepared: any further network work its records need) outside the
database, then written in ONE transaction together with its quarantined records and the
advanced cursor. A crash between pages resumes from the saved cursor: nothing is lost (the
cursor never moves past an unwritten page) and nothing is duplicated (writes are upserts by
the provider's sid, and a page re-read after a crash lands on the same rows).

A list request the service refuses with a 4xx of its own (a 400 for an expired page token, a
422: ``ProviderError``) never leaves a bad page link behind: the link is dropped, a sync issue
records the request and the answer, and the walk restarts from the last committed position
(the watermark). A 5xx after every retry keeps the link (the service's trouble, not the link's)
and is raised for the engine to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from milo_desktop.services.connectors import Page, ProviderError, Quarantine
from milo_desktop.services.core.database import Database
from milo_desktop.services.sync.cursors import Cursor, add_quarantine, load_cursor, save_cursor

P = TypeVar("P")


@dataclass(frozen=True)
class PullResult:
    resource: str
    pulled: int
    quarantined: int
    complete: bool  # False: stopped at a page that could not be read


@dataclass(frozen=True)
class Resource(Generic[P]):
    """How to pull one resource.

    ``fetch(since, url)`` gets a page; ``prepare(records)`` does any network work the
    records need and returns plain items; ``apply(session, items)`` writes them (inside the
    page's transaction). ``date_of`` / ``settled`` drive the watermark.
    """

    service: str
    name: str
    fetch: Callable[[dt.datetime | None, str | None], Awaitable[Page]]
    prepare: Callable[[list[dict[str, Any]]], Awaitable[list[P]]]
    apply: Callable[[Session, list[P]], None]
    date_of: Callable[[dict[str, Any]], dt.datetime | None]
    settled: Callable[[dict[str, Any]], bool] = lambda record: True
    # Ask for the next page while this one is written (its link is known once the page is
    # read): the network and the database overlap. A page fetched ahead is dropped unread
    # when the write fails; the cursor still moves only with a stored page.
    prefetch: bool = False


# A test hook: called after each page is stored (raise from it to simulate a crash).
AfterPage = Callable[[str, int], None]


async def pull(db: Database, res: Resource[Any], *, after_page: AfterPage | None = None,
               on_page: Callable[[int], None] | None = None,
               hold_window: dt.timedelta = dt.timedelta(days=1)) -> PullResult:
    """Walk ``res`` from its cursor to the last page; see the module docstring."""
    cursor = await db.read(lambda s: load_cursor(s, res.service, res.name))
    pulled = quarantined = pages = 0
    restarted = False
    ahead: asyncio.Task[Page] | None = None  # the next page, asked for while one is written
    try:
        while True:
            try:
                if ahead is not None:
                    task, ahead = ahead, None
                    page = await task
                else:
                    page = await res.fetch(cursor.since, cursor.next)
            except ProviderError as exc:
                if exc.server_side:
                    raise
                refused_link = cursor.next is not None
                cursor = Cursor(since=cursor.since)  # the last committed position
                quarantined += await db.write(functools.partial(
                    _refused, res=res, exc=exc, cursor=cursor, link=refused_link))
                if not refused_link or restarted:
                    raise
                restarted = True  # once per round: the walk from the watermark
                continue
            if page.broken:
                # The page cannot be read: keep it in quarantine and leave the cursor where
                # it is, so the next round tries the same page again.
                items = list(page.quarantined)
                quarantined += await db.write(functools.partial(add_quarantine, items=items))
                return PullResult(res.name, pulled, quarantined, complete=False)
            records = [dict(r) for r in page.records]
            prepared = await res.prepare(records)
            now = dt.datetime.now(dt.UTC)
            recent = now - hold_window
            # A record dated in the future (a provider's clock, a hostile answer) must not
            # carry the watermark past every record still to come: it counts as "now" at most.
            dates = [min(d, now) for d in map(res.date_of, records) if d is not None]
            unsettled = [d for r in records if not res.settled(r)
                         if (d := res.date_of(r)) is not None and d >= recent]
            new_cursor = cursor.after_page(dates, unsettled, page.next_url)

            def write(s: Session, page: Page = page, prepared: list[Any] = prepared,
                      new_cursor: Cursor = new_cursor) -> int:
                res.apply(s, prepared)
                added = add_quarantine(s, list(page.quarantined))
                save_cursor(s, res.service, res.name, new_cursor,
                            complete=new_cursor.next is None)
                return added

            if res.prefetch and new_cursor.next is not None:
                ahead = asyncio.ensure_future(res.fetch(cursor.since, new_cursor.next))
            quarantined += await db.write(write)
            cursor = new_cursor
            pulled += len(records)
            pages += 1
            if on_page is not None:
                on_page(pulled)
            if after_page is not None:
                after_page(res.name, pages)
            if cursor.next is None:
                return PullResult(res.name, pulled, quarantined, complete=True)
    finally:
        if ahead is not None:  # the walk stopped (an error, a crash): the page is not needed
            ahead.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await ahead


def _refused(s: Session, res: Resource[Any], exc: ProviderError, cursor: Cursor,
             link: bool) -> int:
    """In one transaction: the cursor without its page link, and the sync issue saying what
    was asked and what came back."""
    where = "the next page" if link else "the list"
    then = ("the walk starts again from the last saved position" if link
            else "it is asked again next round")
    reason = f"{exc.service} refused {where} of {res.name} (HTTP {exc.status}); {then}"
    payload = json.dumps({"request": exc.request, "status": exc.status, "answer": exc.answer})
    save_cursor(s, res.service, res.name, cursor, complete=False)
    return add_quarantine(s, [Quarantine(res.service, res.name, reason, payload)])
