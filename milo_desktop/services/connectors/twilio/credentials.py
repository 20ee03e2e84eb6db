"""Where the Twilio connector gets its credentials and API bases.

Secrets come from the CredentialStore (keychain or session-only memory) under the keys below;
headless runs (``milo-desktop sync --once``) may take TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN
from the environment instead. MILO_TWILIO_API_BASE / MILO_TWILIO_STUDIO_BASE beat the
advanced setting, which beats real Twilio.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from milo_desktop.services.connectors.twilio.http import REAL_API_BASE, REAL_STUDIO_BASE, ApiBases
from milo_desktop.services.core.credentials import CredentialStore

if TYPE_CHECKING:
    from milo_desktop.services.connectors.twilio.connector import TwilioConnector

KEY_ACCOUNT_SID = "twilio:account_sid"
KEY_AUTH_TOKEN = "twilio:auth_token"
KEY_API_KEY_SID = "twilio:api_key_sid"
KEY_API_KEY_SECRET = "twilio:api_key_secret"

ENV_API_BASE = "MILO_TWILIO_API_BASE"
ENV_STUDIO_BASE = "MILO_TWILIO_STUDIO_BASE"


@dataclass(frozen=True)
class TwilioCredentials:
    """Basic-auth user + secret, and the account every path carries.

    With an API key, ``username`` is the SK… sid and ``secret`` its secret; otherwise both
    are the account's (SID + Auth Token).
    """

    account_sid: str
    username: str
    secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"TwilioCredentials(account_sid={self.account_sid!r}, username={self.username!r})"

    @classmethod
    def auth_token(cls, account_sid: str, token: str) -> TwilioCredentials:
        return cls(account_sid, account_sid, token)

    @classmethod
    def api_key(cls, account_sid: str, key_sid: str, secret: str) -> TwilioCredentials:
        return cls(account_sid, key_sid, secret)


def credentials_from_env(env: Mapping[str, str] | None = None) -> TwilioCredentials | None:
    """TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (headless runs), or None."""
    env = os.environ if env is None else env
    sid, token = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
    return TwilioCredentials.auth_token(sid, token) if sid and token else None


def credentials_from_store_sync(store: CredentialStore) -> TwilioCredentials | None:
    """The stored credentials (API key preferred when both are there), or None.
    Blocking (keychain): worker threads only."""
    account = store.get_sync(KEY_ACCOUNT_SID)
    if not account:
        return None
    key_sid, key_secret = store.get_sync(KEY_API_KEY_SID), store.get_sync(KEY_API_KEY_SECRET)
    if key_sid and key_secret:
        return TwilioCredentials.api_key(account, key_sid, key_secret)
    token = store.get_sync(KEY_AUTH_TOKEN)
    return TwilioCredentials.auth_token(account, token) if token else None


async def load_credentials(
    store: CredentialStore | None, env: Mapping[str, str] | None = None
) -> TwilioCredentials | None:
    """The credential store's Twilio credentials, else the environment's, else None."""
    if store is not None:
        found = await asyncio.get_running_loop().run_in_executor(
            None, credentials_from_store_sync, store
        )
        if found is not None:
            return found
    return credentials_from_env(env)


def api_bases(
    api_base: str | None = None,
    studio_base: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ApiBases:
    """The API bases: environment, then the advanced setting's values, then real Twilio."""
    env = os.environ if env is None else env
    return ApiBases(
        api=(env.get(ENV_API_BASE) or api_base or REAL_API_BASE).rstrip("/"),
        studio=(env.get(ENV_STUDIO_BASE) or studio_base or REAL_STUDIO_BASE).rstrip("/"),
    )


def twilio_connector_factory(
    store: CredentialStore | None, env: Mapping[str, str] | None = None
) -> Callable[[], Awaitable[TwilioConnector | None]]:
    """A factory the sync jobs and the outbox call each round (credentials may change between
    rounds): a TwilioConnector, or None when not connected. Environment first (headless
    runs), then the keychain."""
    from milo_desktop.services.connectors.twilio.connector import TwilioConnector

    async def make() -> TwilioConnector | None:
        creds = credentials_from_env(env) or await load_credentials(store, env)
        return TwilioConnector(creds, api_bases(env=env)) if creds is not None else None

    return make
