"""TwilioPublisher (FlowPublisher + NumberSource) and IntegrationsService against the sandbox
Twilio over real sockets; secrets go to a keyring backend kept in memory, never to the
database or the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import select

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.connectors import AuthFailed, ConnectorProblem, Offline
from milo_desktop.services.connectors.twilio import (
    ApiBases,
    RetryPolicy,
    TwilioConnector,
    TwilioCredentials,
)
from milo_desktop.services.connectors.twilio.integration import (
    SETTING_API_BASE,
    CredentialSource,
    IntegrationsService,
    TwilioConnectionChanged,
    TwilioState,
)
from milo_desktop.services.connectors.twilio.publisher import (
    NumberNotFound,
    TwilioNotConnected,
    TwilioPublisher,
)
from milo_desktop.services.core.credentials import SERVICE, CredentialStore, CredentialsUnavailable
from milo_desktop.services.receptionists import FlowPublisher, NumberSource
from milo_desktop.services.workspace import Workspace
from tests.keychains import MemoryKeychain

NUMBER = "+15550001111"
OTHER = "+15550002222"
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)




@pytest.fixture
def sandbox() -> Iterator[TwilioSandbox]:
    sb = TwilioSandbox()
    with sb.running():
        sb.add_number(NUMBER, "Front desk")
        sb.add_number(OTHER, "Night line")
        yield sb


def flow(say: str = "Hello.") -> dict[str, Any]:
    def state(name: str, kind: str, props: dict[str, Any], *transitions: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "properties": {**props, "offset": {"x": 0, "y": 0}},
                "transitions": [dict(t) for t in transitions]}

    return {
        "description": "test", "initial_state": "Trigger",
        "flags": {"allow_concurrent_calls": True},
        "states": [
            state("Trigger", "trigger", {}, {"event": "incomingCall", "next": "greet"},
                  {"event": "incomingMessage"}, {"event": "incomingRequest"}),
            state("greet", "say-play", {"say": say}, {"event": "audioComplete"}),
        ],
    }


def publisher_for(sb: TwilioSandbox, token: str | None = None) -> TwilioPublisher:
    async def make() -> TwilioConnector:
        creds = TwilioCredentials.auth_token(sb.account.sid, token or sb.account.auth_token)
        return TwilioConnector(creds, ApiBases(sb.base_url, sb.studio_base_url), policy=FAST)

    return TwilioPublisher(make)


def numbers_by_e164(sb: TwilioSandbox, arun: Any) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        return {n.phone_number: n for n in await publisher_for(sb).numbers()}

    return arun(go())


# ----- the publisher ---------------------------------------------------------------------------
def test_publisher_implements_the_receptionist_protocols(sandbox: TwilioSandbox) -> None:
    pub = publisher_for(sandbox)
    assert isinstance(pub, FlowPublisher) and isinstance(pub, NumberSource)


def test_publish_creates_then_updates_the_same_flow(sandbox: TwilioSandbox, arun: Any) -> None:
    pub = publisher_for(sandbox)
    sid, webhook = arun(pub.publish_flow("Milo receptionist: Ada", flow()))
    assert sid.startswith("FW") and webhook.endswith(sid)
    again, webhook2 = arun(pub.publish_flow("Milo receptionist: Ada", flow("Hi!"), flow_sid=sid))
    assert (again, webhook2) == (sid, webhook)

    async def fetch() -> Any:
        async with await pub.connector_factory() as tw:  # type: ignore[union-attr]
            return await tw.fetch_flow(sid)

    info = arun(fetch())
    assert info.status == "published" and info.revision == 2
    assert info.friendly_name == "Milo receptionist: Ada"


def test_a_flow_deleted_on_twilio_is_created_again(sandbox: TwilioSandbox, arun: Any) -> None:
    pub = publisher_for(sandbox)
    gone = "FW" + "0" * 32
    sid, _ = arun(pub.publish_flow("Milo receptionist: Bo", flow(), flow_sid=gone))
    assert sid != gone and sid.startswith("FW")


def test_point_and_clear_a_number(sandbox: TwilioSandbox, arun: Any) -> None:
    pub = publisher_for(sandbox)
    _sid, webhook = arun(pub.publish_flow("Milo receptionist: Cy", flow()))
    arun(pub.point_number(NUMBER, webhook))
    numbers = numbers_by_e164(sandbox, arun)
    assert numbers[NUMBER].voice_url == numbers[NUMBER].sms_url == webhook
    assert numbers[OTHER].voice_url == ""  # only the one number was touched
    arun(pub.point_number("+1 555-000-1111", None))  # formatting is ignored
    numbers = numbers_by_e164(sandbox, arun)
    assert numbers[NUMBER].voice_url == numbers[NUMBER].sms_url == ""


def test_pointing_a_number_outside_the_account_is_refused(
    sandbox: TwilioSandbox, arun: Any
) -> None:
    with pytest.raises(NumberNotFound, match=r"\+15559999999 is not a phone number"):
        arun(publisher_for(sandbox).point_number("+15559999999", "https://x.invalid/flow"))


def test_list_numbers(sandbox: TwilioSandbox, arun: Any) -> None:
    assert sorted(arun(publisher_for(sandbox).list_numbers())) == [NUMBER, OTHER]


def test_refused_credentials_raise_auth_failed(sandbox: TwilioSandbox, arun: Any) -> None:
    pub = publisher_for(sandbox, token="wrong-token")
    with pytest.raises(AuthFailed):
        arun(pub.list_numbers())
    with pytest.raises(AuthFailed):
        arun(pub.publish_flow("x", flow()))


def test_unreachable_twilio_is_offline(arun: Any) -> None:
    async def make() -> TwilioConnector:
        creds = TwilioCredentials.auth_token("AC" + "1" * 32, "t")
        return TwilioConnector(creds, ApiBases("http://127.0.0.1:9", "http://127.0.0.1:9"),
                               policy=FAST)

    with pytest.raises(Offline):
        arun(TwilioPublisher(make).list_numbers())


def test_no_connection_is_a_connector_problem(arun: Any) -> None:
    async def none() -> None:
        return None

    with pytest.raises(TwilioNotConnected) as caught:
        arun(TwilioPublisher(none).point_number(NUMBER, None))
    assert isinstance(caught.value, ConnectorProblem)


# ----- the integrations service -----------------------------------------------------------------
@pytest.fixture
def logfile(tmp_path: Path) -> Iterator[Path]:
    """Everything logged (every logger, DEBUG up) goes to a file, as the app's log does."""
    path = tmp_path / "milo.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old)
        handler.close()


