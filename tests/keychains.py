"""Keyring backends kept in memory, for tests: the same interface the OS keychains implement
(CI machines have no keychain)."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeychain(KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.items[(service, username)]


class LockedKeychain(MemoryKeychain):
    """Refuses reads while ``locked`` (a locked login keyring)."""

    locked = True

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        return super().get_password(service, username)


class BrokenKeychain(MemoryKeychain):
    """A keychain that is there but fails while ``broken`` (its D-Bus service gone, as when
    gnome-keyring crashed): every call raises keyring's own error."""

    broken = True
    reason = "The name org.freedesktop.secrets was not provided by any .service files"

    def _check(self) -> None:
        if self.broken:
            raise keyring.errors.KeyringError(self.reason)

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        super().delete_password(service, username)
