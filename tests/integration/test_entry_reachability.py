"""Does the candidate page answer? Against real local HTTP servers (aiohttp on 127.0.0.1) and a
closed port: an answer below 400 is fine (HEAD, or GET when HEAD is refused), an error status
and no answer at all are each said in the recruiter's words."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from milo_desktop.services.entry.reachability import page_problem
from milo_desktop.services.workspace import Workspace


@asynccontextmanager
async def serving(routes: Callable[[web.Application], None]) -> AsyncIterator[str]:
    app = web.Application()
    routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/apply"  # closed when the block ends


async def _ok(_request: web.Request) -> web.Response:
    return web.Response(text="<h1>Apply</h1>", content_type="text/html")


async def _no_head(request: web.Request) -> web.Response:
    if request.method == "HEAD":
        return web.Response(status=405)
    return web.Response(text="ok")


async def _broken(_request: web.Request) -> web.Response:
    return web.Response(status=500)


def test_a_page_that_answers_is_fine(arun: Any) -> None:
    async def go() -> list[str | None]:
        def routes(app: web.Application) -> None:
            app.router.add_route("GET", "/apply", _ok)  # aiohttp answers HEAD for GET routes
            app.router.add_route("*", "/get-only", _no_head)
            app.router.add_route("GET", "/moved", _moved)
        async with serving(routes) as base:
            return [await page_problem(f"{base}/apply"), await page_problem(f"{base}/get-only"),
                    await page_problem(f"{base}/moved")]
    assert arun(go()) == [None, None, None]


async def _moved(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/apply")


def test_an_error_status_is_said(arun: Any) -> None:
    async def go() -> tuple[str | None, str | None]:
        def routes(app: web.Application) -> None:
            app.router.add_route("*", "/apply", _broken)
        async with serving(routes) as base:
            return await page_problem(f"{base}/apply"), await page_problem(f"{base}/missing")
    broken, missing = arun(go())
    assert broken is not None and "HTTP 500" in broken and "candidates" in broken
    assert missing is not None and "HTTP 404" in missing


def test_a_closed_port_does_not_answer(arun: Any) -> None:
    address = closed_port()
    problem = arun(page_problem(address, timeout=5))
    assert problem == (f"{address} does not answer — candidates who open the link will see an "
                       "error. Check the address, or that your candidate page is online.")


def test_the_saved_address_is_checked(workspace: Workspace, arun: Any) -> None:
    assert arun(workspace.entry.page_problem()) is None  # no address: nothing to check
    address = closed_port()
    arun(workspace.entry.save_account(address, ""))
    assert "does not answer" in (arun(workspace.entry.page_problem()) or "")
