"""Integrations → Email → Mailbox (apply by email): the IMAP connection the intake reads.

Non-secret settings live beside the apply-address settings in ``workspace_settings`` under
``MAILBOX_KEY`` (``address``, ``mode``, ``aliases`` from ``addresses.py``, plus ``imap``: host,
port, security, username, auth, folder, processed folder; ``max_mb``). The app password or
OAuth2 access token lives only in the keychain (``imap:secret``). ``connect`` logs in and
selects the folder before anything is stored, so settings that don't work are never kept.

Headless runs take the mailbox from ``MILO_IMAP_URL`` (and the public address from
``MILO_IMAP_ADDRESS``) instead; the environment wins over the saved settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.connectors import AuthFailed, ConnectorProblem, Offline
from milo_desktop.services.connectors.email.imap import (
    DEFAULT_PORTS,
    KEY_SECRET,
    ImapAuth,
    ImapConnector,
    ImapSecurity,
    ImapSettings,
    parse_imap_url,
)
from milo_desktop.services.core.credentials import (
    CredentialsLocked,
    CredentialStore,
    CredentialsUnavailable,
)
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.outreach.settings import HOST_RE  # one rule for mail servers

ENV_URL = "MILO_IMAP_URL"
ENV_ADDRESS = "MILO_IMAP_ADDRESS"
ENV_POLL = "MILO_IMAP_POLL_SECONDS"
DEFAULT_PROCESSED = "Milo/Processed"
DEFAULT_MAX_MB = 25
EMAIL_RE = re.compile(r"^[^@\s<>\"+]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class MailboxState(StrEnum):
    NOT_CONNECTED = "not_connected"
    CONNECTED = "connected"
    AUTH_FAILED = "auth_failed"
    OFFLINE = "offline"


@dataclass(frozen=True)
class MailboxSettings:
    """Everything the intake needs to know about the mailbox (no secret)."""

    imap: ImapSettings | None
    address: str | None = None
    mode: str = "plus"
    aliases: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024

    def address_settings(self) -> dict[str, Any]:
        """The shape ``addresses.slug_for`` / ``address_for`` read."""
        return {"address": self.address, "mode": self.mode, "aliases": dict(self.aliases)}


@dataclass(frozen=True)
class MailboxStatus:
    state: MailboxState
    settings: MailboxSettings | None = None
    message: str = ""
    waiting: int | None = None  # messages in the folder at the last test
    from_environment: bool = False


class SettingsStore(Protocol):
    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any) -> None: ...


def check_imap(host: str, port: int | str | None, security: ImapSecurity | str, username: str,
               auth: ImapAuth | str = ImapAuth.PASSWORD, folder: str = "INBOX",
               processed_folder: str = DEFAULT_PROCESSED) -> ImapSettings:
    """The IMAP settings as stored, or ValidationProblem naming every problem."""
    problems = []
    host = host.strip()
    try:
        sec = ImapSecurity(security)
    except ValueError:
        sec = ImapSecurity.TLS
        problems.append("Choose the connection security: TLS, STARTTLS or none.")
    if not host or not HOST_RE.match(host):
        problems.append("Enter the mail server's host name, e.g. imap.example.com.")
    elif sec == ImapSecurity.NONE and host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        problems.append("An unencrypted connection is only allowed to a mailbox on this "
                        "computer (localhost). Choose TLS or STARTTLS.")
    try:
        number = int(port) if port not in (None, "") else DEFAULT_PORTS[sec]
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 65535:
        problems.append("The port is a number between 1 and 65535 (usually 993 for TLS).")
    if not username.strip():
        problems.append("Enter the mailbox's user name (usually its address).")
    try:
        kind = ImapAuth(auth)
    except ValueError:
        kind = ImapAuth.PASSWORD
    folder = folder.strip() or "INBOX"
    processed = processed_folder.strip() or DEFAULT_PROCESSED
    if processed == folder:
        problems.append("The processed folder must differ from the folder Milo reads.")
    if problems:
        raise ValidationProblem(" ".join(problems))
    return ImapSettings(host, number, sec, username.strip(), kind, folder, processed)


def check_address(address: str) -> str:
    value = address.strip().lower()
    if not EMAIL_RE.match(value):
        raise ValidationProblem("Enter the address candidates write to, without a +tag, e.g. "
                                "jobs@agency.example.")
    return value


def settings_from(raw: Any, env: Mapping[str, str] | None = None) -> MailboxSettings | None:
    """The saved value (and the environment, which wins) as ``MailboxSettings``; a damaged
    value reads as "not connected", never as a crash."""
    value = raw if isinstance(raw, dict) else {}
    imap: ImapSettings | None = None
    stored = value.get("imap")
    if isinstance(stored, dict):
        try:
            imap = check_imap(str(stored.get("host", "")), stored.get("port"),
                              str(stored.get("security", "")), str(stored.get("username", "")),
                              str(stored.get("auth", "password")),
                              str(stored.get("folder", "INBOX")),
                              str(stored.get("processed_folder", DEFAULT_PROCESSED)))
        except ValidationProblem:
            imap = None
    address = value.get("address") if isinstance(value.get("address"), str) else None
    env = env or {}
    if env.get(ENV_URL):
        try:
            imap = parse_imap_url(env[ENV_URL])[0]
        except ValueError:
            imap = None
        address = env.get(ENV_ADDRESS) or address
    if imap is None and address is None:
        return None
    aliases = value.get("aliases") if isinstance(value.get("aliases"), dict) else {}
    try:
        max_mb = max(1, min(200, int(value.get("max_mb", DEFAULT_MAX_MB))))
    except (TypeError, ValueError):
        max_mb = DEFAULT_MAX_MB
    return MailboxSettings(imap, address, "aliases" if value.get("mode") == "aliases" else "plus",
                           {str(k): str(v) for k, v in (aliases or {}).items()},
                           max_mb * 1024 * 1024)


class MailboxIntegration:
    """The apply-by-email mailbox: settings in the workspace, secret in the keychain (or the
    environment for headless runs)."""

    def __init__(self, credentials: CredentialStore | None, settings_store: SettingsStore, *,
                 env: Mapping[str, str] | None = None, timeout: float = 30.0) -> None:
        self.credentials = credentials
        self.settings_store = settings_store
        self.env = dict(env or {})
        self.timeout = timeout

    @property
    def from_environment(self) -> bool:
        return bool(self.env.get(ENV_URL))

    async def settings(self) -> MailboxSettings | None:
        return settings_from(await self.settings_store.get(MAILBOX_KEY), self.env)

    async def _secret(self) -> str | None:
        if self.from_environment:
            try:
                return parse_imap_url(self.env[ENV_URL])[1]
            except ValueError:
                return None
        if self.credentials is None:
            return None
        try:
            return await self.credentials.get(KEY_SECRET)
        except (CredentialsLocked, CredentialsUnavailable):
            return None

    async def make_connector(self) -> ImapConnector | None:
        """A connector on the saved settings, or None when no mailbox is connected (the
        intake job's factory, called every round)."""
        settings = await self.settings()
        if settings is None or settings.imap is None:
            return None
        secret = await self._secret()
        if not secret:
            return None
        return ImapConnector(settings.imap, secret, timeout=self.timeout)

    async def status(self, *, verify: bool = False) -> MailboxStatus:
        settings = await self.settings()
        if settings is None or settings.imap is None:
            return MailboxStatus(MailboxState.NOT_CONNECTED, settings)
        secret = await self._secret()
        base = MailboxStatus(MailboxState.CONNECTED, settings,
                             from_environment=self.from_environment)
        if not secret:
            return MailboxStatus(MailboxState.NOT_CONNECTED, settings, message=(
                "The mailbox's password or token is not in the keychain any more. Enter it "
                "again."))
        if not verify:
            return base
        return await self._verify(ImapConnector(settings.imap, secret, timeout=self.timeout),
                                  base)

    async def test(self, imap: ImapSettings, secret: str | None) -> MailboxStatus:
        """Log in and select the folder with these settings; nothing is stored. ``secret``
        None uses the saved one."""
        secret = secret or await self._secret()
        if not secret:
            raise ValidationProblem("Enter the mailbox's app password or access token.")
        base = MailboxStatus(MailboxState.CONNECTED, MailboxSettings(imap))
        return await self._verify(ImapConnector(imap, secret, timeout=self.timeout), base)

    async def connect(self, imap: ImapSettings, secret: str | None, address: str, *,
                      mode: str = "plus", aliases: Mapping[str, str] | None = None,
                      max_mb: int = DEFAULT_MAX_MB) -> MailboxStatus:
        """Test, then store (secret in the keychain). Raises AuthFailed / Offline / the
        keychain's problems / ValidationProblem; nothing is stored then. A processed folder
        the server will not create is no refusal: the status says messages will be flagged
        $MiloProcessed instead."""
        public = check_address(address)
        secret = secret or await self._secret()
        if not secret:
            raise ValidationProblem("Enter the mailbox's app password or access token.")
        connector = ImapConnector(imap, secret, timeout=self.timeout)
        try:
            state = await connector.test()
            folder_ok = await connector.ensure_folder(imap.processed_folder)
        finally:
            await connector.aclose()
        if self.credentials is None:
            raise CredentialsUnavailable("No keychain to keep the mailbox's secret in.")
        await self.credentials.set(KEY_SECRET, secret)
        current = await self.settings_store.get(MAILBOX_KEY)
        value = dict(current) if isinstance(current, dict) else {}
        value.update({
            "address": public, "mode": "aliases" if mode == "aliases" else "plus",
            "aliases": dict(aliases if aliases is not None else value.get("aliases") or {}),
            "max_mb": max(1, min(200, int(max_mb))),
            "imap": {"host": imap.host, "port": imap.port, "security": imap.security.value,
                     "username": imap.username, "auth": imap.auth.value,
                     "folder": imap.folder, "processed_folder": imap.processed_folder}})
        await self.settings_store.set(MAILBOX_KEY, value)
        message = _waiting(state.exists, imap.folder)
        if not folder_ok:  # connected all the same: the intake flags instead of moving
            message += (f" The mail server will not create the folder “{imap.processed_folder}"
                        f"”, so processed messages stay in {imap.folder}, flagged "
                        "$MiloProcessed; choose a folder that exists to move them there.")
        return MailboxStatus(MailboxState.CONNECTED, await self.settings(), message=message,
                             waiting=state.exists)

    async def disconnect(self) -> MailboxStatus:
        """Forget the connection (the address and aliases stay: posters already carry them)."""
        if self.credentials is not None:
            await self.credentials.delete(KEY_SECRET)
        current = await self.settings_store.get(MAILBOX_KEY)
        if isinstance(current, dict):
            value = {k: v for k, v in current.items() if k != "imap"}
            await self.settings_store.set(MAILBOX_KEY, value)
        return MailboxStatus(MailboxState.NOT_CONNECTED, await self.settings())

    async def _verify(self, connector: ImapConnector, base: MailboxStatus) -> MailboxStatus:
        folder = base.settings.imap.folder if base.settings and base.settings.imap else "INBOX"
        try:
            state = await connector.test()
        except AuthFailed as exc:
            return MailboxStatus(MailboxState.AUTH_FAILED, base.settings, exc.message)
        except Offline as exc:
            return MailboxStatus(MailboxState.OFFLINE, base.settings, exc.message)
        except ConnectorProblem as exc:
            return MailboxStatus(MailboxState.OFFLINE, base.settings, exc.message)
        finally:
            await connector.aclose()
        return MailboxStatus(MailboxState.CONNECTED, base.settings, _waiting(state.exists, folder),
                             state.exists, base.from_environment)


def _waiting(n: int, folder: str) -> str:
    if n == 0:
        return f"Connected. {folder} is empty: no applications waiting."
    return (f"Connected. {n:,} message{'s' if n != 1 else ''} waiting in {folder}.")


__all__ = ["DEFAULT_MAX_MB", "DEFAULT_PROCESSED", "ENV_ADDRESS", "ENV_POLL", "ENV_URL",
           "MailboxIntegration", "MailboxSettings", "MailboxState", "MailboxStatus",
           "check_address", "check_imap", "settings_from"]
