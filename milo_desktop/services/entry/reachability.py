"""Does the candidate page address answer? Asked in the background (httpx, a timeout on the
whole exchange), so Settings → Account and the wizard's Share step can warn before a
candidate opens a link to nowhere.

HEAD first (cheap); a server that refuses HEAD (405 / 501) is asked with GET. Any answer
below 400, after redirects, is "answers"; anything else is a sentence for the recruiter.
"""

from __future__ import annotations

import asyncio

import httpx

from milo_desktop.services.core.logs import url_for_log

TIMEOUT_S = 6.0
NO_HEAD = frozenset({405, 501})


def no_answer(address: str) -> str:
    return (f"{address} does not answer — candidates who open the link will see an error. "
            "Check the address, or that your candidate page is online.")


async def page_problem(address: str, *, timeout: float = TIMEOUT_S) -> str | None:
    """None when ``address`` answers, else why not in the recruiter's words."""
    # Building the client loads the CA bundle: not on the GUI thread.
    client = await asyncio.to_thread(httpx.AsyncClient, timeout=timeout,
                                     follow_redirects=True)
    try:
        async with client:
            response = await client.head(address)
            if response.status_code in NO_HEAD:
                response = await client.get(address)
    except httpx.InvalidURL:
        return f"{url_for_log(address)} is not a web address the app can open."
    except (httpx.TransportError, httpx.TooManyRedirects):
        return no_answer(address)
    if response.status_code >= 400:
        return (f"{address} answers with an error (HTTP {response.status_code}) — candidates "
                "who open the link will see it. Check the address.")
    return None
