"""Receptionists published to Twilio: the FlowPublisher (and NumberSource) over the connector.

``TwilioPublisher`` asks its factory for a fresh ``TwilioConnector`` per operation (the user
may reconnect with other credentials between two publishes) and closes it afterwards. Failures
stay the connector's environment problems (``AuthFailed``, ``Offline``, ``ServiceUnavailable``);
a number that is not in the account and a missing connection are ``ConnectorProblem`` too, so
the receptionist service reports them to the user instead of crashing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from milo_desktop.services.connectors import ConnectorProblem, NotFoundAtProvider
from milo_desktop.services.connectors.twilio.connector import PhoneNumber, TwilioConnector
from milo_desktop.services.connectors.twilio.retry import SERVICE

log = logging.getLogger(__name__)
T = TypeVar("T")
ConnectorFactory = Callable[[], Awaitable[TwilioConnector | None]]
NOT_CONNECTED = ("Twilio is not connected. Add your Account SID and Auth Token (or an API key) "
                 "in Integrations → Twilio.")


class TwilioNotConnected(ConnectorProblem):
    title = "Twilio is not connected"


class NumberNotFound(ConnectorProblem):
    title = "Phone number not found"


def same_number(a: str, b: str) -> bool:
    """E.164 numbers equal once spaces, dashes and brackets are ignored."""
    def norm(n: str) -> str:
        return re.sub(r"[^\d+]", "", n)

    return norm(a) == norm(b)


class TwilioPublisher:
    """``FlowPublisher`` + ``NumberSource`` for ``ReceptionistService.set_publisher``."""

    def __init__(self, connector_factory: ConnectorFactory) -> None:
        self.connector_factory = connector_factory

    async def _with(self, use: Callable[[TwilioConnector], Awaitable[T]]) -> T:
        twilio = await self.connector_factory()
        if twilio is None:
            raise TwilioNotConnected(SERVICE, NOT_CONNECTED)
        try:
            return await use(twilio)
        finally:
            await twilio.aclose()

    async def publish_flow(
        self, friendly_name: str, definition: Mapping[str, Any] | dict[str, object], *,
        flow_sid: str | None = None,
    ) -> tuple[str, str]:
        """Create a published Studio flow, or publish a new revision of ``flow_sid``; returns
        (flow SID, webhook URL). A flow deleted in the Twilio console is created afresh."""

        async def go(twilio: TwilioConnector) -> tuple[str, str]:
            if flow_sid:
                try:
                    flow = await twilio.update_flow(flow_sid, definition, status="published")
                    return flow.sid, flow.webhook_url
                except NotFoundAtProvider:
                    log.info("flow %s is gone from Twilio; creating a new one", flow_sid)
            flow = await twilio.create_flow(friendly_name, definition, status="published")
            return flow.sid, flow.webhook_url

        return await self._with(go)

    async def point_number(self, e164: str, webhook_url: str | None) -> None:
        """Point the number's VoiceUrl and SmsUrl (POST) at ``webhook_url``; None clears
        both, so the number stops answering."""

        async def go(twilio: TwilioConnector) -> None:
            number = _find(await twilio.list_numbers(), e164)
            await twilio.point_number(number.sid, webhook_url or "", webhook_url or "")

        await self._with(go)

    async def list_numbers(self) -> list[str]:
        """The account's incoming phone numbers (E.164)."""
        return [n.phone_number for n in await self.numbers()]

    async def numbers(self) -> list[PhoneNumber]:
        """The account's incoming phone numbers with their names and current URLs."""
        return await self._with(lambda twilio: twilio.list_numbers())


def _find(numbers: list[PhoneNumber], e164: str) -> PhoneNumber:
    for number in numbers:
        if same_number(number.phone_number, e164):
            return number
    raise NumberNotFound(
        SERVICE,
        f"{e164} is not a phone number of the connected Twilio account. Buy or port it in "
        "the Twilio console, or choose another number.",
    )
