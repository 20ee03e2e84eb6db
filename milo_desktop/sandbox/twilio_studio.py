"""The sandbox's Studio v2: Flows (+ Validate), Executions, their Context and Steps, under /v2.

An invalid definition answers 400 / code 20001 with `details.errors` of {message,
property_path} (UNCONFIRMED: the shape Studio's console shows; the spec documents no error
body). A draft may be saved invalid (valid=false, errors listed), as Studio allows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from milo_desktop.sandbox.twilio_http import Req, Resp
from milo_desktop.sandbox.twilio_paging import envelope_studio
from milo_desktop.sandbox.twilio_state import Rec, SandboxState
from milo_desktop.sandbox.twilio_util import (
    TwilioError,
    iso8601,
    missing,
    not_found,
    parse_when,
    when_matches,
)

# Widget types Studio offers, and the events the ones integrations.md describes may use.
WIDGET_EVENTS: dict[str, set[str] | None] = {
    "trigger": {"incomingCall", "incomingMessage", "incomingRequest", "incomingParent",
                "incomingConversationMessage"},
    "gather-input-on-call": {"keypress", "speech", "timeout"},
    "send-and-wait-for-reply": {"incomingMessage", "timeout", "deliveryFailure"},
    "send-message": {"sent", "failed"},
    "record-voicemail": {"recordingComplete", "noAudio", "hangup"},
    "record-call": {"success", "failed"},
    "split-based-on": {"match", "noMatch"},
    "say-play": {"audioComplete"},
    "set-variables": {"next"},
    "make-outgoing-call-v2": {"answered", "busy", "noAnswer", "failed"},
    "make-http-request": {"success", "failed"},
    "run-function": {"success", "fail"},
    "connect-call-to": {"callCompleted", "hangup"},
    # Known types whose events the sandbox does not check.
    "enqueue-call": None, "send-to-flex": None, "capture-payments": None, "fork-stream": None,
    "add-twiml-redirect": None, "connect-virtual-agent": None, "run-subflow": None,
}
STATUSES = ("draft", "published")


def definition_errors(definition: Any) -> list[dict[str, str]]:
    """What Studio would reject in a definition: a missing initial_state, 0 or > 1000 states,
    duplicate names, unknown widget types or events, transitions to states that do not exist.
    Each error is {"message", "property_path"}."""
    errors: list[dict[str, str]] = []

    def err(path: str, message: str) -> None:
        errors.append({"message": message, "property_path": path})

    if not isinstance(definition, dict):
        err("#", "definition must be a JSON object")
        return errors
    states = definition.get("states")
    if not isinstance(states, list) or not 1 <= len(states) <= 1000:
        err("#/states", "states must be an array of 1 to 1000 widgets")
        return errors
    names: set[str] = set()
    for i, state in enumerate(states):
        name = state.get("name") if isinstance(state, dict) else None
        if not isinstance(name, str) or not name:
            err(f"#/states/{i}/name", "every state needs a name")
        elif name in names:
            err(f"#/states/{i}/name", f"duplicate state name {name!r}")
        else:
            names.add(name)
    if definition.get("initial_state") not in names:
        err("#/initial_state", f"initial_state {definition.get('initial_state')!r} is not a state")
    triggers = [s for s in states if isinstance(s, dict) and s.get("type") == "trigger"]
    if len(triggers) != 1:
        err("#/states", "a flow needs exactly one trigger widget")
    for i, state in enumerate(states):
        if not isinstance(state, dict):
            continue
        kind = state.get("type")
        if kind not in WIDGET_EVENTS:
            err(f"#/states/{i}/type", f"unknown widget type {kind!r}")
        if not isinstance(state.get("properties", {}), dict):
            err(f"#/states/{i}/properties", "properties must be an object")
        transitions = state.get("transitions", [])
        if not isinstance(transitions, list):
            err(f"#/states/{i}/transitions", "transitions must be an array")
            continue
        events = WIDGET_EVENTS.get(kind) if isinstance(kind, str) else None
        for j, tr in enumerate(transitions):
            where = f"#/states/{i}/transitions/{j}"
            if not isinstance(tr, dict) or not isinstance(tr.get("event"), str):
                err(where, "a transition needs an event")
                continue
            if events is not None and tr["event"] not in events:
                err(f"{where}/event", f"{kind} has no event {tr['event']!r}")
            target = tr.get("next")
            if target not in (None, "") and target not in names:
                err(f"{where}/next", f"transition to unknown state {target!r}")
    return errors


def parse_definition(raw: str | None) -> dict[str, Any]:
    """The Definition form parameter (a JSON string) as an object; 400 when it is not JSON."""
    try:
        value = json.loads(raw or "")
    except ValueError as exc:
        raise TwilioError(400, 20001, "Invalid Flow Definition: not valid JSON") from exc
    return value


def invalid(errors: list[dict[str, str]]) -> TwilioError:
    """400 for an invalid definition, with the details (see the module docstring)."""
    return TwilioError(400, 20001, "Invalid Flow Definition", details={"errors": errors})


def _newest_first(records: Iterable[Rec]) -> list[Rec]:
    return sorted(records, key=lambda r: (r.created, r.seq), reverse=True)


class Studio:
    """Routes and handlers of Studio v2 over a SandboxState."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        # Plays a new REST execution (twilio_outbound.Outbound.start): (flow, execution,
        # parameters) → True when it took the execution over; None or False: trigger only.
        self.outbound: Callable[[Rec, Rec, dict[str, Any]], bool] | None = None
        fw, fn, ft = r"(FW\w{32})", r"(FN\w{32})", r"(FT\w{32})"
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Resp]]] = [
            ("POST", re.compile(r"^/v2/Flows/Validate$"), self.validate),
            ("GET", re.compile(r"^/v2/Flows$"), self.list_flows),
            ("POST", re.compile(r"^/v2/Flows$"), self.create_flow),
            ("GET", re.compile(rf"^/v2/Flows/{fw}$"), self.fetch_flow),
            ("POST", re.compile(rf"^/v2/Flows/{fw}$"), self.update_flow),
            ("DELETE", re.compile(rf"^/v2/Flows/{fw}$"), self.delete_flow),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions$"), self.list_executions),
            ("POST", re.compile(rf"^/v2/Flows/{fw}/Executions$"), self.create_execution),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}$"), self.fetch_execution),
            ("POST", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}$"), self.update_execution),
            ("DELETE", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}$"), self.delete_execution),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}/Context$"), self.context),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}/Steps$"), self.list_steps),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}/Steps/{ft}$"), self.fetch_step),
            ("GET", re.compile(rf"^/v2/Flows/{fw}/Executions/{fn}/Steps/{ft}/Context$"),
             self.step_context),
        ]

    def handle(self, req: Req) -> Resp:
        """Answer one /v2 request for req.account_sid; raises TwilioError."""
        allowed = False
        for method, pattern, handler in self.routes:
            match = pattern.match(req.path)
            if match:
                allowed = True
                if method == req.method:
                    return handler(req, *match.groups())
        if allowed:
            raise TwilioError(405, 20004, "Method not allowed")
        raise not_found(req.path)

    # -- rendering -----------------------------------------------------------------------
    def _flow_json(self, rec: Rec, origin: str) -> dict[str, Any]:
        url = f"{origin}/v2/Flows/{rec.sid}"
        data = dict(rec.data, date_created=iso8601(rec.data["date_created"]),
                    date_updated=iso8601(rec.data["date_updated"]), url=url)
        data["links"] = {k: f"{url}/{v}" for k, v in (
            ("test_users", "TestUsers"), ("revisions", "Revisions"), ("executions", "Executions"))}
        return data

    def _execution_json(self, rec: Rec, origin: str) -> dict[str, Any]:
        url = f"{origin}/v2/Flows/{rec.data['flow_sid']}/Executions/{rec.sid}"
        return dict(rec.data, date_created=iso8601(rec.data["date_created"]),
                    date_updated=iso8601(rec.data["date_updated"]), url=url,
                    links={"steps": f"{url}/Steps", "execution_context": f"{url}/Context"})

    def _step_json(self, rec: Rec, origin: str) -> dict[str, Any]:
        d = rec.data
        url = f"{origin}/v2/Flows/{d['flow_sid']}/Executions/{d['execution_sid']}/Steps/{rec.sid}"
        return dict(d, date_created=iso8601(d["date_created"]),
                    date_updated=iso8601(d["date_updated"]), url=url,
                    links={"step_context": f"{url}/Context"})

    # -- lookups -------------------------------------------------------------------------
    def _flow(self, req: Req, sid: str) -> Rec:
        rec = self.state.flows.get(sid)
        if rec is None or rec.account_sid != req.account_sid:
            raise not_found(req.path)
        return rec

    def _execution(self, req: Req, flow_sid: str, sid: str) -> Rec:
        self._flow(req, flow_sid)
        rec = self.state.executions.get(sid)
        if rec is None or rec.data["flow_sid"] != flow_sid:
            raise not_found(req.path)
        return rec

    # -- flows ---------------------------------------------------------------------------
    def validate(self, req: Req) -> Resp:
        """POST /v2/Flows/Validate -> {"valid": true}, or 400 with the errors."""
        f = req.form
        for name in ("FriendlyName", "Status", "Definition"):
            if not f.get(name):
                raise missing(name)
        errors = definition_errors(parse_definition(f["Definition"]))
        if errors:
            raise invalid(errors)
        return Resp(body={"valid": True})

    def list_flows(self, req: Req) -> Resp:
        """GET /v2/Flows (meta envelope, absolute next_page_url)."""
        rows = _newest_first(r for r in self.state.flows.values() if r.account_sid == req.account_sid)
        return Resp(body=envelope_studio(
            "flows", req.origin, req.path, req.query, rows, lambda r: self._flow_json(r, req.origin)
        ))

    def create_flow(self, req: Req) -> Resp:
        """POST /v2/Flows: FriendlyName, Status, Definition (JSON string), CommitMessage."""
        f = req.form
        for name in ("FriendlyName", "Status", "Definition"):
            if not f.get(name):
                raise missing(name)
        if f["Status"] not in STATUSES:
            raise TwilioError(400, 20001, f"Invalid Status: {f['Status']}")
        definition = parse_definition(f["Definition"])
        errors = definition_errors(definition)
        if errors and f["Status"] == "published":
            raise invalid(errors)
        rec = self.state.add_flow(
            req.account_sid, friendly_name=f["FriendlyName"], status=f["Status"],
            definition=definition, commit_message=f.get("CommitMessage"), errors=errors,
        )
        return Resp(201, self._flow_json(rec, req.origin))

    def fetch_flow(self, req: Req, sid: str) -> Resp:
        """GET /v2/Flows/{FW}."""
        return Resp(body=self._flow_json(self._flow(req, sid), req.origin))

    def update_flow(self, req: Req, sid: str) -> Resp:
        """POST /v2/Flows/{FW}: Status required; a new Definition bumps the revision."""
        rec = self._flow(req, sid)
        f = req.form
        if not f.get("Status"):
            raise missing("Status")
        if f["Status"] not in STATUSES:
            raise TwilioError(400, 20001, f"Invalid Status: {f['Status']}")
        data = rec.data
        definition = parse_definition(f["Definition"]) if f.get("Definition") else data["definition"]
        errors = definition_errors(definition)
        if errors and f["Status"] == "published":
            raise invalid(errors)
        if f.get("Definition"):
            data["revision"] += 1
            rec.extra["revisions"].append(f["Definition"])
        data.update(
            definition=definition, status=f["Status"], valid=not errors, errors=errors,
            friendly_name=f.get("FriendlyName") or data["friendly_name"],
            commit_message=f.get("CommitMessage", data["commit_message"]),
            date_updated=self.state.clock(),
        )
        return Resp(body=self._flow_json(rec, req.origin))

    def delete_flow(self, req: Req, sid: str) -> Resp:
        """DELETE /v2/Flows/{FW} -> 204 (its executions go with it)."""
        self._flow(req, sid)
        del self.state.flows[sid]
        for fn in [k for k, e in self.state.executions.items() if e.data["flow_sid"] == sid]:
            del self.state.executions[fn]
            self.state.steps.pop(fn, None)
            self.state.contexts.pop(fn, None)
        return Resp(204)

    # -- executions ----------------------------------------------------------------------
    def list_executions(self, req: Req, flow_sid: str) -> Resp:
        """GET Executions with status (active|ended), DateCreatedFrom, DateCreatedTo."""
        self._flow(req, flow_sid)
        q = req.query
        status = q.get("status") or q.get("Status")
        lower = parse_when(q["DateCreatedFrom"]) if q.get("DateCreatedFrom") else None
        upper = parse_when(q["DateCreatedTo"]) if q.get("DateCreatedTo") else None
        rows = _newest_first(
            r for r in self.state.executions.values()
            if r.data["flow_sid"] == flow_sid
            and (not status or r.data["status"] == status)
            and (lower is None or when_matches(r.created, lower, ">"))
            and (upper is None or when_matches(r.created, upper, "<"))
        )
        return Resp(body=envelope_studio(
            "executions", req.origin, req.path, q, rows,
            lambda r: self._execution_json(r, req.origin),
        ))

    def create_execution(self, req: Req, flow_sid: str) -> Resp:
        """POST Executions: To, From required; Parameters (JSON) -> flow.data. A scripted
        candidate answers through ``self.outbound``; for anyone else the sandbox only records
        the REST trigger (end it with Status=ended)."""
        flow = self._flow(req, flow_sid)
        f = req.form
        for name in ("To", "From"):
            if not f.get(name):
                raise missing(name)
        try:
            params = json.loads(f["Parameters"]) if f.get("Parameters") else {}
        except ValueError as exc:
            raise TwilioError(400, 20001, "Parameters must be a JSON object") from exc
        now = self.state.clock()
        context: dict[str, Any] = {
            "flow": {"flow_sid": flow.sid, "channel": {"address": f["From"]}, "data": params,
                     "variables": {}},
            "contact": {"channel": {"address": f["To"]}},
            "trigger": {"request": {"from": f["From"], "to": f["To"], "parameters": params}},
            "widgets": {},
        }
        rec = self.state.add_execution(flow, contact=f["To"], initiated_by=req.account_sid,
                                       when=now, context=context)
        context["flow"]["sid"] = rec.sid
        if self.outbound is not None and self.outbound(flow, rec, params):
            return Resp(201, self._execution_json(rec, req.origin))
        states = flow.data["definition"].get("states") or []
        trigger: dict[str, Any] = next((s for s in states if s.get("type") == "trigger"),
                                       {"name": "Trigger"})
        nxt = next((t.get("next") for t in trigger.get("transitions", [])
                    if t.get("event") == "incomingRequest"), None)
        self.state.add_step(rec, name="incomingRequest", transitioned_from=trigger["name"],
                            transitioned_to=nxt or "Ended", widget_type="trigger", when=now,
                            context={})
        return Resp(201, self._execution_json(rec, req.origin))

    def fetch_execution(self, req: Req, flow_sid: str, sid: str) -> Resp:
        """GET Executions/{FN}."""
        return Resp(body=self._execution_json(self._execution(req, flow_sid, sid), req.origin))

    def update_execution(self, req: Req, flow_sid: str, sid: str) -> Resp:
        """POST Executions/{FN} Status=ended."""
        rec = self._execution(req, flow_sid, sid)
        if req.form.get("Status") != "ended":
            raise missing("Status") if not req.form.get("Status") else TwilioError(
                400, 20001, f"Invalid Status: {req.form['Status']}")
        rec.data.update(status="ended", date_updated=self.state.clock())
        return Resp(body=self._execution_json(rec, req.origin))

    def delete_execution(self, req: Req, flow_sid: str, sid: str) -> Resp:
        """DELETE Executions/{FN} -> 204."""
        self._execution(req, flow_sid, sid)
        del self.state.executions[sid]
        self.state.steps.pop(sid, None)
        self.state.contexts.pop(sid, None)
        return Resp(204)

    def context(self, req: Req, flow_sid: str, sid: str) -> Resp:
        """GET Executions/{FN}/Context."""
        self._execution(req, flow_sid, sid)
        return Resp(body={
            "account_sid": req.account_sid, "context": self.state.contexts[sid],
            "flow_sid": flow_sid, "execution_sid": sid,
            "url": f"{req.origin}/v2/Flows/{flow_sid}/Executions/{sid}/Context",
        })

    def list_steps(self, req: Req, flow_sid: str, sid: str) -> Resp:
        """GET Executions/{FN}/Steps, oldest first."""
        self._execution(req, flow_sid, sid)
        return Resp(body=envelope_studio(
            "steps", req.origin, req.path, req.query, self.state.steps[sid],
            lambda r: self._step_json(r, req.origin),
        ))

    def _step(self, req: Req, flow_sid: str, sid: str, step_sid: str) -> Rec:
        self._execution(req, flow_sid, sid)
        step = next((s for s in self.state.steps[sid] if s.sid == step_sid), None)
        if step is None:
            raise not_found(req.path)
        return step

    def fetch_step(self, req: Req, flow_sid: str, sid: str, step_sid: str) -> Resp:
        """GET Executions/{FN}/Steps/{FT}."""
        return Resp(body=self._step_json(self._step(req, flow_sid, sid, step_sid), req.origin))

    def step_context(self, req: Req, flow_sid: str, sid: str, step_sid: str) -> Resp:
        """GET Executions/{FN}/Steps/{FT}/Context."""
        step = self._step(req, flow_sid, sid, step_sid)
        return Resp(body={
            "account_sid": req.account_sid, "context": step.data["context"],
            "execution_sid": sid, "flow_sid": flow_sid, "step_sid": step_sid,
            "url": f"{req.origin}/v2/Flows/{flow_sid}/Executions/{sid}/Steps/{step_sid}/Context",
        })
