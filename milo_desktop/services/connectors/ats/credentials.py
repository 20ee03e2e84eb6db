"""Where an ATS connector's fields (credentials, base URL) come from.

Every field lives in the keychain under ``"<service>:<field>"`` (``greenhouse:client_secret``),
the base URL under ``"<service>:api_base"``: nothing of an ATS connection is in the database.
Headless runs (``milo-desktop sync --once``) may give them as environment variables instead:
``MILO_<SERVICE>_<FIELD>`` and ``MILO_<SERVICE>_API_BASE`` (``MILO_GREENHOUSE_CLIENT_ID``…);
when every required field is in the environment it wins over the keychain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from milo_desktop.services.connectors.ats.client import AtsClient, AtsSpec
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.core.credentials import (
    CredentialsLocked,
    CredentialStore,
    CredentialsUnavailable,
)

BASE_FIELD = "api_base"


def key(service: str, field: str) -> str:
    return f"{service}:{field}"


def env_name(service: str, field: str) -> str:
    return f"MILO_{service.upper()}_{field.upper()}"


def env_vars(spec: AtsSpec) -> tuple[tuple[str, str], ...]:
    """(NAME, what it sets) for ``sync --once --help``."""
    rows = [(env_name(spec.service, BASE_FIELD),
             f"the API's base URL (a sandbox; default: {spec.default_base})")]
    for f in spec.fields:
        rows.append((env_name(spec.service, f.name),
                     f.label + ("" if f.required else " (optional)")))
    return (*rows, *spec.env_vars)


@dataclass(frozen=True)
class AtsConnection:
    """Filled-in fields and the base URL of one connector (repr never shows secrets)."""

    service: str
    fields: Mapping[str, str]
    base_url: str
    from_env: bool = False

    def __repr__(self) -> str:
        return f"AtsConnection({self.service!r}, base_url={self.base_url!r})"


def _complete(spec: AtsSpec, values: Mapping[str, str]) -> bool:
    return all(values.get(f.name) for f in spec.fields if f.required)


def from_env(spec: AtsSpec, env: Mapping[str, str]) -> AtsConnection | None:
    values = {f.name: env.get(env_name(spec.service, f.name), "") or f.default
              for f in spec.fields}
    if not _complete(spec, values):
        return None
    base = env.get(env_name(spec.service, BASE_FIELD)) or spec.default_base
    return AtsConnection(spec.service, values, base.rstrip("/"), from_env=True)


def from_store_sync(spec: AtsSpec, store: CredentialStore,
                    env: Mapping[str, str] | None = None) -> AtsConnection | None:
    """The keychain's connection, or None. Blocking: worker threads only."""
    values = {f.name: store.get_sync(key(spec.service, f.name)) or f.default
              for f in spec.fields}
    if not _complete(spec, values):
        return None
    base = ((env or {}).get(env_name(spec.service, BASE_FIELD))
            or store.get_sync(key(spec.service, BASE_FIELD)) or spec.default_base)
    return AtsConnection(spec.service, values, base.rstrip("/"))


async def load(spec: AtsSpec, store: CredentialStore | None,
               env: Mapping[str, str]) -> AtsConnection | None:
    """The environment's connection when complete, else the keychain's, else None. A keychain
    that is locked or failing raises ``NotConfigured`` saying so: the round reads "not
    connected" with the reason, never an internal error."""
    found = from_env(spec, env)
    if found is not None or store is None:
        return found
    try:
        return await asyncio.get_running_loop().run_in_executor(None, from_store_sync, spec,
                                                                store, env)
    except (CredentialsLocked, CredentialsUnavailable) as exc:
        raise NotConfigured(spec.service, f"{spec.title} is not connected here: "
                            f"{exc.message}") from None


async def save(spec: AtsSpec, store: CredentialStore, fields: Mapping[str, str],
               base_url: str | None) -> None:
    """Store the fields (empty optional ones are removed) and the base URL."""
    for f in spec.fields:
        value = fields.get(f.name, "")
        if value:
            await store.set(key(spec.service, f.name), value)
        else:
            await store.delete(key(spec.service, f.name))
    if base_url and base_url.rstrip("/") != spec.default_base.rstrip("/"):
        await store.set(key(spec.service, BASE_FIELD), base_url.rstrip("/"))
    else:
        await store.delete(key(spec.service, BASE_FIELD))


async def forget(spec: AtsSpec, store: CredentialStore) -> None:
    """Disconnect: every field and the base URL leave the keychain."""
    for name in (*(f.name for f in spec.fields), BASE_FIELD):
        await store.delete(key(spec.service, name))


def client_factory(spec: AtsSpec, store: CredentialStore | None,
                   env: Mapping[str, str]) -> Callable[[], Awaitable[AtsClient | None]]:
    """async () -> a client over the current connection, or None when not connected."""

    async def make() -> AtsClient | None:
        conn = await load(spec, store, env)
        if conn is None:
            return None

        async def persist(field: str, value: str) -> None:
            if store is not None and not conn.from_env:
                await store.set(key(spec.service, field), value)

        return await spec.make_client(conn.fields, conn.base_url, persist)

    return make


__all__ = ["BASE_FIELD", "AtsConnection", "client_factory", "env_name", "env_vars", "forget",
           "from_env", "from_store_sync", "key", "load", "save"]
