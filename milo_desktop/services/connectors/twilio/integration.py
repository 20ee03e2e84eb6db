"""Integrations → Twilio: connect, test, disconnect, and the connectors the app hands out.

Where things live (and why):

- Secrets (Auth Token, API key SID + secret) and the Account SID: the ``CredentialStore`` only
  (the OS keychain, or memory for this session when the user opted in). Never the database,
  never the log. The Account SID is kept there too because the connector reads the whole
  credential set from one place (``config.credentials_from_store_sync``).
- The advanced, non-secret settings (API base and Studio base URLs): the workspace's
  ``workspace_settings`` table (keys ``twilio.api_base`` / ``twilio.studio_base``), so every
  desktop sharing a team database talks to the same Twilio. MILO_TWILIO_API_BASE /
  MILO_TWILIO_STUDIO_BASE beat them (sandbox, tests).
- Headless runs: TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN count as connected when nothing is
  stored.

``connect_twilio`` tests the credentials before storing anything, so bad ones are never kept.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.connectors.twilio.connector import PhoneNumber, TwilioConnector
from milo_desktop.services.connectors.twilio.credentials import (
    ENV_API_BASE,
    ENV_STUDIO_BASE,
    KEY_ACCOUNT_SID,
    KEY_API_KEY_SECRET,
    KEY_API_KEY_SID,
    KEY_AUTH_TOKEN,
    TwilioCredentials,
    api_bases,
    credentials_from_env,
    credentials_from_store_sync,
)
from milo_desktop.services.connectors.twilio.http import REAL_API_BASE, REAL_STUDIO_BASE, ApiBases
from milo_desktop.services.connectors.twilio.publisher import TwilioPublisher
from milo_desktop.services.connectors.twilio.retry import RetryPolicy
from milo_desktop.services.core.credentials import (
    CredentialsLocked,
    CredentialState,
    CredentialStore,
    CredentialsUnavailable,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import Event, EventBus
from milo_desktop.services.outreach.settings import EmailIntegration

log = logging.getLogger(__name__)

SETTING_API_BASE = "twilio.api_base"
SETTING_STUDIO_BASE = "twilio.studio_base"
ACCOUNT_SID_RE = re.compile(r"^AC[0-9a-fA-F]{32}$")
API_KEY_SID_RE = re.compile(r"^SK[0-9a-fA-F]{32}$")
DEFAULT_API_BASE = REAL_API_BASE
DEFAULT_STUDIO_BASE = REAL_STUDIO_BASE


class TwilioState(StrEnum):
    NOT_CONNECTED = "not_connected"
    CONNECTED = "connected"
    AUTH_FAILED = "auth_failed"
    OFFLINE = "offline"


class CredentialSource(StrEnum):
    KEYCHAIN = "keychain"
    SESSION = "session"  # memory, this session only
    ENVIRONMENT = "environment"  # TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN


@dataclass(frozen=True)
class TwilioStatus:
    """What the Twilio card shows. ``verified`` is False when no request was made."""

    state: TwilioState
    account_sid: str = ""
    account_name: str = ""
    api_key: bool = False  # connected with an API key (else the Auth Token)
    source: CredentialSource | None = None
    message: str = ""
    verified: bool = False
    numbers: tuple[PhoneNumber, ...] = ()


@dataclass(frozen=True)
class TwilioSettings:
    """The advanced settings as stored, the environment overrides, and what is in effect."""

    api_base: str | None = None
    studio_base: str | None = None
    env_api_base: str | None = None
    env_studio_base: str | None = None
    effective: ApiBases = field(default_factory=ApiBases)


@dataclass(frozen=True)
class KeychainStatus:
    state: CredentialState
    session_only: bool
    backend: str
    problem: str | None = None  # why a keychain that exists is unusable (CredentialStore.problem)


@dataclass(frozen=True)
class TwilioConnectionChanged(Event):
    """Twilio credentials were stored or removed (the app re-attaches the publisher)."""

    connected: bool


class SettingsStore(Protocol):
    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any) -> None: ...


class DatabaseSettings:
    """``workspace_settings`` rows (JSON values; None deletes the key)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> Any:
        def read(s: Session) -> Any:
            row = s.get(WorkspaceSetting, key)
            return row.value if row is not None else None

        return await self.db.read(read)

    async def set(self, key: str, value: Any) -> None:
        def write(s: Session) -> None:
            row = s.get(WorkspaceSetting, key)
            if value is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(WorkspaceSetting(key=key, value=value))
            else:
                row.value = value

        await self.db.write(write)


