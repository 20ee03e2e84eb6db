"""Structural checks of a Studio flow definition, before it is published.

The published Studio spec types ``Definition`` as an unconstrained value ("JSON representation
of flow definition", no type or properties), so it cannot catch a broken flow: these checks
are what stands between the compiler and a flow Studio rejects (or worse, accepts and strands
a caller in).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from milo_desktop.services.flows.widgets import CONDITION_TYPES, WIDGET_EVENTS, WIDGET_PROPERTIES

MAX_STATES = 1000
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def check_definition(definition: Mapping[str, Any]) -> list[str]:
    """Every structural problem of ``definition``; an empty list means it is sound."""
    problems: list[str] = []
    try:
        json.dumps(definition)
    except (TypeError, ValueError) as exc:
        return [f"the definition is not JSON: {exc}"]
    for key, kind in (("description", str), ("initial_state", str), ("states", list)):
        if not isinstance(definition.get(key), kind):
            problems.append(f"{key!r} must be a {kind.__name__}")
    flags = definition.get("flags", {})
    if not isinstance(flags, dict) or not isinstance(flags.get("allow_concurrent_calls", True), bool):
        problems.append("'flags.allow_concurrent_calls' must be a boolean")
    if problems:
        return problems
    states: list[Any] = definition["states"]
    if not 1 <= len(states) <= MAX_STATES:
        problems.append(f"a flow has 1..{MAX_STATES} states, this one has {len(states)}")
    names: dict[str, Mapping[str, Any]] = {}
    for index, state in enumerate(states):
        if not isinstance(state, dict) or not isinstance(state.get("name"), str):
            problems.append(f"state #{index} has no name")
            continue
        if state["name"] in names:
            problems.append(f"two states are named {state['name']!r}")
        names[state["name"]] = state
        problems.extend(_state_problems(state))
    initial = definition["initial_state"]
    if initial not in names:
        problems.append(f"the initial state {initial!r} does not exist")
    elif names[initial].get("type") != "trigger":
        problems.append(f"the initial state {initial!r} is not a trigger")
    triggers = [n for n, s in names.items() if s.get("type") == "trigger"]
    if len(triggers) > 1:
        problems.append(f"more than one trigger: {', '.join(triggers)}")
    for name, state in names.items():
        for t in state.get("transitions", []):
            target = t.get("next", "") if isinstance(t, dict) else ""
            if target and target not in names:
                problems.append(f"{name}: {t.get('event')} goes to a missing state {target!r}")
    if initial in names:
        unreachable = sorted(set(names) - _reachable(names, initial))
        if unreachable:
            problems.append(f"unreachable states: {', '.join(unreachable)}")
    return problems


def _state_problems(state: Mapping[str, Any]) -> list[str]:
    name, kind = state["name"], state.get("type")
    if not NAME_RE.match(name):
        return [f"{name!r}: a name is letters, digits and underscores, starting with a letter"]
    if kind not in WIDGET_EVENTS:
        return [f"{name}: unknown widget type {kind!r}"]
    out: list[str] = []
    props = state.get("properties")
    if not isinstance(props, dict):
        return [f"{name}: properties missing"]
    offset = props.get("offset")
    if not (
        isinstance(offset, dict)
        and all(isinstance(offset.get(axis), int) for axis in ("x", "y"))
    ):
        out.append(f"{name}: properties.offset needs integer x and y")
    unknown = set(props) - WIDGET_PROPERTIES[kind] - {"offset"}
    if unknown:
        out.append(f"{name}: {kind} has no properties {', '.join(sorted(unknown))}")
    transitions = state.get("transitions")
    if not isinstance(transitions, list):
        return [*out, f"{name}: transitions must be a list"]
    seen: set[str] = set()
    for t in transitions:
        event = t.get("event") if isinstance(t, dict) else None
        if event not in WIDGET_EVENTS[kind]:
            out.append(f"{name}: {kind} has no event {event!r}")
            continue
        if event in seen and event != "match":
            out.append(f"{name}: event {event!r} appears twice")
        seen.add(event)
        if not isinstance(t.get("next", ""), str):
            out.append(f"{name}: {event} has a non-text next")
        out.extend(_condition_problems(name, event, t.get("conditions")))
    return out


def _condition_problems(name: str, event: str, conditions: Any) -> list[str]:
    if event != "match":
        return [] if conditions is None else [f"{name}: only match transitions have conditions"]
    if not isinstance(conditions, list) or not conditions:
        return [f"{name}: a match transition needs conditions"]
    out: list[str] = []
    for cond in conditions:
        if not isinstance(cond, dict) or cond.get("type") not in CONDITION_TYPES:
            out.append(f"{name}: unknown condition {cond!r}")
            continue
        args = cond.get("arguments")
        if not (isinstance(args, list) and len(args) == 1 and isinstance(args[0], str)):
            out.append(f"{name}: a condition takes one argument")
        if not isinstance(cond.get("value", ""), str):
            out.append(f"{name}: a condition value is text")
        if cond.get("type") == "regex":
            try:
                re.compile(cond.get("value", ""))
            except re.error as exc:
                out.append(f"{name}: bad regex {cond.get('value')!r}: {exc}")
    return out


def _reachable(names: Mapping[str, Mapping[str, Any]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for t in names[todo.pop()].get("transitions", []):
            target = t.get("next", "") if isinstance(t, dict) else ""
            if target in names and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
