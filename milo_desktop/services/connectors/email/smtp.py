"""SMTP: outreach email through the recruiter's own mail server (aiosmtplib).

The conversation is driven step by step (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA)
rather than with ``aiosmtplib.send`` because the outbox has to know how far it got: SMTP has
no way to ask a server afterwards "did you take message X?", so the only honest
reconciliation after a crash is "did we ever start DATA?". ``send`` therefore calls
``before_data`` just before the DATA command; the caller records that moment.

The server's answers become the connectors' problems:

- refused connection, DNS failure, timeout before DATA, lost connection before DATA → ``Offline``
  (nothing was handed over; the message waits and goes later);
- AUTH refused (535 …) or not offered → ``AuthFailed`` (stop, tell the user);
- 4xx to MAIL / RCPT / DATA → ``MessageDeferred`` (try again later);
- 5xx to RCPT → ``MessageRefused(bounced=True)``; other 5xx → ``MessageRefused``;
- the connection lost after DATA started → ``DeliveryUncertain`` (it may have been accepted).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum

import aiosmtplib

from milo_desktop.services.connectors import AuthFailed, ConnectorProblem, Offline

SERVICE = "smtp"
KEY_PASSWORD = "smtp:password"  # the keychain entry (services/credentials.py)


class SmtpSecurity(StrEnum):
    NONE = "none"  # plain (a local relay)
    STARTTLS = "starttls"  # plain, upgraded with STARTTLS (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)


DEFAULT_PORTS = {SmtpSecurity.NONE: 25, SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send (no secret: the password lives in the keychain)."""

    host: str
    port: int
    security: SmtpSecurity
    username: str
    from_address: str
    from_name: str = ""
    reply_to: str = ""  # where candidates' replies go ("" : the sender address)


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str
    message_id: str  # "<…@domain>", generated when the email is queued (stable across tries)
    html: str = ""  # an HTML alternative (the company's header and footer), or none


class MessageDeferred(ConnectorProblem):
    """The server answered 4xx: a temporary refusal of this message; try again later."""

    title = "The mail server asked to try again later"


class MessageRefused(ConnectorProblem):
    """The server answered 5xx: this message will never be accepted as it is."""

    title = "The mail server refused a message"

    def __init__(self, message: str, *, bounced: bool, code: int) -> None:
        super().__init__(SERVICE, message)
        self.bounced = bounced  # the recipient was refused
        self.code = code


class DeliveryUncertain(ConnectorProblem):
    """The connection broke after DATA began: the server may or may not have the message."""

    title = "It is not known whether the mail server took a message"


def new_message_id(from_address: str) -> str:
    """A globally unique Message-ID on the sender's domain."""
    domain = from_address.rpartition("@")[2] or "milo.invalid"
    return email.utils.make_msgid(domain=domain)


