"""The credentials service over real keyring backends: available, locked, unavailable + the
session-only fallback. The in-memory backends below are keyring backends (the same interface
the OS keychains implement); CI machines have no keychain."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from keyring.backends import fail

from milo_desktop.services.core.credentials import (
    SERVICE,
    CredentialsLocked,
    CredentialState,
    CredentialStore,
    CredentialsUnavailable,
)
from tests.keychains import BrokenKeychain, LockedKeychain, MemoryKeychain


def test_available_keychain_round_trip(arun) -> None:
    chain = MemoryKeychain()
    store = CredentialStore(chain)
    assert store.state() == CredentialState.AVAILABLE
    arun(store.set("twilio:auth_token", "tok-123"))
    assert chain.items == {(SERVICE, "twilio:auth_token"): "tok-123"}
    assert arun(store.get("twilio:auth_token")) == "tok-123"
    arun(store.delete("twilio:auth_token"))
    assert arun(store.get("twilio:auth_token")) is None
    arun(store.delete("twilio:auth_token"))  # deleting twice is fine


def test_locked_keychain_is_a_clear_message_then_recovers(arun) -> None:
    chain = LockedKeychain()
    store = CredentialStore(chain)
    with pytest.raises(CredentialsLocked, match="locked"):
        arun(store.get("smtp:password"))
    assert store.state() == CredentialState.LOCKED
    chain.locked = False
    assert arun(store.get("smtp:password")) is None
    assert store.state() == CredentialState.AVAILABLE


@pytest.mark.expect_log_warnings
def test_no_keychain_offers_session_only_and_writes_nothing(arun, tmp_path: Path, caplog) -> None:
    store = CredentialStore(fail.Keyring())
    assert store.state() == CredentialState.UNAVAILABLE
    with pytest.raises(CredentialsUnavailable, match="session only"):
        arun(store.set("twilio:auth_token", "s3cr3t-token-value"))
    with caplog.at_level(logging.DEBUG):
        store.use_session_only()
        arun(store.set("twilio:auth_token", "s3cr3t-token-value"))
    assert store.session_only
    assert arun(store.get("twilio:auth_token")) == "s3cr3t-token-value"
    assert "s3cr3t-token-value" not in caplog.text
    # a new store (a new session) remembers nothing
    assert arun(CredentialStore(fail.Keyring()).get("twilio:auth_token")) is None


@pytest.mark.expect_log_warnings  # "the keychain failed" is logged (its type, never a secret)
def test_failing_keychain_is_a_clear_message_not_a_crash(arun, caplog) -> None:
    chain = BrokenKeychain()
    store = CredentialStore(chain)
    assert store.state() == CredentialState.AVAILABLE and store.problem is None
    with (caplog.at_level(logging.DEBUG),
          pytest.raises(CredentialsUnavailable, match="could not use your keychain") as got):
        arun(store.set("twilio:auth_token", "s3cr3t-token-value"))
    assert got.value.detail == BrokenKeychain.reason
    assert "s3cr3t-token-value" not in caplog.text
    # Known unusable now: the UI offers the session-only fallback and says why.
    assert store.state() == CredentialState.UNAVAILABLE
    assert store.problem == BrokenKeychain.reason
    with pytest.raises(CredentialsUnavailable):
        arun(store.get("twilio:auth_token"))
    # The keychain comes back: the next answer clears it.
    chain.broken = False
    assert arun(store.get("twilio:auth_token")) is None
    assert store.state() == CredentialState.AVAILABLE and store.problem is None


@pytest.mark.expect_log_warnings  # "the keychain could not be loaded" is logged
def test_keychain_that_cannot_be_loaded_counts_as_none(
        arun, monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyringrc / PYTHON_KEYRING_BACKEND naming a backend that does not load: the app
    starts without a keychain (and says why) instead of failing at start-up."""
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # found again, from the env
    store = CredentialStore()
    assert store.state() == CredentialState.UNAVAILABLE
    assert store.problem is not None
    assert store.problem.startswith("the keychain could not be loaded (No module named")
    with pytest.raises(CredentialsUnavailable, match="no keychain") as got:
        arun(store.set("twilio:auth_token", "tok"))
    assert got.value.detail == store.problem
    store.use_session_only()
    arun(store.set("twilio:auth_token", "tok"))
    assert arun(store.get("twilio:auth_token")) == "tok"
