"""An ATS connector's credentials: the environment's when complete, else the keychain's; a
keychain that is locked or broken makes the round "not connected" with the reason, never an
internal error (CI machines and fresh desktops often have no working keychain)."""

from __future__ import annotations

from typing import Any

import pytest

from milo_desktop.services.connectors.ats.credentials import client_factory, load
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.connectors.greenhouse.spec import SPEC as GREENHOUSE
from milo_desktop.services.core.credentials import CredentialStore
from tests.keychains import BrokenKeychain, LockedKeychain, MemoryKeychain

ENV = {"MILO_GREENHOUSE_CLIENT_ID": "cid", "MILO_GREENHOUSE_CLIENT_SECRET": "sec",
       "MILO_GREENHOUSE_USER_ID": "7", "MILO_GREENHOUSE_API_BASE": "http://127.0.0.1:9/v3/"}


def test_nothing_stored_is_simply_not_connected(arun: Any) -> None:
    assert arun(load(GREENHOUSE, CredentialStore(MemoryKeychain()), {})) is None


def test_a_locked_keychain_reads_as_not_connected_with_the_reason(arun: Any) -> None:
    make = client_factory(GREENHOUSE, CredentialStore(LockedKeychain()), {})
    with pytest.raises(NotConfigured) as got:
        arun(make())
    assert got.value.service == "greenhouse"
    assert got.value.message.startswith("Greenhouse is not connected here: ")
    assert "locked" in got.value.message.lower()


@pytest.mark.expect_log_warnings
def test_a_broken_keychain_reads_as_not_connected_with_the_reason(arun: Any) -> None:
    with pytest.raises(NotConfigured) as got:
        arun(load(GREENHOUSE, CredentialStore(BrokenKeychain()), {}))
    assert got.value.message.startswith("Greenhouse is not connected here: ")


def test_complete_environment_credentials_need_no_keychain(arun: Any) -> None:
    conn = arun(load(GREENHOUSE, CredentialStore(BrokenKeychain()), ENV))
    assert conn is not None and conn.from_env
    assert conn.base_url == "http://127.0.0.1:9/v3"
    assert conn.fields["client_id"] == "cid"


def test_the_ats_screen_says_the_keychain_is_locked(workspace: Any, arun: Any) -> None:
    workspace.ats.attach([GREENHOUSE], store=CredentialStore(LockedKeychain()), env={})
    (card,) = arun(workspace.ats.connections())
    assert not card.connected and card.state == "not_connected"
    assert card.message.startswith("Greenhouse is not connected here: ")
