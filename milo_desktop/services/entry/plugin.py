"""Entry points' entry in the background: the text-to-apply job (routers published, keyword
texts turned into screenings; needs Twilio) and the after-screening sweep (scheduling links
queued through the outbox; needs nothing but the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from milo_desktop.models.base import utcnow
from milo_desktop.services.connectors.errors import NotConfigured
from milo_desktop.services.connectors.twilio.credentials import twilio_connector_factory
from milo_desktop.services.core.database import Database
from milo_desktop.services.entry.after import any_sends, queue_due
from milo_desktop.services.entry.texts_job import TextEntrySync
from milo_desktop.services.sync.plugin import BackgroundContext, ConnectorPlugin, Contribution
from milo_desktop.services.sync.round import Progress, RoundResult

SERVICE = "entry"
TEXTS_SECONDS = 30.0
AFTER_SECONDS = 30.0
NOTHING_TO_SEND = ("No interviewer sends a scheduling link after the screening (the "
                   "interviewer's Settings → After the screening).")


class AfterScreeningSweep:
    """Queues the scheduling-link message of every application that became due
    (``after.queue_due``; exactly once by its outbox keys)."""

    service = "after_screening"
    default_interval = AFTER_SECONDS

    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def run(self, progress: Progress) -> RoundResult:
        if not await self.db.read(any_sends):
            raise NotConfigured(self.service, NOTHING_TO_SEND)
        queued = await self.db.write(lambda s: queue_due(s, self.clock()))
        progress(queued)
        return RoundResult({"scheduling links": queued})


def contribute(ctx: BackgroundContext) -> Contribution:
    factory = ctx.factories.get("twilio") or twilio_connector_factory(ctx.store, ctx.env)
    ws = ctx.workspace
    return Contribution(jobs=[(TextEntrySync(ws.db, factory, bus=ws.bus), TEXTS_SECONDS),
                              (AfterScreeningSweep(ws.db), AFTER_SECONDS)])


PLUGIN = ConnectorPlugin(SERVICE, "Entry points", contribute)
