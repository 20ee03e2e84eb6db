"""Email's entry in the background: the SMTP connector factory the outbox's email handler
sends through (Settings → Integrations → Email). No sync job yet: mailbox intake comes next."""

from __future__ import annotations

from milo_desktop.services.connectors.email.smtp import SmtpConnector
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.outreach.settings import EmailIntegration
from milo_desktop.services.sync.plugin import BackgroundContext, ConnectorPlugin, Contribution

SERVICE = "email"


async def _not_connected() -> SmtpConnector | None:
    return None


def contribute(ctx: BackgroundContext) -> Contribution:
    """The Integrations service's factory (app), else the keychain's (headless); no keychain
    at all (the demo): email waits, never an error."""
    factory = ctx.factories.get(SERVICE)
    if factory is None:
        email = getattr(ctx.workspace.integrations, "email", None)
        if email is None and ctx.store is not None:
            email = EmailIntegration(ctx.store, DatabaseSettings(ctx.workspace.db))
        factory = email.make_connector if email is not None else _not_connected
    return Contribution(factory=factory)


PLUGIN = ConnectorPlugin(SERVICE, "Email", contribute)
