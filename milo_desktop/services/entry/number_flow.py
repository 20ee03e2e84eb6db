"""One Studio flow per number: the keyword router and every text screening sent from it.

Studio hands a candidate's reply only to an execution of the flow the number's SmsUrl points
at, so a number can serve one flow. Rather than one flow per text stage (which made "one text
stage per number" a rule), a number's flow holds them all::

    Trigger --incomingMessage--> route      (router.py: keywords, INFO, opt-out, unknown)
            --incomingRequest--> stage_pick (split on {{flow.data.stage_id}})
                                   "12" -> s12_intro -> s12_q_7 ...   (stage 12's widgets)
                                   "15" -> s15_intro -> ...           (stage 15's widgets)

Each stage's states are its own compiled flow (stages/compiler.py) with every widget renamed
``s<stage id>_<name>``, and every ``widgets.<name>`` reference inside it renamed alike, so two
stages never share a widget. An outbound execution (``POST …/Executions`` with
``Parameters.stage_id``) enters its stage; a text to the number outside any execution enters
the router. ``stage_context`` gives the result reader the context it knows: the stage's
widgets under their own names.

Only REST API executions and inbound texts come here: Twilio keeps one active execution per
contact and number at a time, so the app starts a second text screening for a candidate on a
number only once the first has ended (stages/handler.py ``plan_start``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from milo_desktop.services.entry.router import RouterEntry, compile_router
from milo_desktop.services.flows.widgets import SIDE, condition

STAGE_PICK = "stage_pick"
STAGE_INPUT = "{{flow.data.stage_id}}"
STAGE_COLUMN = 2 * SIDE + 200  # canvas distance between two stages' columns
_REF = re.compile(r"widgets\.([A-Za-z][A-Za-z0-9_]*)")
_PREFIX = re.compile(r"^s(\d+)_(.+)$")


def stage_prefix(stage_id: int) -> str:
    return f"s{stage_id}_"


def _rename(value: Any, rename: Mapping[str, str]) -> Any:
    """``value`` with every ``widgets.<name>`` of a renamed widget renamed (deep)."""
    if isinstance(value, str):
        return _REF.sub(lambda m: "widgets." + rename.get(m.group(1), m.group(1)), value)
    if isinstance(value, list):
        return [_rename(v, rename) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v, rename) for k, v in value.items()}
    return value


def namespaced(stage_id: int, definition: Mapping[str, Any],
               column: int = 1) -> tuple[str | None, list[dict[str, Any]]]:
    """(the state an outbound execution of the stage starts at, the stage's states renamed
    ``s<id>_…`` and moved to canvas column ``column``). The stage's Trigger is dropped (the
    number flow's trigger reaches the first state through ``stage_pick``), and with it what
    only its other events led to (a text outside a screening goes to the router)."""
    trigger: Mapping[str, Any] = next(
        (s for s in definition.get("states", []) if s.get("type") == "trigger"), {})
    start = next((t.get("next") for t in trigger.get("transitions", [])
                  if t.get("event") == "incomingRequest" and t.get("next")), None)
    by_name = {str(s.get("name")): s for s in definition.get("states", [])}
    reached: set[str] = set()
    todo = [str(start)] if start else []
    while todo:
        name = todo.pop()
        if name in reached or name not in by_name:
            continue
        reached.add(name)
        todo.extend(str(t["next"]) for t in by_name[name].get("transitions", [])
                    if t.get("next"))
    states = [s for s in definition.get("states", []) if str(s.get("name")) in reached]
    prefix = stage_prefix(stage_id)
    rename = {str(s["name"]): prefix + str(s["name"]) for s in states}
    out: list[dict[str, Any]] = []
    for state in states:
        new = _rename(copy.deepcopy(state), rename)
        new["name"] = rename[str(state["name"])]
        for t in new.get("transitions", []):
            if t.get("next"):
                t["next"] = rename.get(str(t["next"]), str(t["next"]))
        offset = new.get("properties", {}).get("offset")
        if isinstance(offset, dict):
            offset["x"] = int(offset.get("x", 0)) + column * STAGE_COLUMN
        out.append(new)
    return (rename.get(str(start)) if start else None), out


def compile_number_flow(number: str, entries: Sequence[RouterEntry], company: str = "",
                        stages: Sequence[tuple[int, Mapping[str, Any]]] = (),
                        titles: Sequence[str] = ()) -> dict[str, Any]:
    """The flow of ``number``: the router of ``entries`` and the text screenings ``stages``
    ((stage id, its compiled definition), in order). ``titles``: the positions screened on
    the number, for the answer to a text that is neither a keyword nor a reply."""
    definition = compile_router(number, entries, company, screening_titles=titles)
    if not stages:
        return definition
    states: list[dict[str, Any]] = definition["states"]
    trigger = next(s for s in states if s["type"] == "trigger")
    for t in trigger["transitions"]:
        if t["event"] == "incomingRequest":
            t["next"] = STAGE_PICK
    branches: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for column, (stage_id, stage_definition) in enumerate(stages, start=1):
        start, renamed = namespaced(stage_id, stage_definition, column)
        if start is None:
            continue
        branches.append({"next": start, "event": "match", "conditions": [
            condition("equal_to", STAGE_INPUT, str(stage_id), f"Stage {stage_id}")]})
        added.extend(renamed)
    states.append({"name": STAGE_PICK, "type": "split-based-on",
                   "transitions": [{"event": "noMatch"}, *branches],
                   "properties": {"input": STAGE_INPUT,
                                  "offset": {"x": STAGE_COLUMN, "y": 0}}})
    states.extend(added)
    definition["description"] = f"Texts to {number}: apply by keyword, screenings"[:200]
    return definition


def stage_of_context(context: Any) -> int | None:
    """The stage an execution was started for (``Parameters.stage_id``), None for a text
    that reached the router."""
    flow = context.get("flow") if isinstance(context, dict) else None
    data = flow.get("data") if isinstance(flow, dict) else None
    value = data.get("stage_id") if isinstance(data, dict) else None
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def stage_context(context: Mapping[str, Any], stage_id: int) -> dict[str, Any]:
    """``context`` with stage ``stage_id``'s widgets under their own names (as the stage's
    own flow would have them); other widgets are left out. A context from a stage's own flow
    (before number flows) has no prefixed widgets and is returned as it is."""
    widgets = context.get("widgets")
    if not isinstance(widgets, dict):
        return dict(context)
    prefix = stage_prefix(stage_id)
    if not any(str(k).startswith(prefix) for k in widgets):
        if any(_PREFIX.match(str(k)) for k in widgets):
            return {**context, "widgets": {}}  # another stage's execution: nothing of ours
        return dict(context)
    ours = {str(k)[len(prefix):]: v for k, v in widgets.items() if str(k).startswith(prefix)}
    return {**context, "widgets": ours}
