"""Simulated inbound texts: someone texts one of the sandbox's numbers.

Twilio hands an inbound SMS to what the number's SmsUrl points at; for a Studio flow's
webhook it starts an execution with the ``incomingMessage`` trigger (``trigger.message``:
MessageSid, From, To, Body). The sandbox does the same with the app's own simulator
(``services.flows``), then leaves behind what Twilio would: the inbound Message (received),
the Execution (ended once the flow has nothing left to wait for) with its Context and Steps,
and one outbound Message per text the flow sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from milo_desktop.sandbox.twilio_state import Rec, SandboxState
from milo_desktop.sandbox.twilio_util import WEBHOOK_RE, later
from milo_desktop.services.flows.simulator import Simulation, Trigger


def flow_for_texts(state: SandboxState, to_number: str) -> tuple[Rec, Rec | None]:
    """The IncomingPhoneNumber and the published flow its SmsUrl points at (None: no flow;
    LookupError when the number is not the sandbox's)."""
    number = state.number_for(to_number)
    if number is None:
        raise LookupError(f"no IncomingPhoneNumber {to_number} in the sandbox")
    match = WEBHOOK_RE.search(number.data.get("sms_url") or "")
    flow = state.flows.get(match.group(2)) if match else None
    if flow is None or flow.data["status"] != "published":
        return number, None
    return number, flow


def receive_sms(state: SandboxState, *, to_number: str, from_number: str, body: str,
                at: datetime | None = None) -> str | None:
    """``from_number`` texts ``body`` to ``to_number``; returns the Execution sid, or None
    when the number's SmsUrl is no Studio flow (the text is only recorded)."""
    with state.lock:
        number, flow = flow_for_texts(state, to_number)
        account = number.account_sid
        when = at or state.clock()
        inbound = state.add_message(account, to=to_number, from_=from_number, body=body,
                                    direction="inbound", when=when)
        if flow is None:
            return None
        definition = flow.data["definition"]
        run = Simulation(definition, trigger=Trigger.MESSAGE, contact=from_number,
                         channel=to_number, body=body)
        result = run.result()
        context: dict[str, Any] = dict(result.context)
        context["trigger"]["message"]["MessageSid"] = inbound.sid
        states = {s["name"]: s for s in definition["states"]}
        execution = state.add_execution(
            flow, contact=from_number, initiated_by=inbound.sid, when=when, context=context,
            status="ended" if run.finished else "active")
        context["flow"].update(flow_sid=flow.sid, sid=execution.sid)
        widgets: dict[str, Any] = context.get("widgets", {})
        for offset, step in enumerate(result.steps, start=1):
            name = step.transitioned_from
            kind = states.get(name, {}).get("type", "")
            widget = widgets.get(name)
            moment = later(when, offset)
            if kind == "send-message" and isinstance(widget, dict):
                sent = state.add_message(account, to=widget.get("To") or from_number,
                                         from_=widget.get("From") or to_number,
                                         body=str(widget.get("Body", "")),
                                         direction="outbound-api", when=moment)
                widget["Sid"] = sent.sid
            state.add_step(execution, name=step.name, transitioned_from=name,
                           transitioned_to=step.transitioned_to, widget_type=kind, when=moment,
                           context={"widgets": {name: widget}} if widget is not None else {})
        execution.data["date_updated"] = later(when, len(result.steps))
        return execution.sid
