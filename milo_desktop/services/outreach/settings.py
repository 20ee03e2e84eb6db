"""Integrations → Email: the SMTP connection outreach sends through.

Non-secret settings (host, port, security, username, sender, reply-to) are one JSON value in
``workspace_settings`` (key ``smtp.settings``), so teammates on a shared database send from the
same account; the password lives only in the keychain (``smtp:password``, CredentialStore —
or memory for this session when the user opted in, as for Twilio). ``connect`` tests EHLO +
login before storing anything, so settings that don't work are never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.connectors import AuthFailed, Offline
from milo_desktop.services.connectors.email.smtp import (
    DEFAULT_PORTS,
    KEY_PASSWORD,
    SmtpConnector,
    SmtpSecurity,
    SmtpSettings,
)
from milo_desktop.services.core.credentials import (
    CredentialsLocked,
    CredentialStore,
    CredentialsUnavailable,
)
from milo_desktop.services.core.events import Event, EventBus

SETTING_KEY = "smtp.settings"
HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class EmailState(StrEnum):
    NOT_CONNECTED = "not_connected"
    CONNECTED = "connected"
    AUTH_FAILED = "auth_failed"
    OFFLINE = "offline"


@dataclass(frozen=True)
class EmailStatus:
    state: EmailState
    settings: SmtpSettings | None = None
    message: str = ""
    verified: bool = False  # a connection was tried
    session_only: bool = False  # the password is kept in memory for this session only


@dataclass(frozen=True)
class EmailConnectionChanged(Event):
    connected: bool


class SettingsStore(Protocol):
    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any) -> None: ...


def check_settings(host: str, port: int | str | None, security: SmtpSecurity | str,
                   username: str, from_address: str, from_name: str = "",
                   reply_to: str = "") -> SmtpSettings:
    """The settings as stored, or ValidationProblem naming every problem."""
    problems = []
    host = host.strip()
    try:
        sec = SmtpSecurity(security)
    except ValueError:
        sec = SmtpSecurity.STARTTLS
        problems.append("Choose the connection security: none, STARTTLS or TLS.")
    if not host or not HOST_RE.match(host):
        problems.append("Enter the mail server's host name, e.g. smtp.example.com.")
    try:
        number = int(port) if port not in (None, "") else DEFAULT_PORTS[sec]
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 65535:
        problems.append("The port is a number between 1 and 65535 (usually 587 for STARTTLS, "
                        "465 for TLS).")
    sender = from_address.strip().lower()
    if not EMAIL_RE.match(sender):
        problems.append("Enter the address emails come from, e.g. jobs@agency.example.")
    name = " ".join(from_name.split())
    if len(name) > 120:
        problems.append("The sender name is at most 120 characters.")
    replies = reply_to.strip().lower()
    if replies and (not EMAIL_RE.match(replies) or len(replies) > 254):
        problems.append("Enter the address replies go to, e.g. recruiting@agency.example, or "
                        "leave it empty for replies to come to the sender address.")
    if problems:
        raise ValidationProblem(" ".join(problems))
    return SmtpSettings(host, number, sec, username.strip(), sender, name, replies)


class EmailIntegration:
    """The SMTP connection: settings in the workspace, password in the keychain."""

    def __init__(self, credentials: CredentialStore, settings_store: SettingsStore, *,
                 bus: EventBus | None = None, timeout: float = 20.0) -> None:
        self.credentials = credentials
        self.settings_store = settings_store
        self.bus = bus
        self.timeout = timeout

    async def settings(self) -> SmtpSettings | None:
        raw = await self.settings_store.get(SETTING_KEY)
        if not isinstance(raw, dict):
            return None
        try:
            return check_settings(str(raw.get("host", "")), raw.get("port"),
                                  str(raw.get("security", "")), str(raw.get("username", "")),
                                  str(raw.get("from_address", "")),
                                  str(raw.get("from_name", "")),
                                  str(raw.get("reply_to", "") or ""))
        except ValidationProblem:
            return None  # a damaged value reads as "not connected", never as a crash

    async def _password(self) -> str | None:
        try:
            return await self.credentials.get(KEY_PASSWORD)
        except (CredentialsLocked, CredentialsUnavailable):
            return None

    async def make_connector(self) -> SmtpConnector | None:
        """A connector on the saved settings, or None when email is not connected. The
        factory the outbox's email handler calls every round."""
        settings = await self.settings()
        if settings is None:
            return None
        password = await self._password() if settings.username else None
        if settings.username and not password:
            return None  # the keychain lost it (or session-only ended): not connected
        return SmtpConnector(settings, password, timeout=self.timeout)

    async def status(self, *, verify: bool = False) -> EmailStatus:
        settings = await self.settings()
        if settings is None:
            return EmailStatus(EmailState.NOT_CONNECTED)
        base = EmailStatus(EmailState.CONNECTED, settings,
                           session_only=self.credentials.session_only)
        password = await self._password() if settings.username else None
        if settings.username and not password:
            return replace(base, state=EmailState.NOT_CONNECTED, message=(
                "The mail server's password is not in the keychain any more. Enter it again."))
        if not verify:
            return base
        return await self._verify(SmtpConnector(settings, password, timeout=self.timeout), base)

    async def test(self, settings: SmtpSettings, password: str | None) -> EmailStatus:
        """EHLO + login with these settings; nothing is stored. The password may be None to
        use the saved one."""
        if password is None and settings.username:
            password = await self._password()
        base = EmailStatus(EmailState.CONNECTED, settings)
        return await self._verify(SmtpConnector(settings, password or None,
                                                timeout=self.timeout), base)

    async def connect(self, settings: SmtpSettings, password: str | None) -> EmailStatus:
        """Test, then store the settings (and the password in the keychain). Raises
        AuthFailed / Offline (nothing stored) or the keychain's problems. ``password`` None
        keeps the saved one."""
        if password is None and settings.username:
            password = await self._password()
        if settings.username and not password:
            raise ValidationProblem("Enter the mail server's password.")
        greeting = await SmtpConnector(settings, password or None, timeout=self.timeout).test()
        if settings.username and password:
            await self.credentials.set(KEY_PASSWORD, password)
        else:
            await self.credentials.delete(KEY_PASSWORD)
        if not settings.reply_to:  # the Email card has no reply-to: keep Outreach's
            kept = await self.settings()
            settings = replace(settings, reply_to=kept.reply_to if kept else "")
        await self._store(settings)
        if self.bus is not None:
            self.bus.publish(EmailConnectionChanged(True))
        return EmailStatus(EmailState.CONNECTED, settings, message=greeting, verified=True,
                           session_only=self.credentials.session_only)

    async def save_sender(self, from_name: str, reply_to: str) -> SmtpSettings:
        """Outreach → Sender: the name candidates see and where their replies go, kept with the
        connection's settings (nothing to test: the server and the sign-in do not change).
        ValidationProblem when no email account is connected or a value is wrong."""
        current = await self.settings()
        if current is None:
            raise ValidationProblem("Connect the email account you send from first "
                                    "(Integrations → Email).")
        checked = check_settings(current.host, current.port, current.security,
                                 current.username, current.from_address, from_name, reply_to)
        await self._store(checked)
        if self.bus is not None:
            self.bus.publish(EmailConnectionChanged(True))
        return checked

    async def _store(self, settings: SmtpSettings) -> None:
        await self.settings_store.set(SETTING_KEY, {
            "host": settings.host, "port": settings.port, "security": settings.security.value,
            "username": settings.username, "from_address": settings.from_address,
            "from_name": settings.from_name, "reply_to": settings.reply_to})

    async def disconnect(self) -> EmailStatus:
        await self.credentials.delete(KEY_PASSWORD)
        await self.settings_store.set(SETTING_KEY, None)
        if self.bus is not None:
            self.bus.publish(EmailConnectionChanged(False))
        return EmailStatus(EmailState.NOT_CONNECTED)

    async def _verify(self, smtp: SmtpConnector, base: EmailStatus) -> EmailStatus:
        try:
            greeting = await smtp.test()
        except AuthFailed as exc:
            return replace(base, state=EmailState.AUTH_FAILED, message=exc.message,
                           verified=True)
        except Offline as exc:
            return replace(base, state=EmailState.OFFLINE, message=exc.message, verified=True)
        return replace(base, message=greeting, verified=True)
