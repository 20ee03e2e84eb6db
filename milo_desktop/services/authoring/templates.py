"""Role templates (resources/templates/*.json): loading, the shape check, the question library.

The files are ours, so a template that fails ``check_template`` is a bug in the build and
raises; tests run the check (and the wizard's validation) on every file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milo_desktop.enums import StageKind
from milo_desktop.paths import resources_dir
from milo_desktop.services.authoring.draft import (
    InterviewerDraft,
    QuestionDraft,
    StageDraft,
    tidy,
)

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEMPLATE_STAGES_MAX = 3
OTHER_TOPIC = "Other"
_TOP_KEYS = {"key", "title", "position_title", "description", "keywords", "stages"}
_STAGE_KEYS = {"kind", "name", "min_score", "settings", "questions"}
_COMMON = {"kind", "prompt", "topic", "follow_ups", "requirement", "dealbreaker"}
_KIND_KEYS: dict[str, set[str]] = {
    "scored": {"rubric_low", "rubric_high", "weight"},
    "yes_no": {"expected_yes"},
    "min_amount": {"min_value", "unit"},
    "multiple_choice": {"choices", "accepted_choices"},
}


class TemplateError(ValueError):
    """A bundled template file is malformed (a packaging bug)."""


@dataclass(frozen=True)
class RoleTemplate:
    key: str
    title: str
    position_title: str
    description: str
    keywords: tuple[str, ...]
    stages: tuple[dict[str, Any], ...]  # the JSON, kept so every draft gets fresh objects

    def draft(self) -> InterviewerDraft:
        """A new draft from this template (no slug check, no deadline: the service adds
        those)."""
        return InterviewerDraft(
            name=self.title, position_title=self.position_title,
            stages=[StageDraft.from_json(s) for s in self.stages], template_key=self.key)

    def matches(self, query: str) -> bool:
        """Whether the wizard's template search ``query`` finds this template."""
        words = query.casefold().split()
        hay = " ".join((self.title, self.description, *self.keywords)).casefold()
        return all(w in hay for w in words)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value)


def _question_shape(q: Any, where: str) -> list[str]:
    if not isinstance(q, dict):
        return [f"{where}: a question must be an object"]
    kind = q.get("kind")
    if kind not in _KIND_KEYS:
        return [f"{where}: unknown kind {kind!r}"]
    out: list[str] = []
    unknown = set(q) - _COMMON - _KIND_KEYS[kind]
    if unknown:
        out.append(f"{where}: unknown fields {sorted(unknown)}")
    missing = {"prompt", "topic"} | _KIND_KEYS[kind]
    missing -= set(q)
    if missing:
        out.append(f"{where}: missing {sorted(missing)}")
    checks: dict[str, Callable[[Any], bool]] = {
        "prompt": lambda v: isinstance(v, str), "topic": lambda v: isinstance(v, str),
        "rubric_low": lambda v: isinstance(v, str), "rubric_high": lambda v: isinstance(v, str),
        "weight": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "expected_yes": lambda v: isinstance(v, bool),
        "min_value": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "unit": lambda v: isinstance(v, str), "choices": _is_str_list,
        "accepted_choices": _is_str_list, "follow_ups": _is_str_list,
        "dealbreaker": lambda v: isinstance(v, bool),
        "requirement": lambda v: isinstance(v, str) and bool(re.match(r"^[a-z0-9_]+$", v)),
    }
    out += [f"{where}: {name} has the wrong type" for name, ok in checks.items()
            if name in q and not ok(q[name])]
    if kind == "scored" and q.get("dealbreaker"):
        out.append(f"{where}: a scored question can't be a dealbreaker")
    return out


def check_template(data: Any, key: str) -> list[str]:
    """The shape problems of one template file (the JSON schema of README.md), or []."""
    if not isinstance(data, dict):
        return [f"{key}: the file must hold one JSON object"]
    out: list[str] = []
    if set(data) != _TOP_KEYS:
        out.append(f"{key}: fields must be exactly {sorted(_TOP_KEYS)}")
    if data.get("key") != key or not KEY_RE.match(key):
        out.append(f"{key}: 'key' must equal the file name (lowercase, digits, hyphens)")
    for name in ("title", "position_title", "description"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            out.append(f"{key}: '{name}' must be a non-empty string")
    if not _is_str_list(data.get("keywords")) or not data.get("keywords"):
        out.append(f"{key}: 'keywords' must be a non-empty list of strings")
    stages = data.get("stages")
    if not isinstance(stages, list) or not 1 <= len(stages) <= TEMPLATE_STAGES_MAX:
        return [*out, f"{key}: 'stages' must be a list of 1–{TEMPLATE_STAGES_MAX} stages"]
    for i, st in enumerate(stages):
        where = f"{key} stage {i + 1}"
        if not isinstance(st, dict) or st.get("kind") not in {k.value for k in StageKind}:
            out.append(f"{where}: kind must be one of resume, voice, sms, form")
            continue
        if set(st) - _STAGE_KEYS:
            out.append(f"{where}: unknown fields {sorted(set(st) - _STAGE_KEYS)}")
        if not isinstance(st.get("questions"), list) or not st["questions"]:
            out.append(f"{where}: 'questions' must be a non-empty list")
            continue
        for j, q in enumerate(st["questions"]):
            out += _question_shape(q, f"{where} question {j + 1}")
    return out


def load_templates(folder: Path | None = None) -> tuple[RoleTemplate, ...]:
    """Every template in ``folder`` (default resources/templates), sorted by title."""
    folder = folder or resources_dir() / "templates"
    found: list[RoleTemplate] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise TemplateError(f"{path}: {exc}") from exc
        problems = check_template(data, path.stem)
        if problems:
            raise TemplateError("; ".join(problems))
        found.append(RoleTemplate(
            key=data["key"], title=data["title"], position_title=data["position_title"],
            description=data["description"], keywords=tuple(data["keywords"]),
            stages=tuple(data["stages"])))
    return tuple(sorted(found, key=lambda t: t.title.casefold()))


@dataclass(frozen=True)
class LibraryGroup:
    topic: str
    questions: tuple[QuestionDraft, ...]


def _prompt_key(prompt: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", tidy(prompt).casefold())


def build_library(templates: Iterable[RoleTemplate]) -> tuple[LibraryGroup, ...]:
    """Every template question once (same prompt = same question), grouped by topic;
    topics and questions sorted by name so the library reads like an index."""
    seen: set[str] = set()
    groups: dict[str, list[QuestionDraft]] = {}
    for template in templates:
        for stage in template.stages:
            for raw in stage["questions"]:
                key = _prompt_key(raw["prompt"])
                if key in seen:
                    continue
                seen.add(key)
                q = QuestionDraft.from_json(raw)
                groups.setdefault(q.topic or OTHER_TOPIC, []).append(q)
    return tuple(
        LibraryGroup(topic, tuple(sorted(qs, key=lambda q: q.prompt.casefold())))
        for topic, qs in sorted(groups.items(), key=lambda kv: kv[0].casefold()))

