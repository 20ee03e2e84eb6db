"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in its own thread): it keeps what it
receives, checks a username/password, refuses chosen recipients (550) or defers them (451)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "jobs@agency.example"
PASSWORD = "s3cret-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailServer:
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    defer: set[str] = field(default_factory=set)  # recipients answered 451
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # ----- aiosmtpd handler hooks --------------------------------------------------------
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          msg))  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        # A failure must say handled=False, or aiosmtplib waits for an answer forever.
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append(login)
        return AuthResult(success=login == USER and password == PASSWORD, handled=False)

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@contextmanager
def mail_server(port: int | None = None) -> Iterator[MailServer]:
    """Serve SMTP with AUTH (allowed without TLS, as on a local relay) until the block ends."""
    server = MailServer(port or free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port,
                            authenticator=server.authenticate, auth_require_tls=False,
                            auth_required=False)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