def service(ws: Workspace, chain: KeyringBackend, **kw: Any) -> IntegrationsService:
    return IntegrationsService(CredentialStore(chain), ws.db, bus=ws.bus, env=kw.pop("env", {}),
                               policy=FAST, **kw)


def test_bad_token_is_not_stored(sandbox: TwilioSandbox, workspace: Workspace,
                                 arun: Any) -> None:
    chain = MemoryKeychain()
    svc = service(workspace, chain)
    with pytest.raises(AuthFailed):
        arun(svc.connect_twilio(sandbox.account.sid, "not-the-token",
                                api_base=sandbox.base_url, studio_base=sandbox.studio_base_url))
    assert chain.items == {}
    assert arun(svc.twilio_status()).state == TwilioState.NOT_CONNECTED
    assert arun(svc.twilio_settings()).api_base is None  # nothing kept from a failed connect
    assert arun(svc.make_connector()) is None


def test_bad_sid_format_is_refused_before_any_request(workspace: Workspace, arun: Any) -> None:
    svc = service(workspace, MemoryKeychain())
    with pytest.raises(ValidationProblem, match="AC"):
        arun(svc.connect_twilio("AC123", "token"))
    with pytest.raises(ValidationProblem, match="SK"):
        arun(svc.connect_twilio("AC" + "a" * 32, api_key_sid="KS1", api_key_secret="s"))


def test_good_token_goes_to_the_keychain_only(sandbox: TwilioSandbox, workspace: Workspace,
                                              arun: Any, logfile: Path) -> None:
    chain = MemoryKeychain()
    svc = service(workspace, chain)
    events: list[TwilioConnectionChanged] = []
    workspace.bus.subscribe(TwilioConnectionChanged, events.append)
    token = sandbox.account.auth_token
    status = arun(svc.connect_twilio(sandbox.account.sid, token, api_base=sandbox.base_url,
                                     studio_base=sandbox.studio_base_url))
    assert status.state == TwilioState.CONNECTED and status.source == CredentialSource.KEYCHAIN
    assert sorted(n.phone_number for n in status.numbers) == [NUMBER, OTHER]
    assert chain.items == {(SERVICE, "twilio:auth_token"): token,
                           (SERVICE, "twilio:account_sid"): sandbox.account.sid}
    assert events == [TwilioConnectionChanged(True)]
    # Non-secret settings live in the workspace; the token appears nowhere in the database.
    settings = workspace.db.run_sync(lambda s: {r.key: r.value for r in
                                                s.scalars(select(WorkspaceSetting))})
    assert settings[SETTING_API_BASE] == sandbox.base_url
    dump = workspace.db.run_sync(lambda s: "\n".join(
        repr(row) for t in ("workspace_settings", "audit_log", "sync_cursors")
        for row in s.connection().exec_driver_sql(f"SELECT * FROM {t}")))
    assert token not in dump
    # Connected: status verifies, the connector and publisher work on what was stored.
    again = arun(svc.twilio_status())
    assert again.state == TwilioState.CONNECTED and again.verified
    assert again.account_sid == sandbox.account.sid and len(again.numbers) == 2
    assert sorted(arun(svc.make_publisher().list_numbers())) == [NUMBER, OTHER]
    logged = logfile.read_text(encoding="utf-8")
    assert sandbox.account.sid in logged  # the log works…
    assert token not in logged  # …and never holds the secret
    # Disconnect removes every secret.
    assert arun(svc.disconnect_twilio()).state == TwilioState.NOT_CONNECTED
    assert chain.items == {} and events[-1] == TwilioConnectionChanged(False)