def build_message(settings: SmtpSettings, mail: OutgoingEmail, *, utf8: bool = False,
                  now: dt.datetime | None = None) -> EmailMessage:
    """A plain-text message, with its HTML alternative when given. Header values are
    flattened to one line, so a subject or name with line breaks cannot add headers;
    non-ASCII text is MIME-encoded unless ``utf8`` (SMTPUTF8: only needed for non-ASCII
    addresses)."""
    msg = EmailMessage(policy=email.policy.SMTPUTF8 if utf8 else email.policy.SMTP)
    name = " ".join(settings.from_name.split())
    msg["From"] = email.utils.formataddr((name, settings.from_address)) if name else \
        settings.from_address
    msg["To"] = mail.to
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    msg["Subject"] = " ".join(mail.subject.split())
    msg["Date"] = email.utils.format_datetime(now or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = mail.message_id
    msg.set_content(mail.body)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg


class SmtpConnector:
    """One SMTP conversation per operation (outreach volumes don't need a pool)."""

    def __init__(self, settings: SmtpSettings, password: str | None, *, timeout: float = 30.0,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self.tls_context = tls_context

    # ----- public ------------------------------------------------------------------------
    async def test(self) -> str:
        """Connect, EHLO, (STARTTLS,) log in and quit; returns the server's greeting line."""
        client, greeting = await self._open()
        await self._quit(client)
        return greeting

    async def send(self, mail: OutgoingEmail, *,
                   before_data: Callable[[], Awaitable[None]] | None = None) -> str:
        """Send one email; returns the server's answer to the message (e.g. "250 OK …")."""
        utf8 = not (self.settings.from_address.isascii() and mail.to.isascii())
        data = build_message(self.settings, mail, utf8=utf8).as_bytes()
        client, _greeting = await self._open()
        try:
            if utf8 and not client.supports_extension("smtputf8"):
                raise MessageRefused(
                    f"The mail server cannot take the non-ASCII address {mail.to!r} "
                    "(it does not support SMTPUTF8).", bounced=True, code=553)
            options = ["SMTPUTF8"] if utf8 else []
            encoding = "utf-8" if utf8 else "ascii"
            await self._step(client.mail(self.settings.from_address, options=options,
                                         encoding=encoding), "MAIL")
            await self._step(client.rcpt(mail.to, encoding=encoding), "RCPT", recipient=mail.to)
            if before_data is not None:
                await before_data()
            try:
                reply = await client.data(data)
            except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError,
                    OSError) as exc:
                raise DeliveryUncertain(
                    SERVICE, "The connection to the mail server broke while it was taking the "
                    "message; it may or may not have been accepted.", detail=str(exc)) from exc
            except aiosmtplib.SMTPResponseException as exc:
                raise _refusal(exc, "DATA") from exc
        except BaseException:
            client.close()
            raise
        await self._quit(client)
        return f"{reply.code} {reply.message}".strip()

    # ----- steps -------------------------------------------------------------------------
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    async def _open(self) -> tuple[aiosmtplib.SMTP, str]:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host, port=s.port, timeout=self.timeout,
            use_tls=s.security == SmtpSecurity.TLS, start_tls=False,
            tls_context=self.tls_context)
        try:
            greeting = await client.connect()
            await client.ehlo()
            if s.security == SmtpSecurity.STARTTLS:
                if not client.supports_extension("starttls"):
                    raise Offline(SERVICE, f"The mail server at {self._where()} does not offer "
                                  "STARTTLS. Choose another security setting or port.")
                await client.starttls(tls_context=self.tls_context)
                await client.ehlo()
            if s.username:
                await self._login(client)
        except aiosmtplib.SMTPAuthenticationError as exc:
            client.close()
            raise AuthFailed(SERVICE, "The mail server refused the username or password "
                             f"({exc.code} {exc.message}).") from exc
        except (ssl.SSLError, ssl.CertificateError) as exc:
            client.close()
            raise Offline(SERVICE, f"A secure connection to {self._where()} could not be set up "
                          f"({exc}). Check the security setting and the port.") from exc
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected,
                aiosmtplib.SMTPTimeoutError, socket.gaierror, OSError) as exc:
            client.close()
            raise Offline(SERVICE, f"The mail server at {self._where()} cannot be reached.",
                          detail=str(exc)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            client.close()
            raise _refusal(exc, "EHLO") from exc
        except BaseException:
            client.close()
            raise
        return client, f"{greeting.code} {greeting.message}".strip()

    async def _login(self, client: aiosmtplib.SMTP) -> None:
        if not client.supports_extension("auth"):
            raise AuthFailed(SERVICE, f"The mail server at {self._where()} does not offer "
                             "sign-in on this connection. Try STARTTLS or TLS, or leave the "
                             "username empty for a relay that needs none.")
        if not self.password:
            raise AuthFailed(SERVICE, "No password is saved for the mail server. Enter it "
                             "under Integrations → Email.")
        await client.login(self.settings.username, self.password)

    async def _step(self, command: Awaitable[object], what: str, *,
                    recipient: str | None = None) -> None:
        try:
            await command
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError,
                OSError) as exc:
            # Before DATA nothing was handed over: safe to send again later.
            raise Offline(SERVICE, f"The connection to {self._where()} broke.",
                          detail=str(exc)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _refusal(exc, what, recipient=recipient) from exc

    async def _quit(self, client: aiosmtplib.SMTP) -> None:
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()  # the work is done; a rude goodbye changes nothing


def _refusal(exc: aiosmtplib.SMTPResponseException, what: str, *,
             recipient: str | None = None) -> ConnectorProblem:
    text = f"{exc.code} {exc.message}".strip()
    if 400 <= exc.code < 500:
        return MessageDeferred(SERVICE, f"The mail server asked to try again later ({text}).")
    if recipient is not None:
        return MessageRefused(f"The mail server refused the address {recipient} ({text}).",
                              bounced=True, code=exc.code)
    return MessageRefused(f"The mail server refused the message at {what} ({text}).",
                          bounced=False, code=exc.code)


__all__ = [
    "DEFAULT_PORTS",
    "KEY_PASSWORD",
    "DeliveryUncertain",
    "MessageDeferred",
    "MessageRefused",
    "OutgoingEmail",
    "SmtpConnector",
    "SmtpSecurity",
    "SmtpSettings",
    "build_message",
    "new_message_id",
]
