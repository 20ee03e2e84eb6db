"""A tiny OpenAI-compatible chat completions server on 127.0.0.1, for the LLM evaluator tests.

A real socket (http.server in a thread): the evaluator's httpx client talks to it exactly as
to a hosted endpoint. Replies follow a script; when the script runs out, every request gets
a well-formed score computed from the answer (4 when it says "forklift", else 2).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict → JSON; str → raw text
    headers: dict[str, str] = field(default_factory=dict)


def completion(content: str) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]}


def default_reply(request: dict[str, Any]) -> Reply:
    user = request["messages"][-1]["content"]
    answer = user.split("Answer:", 1)[-1].strip()
    score = 4 if "forklift" in answer.lower() else 2
    quote = answer.split(".")[0]
    return Reply(200, completion(json.dumps(
        {"score": score, "summary": "Judged by the fake endpoint.", "evidence": quote})))


@dataclass
class FakeLlm:
    base_url: str
    script: list[Reply]
    requests: list[dict[str, Any]]


@contextmanager
def fake_llm(script: list[Reply] | None = None) -> Iterator[FakeLlm]:
    state = FakeLlm("", list(script or []), [])
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                state.requests.append({"path": self.path, "json": body,
                                       "authorization": self.headers.get("Authorization")})
                reply = state.script.pop(0) if state.script else default_reply(body)
            payload = reply.body if reply.body is not None else {}
            data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="fake-llm", daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
