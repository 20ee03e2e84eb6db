"""IDLE: the apply mailbox tells us when mail arrives, so the intake runs at once instead of
at the end of its polling interval.

``idle_worker`` is a long-running worker (supervised by the background): it opens its own
connection, IDLEs on the folder and calls ``wake()`` whenever the server announces new mail.
The IDLE is re-issued every ``renew`` seconds (25 minutes: servers may drop an IDLE after 30).
A server without IDLE, no mailbox connected or a lost connection: the worker waits and tries
again later, while the engine's polling keeps the intake going.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from milo_desktop.services.connectors import ConnectorProblem
from milo_desktop.services.connectors.email.imap import ImapConnector

log = logging.getLogger(__name__)
RENEW_S = 25 * 60.0  # re-issued within 29 minutes
RETRY_S = 60.0  # after a problem, or while no mailbox is connected
NO_IDLE_S = 3600.0  # a server without IDLE: look again in an hour (polling covers it)


async def idle_worker(factory: Callable[[], Awaitable[ImapConnector | None]],
                      wake: Callable[[], None], *, renew: float = RENEW_S,
                      retry: float = RETRY_S,
                      ready: Callable[[], None] | None = None) -> None:
    """Run forever (cancel to stop); ``ready`` is called each time the server has accepted
    an IDLE."""
    while True:
        imap = await factory()
        if imap is None:
            await asyncio.sleep(retry)
            continue
        try:
            await imap.select()
            if not imap.has_idle():
                await asyncio.sleep(NO_IDLE_S)
                continue
            while True:
                waiting = asyncio.ensure_future(imap.idle_wait(renew, started=ready))
                try:
                    news = await asyncio.shield(waiting)
                except asyncio.CancelledError:
                    imap.interrupt()
                    await asyncio.wait([waiting])
                    raise
                if news:
                    wake()
        except ConnectorProblem as exc:
            log.info("email intake: IDLE paused (%s)", type(exc).__name__)
            await asyncio.sleep(retry)
        finally:
            await imap.aclose()


__all__ = ["RENEW_S", "idle_worker"]
