"""Secrets (auth tokens, API secrets, SMTP passwords) in the operating system's keychain.

Three explicit states: ``AVAILABLE`` (a keychain answers), ``LOCKED`` (it exists but refused —
e.g. a locked login keyring; the user can unlock it and retry) and ``UNAVAILABLE`` (no keychain
at all, as on a bare Linux box). When unavailable, the user may opt in to keeping secrets for
this session only, in memory: never on disk, never in the database, never in the logs.

Keychain calls can block (D-Bus, a macOS prompt), so the async methods run them in a worker
thread; never call the ``*_sync`` methods on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from milo_desktop.errors import EnvironmentProblem

T = TypeVar("T")

log = logging.getLogger(__name__)
SERVICE = "Milo Desktop"


class CredentialState(StrEnum):
    AVAILABLE = "available"
    LOCKED = "locked"
    UNAVAILABLE = "unavailable"


class CredentialsUnavailable(EnvironmentProblem):
    title = "No keychain to keep your password in"


class CredentialsLocked(EnvironmentProblem):
    title = "Your keychain is locked"


def _usable(backend: KeyringBackend) -> bool:
    # keyring's fail/null backends have priority 0 or below: "no keychain here".
    try:
        return float(backend.priority) > 0
    except Exception:
        return False


def _failure_text(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    return text or type(exc).__name__


def _system_backend() -> tuple[KeyringBackend, str | None]:
    """The keychain keyring finds, or (no keychain, why) when finding it fails — e.g. a
    keyringrc or PYTHON_KEYRING_BACKEND naming a backend that cannot be loaded."""
    try:
        return keyring.get_keyring(), None
    except Exception as exc:  # any error loading a third-party backend: the environment's
        from keyring.backends import fail

        log.warning("the keychain could not be loaded: %s", type(exc).__name__)
        none = fail.Keyring()  # type: ignore[no-untyped-call]  # keyring leaves it untyped
        return none, f"the keychain could not be loaded ({_failure_text(exc)})"


class CredentialStore:
    """The one door to secrets. Keys are short names such as ``"twilio:auth_token"``."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        # Why the keychain cannot be used, when it is there but broken (None: fine or absent).
        self._failure: str | None = None
        if backend is None:
            backend, self._failure = _system_backend()
        self._backend = backend
        self._session: dict[str, str] = {}
        self._session_only = False
        self._lock = threading.Lock()
        self._last_locked = False

    # ----- state ---------------------------------------------------------------------------
    @property
    def backend_name(self) -> str:
        return type(self._backend).__module__ + "." + type(self._backend).__name__

    @property
    def session_only(self) -> bool:
        """True once the user accepted keeping secrets in memory for this session only."""
        return self._session_only

    @property
    def problem(self) -> str | None:
        """Why the keychain is unavailable when it exists but failed (it could not be loaded,
        or its last answer was an error); None when it works or there is none at all."""
        return self._failure

    def state(self) -> CredentialState:
        if not _usable(self._backend) or self._failure is not None:
            return CredentialState.UNAVAILABLE
        return CredentialState.LOCKED if self._last_locked else CredentialState.AVAILABLE

    def use_session_only(self) -> None:
        """The visible, opt-in fallback when there is no keychain: memory, this session only."""
        self._session_only = True
        log.warning(
            "no keychain (%s): secrets kept in memory for this session only", self.backend_name
        )

    # ----- sync API (worker threads only) -----------------------------------------------------
    def _call(self, fn: Callable[..., T], *args: str) -> T:
        try:
            result = fn(*args)
        except keyring.errors.KeyringLocked as exc:
            self._last_locked = True
            raise CredentialsLocked(
                "Milo Desktop could not open your keychain because it is locked. Unlock it "
                "and try again."
            ) from exc
        except keyring.errors.NoKeyringError as exc:
            raise CredentialsUnavailable(
                "This computer has no keychain Milo Desktop can use. You can keep the secret "
                "for this session only; you'll be asked again next time."
            ) from exc
        except keyring.errors.PasswordDeleteError:
            raise  # "nothing stored": delete_sync's business
        except (keyring.errors.KeyringError, OSError) as exc:
            # The keychain is there but broken (its D-Bus service gone, a failed unlock …):
            # the user's environment, not our bug. Never the secret in the message: the
            # backend's own text names the failure, not what was being stored.
            self._failure = _failure_text(exc)
            log.warning("the keychain failed (%s): %s", self.backend_name, type(exc).__name__)
            raise CredentialsUnavailable(
                f"Milo Desktop could not use your keychain: {self._failure}. You can keep the "
                "secret for this session only; you'll be asked again next time.",
                detail=self._failure,
            ) from exc
        self._last_locked = False
        self._failure = None
        return result

    def get_sync(self, key: str) -> str | None:
        with self._lock:
            if self._session_only or not _usable(self._backend):
                return self._session.get(key)
            return self._call(self._backend.get_password, SERVICE, key)

    def set_sync(self, key: str, secret: str) -> None:
        if not secret:
            raise ValueError("empty secret")
        with self._lock:
            if self._session_only:
                self._session[key] = secret
                return
            if not _usable(self._backend):
                raise CredentialsUnavailable(
                    "This computer has no keychain Milo Desktop can use. Choose “Keep for this "
                    "session only” to connect anyway; nothing is written to disk.",
                    detail=self._failure or "",
                )
            self._call(self._backend.set_password, SERVICE, key, secret)

    def delete_sync(self, key: str) -> None:
        with self._lock:
            self._session.pop(key, None)
            if self._session_only or not _usable(self._backend):
                return
            try:
                self._call(self._backend.delete_password, SERVICE, key)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing stored: already gone

    # ----- async API (what services use) ------------------------------------------------------
    async def get(self, key: str) -> str | None:
        return await asyncio.get_running_loop().run_in_executor(None, self.get_sync, key)

    async def set(self, key: str, secret: str) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.set_sync, key, secret)

    async def delete(self, key: str) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.delete_sync, key)
