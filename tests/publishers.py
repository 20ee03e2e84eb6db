"""The app's own TwilioPublisher for the receptionist, wizard and CLI tests: over the sandbox
Twilio server (real sockets, the connector's real requests), or over an address where nothing
listens (Twilio unreachable). No hand-written stand-in for our classes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.publisher import TwilioPublisher

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)


def publisher_at(api_base: str, studio_base: str, account_sid: str,
                 auth_token: str) -> TwilioPublisher:
    """A TwilioPublisher whose connectors talk to these bases (a fresh one per operation, as
    in the app)."""
    async def connect() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(account_sid, auth_token)
        return TwilioConnector(creds, ApiBases(api_base, studio_base), policy=FAST)

    return TwilioPublisher(connect)


def sandbox_publisher(sandbox: TwilioSandbox) -> TwilioPublisher:
    """The real publisher over the running sandbox, with its account's credentials."""
    account = sandbox.account
    return publisher_at(sandbox.base_url, sandbox.studio_base_url, account.sid,
                        account.auth_token)


def unreachable_publisher() -> TwilioPublisher:
    """The real publisher aimed at a local port nothing listens on: every request is refused,
    so it raises Offline ("Twilio cannot be reached") after its retries."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{s.getsockname()[1]}"  # closed when the block ends
    return publisher_at(base, base, "AC" + "0" * 32, "not-a-token")


@contextmanager
def account_sandbox(*numbers: str) -> Iterator[TwilioSandbox]:
    """The sandbox Twilio, running, whose account owns ``numbers``."""
    box = TwilioSandbox()
    for number in numbers:
        box.add_number(number, "Dallas line")
    with box.running():
        yield box

