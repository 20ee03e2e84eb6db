"""Fetching a job posting by URL and turning its HTML into plain text for the planner.

Job boards (Greenhouse, Lever, Indeed, Workable…) embed a schema.org ``JobPosting`` as JSON-LD;
when present its title and description are used, since they hold the posting without the
page's menus. Otherwise the page text is taken with scripts, styles and navigation dropped.

Problems become messages a recruiter can act on: no network → "You're offline — paste the job
description instead" (EnvironmentProblem); a 404, a PDF, a huge page → ValidationProblem.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx

from milo_desktop.errors import EnvironmentProblem, ValidationProblem

OFFLINE = "You're offline — paste the job description instead."
MAX_BYTES = 2_000_000
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
USER_AGENT = "MiloDesktop/1.0 (job posting import)"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "section", "article", "header", "footer", "table", "dd", "dt", "blockquote"}
_SKIP = {"script", "style", "noscript", "svg", "nav", "template", "iframe", "head", "form",
         "button", "select"}


@dataclass(frozen=True)
class Posting:
    """A fetched posting: its title (may be empty) and its text."""

    url: str
    title: str
    text: str

    def for_planner(self) -> str:
        """Title on the first line, then the body: the planner reads titles there."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.h1: list[str] = []
        self.json_ld: list[str] = []
        self._skip = 0
        self._stack: list[str] = []
        self._ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._ld = True
        if tag in _SKIP:
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skip:
            self._skip -= 1
        if tag == "script":
            self._ld = False
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._ld:
            self.json_ld.append(data)
        if "title" in self._stack:
            self.title.append(data)
        if self._skip:
            return
        if "h1" in self._stack:
            self.h1.append(data)
        self.parts.append(data)


def _tidy_lines(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def _job_posting(blobs: list[str]) -> dict[str, Any] | None:
    for blob in blobs:
        try:
            data = json.loads(blob)
        except ValueError:
            continue
        if isinstance(data, dict):
            items = data.get("@graph", [data])
        else:
            items = data if isinstance(data, list) else []
        for item in items:
            if isinstance(item, dict) and item.get("@type") == "JobPosting":
                return item
    return None


def html_to_text(page: str) -> tuple[str, str]:
    """(title, text) of an HTML page; the JSON-LD JobPosting wins when there is one."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    posting = _job_posting(parser.json_ld)
    if posting is not None and isinstance(posting.get("description"), str):
        inner = _Text()
        inner.feed(html.unescape(posting["description"]))
        inner.close()
        title = str(posting.get("title") or "").strip()
        return title, _tidy_lines("".join(inner.parts))
    title = " ".join("".join(parser.h1).split()) or " ".join("".join(parser.title).split())
    return title, _tidy_lines("".join(parser.parts))


def normalise_url(raw: str) -> str:
    """``raw`` with https:// added when no scheme was typed; ValidationProblem otherwise."""
    url = raw.strip()
    if not url:
        raise ValidationProblem("Paste the link to the job posting.")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValidationProblem("That doesn't look like a web address. Paste a link that "
                                "starts with https://")
    return url


async def fetch_posting(raw_url: str, *, connect_s: float = CONNECT_TIMEOUT_S,
                        read_s: float = READ_TIMEOUT_S) -> Posting:
    """GET the posting (redirects followed, 5 s to connect, 10 s between bytes, 2 MB at most)."""
    url = normalise_url(raw_url)
    timeout = httpx.Timeout(read_s, connect=connect_s)
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=True, max_redirects=5,
                                     headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            _check_status(response)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in _HTML_TYPES:
                raise ValidationProblem(
                    f"That link is a file ({kind}), not a job posting page. Open it and paste "
                    "the job description instead.")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_BYTES:
                raise _too_big()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise _too_big()
            encoding = response.encoding or "utf-8"
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout,
            httpx.PoolTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise EnvironmentProblem(OFFLINE, detail=f"{type(exc).__name__}: {exc}") from exc
    except httpx.TooManyRedirects as exc:
        raise ValidationProblem("That link redirects in circles. Paste the job description "
                                "instead.") from exc
    text = body.decode(encoding, errors="replace")
    title, plain = html_to_text(text) if kind != "text/plain" else ("", text)
    if len(plain.split()) < 5:
        raise ValidationProblem("That page has no job description we can read (it may need "
                                "a browser to show it). Paste the job description instead.")
    return Posting(url=str(url), title=title, text=plain)


def _too_big() -> ValidationProblem:
    return ValidationProblem(f"That page is larger than {MAX_BYTES // 1_000_000} MB — it is "
                             "not a single job posting. Paste the job description instead.")


def _check_status(response: httpx.Response) -> None:
    code = response.status_code
    if code in (404, 410):
        raise ValidationProblem(f"That job posting was not found (HTTP {code}). Check the "
                                "link, or paste the job description instead.")
    if code in (401, 403):
        raise ValidationProblem(f"The job site refused to show that page (HTTP {code}); it "
                                "may need a login. Paste the job description instead.")
    if code >= 500:
        raise EnvironmentProblem(f"The job site is having trouble (HTTP {code}). Try again "
                                 "later, or paste the job description instead.")
    if code >= 400:
        raise ValidationProblem(f"The job site answered HTTP {code} for that link. Paste the "
                                "job description instead.")