def check_account_sid(sid: str) -> str:
    """The SID stripped, or ValidationProblem when it is not AC + 32 hexadecimal characters."""
    sid = sid.strip()
    if not ACCOUNT_SID_RE.match(sid):
        raise ValidationProblem(
            "An Account SID is “AC” followed by 32 letters and digits (0–9, a–f). Copy it "
            "from the Twilio console's home page.")
    return sid


def check_base_url(url: str | None, what: str) -> str | None:
    """An http(s) URL without a trailing slash, None when empty."""
    url = (url or "").strip().rstrip("/")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationProblem(f"The {what} must be a URL such as https://api.twilio.com.")
    return url


class IntegrationsService:
    """Twilio's connection: credentials in the keychain, API bases in the workspace."""

    def __init__(self, credentials: CredentialStore, settings_store: SettingsStore | Database,
                 *, bus: EventBus | None = None, env: Mapping[str, str] | None = None,
                 policy: RetryPolicy | None = None) -> None:
        self.credentials = credentials
        self.settings = (DatabaseSettings(settings_store) if isinstance(settings_store, Database)
                         else settings_store)
        self.bus = bus
        self.env = os.environ if env is None else env
        self.policy = policy
        # Integrations → Email (SMTP): same keychain, same workspace settings.
        self.email = EmailIntegration(credentials, self.settings, bus=bus)

    # ----- keychain ---------------------------------------------------------------------------
    async def keychain(self) -> KeychainStatus:
        """The keychain's state (asking a backend may block on D-Bus: worker thread)."""
        state = await asyncio.get_running_loop().run_in_executor(None, self.credentials.state)
        return KeychainStatus(state, self.credentials.session_only, self.credentials.backend_name,
                              self.credentials.problem)

    def use_session_only(self) -> None:
        """The user accepted keeping secrets in memory for this session (no keychain)."""
        self.credentials.use_session_only()

    # ----- settings ---------------------------------------------------------------------------
    async def twilio_settings(self) -> TwilioSettings:
        api, studio = (await self.settings.get(SETTING_API_BASE),
                       await self.settings.get(SETTING_STUDIO_BASE))
        api = api if isinstance(api, str) and api else None
        studio = studio if isinstance(studio, str) and studio else None
        return TwilioSettings(api, studio, self.env.get(ENV_API_BASE) or None,
                              self.env.get(ENV_STUDIO_BASE) or None,
                              api_bases(api, studio, self.env))

    async def save_twilio_settings(self, api_base: str | None, studio_base: str | None) -> None:
        """Store the advanced API bases (empty: real Twilio)."""
        api = check_base_url(api_base, "API base URL")
        studio = check_base_url(studio_base, "Studio base URL")
        await self.settings.set(SETTING_API_BASE, api)
        await self.settings.set(SETTING_STUDIO_BASE, studio)

    # ----- credentials ------------------------------------------------------------------------
    async def _stored(self) -> tuple[TwilioCredentials | None, CredentialSource | None]:
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(None, credentials_from_store_sync, self.credentials)
        if found is not None:
            source = (CredentialSource.SESSION if self.credentials.session_only
                      else CredentialSource.KEYCHAIN)
            return found, source
        env = credentials_from_env(self.env)
        return (env, CredentialSource.ENVIRONMENT) if env is not None else (None, None)

    async def make_connector(self) -> TwilioConnector | None:
        """A connector on the current credentials and bases, or None when not connected.
        The shape ``TwilioSync`` / ``OutboxWorker`` / ``TwilioPublisher`` call every round."""
        creds = await self._current()
        if creds is None:
            return None
        return self._connector(creds, (await self.twilio_settings()).effective)

    def make_publisher(self) -> TwilioPublisher:
        """The receptionists' FlowPublisher + NumberSource (credentials read per operation)."""
        return TwilioPublisher(self.make_connector)

    async def twilio_configured(self) -> bool:
        """Credentials are stored (or in the environment); no network."""
        return (await self._current()) is not None

    async def _current(self) -> TwilioCredentials | None:
        try:
            return (await self._stored())[0]
        except (CredentialsLocked, CredentialsUnavailable):
            # A locked keychain must not stop a headless run that has its own credentials.
            return credentials_from_env(self.env)

    def _connector(self, creds: TwilioCredentials, bases: ApiBases) -> TwilioConnector:
        return TwilioConnector(creds, bases, policy=self.policy)

    # ----- status, test, connect, disconnect --------------------------------------------------
    async def twilio_status(self, *, verify: bool = True) -> TwilioStatus:
        """Not connected / connected (with its numbers) / auth failed / offline. Without
        ``verify`` no request is made (stored credentials count as connected)."""
        try:
            creds, source = await self._stored()
        except (CredentialsLocked, CredentialsUnavailable) as exc:
            return TwilioStatus(TwilioState.NOT_CONNECTED, message=exc.message)
        if creds is None:
            return TwilioStatus(TwilioState.NOT_CONNECTED)
        base = TwilioStatus(TwilioState.CONNECTED, creds.account_sid,
                            api_key=creds.username != creds.account_sid, source=source)
        if not verify:
            return base
        return await self._verify(creds, (await self.twilio_settings()).effective, base,
                                  with_numbers=True)

    async def test_twilio(self, account_sid: str | None = None, auth_token: str | None = None,
                          api_key_sid: str | None = None, api_key_secret: str | None = None,
                          api_base: str | None = None,
                          studio_base: str | None = None) -> TwilioStatus:
        """Test the stored credentials (no arguments) or the ones given (nothing stored).
        Auth failure and offline come back as the status's state, not as exceptions."""
        if account_sid is None:
            return await self.twilio_status(verify=True)
        creds = self._credentials(account_sid, auth_token, api_key_sid, api_key_secret)
        bases = await self._bases(api_base, studio_base)
        base = TwilioStatus(TwilioState.CONNECTED, creds.account_sid,
                            api_key=creds.username != creds.account_sid)
        return await self._verify(creds, bases, base, with_numbers=False)

    async def connect_twilio(self, account_sid: str, auth_token: str | None = None,
                             api_key_sid: str | None = None, api_key_secret: str | None = None,
                             api_base: str | None = None,
                             studio_base: str | None = None) -> TwilioStatus:
        """Test the credentials, then store them (secrets in the keychain only) and the API
        bases. Raises ValidationProblem (bad input), AuthFailed / Offline /
        ServiceUnavailable (the test failed: nothing stored), CredentialsUnavailable /
        CredentialsLocked (the keychain refused)."""
        creds = self._credentials(account_sid, auth_token, api_key_sid, api_key_secret)
        api = check_base_url(api_base, "API base URL")
        studio = check_base_url(studio_base, "Studio base URL")
        bases = api_bases(api, studio, self.env)
        async with self._connector(creds, bases) as twilio:
            name = await twilio.test_connection()
            numbers = await twilio.list_numbers()
        await self._store(creds)
        await self.settings.set(SETTING_API_BASE, api)
        await self.settings.set(SETTING_STUDIO_BASE, studio)
        log.info("twilio connected: account %s (%s)", creds.account_sid,
                 "API key" if creds.username != creds.account_sid else "Auth Token")
        if self.bus is not None:
            self.bus.publish(TwilioConnectionChanged(True))
        source = (CredentialSource.SESSION if self.credentials.session_only
                  else CredentialSource.KEYCHAIN)
        return TwilioStatus(TwilioState.CONNECTED, creds.account_sid, name,
                            api_key=creds.username != creds.account_sid, source=source,
                            verified=True, numbers=tuple(numbers))

    async def disconnect_twilio(self) -> TwilioStatus:
        """Forget the stored Twilio secrets (environment credentials, if any, remain)."""
        for key in (KEY_AUTH_TOKEN, KEY_API_KEY_SID, KEY_API_KEY_SECRET, KEY_ACCOUNT_SID):
            await self.credentials.delete(key)
        log.info("twilio disconnected")
        status = await self.twilio_status(verify=False)
        if self.bus is not None:
            self.bus.publish(TwilioConnectionChanged(status.state == TwilioState.CONNECTED))
        return status

    async def twilio_numbers(self) -> list[PhoneNumber]:
        """The connected account's numbers (AuthFailed / Offline / TwilioNotConnected)."""
        return await self.make_publisher().numbers()

    # ----- helpers ----------------------------------------------------------------------------
    def _credentials(self, account_sid: str, auth_token: str | None, api_key_sid: str | None,
                     api_key_secret: str | None) -> TwilioCredentials:
        sid = check_account_sid(account_sid)
        if api_key_sid or api_key_secret:
            key = (api_key_sid or "").strip()
            if not API_KEY_SID_RE.match(key):
                raise ValidationProblem(
                    "An API key SID is “SK” followed by 32 letters and digits (0–9, a–f).")
            if not (api_key_secret or "").strip():
                raise ValidationProblem("Enter the API key's secret.")
            return TwilioCredentials.api_key(sid, key, (api_key_secret or "").strip())
        if not (auth_token or "").strip():
            raise ValidationProblem("Enter the Auth Token (or choose API Key + Secret).")
        return TwilioCredentials.auth_token(sid, (auth_token or "").strip())

    async def _bases(self, api_base: str | None, studio_base: str | None) -> ApiBases:
        return api_bases(check_base_url(api_base, "API base URL"),
                         check_base_url(studio_base, "Studio base URL"), self.env)

    async def _store(self, creds: TwilioCredentials) -> None:
        # Secrets first: a keychain that refuses leaves nothing half-written behind.
        if creds.username != creds.account_sid:
            await self.credentials.set(KEY_API_KEY_SID, creds.username)
            await self.credentials.set(KEY_API_KEY_SECRET, creds.secret)
            await self.credentials.delete(KEY_AUTH_TOKEN)
        else:
            await self.credentials.set(KEY_AUTH_TOKEN, creds.secret)
            # The store prefers an API key when both exist: drop the old one.
            await self.credentials.delete(KEY_API_KEY_SID)
            await self.credentials.delete(KEY_API_KEY_SECRET)
        await self.credentials.set(KEY_ACCOUNT_SID, creds.account_sid)

    async def _verify(self, creds: TwilioCredentials, bases: ApiBases, base: TwilioStatus, *,
                      with_numbers: bool) -> TwilioStatus:
        try:
            async with self._connector(creds, bases) as twilio:
                name = await twilio.test_connection()
                numbers = tuple(await twilio.list_numbers()) if with_numbers else ()
        except AuthFailed as exc:
            return replace(base, state=TwilioState.AUTH_FAILED, message=exc.message,
                           verified=True)
        except (Offline, ServiceUnavailable) as exc:
            return replace(base, state=TwilioState.OFFLINE, message=exc.message, verified=True)
        return replace(base, account_name=name, verified=True, numbers=numbers)
