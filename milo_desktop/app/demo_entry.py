"""Demo mode's "Simulate a text…": the poster's text code (the keyword to the number) sent
into the sandbox Twilio as an inbound SMS, as a candidate scanning the poster would, and the
text-to-apply job woken so the screening starts within seconds."""

from __future__ import annotations

import asyncio

from milo_desktop.sandbox.twilio_server import TwilioSandbox
from milo_desktop.services.entry.service import TextSimulator
from milo_desktop.services.entry.texts_job import SERVICE as ENTRY_JOB
from milo_desktop.services.workspace import Workspace


def text_simulator(box: TwilioSandbox, ws: Workspace) -> TextSimulator:
    async def send(to_number: str, from_number: str, body: str) -> str | None:
        loop = asyncio.get_running_loop()
        sid = await loop.run_in_executor(None, lambda: box.receive_sms(to_number, from_number,
                                                                       body))
        if ws.sync is not None:
            ws.sync.wake(ENTRY_JOB)
        return sid

    return send
