"""Email's entry in the background: the SMTP connector factory the outbox's email handler
sends through (Settings → Integrations → Email), and the Apply-via-Email intake: the
``EmailIntake`` sync job reading the apply mailbox (IMAP) and its IDLE worker, which wakes
the job when mail arrives. Headless runs take the mailbox from ``MILO_IMAP_URL``."""

from __future__ import annotations

from milo_desktop.services.connectors.email.smtp import SmtpConnector
from milo_desktop.services.connectors.twilio.integration import DatabaseSettings
from milo_desktop.services.email_intake.idle import idle_worker
from milo_desktop.services.email_intake.intake import EmailIntake
from milo_desktop.services.email_intake.mailbox import (
    ENV_ADDRESS,
    ENV_POLL,
    ENV_URL,
    MailboxIntegration,
)
from milo_desktop.services.outreach.settings import EmailIntegration
from milo_desktop.services.sync.plugin import BackgroundContext, ConnectorPlugin, Contribution

SERVICE = "email"


async def _not_connected() -> SmtpConnector | None:
    return None


def _resumes(ctx: BackgroundContext) -> object:
    """The workspace's résumé service (the app sets it), else one over the data dir."""
    ws = ctx.workspace
    if ws.resumes is not None:
        return ws.resumes
    from milo_desktop.services.resume.service import ResumeService

    ws.resumes = ResumeService(ws.db, ws.bus, ctx.data_dir, ws.applications)
    return ws.resumes


def contribute(ctx: BackgroundContext) -> Contribution:
    """The Integrations service's factory (app), else the keychain's (headless); no keychain
    at all (the demo): email waits, never an error."""
    factory = ctx.factories.get(SERVICE)
    if factory is None:
        email = getattr(ctx.workspace.integrations, "email", None)
        if email is None and ctx.store is not None:
            email = EmailIntegration(ctx.store, DatabaseSettings(ctx.workspace.db))
        factory = email.make_connector if email is not None else _not_connected
    ws = ctx.workspace
    mailbox = MailboxIntegration(ctx.store, DatabaseSettings(ws.db), env=ctx.env)
    intake = EmailIntake(ws.db, mailbox.make_connector, mailbox.settings, ctx.data_dir,
                         resumes=_resumes(ctx), notifications=ws.notifications, bus=ws.bus)
    raw = ctx.env.get(ENV_POLL, "")
    try:
        pinned = {SERVICE: max(2.0, float(raw))} if raw else {}
    except ValueError:
        pinned = {}

    def wake() -> None:
        if ws.sync is not None:
            ws.sync.wake(SERVICE)

    async def idle() -> None:
        await idle_worker(mailbox.make_connector, wake)

    return Contribution(factory=factory, jobs=[(intake, EmailIntake.default_interval)],
                        pinned_intervals=pinned, workers=[("email.idle", idle)])


PLUGIN = ConnectorPlugin(SERVICE, "Email", contribute, env_vars=(
    (ENV_URL, "the apply mailbox: imap://user:password@host:port/INBOX or imaps://… "
              "(user and password URL-encoded)"),
    (ENV_ADDRESS, "the mailbox's public address (jobs@agency.example); interviewers' "
                  "addresses are jobs+<slug>@…"),
    (ENV_POLL, "seconds between mailbox reads in the app when IDLE is not offered "
               "(default 60)"),
))
