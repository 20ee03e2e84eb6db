"""Planning from a job-posting URL against a real HTTP server on 127.0.0.1: a JSON-LD posting,
a plain page, redirects, 404, a PDF, a huge page, a server too slow to answer, a refused
connection — each with the message the wizard shows."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from milo_desktop.errors import EnvironmentProblem, ValidationProblem
from milo_desktop.services.authoring import OFFLINE, AuthoringService
from milo_desktop.services.authoring.fetch import MAX_BYTES, html_to_text
from milo_desktop.services.workspace import Workspace

DESCRIPTION_HTML = (
    "<p><strong>Forklift Operator</strong> for our Dallas distribution center.</p>"
    "<ul><li>2+ years of forklift experience required</li>"
    "<li>Current forklift certification required</li>"
    "<li>Must be able to lift 50 lbs</li><li>Weekends required</li></ul>")
POSTING = f"""<!doctype html><html><head><title>Jobs at Northwind | Careers</title>
<script type="application/ld+json">{json.dumps({
    "@context": "https://schema.org", "@type": "JobPosting", "title": "Forklift Operator (Nights)",
    "description": DESCRIPTION_HTML, "hiringOrganization": {"name": "Northwind"}})}</script>
<style>body {{ color: red }}</style></head>
<body><nav>Home Jobs About</nav><h1>Forklift Operator (Nights)</h1><div>ignored</div>
<script>var tracking = "forklift forklift";</script></body></html>"""
PLAIN = """<html><head><title>Certified Nursing Assistant | Sunrise Living</title></head>
<body><nav><a href="/">Home</a></nav>
<h1>Certified Nursing Assistant</h1>
<p>Join our skilled nursing team caring for residents with ADLs and vitals.</p>
<ul><li>Active CNA certification required</li><li>1 year of long-term care experience</li>
<li>Every other weekend</li></ul><script>alert('x')</script></body></html>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # bodies end when the connection closes

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, code: int, kind: str, body: bytes, length: bool = True) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/posting":
            self._send(200, "text/html; charset=utf-8", POSTING.encode())
        elif path == "/plain":
            self._send(200, "text/html", PLAIN.encode())
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/posting")
            self.end_headers()
        elif path == "/gone":
            self._send(404, "text/html", b"<h1>Not found</h1>")
        elif path == "/file.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4 ...")
        elif path == "/huge":  # no length announced: the client must stop reading itself
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(MAX_BYTES // 65_536 + 4):
                    self.wfile.write(b"<p>" + b"x" * 65_529 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/slow":
            time.sleep(2.0)
            self._send(200, "text/html", PLAIN.encode())
        elif path == "/scripts-only":
            self._send(200, "text/html", b"<html><script>app()</script><div id=root></div>")
        elif path == "/broken":
            self._send(503, "text/html", b"down")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-body (the huge page) is expected here


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def svc(sqlite_workspace: Workspace) -> AuthoringService:
    svc = sqlite_workspace.authoring
    svc.fetch_timeouts = (2.0, 0.5)
    return svc


def test_a_json_ld_posting_is_planned_from_its_own_title_and_text(
        svc: AuthoringService, server: str, arun: Any) -> None:
    draft = arun(svc.draft_from_url(f"{server}/posting"))
    assert draft.position_title == "Forklift Operator (Nights)"
    assert draft.template_key == "forklift-operator"
    assert draft.source_url == f"{server}/posting"
    prompts = [q.prompt for s in draft.stages for q in s.questions]
    assert "Can you lift up to 50 lb repeatedly during a shift?" in prompts
    assert "Are you available to work weekends?" in prompts
    years = next(q for s in draft.stages for q in s.questions
                 if q.requirement == "experience_years" and q.min_value is not None)
    assert years.min_value == 2.0 and years.dealbreaker
    assert "tracking" not in draft.job_description and "Home Jobs" not in draft.job_description
    assert draft.plan_notes[0] == f"Read the job posting at {server}/posting."


def test_a_plain_page_and_a_redirect(svc: AuthoringService, server: str, arun: Any) -> None:
    draft = arun(svc.draft_from_url(f"{server}/plain"))
    assert draft.position_title == "Certified Nursing Assistant"
    assert draft.template_key == "cna"
    assert "alert" not in draft.job_description
    assert "Home" not in draft.job_description.split("\n")[2:]
    moved = arun(svc.draft_from_url(f"{server}/moved"))
    assert moved.position_title == "Forklift Operator (Nights)"


@pytest.mark.parametrize(("path", "kind", "message"), [
    ("/gone", ValidationProblem, "was not found (HTTP 404)"),
    ("/file.pdf", ValidationProblem, "is a file (application/pdf)"),
    ("/huge", ValidationProblem, "larger than 2 MB"),
    ("/scripts-only", ValidationProblem, "no job description we can read"),
    ("/broken", EnvironmentProblem, "having trouble (HTTP 503)"),
    ("/slow", EnvironmentProblem, OFFLINE),
])
def test_unusable_pages_get_clear_messages(svc: AuthoringService, server: str, arun: Any,
                                           path: str, kind: type[Exception],
                                           message: str) -> None:
    with pytest.raises(kind) as info:
        arun(svc.draft_from_url(server + path))
    assert message in str(info.value)


def test_a_refused_connection_reads_as_offline(svc: AuthoringService, arun: Any) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EnvironmentProblem) as info:
        arun(svc.draft_from_url(f"http://127.0.0.1:{port}/job"))
    assert info.value.message == "You're offline — paste the job description instead."
    assert not isinstance(info.value, ValidationProblem)


@pytest.mark.parametrize("url", ["", "   ", "ftp://example.com/job", "not a link at all"])
def test_not_a_web_address(svc: AuthoringService, arun: Any, url: str) -> None:
    with pytest.raises(ValidationProblem):
        arun(svc.draft_from_url(url))


def test_html_to_text_keeps_structure() -> None:
    title, text = html_to_text(PLAIN)
    assert title == "Certified Nursing Assistant"
    assert "• Active CNA certification required" in text.splitlines()
    assert "alert" not in text
