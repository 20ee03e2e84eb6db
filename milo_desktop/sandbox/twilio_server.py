"""A local Twilio for tests and demo mode: the REST API 2010-04-01 and Studio v2 on 127.0.0.1.

    sandbox = TwilioSandbox()
    await sandbox.start()                  # or: with sandbox.running(): … (a background thread)
    client = Client(sandbox.account.sid, sandbox.account.auth_token, http_client=…)  # rewrite
    number = sandbox.add_number("+15550001111")   # then point its VoiceUrl at a flow's webhook
    fn = sandbox.place_inbound_call("+15550001111", "+15557654321", "Ada", {"q_1": "yes"})
    sandbox.faults.inject("429", count=2, path=r"/Messages\\.json$")
    await sandbox.stop()

Both APIs are served on one host (`base_url` == `studio_base_url`). Absolute URLs in answers
(Studio's url / links / next_page_url, a recording's media_url) use the host the request came
to; webhook_url is Twilio's real `https://webhooks.twilio.com/v1/Accounts/{AC}/Flows/{FW}`.
Deliberate differences from Twilio: a 2010 path without `.json` answers 404 with Twilio's XML
error body (the sandbox speaks no XML); `.mp3` recording media answers 404 (no MP3 encoder);
Messages and API calls settle (final status, price) `settle_seconds` after creation.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from milo_desktop.sandbox import twilio_calls, twilio_sms_in
from milo_desktop.sandbox.twilio_api2010 import ACCOUNT_RE, Api2010
from milo_desktop.sandbox.twilio_flowrun import FlowRunner, simulator_runner
from milo_desktop.sandbox.twilio_http import (
    Faults,
    Req,
    Resp,
    apply_after,
    apply_before,
    error_resp,
)
from milo_desktop.sandbox.twilio_outbound import Candidates, Outbound
from milo_desktop.sandbox.twilio_state import Account, Rec, SandboxState
from milo_desktop.sandbox.twilio_studio import Studio
from milo_desktop.sandbox.twilio_util import TwilioError, not_found, utcnow

UNAUTHORIZED = TwilioError(
    401, 20003, "Authenticate", headers={"WWW-Authenticate": 'Basic realm="Twilio API"'}
)


class TwilioSandbox:
    """An in-memory Twilio (one default account, more on request) served over HTTP."""

    def __init__(
        self,
        *,
        runner: FlowRunner = simulator_runner,
        clock: Callable[[], datetime] = utcnow,
        settle_seconds: float = 0.0,
        account_sid: str | None = None,
        auth_token: str | None = None,
    ) -> None:
        self.state = SandboxState(clock=clock, settle_seconds=settle_seconds)
        self.faults = Faults()
        self.runner = runner
        self.api = Api2010(self.state)
        self.studio = Studio(self.state)
        self.account: Account = self.state.add_account(account_sid, auth_token)
        # Who answers outbound executions (screenings): scripts per number, never-answers.
        self.candidates = Candidates()
        self.outbound = Outbound(self.state, self.candidates, self._origin)
        self.studio.outbound = self.outbound.start
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT — stands in for https://api.twilio.com."""
        if not self._port:
            raise RuntimeError("the sandbox is not running")
        return f"http://127.0.0.1:{self._port}"

    @property
    def studio_base_url(self) -> str:
        """Stands in for https://studio.twilio.com (the same server)."""
        return self.base_url

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (a free port unless given) on the running event loop."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self._runner = runner
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._port = 0

    def start_in_thread(self) -> None:
        """Serve from a background thread with its own event loop (for sync code)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            # A plain selector loop: under qasync the global policy would make a Qt loop here.
            loop = asyncio.SelectorEventLoop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.stop())
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=serve, name="twilio-sandbox", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]

    def stop_thread(self) -> None:
        """Stop the background thread started by start_in_thread."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    @contextlib.contextmanager
    def running(self) -> Iterator[TwilioSandbox]:
        """`with sandbox.running():` serves from a background thread for the block."""
        self.start_in_thread()
        try:
            yield self
        finally:
            self.stop_thread()

    # -- seeding -------------------------------------------------------------------------
    def add_account(self, sid: str | None = None, auth_token: str | None = None) -> Account:
        """Another account (AccountSid + AuthToken)."""
        return self.state.add_account(sid, auth_token)

    def add_api_key(self, account_sid: str | None = None) -> tuple[str, str]:
        """An API key (SK sid, secret) for the account (default: the default account)."""
        return self.state.add_api_key(account_sid or self.account.sid)

    def add_number(
        self,
        phone_number: str,
        friendly_name: str | None = None,
        *,
        voice_url: str = "",
        sms_url: str = "",
        account_sid: str | None = None,
    ) -> str:
        """Seed an IncomingPhoneNumber; returns its PN sid."""
        rec = self.state.add_number(
            account_sid or self.account.sid, phone_number, friendly_name, voice_url, sms_url
        )
        return rec.sid

    def add_flow(
        self,
        definition: dict[str, Any],
        friendly_name: str = "Flow",
        *,
        status: str = "published",
        account_sid: str | None = None,
    ) -> Rec:
        """Seed a Studio flow directly (no validation); returns the record (sid, webhook_url
        in .data)."""
        return self.state.add_flow(
            account_sid or self.account.sid, friendly_name=friendly_name, status=status,
            definition=definition, commit_message=None, errors=[],
        )

    def place_inbound_call(
        self,
        to_number: str,
        from_number: str,
        caller_name: str = "",
        answers: Mapping[str, str] | Any = None,
        hang_up_at: str | None = None,
        *,
        at: datetime | None = None,
    ) -> str:
        """Simulate an inbound call through the flow `to_number`'s VoiceUrl points at; returns
        the Execution sid. See twilio_calls.place_inbound_call for the arguments."""
        return twilio_calls.place_inbound_call(
            self.state, self.runner, to_number=to_number, from_number=from_number,
            caller_name=caller_name, answers={} if answers is None else answers,
            hang_up_at=hang_up_at, at=at, origin=self._origin(),
        )

    def receive_sms(self, to_number: str, from_number: str, body: str, *,
                    at: datetime | None = None) -> str | None:
        """Simulate a text from ``from_number`` to ``to_number``: the flow its SmsUrl points
        at runs (``twilio_sms_in``); returns the Execution sid, or None without a flow."""
        return twilio_sms_in.receive_sms(self.state, to_number=to_number,
                                         from_number=from_number, body=body, at=at)

    def _origin(self) -> str:
        """Where recording media is served (absolute RecordingUrl)."""
        return f"http://127.0.0.1:{self._port}" if self._port else "https://api.twilio.com"

    def transcript(self, execution_sid: str) -> list[tuple[str, str]]:
        """The (speaker, text) transcript of a simulated call."""
        with self.state.lock:
            return list(self.state.executions[execution_sid].extra.get("transcript", []))

    # -- HTTP ----------------------------------------------------------------------------
    def _account_of(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            raise UNAUTHORIZED
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise UNAUTHORIZED from exc
        account = self.state.authenticate(user, password)
        if account is None:
            raise UNAUTHORIZED
        return account

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path, method = request.path, request.method
        self.faults.record(method, path)
        fault = self.faults.take(method, path)
        if fault is not None and fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # never reaches the client: the socket is closed
        early = apply_before(fault) if fault else None
        if early is not None:
            return self._send(early)
        form = await request.post() if method == "POST" else {}
        try:
            resp = self._answer(request, method, path, form)
        except TwilioError as exc:
            resp = error_resp(exc)
        if fault is not None and fault.kind == "cut":
            return await self._cut(request, resp)
        if fault is not None and resp.status < 300:
            resp = apply_after(fault, resp)
        return self._send(resp)

    @staticmethod
    async def _cut(request: web.Request, resp: Resp) -> web.StreamResponse:
        """Start the real answer, then close the connection half-way (a peer cut mid-sync)."""
        body = resp.encode()
        stream = web.StreamResponse(status=resp.status, headers=resp.headers)
        stream.content_type = resp.content_type
        stream.content_length = len(body)
        await stream.prepare(request)
        await stream.write(body[: len(body) // 2])
        if request.transport is not None:
            request.transport.close()
        return stream

    def _answer(self, request: web.Request, method: str, path: str, form: Any) -> Resp:
        account = self._account_of(request)
        req = Req(method, path, request.query, form, account, f"{request.scheme}://{request.host}")
        with self.state.lock:
            self.state.settle()
            self.outbound.resume_due()  # texts that waited their timeout move on
            match = ACCOUNT_RE.match(path)
            if match:
                if match.group(1) != account:
                    raise UNAUTHORIZED
                return self.api.handle(req, account, match.group("rest"))
            if path.startswith("/v2/"):
                return self.studio.handle(req)
            raise not_found(path)

    @staticmethod
    def _send(resp: Resp) -> web.Response:
        return web.Response(
            status=resp.status,
            body=resp.encode() if resp.status != 204 else None,
            content_type=resp.content_type if resp.status != 204 else None,
            headers=resp.headers,
        )