def test_api_key_replaces_a_stored_token(sandbox: TwilioSandbox, workspace: Workspace,
                                         arun: Any) -> None:
    chain = MemoryKeychain()
    svc = service(workspace, chain)
    bases = {"api_base": sandbox.base_url, "studio_base": sandbox.studio_base_url}
    arun(svc.connect_twilio(sandbox.account.sid, sandbox.account.auth_token, **bases))
    key, secret = sandbox.add_api_key()
    status = arun(svc.connect_twilio(sandbox.account.sid, api_key_sid=key,
                                     api_key_secret=secret, **bases))
    assert status.api_key and status.state == TwilioState.CONNECTED
    assert (SERVICE, "twilio:auth_token") not in chain.items
    assert chain.items[(SERVICE, "twilio:api_key_secret")] == secret


def test_test_twilio_reports_states_without_storing(sandbox: TwilioSandbox,
                                                    workspace: Workspace, arun: Any) -> None:
    chain = MemoryKeychain()
    svc = service(workspace, chain)
    ok = arun(svc.test_twilio(sandbox.account.sid, sandbox.account.auth_token,
                              api_base=sandbox.base_url, studio_base=sandbox.studio_base_url))
    bad = arun(svc.test_twilio(sandbox.account.sid, "nope", api_base=sandbox.base_url,
                               studio_base=sandbox.studio_base_url))
    off = arun(svc.test_twilio(sandbox.account.sid, "nope", api_base="http://127.0.0.1:9",
                               studio_base="http://127.0.0.1:9"))
    assert (ok.state, bad.state, off.state) == (
        TwilioState.CONNECTED, TwilioState.AUTH_FAILED, TwilioState.OFFLINE)
    assert chain.items == {}


def test_environment_credentials_count_as_connected(sandbox: TwilioSandbox,
                                                    workspace: Workspace, arun: Any) -> None:
    env = {"TWILIO_ACCOUNT_SID": sandbox.account.sid,
           "TWILIO_AUTH_TOKEN": sandbox.account.auth_token,
           "MILO_TWILIO_API_BASE": sandbox.base_url, "MILO_TWILIO_STUDIO_BASE": sandbox.base_url}
    svc = service(workspace, fail.Keyring(), env=env)
    status = arun(svc.twilio_status())
    assert status.state == TwilioState.CONNECTED and status.source == CredentialSource.ENVIRONMENT
    settings = arun(svc.twilio_settings())
    assert settings.env_api_base == sandbox.base_url
    assert settings.effective.api == sandbox.base_url


def test_no_keychain_refuses_until_session_only(sandbox: TwilioSandbox, workspace: Workspace,
                                                arun: Any, caplog: Any) -> None:
    svc = service(workspace, fail.Keyring())
    args = (sandbox.account.sid, sandbox.account.auth_token)
    bases = {"api_base": sandbox.base_url, "studio_base": sandbox.studio_base_url}
    with pytest.raises(CredentialsUnavailable):
        arun(svc.connect_twilio(*args, **bases))
    assert arun(svc.twilio_status(verify=False)).state == TwilioState.NOT_CONNECTED
    with caplog.at_level(logging.ERROR, "milo_desktop.services.core.credentials"):
        svc.use_session_only()  # its warning is expected; ERROR level keeps it out of logfail
    status = arun(svc.connect_twilio(*args, **bases))
    assert status.source == CredentialSource.SESSION
    assert arun(svc.twilio_status()).state == TwilioState.CONNECTED
